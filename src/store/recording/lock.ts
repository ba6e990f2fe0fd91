/**
 * One recorder per database file: a non-blocking flock(2) on the database's own inode, held through an fd
 * vigil opens before SQLite does and closes after it. The inode, not the name: a second recorder reaching
 * the same file through a symlink, a hard link or another relative path meets the same lock (a `FILE.lock`
 * beside the name let both run, each with its own WAL). The kernel drops a flock when its holder dies,
 * SIGKILL included, so nothing stale is ever left behind.
 *
 * flock and SQLite's POSIX (fcntl) locks do not interact. What must be avoided is closing any fd on the
 * database while SQLite has it open, since that drops the process's POSIX locks: so this fd is closed
 * only after the database (release(), called after db.close()).
 */
import * as fs from 'fs';
import { flockSync } from 'fs-ext';
import { cannotCreateFile, EXIT, VigilError } from '../../infra/errors';

export class RecordingLock {
  private constructor(
    private fd: number | null,
    /** The file did not exist: a recorder that fails before writing removes the empty file it made. */
    readonly created: boolean,
    readonly file: string,
  ) {}

  /**
   * Takes the lock or throws: exit 73 when the directory is missing or read-only or FILE is not a regular
   * file, 75 when another recorder holds it (naming its pid, from /proc/locks).
   */
  static acquire(file: string): RecordingLock {
    for (let attempt = 0; attempt < 5; attempt++) {
      let fd: number;
      let created = false;
      try {
        // O_NONBLOCK: a FIFO at FILE must not hang the open; it is refused below as not a regular file.
        fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotCreate(file, err);
        try {
          fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
          created = true;
        } catch (err2) {
          if ((err2 as NodeJS.ErrnoException).code === 'EEXIST') continue; // another recorder made it first
          throw cannotCreate(file, err2);
        }
      }
      const st = fs.fstatSync(fd);
      if (!st.isFile()) {
        fs.closeSync(fd);
        throw new VigilError(`cannot record to ${file}: it is not a regular file`, EXIT.CANTCREAT);
      }
      try {
        flockSync(fd, 'exnb');
      } catch (err) {
        fs.closeSync(fd);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          const holder = flockHolder(st);
          const who = holder === null ? 'another vigil record' : `vigil record (pid ${holder})`;
          throw new VigilError(`${file} is being recorded by ${who}; stop it first or record to another file`, EXIT.TEMPFAIL);
        }
        throw new VigilError(`cannot lock ${file}: ${(err as Error).message}`, EXIT.CANTCREAT);
      }
      // A recorder that failed may have removed the empty file it created between our open and our flock:
      // then we hold a lock on an orphan inode. Retry on the name's current inode.
      let same = false;
      try {
        const b = fs.statSync(file);
        same = st.ino === b.ino && st.dev === b.dev;
      } catch {
        same = false;
      }
      if (same) return new RecordingLock(fd, created, file);
      fs.closeSync(fd);
    }
    throw new VigilError(`cannot lock ${file}: it keeps being replaced`, EXIT.TEMPFAIL);
  }

  /**
   * Drops the lock; after SQLite has closed the file (see above). `discard`: the recorder failed before
   * writing anything, and the file is the empty one it created, so it is removed rather than left behind.
   */
  release(discard = false): void {
    if (this.fd === null) return;
    if (discard && this.created) {
      try {
        if (fs.fstatSync(this.fd).size === 0) fs.unlinkSync(this.file); // while still holding it
      } catch {
        // gone already, or read-only: an empty file is harmless
      }
    }
    fs.closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * The pid holding a FLOCK on this inode, from /proc/locks ("1: FLOCK ADVISORY WRITE 4242 fe:00:2146551 0
 * EOF": device as hex major:minor, inode in decimal). A courtesy for the message: null if not found.
 */
export function flockHolder(st: fs.Stats, locks?: string): number | null {
  let text = locks;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/locks', 'latin1');
    } catch {
      return null;
    }
  }
  // st_dev in glibc's encoding: major in bits 8–19 and 32–63, minor in bits 0–7 and 20–31.
  const dev = BigInt(st.dev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  const want = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${st.ino}`;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // "N:" FLOCK ADVISORY WRITE PID DEV:INO START END; blocked waiters ("->") carry one more field first.
    const at = f[1] === '->' ? 2 : 1;
    if (f[at] === 'FLOCK' && f[at + 2] === 'WRITE' && f[at + 4] === want) {
      const pid = Number(f[at + 3]);
      if (Number.isSafeInteger(pid) && pid > 0) return pid;
    }
  }
  return null;
}

export const cannotCreate = (file: string, err: unknown): VigilError => cannotCreateFile('record to', file, err);
