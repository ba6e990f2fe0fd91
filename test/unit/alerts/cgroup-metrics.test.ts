/**
 * The cgroup alert metrics (cgroup.cpu_throttled_pct, cgroup.mem_used_pct_of_limit, cgroup.oom_kills): kept
 * per cgroup path in the history window from the cgroup tier's ticks, and a rule on them fires per group.
 */
import t from 'tap';
import type { CgroupSnap } from '../../../src/model/cgroups';
import { AlertEngine } from '../../../src/store/alerts/engine';
import { BreachEvent } from '../../../src/store/alerts/evaluator';
import { ALERT_METRICS } from '../../../src/store/alerts/metrics';
import { compileRules } from '../../../src/store/alerts/rules';
import { HistoryWindow } from '../../../src/store/window';
import { blankSnapshot, syntheticCgroups } from '../../../src/store/window/synthetic';

const T0 = 1_700_000_000_000;

function group(path: string, memPct: number | null, throttled: number | null, kills: number | null): CgroupSnap {
  return { ...syntheticCgroups(1, () => 0.5)[0], path, mem_used_pct_of_limit: memPct, cpu_throttled_pct: throttled, oom_kills: kills };
}

t.test('the three metrics exist, per cgroup', async (t) => {
  for (const m of ['cgroup.cpu_throttled_pct', 'cgroup.mem_used_pct_of_limit', 'cgroup.oom_kills'] as const) {
    t.equal(ALERT_METRICS[m].subject, 'cgroup', `${m} is per cgroup`);
  }
});

t.test('a rule on memory against the limit fires for the group over it, not for the one without a limit', async (t) => {
  const engine = new AlertEngine(compileRules([
    { metric: 'cgroup.mem_used_pct_of_limit', op: '>', threshold: 90, window: '5s', for: '3s' },
    { metric: 'cgroup.oom_kills', op: '>', threshold: 0, window: '10s', for: '0s' },
  ], 'test.json'));
  const w = new HistoryWindow();
  const events: BreachEvent[] = [];
  for (let at = 100; at <= 20_000; at += 100) {
    const s = blankSnapshot(at, T0 + at, 100);
    // The cgroup tier reads once a second, on the process ticks.
    if (at % 1000 === 0) {
      s.cgroups = [
        group('/system.slice/full.service', at >= 5000 ? 97 : 50, 10, at === 8000 ? 1 : 0),
        group('/system.slice/free.service', null, 0, 0),
      ];
    }
    w.push(s);
    events.push(...engine.onSnapshot(s, w));
  }
  const starts = events.filter((e) => e.type === 'start');
  t.same(starts.map((e) => [e.breach.metric, e.breach.subject]).sort(), [
    ['cgroup.mem_used_pct_of_limit', '/system.slice/full.service'],
    ['cgroup.oom_kills', '/system.slice/full.service'],
  ], 'one breach each, for the full group only');
  t.equal(w.avg('cgroup.mem_used_pct_of_limit', '/system.slice/free.service', 10).value, null, 'no limit: no value, never 0');
  t.ok((w.avg('cgroup.cpu_throttled_pct', '/system.slice/full.service', 10).value ?? 0) > 9.9, 'throttled % kept');
});

t.test('history is kept for the first 32 groups of the walk (breadth first), the rest have none', async (t) => {
  const w = new HistoryWindow();
  const s = blankSnapshot(1000, T0 + 1000, 100);
  s.cgroups = syntheticCgroups(40, () => 0.5);
  w.push(s);
  t.ok(w.avg('cgroup.cpu_pct', '/g31.slice', 1).value !== null, 'the 32nd has a value');
  t.equal(w.avg('cgroup.cpu_pct', '/g32.slice', 1).value, null, 'the 33rd has none');
});
