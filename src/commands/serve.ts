import type { CollectorSet } from '../export/prometheus/collectors';
import { DEFAULT_LISTEN, SERVE_INTERVAL_MS } from '../export/prometheus/listen';
import { startMetricsServer } from '../export/prometheus/server';
import { LiveFeed } from '../feed/live';
import { nodeDisabledFor } from '../sampler/node-tier';
import { scrapeSources } from '../sampler/self';
import type { DeriveParts } from '../derive/derive';
import { rulesParts } from '../store/alerts/engine';
import { runHeadless } from '../pipeline/headless';
import { Pipeline } from '../pipeline/pipeline';
import { metricsSink } from '../pipeline/sinks';
import { AlertSetup, AlertSetupOptions, setupAlerts } from './alert-setup';

export { DEFAULT_LISTEN, SERVE_INTERVAL_MS };

export interface ServeOptions {
  listen: string;
  intervalMs: number;
  procIntervalMs: number;
  procTop: number;
  procMatch: RegExp | null;
  /** node_exporter collectors to serve; null or absent: all. */
  collectors?: CollectorSet;
  /** Alert rules evaluated on every Snapshot, logged to the alert log and exported as vigil_alert_active. */
  alerts?: Omit<AlertSetupOptions, 'hostname'> | null;
}

/**
 * The tiers serve samples. With no per-process series asked for (--proc-top 0 and no --proc-match), only
 * per-process alert rules read the process table, and nothing reads the connections tier (per-process
 * TCP, which reads every process's fd links: most of serve's CPU). What nothing reads is not sampled: with
 * neither, serve reads only the system files, as node_exporter does.
 */
export function serveTiers(opts: Pick<ServeOptions, 'procTop' | 'procMatch' | 'alerts'>): { procs: boolean; connections: boolean; cgroups: boolean } {
  const series = servesProcSeries(opts);
  const rules = opts.alerts?.rules ?? [];
  // The cgroup tier (container_* families, bounded by --proc-top like processes) likewise.
  return { procs: series || rules.some((r) => r.def.subject === 'proc'), connections: series, cgroups: opts.procTop > 0 || rules.some((r) => r.def.subject === 'cgroup') };
}

/**
 * What serve's Snapshots hold: the rules' families, and the process rows when per-process series are
 * served (their CPU % ranks the top N). Nothing else of a Snapshot reaches /metrics: every node_* and
 * container_* family reads the Sample, so per-core, per-interface, per-disk and per-connection rates are
 * not derived at each tick for nobody.
 */
export function serveParts(opts: Pick<ServeOptions, 'procTop' | 'procMatch' | 'alerts'>): DeriveParts {
  const rules = rulesParts(opts.alerts?.rules ?? []);
  return { ...rules, procs: rules.procs || servesProcSeries(opts) };
}

/**
 * How often serve's connections tier reads (sock_diag dump and fd scan), ms. Its only readers are the
 * vigil_process_tcp_* families, for the exported processes (top N, --proc-match): no node_exporter family
 * reads it. Once a second it was a fifth of serve's CPU at 1,700 processes (its fd scan re-reads every fd
 * table whose count moved, and chases each new socket's holder); every 5 s, those series are at most 5 s
 * old (as status is), and a connection opened and closed between two reads is not counted (one shorter
 * than a second was not counted before either). The counters stay what a read at that time gives.
 */
export const SERVE_CONNS_INTERVAL_MS = 5000;

/** Per-process series are served: --proc-top above 0, or a --proc-match. */
function servesProcSeries(opts: Pick<ServeOptions, 'procTop' | 'procMatch'>): boolean {
  return opts.procTop > 0 || opts.procMatch !== null;
}

/**
 * `vigil serve`: sample on the live feed, keep the latest Sample and Snapshot, serve them on /metrics until
 * SIGINT, SIGTERM or SIGHUP. A scrape reads only what the last tick kept.
 */
export async function runServe(opts: ServeOptions, log: NodeJS.WritableStream = process.stderr): Promise<void> {
  // The feed opens its readers when it starts: until then there is nothing to close.
  // The cgroup tier (the container_* families) runs when per-entity series or cgroup rules ask for it.
  const tiers = serveTiers(opts);
  // No per-process family and no alert rule reads a process's cgroup path: it is not read (a file per new
  // process and per process a minute).
  const feed = new LiveFeed({
    intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs, ...tiers, node: true, nodeDisabled: nodeDisabledFor(opts.collectors ?? null),
    procCgroupPaths: false, parts: serveParts(opts), connsIntervalMs: SERVE_CONNS_INTERVAL_MS,
  });
  const srv = await startMetricsServer({
    listen: opts.listen, host: feed.host, procTop: opts.procTop, procMatch: opts.procMatch, collectors: opts.collectors ?? null, sources: scrapeSources(feed.host),
    cgroups: tiers.cgroups,
  });
  let alerts: AlertSetup | null = null;
  try {
    if (opts.alerts && opts.alerts.rules.length > 0) alerts = setupAlerts({ ...opts.alerts, hostname: feed.host.hostname });
  } catch (err) {
    await srv.close();
    throw err;
  }
  // metricsSink first: it adds vigil_alert_active to the families before the first scrape can come.
  const sinks = [metricsSink(srv, alerts?.engine ?? null)];
  log.write(`vigil: serving ${srv.url}\n`);
  await runHeadless(new Pipeline(feed, { alerts, sinks }));
}
