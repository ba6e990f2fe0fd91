import { spawnSync } from 'child_process';
import type { Test } from 'tap';
import { tsNodeArgs } from './child';

/**
 * Runs a test helper inside a fresh user and network namespace (`unshare -Urn`: its sock_diag socket must
 * be opened there to see the namespace's sockets) and returns the one JSON line it printed last, or fails
 * the test with what it printed and returns null.
 */
export function runInNetns<T extends { error?: string }>(t: Test, helper: string, timeoutMs: number): T | null {
  const res = spawnSync('unshare', ['-Urn', process.execPath, ...tsNodeArgs(), helper], { encoding: 'utf8', timeout: timeoutMs });
  const line = res.stdout.trim().split('\n').pop() ?? '';
  let out: T;
  try {
    out = JSON.parse(line) as T;
  } catch {
    t.fail(`helper printed no result (status ${res.status}): ${res.stdout}\n${res.stderr}`);
    return null;
  }
  if (out.error) {
    t.fail(out.error);
    return null;
  }
  return out;
}
