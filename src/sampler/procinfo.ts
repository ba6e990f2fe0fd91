import * as fs from 'fs';

/**
 * One-off reads about a single process, for the detail view and for signals: not on any tier, read when
 * the user asks. Every answer says what went wrong instead of throwing.
 */
export function readCwd(pid: number, procRoot = '/proc'): string {
  try {
    return fs.readlinkSync(`${procRoot}/${pid}/cwd`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? '(not permitted)' : '(gone)';
  }
}

/** The start time (clock ticks after boot) of the process now holding `pid`, or null if there is none. */
export function startTimeOf(pid: number, procRoot = '/proc'): number | null {
  try {
    const s = fs.readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const v = Number(f[19]); // field 22 of stat, counted from the state (field 3)
    return Number.isSafeInteger(v) ? v : null;
  } catch {
    return null;
  }
}
