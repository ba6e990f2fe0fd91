import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { BIG, SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { derive } from '../../../src/derive/derive';
import type { ProcSample, Sample } from '../../../src/model';
import { ReplayCursor } from '../../../src/store/recording/cursor';
import { Recording } from '../../../src/store/recording/reader';
import { carryList, parseCarryList } from '../../../src/store/recording/series-writer';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { canonical } from '../../helpers/fixture-digest';
import { norm, normConnsSample } from '../../helpers/norm';
import { tmpDir } from '../../helpers/tmp';

const opts = { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 'test' };

function record(file: string, samples: Sample[]): void {
  const w = RecordingWriter.open(file, opts);
  for (const s of samples) w.add(s);
  w.close();
}

/** Hostile values the live sampler rarely meets, mixed into a synthetic stream. */
function hostile(n: number): Sample[] {
  // A connections tier slower than the process table (13 vs 10 samples): tables joined with the same
  // read twice, and reads skipped, as on a loaded machine.
  const src = new SynthSource({ procs: 40, busyProcs: 10, seed: 7, socks: 14, connsEvery: 13 });
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const s = src.next();
    const eth = s.sys.net[1];
    if (i >= 20 && i < 40) eth.rx_bytes = (BIG[0] as bigint) + BigInt(i * 1000); // above 2^53
    if (i === 40) eth.rx_bytes = 12; // reset after a bigint
    if (i >= 50 && i < 52) s.sys.stat.cores[1]!.steal = BIG[2]; // u64 sentinel
    if (i >= 60 && i < 70) s.sys.net = s.sys.net.slice(0, 1); // interface gone ...
    if (i >= 70) s.sys.net[1].ifindex = 9; // ... and back re-created
    if (i % 17 === 3) s.sys.load = null;
    if (i % 13 === 5) s.sys.psi = { cpu: null, memory: null, io: null };
    if (i % 11 === 0) s.sys.snmp = { ...Object.fromEntries(['tcp_active_opens', 'tcp_passive_opens', 'tcp_attempt_fails', 'tcp_estab_resets', 'tcp_curr_estab', 'tcp_in_segs', 'tcp_out_segs', 'tcp_retrans_segs', 'tcp_in_errs', 'tcp_out_rsts', 'udp_in_datagrams', 'udp_out_datagrams', 'udp_in_errors', 'udp_no_ports'].map((k, j) => [k, j === 3 ? null : i * 10 + j])) } as unknown as Sample['sys']['snmp'];
    if (i === 33) s.sys.load = { load1: 0.123456, load5: 1e-7, load15: 3, running: 1, total: 2 }; // not two decimals
    if (i >= 80 && i < 85) s.sys.uptime_s = null;
    if (i === 90) s.sys.stat.cores = [s.sys.stat.cores[0], null, s.sys.stat.cores[2], s.sys.stat.cores[3]]; // core 1 offline
    if (i === 91) s.sys.stat.total = null;
    if (i >= 95) s.sys.mem.available = null; // pre-3.14 kernel
    if (s.procs && i >= 100) {
      const procs = s.procs.procs.map((p) => ({ ...p }));
      procs[0] = { ...procs[0], comm: 'exec-ed', cmdline: 'new program' }; // exec: same pid and start time
      procs[1] = { ...procs[1], start_time: procs[1].start_time + 7 }; // pid reused
      procs[2] = { ...procs[2], slow: null, slow_prev: null }; // status unreadable
      procs[3] = { ...procs[3], run_ns: null, wait_ns: null, timeslices: null }; // no schedstat
      procs[4] = { ...procs[4], minflt: BIG[1], comm: 'a) R 1 (b\nx\u001b]52;c;x\u0007' }; // hostile comm, huge counter
      s.procs = { mono_ns: s.procs.mono_ns, procs };
    }
    out.push(s);
  }
  return out;
}

