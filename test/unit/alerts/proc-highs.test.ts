/**
 * Process rules in a pipeline that owns its window (serve, record) keep their own record of which
 * processes had a value from which the threshold could be reached, and pass over the others without
 * walking their window (Evaluator.seesEveryPush). Over generated runs (processes that appear, jump from 0
 * to 100 % in one tick, exit, come back under a reused pid, exec into a name a rule matches; ticks of 100
 * ms to several seconds, tables missing from some ticks; values at, just under and over the threshold,
 * NaN and null), every rule must fire, update and clear on the same ticks with the same figures as the
 * full evaluation (a window that answers no shortcut, so every process's average is computed).
 */
import fc from 'fast-check';
import t from 'tap';
import { AlertEngine } from '../../../src/store/alerts/engine';
import { compileRules } from '../../../src/store/alerts/rules';
import { alertWindowOptions } from '../../../src/store/alerts/engine';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';

const T0 = 1_700_000_000_000;
const THRESHOLD = 50;
const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0, 0, 0, 100, 200, THRESHOLD, THRESHOLD - 1e-12, THRESHOLD + 1e-12, 49.99999999, 50.00000001, 1 / 3) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 200, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(NaN) },
);
const step = fc.record({
  dt: fc.oneof(fc.constant(1000), fc.constant(1000), fc.integer({ min: 970, max: 1030 }), fc.constant(100), fc.integer({ min: 1, max: 5000 })),
  procs: fc.option(
    fc.uniqueArray(
      fc.record({ pid: fc.integer({ min: 1, max: 8 }), gen: fc.integer({ min: 0, max: 1 }), cpu: fc.option(value, { freq: 8 }), exec: fc.boolean() }),
      { selector: (p) => p.pid, maxLength: 8 },
    ),
    { freq: 10 },
  ),
});

const RULES = [
  { metric: 'proc.cpu_pct', op: '>', threshold: THRESHOLD, window: '3s', for: '2s', clear: 40 },
  { metric: 'proc.cpu_pct', op: '>=', threshold: THRESHOLD, window: '1s', for: '0s' },
  { metric: 'proc.cpu_pct', op: '>', threshold: THRESHOLD, window: '5s', for: '1s', clear: 45, match: '^worker' },
  { metric: 'proc.cpu_pct', op: '<', threshold: THRESHOLD, window: '2s', for: '0s' },
  { metric: 'proc.cpu_pct', op: '>', threshold: 0, window: '4s', for: '1s' },
];

// serve's window (fine buckets over the rules' windows), and one whose coarse buckets fall inside them.
const WINDOWS = [(rules: ReturnType<typeof compileRules>) => alertWindowOptions(rules, 1000, 1000), () => ({ procFineSeconds: 2 })];

for (const [w, windowOptions] of WINDOWS.entries()) t.test(`events equal with the record of high values and with the full evaluation (window ${w})`, async (t) => {
  const rules = compileRules(RULES, 'test.json');
  let skipped = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
      const opts = windowOptions(rules);
      const fast = { engine: new AlertEngine(rules), w: new HistoryWindow(opts) };
      const full = { engine: new AlertEngine(rules), w: new HistoryWindow(opts) };
      fast.engine.seesEveryPush();
      full.w.procMaxAt = () => undefined;
      let at = 0;
      for (const s of steps) {
        at += s.dt;
        const snap = blankSnapshot(at, T0 + at, s.dt);
        if (s.procs !== null) {
          snap.procs = s.procs.map((p) => blankProc(p.pid, 1000 * p.gen + p.pid, { cpu_pct: p.cpu, comm: p.exec ? `worker${p.pid}` : `p${p.pid}` }));
          snap.procs_interval_ms = s.dt;
        }
        fast.w.push(snap);
        full.w.push(snap);
        const a = JSON.stringify(fast.engine.onSnapshot(snap, fast.w));
        const b = JSON.stringify(full.engine.onSnapshot(snap, full.w));
        if (a !== b) {
          t.equal(a, b, `at ${at} ms`);
          return false;
        }
      }
      skipped += fast.engine.skippedWalks;
      return JSON.stringify(fast.engine.stop()) === JSON.stringify(full.engine.stop());
    }),
    { numRuns: 500 },
  );
  t.ok(skipped > 1000, `${skipped} process evaluations left their window unwalked`);
});

t.test('a process that jumps from idle to 100 % among 300 idle ones: fired on the same tick as the full evaluation', async (t) => {
  const rules = compileRules([{ metric: 'proc.cpu_pct', op: '>', threshold: 95, window: '10s', for: '0s', clear: 80 }], 'test.json');
  const run = (fast: boolean): { fired: number | null; engine: AlertEngine } => {
    const engine = new AlertEngine(rules);
    const w = new HistoryWindow(alertWindowOptions(rules, 1000, 1000));
    if (fast) engine.seesEveryPush();
    else w.procMaxAt = () => undefined;
    let fired: number | null = null;
    for (let s = 1; s <= 40; s++) {
      const snap = blankSnapshot(s * 1000, T0 + s * 1000, 1000);
      // pid 7 idle until second 20, then flat out.
      snap.procs = Array.from({ length: 300 }, (_, i) => blankProc(i + 1, i + 1, { cpu_pct: i + 1 === 7 && s >= 20 ? 100 : 0 }));
      snap.procs_interval_ms = 1000;
      w.push(snap);
      for (const e of engine.onSnapshot(snap, w)) if (e.type === 'start' && fired === null) fired = s;
    }
    return { fired, engine };
  };
  const fast = run(true);
  const full = run(false);
  t.not(full.fired, null, `the full evaluation fires (at second ${full.fired})`);
  t.ok(full.fired! >= 29, 'once the 10 s average passes 95, not before');
  t.equal(fast.fired, full.fired, 'the same tick');
  t.ok(fast.engine.skippedWalks > 300 * 20, `${fast.engine.skippedWalks} walks left out (idle processes)`);
});
