/**
 * `vigil record FILE`: headless sampling into a SQLite recording. The file is opened (and locked) before
 * the first sample, so a bad place fails at once; Ctrl-C, SIGTERM and SIGHUP end it cleanly; a write error
 * (disk full) ends it with one line and exit 74, never a retry loop.
 */
import { derive } from '../derive';
import { EXIT, VigilError } from '../errors';
import type { Sample } from '../model';
import { readHostInfo } from '../sampler/host';
import { Sampler } from '../sampler/sampler';
import { alertWindowOptions, recordingSink } from '../store/alerts/engine';
import { RecordingWriter } from '../store/recording/writer';
import { HistoryWindow } from '../store/window';
import { Ticker } from '../ticker';
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
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}

function mb(bytes: number): string {
  return bytes < 1 << 20 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

export function runRecord(opts: RecordOptions): Promise<void> {
  const host = readHostInfo();
  // The alert log (if any) is opened first: a bad --alerts-db must not leave an empty recording behind.
  const alerts: AlertSetup | null = opts.alerts && opts.alerts.rules.length > 0 ? setupAlerts({ ...opts.alerts, hostname: host.hostname }) : null;
  let writer: RecordingWriter;
  try {
    writer = RecordingWriter.open(opts.file, {
      host,
      intervalMs: opts.intervalMs,
      procIntervalMs: opts.procIntervalMs,
      vigilVersion: opts.vigilVersion,
    });
  } catch (err) {
    void alerts?.close();
    throw err;
  }
  alerts?.engine.addSink(recordingSink(writer));
  const window = alerts === null ? null : new HistoryWindow(alertWindowOptions(alerts.engine.rules, opts.intervalMs, opts.procIntervalMs));
  let prev: Sample | null = null;
  const sampler = new Sampler({ intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs, host });
  const status = opts.status ?? process.stderr;
  const tty = status.isTTY === true;
  const startNs = process.hrtime.bigint();
  let lastStatusNs = 0n;

  return new Promise((resolve, reject) => {
    let done = false;
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      ticker.stop();
      for (const s of signals) process.off(s, onSignal);
      sampler.close();
      let failure = err;
      // Breaches still open end now (reason 'stop'); their rows go into the last transaction.
      alerts?.engine.stop();
      try {
        if (err === undefined) writer.close();
        else writer.abort();
      } catch (closeErr) {
        failure ??= closeErr;
      }
      if (tty) status.write('\n');
      const settle = (): void => (failure !== undefined ? reject(failure) : resolve());
      if (alerts === null) settle();
      else alerts.close().then(settle, settle);
    };
    const onSignal = (): void => finish();
    for (const s of signals) process.on(s, onSignal);
    opts.stopWhen?.then(() => finish(), () => finish());

    const tick = (now: bigint): void => {
      try {
        const sample = sampler.sample(now);
        let breachMoved = false;
        if (alerts !== null && window !== null) {
          // Evaluated before the sample is queued, so that a breach seen on it is written in its transaction.
          if (prev !== null) {
            const snap = derive(prev, sample, host);
            window.push(snap);
            breachMoved = alerts.engine.onSnapshot(snap, window).some((e) => e.type !== 'update');
          }
          prev = sample;
        }
        writer.add(sample);
        // A breach that starts or ends is committed now (with the samples so far), not up to a second later.
        if (breachMoved) writer.flush();
        const elapsedMs = Number(now - startNs) / 1e6;
        if (tty && now - lastStatusNs >= 1_000_000_000n) {
          lastStatusNs = now;
          status.write(`\rrecording ${opts.file}: ${clock(elapsedMs)}, ${writer.added} samples, ${mb(writer.size())}\x1b[K`);
        }
        if (opts.durationMs !== null && elapsedMs >= opts.durationMs) finish();
      } catch (err) {
        finish(err instanceof VigilError ? err : new VigilError(`recording stopped: ${(err as Error).message}`, EXIT.IOERR));
      }
    };
    const ticker = new Ticker(opts.intervalMs, tick);
    tick(process.hrtime.bigint());
    if (!done) ticker.start();
  });
}
