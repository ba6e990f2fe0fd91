/**
 * Process rules pass over a process whose largest value in the window lies below the threshold without
 * walking its window (HistoryWindow.procMaxAt). Over generated runs (values at, just under and over the
 * threshold, constants equal to it, gaps, processes that come and go, pid reuse, rules of every operator
 * and window), the events must be those of the same engine on a window that never answers procMaxAt (so
 * every process's average is computed), event for event, figure for figure.
 */
import fc from 'fast-check';
import t from 'tap';
import { AlertEngine } from '../../../src/store/alerts/engine';
import { compileRules } from '../../../src/store/alerts/rules';
import { HistoryWindow } from '../../../src/store/window';
import { procMax } from '../../../src/store/window/query';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';

const T0 = 1_700_000_000_000;
const THRESHOLD = 50;
const value = fc.oneof(
  fc.constantFrom(THRESHOLD, THRESHOLD - 1e-12, THRESHOLD + 1e-12, 0, 49.99999999, 50.00000001, 100, 1 / 3),
  fc.double({ min: 0, max: 120, noNaN: true }),
);
const step = fc.record({
  dt: fc.oneof(fc.constant(100), fc.constant(100), fc.integer({ min: 1, max: 4000 })),
  procs: fc.option(fc.uniqueArray(fc.record({ pid: fc.integer({ min: 1, max: 6 }), gen: fc.integer({ min: 0, max: 1 }), cpu: fc.option(value, { freq: 8 }) }), { selector: (p) => p.pid, maxLength: 6 }), { freq: 8 }),
});

t.test('events equal with and without the largest-value shortcut', async (t) => {
  const rules = compileRules([
    { metric: 'proc.cpu_pct', op: '>', threshold: THRESHOLD, window: '3s', for: '1s', clear: 40 },
    { metric: 'proc.cpu_pct', op: '>=', threshold: THRESHOLD, window: '1s', for: '0s' },
    { metric: 'proc.cpu_pct', op: '<', threshold: THRESHOLD, window: '2s', for: '0s' },
    { metric: 'proc.cpu_pct', op: '>', threshold: 0, window: '10s', for: '2s' },
  ], 'test.json');
  let skipped = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 150 }), (steps) => {
      const fast = { engine: new AlertEngine(rules), w: new HistoryWindow({ procFineSeconds: 4 }) };
      const slow = { engine: new AlertEngine(rules), w: new HistoryWindow({ procFineSeconds: 4 }) };
      slow.w.procMaxAt = () => undefined;
      let at = 0;
      for (const s of steps) {
        at += s.dt;
        const snap = blankSnapshot(at, T0 + at, s.dt);
        if (s.procs !== null) {
          snap.procs = s.procs.map((p) => blankProc(p.pid, 1000 * p.gen + p.pid, { cpu_pct: p.cpu }));
          snap.procs_interval_ms = s.dt;
        }
        fast.w.push(snap);
        slow.w.push(snap);
        if (snap.procs !== null) for (let i = 0; i < snap.procs.length; i++) if ((fast.w.procMaxAt('proc.cpu_pct', snap.procs, i, 3) ?? Infinity) < THRESHOLD) skipped++;
        const a = JSON.stringify(fast.engine.onSnapshot(snap, fast.w));
        const b = JSON.stringify(slow.engine.onSnapshot(snap, slow.w));
        if (a !== b) {
          t.equal(a, b, `at ${at} ms`);
          return false;
        }
      }
      return JSON.stringify(fast.engine.active()) === JSON.stringify(slow.engine.active());
    }),
    { numRuns: 400 },
  );
  t.ok(skipped > 100, `${skipped} process evaluations could skip their walk`);
});

t.test('procMax: the largest value of the window, the newest bucket included, none without data', async (t) => {
  const w = new HistoryWindow();
  const st = (w as unknown as { st: Parameters<typeof procMax>[0] }).st;
  const push = (at: number, cpu: number | null) => {
    const s = blankSnapshot(at, T0 + at, 100);
    s.procs = [blankProc(7, 700, { cpu_pct: cpu })];
    s.procs_interval_ms = 100;
    w.push(s);
    return s.procs;
  };
  push(1000, 30);
  push(1100, 80);
  push(2000, 10);
  let procs = push(2100, 20);
  t.equal(w.procMaxAt('proc.cpu_pct', procs, 0, 2), 80, 'the second before counts in a 2 s window');
  t.equal(w.procMaxAt('proc.cpu_pct', procs, 0, 1), 20, 'the newest second alone');
  procs = push(2200, 90);
  t.equal(w.procMaxAt('proc.cpu_pct', procs, 0, 1), 90, 'a new value in the newest bucket is seen at once');
  procs = push(3000, null);
  t.equal(w.procMaxAt('proc.cpu_pct', procs, 0, 1), null, 'no data in the window');
  t.equal(w.procMaxAt('proc.cpu_pct', procs, 0, 2), 90);
  t.equal(procMax(st, 'proc.cpu_pct', 0, 3), 90);
  t.equal(w.procMaxAt('proc.cpu_pct', [blankProc(8, 800, {})], 0, 2), undefined, 'not the table pushed: unknown');
});
