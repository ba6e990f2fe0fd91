import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as path from 'path';
import { ROOT } from '../paths';

/** A child speaking JSON lines on stdout; `next()` waits for the next object matching a key. */
export class JsonChild {
  readonly proc: ChildProcess;
  private buf = '';
  private readonly queue: Record<string, unknown>[] = [];
  private waiter: (() => void) | null = null;
  stderr = '';
  exited: number | null = null;

  constructor(cmd: string, args: string[], opts: SpawnOptions = {}) {
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    this.proc.stdout?.setEncoding('utf8');
    this.proc.stdout?.on('data', (d: string) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        try {
          this.queue.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.stderr += `(stdout) ${line}\n`;
        }
      }
      this.waiter?.();
    });
    this.proc.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code) => {
      this.exited = code ?? -1;
      this.waiter?.();
    });
  }

  async next(key: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((o) => key in o || 'error' in o);
      if (i >= 0) {
        const o = this.queue.splice(i, 1)[0];
        if ('error' in o && !(key in o)) throw new Error(`child error: ${String(o.error)}\n${this.stderr}`);
        return o;
      }
      if (this.exited !== null) throw new Error(`child exited (${this.exited}) before "${key}"\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for "${key}"\n${this.stderr}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(timer);
          r();
        };
      });
      this.waiter = null;
    }
  }

  send(line: string): void {
    this.proc.stdin?.write(line + '\n');
  }

  kill(): void {
    if (this.exited === null) this.proc.kill('SIGKILL');
  }
}

/** Plain JavaScript, kept in the source tree (tsc does not copy it to dist/). */
export const TCP_CLIENT = path.join(ROOT, 'test', 'helpers', 'conns', 'tcp-client.js');

/** Node flags that let a child run TypeScript the way tap runs this test (ts-node through tap's loader). */
export function tsNodeArgs(): string[] {
  return process.execArgv.filter((a) => a.includes('@tapjs/typescript') || a === '--enable-source-maps');
}
