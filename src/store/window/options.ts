import type { SeriesName } from './series';

/** Tunables of the history window; every default is what the live TUI uses. */
export interface WindowOptions {
  /** How much history is kept, in seconds (1 s buckets). Default 3600. */
  horizonSeconds?: number;
  /** Process series keep 1 s buckets for this many seconds, then move to coarse buckets. Default 60. */
  procFineSeconds?: number;
  /** Width of the coarse process buckets, seconds. Default 60. */
  procCoarseSeconds?: number;
  /** Raw system samples kept for full-resolution charts (1200 = 60 s at 50 ms). Default 1200. */
  rawSamples?: number;
  /**
   * The most a single sample may speak for, ms. A Snapshot's interval is its weight; after a pause the
   * first interval can be minutes long, and is clamped to this so that a pause stays a gap. Default 1500
   * (1 s process tier plus jitter); set it to ~1.5 × the slowest sampling interval in use.
   */
  maxSampleMs?: number;
  /** Windows (seconds) whose averages are kept as running sums, O(1) to query. */
  trackedWindows?: number[];
  /** Running sums are recomputed from the buckets every this many seconds. Default 600. */
  recomputeEvery?: number;
  /**
   * Only these series take the values of pushed Snapshots (the window of a few alert rules, which reads
   * nothing else); null: every series. A process slot has cells for the process series listed and no
   * others, so bulk loads (pushBucket) drop cells of the other process series; their system cells are
   * not filtered. Default null.
   */
  series?: readonly SeriesName[] | null;
}

export type ResolvedOptions = Required<WindowOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  horizonSeconds: 3600,
  procFineSeconds: 60,
  procCoarseSeconds: 60,
  rawSamples: 1200,
  maxSampleMs: 1500,
  trackedWindows: [10, 60, 300, 900, 3600],
  recomputeEvery: 600,
  series: null,
};

function posInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`window option ${name} must be a positive integer, got ${v}`);
  return v;
}

export function resolveOptions(o: WindowOptions = {}): ResolvedOptions {
  const r: ResolvedOptions = { ...DEFAULT_OPTIONS, ...o, series: o.series ?? null };
  posInt('horizonSeconds', r.horizonSeconds);
  posInt('procFineSeconds', r.procFineSeconds);
  posInt('procCoarseSeconds', r.procCoarseSeconds);
  posInt('rawSamples', r.rawSamples);
  posInt('recomputeEvery', r.recomputeEvery);
  if (!(r.maxSampleMs >= 1) || !Number.isFinite(r.maxSampleMs)) throw new RangeError(`window option maxSampleMs must be ≥ 1, got ${r.maxSampleMs}`);
  // A coarse bucket must be able to fill before it ages out; otherwise process data would be merged
  // straight into a bucket that is already beyond the horizon.
  if (r.procFineSeconds + r.procCoarseSeconds > r.horizonSeconds) {
    throw new RangeError('window options: procFineSeconds + procCoarseSeconds must not exceed horizonSeconds');
  }
  r.trackedWindows = [...new Set(r.trackedWindows.map((n) => posInt('trackedWindows', n)))]
    .filter((n) => n <= r.horizonSeconds);
  return r;
}
