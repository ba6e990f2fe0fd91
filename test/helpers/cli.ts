import { ChildProcess, spawn, SpawnOptions, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { CLI } from './paths';

export { CLI };

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `vigil ARGS` to completion (or until timeoutMs, then SIGKILL). */
export function vigil(args: string[], opts: SpawnOptions & { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (d) => (stdout += d));
    c.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 20000);
    c.on('error', reject);
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (opts.input !== undefined) c.stdin!.end(opts.input);
    else c.stdin!.end();
  });
}

/** One line, no stack trace: what every error must look like. */
export function isOneLineError(stderr: string): boolean {
  return stderr.startsWith('vigil: ') && stderr.trimEnd().split('\n').length === 1 && !/\n\s+at /.test(stderr);
}

export type Run = RunResult;

/** Runs the built CLI to completion, synchronously. */
export function vigilSync(args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, cwd: opts.cwd, maxBuffer: 256 << 20 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the built CLI in the background. */
export function vigilBg(args: string[]): ChildProcess & { done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })));
  return Object.assign(child, { done });
}

/** Waits until fn() is true (polling), or throws after timeoutMs. */
export async function until(fn: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether this machine lets an unprivileged user namespace mount (tmpfs, read-only binds). */
export function canUnshareMount(): boolean {
  const r = spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt && echo yes'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('yes');
}

/** Runs a shell script inside `unshare -Urm` (its own mount namespace, root mapped to us). */
export function inMountNs(script: string, timeoutMs = 60_000): Run {
  const r = spawnSync('unshare', ['-Urm', 'sh', '-ec', script], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function sha(file: string): string {
  return require('crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The files that sit beside a database (SQLite's -wal, -shm, -journal, and the .lock of vigil before 0.2). */
export function sidecars(file: string): string[] {
  return ['-wal', '-shm', '-journal', '.lock'].map((s) => file + s).filter((p) => fs.existsSync(p));
}
