/**
 * `vigil record FILE`: headless sampling into a SQLite recording. The file is opened (and locked) before
 * the first sample, so a bad place fails at once; Ctrl-C, SIGTERM and SIGHUP end it cleanly; a write error
 * (disk full) ends it with one line and exit 74, never a retry loop. With --listen it also serves the
 * latest sample on /metrics, like `vigil serve`.
 */
import type { CollectorSet } from '../export/prometheus/collectors';
import { DEFAULT_PROC_TOP } from '../export/prometheus/proc-select';
// Types only: the server (and prom-client with it, ~7 MB of RSS) is loaded when --listen asks for it.
import type { MetricsServer } from '../export/prometheus/server';
import { FeedOptions, LiveFeed } from '../feed/live';
import { runHeadless } from '../pipeline/headless';
import { Pipeline, PipelineSink } from '../pipeline/pipeline';
import { metricsSink, recorderSink } from '../pipeline/sinks';
import { readHostInfo } from '../sampler/host';
import { trimNow } from '../sampler/native/page-trim';
import { nodeDisabledFor } from '../sampler/node-tier';
import { scrapeSources } from '../sampler/self';
import { rulesParts } from '../store/alerts/engine';
import { RecordingWriter } from '../store/recording/writer';
import { AlertSetup, AlertSetupOptions, setupAlerts } from './alert-setup';

export interface RecordOptions {
  file: string;
  intervalMs: number;
  procIntervalMs: number;
  /** Stop after this long (ms); null: until interrupted. */
  durationMs: number | null;
  vigilVersion: string;
  /** Status line on this stream when it is a terminal (default: process.stderr). */
  status?: NodeJS.WriteStream;
  /**
   * Alert rules to evaluate on every Snapshot; breaches go into the recording (with the samples they were
   * seen on, in the same transaction) and to --alerts-db / --on-alert. null or no rules: no evaluation.
   */
  alerts?: Omit<AlertSetupOptions, 'sinks' | 'hostname'> | null;
  /** Ends the recording when this settles (vigil run --record: when the command exits). */
  stopWhen?: Promise<unknown>;
  /** Serve /metrics on this address too (--listen); null: no server. */
  listen?: string | null;
  /** Per-process series of the metrics (see `vigil serve`). */
  procTop?: number;
  procMatch?: RegExp | null;
  collectors?: CollectorSet;
  /** Sees every read of the shim's files (vigil run tallies them). */
  onShimRead?: FeedOptions['onShimRead'];
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}

function mb(bytes: number): string {
  return bytes < 1 << 20 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

export async function runRecord(opts: RecordOptions): Promise<void> {
  const host = readHostInfo();
  // The metrics server first, then the alert log (if any): a bad or busy address (exit 2, 75) or a bad
  // --alerts-db must not leave an empty recording behind.
  const server: MetricsServer | null =
    opts.listen == null ? null : await (await import('../export/prometheus/server')).startMetricsServer({ listen: opts.listen, host, procTop: opts.procTop ?? DEFAULT_PROC_TOP, procMatch: opts.procMatch ?? null, collectors: opts.collectors ?? null, sources: scrapeSources(host), cgroups: true });
  let alerts: AlertSetup | null = null;
  let writer: RecordingWriter;
  try {
    alerts = opts.alerts && opts.alerts.rules.length > 0 ? setupAlerts({ ...opts.alerts, hostname: host.hostname }) : null;
    writer = RecordingWriter.open(opts.file, {
      host,
      intervalMs: opts.intervalMs,
      procIntervalMs: opts.procIntervalMs,
      vigilVersion: opts.vigilVersion,
    });
  } catch (err) {
    await alerts?.close();
    await server?.close();
    throw err;
  }
  const engine = alerts?.engine ?? null;
  settleStartup();
  const feed = new LiveFeed({
    intervalMs: opts.intervalMs,
    procIntervalMs: opts.procIntervalMs,
    host,
    snapshots: engine !== null || server !== null,
    // Without /metrics, Snapshots are for the rules alone: only the families they read.
    parts: server === null && engine !== null ? rulesParts(engine.rules) : undefined,
    // The node tier's files feed only /metrics: read them only when it is served.
    node: server !== null,
    nodeDisabled: nodeDisabledFor(opts.collectors ?? null),
    onShimRead: opts.onShimRead,
    // `record` samples everything it records: the cgroup tier at the process interval (schema 4).
    cgroups: true,
  });
  if (server !== null) process.stderr.write(`vigil: serving ${server.url}\n`);
  const sinks = [recorderSink(writer, engine), ...(server === null ? [] : [metricsSink(server, engine)]), statusSink(writer, opts)];
  // Errors keep their own exit code: a write error is a VigilError (74) from the writer; anything else is a
  // bug and exits 1 with its message, not a made-up I/O error.
  await runHeadless(new Pipeline(feed, { alerts, sinks }), { stopWhen: opts.stopWhen });
}

/**
 * Record's peak resident set is set at start-up, when the pages the module loader and V8's parser touched
 * (tens of MB of the node binary's file pages) are still mapped while the first samples' memory grows. The
 * sampler's and derive's modules (which the feed would load at its start) are loaded now and those pages
 * given back before anything is sampled; the first sample is followed by another release (statusSink).
 */
function settleStartup(): void {
  require('../derive/derive');
  require('../sampler/sampler');
  trimNow();
}

/** The status line (on a terminal, once a second), and the end of a --duration run. */
function statusSink(writer: RecordingWriter, opts: RecordOptions): PipelineSink {
  const status = opts.status ?? process.stderr;
  const tty = status.isTTY === true;
  const startNs = process.hrtime.bigint();
  let lastStatusNs = 0n;
  let ticks = 0;
  return {
    tick(_tick, { stop }) {
      if (++ticks <= 2) trimNow();
      const now = process.hrtime.bigint();
      const elapsedMs = Number(now - startNs) / 1e6;
      if (tty && now - lastStatusNs >= 1_000_000_000n) {
        lastStatusNs = now;
        status.write(`\rrecording ${opts.file}: ${clock(elapsedMs)}, ${writer.added} samples, ${mb(writer.size())}\x1b[K`);
      }
      if (opts.durationMs !== null && elapsedMs >= opts.durationMs) stop();
    },
    close() {
      if (tty) status.write('\n');
    },
  };
}
