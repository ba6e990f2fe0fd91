/**
 * One recorder per file: a non-blocking flock(2) on a sidecar `FILE.lock` holding the recorder's pid.
 * flock, not fcntl: a POSIX (fcntl) lock is dropped when the process closes *any* fd on the file, and
 * SQLite's own locks are POSIX locks, so vigil never opens the database's files itself. The kernel drops
 * a flock when the holder dies, SIGKILL included, so a stale lock file is harmless.
 */
import * as fs from 'fs';
import * as path from 'path';
import { flockSync } from 'fs-ext';
import { EXIT, VigilError } from '../../errors';

export function lockPath(file: string): string {
  return `${file}.lock`;
}

export class RecordingLock {
  private constructor(private fd: number | null, readonly path: string) {}

  /**
   * Takes the lock or throws: exit 73 when the directory is missing or read-only, 75 when another
   * recorder holds it (naming its pid).
   */
  static acquire(file: string): RecordingLock {
    const lp = lockPath(file);
    for (let attempt = 0; attempt < 5; attempt++) {
      let fd: number;
      try {
        fd = fs.openSync(lp, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o644);
      } catch (err) {
        throw cannotCreate(file, err);
      }
      try {
        flockSync(fd, 'exnb');
      } catch (err) {
        const holder = readPid(fd);
        fs.closeSync(fd);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          const who = holder === null ? 'another vigil record' : `vigil record (pid ${holder})`;
          throw new VigilError(`${file} is being recorded by ${who}; stop it first or record to another file`, EXIT.TEMPFAIL);
        }
        throw new VigilError(`cannot lock ${lp}: ${(err as Error).message}`, EXIT.CANTCREAT);
      }
      // The previous holder may have unlinked the file between our open and our flock: then we hold a lock
      // on an orphan inode, and a third recorder could lock the new file. Retry on the path's current inode.
      let same = false;
      try {
        const a = fs.fstatSync(fd);
        const b = fs.statSync(lp);
        same = a.ino === b.ino && a.dev === b.dev;
      } catch {
        same = false;
      }
      if (!same) {
        fs.closeSync(fd);
        continue;
      }
      try {
        const pid = Buffer.from(`${process.pid}\n`);
        fs.ftruncateSync(fd, 0);
        fs.writeSync(fd, pid, 0, pid.length, 0);
      } catch {
        // Disk full: the pid is a courtesy for the message above; the lock itself holds.
      }
      return new RecordingLock(fd, lp);
    }
    throw new VigilError(`cannot lock ${lp}: it keeps being replaced`, EXIT.TEMPFAIL);
  }

  release(): void {
    if (this.fd === null) return;
    try {
      fs.unlinkSync(this.path); // while still holding it: a waiter re-checks the inode (see acquire)
    } catch {
      // read-only by now, or already gone: the flock is what matters
    }
    fs.closeSync(this.fd);
    this.fd = null;
  }
}

function readPid(fd: number): number | null {
  try {
    const buf = Buffer.alloc(32);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const pid = Number(buf.toString('latin1', 0, n).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function cannotCreate(file: string, err: unknown): VigilError {
  const e = err as NodeJS.ErrnoException;
  const dir = path.dirname(path.resolve(file));
  const why: Record<string, string> = {
    ENOENT: `directory ${dir} does not exist`,
    ENOTDIR: `${dir} is not a directory`,
    EACCES: `no permission to write in ${dir}`,
    EPERM: `no permission to write in ${dir}`,
    EROFS: `${dir} is on a read-only filesystem`,
    ENOSPC: `no space left on the device of ${dir}`,
  };
  const code = e?.code === 'ENOSPC' ? EXIT.IOERR : EXIT.CANTCREAT;
  return new VigilError(`cannot record to ${file}: ${why[e?.code ?? ''] ?? e?.message ?? String(err)}`, code);
}
