import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { FdBudget } from '../../src/sampler/fdbudget';

/** Ground truth read by the test itself, independently of vigil's readers. */
export function schedstatRunNs(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a child and kills it (by pid, with SIGKILL) when the test ends. */
export function child(t: { teardown(fn: () => void): void }, cmd: string, args: string[], opts: Parameters<typeof spawn>[2] = {}): ChildProcess {
  const c = spawn(cmd, args, { stdio: 'ignore', ...opts });
  t.teardown(() => {
    try {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    } catch {
      // already gone
    }
  });
  return c;
}

/** Waits until the child's /proc/PID/stat shows it exec'd into `comm` (and, given one, in `state`). */
export async function waitForComm(pid: number, comm: string, timeoutMs = 20_000, state?: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = s.lastIndexOf(')');
      if (s.slice(s.indexOf('(') + 1, close) === comm && (state === undefined || s[close + 2] === state)) return;
    } catch {
      // not there yet
    }
    await sleep(10);
  }
  throw new Error(`pid ${pid} never became ${comm}`);
}

/**
 * The kept-fd budget for one of two process readers in one test process. Each reader alone budgets most of
 * RLIMIT_NOFILE (vigil runs one); two of them over the live /proc of a machine with 2,500+ processes went
 * past the limit together and an open failed with EMFILE.
 */
export function sharedFdBudget(): number {
  return Math.floor(new FdBudget().limit / 2);
}