t.test('hostile values round-trip exactly through the delta codec', async (t) => {
  const file = path.join(tmpDir(t), 'h.vigil');
  const samples = hostile(400);
  record(file, samples);
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  let i = 0;
  let connsSnaps = 0;
  let tcpProcs = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s)) {
    t.strictSame(p.curr.sys, samples[i].sys, `system sample ${i}`);
    t.strictSame(normConnsSample(p.curr.conns), normConnsSample(samples[i].conns), `connections sample ${i}`);
    if (i > 0) {
      const want = derive(samples[i - 1], samples[i], SYNTH_HOST);
      t.strictSame(norm(derive(p.prev!, p.curr, p.host)), norm(want), `snapshot ${i}`);
      if (want.conns) connsSnaps++;
      if (want.procs?.some((x) => x.tcp_tx_bytes_per_s !== null && x.tcp_tx_bytes_per_s > 0)) tcpProcs++;
    }
    i++;
  }
  t.equal(i, samples.length);
  t.ok(connsSnaps >= 25 && tcpProcs >= 20, `connection snapshots ${connsSnaps}, process tables with TCP traffic ${tcpProcs}`);
});

t.test('a seek anywhere gives the same pair as walking there', async (t) => {
  const file = path.join(tmpDir(t), 'seek.vigil');
  const src = new SynthSource({ procs: 60, busyProcs: 15, seed: 3, socks: 20, connsEvery: 7 });
  const samples = Array.from({ length: 1500 }, () => src.next()); // 150 s: several keyframes of every kind
  record(file, samples);
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  const first = rec.first()!.s;
  const targets = [first, first + 1, first + 99, first + 100, first + 101, first + 599, first + 600, first + 601, first + 1499];
  for (let k = 0; k < 25; k++) targets.push(first + Math.floor(((k * 7919) % 1500)));
  for (const s of targets) {
    const p = rec.pairAt(s);
    const i = s - first;
    t.strictSame(p.curr.sys, samples[i].sys, `sample ${i} sys`);
    t.strictSame(normConnsSample(p.curr.conns), normConnsSample(samples[i].conns), `sample ${i} connections`);
    if (i === 0) t.equal(p.prev, null);
    else t.strictSame(norm(derive(p.prev!, p.curr, p.host)), norm(derive(samples[i - 1], samples[i], SYNTH_HOST)), `pair at ${i}`);
  }
  // The cursor: seek by time, step both ways, play forward across keyframes.
  const cur = new ReplayCursor(rec);
  const at = cur.seekTime(samples[700].t + 50)!;
  t.equal(at.s, first + 700, 'seekTime lands on the sample at or before the time');
  t.equal(cur.step(-1)!.s, first + 699);
  for (let k = 0; k < 150; k++) cur.next();
  const here = cur.current!;
  t.equal(here.s, first + 849);
  t.strictSame(norm(cur.snapshot()!), norm(derive(samples[848], samples[849], SYNTH_HOST)), 'playback matches live');
  // The connections pane between reads: the ConnsSnap of the latest read at or before here.
  let k = 849;
  while (samples[k].conns === samples[k - 1].conns) k--;
  t.strictSame(norm({ conns: cur.conns() } as never), norm({ conns: derive(samples[k - 1], samples[k], SYNTH_HOST).conns } as never), 'the latest connections read');
  const procs = cur.procs()!;
  t.equal(procs.length, samples[849].procs!.procs.length, 'the process list of the last process tick is there between ticks');
  t.equal(cur.last()!.s, first + 1499);
  t.equal(cur.next(), null, 'next() at the end stays');
  t.equal(cur.seekTime(0)!.s, first, 'a time before the start goes to the first sample');
});

