/**
 * `npm run bench -- frame`: the frame path of the live TUI alone, vigil at its defaults in a 200x50 pty
 * whose output is read (and counted) as a terminal would. Per run, over the window after a warm-up:
 *   cpu %    CPU of the whole process (every thread), % of one core, from /proc/PID/stat
 *   main %   of its main thread alone, from /proc/PID/task/PID/stat
 *   gc ms/min  time in garbage collection, from bench/probe.ts loaded into the child
 *   out B/s  bytes written to the terminal
 *   rss MB   resident at the end
 * Variants run interleaved (A B A B ...), BENCH_FRAME_RUNS times each; medians are printed.
 *   BENCH_FRAME_CLIS=name=path/cli.js[@writer],...   builds to compare (default: this one), each
 *                                           with a VIGIL_TTY_WRITER of its own if given
 *   BENCH_FRAME_WRITERS=nonblock,ring       VIGIL_TTY_WRITER values to compare (default: the default)
 *   BENCH_FRAME_ARGS="--proc-interval 100"  extra vigil arguments
 *   BENCH_FRAME_MS, BENCH_FRAME_WARMUP_MS   window and warm-up (default 10 s and 8 s)
 *   BENCH_FRAME_PROF=DIR                    a CPU profile per run and thread (node --cpu-prof), top self
 *                                           times after the warm-up printed
 *   BENCH_FRAME_ALLOC=DIR                   a sampling allocation profile of the window per run, top sites
 *   BENCH_FRAME_STALL_MS=N                  then stop reading the pty until it is full and N ms more: /proc
 *                                           reads and CPU during the stall, bytes written, RSS growth, and
 *                                           how soon vigil writes again once the pty is read
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pty from 'node-pty';
import { summarise } from './profile-summary';
import { cpuMsOf, fmt, median, sleep } from './util';

const MS = Number(process.env.BENCH_FRAME_MS ?? 10_000);
const WARMUP_MS = Number(process.env.BENCH_FRAME_WARMUP_MS ?? 8_000);
const RUNS = Number(process.env.BENCH_FRAME_RUNS ?? 3);
const STALL_MS = Number(process.env.BENCH_FRAME_STALL_MS ?? 0);
const PROF = process.env.BENCH_FRAME_PROF;
const ALLOC = process.env.BENCH_FRAME_ALLOC;
const ARGS = (process.env.BENCH_FRAME_ARGS ?? '').split(' ').filter((a) => a !== '');
const PROBE = path.join(__dirname, 'probe.js');

interface Variant {
  name: string;
  cli: string;
  env: NodeJS.ProcessEnv;
}

interface Run {
  cpu: number;
  /** The main thread alone (sampling, frames, and since the non-blocking writer, the write(2)s). */
  mainCpu: number;
  gcPerMin: number;
  outPerS: number;
  rssMb: number;
  stall?: { fullMs: number; readPerS: number; readBeforePerS: number; writtenInStall: number; cpu: number; rssGrowMb: number; resumeMs: number };
  profiles?: string[];
}

function variants(): Variant[] {
  const clis = (process.env.BENCH_FRAME_CLIS ?? `vigil=${path.join(__dirname, '..', 'src', 'cli.js')}`).split(',').map((s) => {
    const [name, spec] = s.includes('=') ? s.split('=') : [path.basename(path.dirname(path.dirname(path.dirname(s)))), s];
    const [cli, writer] = spec.split('@');
    return { name, cli, env: writer ? { VIGIL_TTY_WRITER: writer } : {} };
  });
  const writers = (process.env.BENCH_FRAME_WRITERS ?? '').split(',').filter((w) => w !== '');
  if (writers.length === 0) return clis;
  return clis.flatMap((c) => writers.map((w) => ({ name: `${c.name}/${w}`, cli: c.cli, env: { VIGIL_TTY_WRITER: w } })));
}

function io(pid: number): { rchar: number; wchar: number } {
  const s = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  return { rchar: Number(/rchar: (\d+)/.exec(s)![1]), wchar: Number(/wchar: (\d+)/.exec(s)![1]) };
}

/** CPU time of a process's main thread so far, ms (its task has the process's id). */
function mainCpuMs(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function gcProbe(pid: number, file: string): Promise<{ ms: number; t: number }> {
  fs.rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50 && !fs.existsSync(file); i++) await sleep(20);
  await sleep(20);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { ms: number; t: number };
}

