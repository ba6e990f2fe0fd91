import * as fs from 'fs';
import { isatty } from 'tty';
import { poll, terminalGone, TtySink } from './tty-sink';

/** Retry spacing while the terminal takes nothing: short at first, then a few times a second at most. */
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 50;
/** The pending buffer starts here and, grown by a long stall, shrinks back once empty. */
const START_BYTES = 64 * 1024;

/**
 * Writes from the main thread to a non-blocking open of the terminal. The terminal is opened again
 * (through /proc/self/fd) rather than fd 1 set non-blocking: O_NONBLOCK belongs to the open file
 * description, which fd 1 shares with the shell that started vigil, and a shell whose stdout turns
 * non-blocking under it fails its own writes with EAGAIN after vigil exits.
 *
 * What write(2) does not take waits in `buf[head, tail)`, encoded once, and is retried on a timer; a
 * frame is one write(2) when the terminal keeps up.
 */
export class NonBlockingSink implements TtySink {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(START_BYTES);
  private head = 0;
  private tail = 0;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private gone: string | null = null;
  onGone: ((code: string) => void) | null = null;

  constructor(fd: number) {
    const own = fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_WRONLY | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
    if (!isatty(own)) {
      fs.closeSync(own);
      throw new Error('not a terminal');
    }
    this.fd = own;
  }

  get backlog(): number {
    return this.tail - this.head;
  }

  write(s: string): void {
    if (this.gone !== null || s.length === 0) return;
    this.append(s);
    // A retry is due: the terminal took nothing a moment ago, and a write now would only fail again.
    if (this.timer === null) this.drain();
  }

  /**
   * A frame encoded by the caller: written straight from its buffer when nothing waits before it (the
   * common case, no copy); what the terminal does not take is kept.
   */
  writeBytes(src: Buffer, n: number): void {
    if (this.gone !== null || n === 0) return;
    let off = 0;
    if (this.head === this.tail && this.timer === null) {
      try {
        while (off < n) off += fs.writeSync(this.fd, src, off, n - off);
        this.retryMs = RETRY_MIN_MS;
        return;
      } catch (e) {
        if (this.fail(e)) return;
      }
    }
    this.room(n - off);
    this.tail += src.copy(this.buf, this.tail, off, n);
    if (this.timer === null) this.retryLater();
  }

  private append(s: string): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8: only a frame near the end of the room is measured.
    this.room(3 * s.length, () => Buffer.byteLength(s));
    this.tail += this.buf.write(s, this.tail);
  }

  /** Room for `upTo` more bytes at the tail (`exact()` is what is really needed, asked only when short). */
  private room(upTo: number, exact: () => number = () => upTo): void {
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      if (this.buf.length > START_BYTES) this.buf = Buffer.allocUnsafe(START_BYTES);
    }
    if (this.buf.length - this.tail >= upTo) return;
    const need = exact();
    if (this.buf.length - this.tail >= need) return;
    this.buf.copy(this.buf, 0, this.head, this.tail);
    this.tail -= this.head;
    this.head = 0;
    if (this.buf.length - this.tail < need) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.tail + need));
      this.buf.copy(bigger, 0, 0, this.tail);
      this.buf = bigger;
    }
  }

  /** A write(2) failed: true when the terminal is gone (and the pending bytes with it), false to retry. */
  private fail(e: unknown): boolean {
    const gone = terminalGone(e);
    if (gone === null) return false;
    this.gone = gone;
    this.head = this.tail = 0;
    this.onGone?.(gone);
    return true;
  }

  private drain(): void {
    while (this.head < this.tail) {
      let n: number;
      try {
        n = fs.writeSync(this.fd, this.buf, this.head, this.tail - this.head);
      } catch (e) {
        if (!this.fail(e)) this.retryLater();
        return;
      }
      this.head += n;
    }
    this.retryMs = RETRY_MIN_MS;
  }

  private retryLater(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, 2 * this.retryMs);
  }

  flush(timeoutMs: number): Promise<boolean> {
    return poll(() => this.backlog === 0, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
