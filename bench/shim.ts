/**
 * The shim's cost on a traced program: a 1-byte TCP ping-pong over loopback and a 64-byte UDP sendto
 * flood, each without the shim, with it, and (for comparison) with a shim that reports every call in a
 * UDP datagram. Prints medians of interleaved runs and the ratio (target ≤ 1.03×), then strace -c -f
 * syscall counts with and without the shim at two sizes, to show its extra syscalls do not grow with
 * the number of calls. Prints; asserts nothing.
 *
 *   node dist/bench/shim.js            (VIGIL_BENCH_RUNS=N for more or fewer runs, default 5)
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageRoot, shimLibraryPath } from '../src/sampler/shim/library';
import { ShimReader } from '../src/sampler/shim/reader';

interface Workload {
  label: string;
  mode: 'tcp' | 'udp';
  n: number;
  unit: string;
  /** Sizes for the strace comparison (strace -f slows every syscall by ~50x). */
  straceN: [number, number];
}

const WORKLOADS: Workload[] = [
  { label: 'TCP 1-byte ping-pong over loopback', mode: 'tcp', n: 200_000, unit: 'round trip', straceN: [10_000, 20_000] },
  { label: 'UDP 64-byte sendto flood', mode: 'udp', n: 1_000_000, unit: 'datagram', straceN: [50_000, 100_000] },
];

type Variant = 'without' | 'vigil shim' | 'datagram per call';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runOnce(exe: string, w: Workload, n: number, env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const out = execFileSync(exe, [w.mode, String(n)], { env, encoding: 'utf8' });
  const m = /loop_ns (\d+) cpu_ns (\d+)/.exec(out);
  if (!m) throw new Error(`unexpected output from netbench: ${out}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) };
}

/** strace -c summary: syscall name → calls. */
function straceCounts(exe: string, w: Workload, n: number, env: NodeJS.ProcessEnv, tmp: string): Map<string, number> {
  const out = path.join(tmp, `strace-${process.hrtime.bigint()}.txt`);
  // A fresh shim directory per run (a 1-in-64 sweep of a crowded one would add kill/unlinkat calls), and
  // the shim's variables for the traced program only (-E): strace itself must not run under it.
  const dir = fs.mkdtempSync(path.join(tmp, 'shm-'));
  const vars: NodeJS.ProcessEnv = env.LD_PRELOAD ? { LD_PRELOAD: env.LD_PRELOAD, VIGIL_SHIM_DIR: dir } : {};
  const only = Object.entries(vars).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
  const clean = { ...env, LD_PRELOAD: '', VIGIL_SHIM_DIR: '' };
  const r = spawnSync('strace', ['-c', '-f', ...only, '-o', out, exe, w.mode, String(n)], { env: clean, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strace failed: ${r.stderr}`);
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    // "% time  seconds  usecs/call  calls  [errors]  syscall"
    if (f.length < 5 || !/^[\d.]+$/.test(f[0]) || f[f.length - 1] === 'total') continue;
    counts.set(f[f.length - 1], Number(f[3]));
  }
  return counts;
}

function fmtS(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

/** vigil's side: one ShimReader.read() over many live shimmed processes (cat, blocked on its stdin). */
async function readerCost(shim: string, tmp: string): Promise<void> {
  const dir = path.join(tmp, 'reader');
  fs.mkdirSync(dir, { mode: 0o700 });
  const N = 200;
  const kids: ChildProcess[] = [];
  for (let i = 0; i < N; i++) {
    kids.push(spawn('/bin/cat', [], { env: { ...process.env, LD_PRELOAD: shim, VIGIL_SHIM_DIR: dir }, stdio: ['pipe', 'ignore', 'ignore'] }));
  }
  try {
    const reader = new ShimReader({ dirs: [{ path: dir, uid: process.geteuid ? process.geteuid() : 0 }] });
    let seen = 0;
    for (let i = 0; i < 200 && seen < N; i++) {
      seen = reader.read().procs.length;
      if (seen < N) await new Promise((r) => setTimeout(r, 20));
    }
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = process.hrtime.bigint();
      reader.read();
      times.push(Number(process.hrtime.bigint() - t0));
    }
    const med = median(times);
    console.log(`\nreader: ${seen} live shimmed processes, one read() of all: median ${(med / 1e6).toFixed(2)} ms (${(med / seen / 1000).toFixed(1)} µs per process; at 10 reads/s: ${((med * 10) / 1e7).toFixed(2)}% of a core)`);
    reader.close();
  } finally {
    for (const k of kids) k.stdin?.end();
    await Promise.all(kids.map((k) => new Promise((r) => (k.exitCode !== null ? r(null) : k.once('exit', r)))));
  }
}

