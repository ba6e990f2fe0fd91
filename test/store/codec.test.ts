import * as path from 'path';
import t from 'tap';
import { BIG, SYNTH_HOST, SynthSource } from '../../bench/synthetic';
import { derive } from '../../src/derive';
import type { Sample } from '../../src/model';
import { ReplayCursor } from '../../src/store/recording/cursor';
import { Recording } from '../../src/store/recording/reader';
import { RecordingWriter } from '../../src/store/recording/writer';
import { tmpDir } from '../helpers/tmp';

const opts = { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 'test' };

function record(file: string, samples: Sample[]): void {
  const w = RecordingWriter.open(file, opts);
  for (const s of samples) w.add(s);
  w.close();
}

/** Hostile values the live sampler rarely meets, mixed into a synthetic stream. */
function hostile(n: number): Sample[] {
  const src = new SynthSource({ procs: 40, busyProcs: 10, seed: 7 });
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

function byPid<T extends { procs: { pid: number }[] | null }>(x: T): T {
  x.procs?.sort((a, b) => a.pid - b.pid);
  return x;
}

t.test('hostile values round-trip exactly through the delta codec', async (t) => {
  const file = path.join(tmpDir(t), 'h.vigil');
  const samples = hostile(400);
  record(file, samples);
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  let i = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s)) {
    t.strictSame(p.curr.sys, samples[i].sys, `system sample ${i}`);
    if (i > 0) t.strictSame(byPid(derive(p.prev!, p.curr, p.host)), byPid(derive(samples[i - 1], samples[i], SYNTH_HOST)), `snapshot ${i}`);
    i++;
  }
  t.equal(i, samples.length);
});

t.test('a seek anywhere gives the same pair as walking there', async (t) => {
  const file = path.join(tmpDir(t), 'seek.vigil');
  const src = new SynthSource({ procs: 60, busyProcs: 15, seed: 3 });
  const samples = Array.from({ length: 1500 }, () => src.next()); // 150 s: several keyframes of both kinds
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
    if (i === 0) t.equal(p.prev, null);
    else t.strictSame(byPid(derive(p.prev!, p.curr, p.host)), byPid(derive(samples[i - 1], samples[i], SYNTH_HOST)), `pair at ${i}`);
  }
  // The cursor: seek by time, step both ways, play forward across keyframes.
  const cur = new ReplayCursor(rec);
  const at = cur.seekTime(samples[700].t + 50)!;
  t.equal(at.s, first + 700, 'seekTime lands on the sample at or before the time');
  t.equal(cur.step(-1)!.s, first + 699);
  for (let k = 0; k < 150; k++) cur.next();
  const here = cur.current!;
  t.equal(here.s, first + 849);
  t.strictSame(byPid(cur.snapshot()!), byPid(derive(samples[848], samples[849], SYNTH_HOST)), 'playback matches live');
  const procs = cur.procs()!;
  t.ok(procs.length >= 59, 'the process list of the last process tick is there between ticks');
  t.equal(cur.last()!.s, first + 1499);
  t.equal(cur.next(), null, 'next() at the end stays');
  t.equal(cur.seekTime(0)!.s, first, 'a time before the start goes to the first sample');
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
