/**
 * What every consumer takes its Samples and Snapshots from: the live sampler (feed/live.ts) or a recording
 * (feed/replay.ts). The pipeline and the screen ask a feed what it can do (its optional capabilities), never
 * which one it is.
 */
import type { HostInfo, Sample, Snapshot } from '../model';
import type { Breach } from '../store/alerts/evaluator';
import type { HistoryWindow } from '../store/window';

export interface FeedTick {
  sample: Sample;
  /** null for the very first sample: nothing to take a rate against yet. */
  snap: Snapshot | null;
}

export interface Feed {
  readonly host: HostInfo;
  /** The system tier's interval, ms (live: what sampling runs at; replay: what the recording was taken at). */
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  /** Delivers ticks until stop(); an exception from onTick stops the feed and goes to onError. */
  start(onTick: (tick: FeedTick) => void, onError: (err: unknown) => void): void;
  stop(): void;
  /** Per-reader parse times since the last call (--debug-timings), or null. */
  takeTimings(): Record<string, number> | null;
  /** One-line warnings worth showing once (a hung mount, the end of a recording). */
  warnings(): string[];
  /** The working directory of a process, as the detail view shows it. */
  cwd(pid: number): string;
  /**
   * A feed that keeps the history window itself takes it here, and its ticks are then shown, not pushed:
   * replay rebuilds the window as it stood at every moment it jumps to.
   */
  keepWindow?(window: HistoryWindow): void;
  /** Live: samples every ms from the next tick on (the screen's { and }). */
  setInterval?(ms: number): void;
  /** false: no cgroup data to show (a recording from before schema 4, or made without the tier). */
  readonly hasCgroups?: boolean;
  /** The cgroups view opened: a feed that rebuilds cgroups only on demand (replay) starts now. */
  showCgroups?(): void;
  /** Replay: where the feed is in the recording, and how to move it. */
  readonly replay?: ReplayControls;
}

/** Playback of a recording: seek, step, pause, speed and the position, in recording time (ms since the epoch). */
export interface ReplayControls {
  /** The moment shown, which the header and the alerts go by. */
  now(): number;
  readonly paused: boolean;
  /** Recording time per real second. */
  readonly speed: number;
  /** The moment shown, and where the recording starts and ends; null for a recording without samples. */
  position(): { t: number; start: number; end: number } | null;
  togglePause(): void;
  /** n samples forward (n > 0) or back, and pause there. */
  step(n: 1 | -1): void;
  /** About ms of recording forward or back, playing on. */
  skip(ms: number): void;
  /** The first sample (-1) or the last (+1). */
  toEnd(which: -1 | 1): void;
  /** One speed step faster (+1) or slower (-1). */
  changeSpeed(dir: 1 | -1): void;
  /** HH:MM:SS, a date, epoch ms, or -5m / +30s from the current position. Returns an error or null. */
  goTo(text: string): string | null;
  /** The recording's breaches as they stood at t. */
  alertsAt(t: number): { active: readonly Breach[]; recent: readonly Breach[] };
}
