/**
 * Where the TUI's output goes on its way to the terminal. Node's TTY writes are synchronous: a terminal
 * stopped with Ctrl-S, or an ssh session that stalls, would block the event loop and with it sampling,
 * history, alerts and recording. A sink takes bytes without ever blocking its caller and says how many it
 * holds that the terminal has not taken yet (`backlog`). The render scheduler draws no frame while
 * any is left: frames coalesce rather than queue, so memory stays at about one frame, a terminal that
 * reads again gets the screen as it is now (not a minute of old frames), and blessed's idea of the
 * screen stays true: nothing is dropped, the next frame is the difference from the last one sent.
 *
 * Two sinks keep that promise (terminal.ts picks one; `npm run bench -- frame` measures both):
 * - NonBlockingSink (default): the main thread writes to its own non-blocking open of the terminal and
 *   keeps what the terminal did not take in a pending buffer, retried on a short timer. No thread, no copy.
 * - RingSink: a worker thread does blocking write(2)s from a SharedArrayBuffer ring the main thread
 *   encodes frames into (no string is posted to the worker). The fallback where the terminal cannot be
 *   opened again (no /proc).
 */

export interface TtySink {
  /** Takes output; never blocks. Ignored once the terminal is gone. */
  write(s: string): void;
  /** Takes src[0, n) as it is (a frame already encoded); src may be reused once this returns. Never blocks. */
  writeBytes(src: Buffer, n: number): void;
  /** Bytes taken but not written to the terminal yet. */
  readonly backlog: number;
  /** Called once when the terminal went away (EIO after a hangup, EPIPE): the errno code. */
  onGone: ((code: string) => void) | null;
  /** Resolves true when everything taken is written, false after timeoutMs. */
  flush(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Errors of write(2) that mean the terminal will not take output again. */
export function terminalGone(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EINTR' ? null : (code ?? 'EIO');
}

/** Resolves when `done()` holds, polling every `everyMs`; false after timeoutMs. */
export function poll(done: () => boolean, timeoutMs: number, everyMs = 10): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  const end = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (done()) {
        clearInterval(t);
        resolve(true);
      } else if (Date.now() >= end) {
        clearInterval(t);
        resolve(false);
      }
    }, everyMs);
  });
}
