import { derive } from '../derive';
import { alertActiveFamily } from '../export/prometheus/alert-family';
import { DEFAULT_LISTEN, SERVE_INTERVAL_MS } from '../export/prometheus/listen';
import { startMetricsServer } from '../export/prometheus/server';
import { Sampler } from '../sampler/sampler';
import { alertWindowOptions } from '../store/alerts/engine';
import { HistoryWindow } from '../store/window';
import { Ticker } from '../ticker';
import { AlertSetup, AlertSetupOptions, setupAlerts } from './alert-setup';
import { STOP_SIGNALS } from '../errors';

export { DEFAULT_LISTEN, SERVE_INTERVAL_MS };

export interface ServeOptions {
  listen: string;
  intervalMs: number;
  procIntervalMs: number;
  procTop: number;
  procMatch: RegExp | null;
  /** Alert rules evaluated on every Snapshot, logged to the alert log and exported as vigil_alert_active. */
  alerts?: Omit<AlertSetupOptions, 'hostname'> | null;
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
  let alerts: AlertSetup | null = null;
  try {
    if (opts.alerts && opts.alerts.rules.length > 0) alerts = setupAlerts({ ...opts.alerts, hostname: sampler.host.hostname });
  } catch (err) {
    sampler.close();
    await srv.close();
    throw err;
  }
  const engine = alerts?.engine ?? null;
  const window = engine === null ? null : new HistoryWindow(alertWindowOptions(engine.rules, opts.intervalMs, opts.procIntervalMs));
  if (engine !== null) srv.metrics.addFamily(alertActiveFamily(() => engine.active()));
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
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
      const closing = alerts === null ? Promise.resolve() : alerts.close();
      closing.then(() => srv.close()).then(() => (err ? reject(err) : resolve()), reject);
    };
    const onSignal = (): void => finish();
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    const ticker = new Ticker(opts.intervalMs, (now) => {
      try {
        const curr = sampler.sample(now);
        const snap = derive(prev, curr, sampler.host);
        if (engine !== null && window !== null) {
          window.push(snap);
          engine.onSnapshot(snap, window);
        }
        srv.update(curr, snap);
        prev = curr;
      } catch (err) {
        finish(err);
      }
    });
    ticker.start();
  });
}
