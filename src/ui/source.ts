import type { HostInfo, Snapshot } from '../model';
import type { Breach } from '../store/alerts/evaluator';
import type { HistoryWindow } from '../store/window';
import type { Action } from './keys';
import { FeedOptions, LiveFeed } from '../feed';

/** Where a Snapshot goes; `history` says whether the window should take it (replay feeds the window itself). */
export type Sink = (snap: Snapshot, opts: { history: boolean }) => void;

export interface ReplayMode {
  kind: 'replay';
  t: number;
  speed: number;
  paused: boolean;
  intervalMs: number;
}

/**
 * Where the screen's Snapshots come from: the live sampler, or a recording being replayed. The app
 * treats both the same; replay adds its controls (src/ui/replay-controls.ts).
 */
export interface Source {
  readonly kind: 'live' | 'replay';
  readonly host: HostInfo;
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  /** Starts delivering Snapshots; the app's history window is passed for sources that manage it. */
  start(sink: Sink, history: HistoryWindow): void;
  stop(): void;
  /** Per-source parse times since the last call (--debug-timings), or null. */
  takeTimings(): Record<string, number> | null;
  /** One-line warnings worth showing once (e.g. a hung mount). */
  warnings(): string[];
  /** Replay: where and how fast the recording plays (the header shows it). */
  mode?(): ReplayMode;
  /** Replay: a key's action; true if the source took it. */
  act?(a: Action): boolean;
  /** Replay: `g` with the text typed; an error message or null. */
  goTo?(text: string): string | null;
  /** Replay: breaches of the recording as they stood at time t. */
  alertsAt?(t: number): { active: readonly Breach[]; recent: readonly Breach[] };
}

/** The live feed as the screen's Source: every Snapshot goes to the app (and its history window). */
export class LiveSource implements Source {
  readonly kind = 'live';
  readonly host: HostInfo;
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  private readonly feed: LiveFeed;

  constructor(opts: FeedOptions) {
    this.feed = new LiveFeed(opts);
    this.host = this.feed.host;
    this.intervalMs = this.feed.intervalMs;
    this.procIntervalMs = this.feed.procIntervalMs;
  }

  start(sink: Sink): void {
    this.feed.start(
      ({ snap }) => {
        if (snap !== null) sink(snap, { history: true });
      },
      (err) => {
        // The screen has no caller to reject: thrown as before, outside the feed, to the screen's
        // uncaughtException handler, which gives the terminal back and exits with one line and its code.
        process.nextTick(() => {
          throw err;
        });
      },
    );
  }

  stop(): void {
    this.feed.stop();
  }

  takeTimings(): Record<string, number> | null {
    return this.feed.takeTimings();
  }

  warnings(): string[] {
    return this.feed.warnings();
  }
}
