import { EventEmitter } from 'events';
import { NonBlockingSink } from './tty-nonblock';
import { RingSink } from './tty-ring';
import type { TtySink } from './tty-sink';

export interface TtyLike {
  columns?: number;
  rows?: number;
  on(event: 'resize', fn: () => void): unknown;
  off?(event: 'resize', fn: () => void): unknown;
}

/**
 * The sink VIGIL_TTY_WRITER names: 'nonblock' (default) or 'ring'; the ring too when the terminal cannot
 * be opened a second time. See tty-sink.ts for why neither blocks.
 */
export function openSink(fd: number, kind: string | undefined = process.env.VIGIL_TTY_WRITER): TtySink {
  if (kind !== 'ring') {
    try {
      return new NonBlockingSink(fd);
    } catch {
      // No /proc/self/fd, or the terminal refused a second open: the worker writes instead.
    }
  }
  return new RingSink(fd);
}

/**
 * The terminal as blessed's output stream: what blessed writes goes to a sink that never blocks
 * (tty-sink.ts), and resizes come coalesced. Only what blessed uses of a stream is here (write, isTTY,
 * writable, columns, rows, 'resize'): a frame costs one call and no stream machinery.
 */
export class TerminalOutput extends EventEmitter {
  readonly isTTY = true;
  readonly writable = true;
  columns: number;
  rows: number;
  private readonly sink: TtySink;
  private resizeTimer: NodeJS.Timeout | null = null;
  private readonly onResize: () => void;
  /** Set when the terminal went away (hangup): the app should exit. */
  gone: string | null = null;

  constructor(
    private readonly tty: TtyLike,
    fd = 1,
    private readonly resizeCoalesceMs = 30,
  ) {
    super();
    this.columns = tty.columns ?? 0;
    this.rows = tty.rows ?? 0;
    this.sink = openSink(fd);
    this.sink.onGone = (code) => {
      if (this.gone !== null) return;
      this.gone = code;
      this.emit('gone', code);
    };
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

  write(chunk: string | Uint8Array): boolean {
    this.sink.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }

  /** A frame already encoded (draw.ts): buf[0, n) goes to the sink as it is. */
  writeBytes(buf: Buffer, n: number): void {
    this.sink.writeBytes(buf, n);
  }

  /** Bytes taken but not yet written to the terminal. */
  get backlog(): number {
    return this.sink.backlog;
  }

  /** Resolves true when everything taken is written, false after timeoutMs. */
  flush(timeoutMs: number): Promise<boolean> {
    return this.sink.flush(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.tty.off?.('resize', this.onResize);
    await this.sink.close();
  }
}
