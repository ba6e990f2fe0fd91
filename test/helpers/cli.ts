import { spawn, SpawnOptions } from 'child_process';
import * as path from 'path';

/** The built CLI (npm test builds first). */
export const CLI = path.join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

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
