/**
 * The window a headless pipeline keeps for its alert rules (alertWindowOptions: record, serve) holds only
 * the series the rules name, and a process slot has cells for the named process series alone. The rules
 * must see exactly what they saw with every series kept: over generated rule sets (any per-process or
 * system metric, any op, thresholds taken from the values themselves so that rules fire and clear) and
 * generated runs (processes appearing, exiting, pids reused, the same process row handed back unchanged,
 * tables and cgroups missing from some ticks, NaN and null values), the engine's events and its open
 * breaches' figures (value, peak, average, samples) are equal bit for bit, tick by tick, and so is every
 * window answer the rules ask for.
 */
import fc from 'fast-check';
import t from 'tap';
import type { ProcSnap, Snapshot } from '../../../src/model';
import { AlertEngine, alertWindowOptions } from '../../../src/store/alerts/engine';
import { compileRules } from '../../../src/store/alerts/rules';
import {
  CORE_SERIES, DISK_SERIES, FS_SERIES, HistoryWindow, NET_SERIES, PROC_SERIES, procSubject, SERIES, SERIES_NAMES, SYSTEM_SERIES,
} from '../../../src/store/window';
import type { SeriesName } from '../../../src/store/window';
import { CGROUP_SERIES } from '../../../src/store/window/series';
import { blankProc, blankSnapshot, prng, syntheticCgroups, syntheticSnapshot } from '../../../src/store/window/synthetic';

const T0 = 1_700_000_000_000;
const PROC_NAMES = SERIES_NAMES.filter((n) => SERIES[n].family === 'proc');

type Getter = { get(x: unknown): number | null };
const table = (n: SeriesName): Getter => {
  const all = { ...SYSTEM_SERIES, ...CORE_SERIES, ...NET_SERIES, ...DISK_SERIES, ...FS_SERIES, ...CGROUP_SERIES, ...PROC_SERIES } as Record<string, Getter>;
  return all[n];
};

/** Every value of series n in a Snapshot (over its subjects). */
function valuesOf(n: SeriesName, s: Snapshot): (number | null)[] {
  const g = table(n);
  switch (SERIES[n].subject) {
    case 'none': return [g.get(s)];
    case 'core': return s.cores.map((c) => g.get(c));
    case 'iface': return s.net.map((x) => g.get(x));
    case 'disk': return s.disks.map((x) => g.get(x));
    case 'mount': return s.fs.map((x) => g.get(x));
    case 'cgroup': return (s.cgroups ?? []).map((x) => g.get(x));
    case 'proc': return (s.procs ?? []).map((x) => g.get(x));
  }
}

