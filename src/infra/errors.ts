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
