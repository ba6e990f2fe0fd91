/**
 * The one path a tick takes, whatever the feed and whoever watches: the history window, then the alert
 * rules (which read the window), then the sinks in order (a recording, /metrics, JSON lines, the screen).
 * One teardown order too: the feed stops, open breaches end (their rows still reach the recording), the
 * sinks close in the order given, then the alert log and --on-alert.
 */
import type { Feed, FeedTick } from '../feed/types';
import { AlertEngine, alertWindowOptions } from '../store/alerts/engine';
import { HistoryWindow } from '../store/window';

export interface TickStep {
  /** A breach began or ended on this tick. */
  breachMoved: boolean;
  /** Ends the run: cleanly (a count or a duration reached), or with err. */
  stop(err?: unknown): void;
}

export interface PipelineSink {
  /** Each tick, after the window and the alert rules took its Snapshot. */
  tick(tick: FeedTick, step: TickStep): void;
  /** After the feed stopped and open breaches ended. `failed`: the run ends with an error. */
  close?(failed: boolean): Promise<void> | void;
}

/** The alert rules' engine and what closes it (the alert log, --on-alert): see commands/alert-setup.ts. */
export interface PipelineAlerts {
  engine: AlertEngine;
  /** Resolves with what the alert log could not take. */
  close(): Promise<string[]>;
}

export interface PipelineOptions {
  /**
   * The history window (the screen's hour). Left out, the pipeline keeps just what the alert rules read,
   * and no window at all without rules.
   */
  window?: HistoryWindow;
  alerts?: PipelineAlerts | null;
  sinks: PipelineSink[];
}

export class Pipeline {
  readonly window: HistoryWindow | null;
  readonly alerts: PipelineAlerts | null;
  private readonly sinks: PipelineSink[];
  /** false: the feed keeps the window itself (replay rebuilds it at every jump). */
  private readonly pushes: boolean;
  private closing: Promise<string[]> | null = null;

  constructor(readonly feed: Feed, opts: PipelineOptions) {
    this.alerts = opts.alerts ?? null;
    const rules = this.alerts?.engine.rules ?? null;
    this.pushes = feed.keepWindow === undefined;
    // A window pushed here keeps only the series the rules read (a process slot has cells for those
    // alone); one a feed rebuilds itself (replay's bulk loads) keeps every series it is given.
    const own = rules === null ? null : alertWindowOptions(rules, feed.intervalMs, feed.procIntervalMs);
    this.window = opts.window ?? (own === null ? null : new HistoryWindow(this.pushes ? own : { ...own, series: null }));
    this.sinks = opts.sinks;
    if (this.window !== null) feed.keepWindow?.(this.window);
    // A window of its own, pushed here and nowhere else, each push stepped on at once: the rules may keep
    // their own record of what reached it (the headless commands; the screen's window is shared).
    if (opts.window === undefined && this.window !== null && this.pushes) this.alerts?.engine.seesEveryPush();
  }

  /** Starts the feed; `stop` hears of the end a sink asks for and of a feed's error (then the feed has stopped). */
  start(stop: (err?: unknown) => void): void {
    this.feed.start((tick) => this.push(tick, stop), stop);
  }

  private push(tick: FeedTick, stop: (err?: unknown) => void): void {
    if (this.closing !== null) return;
    const { snap } = tick;
    let breachMoved = false;
    if (snap !== null && this.window !== null) {
      if (this.pushes) this.window.push(snap);
      const engine = this.alerts?.engine;
      // Evaluated before the sinks see the tick, so that a breach seen on a sample is recorded with it.
      if (engine) breachMoved = engine.onSnapshot(snap, this.window).some((e) => e.type !== 'update');
    }
    const step = { breachMoved, stop };
    for (const s of this.sinks) s.tick(tick, step);
  }

  /**
   * Tears down once, in the one order; resolves with what the alert log could not take (one line each),
   * rejects with the first failure after everything closed.
   */
  close(failed = false): Promise<string[]> {
    this.closing ??= this.teardown(failed);
    return this.closing;
  }

  private async teardown(failed: boolean): Promise<string[]> {
    this.feed.stop();
    // Breaches still open end now (reason 'stop'); their rows go to the recording before it closes.
    this.alerts?.engine.stop();
    let failure: unknown;
    for (const s of this.sinks) {
      try {
        await s.close?.(failed);
      } catch (err) {
        failure ??= err;
      }
    }
    let unlogged: string[] = [];
    try {
      unlogged = (await this.alerts?.close()) ?? [];
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw failure;
    return unlogged;
  }
}
