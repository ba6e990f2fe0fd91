/**
 * `vigil record FILE`: headless sampling into a SQLite recording. The file is opened (and locked) before
 * the first sample, so a bad place fails at once; Ctrl-C, SIGTERM and SIGHUP end it cleanly; a write error
 * (disk full) ends it with one line and exit 74, never a retry loop.
 */
import { EXIT, VigilError } from '../errors';
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
  const writer = RecordingWriter.open(opts.file, {
    host,
    intervalMs: opts.intervalMs,
    procIntervalMs: opts.procIntervalMs,
    vigilVersion: opts.vigilVersion,
  });
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
      try {
        if (err === undefined) writer.close();
        else writer.abort();
      } catch (closeErr) {
        failure ??= closeErr;
      }
      if (tty) status.write('\n');
      if (failure !== undefined) reject(failure);
      else resolve();
    };
    const onSignal = (): void => finish();
    for (const s of signals) process.on(s, onSignal);
    opts.stopWhen?.then(() => finish(), () => finish());

    const tick = (now: bigint): void => {
      try {
        writer.add(sampler.sample(now));
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