async function once(v: Variant, tmp: string, k: number): Promise<Run> {
  const probeFile = path.join(tmp, `gc-${k}.json`);
  const profDir = PROF ? path.join(PROF, `${v.name.replace(/\W/g, '_')}-${k}`) : null;
  const allocFile = ALLOC ? path.join(ALLOC, `${v.name.replace(/\W/g, '_')}-${k}.heapprofile`) : null;
  const alloc = allocFile ? { VIGIL_ALLOC_PROBE: allocFile, VIGIL_ALLOC_PROBE_AFTER_MS: String(WARMUP_MS), VIGIL_ALLOC_PROBE_MS: String(MS - 500) } : {};
  if (ALLOC) fs.mkdirSync(ALLOC, { recursive: true });
  const node = ['-r', PROBE, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];
  const p = pty.spawn(process.execPath, [...node, v.cli, ...ARGS], {
    name: 'xterm-256color',
    cols: 200,
    rows: 50,
    env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', VIGIL_GC_PROBE: probeFile, ...alloc, ...v.env } as { [k: string]: string },
  });
  let bytes = 0;
  p.onData((d) => (bytes += Buffer.byteLength(d)));
  const exited = new Promise<void>((r) => p.onExit(() => r()));
  try {
    await sleep(WARMUP_MS);
    const g0 = await gcProbe(p.pid, probeFile);
    const c0 = cpuMsOf(p.pid);
    const m0 = mainCpuMs(p.pid);
    const b0 = bytes;
    const t0 = Date.now();
    await sleep(MS);
    const g1 = await gcProbe(p.pid, probeFile);
    const wall = Date.now() - t0;
    const run: Run = {
      cpu: (100 * (cpuMsOf(p.pid) - c0)) / wall,
      mainCpu: (100 * (mainCpuMs(p.pid) - m0)) / wall,
      gcPerMin: ((g1.ms - g0.ms) * 60_000) / (g1.t - g0.t),
      outPerS: ((bytes - b0) * 1000) / wall,
      rssMb: rssMb(p.pid),
    };
    if (STALL_MS > 0) run.stall = await stall(p);
    if (profDir) {
      p.write('q');
      await Promise.race([exited, sleep(5000)]);
      run.profiles = fs.existsSync(profDir) ? fs.readdirSync(profDir).filter((x) => x.endsWith('.cpuprofile')).sort().map((x) => path.join(profDir, x)) : [];
    }
    if (allocFile && fs.existsSync(allocFile)) (run.profiles ??= []).push(allocFile);
    return run;
  } finally {
    try {
      p.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}

/**
 * The pty stops being read: how long until it is full (vigil's writes stop), then over STALL_MS whether
 * sampling goes on (/proc bytes read per second, against before), the CPU it costs, how much memory
 * grows; and once the pty is read again, how long until vigil writes again.
 */
async function stall(p: pty.IPty): Promise<NonNullable<Run['stall']>> {
  const a0 = io(p.pid);
  await sleep(1000);
  const a1 = io(p.pid);
  const rss0 = rssMb(p.pid);
  const f0 = Date.now();
  (p as unknown as { pause(): void }).pause();
  for (;;) {
    const w = io(p.pid).wchar;
    await sleep(500);
    if (io(p.pid).wchar - w < 100 || Date.now() - f0 > 60_000) break;
  }
  const fullMs = Date.now() - f0;
  const s0 = io(p.pid);
  const c0 = cpuMsOf(p.pid);
  const t0 = Date.now();
  await sleep(STALL_MS);
  const s1 = io(p.pid);
  const secs = (Date.now() - t0) / 1000;
  const cpu = (100 * (cpuMsOf(p.pid) - c0)) / (secs * 1000);
  const rss1 = rssMb(p.pid);
  const r0 = Date.now();
  (p as unknown as { resume(): void }).resume();
  while (io(p.pid).wchar - s1.wchar < 1000 && Date.now() - r0 < 5000) await sleep(2);
  return {
    fullMs,
    readBeforePerS: a1.rchar - a0.rchar,
    readPerS: (s1.rchar - s0.rchar) / secs,
    writtenInStall: s1.wchar - s0.wchar,
    cpu,
    rssGrowMb: rss1 - rss0,
    resumeMs: Date.now() - r0,
  };
}

export async function benchFrame(): Promise<void> {
  const vs = variants();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-frame-'));
  const runs = new Map<string, Run[]>(vs.map((v) => [v.name, []]));
  console.log(`\n== frame path: vigil ${ARGS.join(' ') || 'defaults'} in a 200x50 pty, ${MS / 1000} s after ${WARMUP_MS / 1000} s warm-up, ${RUNS} interleaved runs`);
  let k = 0;
  for (let i = 0; i < RUNS; i++) {
    for (const v of vs) {
      const r = await once(v, tmp, k++);
      runs.get(v.name)!.push(r);
      const x = r.stall;
      const st = x ? `\n    stall: full after ${x.fullMs} ms; then /proc read ${fmt(x.readPerS / 1e3, 0)} kB/s (before ${fmt(x.readBeforePerS / 1e3, 0)}), cpu ${fmt(x.cpu)} %, wrote ${x.writtenInStall} B, rss +${fmt(x.rssGrowMb, 1)} MB; writing again ${x.resumeMs} ms after the pty is read` : '';
      console.log(`  ${v.name.padEnd(16)} cpu ${fmt(r.cpu)} % (main ${fmt(r.mainCpu)})  gc ${fmt(r.gcPerMin, 0)} ms/min  out ${fmt(r.outPerS / 1e3, 1)} kB/s  rss ${fmt(r.rssMb, 0)} MB${st}`);
    }
  }
  console.log('median            cpu %   main %   gc ms/min   out kB/s   rss MB');
  const base = median(runs.get(vs[0].name)!.map((r) => r.cpu));
  for (const v of vs) {
    const rs = runs.get(v.name)!;
    const m = (f: (r: Run) => number): number => median(rs.map(f));
    console.log(`  ${v.name.padEnd(16)} ${fmt(m((r) => r.cpu)).padStart(5)}  ${fmt(m((r) => r.mainCpu)).padStart(6)}  ${fmt(m((r) => r.gcPerMin), 0).padStart(9)}  ${fmt(m((r) => r.outPerS) / 1e3, 1).padStart(9)}  ${fmt(m((r) => r.rssMb), 0).padStart(7)}   ×${fmt(m((r) => r.cpu) / base)} of ${vs[0].name}`);
  }
  for (const v of vs) {
    for (const file of runs.get(v.name)!.filter((r) => r.profiles).pop()?.profiles ?? []) {
      console.log(`\n-- ${v.name}: ${file}`);
      for (const l of summarise(file, 25, WARMUP_MS)) console.log(`  ${l}`);
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (require.main === module) benchFrame().catch((e) => { console.error(e); process.exit(1); });
