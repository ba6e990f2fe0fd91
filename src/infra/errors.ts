import * as path from 'path';

/** Exit codes, sysexits-style: scripts depend on them, so they live in one place (what each means: src/docs/exit-codes.ts). */
export const EXIT = {
  OK: 0,
  RUNTIME: 1,
  USAGE: 2,
  DATAERR: 65,
  NOINPUT: 66,
  CANTCREAT: 73,
  IOERR: 74,
  TEMPFAIL: 75,
} as const;

/** The signals that ask a headless command to stop cleanly and exit 0 (a closed terminal sends SIGHUP). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** An error meant for the user: one line on stderr, this exit code, no stack trace. */
export class VigilError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.RUNTIME) {
    super(message);
    this.name = 'VigilError';
  }
}

export function usageError(message: string): VigilError {
  return new VigilError(message, EXIT.USAGE);
}

/** One line, whatever was thrown. Stacks only with VIGIL_DEBUG=1. */
export function describeError(err: unknown): string {
  if (err instanceof VigilError) return err.message;
  const e = err as NodeJS.ErrnoException | null;
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  return `internal error: ${msg.split('\n')[0]}`;
}

export function exitCodeOf(err: unknown): number {
  return err instanceof VigilError ? err.exitCode : EXIT.RUNTIME;
}

/**
 * Why a file could not be created or written, in words a user can act on: `doing` names the attempt
 * ("record to", "write the report to"). A full or failing device is 74 (EX_IOERR); anything else about
 * the place is 73 (EX_CANTCREAT).
 */
export function cannotCreateFile(doing: string, file: string, err: unknown): VigilError {
  const e = err as NodeJS.ErrnoException;
  const dir = path.dirname(path.resolve(file));
  const why: Record<string, string> = {
    ENOENT: `directory ${dir} does not exist`,
    ENOTDIR: `${dir} is not a directory`,
    EACCES: `no permission to write in ${dir}`,
    EPERM: `no permission to write in ${dir}`,
    EROFS: `${dir} is on a read-only filesystem`,
    EISDIR: `${file} is a directory`,
    ENOSPC: `no space left on the device of ${dir}`,
    EDQUOT: `disk quota exceeded on the device of ${dir}`,
  };
  const code = e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || e?.code === 'EIO' ? EXIT.IOERR : EXIT.CANTCREAT;
  return new VigilError(`cannot ${doing} ${file}: ${why[e?.code ?? ''] ?? e?.message ?? String(err)}`, code);
}
