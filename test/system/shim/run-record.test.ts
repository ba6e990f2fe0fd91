/**
 * `vigil run --record FILE -- CMD` keeps the shim's counters (issue 18, item 11), end to end with the
 * built CLI and a real traced client: `sendn` sends a known N bytes over loopback to a server in this
 * test (not traced), in parts over several process ticks, then lingers past one more tick. Checked: the
 * recording's proc_shim series hold N bytes (the lingering tick reads them all: exact), the `shim` export
 * table's rates add up to them, replay's process table shows the shim's figure (the '*' NET TX cell, the
 * same derive as live), and the summary printed at exit names N bytes and the recording's path.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Writable } from 'stream';
import Database from 'better-sqlite3';
import t from 'tap';
import { runExport } from '../../../src/commands/export';
import { derive } from '../../../src/derive/derive';
import { COLUMNS } from '../../../src/panes/processes';
import * as format from '../../../src/render/format';
import { shimLibraryPath } from '../../../src/sampler/shim/library';
import { Recording } from '../../../src/store/recording/reader';
import { CLI } from '../../helpers/cli';
import { C_DIR, tmpDir } from '../../helpers/shim';

const N = 3_000_017;
const PROC_MS = 250;

t.test('vigil run --record: the shim series sum to the bytes sent, export and replay show them, the summary names them', { skip: shimLibraryPath(false) === null ? 'the shim is not built' : false }, async (t) => {
  const dir = tmpDir('runrec');
  const sendn = path.join(dir, 'sendn');
  execFileSync('cc', ['-O1', '-Wall', '-o', sendn, path.join(C_DIR, 'sendn.c')], { stdio: 'pipe' });
  const shimDir = path.join(dir, 'shm');
  fs.mkdirSync(shimDir, { mode: 0o700 });
  let got = 0;
  const server = net.createServer((c) => c.on('data', (d) => (got += d.length)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const file = path.join(dir, 'run.vigil');
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--record', file, '--proc-interval', String(PROC_MS), '--', sendn, String(port), String(N), '6', '400', String(12 * PROC_MS)],
    { env: { ...process.env, VIGIL_SHIM_DIR: shimDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 0, code === 0 ? "exits with the command's code" : stderr);
  t.equal(got, N, 'the server received every byte');

  // The summary: N bytes exactly, and where the recording is.
  t.match(stderr, new RegExp(`sendn exited with code 0`), 'the summary names the command');
  t.match(stderr, new RegExp(`network +sent ${N} B \\(${format.bytes(N).replace('.', '\\.')}\\) in \\d+ calls`), `the summary names ${N} bytes sent`);
  t.match(stderr, /peers +1: 127\.0\.0\.1:\d+/, 'and the one peer');
  t.match(stderr, /connects +1 \(0 failed\), latency avg [\d.]+ ms/, 'and the connect with its latency');
  t.match(stderr, /peak heap +n\/a \(vigil run --alloc counts the heap\)/);
  t.match(stderr, new RegExp(`recording +${file.replace(/[.]/g, '\\.')}\\n`), 'and the recording path');
  t.ok(stderr.trimEnd().split('\n').length <= 12, 'one screen');

  // The recording's own series: the shim's send bytes of the client, cumulative, reach N.
  const db = new Database(file, { readonly: true });
  const sent = db
    .prepare(
      `SELECT p.pid, sum(s.tcp_send_bytes) AS bytes, count(*) AS rows FROM proc_shim s JOIN proc p USING (e) WHERE p.comm = 'sendn' GROUP BY p.e ORDER BY p.e`,
    )
    .all() as { pid: number; bytes: number; rows: number }[];
  db.close();
  // One process. A read that meets it inside execve (the new comm, the command line not set up yet) can
  // give it a second entity when the next read sees the command line: the same pid either way.
  t.equal(new Set(sent.map((r) => r.pid)).size, 1, `one traced process (${sent.length} entities)`);
  // An entity's rows are an absolute row then differences: their sum is its last read's cumulative count.
  const last = sent[sent.length - 1];
  t.equal(last?.bytes, N, `proc_shim: ${N} bytes over ${last?.rows} rows`);

  // Export: the shim table's cumulative count and its rates over the process intervals.
  let out = '';
  await runExport({ file, table: 'shim', format: 'json' }, new Writable({ write: (c, _e, cb) => ((out += c), cb()) }));
  const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string | null>).filter((r) => r.comm === 'sendn' && r.pid === last?.pid);
  // At least an absolute row and a difference. The client sends for 2 s and lingers 3 s, so that even a
  // sampler starved to one read a second sees it several times (at load 15, sending for 1 s and lingering
  // 0.75 s, it was read once).
  t.ok(rows.length >= 2, `export --table shim: ${rows.length} rows for the client`);
  t.equal(rows[rows.length - 1].net_tx_bytes, N, 'its last row: N bytes sent');
  const moved = (rows[0].net_tx_bytes as number) + rows.slice(1).reduce((a, r) => a + (r.net_tx_bytes_per_s as number) * (r.interval_ms as number) / 1000, 0);
  t.ok(Math.abs(moved - N) < 1, `first count + Σ rate × interval = ${moved.toFixed(1)}`);
  t.ok(rows.some((r) => (r.net_tx_bytes_per_s as number) > 0), 'and some interval had a rate');

  // Replay: the process table's NET TX cell for the client is the shim's rate, marked '*'.
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  let cells = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s)) {
    if (p.prev === null) continue;
    const me = derive(p.prev, p.curr, p.host).procs?.find((q) => q.pid === last?.pid); // by pid: another run's sendn may be on the machine
    if (me?.shim == null || me.shim.net_tx_bytes_per_s === null || me.shim.net_tx_bytes_per_s === 0) continue;
    t.equal(me.net_source, 'shim');
    t.equal(COLUMNS.nettx.cell(me), `${format.bytes(me.shim.net_tx_bytes_per_s)}*`, 'NET TX shows the shim figure');
    cells++;
  }
  t.ok(cells > 0, `replayed moments with the client sending: ${cells}`);
});
