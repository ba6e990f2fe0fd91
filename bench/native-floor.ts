/**
 * `npm run bench -- native-floor`: issue 16's "native sampler at a full refresh / C reference loop" alone,
 * with enough windows to resolve a few percent. At each of BENCH_LOADS idle processes, these run at once
 * and are measured over the same windows (CPU % of one core from /proc/PID/stat, utime + stime):
 *   C floor      bench/c/floor.c at a full refresh: the reads alone, unparsed (one schedstat per pid)
 *   C floor, Sample's reads   floor.c "sample": the reads vigil's Sample needs (threads of processes that
 *                ran, the 5 s idle stat check, status/io/cmdline when due), unparsed
 *   C core       bench/c/core-alone.c: the native core's own tiers (native/sampler) driven from C, no Node
 *   native       the native Sampler alone (bench/native-core-child.ts) at --proc-interval 100
 *   other        with BENCH_OTHER_DIST=/path/to/dist: that build's native-core-child.js and its C core
 *                alone (from the native/ beside that dist), side by side
 * Each window's ratio to each floor is taken within the window; the figures are medians over the windows.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildFloor, cpuMsOf, fmt, idleProcesses, median, sleep } from './util';

const WINDOWS = Number(process.env.BENCH_RUNS ?? 7);
const WINDOW_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 40_000);
const LOADS = (process.env.BENCH_LOADS ?? '0,300,1000').split(',').map(Number);
const OTHER = process.env.BENCH_OTHER_DIST ?? null;
/*
 * Each tool also measures itself over its own warm-up and a span a little longer than the windows, and
 * prints its CPU ms per tick: on a loaded machine a starved tool does fewer ticks in a window, which the
 * CPU % of the windows does not see and the per-tick figure does (the C loops catch up on missed ticks).
 */
const SELF_MS = String(WINDOWS * WINDOW_MS + 3_000);

interface Tool {
  name: string;
  child: ChildProcess;
  /** The tool's own {"ticks","cpuMsPerTick"} line, once it has exited. */
  report: Promise<{ ticks: number; cpuMsPerTick: number } | null>;
}

function start(name: string, cmd: string, args: string[]): Tool {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, VIGIL_SAMPLER: 'native', BENCH_WARMUP_MS: String(WARMUP_MS) } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const report = new Promise<{ ticks: number; cpuMsPerTick: number } | null>((resolve) => {
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        resolve(null);
      }
    });
  });
  return { name, child, report };
}

/** The median of the windows a tool was alive for. */
const med = (xs: number[]): number => median(xs.filter((v) => Number.isFinite(v)));

/** Process CPU ms, or null once it has gone (a tool that ended its own span a little early). */
function cpuMsOrNull(pid: number): number | null {
  try {
    return cpuMsOf(pid);
  } catch {
    return null;
  }
}

/**
 * bench/c/core-alone.c with the core's sources (no N-API) of the checkout at root into dir/name, or null
 * (with a line saying why).
 */
