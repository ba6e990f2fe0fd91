import type { HostInfo, Snapshot } from '../model';
import type { HeaderState } from '../panes/header';
import type { Breach } from '../store/alerts/evaluator';
import type { HistoryWindow } from '../store/window';
import type { Action, KeySet } from './keys';
import type { FeedOptions, LiveFeed } from '../feed';
import { readHostInfo } from '../sampler/host';
import { readCwd } from '../sampler/procinfo';
import { samplerIntervals } from '../sampler/intervals';

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
 * asks the source, never which one it is: the keys that apply, a process's cwd, the moment shown; replay
 * adds its controls (the optional methods).
 */
export interface Source {
  /** The keys that apply (replay's controls take the place of kill and paging). */
  readonly keys: KeySet;
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
  /** The working directory the detail view shows for a process. */
  cwd(pid: number): string;
  /** Replay: the moment being replayed, which the header and the alerts go by (live goes by the newest Snapshot). */
  now?(): number;
  /** What the header says of the source: the sampling intervals, or where and how fast the recording plays. */
  mode(): HeaderState['mode'];
  /** A key's action (replay's controls, live's refresh interval); true if the source took it. */
  act?(a: Action): boolean;
  /** Replay: the moment shown, and where the recording starts and ends (ms since the epoch). */
  position?(): { t: number; start: number; end: number } | null;
  /** Replay: `g` with the text typed; an error message or null. */
  goTo?(text: string): string | null;
  /** Replay: breaches of the recording as they stood at time t. */
  alertsAt?(t: number): { active: readonly Breach[]; recent: readonly Breach[] };
}

/** The refresh intervals { and } step through, ms (within --interval's 50 ms … limits). */
export const PACE_STEPS = [50, 100, 200, 500, 1000, 2000, 5000];

/** The next step from `ms` in direction dir (+1 longer, -1 shorter); an interval between steps moves to the nearest one that way. */
export function nextPace(ms: number, dir: 1 | -1): number {
  if (dir > 0) return PACE_STEPS.find((x) => x > ms) ?? Math.max(ms, PACE_STEPS[PACE_STEPS.length - 1]);
  return [...PACE_STEPS].reverse().find((x) => x < ms) ?? Math.min(ms, PACE_STEPS[0]);
}

/** The live feed as the screen's Source: every Snapshot goes to the app (and its history window). */
export class LiveSource implements Source {
  readonly keys = 'live';
  readonly host: HostInfo;
  intervalMs: number;
  readonly procIntervalMs: number;
  /**
   * Made in start(): opening the readers (the native addon, netlink, the mount list) takes a good part
   * of start-up, and the screen draws its first frame before that.
   */
  private feed: LiveFeed | null = null;
  private stopped = false;

  constructor(private readonly opts: FeedOptions) {
    this.host = opts.host ?? readHostInfo(opts.procRoot);
    ({ intervalMs: this.intervalMs, procIntervalMs: this.procIntervalMs } = samplerIntervals(opts));
  }

  start(sink: Sink): void {
    if (this.stopped || this.feed !== null) return;
    // Loaded here, after the first frame: the sampler's modules (readers, the native addon) take a while.
    const { LiveFeed: Feed } = require('../feed') as typeof import('../feed');
    this.feed = new Feed({ ...this.opts, host: this.host });
    this.feed.sampler.onShimRead = this.onShimRead;
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
    this.stopped = true;
    this.feed?.stop();
  }

  /** vigil run tallies the shim's reads: handed to the sampler when start() makes it. */
  onShimRead: LiveFeed['sampler']['onShimRead'] = null;

  takeTimings(): Record<string, number> | null {
    return this.feed?.takeTimings() ?? null;
  }

  warnings(): string[] {
    return this.feed?.warnings() ?? [];
  }

  mode(): HeaderState['mode'] {
    // The process table is read on a tick: never more often than the system tier.
    return { kind: 'live', intervalMs: this.intervalMs, procIntervalMs: Math.max(this.procIntervalMs, this.intervalMs) };
  }

  /** { and }: the sampling interval one step longer or shorter (PACE_STEPS), from the next tick on. */
  act(a: Action): boolean {
    if (a !== 'paceUp' && a !== 'paceDown') return false;
    const ms = nextPace(this.intervalMs, a === 'paceUp' ? -1 : 1);
    if (ms === this.intervalMs) return true;
    this.intervalMs = ms;
    this.feed?.setInterval(ms);
    this.opts.intervalMs = ms;
    return true;
  }

  /** Read now: the pid may belong to someone else by the time it is shown, as with every live figure. */
  cwd(pid: number): string {
    return readCwd(pid);
  }
}
