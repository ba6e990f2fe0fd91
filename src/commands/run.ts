/**
 * `vigil run [--alloc] -- CMD ARGS...`: starts CMD with the LD_PRELOAD shim, so that it and every process
 * it starts count their socket traffic (and, with --alloc, their heap) into files vigil reads
 * (src/sampler/shim/reader.ts). This module owns the child process only: the TUI's follow view or a
 * recording is wired around startRun() by the CLI.
 */
import { ChildProcess, spawn, StdioOptions } from 'child_process';
import * as os from 'os';
import { EXIT, usageError, VigilError } from '../infra/errors';
import { runShimDir } from '../sampler/shim/dirs';
import { shimLibraryPath } from '../sampler/shim/library';

export interface RunOptions {
  /** The --alloc variant of the shim (malloc family counted). */
  alloc?: boolean;
  /** The shim to preload; default: the built one (shimLibraryPath). null: run without a shim. */
  shimPath?: string | null;
  /** The directory the shim writes to; default: runShimDir(env), where the reader looks by default. */
  shimDir?: string;
  /** The environment CMD starts from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** CMD's stdio (default 'inherit'; a TUI will want to redirect it). */
  stdio?: StdioOptions;
  cwd?: string;
  /** Signals vigil passes on to CMD while it runs (default: forwardedSignals()). */
  forward?: NodeJS.Signals[];
  /** One-line notices (the shim is missing or unusable). Default: stderr. */
  warn?: (message: string) => void;
}

export interface RunHandle {
  /** CMD's pid: the root of the follow view. */
  pid: number;
  child: ChildProcess;
  /** The shim CMD runs with, or null when it runs without one. */
  shimPath: string | null;
  shimDir: string;
  /** CMD's exit code, or 128 + N when signal N killed it. Signal forwarding stops when it settles. */
  exited: Promise<number>;
}

/**
 * Signals vigil passes on. SIGINT and SIGQUIT only without a terminal on stdin: from a terminal, Ctrl-C
 * and Ctrl-\ already reach CMD (same foreground process group), and forwarding would deliver them twice.
 */
export function forwardedSignals(stdinIsTTY: boolean = process.stdin.isTTY === true): NodeJS.Signals[] {
  const sigs: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
  if (!stdinIsTTY) sigs.push('SIGINT', 'SIGQUIT');
  return sigs;
}

/** ld.so splits LD_PRELOAD on spaces and colons and has no escape for either. */
export function preloadable(p: string): boolean {
  return p.startsWith('/') && !/[\s:]/.test(p);
}

/** A vigil shim of any variant or install (vigil run inside a shell that vigil run started). */
const VIGIL_SHIM_RE = /(^|\/)vigil-preload(-alloc)?\.so$/;

/**
 * CMD's environment: the shim appended to any LD_PRELOAD already there (replacing a vigil shim already in
 * it: two copies would each count every call), and the directory it writes to.
 */
export function runEnv(base: NodeJS.ProcessEnv, shimPath: string | null, shimDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, VIGIL_SHIM_DIR: shimDir };
  if (shimPath !== null) {
    const existing = (base.LD_PRELOAD ?? '').trim();
    const parts = existing.split(/[\s:]+/).filter((s) => s !== '' && !VIGIL_SHIM_RE.test(s));
    parts.push(shimPath);
    env.LD_PRELOAD = parts.join(':');
  }
  return env;
}

/** 128 + N for a death by signal N, as shells report it. */
export function exitCodeFrom(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? os.constants.signals[signal] : undefined;
  return typeof n === 'number' ? 128 + n : EXIT.RUNTIME;
}

/** The path `vigil run --print-preload` prints: for LD_PRELOAD of programs started elsewhere. */
export function preloadPath(alloc: boolean): string {
  const p = shimLibraryPath(alloc);
  if (p === null) {
    throw new VigilError(
      "the LD_PRELOAD shim is not built (there was no C compiler when vigil was installed; 'npm run build:native' builds it)",
      EXIT.RUNTIME,
    );
  }
  if (!preloadable(p)) throw new VigilError(`the shim's path cannot go in LD_PRELOAD (it has a space or colon): ${p}`, EXIT.RUNTIME);
  return p;
}

export function printPreload(alloc: boolean, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${preloadPath(alloc)}\n`);
}

/**
 * Starts CMD. Resolves once it is running; rejects with a VigilError when it cannot start (127: not
 * found, 126: not executable, as shells say). Never rejects after that: `exited` carries the outcome.
 */
export function startRun(argv: string[], opts: RunOptions = {}): Promise<RunHandle> {
  if (argv.length === 0 || argv[0] === '') return Promise.reject(usageError('vigil run needs a command: vigil run -- CMD ARGS...'));
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`vigil: ${m}\n`));
  const base = opts.env ?? process.env;
  let shim = opts.shimPath === undefined ? shimLibraryPath(opts.alloc === true) : opts.shimPath;
  if (opts.shimPath === undefined && shim === null) {
    warn("the LD_PRELOAD shim is not built (no C compiler at install): running without per-process network counters");
  }
  if (shim !== null && !preloadable(shim)) {
    warn(`the shim's path cannot go in LD_PRELOAD (space or colon): ${shim}; running without it`);
    shim = null;
  }
  const shimDir = opts.shimDir ?? runShimDir(base);
  const env = runEnv(base, shim, shimDir);
  const child = spawn(argv[0], argv.slice(1), { env, stdio: opts.stdio ?? 'inherit', cwd: opts.cwd });
  const signals = opts.forward ?? forwardedSignals();
  const handlers = new Map<NodeJS.Signals, () => void>();

  const stopForwarding = (): void => {
    for (const [sig, h] of handlers) process.off(sig, h);
    handlers.clear();
  };
  // Listening from the start: an exit is never missed, however fast CMD is.
  const exited = new Promise<number>((res) => {
    child.once('exit', (code, signal) => {
      stopForwarding();
      res(exitCodeFrom(code, signal));
    });
  });

  return new Promise((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      stopForwarding();
      if (err.code === 'ENOENT') reject(new VigilError(`${argv[0]}: command not found`, 127));
      else if (err.code === 'EACCES') reject(new VigilError(`${argv[0]}: permission denied`, 126));
      else reject(new VigilError(`cannot start ${argv[0]}: ${err.message}`, 126));
    });
    child.once('spawn', () => {
      for (const sig of signals) {
        const h = (): void => {
          try {
            child.kill(sig);
          } catch {
            // It exited between the signal and now: nothing to pass on to.
          }
        };
        handlers.set(sig, h);
        process.on(sig, h);
      }
      resolve({ pid: child.pid as number, child, shimPath: shim, shimDir, exited });
    });
  });
}

/** Headless `vigil run`: starts CMD and resolves with its exit code. */
export async function runCommand(argv: string[], opts: RunOptions = {}): Promise<number> {
  const h = await startRun(argv, opts);
  return h.exited;
}
