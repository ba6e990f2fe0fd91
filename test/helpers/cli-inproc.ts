/**
 * `vigil ARGS` run inside the test process: src/cli.ts's run(), the very code the bin runs, with what it
 * writes to stdout and stderr captured and process.exit() ending the run. A spawn costs a node start, the
 * CLI's module loading and tap's per-process hooks (about half a second on a busy 2-core machine); a
 * validation matrix of 30 cases is then 15 s of starting processes that check nothing more.
 *
 * For commands that read, print or refuse: usage errors, --help, export, alerts, bad recordings. Never
 * for what runs on (the TUI, record, serve, sample without --count) or what signals test: spawn those
 * (test/helpers/cli.ts). Each file that uses this keeps at least one real spawn of the same command and
 * exit code as the end-to-end proof.
 *
 * As in the real process, nothing the run writes after process.exit() counts, and the exit code is
 * process.exit's argument, else process.exitCode, else 0. Runs are one at a time (they share process.*).
 */
import * as path from 'path';
import type { RunResult } from './cli';
import { ROOT } from './paths';

/** Thrown by the stand-in process.exit: it unwinds the run as the real exit would end the process. */
class ExitCalled extends Error {}

const SRC = path.join(ROOT, 'dist', 'src') + path.sep;
const YARGS = `${path.sep}node_modules${path.sep}yargs${path.sep}`;

/**
 * Whether vigil's code (or yargs, printing help) is on the stack: tap writes its own output to the same
 * process.stdout, and such writes pass through untouched.
 */
function fromVigil(): boolean {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, callSites) => callSites;
  Error.stackTraceLimit = 50;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  return sites.some((c) => {
    const f = c.getFileName() ?? '';
    return f.startsWith(SRC) || f.includes(YARGS);
  });
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `vigil ARGS` in-process; `env` replaces process.env for the run, as a spawn's env would. */
export function vigilIn(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const r = queue.then(() => runOnce(args, opts.env));
  queue = r.catch(() => undefined);
  return r;
}

async function runOnce(args: string[], env: NodeJS.ProcessEnv | undefined): Promise<RunResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { run } = require('../../src/cli') as typeof import('../../src/cli');
  const out = { stdout: '', stderr: '' };
  let code: number | null = null;
  const realExit = process.exit;
  const realExitCode = process.exitCode;
  const savedEnv = { ...process.env };
  const listeners = { stdout: process.stdout.listeners('error'), stderr: process.stderr.listeners('error') };
  const restores: (() => void)[] = [];

  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const real = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, enc?: unknown, cb?: unknown): boolean {
      // eslint-disable-next-line prefer-rest-params
      if (!fromVigil()) return (real as (...a: unknown[]) => boolean).apply(this, arguments as unknown as unknown[]);
      if (code === null) out[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8');
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    } as typeof stream.write;
    restores.push(() => {
      stream.write = real;
      for (const l of stream.listeners('error')) if (!listeners[name].includes(l)) stream.removeListener('error', l as (...a: unknown[]) => void);
    });
  }
  process.exit = ((c?: number | string | null) => {
    if (code === null) code = Number(c ?? process.exitCode ?? 0);
    throw new ExitCalled();
  }) as typeof process.exit;
  if (env) {
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  }
  process.exitCode = undefined;
  try {
    await run(args);
    // What the real process would still do before its event loop runs dry.
    await new Promise((r) => setImmediate(r));
  } catch (err) {
    if (!(err instanceof ExitCalled)) throw err;
  } finally {
    if (code === null) code = Number(process.exitCode ?? 0);
    process.exit = realExit;
    process.exitCode = realExitCode;
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    for (const r of restores) r();
  }
  return { code, signal: null, stdout: out.stdout, stderr: out.stderr };
}
