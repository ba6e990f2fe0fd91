import { derive } from '../derive';
import type { HostInfo, Sample, Snapshot } from '../model';
import { Sampler, SamplerOptions } from '../sampler/sampler';
import { Ticker } from '../ticker';

/**
 * Where the screen's Snapshots come from: the live sampler, or a recording being replayed. The app
 * treats both the same; replay adds its controls (src/ui/replay-controls.ts).
 */
export interface Source {
  readonly kind: 'live' | 'replay';
  readonly host: HostInfo;
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  /** Starts delivering Snapshots (with the Sample they were derived from). */
  start(sink: (snap: Snapshot, sample: Sample) => void): void;
  stop(): void;
  /** Per-source parse times since the last call (--debug-timings), or null. */
  takeTimings(): Record<string, number> | null;
  /** One-line warnings worth showing once (e.g. a hung mount). */
  warnings(): string[];
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

  start(sink: (snap: Snapshot, sample: Sample) => void): void {
    this.prev = this.sampler.sample();
    let first = true;
    this.ticker = new Ticker(this.intervalMs, (now) => {
      const curr = this.sampler.sample(now, first);
      first = false;
      const snap = derive(this.prev as Sample, curr, this.host);
      this.prev = curr;
      sink(snap, curr);
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