function buildCoreAlone(dir: string, root = path.join(__dirname, '..', '..'), name = 'core-alone'): string | null {
  const core = path.join(root, 'native', 'sampler');
  // The system and process tiers and what they use; addon.c (N-API) is what this leaves out.
  const sources = ['system.c', 'procs.c', 'listing.c', 'pidfiles.c', 'threads.c', 'kept.c', 'text.c'].map((f) => path.join(core, f));
  const exe = path.join(dir, name);
  try {
    execFileSync('cc', ['-O2', '-o', exe, path.join(root, 'bench', 'c', 'core-alone.c'), ...sources], { stdio: ['ignore', 'ignore', 'pipe'] });
    return exe;
  } catch (e) {
    console.log(`(the C core alone is left out: it did not build: ${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}

export async function benchNativeFloor(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-nfloor-'));
  const floor = buildFloor(tmp);
  if (floor === null) return;
  const core = buildCoreAlone(tmp);
  // The other build's core alone, from its sources (dist's parent), with this checkout's driver.
  const otherCore = OTHER !== null ? buildCoreAlone(tmp, path.join(OTHER, '..'), 'core-alone-other') : null;
  console.log(`\n== native-floor: CPU % of one core, all at once; median of ${WINDOWS} windows of ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s`);
  try {
    for (const load of LOADS) {
      const stop = await idleProcesses(load);
      const tools: Tool[] = [];
      try {
        const c = ['100', '100', SELF_MS, String(WARMUP_MS)];
        tools.push(start('C floor', floor, c));
        tools.push(start("C floor, Sample's reads", floor, [...c, 'sample']));
        if (core !== null) tools.push(start('C core alone', core, c));
        if (otherCore !== null) tools.push(start(`C core alone (${OTHER})`, otherCore, c));
        tools.push(start('native', process.execPath, [path.join(__dirname, 'native-core-child.js'), 'native', '100', SELF_MS]));
        if (OTHER !== null) tools.push(start(`native (${OTHER})`, process.execPath, [path.join(OTHER, 'bench', 'native-core-child.js'), 'native', '100', SELF_MS]));
        await sleep(WARMUP_MS);
        const loadavg0 = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        const pct: number[][] = tools.map(() => []);
        let c0 = tools.map((x) => cpuMsOrNull(x.child.pid!));
        let t0 = Date.now();
        for (let w = 0; w < WINDOWS; w++) {
          await sleep(WINDOW_MS);
          const c1 = tools.map((x) => cpuMsOrNull(x.child.pid!));
          const t1 = Date.now();
          tools.forEach((_, i) => pct[i].push(c0[i] === null || c1[i] === null ? NaN : (100 * (c1[i]! - c0[i]!)) / (t1 - t0)));
          c0 = c1;
          t0 = t1;
        }
        const loadavg = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        console.log(`\n+${load} idle processes (loadavg ${loadavg0} at the first window, ${loadavg} at the end)`);
        // Each tool's ratio to each floor (tools 0 and 1), per window, then the median.
        const against = (i: number, f: number, label: string): string => {
          const r = pct[i].map((p, w) => p / pct[f][w]);
          return `\n${''.padEnd(28)} ${fmt(med(r)).padStart(6)} x ${label} (median of the windows' ratios: ${r.map((v) => fmt(v)).join(' ')})`;
        };
        tools.forEach((x, i) => {
          console.log(
            `${x.name.padEnd(28)} ${fmt(med(pct[i])).padStart(6)} %   windows ${pct[i].map((p) => fmt(p)).join(' ')}` +
              (i === 0 ? '' : against(i, 0, 'C floor (reads alone)')) +
              (i <= 1 ? '' : against(i, 1, "C floor, Sample's reads")),
          );
        });
        const reports = await Promise.all(tools.map((x) => Promise.race([x.report, sleep(60_000).then(() => null)])));
        console.log(`CPU ms per tick, each over its own ${SELF_MS} ms after its warm-up (ticks done; ratio to the C floor / to the C floor of the Sample's reads):`);
        tools.forEach((x, i) => {
          const r = reports[i];
          const per = (f: number): string => (r && reports[f] ? fmt(r.cpuMsPerTick / reports[f]!.cpuMsPerTick) : '-');
          console.log(`  ${x.name.padEnd(28)} ${r ? `${r.cpuMsPerTick.toFixed(3).padStart(7)} ms (${r.ticks} ticks)` : 'no report'}   ${per(0)} x / ${per(1)} x`);
        });
      } finally {
        for (const x of tools) x.child.kill('SIGKILL');
        stop();
      }
    }
    console.log('target (issue 16): native / C floor <= 1.3 at +1000 (against both floors above: the reads alone, and the reads the Sample needs)');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) benchNativeFloor().catch((e) => { console.error(e); process.exit(1); });