t.test('processes that never hold a socket have no proc_tcp row, and read back exactly', async (t) => {
  const file = path.join(tmpDir(t), 'churn.vigil');
  // A connections read before every process table (the live cadence), and processes starting and exiting.
  const src = new SynthSource({ procs: 30, busyProcs: 5, seed: 5, socks: 6, connsEvery: 10, churn: 0.5 });
  const samples = Array.from({ length: 1300 }, () => src.next());
  record(file, samples);
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  const db = new Database(file, { readonly: true });
  const n = (sql: string): number => Number((db.prepare(sql).raw(true).get() as [number])[0]);
  const withoutRows = n('SELECT count(*) FROM proc WHERE e NOT IN (SELECT e FROM proc_tcp)');
  const rowless = new Set((db.prepare('SELECT pid, start_time FROM proc WHERE e NOT IN (SELECT e FROM proc_tcp)').raw(true).all() as [number, number][]).map(([p, st]) => `${p}/${st}`));
  db.close();
  t.ok(withoutRows >= 20, `${withoutRows} processes without a proc_tcp row`);
  const first = rec.first()!.s;
  let i = 0;
  let rebuilt = 0;
  for (const p of rec.pairs(first, rec.last()!.s)) {
    if (i > 0) t.strictSame(norm(derive(p.prev!, p.curr, p.host)), norm(derive(samples[i - 1], samples[i], SYNTH_HOST)), `snapshot ${i}`);
    // Those processes' connections-tier values are rebuilt from the clocks exactly, times included.
    const orig = new Map(samples[i].procs!.procs.map((x) => [x.pid, x]));
    for (const x of p.curr.procs!.procs) {
      if (!rowless.has(`${x.pid}/${x.start_time}`)) continue;
      const o = orig.get(x.pid)!;
      if (x.tcp?.mono_ns !== o.tcp?.mono_ns || x.tcp_prev?.mono_ns !== o.tcp_prev?.mono_ns) t.fail(`sample ${i} pid ${x.pid}: tcp times differ`);
      else rebuilt++;
    }
    i++;
  }
  t.ok(rebuilt > 1000, `${rebuilt} process samples rebuilt without a row, times exact`);
  for (const at of [600, 601, 610, 611, 900, 1200, 1210, 1299]) {
    const p = rec.pairAt(first + at);
    t.strictSame(norm(derive(p.prev!, p.curr, p.host)), norm(derive(samples[at - 1], samples[at], SYNTH_HOST)), `seek to ${at}`);
    const orig = new Map(samples[at].procs!.procs.map((x) => [x.pid, x]));
    const tcpOf = (x: ProcSample): unknown => [x.tcp, x.tcp_prev];
    const same = p.curr.procs!.procs.filter((x) => rowless.has(`${x.pid}/${x.start_time}`)).every((x) => canonical(tcpOf(x)) === canonical(tcpOf(orig.get(x.pid)!)));
    t.ok(same, `seek to ${at}: processes without rows rebuilt exactly`);
  }
});

t.test('keyframe_carry lists: round trip, and a damaged one is a damaged recording (65)', async (t) => {
  const carried: [number, number][] = [[1021, 400], [1022, 400], [1030, 900], [1031, 900], [1032, 400]];
  const text = carryList([...carried], 1000);
  t.equal(text, '1021:600,1,8:100,1,1:600');
  t.strictSame(parseCarryList(text, 1000), carried);
  t.throws(() => parseCarryList('1,2', 1000), /bad keyframe_carry/, 'the first entry says where its row is');
  const file = path.join(tmpDir(t), 'carry.vigil');
  const src = new SynthSource({ procs: 20, busyProcs: 2, seed: 9 });
  record(file, Array.from({ length: 700 }, () => src.next()));
  const db = new Database(file);
  const k = db.prepare("SELECT s FROM keyframe_carry WHERE tbl = 'proc_sample'").raw(true).get() as [number];
  t.ok(k, 'idle processes carried over the 60 s keyframe');
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  t.ok(rec.pairAt(Number(k[0]) + 5).curr.procs, 'reads');
  db.prepare("UPDATE keyframe_carry SET es = 'x' WHERE tbl = 'proc_sample'").run();
  t.throws(() => rec.pairAt(Number(k[0]) + 5), { exitCode: 65, message: /not a readable vigil recording: bad keyframe_carry/ });
  db.prepare("UPDATE keyframe_carry SET es = '1:1' WHERE tbl = 'proc_sample'").run();
  t.throws(() => rec.pairAt(Number(k[0]) + 5), { exitCode: 65, message: /no absolute row of entity 1/ });
  db.close();
});

t.test('appending makes a new session; its first sample has no predecessor', async (t) => {
  const file = path.join(tmpDir(t), 'app.vigil');
  const src = new SynthSource({ procs: 10, seed: 5 });
  const a = Array.from({ length: 30 }, () => src.next());
  const b = Array.from({ length: 30 }, () => src.next());
  record(file, a);
  record(file, b);
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  t.equal(rec.sessions.length, 2);
  t.equal(rec.count(), 60);
  let n = 0;
  let starts = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s)) {
    if (p.prev === null) starts++;
    const orig = n < 30 ? a[n] : b[n - 30];
    t.strictSame(p.curr.sys, orig.sys);
    n++;
  }
  t.equal(starts, 2, 'one fresh start per session');
});
