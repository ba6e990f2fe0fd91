import { EXIT, VigilError } from '../../infra/errors';

/**
 * How long vigil waits for another program's SQLite lock: DEFAULT_MS, or VIGIL_LOCK_WAIT_MS (whole ms) when
 * set. Read at each use. Not a user setting: the lock tests set it short so that their every refusal does
 * not wait out the real 3 to 5 s (one test keeps the default).
 */
export function lockWaitMs(defaultMs: number): number {
  const v = Number(process.env.VIGIL_LOCK_WAIT_MS);
  return Number.isInteger(v) && v > 0 ? v : defaultMs;
}

/** better-sqlite3 errors carry SQLite's extended result code name, e.g. SQLITE_FULL, SQLITE_IOERR_WRITE. */
export function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** A write-side SQLite failure as one line and an exit code. */
export function writeError(file: string, err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  const code = sqliteCode(err);
  if (code === 'SQLITE_FULL' || (err as NodeJS.ErrnoException)?.code === 'ENOSPC') {
    return new VigilError(`disk full writing ${file}: recording stopped; the file is valid up to the last full second`, EXIT.IOERR);
  }
  if (code.startsWith('SQLITE_IOERR')) return new VigilError(`I/O error writing ${file} (${code}): recording stopped`, EXIT.IOERR);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new VigilError(`cannot write ${file} (${code})`, EXIT.CANTCREAT);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new VigilError(`${file} is locked by another program`, EXIT.TEMPFAIL);
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return new VigilError(`${file} is damaged or not a SQLite database (${code})`, EXIT.DATAERR);
  const msg = (err as Error)?.message ?? String(err);
  return new VigilError(`writing ${file}: ${msg.split('\n')[0]}`, EXIT.IOERR);
}

/** A read-side SQLite failure: the recording is bad (65), whatever SQLite's complaint, unless it is only locked (75). */
export function readError(file: string, err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  const code = sqliteCode(err);
  if (code === 'SQLITE_NOTADB') return new VigilError(`${file} is not a SQLite database (nor a vigil recording)`, EXIT.DATAERR);
  if (code.startsWith('SQLITE_CORRUPT')) return new VigilError(`${file} is damaged (truncated or corrupted): ${code}`, EXIT.DATAERR);
  if (code.startsWith('SQLITE_IOERR')) return new VigilError(`I/O error reading ${file} (${code})`, EXIT.IOERR);
  // Locked by another program past the busy timeout: in use, not damaged.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new VigilError(`${file} is in use: another program keeps it locked (${code}); try again later`, EXIT.TEMPFAIL);
  const msg = (err as Error)?.message ?? String(err);
  return new VigilError(`${file} is not a readable vigil recording: ${msg.split('\n')[0]}`, EXIT.DATAERR);
}
