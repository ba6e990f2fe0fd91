import * as os from 'os';
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

/** One signal to each of several processes (the tagged ones): one status line for all of them. */
export function sendSignals(ids: ProcId[], signal: NodeJS.Signals, procRoot = '/proc'): string {
  if (ids.length === 1) return sendSignal(ids[0], signal, procRoot).message;
  const results = ids.map((id) => sendSignal(id, signal, procRoot));
  const ok = results.filter((r) => r.ok).length;
  const failed = results.filter((r) => !r.ok);
  return failed.length === 0 ? `sent ${signal} to ${ok} processes` : `sent ${signal} to ${ok} of ${ids.length}; ${failed[0].message}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}`;
}

const NICE_WHY: Record<string, string> = {
  EACCES: 'permission denied: only root can lower a nice value',
  EPERM: 'not permitted: another user\'s process',
  ESRCH: 'no such process',
};

/**
 * Renice (F7 −1, F8 +1, as htop's), through setpriority(2): each process's nice value moves by delta,
 * within −20…19. The pid is checked against its start time first, as for signals. Returns the status line.
 */
export function renice(ids: ProcId[], delta: 1 | -1, procRoot = '/proc'): string {
  const lines: string[] = [];
  let ok = 0;
  let last = 0;
  for (const id of ids) {
    const now = startTimeOf(id.pid, procRoot);
    if (now === null) {
      lines.push(`renice not done: process ${id.pid} has exited`);
      continue;
    }
    if (now !== id.start_time) {
      lines.push(`renice not done: pid ${id.pid} now belongs to another process`);
      continue;
    }
    try {
      const nice = Math.max(-20, Math.min(19, os.getPriority(id.pid) + delta));
      os.setPriority(id.pid, nice);
      ok++;
      last = nice;
    } catch (err) {
      const code = (err as { code?: string; info?: { code?: string } }).info?.code?.toUpperCase() ?? (err as NodeJS.ErrnoException).code ?? 'error';
      lines.push(`renice ${id.pid} failed: ${code} (${NICE_WHY[code] ?? 'error'})`);
    }
  }
  if (lines.length === 0) return ids.length === 1 ? `nice of ${ids[0].pid} is now ${last}` : `reniced ${ok} processes by ${delta > 0 ? '+1' : '-1'}`;
  return ids.length === 1 ? lines[0] : `reniced ${ok} of ${ids.length}; ${lines[0]}`;
}
