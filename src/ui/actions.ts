import { startTimeOf } from '../sampler/procinfo';
import type { ProcId } from '../panes/proctable';

/** The signals the kill dialog offers, in menu order. */
export const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGKILL', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGSTOP', 'SIGCONT', 'SIGUSR1', 'SIGUSR2'];

const WHY: Record<string, string> = {
  EPERM: 'not permitted',
  ESRCH: 'no such process',
  EINVAL: 'invalid signal',
};

/**
 * Sends a signal to exactly the process the user chose. The pid is checked against its start time first:
 * if the process exited and the pid was reused since the screen was drawn, nothing is sent.
 * Returns the status line to show.
 */
export function sendSignal(id: ProcId, signal: NodeJS.Signals, procRoot = '/proc'): { ok: boolean; message: string } {
  const now = startTimeOf(id.pid, procRoot);
  if (now === null) return { ok: false, message: `${signal} not sent: process ${id.pid} has exited` };
  if (now !== id.start_time) return { ok: false, message: `${signal} not sent: pid ${id.pid} now belongs to another process` };
  try {
    process.kill(id.pid, signal);
    return { ok: true, message: `sent ${signal} to ${id.pid}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, message: `${signal} to ${id.pid} failed: ${code} (${WHY[code] ?? 'error'})` };
  }
}
