/**
 * Which pipelines let their process rules keep a record of high values instead of walking every
 * process's window (Evaluator.seesEveryPush): only one whose window is its own and pushed by it alone
 * (serve, record). Not the screen's shared window, not a feed that keeps the window itself (replay).
 */
import t from 'tap';
import type { Feed, FeedTick } from '../../src/feed/types';
import { Pipeline } from '../../src/pipeline/pipeline';
import { AlertEngine } from '../../src/store/alerts/engine';
import { compileRules } from '../../src/store/alerts/rules';
import { HistoryWindow } from '../../src/store/window';
import { blankProc, blankSnapshot } from '../../src/store/window/synthetic';

/** 30 ticks a second apart of 200 idle processes. */
function ticks(): FeedTick[] {
  const out: FeedTick[] = [];
  for (let s = 1; s <= 30; s++) {
    const snap = blankSnapshot(s * 1000, 1.7e12 + s * 1000, 1000);
    snap.procs = Array.from({ length: 200 }, (_, i) => blankProc(i + 1, i + 1, { cpu_pct: 0 }));
    snap.procs_interval_ms = 1000;
    out.push({ sample: null as unknown as FeedTick['sample'], snap });
  }
  return out;
}

function feed(keeps: boolean): Feed {
  const f: Feed = {
    host: { hostname: 'h', kernel: '6.0', clk_tck: 100, page_size: 4096, ncpu: 1, boot_time_s: null },
    intervalMs: 1000, procIntervalMs: 1000,
    start: (onTick) => ticks().forEach(onTick),
    stop: () => undefined, takeTimings: () => null, warnings: () => [], cwd: () => '',
  };
  if (keeps) f.keepWindow = (w) => void w;
  return f;
}

function run(keeps: boolean, window?: HistoryWindow): { engine: AlertEngine; p: Pipeline } {
  const engine = new AlertEngine(compileRules(null, 'test.json'));
  const p = new Pipeline(feed(keeps), { window, alerts: { engine, close: async () => [] }, sinks: [] });
  p.start(() => undefined);
  return { engine, p };
}

const walksLeftOut = (keeps: boolean, window?: HistoryWindow): number => run(keeps, window).engine.skippedWalks;

t.test('only a pipeline that owns and pushes its window', async (t) => {
  t.ok(walksLeftOut(false) > 200 * 10, 'headless (serve, record): idle processes are passed over');
  t.equal(walksLeftOut(false, new HistoryWindow()), 0, 'a window handed in (the screen\'s): every process is looked at');
  t.equal(walksLeftOut(true), 0, 'a feed that keeps the window (replay): every process is looked at');
});

t.test('only a window the pipeline owns and pushes keeps just the rules\' series', async (t) => {
  const rules = compileRules(null, 'test.json');
  t.same(run(false).p.window?.options.series, [...new Set(rules.map((r) => r.metric))], 'headless (serve, record): the rules\' series');
  t.equal(run(true).p.window?.options.series, null, 'a feed that keeps the window (replay): every series');
  const screen = new HistoryWindow();
  t.equal(run(false, screen).p.window, screen, 'a window handed in (the screen\'s) is used as it is');
  t.equal(screen.options.series, null);
});
