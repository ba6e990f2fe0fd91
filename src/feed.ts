/**
 * The live feed: the sampler on its monotonic ticker, the previous sample, and derive. Every live
 * consumer (the screen, record, serve, sample, run) takes its Samples and Snapshots from here, so they all
 * start, force the first process rates and derive the same way; this is the one `new Ticker` and the one
 * live `derive(` (replay derives in the recording cursor).
 */
import { derive } from './derive';
import type { HostInfo, Sample, Snapshot } from './model';
import { Sampler, SamplerOptions } from './sampler/sampler';
import { Ticker } from './ticker';

export interface FeedTick {
  sample: Sample;
  /** null for the very first sample: nothing to take a rate against yet. */
  snap: Snapshot | null;
}

export interface FeedOptions extends SamplerOptions {
  /**
   * false: deliver Samples only (snap always null). `vigil record` with no alerts and no /metrics stores raw
   * counters and needs no rates, so it does not pay for a derive per tick.
   */
  snapshots?: boolean;
}

export class LiveFeed {
  readonly sampler: Sampler;
  readonly host: HostInfo;
  intervalMs: number;
  readonly procIntervalMs: number;
  private ticker: Ticker | null = null;
  private prev: Sample | null = null;
  private stopped = false;
  private readonly snapshots: boolean;

  constructor(opts: FeedOptions) {
    this.sampler = new Sampler(opts);
    this.snapshots = opts.snapshots ?? true;
    this.host = this.sampler.host;
    this.intervalMs = this.sampler.intervalMs;
    this.procIntervalMs = this.sampler.procIntervalMs;
  }

  /**
   * Takes the first sample at once (delivered with snap null), then one per tick. The first tick reads the
   * process table whatever its interval, so process rates are there after one system interval, not one
   * process interval. An exception from onTick stops the feed and goes to onError.
   */
  start(onTick: (tick: FeedTick) => void, onError: (err: unknown) => void): void {
    if (this.ticker !== null || this.stopped) return;
    let first = true;
    const deliver = (now: bigint | undefined): void => {
      try {
        const sample = this.prev === null ? this.sampler.sample(now) : this.sampler.sample(now, first);
        const snap = this.prev === null || !this.snapshots ? null : derive(this.prev, sample, this.host);
        if (this.prev !== null) first = false;
        this.prev = sample;
        onTick({ sample, snap });
      } catch (err) {
        this.stop();
        onError(err);
      }
    };
    this.ticker = new Ticker(this.intervalMs, deliver);
    deliver(undefined);
    if (!this.stopped) this.ticker.start();
  }

  /**
   * Samples every intervalMs from now on (the live screen's { and } keys). Rates stay right whatever the
   * interval: derive divides by the measured time between samples. The process table keeps its own
   * interval, or follows this one when it is longer.
   */
  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.ticker?.setInterval(intervalMs);
  }

  /** Holds the ticks (a reader that fell behind); the next tick's rates then cover the whole pause. */
  pause(): void {
    this.ticker?.stop();
  }

  resume(): void {
    if (!this.stopped) this.ticker?.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ticker?.stop();
    this.sampler.close();
  }

  takeTimings(): Record<string, number> | null {
    return this.sampler.timings?.take() ?? null;
  }

  /** One-line warnings worth showing once (a hung mount, no connections tier). */
  warnings(): string[] {
    const out = this.sampler.stalledMounts().map((m) => `statfs of ${m} is not answering; left out`);
    const conns = this.sampler.connsUnavailable();
    if (conns !== null) out.push(`connections: ${conns}; NET columns show -`);
    return out;
  }
}
