/**
 * fast-check: random pushes (values, NaN/Infinity, nulls), random intervals and gaps, random process
 * churn with pid reuse, random window sizes — the window answers what a naive array of every sample
 * answers, to 1e-9 relative (min and max exactly).
 */
import t from 'tap';
import fc from 'fast-check';
import { HistoryWindow, procSubject, WindowOptions } from '../../../src/store/window';
import type { BucketCellLoad, SeriesName } from '../../../src/store/window';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';
import { close, NaiveWindow, naiveWeight } from './naive-window';

type V = number | null;

interface ProcOp {
  pid: number;
  gen: number;
  cpu: V;
  rd: V;
}

type Op =
  | { kind: 'push'; dt: number; interval: number | null; cpu: V; eth0: V; eth1: V; root: V; procs: ProcOp[] | null; procInterval: number | null }
  | { kind: 'query'; seconds: number }
  | { kind: 'bucket'; gap: number; w: number; cpu: V; eth0: V; proc: ProcOp | null };

const value = (): fc.Arbitrary<V> => fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1e12, noNaN: true }) },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e300) },
);

function ops(maxGapS: number, horizon: number, tracked: number[]): fc.Arbitrary<Op[]> {
  const dt = fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 400 }) },
    { weight: 4, arbitrary: fc.integer({ min: 400, max: 3000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 3000, max: maxGapS * 1000 }) },
  ).map((ms) => ms + 0.25); // off the exact second, like a real monotonic clock
  const interval = fc.oneof(
    { weight: 6, arbitrary: fc.constant(-1) }, // -1: "the time since the previous push", as derive would give
    { weight: 1, arbitrary: fc.constantFrom(0, null, NaN, 5e6) },
    { weight: 1, arbitrary: fc.double({ min: 0.5, max: 3000, noNaN: true }) },
  );
  const proc = fc.record({ pid: fc.integer({ min: 1, max: 4 }), gen: fc.integer({ min: 1, max: 2 }), cpu: value(), rd: value() });
  const procs = fc.option(fc.uniqueArray(proc, { selector: (p) => p.pid, maxLength: 4 }), { freq: 2 });
  const push = fc.record({
    kind: fc.constant('push' as const), dt, interval, cpu: value(), eth0: value(), eth1: value(), root: value(), procs,
    procInterval: fc.option(fc.double({ min: 0, max: 2500, noNaN: true }), { freq: 4 }),
  });
  const seconds = fc.oneof(
    fc.constantFrom(...tracked),
    fc.integer({ min: 1, max: horizon + 30 }),
    fc.double({ min: 0.1, max: horizon, noNaN: true }),
  );
  const query = fc.record({ kind: fc.constant('query' as const), seconds });
  // Pre-aggregated seconds (replay's bulk load), in runs: cells with min = max = avg stand for one sample.
  const bucket = fc.record({
    kind: fc.constant('bucket' as const), gap: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: maxGapS })),
    w: fc.double({ min: 1, max: 1500, noNaN: true }), cpu: value(), eth0: value(), proc: fc.option(proc, { freq: 2 }),
  });
  const buckets = fc.array(bucket, { minLength: 1, maxLength: 40 });
  return fc.array(fc.oneof(
    { weight: 8, arbitrary: push.map((p) => [p as Op]) },
    { weight: 1, arbitrary: query.map((q) => [q as Op]) },
    { weight: 1, arbitrary: buckets as fc.Arbitrary<Op[]> },
  ), { minLength: 1, maxLength: 160 }).map((xs) => xs.flat());
}

const SYS_KEYS: [SeriesName, string][] = [
  ['cpu.total_pct', ''], ['net.rx_bytes_per_s', 'eth0'], ['net.rx_bytes_per_s', 'eth1'], ['fs.used_pct', '/'],
];

