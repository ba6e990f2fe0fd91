/**
 * The pipeline's one order, on the Samples of a real recording (the schema-v2 fixture): every Snapshot
 * reaches the history window, then the alert rules, then the sinks in their order; a tick on which a
 * breach begins says so to the sinks; teardown stops the feed, ends open breaches (their rows reach the
 * sinks before those close), closes the sinks in order and then the alert log, once. A feed that keeps the
 * window itself (replay) is handed it and is not pushed to.
 */
import * as path from 'path';
import t from 'tap';
import type { Feed, FeedTick } from '../../src/feed/types';
import { Pipeline, PipelineSink } from '../../src/pipeline/pipeline';
import { AlertEngine } from '../../src/store/alerts/engine';
import { compileRules } from '../../src/store/alerts/rules';
import { Recording } from '../../src/store/recording/reader';
import { snapshotOf } from '../../src/store/recording/snapshots';
import { HistoryWindow } from '../../src/store/window';
import { ROOT } from '../helpers/paths';

/** The fixture's samples as a feed would deliver them: the first with no Snapshot, then one each. */
function fixtureTicks(): FeedTick[] {
  const rec = Recording.open(path.join(ROOT, 'test/fixtures/recordings/schema-v2.vigil'));
  try {
    const first = rec.first()!;
    const last = rec.last()!;
    return [...rec.pairs(first.s, last.s, { procs: true })].map((p) => ({ sample: p.curr, snap: snapshotOf(p) }));
  } finally {
    rec.close();
  }
}

/** Delivers the given ticks at once on start; says what happened to it. */
class ListFeed implements Feed {
  readonly host = { hostname: 'fixture', kernel: '6.0', clk_tck: 100, page_size: 4096, ncpu: 1, boot_time_s: null };
  readonly intervalMs = 100;
  readonly procIntervalMs = 1000;
  stops = 0;
  constructor(private readonly ticks: FeedTick[], private readonly log: string[]) {}
  start(onTick: (tick: FeedTick) => void): void {
    for (const tick of this.ticks) onTick(tick);
  }
  stop(): void {
    this.stops++;
    this.log.push('feed stop');
  }
  takeTimings(): null {
    return null;
  }
  warnings(): string[] {
    return [];
  }
  cwd(): string {
    return '';
  }
}

function sink(name: string, log: string[], seen: { breachMoved: boolean }[] = [], fail?: Error): PipelineSink {
  return {
    tick(tick, step) {
      if (tick.snap !== null) log.push(`${name} tick`);
      seen.push({ breachMoved: step.breachMoved });
    },
    close(failed) {
      log.push(`${name} close${failed ? ' (failed)' : ''}`);
      if (fail) throw fail;
    },
  };
}

function alertsOn(log: string[]): { engine: AlertEngine; close(): Promise<string[]> } {
  const rules = compileRules([{ name: 'always', metric: 'cpu.idle_pct', op: '>=', threshold: 0, window: '1s', for: '0s' }], 'c.json');
  const engine = new AlertEngine(rules, { sinks: [{ event: (ev) => log.push(`breach ${ev.type}`) }] });
  return {
    engine,
    async close() {
      engine.stop();
      log.push('alerts close');
      return ['one line the log could not take'];
    },
  };
}

t.test('window, then alerts, then the sinks in order; one teardown', async (t) => {
  const ticks = fixtureTicks();
  const snaps = ticks.filter((k) => k.snap !== null).length;
  t.ok(snaps >= 3, `the fixture gives Snapshots (${snaps})`);
  const log: string[] = [];
  const seen: { breachMoved: boolean }[] = [];
  const feed = new ListFeed(ticks, log);
  const p = new Pipeline(feed, { alerts: alertsOn(log), sinks: [sink('a', log, seen), sink('b', log)] });
  t.ok(p.window !== null, 'with rules and no window given, the pipeline keeps what the rules read');
  let stopped: unknown = 'not called';
  p.start((err) => (stopped = err));
  t.equal(stopped, 'not called', 'nothing asked to stop');
  t.equal(p.window!.extent()?.latest_t, ticks[ticks.length - 1].snap!.t, 'the window holds the newest Snapshot');
  // The rule holds from the first evaluation: its breach begins before any sink sees that tick.
  t.same(log.slice(0, 3), ['breach start', 'a tick', 'b tick'], 'alerts before the sinks, sinks in order');
  t.equal(log.filter((l) => l === 'a tick').length, snaps, 'one tick per Snapshot');
  t.same(seen.map((s) => s.breachMoved), ticks.map((_k, i) => i === 1), 'breachMoved only on the tick where the breach began');
  const closing = p.close();
  t.equal(p.close(), closing, 'close is once');
  t.same(await closing, ['one line the log could not take'], "what the alert log could not take comes back");
  t.same(log.slice(log.indexOf('feed stop')), ['feed stop', 'breach end', 'a close', 'b close', 'alerts close'], 'the one teardown order');
  t.equal(feed.stops, 1);
});

t.test('a sink that fails to close: the others still close, and the first failure is what close rejects with', async (t) => {
  const log: string[] = [];
  const p = new Pipeline(new ListFeed(fixtureTicks(), log), { sinks: [sink('a', log, [], new Error('disk full')), sink('b', log)] });
  t.equal(p.window, null, 'no rules, no window given: no window');
  p.start(() => undefined);
  await t.rejects(p.close(true), { message: 'disk full' });
  t.same(log.slice(log.indexOf('feed stop')), ['feed stop', 'a close (failed)', 'b close (failed)']);
});

t.test('a feed that keeps the window itself is handed it and never pushed to', async (t) => {
  const log: string[] = [];
  const feed = new ListFeed(fixtureTicks(), log) as ListFeed & { keepWindow(w: HistoryWindow): void };
  let kept: HistoryWindow | null = null;
  feed.keepWindow = (w) => (kept = w);
  const window = new HistoryWindow();
  const p = new Pipeline(feed, { window, sinks: [sink('screen', log)] });
  t.equal(kept, window, 'the feed has the window');
  p.start(() => undefined);
  t.equal(window.extent(), null, 'the pipeline pushed nothing');
  t.ok(log.includes('screen tick'), 'the sinks still see every tick');
  await p.close();
});