const procStep = fc.record({
  pid: fc.integer({ min: 1, max: 12 }),
  gen: fc.integer({ min: 0, max: 1 }),
  /** Hand back the previous tick's row of this process unchanged (derive does, for a process that did not run). */
  same: fc.boolean(),
  holes: fc.integer({ min: 0, max: 255 }),
  seed: fc.integer(),
});
const step = fc.record({
  dt: fc.oneof(fc.constant(1000), fc.integer({ min: 970, max: 1030 }), fc.constant(100), fc.integer({ min: 1, max: 5000 })),
  blank: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  seed: fc.integer(),
  procs: fc.option(fc.uniqueArray(procStep, { selector: (p) => p.pid, maxLength: 10 }), { freq: 6 }),
  cgroups: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 3 }),
});
const ruleGen = fc.record({
  metric: fc.constantFrom(...SERIES_NAMES, ...PROC_NAMES, ...PROC_NAMES),
  op: fc.constantFrom('>', '>=', '<', '<='),
  /** The threshold: this quantile of the metric's values over the run. */
  q: fc.double({ min: 0, max: 1, noNaN: true }),
  clearBy: fc.constantFrom(0, 0.1, 1),
  window: fc.integer({ min: 1, max: 6 }),
  for: fc.integer({ min: 0, max: 3 }),
  match: fc.option(fc.constantFrom('^p[1-4]$', '1', '^/', 'eth0', '^sda$', '^0$'), { freq: 4 }),
});

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function snapshots(steps: Step[]): Snapshot[] {
  const rows = new Map<number, ProcSnap>();
  const out: Snapshot[] = [];
  let at = 0;
  for (const s of steps) {
    at += s.dt;
    const rnd = prng(s.seed);
    const shape = { cores: 1 + (s.seed & 1), ifaces: (s.seed >> 1) & 1 ? 2 : 1, disks: (s.seed >> 2) & 3, mounts: 1 + ((s.seed >> 4) & 1) };
    const snap = s.blank ? blankSnapshot(at, T0 + at, s.dt) : syntheticSnapshot(at, T0 + at, s.dt, shape, rnd);
    if (s.cgroups !== null) snap.cgroups = syntheticCgroups(s.cgroups, rnd);
    if (s.procs !== null) {
      snap.procs = s.procs.map((p) => {
        const old = rows.get(p.pid);
        if (p.same && old !== undefined && old.start_time === 1000 * p.gen + p.pid) return old;
        const r = prng(p.seed);
        const v = (i: number, scale: number): number | null => ((p.holes >> i) & 1 ? ((p.holes >> 7) & 1 ? NaN : null) : r() * scale);
        const row = blankProc(p.pid, 1000 * p.gen + p.pid, {
          cpu_pct: v(0, 150), wait_pct: v(1, 100), rss_bytes: v(2, 1e9) ?? 0, read_bytes_per_s: v(3, 1e6), write_bytes_per_s: v(4, 1e6),
          majflt_per_s: v(5, 10), minflt_per_s: v(6, 1e3), fds: v(0, 300), comm: `p${p.pid}`,
        });
        rows.set(p.pid, row);
        return row;
      });
      snap.procs_interval_ms = s.dt;
    }
    out.push(snap);
  }
  return out;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return q * 100;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** JSON that keeps every bit of a number (-0, NaN, Infinity included). */
const exact = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : String(v)) : v));

/** What a rule can read of its window at this tick, over every subject of the Snapshot. */
function answers(w: HistoryWindow, metrics: SeriesName[], seconds: number[], snap: Snapshot): unknown[] {
  const out: unknown[] = [];
  for (const m of metrics) {
    for (const sec of seconds) {
      if (SERIES[m].family === 'proc') {
        const ps = snap.procs ?? [];
        for (let i = 0; i < ps.length; i++) {
          out.push(w.procAvgAt(m, ps, i, sec), w.procMaxAt(m, ps, i, sec), w.stats(m, procSubject(ps[i].pid, ps[i].start_time), sec));
        }
      } else {
        for (const subject of w.subjects(m)) out.push(w.avgValue(m, subject, sec), w.stats(m, subject, sec));
      }
    }
  }
  return out;
}

