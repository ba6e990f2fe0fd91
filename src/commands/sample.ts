import { LiveFeed } from '../feed/live';
import { runHeadless } from '../pipeline/headless';
import { Pipeline } from '../pipeline/pipeline';
import { jsonLinesSink } from '../pipeline/sinks';

export interface SampleOptions {
  count: number | null;
  intervalMs: number;
  procIntervalMs: number;
  debugTimings: boolean;
}

/**
 * `vigil sample`: one derived Snapshot per tick as a JSON line on stdout, after the first tick (which
 * has nothing to take a rate against). The process list appears on the ticks where it was re-read.
 * A reader slower than the ticks (a pipe that fills) pauses sampling until it drains, as vmstat blocks on
 * write: no line is dropped and nothing queues up in memory; the next line's rates cover the whole pause.
 */
export function runSample(opts: SampleOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  // Every tier the TUI samples, the cgroup tier included (on the process tier's ticks, as `cgroups`).
  const feed = new LiveFeed({ intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs, debugTimings: opts.debugTimings, cgroups: true });
  return runHeadless(new Pipeline(feed, { sinks: [jsonLinesSink(out, feed, opts.count)] }));
}
