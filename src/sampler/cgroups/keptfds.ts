import * as fs from 'fs';
import { FdBudget } from '../fdbudget';
import { closeQuietly, isDenied, isGone, O_READ, preadAll, ReadBuf, readOnce } from '../procfile';

/**
 * A cgroup file is re-read through a kept fd (one pread, which regenerates the seq file from offset 0)
 * instead of open + read + close: the path walk through kernfs is most of a read's cost, measured here
 * 10–15 µs against 1–2 µs for the pread, about 20 files per group on a hybrid layout.
 *
 * Only on a real cgroup filesystem: there, a removed group's open files read ENODEV, so a kept fd can
 * never return a dead group's figures. A fixture tree (ext4, tmpfs) keeps a deleted file's old text
 * behind its fd, so it is read with open + read + close, as before.
 */
const CGROUP_SUPER_MAGIC = 0x27e0eb;
const CGROUP2_SUPER_MAGIC = 0x63677270;

export function isCgroupFs(dir: string): boolean {
  try {
    const type = fs.statfsSync(dir).type;
    return type === CGROUP_SUPER_MAGIC || type === CGROUP2_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * The cgroup tier's own share of the fds: a quarter of what the process tier may keep (the soft
 * RLIMIT_NOFILE less 256), at most 16384: about 850 groups at 19 files each on a hybrid layout, 1100 at
 * 14 on v2. Beyond it, files are read with open + read + close: slower, never wrong. Groups are read in
 * the walk's order, so the top of the tree gets the kept fds first.
 */
export function cgroupFdBudget(limit?: number): FdBudget {
  return new FdBudget(limit ?? Math.min(16384, Math.floor(new FdBudget().limit / 4)));
}

/** The file's group was removed (ENODEV from a kept fd; ENOENT, ENOTDIR from open). */
const isDead = (err: unknown): boolean => isGone(err) || (err as NodeJS.ErrnoException | null)?.code === 'ENODEV';

const isOutOfFds = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
};

/** The kept fds of one group's directory in one hierarchy, by file name; DIR_FD is the directory's own. */
export type DirFds = Map<string, number>;
export const DIR_FD = '.';

/**
 * Reads `file` of `dir` into rb through its kept fd in `fds`, opening it the first time (within the
 * budget). A kept fd that reads ENODEV belonged to a group removed since: it is closed and the path opened
 * again, so a group made again under the same name reads as the new group, exactly as open + read +
 * close would. The directory's kept fd (DIR_FD) goes with it: it is the dead group's, and its link count
 * no longer says anything about the path's subgroups. Returns the byte count, or null when the file is
 * gone or denied.
 */
export function readKept(dir: string, file: string, fds: DirFds, budget: FdBudget, rb: ReadBuf): number | null {
  const kept = fds.get(file);
  if (kept !== undefined) {
    try {
      return preadAll(kept, rb);
    } catch (err) {
      dropFd(fds, file, budget);
      if (isDead(err)) dropFd(fds, DIR_FD, budget);
      else if (!isDenied(err)) throw err;
    }
  }
  const path = `${dir}/${file}`;
  if (!budget.take(1)) return readOnce(path, rb);
  let fd: number;
  try {
    fd = fs.openSync(path, O_READ);
  } catch (err) {
    budget.give(1);
    if (isDead(err) || isDenied(err)) return null;
    if (isOutOfFds(err)) return readOnce(path, rb);
    throw err;
  }
  fds.set(file, fd);
  try {
    return preadAll(fd, rb);
  } catch (err) {
    dropFd(fds, file, budget);
    if (isDead(err) || isDenied(err)) return null;
    throw err;
  }
}

/**
 * The number of subdirectories of `dir` now, from its kept directory fd (opened the first time, within the
 * budget): kernfs gives a directory 2 + its subdirectories as its link count, so one fstat tells whether
 * groups were made or removed below it, where a listing reads every entry. null when no fd can be kept.
 */
export function subdirCount(dir: string, fds: DirFds, budget: FdBudget): number | null {
  let fd = fds.get(DIR_FD);
  if (fd === undefined) {
    if (!budget.take(1)) return null;
    try {
      fd = fs.openSync(dir, O_READ);
    } catch {
      budget.give(1);
      return null;
    }
    fds.set(DIR_FD, fd);
  }
  try {
    return fs.fstatSync(fd).nlink - 2;
  } catch {
    dropFd(fds, DIR_FD, budget);
    return null;
  }
}

export function dropFd(fds: DirFds, file: string, budget: FdBudget): void {
  const fd = fds.get(file);
  if (fd === undefined) return;
  fds.delete(file);
  closeQuietly(fd);
  budget.give(1);
}

export function dropAll(fds: DirFds, budget: FdBudget): void {
  for (const file of [...fds.keys()]) dropFd(fds, file, budget);
}