function run(o: Required<Pick<WindowOptions, 'horizonSeconds' | 'procFineSeconds' | 'procCoarseSeconds' | 'maxSampleMs' | 'trackedWindows' | 'recomputeEvery' | 'rawSamples'>>, list: Op[]): void {
  const win = new HistoryWindow(o);
  const naive = new NaiveWindow({ H: o.horizonSeconds, F: o.procFineSeconds, C: o.procCoarseSeconds, maxSampleMs: o.maxSampleMs });
  let mono = 5_000_000.5;
  const procKeys = new Set<string>();
  // Running sums add every value as it enters a window and subtract it as it leaves. Compensated, what is
  // left of a 1e13 burst that slid out is about 1e-27 of it (plain sums would leave ~1e-16 of it, a
  // billion times more): the absolute floor of the running-sum average scales with the largest value pushed.
  let scale = 0;
  const seen = (v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  };
  for (const op of list) {
    if (op.kind === 'push') [op.cpu, op.eth0, op.eth1, op.root, ...(op.procs ?? []).flatMap((p) => [p.cpu, p.rd])].forEach(seen);
    if (op.kind === 'bucket') [op.cpu, op.eth0, op.proc?.cpu, op.proc?.rd].forEach(seen);
  }
  const runningFloor = Math.max(1e-12, scale * 1e-15);
  const check = (seconds: number): void => {
    const keys: [SeriesName, string, boolean][] = SYS_KEYS.map(([s, subj]) => [s, subj, false]);
    for (const k of procKeys) keys.push(['proc.cpu_pct', k, true], ['proc.read_bytes_per_s', k, true]);
    for (const [series, subject, proc] of keys) {
      const nk = `${series}|${subject}`;
      const want = naive.query(nk, seconds, proc);
      const avg = win.avg(series, subject, seconds);
      const walked = win.walkAvg(series, subject, seconds);
      const st = win.stats(series, subject, seconds);
      const where = `${series}[${subject}] over ${seconds}s`;
      if (want === null) {
        if (avg.value !== null || st !== null || walked.value !== null) throw new Error(`${where}: expected no data, got ${JSON.stringify({ avg, st })}`);
        if (avg.seconds !== 0) throw new Error(`${where}: no data must cover 0 s`);
        continue;
      }
      if (avg.value === null || !close(avg.value, want.avg, 1e-9, runningFloor)) throw new Error(`${where}: avg ${avg.value} ≠ ${want.avg}`);
      if (walked.value === null || !close(walked.value, want.avg)) throw new Error(`${where}: walked avg ${walked.value} ≠ ${want.avg}`);
      if (!close(avg.seconds, want.seconds)) throw new Error(`${where}: covers ${avg.seconds} ≠ ${want.seconds}`);
      if (st === null || st.min !== want.min || st.max !== want.max) throw new Error(`${where}: min/max ${st?.min}/${st?.max} ≠ ${want.min}/${want.max}`);
      if (!close(st.avg, want.avg)) throw new Error(`${where}: stats avg ${st.avg} ≠ ${want.avg}`);
      if (series === 'net.rx_bytes_per_s' || series === 'proc.read_bytes_per_s') {
        const d = win.delta(series, subject, seconds);
        // delta() integrates the same running sums as avg(): the same absolute floor (a 1e12 burst that slid out
        // leaves ~1e-20 in a sum of ~1e-12: seed -1229904233 failed on the plain 1e-12 floor).
        if (d.value === null || !close(d.value, want.delta, 1e-9, runningFloor)) throw new Error(`${where}: delta ${d.value} ≠ ${want.delta}`);
      }
      if (win.min(series, subject, seconds).value !== want.min || win.max(series, subject, seconds).value !== want.max) {
        throw new Error(`${where}: min()/max() disagree with stats()`);
      }
    }
  };
  const ok = (v: V): v is number => v !== null && Number.isFinite(v) && Math.abs(v) <= 1e200;
  for (const op of list) {
    if (op.kind === 'query') {
      check(op.seconds);
      continue;
    }
    if (op.kind === 'bucket') {
      const sec = Math.floor(mono / 1000) + op.gap;
      const cells: BucketCellLoad[] = [];
      if (ok(op.cpu)) cells.push({ series: 'cpu.total_pct', subject: '', w_ms: op.w, avg: op.cpu, min: op.cpu, max: op.cpu });
      if (ok(op.eth0)) cells.push({ series: 'net.rx_bytes_per_s', subject: 'eth0', w_ms: op.w, avg: op.eth0, min: op.eth0, max: op.eth0 });
      const k = op.proc === null ? '' : procSubject(op.proc.pid, 1000 * op.proc.gen + op.proc.pid);
      if (op.proc !== null && ok(op.proc.cpu)) {
        cells.push({ series: 'proc.cpu_pct', subject: k, w_ms: op.w, avg: op.proc.cpu, min: op.proc.cpu, max: op.proc.cpu });
        procKeys.add(k);
      }
      if (win.pushBucket({ sec, wall_ms: 1.7e12 + sec * 1000, cells }) !== cells.length) throw new Error('a valid bucket was refused');
      naive.advanceBucket(sec);
      naive.add('cpu.total_pct|', op.cpu, op.w, sec);
      naive.add('net.rx_bytes_per_s|eth0', op.eth0, op.w, sec);
      if (op.proc !== null) naive.add(`proc.cpu_pct|${k}`, op.proc.cpu, op.w, sec);
      mono = (sec + 1) * 1000;
      continue;
    }
    const prev = mono;
    mono += op.dt;
    const interval = op.interval === -1 ? mono - prev : op.interval;
    const s = blankSnapshot(mono, 1.7e12 + mono, interval as number);
    s.cpu.cpu_pct = op.cpu;
    s.net = [
      { iface: 'eth0', rx_bytes_per_s: op.eth0, tx_bytes_per_s: null, rx_packets_per_s: null, tx_packets_per_s: null, rx_errs_per_s: null, tx_errs_per_s: null, rx_drop_per_s: null, tx_drop_per_s: null },
      { iface: 'eth1', rx_bytes_per_s: op.eth1, tx_bytes_per_s: null, rx_packets_per_s: null, tx_packets_per_s: null, rx_errs_per_s: null, tx_errs_per_s: null, rx_drop_per_s: null, tx_drop_per_s: null },
    ];
    s.fs = [{ mount: '/', source: '/dev/x', fstype: 'ext4', size_bytes: 1, used_bytes: 1, avail_bytes: 0, used_pct: op.root }];
    if (op.procs !== null) {
      s.procs = op.procs.map((p) => blankProc(p.pid, 1000 * p.gen + p.pid, { cpu_pct: p.cpu, read_bytes_per_s: p.rd }));
      s.procs_interval_ms = op.procInterval;
    }
    if (!win.push(s)) throw new Error('an in-order push was refused');
    if (!naive.advance(mono)) throw new Error('naive refused');
    const w = naiveWeight(s.interval_ms, o.maxSampleMs);
    naive.add('cpu.total_pct|', op.cpu, w);
    naive.add('net.rx_bytes_per_s|eth0', op.eth0, w);
    naive.add('net.rx_bytes_per_s|eth1', op.eth1, w);
    naive.add('fs.used_pct|/', op.root, w);
    if (op.procs !== null) {
      const wp = naiveWeight(op.procInterval, o.maxSampleMs);
      for (const p of op.procs) {
        const k = procSubject(p.pid, 1000 * p.gen + p.pid);
        procKeys.add(k);
        naive.add(`proc.cpu_pct|${k}`, p.cpu, wp);
        naive.add(`proc.read_bytes_per_s|${k}`, p.rd, wp);
      }
    }
  }
  check(o.horizonSeconds);
  check(1);
}

