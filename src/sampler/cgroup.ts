import { parseCgroup } from './parse/cgroup';
import { ReadBuf, readOnce } from './procfile';

/** A cgroup path is at most PATH_MAX; a longer file is cut there (the hierarchies listed first win). */
const CGROUP_MAX = 4096;

/**
 * The cgroup of the process whose /proc directory is `base`, or null (gone, unreadable). Read once when a
 * process is first seen, and again when its command line is (after an exec, and every minute), by both
 * the TypeScript and the native process tiers: a process seldom moves between cgroups.
 */
export function readCgroup(base: string, rb: ReadBuf): string | null {
  const n = readOnce(`${base}/cgroup`, rb, CGROUP_MAX);
  return n === null ? null : parseCgroup(rb.buf.toString('utf8', 0, n));
}

export function cgroupBuf(): ReadBuf {
  return new ReadBuf(CGROUP_MAX);
}
