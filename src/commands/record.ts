/**
 * `vigil record FILE`: headless sampling into a SQLite recording. The file is opened (and locked) before
 * the first sample, so a bad place fails at once; Ctrl-C, SIGTERM and SIGHUP end it cleanly; a write error
 * (disk full) ends it with one line and exit 74, never a retry loop. With --listen it also serves the
 * latest sample on /metrics, like `vigil serve`.
 */
import { derive } from '../derive';
import { EXIT, VigilError } from '../errors';
import { MetricsServer, startMetricsServer } from '../export/prometheus/server';
import type { Sample } from '../model';
import { DEFAULT_PROC_TOP } from '../export/prometheus/proc-select';
import { readHostInfo } from '../sampler/host';
import { Sampler } from '../sampler/sampler';
import { RecordingWriter } from '../store/recording/writer';
import { Ticker } from '../ticker';

export interface RecordOptions {
  file: string;
  intervalMs: number;
  procIntervalMs: number;
  /** Stop after this long (ms); null: until interrupted. */
  durationMs: number | null;
  vigilVersion: string;
  /** Status line on this stream when it is a terminal (default: process.stderr). */
  status?: NodeJS.WriteStream;
  /** Serve /metrics on this address too (--listen); null: no server. */
  listen?: string | null;
  /** Per-process series of the metrics (see `vigil serve`). */
  procTop?: number;
  procMatch?: RegExp | null;
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
  // The metrics server first: a bad address (exit 2) or one in use (75) fails before FILE is touched.
  const server: MetricsServer | null =
    opts.listen == null ? null : await startMetricsServer({ listen: opts.listen, host, procTop: opts.procTop ?? DEFAULT_PROC_TOP, procMatch: opts.procMatch ?? null });
  let writer: RecordingWriter;
  try {
    writer = RecordingWriter.open(opts.file, {
      host,
      intervalMs: opts.intervalMs,
      procIntervalMs: opts.procIntervalMs,
      vigilVersion: opts.vigilVersion,
    });
  } catch (err) {
    await server?.close();
    throw err;
  }
  const sampler = new Sampler({ intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs, host });
  const status = opts.status ?? process.stderr;
  if (server !== null) process.stderr.write(`vigil: serving ${server.url}\n`);
  let prev: Sample | null = null;
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
      try {
        if (err === undefined) writer.close();
        else writer.abort();
      } catch (closeErr) {
        failure ??= closeErr;
      }
      if (tty) status.write('\n');
      const end = (): void => (failure !== undefined ? reject(failure) : resolve());
      if (server === null) end();
      else server.close().then(end, end);
    };
    const onSignal = (): void => finish();
    for (const s of signals) process.on(s, onSignal);

    const tick = (now: bigint): void => {
      try {
        const sample = sampler.sample(now);
        writer.add(sample);
        if (server !== null) {
          server.update(sample, prev === null ? null : derive(prev, sample, host));
          prev = sample;
        }
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