const SMALL = {
  horizonSeconds: 120, procFineSeconds: 20, procCoarseSeconds: 10, maxSampleMs: 1500,
  trackedWindows: [1, 5, 10, 60, 120], recomputeEvery: 7, rawSamples: 50,
};

t.test('small horizon (120 s, procs fine 20 s, coarse 10 s): same answers as the naive model', async (t) => {
  fc.assert(fc.property(ops(200, SMALL.horizonSeconds, SMALL.trackedWindows), (list) => run(SMALL, list)), { numRuns: 150 });
  t.pass('150 random histories agree');
});

const DEFAULTS = {
  horizonSeconds: 3600, procFineSeconds: 60, procCoarseSeconds: 60, maxSampleMs: 1500,
  trackedWindows: [10, 60, 300, 900, 3600], recomputeEvery: 600, rawSamples: 1200,
};

t.test('default options with gaps up to 80 minutes: same answers as the naive model', async (t) => {
  fc.assert(fc.property(ops(4800, 3600, DEFAULTS.trackedWindows), (list) => run(DEFAULTS, list)), { numRuns: 100 });
  t.pass('100 random histories agree');
});

t.test('running sums never recomputed, bursts of 1e12 then small values: compensation keeps 1e-9', async (t) => {
  const o = { ...SMALL, horizonSeconds: 60, procFineSeconds: 10, procCoarseSeconds: 10, trackedWindows: [5, 30, 60], recomputeEvery: 1e9 };
  const burst = fc.oneof(fc.constant(1e12 + 0.123), fc.double({ min: 1e11, max: 1e13, noNaN: true }));
  const small = fc.double({ min: 0, max: 10, noNaN: true });
  const step = fc.record({
    kind: fc.constant('push' as const), dt: fc.integer({ min: 50, max: 700 }).map((x) => x + 0.5), interval: fc.constant(-1),
    cpu: fc.oneof({ weight: 1, arbitrary: burst }, { weight: 12, arbitrary: small }), eth0: fc.oneof({ weight: 1, arbitrary: burst }, { weight: 12, arbitrary: small }),
    eth1: small, root: small, procs: fc.constant(null), procInterval: fc.constant(null),
  });
  const q = fc.record({ kind: fc.constant('query' as const), seconds: fc.constantFrom(5, 30, 60, 17) });
  fc.assert(fc.property(fc.array(fc.oneof({ weight: 20, arbitrary: step }, { weight: 1, arbitrary: q }), { minLength: 300, maxLength: 900 }), (list) => run(o, list)), { numRuns: 40 });
  t.pass('40 bursty histories agree');
});
