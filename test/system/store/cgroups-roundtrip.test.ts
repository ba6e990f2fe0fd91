/**
 * The cgroup tier through a recording (schema 4): synthetic tables with keyframes, a group that closes and
 * comes back, u64-scale counters and limits of "none", written and read back; every derived cgroup figure
 * equals the one derived from the Samples as written, and `vigil export --table cgroups` lists them.
 */
import * as path from 'path';
import { Writable } from 'stream';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { runExport } from '../../../src/commands/export';
import { derive } from '../../../src/derive/derive';
import type { Sample } from '../../../src/model';
import { Recording } from '../../../src/store/recording/reader';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { tmpDir } from '../../helpers/tmp';

const json = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

t.test('written and read back: the same cgroup figures', async (t) => {
  const file = path.join(tmpDir(t), 'cg.vigil');
  // 1 s samples, a process (and cgroup) tick every 2: keyframes at 60 s and 120 s carry unchanged groups.
  const src = new SynthSource({ intervalMs: 1000, procEvery: 2, procs: 10, busyProcs: 3, seed: 3, cgroups: 6 });
  const samples: Sample[] = Array.from({ length: 140 }, () => src.next());
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 1000, procIntervalMs: 2000, vigilVersion: 'test' });
  for (const s of samples) w.add(s);
  w.close();
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  let k = 0;
  let ticks = 0;
  let gone = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s, { procs: false, cgroups: true })) {
    const orig = samples[k];
    t.equal(p.curr.cgroups?.groups.length ?? null, orig.cgroups?.groups.length ?? null, `sample ${k}: as many groups`);
    if (k > 0) {
      const a = derive(samples[k - 1], orig, SYNTH_HOST);
      const b = derive(p.prev!, p.curr, p.host);
      if (json(b.cgroups) !== json(a.cgroups)) t.fail(`sample ${k}: cgroup figures differ\n${json(b.cgroups)}\n${json(a.cgroups)}`);
      t.equal(b.cgroups_interval_ms, a.cgroups_interval_ms);
      if (a.cgroups) {
        ticks++;
        if (!a.cgroups.some((c) => c.path === '/system.slice/svc2.service')) gone++;
      }
    }
    k++;
  }
  t.equal(k, samples.length, 'every sample read');
  t.ok(ticks >= 60, `${ticks} cgroup ticks compared`);
  t.ok(gone >= 5, 'a group that went away for a while, and came back');
  const g = [...rec.pairs(rec.last()!.s, rec.last()!.s, { procs: false, cgroups: true })][0].curr.cgroups!.groups;
  const find = (p: string) => g.find((x) => x.path === p)!;
  t.equal(find('/system.slice/svc3.service').mem_max_bytes, null, 'no limit stays none');
  t.equal(find('/system.slice/svc2.service').mem_max_bytes, 1e9, 'a limit stays');
  t.equal(typeof find('/system.slice').io![0].rbytes, 'bigint', 'an I/O counter above 2^53 stays exact (devices summed)');
  t.equal(find('/system.slice/svc1.service').io, null, 'no io.stat: none, not zero');
  t.equal([...rec.pairs(rec.first()!.s, rec.first()!.s)][0].curr.cgroups, undefined, 'without asking, Samples carry no cgroups (older outputs unchanged)');

  let out = '';
  await runExport({ file, table: 'cgroups', format: 'csv' }, new Writable({ write: (c, _e, cb) => ((out += c), cb()) }));
  const lines = out.trim().split('\n');
  const head = lines[0].split(',');
  t.same(head.slice(0, 6), ['t', 'interval_ms', 'path', 'name', 'depth', 'cpu_pct']);
  const rows = lines.slice(1).map((l) => l.split(','));
  t.ok(rows.length >= ticks * 7, `${rows.length} rows: one per group per cgroup tick`);
  const svc2 = rows.filter((r) => r[2] === '/system.slice/svc2.service');
  t.ok(svc2.every((r) => r[3] === 'svc2.service' && r[1] === '2000'), 'name and the tier\'s interval');
  const at = (r: string[], c: string): string => r[head.indexOf(c)];
  t.ok(rows.filter((r) => r[2] === '/system.slice/svc0.service').every((r) => at(r, 'cpu_limit_cores') === '0.5'), 'the 50% quota');
  t.ok(rows.every((r) => !/NaN|Infinity/.test(r.join(','))), 'no NaN, no Infinity');
});