t.test('rules on a window of their own series see what they saw on a window of every series', async (t) => {
  let events = 0;
  let compared = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), fc.array(ruleGen, { minLength: 1, maxLength: 6 }), (steps, gens) => {
      const snaps = snapshots(steps);
      const raw = gens.map((g, i) => {
        const vals = snaps.flatMap((s) => valuesOf(g.metric, s)).filter((v): v is number => v !== null && Number.isFinite(v));
        const threshold = quantile(vals, g.q);
        const above = g.op === '>' || g.op === '>=';
        const clear = above ? threshold - g.clearBy * Math.abs(threshold) : threshold + g.clearBy * Math.abs(threshold);
        const subj = SERIES[g.metric].subject;
        return {
          name: `r${i}`, metric: g.metric, op: g.op, threshold, clear, window: g.window, for: g.for,
          ...(g.match !== null && subj !== 'none' ? { match: g.match } : {}),
        };
      });
      const rules = compileRules(raw, 'test.json');
      const reducedOpts = alertWindowOptions(rules, 1000, 1000);
      const reduced = { engine: new AlertEngine(rules), w: new HistoryWindow(reducedOpts) };
      const full = { engine: new AlertEngine(rules), w: new HistoryWindow({ ...reducedOpts, series: null }) };
      reduced.engine.seesEveryPush();
      full.engine.seesEveryPush();
      const metrics = [...new Set(rules.map((r) => r.metric))];
      const seconds = [...new Set(rules.map((r) => r.window_ms / 1000))];
      for (const snap of snaps) {
        reduced.w.push(snap);
        full.w.push(snap);
        const a = exact(reduced.engine.onSnapshot(snap, reduced.w));
        const b = exact(full.engine.onSnapshot(snap, full.w));
        if (a !== b) {
          t.equal(a, b, `events at ${snap.mono_ms} ms`);
          return false;
        }
        events += JSON.parse(a).length;
        const ra = exact(reduced.engine.active());
        const fa = exact(full.engine.active());
        if (ra !== fa) {
          t.equal(ra, fa, `open breaches at ${snap.mono_ms} ms`);
          return false;
        }
        const wa = answers(reduced.w, metrics, seconds, snap);
        const wb = answers(full.w, metrics, seconds, snap);
        compared += wa.length;
        if (exact(wa) !== exact(wb)) {
          t.equal(exact(wa), exact(wb), `window answers at ${snap.mono_ms} ms`);
          return false;
        }
      }
      return exact(reduced.engine.stop()) === exact(full.engine.stop());
    }),
    { numRuns: 300 },
  );
  t.ok(events > 300, `${events} breach events compared`);
  t.ok(compared > 10_000, `${compared} window answers compared`);
});

t.test('a window of a few series holds those and no others', async (t) => {
  const rules = compileRules([
    { metric: 'proc.cpu_pct', op: '>', threshold: 95, window: '10s' },
    { metric: 'proc.fds', op: '>', threshold: 1000, window: '5s' },
    { metric: 'mem.used_pct', op: '>', threshold: 90, window: '10s' },
  ], 'test.json');
  const reduced = new HistoryWindow(alertWindowOptions(rules, 1000, 1000));
  const full = new HistoryWindow({ ...alertWindowOptions(rules, 1000, 1000), series: null });
  const rnd = prng(7);
  const n = 300;
  for (let s = 1; s <= 20; s++) {
    const snap = syntheticSnapshot(s * 1000, T0 + s * 1000, 1000, { cores: 2, ifaces: 1, disks: 1, mounts: 1 }, rnd);
    snap.procs = Array.from({ length: n }, (_, i) => blankProc(i + 1, i + 1, {
      cpu_pct: rnd() * 10, wait_pct: rnd(), rss_bytes: 1e6, read_bytes_per_s: 1, write_bytes_per_s: 1, majflt_per_s: 1, minflt_per_s: 1, fds: 10,
    }));
    snap.procs_interval_ms = 1000;
    reduced.push(snap);
    full.push(snap);
  }
  const subject = procSubject(5, 5);
  for (const m of PROC_NAMES) {
    const kept = m === 'proc.cpu_pct' || m === 'proc.fds';
    t.equal(reduced.avg(m, subject, 5).value === null, !kept, `${m} ${kept ? 'kept' : 'not kept'}`);
    t.not(full.avg(m, subject, 5).value, null, `${m} in the full window`);
  }
  for (const m of SERIES_NAMES.filter((x) => SERIES[x].family === 'sys')) {
    t.equal(reduced.subjects(m).length > 0, m === 'mem.used_pct', `${m} ${m === 'mem.used_pct' ? 'kept' : 'not kept'}`);
  }
  // Two cells of 4 float64s per process slot a second, where the full window has one per process series.
  const { buckets, procCap } = reduced.sizes;
  const procBytes = reduced.memory().proc;
  t.ok(procBytes <= (buckets + 2) * n * 2 * 4 * 8 * 1.2, `${procBytes} bytes of process cells for ${n} processes, ${buckets} buckets (cap ${procCap})`);
  t.ok(procBytes * PROC_NAMES.length / 2 <= full.memory().proc * 1.01 && procBytes * PROC_NAMES.length / 2 >= full.memory().proc * 0.99,
    `the full window's process cells are ${PROC_NAMES.length / 2}× as large (${full.memory().proc} bytes)`);
});
