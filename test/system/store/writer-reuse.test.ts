/**
 * The writer skips the codec for a row whose values are the very array it wrote last (an idle process's
 * cached row: the readers hand back the same ProcSample object for a process that has not run). The file
 * must be what it is without any reuse: the same live Samples written as they are, and deep-copied (no
 * object shared from tick to tick, so every row goes through the codec), give equal tables row for row,
 * across a process keyframe (carried rows) and processes that exit.
 */
import * as path from 'path';
import { spawn } from 'child_process';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Sample } from '../../../src/model';
import { Sampler } from '../../../src/sampler/sampler';
import { PROC_KEYFRAME_MS } from '../../../src/store/recording/schema';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { tmpDir } from '../../helpers/tmp';

t.test('rows from reused arrays equal rows from fresh copies', async (t) => {
  const dir = tmpDir(t);
  const sleepers = Array.from({ length: 20 }, () => spawn('sleep', ['600'], { stdio: 'ignore' }));
  t.teardown(() => sleepers.forEach((c) => c.kill()));
  const s = new Sampler({ intervalMs: 100, procIntervalMs: 1000, connections: true, filesystems: true });
  t.teardown(() => s.close());
  await new Promise((r) => setTimeout(r, 300)); // the filesystem tier's first statfs
  // 100 ms apart on a made-up clock, the process table every tenth: past the first process keyframe.
  const ticks = (PROC_KEYFRAME_MS / 100) * 1.25;
  const t0 = process.hrtime.bigint();
  const samples: Sample[] = [];
  for (let i = 0; i < ticks; i++) {
    samples.push(s.sample(t0 + BigInt(i) * 100_000_000n, i % 10 === 1));
    if (i === ticks / 2) sleepers.splice(0, 5).forEach((c) => c.kill());
    if (i % 10 === 1) await new Promise((r) => setImmediate(r));
  }
  const files: string[] = [];
  for (const [name, input] of [['as read', samples], ['copied', samples.map((x) => structuredClone(x))]] as const) {
    const file = path.join(dir, `${name.replace(' ', '-')}.vigil`);
    const w = RecordingWriter.open(file, { host: s.host, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 'test' });
    for (const x of input) w.add(x);
    w.close();
    files.push(file);
  }
  const [a, b] = files.map((f) => new Database(f, { readonly: true }));
  t.teardown(() => { a.close(); b.close(); });
  const json = (rows: unknown[]): string[] => rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  let rows = 0;
  const tables = (a.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('session', 'meta') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  for (const name of tables) {
    const ra = json(a.prepare(`SELECT * FROM ${name}`).raw().all());
    const rb = json(b.prepare(`SELECT * FROM ${name}`).raw().all());
    rows += ra.length;
    t.strictSame(rb, ra, `${name}: ${ra.length} rows`);
  }
  const carried = a.prepare("SELECT count(*) AS n FROM keyframe_carry WHERE tbl = 'proc_sample'").get() as { n: number };
  t.ok(carried.n >= 1, 'a process keyframe carried unchanged processes');
  t.ok(rows > 1000, `${rows} rows compared`);
});
