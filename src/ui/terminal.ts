import { Writable } from 'stream';
import { Worker } from 'worker_threads';

/**
 * The terminal output, written by a worker thread. Node's TTY writes are synchronous: a terminal stopped
 * with Ctrl-S, or an ssh session that stalls, would block the event loop and with it sampling, history,
 * alerts and recording. Here the main thread only posts frames; the worker does the blocking write(2)s.
 * While the worker is behind (`backlog`), the render scheduler stops producing frames, so memory stays
 * bounded and the terminal converges to what blessed believes it shows once the worker catches up.
 */
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const nap = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (s) => {
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(workerData.fd, buf, off, buf.length - off);
    } catch (e) {
      // A non-blocking tty says EAGAIN when it is full: wait and try again (this thread may block).
      if (e.code === 'EAGAIN') { Atomics.wait(nap, 0, 0, 10); continue; }
      // The terminal is gone (EIO after a hangup, EPIPE): drop output silently; the main thread decides.
      parentPort.postMessage({ gone: e.code });
      return;
    }
  }
  parentPort.postMessage({ done: s.length });
});
`;

export interface TtyLike {
  columns?: number;
  rows?: number;
  on(event: 'resize', fn: () => void): unknown;
  off?(event: 'resize', fn: () => void): unknown;
}

export class TerminalOutput extends Writable {
  readonly isTTY = true;
  columns: number;
  rows: number;
  private readonly worker: Worker;
  private posted = 0;
  private written = 0;
  private waiters: (() => void)[] = [];
  private resizeTimer: NodeJS.Timeout | null = null;
  private readonly onResize: () => void;
  /** Set when the terminal went away (hangup): the app should exit. */
  gone: string | null = null;

  constructor(
    private readonly tty: TtyLike,
    fd = 1,
    private readonly resizeCoalesceMs = 30,
  ) {
    super({ decodeStrings: false });
    this.columns = tty.columns ?? 0;
    this.rows = tty.rows ?? 0;
    this.worker = new Worker(WORKER, { eval: true, workerData: { fd } });
    this.worker.unref();
    this.worker.on('message', (m: { done?: number; gone?: string }) => {
      if (m.done !== undefined) this.written += m.done;
      if (m.gone !== undefined && this.gone === null) {
        this.gone = m.gone;
        this.emit('gone', m.gone);
      }
      if (this.backlog === 0) for (const w of this.waiters.splice(0)) w();
    });
    // A storm of SIGWINCH (a window being dragged) becomes one resize per coalescing period.
    this.onResize = () => {
      if (this.resizeTimer) return;
      this.resizeTimer = setTimeout(() => {
        this.resizeTimer = null;
        this.columns = tty.columns ?? 0;
        this.rows = tty.rows ?? 0;
        this.emit('resize');
      }, this.resizeCoalesceMs);
    };
    tty.on('resize', this.onResize);
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.gone === null && s.length > 0) {
      this.posted += s.length;
      this.worker.postMessage(s);
    }
    cb();
  }

  /** Characters posted but not yet written to the terminal. */
  get backlog(): number {
    return this.gone === null ? this.posted - this.written : 0;
  }

  /** Resolves true when everything posted is written, false after timeoutMs. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.backlog === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  async close(): Promise<void> {
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.tty.off?.('resize', this.onResize);
    await this.worker.terminate();
  }
}
