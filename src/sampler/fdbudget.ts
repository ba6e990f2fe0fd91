import * as fs from 'fs';

/**
 * How many /proc fds the readers may keep open. Beyond it, files are read with open + read + close:
 * slower, never wrong. Most of the soft RLIMIT_NOFILE (Node raises it to the hard limit at start),
 * leaving room for everything else vigil opens.
 */
export class FdBudget {
  private used = 0;
  constructor(readonly limit: number = defaultLimit()) {}

  take(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  get inUse(): number {
    return this.used;
  }
}

function defaultLimit(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'latin1'));
    if (m) return Math.max(0, Number(m[1]) - 256);
  } catch {
    // Unknown limit: assume the common default.
  }
  return 1024 - 256;
}
