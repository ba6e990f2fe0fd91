import { derive } from '../derive';
import { DEFAULT_LISTEN } from '../export/prometheus/listen';
import { startMetricsServer } from '../export/prometheus/server';
import { Sampler } from '../sampler/sampler';
import { Ticker } from '../ticker';

export { DEFAULT_LISTEN };
/**
 * Prometheus scrapes every 15 s or so and the counters are cumulative, so sampling 10 times a second
 * would be work no scrape sees: serve samples once a second unless told otherwise.
 */
export const SERVE_INTERVAL_MS = 1000;

export interface ServeOptions {
  listen: string;
  intervalMs: number;
  procIntervalMs: number;
  procTop: number;
  procMatch: RegExp | null;
}

/**
 * `vigil serve`: sample on the ticker, keep the latest Sample and Snapshot, serve them on /metrics until
 * SIGINT or SIGTERM. A scrape reads only what the last tick kept.
 */
export async function runServe(opts: ServeOptions, log: NodeJS.WritableStream = process.stderr): Promise<void> {
  const sampler = new Sampler({ intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs });
  let server;
  try {
    server = await startMetricsServer({ listen: opts.listen, host: sampler.host, procTop: opts.procTop, procMatch: opts.procMatch });
  } catch (err) {
    sampler.close();
    throw err;
  }
  const srv = server;
  log.write(`vigil: serving ${srv.url}\n`);
  let prev = sampler.sample();
  srv.update(prev, null);
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      ticker.stop();
      sampler.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      srv.close().then(() => (err ? reject(err) : resolve()), reject);
    };
    const onSignal = (): void => finish();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const ticker = new Ticker(opts.intervalMs, (now) => {
      try {
        const curr = sampler.sample(now);
        srv.update(curr, derive(prev, curr, sampler.host));
        prev = curr;
      } catch (err) {
        finish(err);
      }
    });
    ticker.start();
  });
}
