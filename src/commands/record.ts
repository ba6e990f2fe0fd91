/**
 * `vigil record FILE`: headless sampling into a SQLite recording. The file is opened (and locked) before
 * the first sample, so a bad place fails at once; Ctrl-C, SIGTERM and SIGHUP end it cleanly; a write error
 * (disk full) ends it with one line and exit 74, never a retry loop. With --listen it also serves the
 * latest sample on /metrics, like `vigil serve`.
 */
import { LiveFeed } from '../feed';
import { runHeadless } from '../headless';
import { alertActiveFamily } from '../export/prometheus/alert-family';
import { DEFAULT_PROC_TOP } from '../export/prometheus/proc-select';
// Types only: the server (and prom-client with it, ~7 MB of RSS) is loaded when --listen asks for it.
import type { MetricsServer } from '../export/prometheus/server';
import { readHostInfo } from '../sampler/host';
import { alertWindowOptions, recordingSink } from '../store/alerts/engine';
import { RecordingWriter } from '../store/recording/writer';
import { HistoryWindow } from '../store/window';
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
  /** Sees the feed before its first sample (vigil run: to tally the shim's reads). */
  onFeed?: (feed: LiveFeed) => void;
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
    opts.listen == null ? null : await (await import('../export/prometheus/server')).startMetricsServer({ listen: opts.listen, host, procTop: opts.procTop ?? DEFAULT_PROC_TOP, procMatch: opts.procMatch ?? null });
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
  engine?.addSink(recordingSink(writer));
  if (engine !== null) server?.metrics.addFamily(alertActiveFamily(() => engine.active()));
  const window = engine === null ? null : new HistoryWindow(alertWindowOptions(engine.rules, opts.intervalMs, opts.procIntervalMs));
  const feed = new LiveFeed({
    intervalMs: opts.intervalMs,
    procIntervalMs: opts.procIntervalMs,
    host,
    snapshots: engine !== null || server !== null,
  });
  opts.onFeed?.(feed);
  const status = opts.status ?? process.stderr;
  if (server !== null) process.stderr.write(`vigil: serving ${server.url}\n`);
  const tty = status.isTTY === true;
  const startNs = process.hrtime.bigint();
  let lastStatusNs = 0n;

  // Errors keep their own exit code: a write error is a VigilError (74) from the writer; anything else is a
  // bug and exits 1 with its message, not a made-up I/O error.
  await runHeadless(
    feed,
    {
      onTick({ sample, snap }, stop) {
        let breachMoved = false;
        // Evaluated before the sample is queued, so that a breach seen on it is written in its transaction.
        if (snap !== null && engine !== null && window !== null) {
          window.push(snap);
          breachMoved = engine.onSnapshot(snap, window).some((e) => e.type !== 'update');
          // Every open breach's figures as they stand now: replay shows them as of any moment.
          for (const b of engine.active()) writer.addBreachStep(b, snap.t);
        }
        server?.update(sample, snap);
        writer.add(sample);
        // A breach that starts or ends is committed now (with the samples so far), not up to a second later.
        if (breachMoved) writer.flush();
        const now = process.hrtime.bigint();
        const elapsedMs = Number(now - startNs) / 1e6;
        if (tty && now - lastStatusNs >= 1_000_000_000n) {
          lastStatusNs = now;
          status.write(`\rrecording ${opts.file}: ${clock(elapsedMs)}, ${writer.added} samples, ${mb(writer.size())}\x1b[K`);
        }
        if (opts.durationMs !== null && elapsedMs >= opts.durationMs) stop();
      },
      async close(failed) {
        let failure: unknown;
        // Breaches still open end now (reason 'stop'); their rows go into the last transaction.
        alerts?.engine.stop();
        try {
          if (failed) writer.abort();
          else writer.close();
        } catch (err) {
          failure = err;
        }
        if (tty) status.write('\n');
        await alerts?.close().catch(() => undefined);
        await server?.close().catch(() => undefined);
        if (failure !== undefined) throw failure;
      },
    },
    { stopWhen: opts.stopWhen },
  );
}
