/**
 * The live feed: the sampler on its monotonic ticker, the previous sample, and derive. Every live
 * consumer (the screen, record, serve, sample, run) takes its Samples and Snapshots from here, so they all
 * start, force the first process rates and derive the same way; this is the one `new Ticker` and the one
 * live `derive(` (replay derives in the recording cursor).
 */
import type { DeriveParts } from '../derive/derive';
import type { HostInfo, Sample } from '../model';
import { readHostInfo } from '../sampler/host';
import { samplerIntervals } from '../sampler/intervals';
import { readCwd } from '../sampler/procinfo';
import type { Sampler, SamplerOptions } from '../sampler/sampler';
import type { ShimTable } from '../model/shim';
import { Ticker } from './ticker';
import type { Feed, FeedTick } from './types';

export interface FeedOptions extends SamplerOptions {
  /**
   * false: deliver Samples only (snap always null). `vigil record` with no alerts and no /metrics stores raw
   * counters and needs no rates, so it does not pay for a derive per tick.
   */
  snapshots?: boolean;
  /** What Snapshots hold (default: everything); `vigil record` derives only what its alert rules read. */
  parts?: DeriveParts;
  /** Sees every read of the shim's files (vigil run tallies them; see Sampler.onShimRead). */
  onShimRead?: (table: ShimTable) => void;
}

export class LiveFeed implements Feed {
  readonly host: HostInfo;
  intervalMs: number;
  readonly procIntervalMs: number;
  /**
   * Made in start(): opening the readers (the native addon, netlink, the mount list) takes a good part
   * of start-up, and the screen draws its first frame before that.
   */
  private sampler: Sampler | null = null;
  private ticker: Ticker | null = null;
  private prev: Sample | null = null;
  private stopped = false;
  private readonly snapshots: boolean;

  constructor(private readonly opts: FeedOptions) {
    this.snapshots = opts.snapshots ?? true;
    this.host = opts.host ?? readHostInfo(opts.procRoot);
    ({ intervalMs: this.intervalMs, procIntervalMs: this.procIntervalMs } = samplerIntervals(opts));
  }

  /**
   * Takes the first sample at once (delivered with snap null), then one per tick. The first tick reads the
   * process table whatever its interval, so process rates are there after one system interval, not one
   * process interval. An exception from onTick stops the feed and goes to onError.
   */
  start(onTick: (tick: FeedTick) => void, onError: (err: unknown) => void): void {
    if (this.ticker !== null || this.stopped) return;
    let sampler: Sampler;
    let derive: typeof import('../derive/derive').derive;
    try {
      // Loaded here, after the screen's first frame: the sampler's modules (readers, the native addon) and
      // derive's take a while.
      ({ derive } = require('../derive/derive') as typeof import('../derive/derive'));
      const { Sampler: Make } = require('../sampler/sampler') as typeof import('../sampler/sampler');
      sampler = this.sampler = new Make({ ...this.opts, intervalMs: this.intervalMs, host: this.host });
      sampler.onShimRead = this.opts.onShimRead ?? null;
    } catch (err) {
      this.stop();
      onError(err);
      return;
    }
    let first = true;
    const deliver = (now: bigint | undefined): void => {
      try {
        const sample = this.prev === null ? sampler.sample(now) : sampler.sample(now, first);
        const snap = this.prev === null || !this.snapshots ? null : derive(this.prev, sample, this.host, this.opts.parts);
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
    this.sampler?.close();
  }

  takeTimings(): Record<string, number> | null {
    return this.sampler?.timings?.take() ?? null;
  }

  /** One-line warnings worth showing once (a hung mount, no connections tier). */
  warnings(): string[] {
    if (this.sampler === null) return [];
    const out = this.sampler.stalledMounts().map((m) => `statfs of ${m} is not answering; left out`);
    const conns = this.sampler.connsUnavailable();
    if (conns !== null) out.push(`connections: ${conns}; NET columns show -`);
    return out;
  }

  /** Read now: the pid may belong to someone else by the time it is shown, as with every live figure. */
  cwd(pid: number): string {
    return readCwd(pid);
  }
}
