/**
 * The sampler's intervals, apart from the sampler: the command line and the screen need them before
 * (or without) loading the readers.
 */
export const DEFAULT_INTERVAL_MS = 100;
export const DEFAULT_PROC_INTERVAL_MS = 1000;
export const MIN_PROC_INTERVAL_MS = 100;

/** The intervals a Sampler with these options runs at (the process table never faster than the system tier). */
export function samplerIntervals(opts: { intervalMs?: number; procIntervalMs?: number }): { intervalMs: number; procIntervalMs: number } {
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  return { intervalMs, procIntervalMs: Math.max(opts.procIntervalMs ?? DEFAULT_PROC_INTERVAL_MS, MIN_PROC_INTERVAL_MS, intervalMs) };
}
