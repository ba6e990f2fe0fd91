import { Worker } from 'worker_threads';
import { poll, TtySink } from './tty-sink';

/** Ring size, a power of two: several whole 200x50 repaints, and more than the scheduler lets pile up. */
const RING_BYTES = 1 << 20;
/** Control words: what the main thread has written (head), what the worker has (tail), stop. */
const HEAD = 0;
const TAIL = 1;
const STOP = 2;

/**
 * The worker: waits on the head word, writes what lies between tail and head with blocking write(2)s
 * (this thread may block; the main thread never does), and moves the tail. Positions count bytes modulo
 * 2^32; the ring's size divides that, so a position modulo the size is its place in the ring.
 */
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const ctl = new Int32Array(workerData.ctl);
const data = Buffer.from(workerData.data);
const mask = data.length - 1;
const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  if (Atomics.load(ctl, ${STOP}) !== 0) break;
  const head = Atomics.load(ctl, ${HEAD});
  const tail = Atomics.load(ctl, ${TAIL});
  if (head === tail) { Atomics.wait(ctl, ${HEAD}, head, 1000); continue; }
  const off = tail & mask;
  const len = Math.min((head - tail) >>> 0, data.length - off);
  let n;
  try {
    n = fs.writeSync(workerData.fd, data, off, len);
  } catch (e) {
    // A non-blocking tty says EAGAIN when it is full: wait and try again.
    if (e.code === 'EAGAIN' || e.code === 'EINTR') { Atomics.wait(nap, 0, 0, 10); continue; }
    // The terminal is gone (EIO after a hangup, EPIPE): the main thread decides.
    parentPort.postMessage({ gone: e.code || 'EIO' });
    break;
  }
  Atomics.store(ctl, ${TAIL}, (tail + n) | 0);
}
`;

/**
 * Frames are encoded once, straight into a SharedArrayBuffer ring that a worker thread writes to the
 * terminal; the main thread posts nothing and only wakes the worker (a futex). What does not fit in the
 * ring (a stall longer than the scheduler's limit allows for) waits in a queue on the main thread.
 */
export class RingSink implements TtySink {
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(16));
  private readonly ring: Buffer;
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private pump: NodeJS.Timeout | null = null;
  private gone: string | null = null;
  onGone: ((code: string) => void) | null = null;

  constructor(fd: number) {
    const data = new SharedArrayBuffer(RING_BYTES);
    this.ring = Buffer.from(data);
    this.worker = new Worker(WORKER, { eval: true, workerData: { fd, ctl: this.ctl.buffer, data } });
    this.worker.unref();
    this.worker.on('message', (m: { gone?: string }) => {
      if (m.gone === undefined || this.gone !== null) return;
      this.gone = m.gone;
      this.queue.length = 0;
      this.queued = 0;
      this.onGone?.(m.gone);
    });
  }

  private get used(): number {
    return (Atomics.load(this.ctl, HEAD) - Atomics.load(this.ctl, TAIL)) >>> 0;
  }

  get backlog(): number {
    return this.gone === null ? this.used + this.queued : 0;
  }

  write(s: string): void {
    if (this.gone !== null || s.length === 0) return;
    if (this.scratch.length < 3 * s.length) this.scratch = Buffer.allocUnsafe(Math.max(2 * this.scratch.length, Buffer.byteLength(s)));
    this.writeBytes(this.scratch, this.scratch.write(s, 0));
  }

  writeBytes(src: Buffer, n: number): void {
    if (this.gone !== null || n === 0) return;
    if (this.queued === 0 && RING_BYTES - this.used >= n) return this.put(src, n);
    this.queue.push(Buffer.from(src.subarray(0, n)));
    this.queued += n;
    this.pump ??= setInterval(() => this.drainQueue(), 10);
  }

  /** Copies n bytes into the ring at the head (in two pieces across its end), then moves the head and wakes the worker. */
  private put(src: Buffer, n: number): void {
    const head = Atomics.load(this.ctl, HEAD);
    const off = head & (RING_BYTES - 1);
    const first = Math.min(n, RING_BYTES - off);
    src.copy(this.ring, off, 0, first);
    if (first < n) src.copy(this.ring, 0, first, n);
    Atomics.store(this.ctl, HEAD, (head + n) | 0);
    Atomics.notify(this.ctl, HEAD);
  }

  private drainQueue(): void {
    while (this.queue.length > 0 && RING_BYTES - this.used >= this.queue[0].length) {
      const b = this.queue.shift()!;
      this.queued -= b.length;
      this.put(b, b.length);
    }
    if (this.queue.length === 0 && this.pump) {
      clearInterval(this.pump);
      this.pump = null;
    }
  }

  flush(timeoutMs: number): Promise<boolean> {
    return poll(() => this.backlog === 0, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.pump) clearInterval(this.pump);
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, HEAD);
    // A worker inside a write(2) to a stalled terminal cannot stop: vigil does not wait for it.
    await Promise.race([this.worker.terminate(), new Promise((r) => setTimeout(r, 200).unref())]);
  }
}
