/**
 * `--on-alert CMD`: runs CMD, without a shell, with the breach as one line of JSON on stdin when a breach
 * starts and when it ends. It never blocks sampling: the command runs in its own process group, at most
 * MAX_RUNNING at a time (the rest queue, up to MAX_QUEUED; beyond that an event is dropped and noted), and
 * one still running after the timeout (10 s) is killed with its group. A command that cannot start, fails
 * (non-zero exit) or is killed is noted: in the alert log and in the TUI's list, or on stderr for record.
 *
 * CMD is split into words like a shell's simple command, and nothing else: words are separated by
 * blanks; '…' keeps everything inside as it is; "…" too, except that \" \\ \$ and \` stand for the
 * second character; outside quotes a backslash keeps the next character as it is. No variables, globs,
 * redirections, pipes or `;` — to get those, run `sh -c '…'` explicitly.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { usageError } from '../../infra/errors';
import type { BreachEvent } from './evaluator';

export const ON_ALERT_TIMEOUT_MS = 10_000;
const MAX_RUNNING = 4;
const MAX_QUEUED = 64;
const STDERR_KEEP = 2048;

/** Splits CMD into argv (see above). Throws a usage error for an empty command or an unclosed quote. */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw usageError(`--on-alert: unclosed ' in ${JSON.stringify(text)}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= n) throw usageError(`--on-alert: unclosed " in ${JSON.stringify(text)}`);
        const d = text[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < n && '"\\$`'.includes(text[i + 1])) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 < n) word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw usageError('--on-alert: empty command');
  return words;
}

/** Where PATH finds `cmd` (or cmd itself if it has a slash); null if nothing executable is there. */
export function findExecutable(cmd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const ok = (p: string): boolean => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) return ok(cmd) ? cmd : null;
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = path.join(dir === '' ? '.' : dir, cmd);
    if (ok(p)) return p;
  }
  return null;
}

/** Parses and checks --on-alert at startup, so a typo is a usage error now rather than a note at the first breach. */
export function parseOnAlert(text: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const argv = splitCommand(text);
  if (findExecutable(argv[0], env) === null) throw usageError(`--on-alert: '${argv[0]}' is not an executable file${argv[0].includes('/') ? '' : ' in PATH'}`);
  return argv;
}

export interface OnAlertOptions {
  argv: string[];
  /** Told about every failure, one line each. */
  onNote: (text: string) => void;
  timeoutMs?: number;
  maxRunning?: number;
  maxQueued?: number;
  /** Added to the JSON (which machine). */
  hostname?: string;
}

interface Job {
  payload: string;
  what: string;
}

/** The JSON line a command gets: the breach, the event, and the host. */
export function eventJson(ev: BreachEvent, hostname: string | undefined): string {
  return JSON.stringify({ event: ev.type, host: hostname ?? null, ...ev.breach }) + '\n';
}

export class OnAlertRunner {
  private readonly timeoutMs: number;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  private readonly queue: Job[] = [];
  private readonly running = new Set<ChildProcess>();
  private idle: (() => void)[] = [];
  /** Commands started, and how many failed (non-zero exit, killed, or could not start). */
  started = 0;
  failed = 0;

  constructor(private readonly opts: OnAlertOptions) {
    this.timeoutMs = opts.timeoutMs ?? ON_ALERT_TIMEOUT_MS;
    this.maxRunning = opts.maxRunning ?? MAX_RUNNING;
    this.maxQueued = opts.maxQueued ?? MAX_QUEUED;
  }

  /** Starts and ends run the command; updates do not. */
  event(ev: BreachEvent): void {
    if (ev.type === 'update') return;
    const b = ev.breach;
    const job = { payload: eventJson(ev, this.opts.hostname), what: `${ev.type} of '${b.rule}' on ${b.subject}` };
    if (this.running.size < this.maxRunning) return this.run(job);
    if (this.queue.length >= this.maxQueued) {
      this.failed++;
      this.opts.onNote(`--on-alert: ${this.maxQueued} events already waiting; dropped the ${job.what}`);
      return;
    }
    this.queue.push(job);
  }

  get busy(): number {
    return this.running.size + this.queue.length;
  }

  private run(job: Job): void {
    const [cmd, ...args] = this.opts.argv;
    const label = `--on-alert '${cmd}' (${job.what})`;
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    } catch (err) {
      this.failed++;
      this.opts.onNote(`${label}: cannot start: ${(err as Error).message}`);
      return this.next();
    }
    this.started++;
    this.running.add(child);
    let stderr = '';
    let killed = false;
    let done = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        // The whole group: a shell script's children go too.
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, this.timeoutMs);
    const finish = (why: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.running.delete(child);
      if (why !== null) {
        this.failed++;
        const last = stderr.trim().split('\n').pop() ?? '';
        this.opts.onNote(`${label}: ${why}${last ? `: ${last.slice(0, 200)}` : ''}`);
      }
      this.next();
    };
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += d.toString('utf8', 0, Math.min(d.length, STDERR_KEEP - stderr.length));
    });
    child.stdin?.on('error', () => {
      // A command that does not read its stdin (EPIPE) is not a failure in itself.
    });
    child.on('error', (err: NodeJS.ErrnoException) => finish(`cannot start (${err.code ?? err.message})`));
    child.on('close', (code, signal) => {
      if (killed) finish(`killed after ${this.timeoutMs >= 1000 ? `${this.timeoutMs / 1000} s` : `${this.timeoutMs} ms`} (still running)`);
      else if (signal !== null) finish(`killed by ${signal}`);
      else if (code !== 0) finish(`exited with status ${code}`);
      else finish(null);
    });
    child.stdin?.end(job.payload);
  }

  private next(): void {
    while (this.running.size < this.maxRunning && this.queue.length > 0) this.run(this.queue.shift() as Job);
    if (this.running.size === 0 && this.queue.length === 0) {
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }

  /**
   * At exit: waits up to `ms` for running and queued commands, then kills what is still running (noted)
   * and drops the queue.
   */
  async drain(ms: number): Promise<void> {
    if (this.busy === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (this.queue.length > 0) {
      this.opts.onNote(`--on-alert: vigil is stopping; ${this.queue.length} queued event(s) not run`);
      this.queue.length = 0;
    }
    for (const c of this.running) {
      try {
        if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
