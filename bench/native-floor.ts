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
const FOREVER = String(365 * 86_400_000);

interface Tool {
  name: string;
  child: ChildProcess;
}

function start(name: string, cmd: string, args: string[]): Tool {
  return { name, child: spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, VIGIL_SAMPLER: 'native', BENCH_WARMUP_MS: '0' } }) };
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
        tools.push(start('C floor', floor, ['100', '100', FOREVER, '0']));
        tools.push(start("C floor, Sample's reads", floor, ['100', '100', FOREVER, '0', 'sample']));
        if (core !== null) tools.push(start('C core alone', core, ['100', '100', FOREVER, '0']));
        if (otherCore !== null) tools.push(start(`C core alone (${OTHER})`, otherCore, ['100', '100', FOREVER, '0']));
        tools.push(start('native', process.execPath, [path.join(__dirname, 'native-core-child.js'), 'native', '100', FOREVER]));
        if (OTHER !== null) tools.push(start(`native (${OTHER})`, process.execPath, [path.join(OTHER, 'bench', 'native-core-child.js'), 'native', '100', FOREVER]));
        await sleep(WARMUP_MS);
        const loadavg0 = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        const pct: number[][] = tools.map(() => []);
        let c0 = tools.map((x) => cpuMsOf(x.child.pid!));
        let t0 = Date.now();
        for (let w = 0; w < WINDOWS; w++) {
          await sleep(WINDOW_MS);
          const c1 = tools.map((x) => cpuMsOf(x.child.pid!));
          const t1 = Date.now();
          tools.forEach((_, i) => pct[i].push((100 * (c1[i] - c0[i])) / (t1 - t0)));
          c0 = c1;
          t0 = t1;
        }
        const loadavg = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        console.log(`\n+${load} idle processes (loadavg ${loadavg0} at the first window, ${loadavg} at the end)`);
        // Each tool's ratio to each floor (tools 0 and 1), per window, then the median.
        const against = (i: number, f: number, label: string): string => {
          const r = pct[i].map((p, w) => p / pct[f][w]);
          return `\n${''.padEnd(28)} ${fmt(median(r)).padStart(6)} x ${label} (median of the windows' ratios: ${r.map((v) => fmt(v)).join(' ')})`;
        };
        tools.forEach((x, i) => {
          console.log(
            `${x.name.padEnd(28)} ${fmt(median(pct[i])).padStart(6)} %   windows ${pct[i].map((p) => fmt(p)).join(' ')}` +
              (i === 0 ? '' : against(i, 0, 'C floor (reads alone)')) +
              (i <= 1 ? '' : against(i, 1, "C floor, Sample's reads")),
          );
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
