import { derive } from '../derive';
import { Sampler } from '../sampler/sampler';
import { Ticker } from '../ticker';
import { STOP_SIGNALS } from '../errors';

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
  const sampler = new Sampler({
    intervalMs: opts.intervalMs,
    procIntervalMs: opts.procIntervalMs,
    debugTimings: opts.debugTimings,
  });
  let prev = sampler.sample();
  let printed = 0;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown): void => {
      done = true;
      ticker.stop();
      sampler.close();
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
      if (err) reject(err);
      else resolve();
    };
    const onSignal = (): void => finish();
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    const ticker = new Ticker(opts.intervalMs, (now) => {
      try {
        const curr = sampler.sample(now);
        const snap = derive(prev, curr, sampler.host);
        prev = curr;
        const line = sampler.timings ? { ...snap, timings_ms: sampler.timings.take() } : snap;
        const flowing = out.write(JSON.stringify(line) + '\n');
        printed++;
        if (opts.count !== null && printed >= opts.count) finish();
        else if (!flowing) {
          ticker.stop();
          out.once('drain', () => {
            if (!done) ticker.start();
          });
        }
      } catch (err) {
        finish(err);
      }
    });
    ticker.start();
  });
}
