/** How much of a command line vigil keeps: enough for any screen, bounded for the recording. */
export const CMDLINE_MAX = 4096;

export interface Cmdline {
  /** argv joined by single spaces. */
  text: string;
  argv0: string;
  truncated: boolean;
}

/**
 * /proc/PID/cmdline: argv separated (and usually ended) by NUL. Empty for kernel threads and zombies.
 * Programs that rewrite their title (setproctitle) may leave one string with spaces and no NULs, or
 * trailing NUL padding; both are handled. Only the first CMDLINE_MAX bytes are decoded (a cmdline can
 * be ~2 MiB), and `truncated` says whether there was more.
 */
export function parseCmdline(input: Buffer | string, len?: number): Cmdline {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let end = len ?? buf.length;
  let truncated = false;
  if (end > CMDLINE_MAX) {
    end = CMDLINE_MAX;
    truncated = true;
  }
  while (end > 0 && buf[end - 1] === 0) end--;
  if (end === 0) return { text: '', argv0: '', truncated };
  const firstNul = buf.indexOf(0);
  const text = buf.toString('utf8', 0, end).replace(/\0+/g, ' ');
  const argv0 = firstNul >= 0 && firstNul < end ? buf.toString('utf8', 0, firstNul) : text.split(' ')[0];
  return { text, argv0, truncated };
}