export async function benchShim(): Promise<void> {
  const root = packageRoot();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vshim-bench-'));
  try {
    let shim = shimLibraryPath(false, root);
    if (!shim) {
      execFileSync(process.execPath, [path.join(root, 'native', 'build.js'), '--out', tmp, '--quiet']);
      shim = path.join(tmp, 'vigil-preload.so');
    }
    const exe = path.join(tmp, 'netbench');
    const dgram = path.join(tmp, 'datagram-shim.so');
    execFileSync('cc', ['-O2', '-o', exe, path.join(root, 'bench', 'c', 'netbench.c')]);
    execFileSync('cc', ['-O2', '-shared', '-fPIC', '-o', dgram, path.join(root, 'bench', 'c', 'datagram-shim.c'), '-ldl']);
    const shimDir = path.join(tmp, 'shm');
    fs.mkdirSync(shimDir, { mode: 0o700 });
    const envs: Record<Variant, NodeJS.ProcessEnv> = {
      without: { ...process.env, LD_PRELOAD: '' },
      'vigil shim': { ...process.env, LD_PRELOAD: shim, VIGIL_SHIM_DIR: shimDir },
      'datagram per call': { ...process.env, LD_PRELOAD: dgram },
    };
    const runs = Math.max(1, Number(process.env.VIGIL_BENCH_RUNS ?? 5) || 5);
    console.log(`shim: ${shim}`);
    console.log(
      `${runs} interleaved runs per variant; the program times its own loop: wall (CLOCK_MONOTONIC) and CPU ` +
        `(user+sys of its processes, less sensitive to other load); ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)} at start`,
    );
    for (const w of WORKLOADS) {
      const wall: Record<Variant, number[]> = { without: [], 'vigil shim': [], 'datagram per call': [] };
      const cpu: Record<Variant, number[]> = { without: [], 'vigil shim': [], 'datagram per call': [] };
      runOnce(exe, w, Math.floor(w.n / 10), envs.without); // warm-up: page cache, CPU frequency
      for (let r = 0; r < runs; r++) {
        for (const v of Object.keys(envs) as Variant[]) {
          const t = runOnce(exe, w, w.n, envs[v]);
          wall[v].push(t.wall);
          cpu[v].push(t.cpu);
        }
      }
      console.log(`\n${w.label}, ${w.n} ${w.unit}s:`);
      for (const [what, times] of [
        ['wall', wall],
        ['cpu', cpu],
      ] as const) {
        const base = median(times.without);
        const baseMin = Math.min(...times.without);
        for (const v of Object.keys(times) as Variant[]) {
          const med = median(times[v]);
          const lo = Math.min(...times[v]);
          const hi = Math.max(...times[v]);
          const ratio =
            v === 'without'
              ? ''
              : `  ratio ${(med / base).toFixed(3)}x median, ${(lo / baseMin).toFixed(3)}x best (${((med - base) / w.n).toFixed(0)} ns per ${w.unit})`;
          console.log(`  ${what.padEnd(4)} ${v.padEnd(18)} median ${fmtS(med)}  [${fmtS(lo)} .. ${fmtS(hi)}]  ${(med / w.n).toFixed(0)} ns/${w.unit}${ratio}`);
        }
      }
    }

    await readerCost(shim, tmp);

    const hasStrace = spawnSync('strace', ['-V']).status === 0;
    if (!hasStrace) {
      console.log('\nstrace not installed: syscall comparison skipped');
      return;
    }
    console.log('\nstrace -c -f: syscalls with the shim minus without (all processes of the run)');
    for (const w of WORKLOADS) {
      const extras: string[] = [];
      const totals: number[] = [];
      for (const n of w.straceN) {
        const a = straceCounts(exe, w, n, envs.without, tmp);
        const b = straceCounts(exe, w, n, envs['vigil shim'], tmp);
        const names = new Set([...a.keys(), ...b.keys()]);
        const diff: string[] = [];
        let total = 0;
        for (const name of [...names].sort()) {
          const d = (b.get(name) ?? 0) - (a.get(name) ?? 0);
          if (d !== 0) diff.push(`${name} ${d > 0 ? '+' : ''}${d}`);
          total += d;
        }
        const main = w.mode === 'tcp' ? ['sendto', 'recvfrom'] : ['sendto'];
        const same = main.every((s) => a.get(s) === b.get(s));
        totals.push(total);
        extras.push(
          `  ${w.label}, ${n} ${w.unit}s: ${main.map((s) => `${s} ${a.get(s) ?? 0} vs ${b.get(s) ?? 0}`).join(', ')}${same ? ' (equal)' : ' (DIFFERENT)'}; extra: ${total} [${diff.join(', ') || 'none'}]`,
        );
      }
      for (const e of extras) console.log(e);
      const perCall = (totals[1] - totals[0]) / (w.straceN[1] - w.straceN[0]);
      console.log(
        `  => extra syscalls per ${w.unit}: ${perCall.toFixed(4)} from the totals; the I/O calls themselves are identical. ` +
          'The extras are per process: attach, the fork child\'s file, classifying an fd it did not see created.',
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchShim().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
