import { alertActiveFamily } from '../export/prometheus/alert-family';
import { DEFAULT_LISTEN, SERVE_INTERVAL_MS } from '../export/prometheus/listen';
import { startMetricsServer } from '../export/prometheus/server';
import { LiveFeed } from '../feed';
import { runHeadless } from '../headless';
import { alertWindowOptions } from '../store/alerts/engine';
import { HistoryWindow } from '../store/window';
import { AlertSetup, AlertSetupOptions, setupAlerts } from './alert-setup';

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
 * `vigil serve`: sample on the live feed, keep the latest Sample and Snapshot, serve them on /metrics until
 * SIGINT, SIGTERM or SIGHUP. A scrape reads only what the last tick kept.
 */
export async function runServe(opts: ServeOptions, log: NodeJS.WritableStream = process.stderr): Promise<void> {
  const feed = new LiveFeed({ intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs });
  let server;
  try {
    server = await startMetricsServer({ listen: opts.listen, host: feed.host, procTop: opts.procTop, procMatch: opts.procMatch });
  } catch (err) {
    feed.stop();
    throw err;
  }
  const srv = server;
  let alerts: AlertSetup | null = null;
  try {
    if (opts.alerts && opts.alerts.rules.length > 0) alerts = setupAlerts({ ...opts.alerts, hostname: feed.host.hostname });
  } catch (err) {
    feed.stop();
    await srv.close();
    throw err;
  }
  const engine = alerts?.engine ?? null;
  const window = engine === null ? null : new HistoryWindow(alertWindowOptions(engine.rules, opts.intervalMs, opts.procIntervalMs));
  if (engine !== null) srv.metrics.addFamily(alertActiveFamily(() => engine.active()));
  log.write(`vigil: serving ${srv.url}\n`);
  await runHeadless(feed, {
    onTick({ sample, snap }) {
      if (snap !== null && engine !== null && window !== null) {
        window.push(snap);
        engine.onSnapshot(snap, window);
      }
      srv.update(sample, snap);
    },
    async close() {
      await alerts?.close();
      await srv.close();
    },
  });
}
