/**
 * Shared by the shim tests: builds the shim and the C workload into a temp dir (nothing depends on
 * `npm install` having run), runs programs under the shim, and makes shim files by hand from layout.ts
 * (whose numbers layout.test.ts checks against native/vigil_shm.h).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  C,
  COUNTERS_OFF,
  DEST,
  DEST_OFF,
  DEST_SIZE,
  FLAG_ALLOC,
  HDR,
  NCOUNTERS,
  NDEST,
  NHIST,
  SHM_MAGIC_HI,
  SHM_MAGIC_LO,
  SHM_SIZE,
  SHM_VERSION,
} from '../../src/sampler/shim/layout';
import { ROOT } from './paths';

export { ROOT };

/** The C programs of these tests (in the source tree: tsc does not copy them to dist/). */
export const C_DIR = path.join(ROOT, 'test', 'system', 'shim', 'c');

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh 0700 directory (mkdtemp's mode), removed when the test process exits. */
export function tmpDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `vshim-${prefix}-`));
  made.push(d);
  return d;
}

export interface Built {
  dir: string;
  shim: string;
  shimAlloc: string;
  netprog: string;
}

/** Builds the shim (with native/build.js, as npm install does) and the workload program. */
export function buildAll(): Built {
  const dir = tmpDir('build');
  execFileSync(process.execPath, [path.join(ROOT, 'native', 'build.js'), '--out', dir, '--quiet'], { stdio: 'pipe' });
  const shim = path.join(dir, 'vigil-preload.so');
  const shimAlloc = path.join(dir, 'vigil-preload-alloc.so');
  if (!fs.existsSync(shim) || !fs.existsSync(shimAlloc)) throw new Error('native/build.js did not build the shim (is cc installed?)');
  const netprog = path.join(dir, 'netprog');
  execFileSync('cc', ['-O1', '-Wall', '-o', netprog, path.join(C_DIR, 'netprog.c'), '-pthread'], { stdio: 'pipe' });
  return { dir, shim, shimAlloc, netprog };
}

/** A program whose stdout lines can be awaited and whose stdin the test closes to let it exit. */
export class Prog {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.done = new Promise((res) => this.child.once('close', (code, signal) => res({ code, signal })));
    this.done.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves when `n` lines matching re have arrived; rejects after timeoutMs or if the program ends first. */
  async waitLines(re: RegExp, n: number, timeoutMs = 20000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    this.done.then(() => (exited = true));
    for (;;) {
      const got = this.lines.filter((l) => re.test(l));
      if (got.length >= n) return got;
      if (exited) throw new Error(`program ended before ${n} lines matching ${re}; stdout: ${this.lines.join('\\n')} stderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; stdout: ${this.lines.join('\\n')} stderr: ${this.stderr}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  send(line: string): void {
    this.child.stdin!.write(line);
  }

  finish(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin!.end();
    return this.done;
  }
}

export function shimEnv(shim: string, shimDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, LD_PRELOAD: shim, VIGIL_SHIM_DIR: shimDir, ...extra };
}

/** Start time (ticks after boot) of a live process, read independently of the code under test. */
export function startTimeOf(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[19]);
}

function putU64(b: Buffer, off: number, v: number | bigint): void {
  b.writeBigUInt64LE(BigInt(v), off);
}

export interface FakeDest {
  family: 2 | 10;
  addr: number[];
  port: number;
  flags?: number;
  tx_bytes?: number;
  rx_bytes?: number;
}

/** A shim file written by hand: what a valid file looks like, to be spoiled by the bogus-file tests. */
export function makeShimFile(opts: {
  pid: number;
  start: number;
  counters?: Record<number, number | bigint>;
  dests?: FakeDest[];
  alloc?: boolean;
  execPending?: boolean;
  pidns?: number;
}): Buffer {
  const b = Buffer.alloc(SHM_SIZE);
  b.writeUInt32LE(SHM_MAGIC_LO, HDR.magic);
  b.writeUInt32LE(SHM_MAGIC_HI, HDR.magic + 4);
  b.writeUInt32LE(SHM_VERSION, HDR.version);
  b.writeUInt32LE(SHM_SIZE, HDR.size);
  b.writeInt32LE(opts.pid, HDR.pid);
  b.writeUInt32LE(opts.alloc ? FLAG_ALLOC : 0, HDR.flags);
  putU64(b, HDR.start_time, opts.start);
  putU64(b, HDR.pidns, opts.pidns ?? 0);
  b.writeUInt32LE(NDEST, HDR.ndest);
  b.writeUInt32LE(NHIST, HDR.nhist);
  b.writeUInt32LE(COUNTERS_OFF, HDR.counters_off);
  b.writeUInt32LE(NCOUNTERS, HDR.ncounters);
  b.writeUInt32LE(DEST_OFF, HDR.dest_off);
  b.writeUInt32LE(opts.execPending ? 1 : 0, HDR.exec_pending);
  putU64(b, HDR.attaches, 1);
  for (const [k, v] of Object.entries(opts.counters ?? {})) putU64(b, COUNTERS_OFF + Number(k) * 8, v);
  (opts.dests ?? []).forEach((d, i) => {
    const o = DEST_OFF + i * DEST_SIZE;
    b.writeUInt32LE(2, o + DEST.state);
    b.writeUInt16LE(d.family, o + DEST.family);
    b.writeUInt16LE(d.port, o + DEST.port);
    Buffer.from(d.addr).copy(b, o + DEST.addr);
    b.writeUInt32LE(d.flags ?? 0, o + DEST.flags);
    putU64(b, o + DEST.tx_bytes, d.tx_bytes ?? 0);
    putU64(b, o + DEST.rx_bytes, d.rx_bytes ?? 0);
  });
  return b;
}

export { C };
