import { derive } from '../derive';
import type { HostInfo, Snapshot } from '../model';
import type { Breach } from '../store/alerts/evaluator';
import type { HistoryWindow } from '../store/window';
import type { Action } from './keys';
import type { Sample } from '../model';
import { Sampler, SamplerOptions } from '../sampler/sampler';
import { Ticker } from '../ticker';

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

/** The live sampler on its monotonic ticker: sample, derive against the previous sample, deliver. */
export class LiveSource implements Source {
  readonly kind = 'live';
  readonly host: HostInfo;
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  private readonly sampler: Sampler;
  private ticker: Ticker | null = null;
  private prev: Sample | null = null;

  constructor(opts: SamplerOptions) {
    this.sampler = new Sampler(opts);
    this.host = this.sampler.host;
    this.intervalMs = this.sampler.intervalMs;
    this.procIntervalMs = this.sampler.procIntervalMs;
  }

  start(sink: Sink): void {
    this.prev = this.sampler.sample();
    let first = true;
    this.ticker = new Ticker(this.intervalMs, (now) => {
      const curr = this.sampler.sample(now, first);
      first = false;
      const snap = derive(this.prev as Sample, curr, this.host);
      this.prev = curr;
      sink(snap, { history: true });
    });
    this.ticker.start();
  }

  stop(): void {
    this.ticker?.stop();
    this.sampler.close();
  }

  takeTimings(): Record<string, number> | null {
    return this.sampler.timings?.take() ?? null;
  }

  warnings(): string[] {
    const out = this.sampler.stalledMounts().map((m) => `statfs of ${m} is not answering; left out`);
    const conns = this.sampler.connsUnavailable();
    if (conns !== null) out.push(`connections: ${conns}; NET columns show -`);
    return out;
  }
}
