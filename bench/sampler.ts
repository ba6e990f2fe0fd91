/**
 * Sampler cost at +0, +300 and +1000 idle processes: CPU ms per 100 ms tick of the sampling process
 * (median of RUNS runs of DURATION each), for a full refresh every tick (--proc-interval 100) and for the
 * defaults, against a plain reference loop (stat + statm of every pid through kept fds); peak RSS of the
 * real `vigil sample` CLI at each load. For the defaults, also the floor: the reads of that schedule with
 * no parsing, in Node (sampler-child.ts `floor`) and in C (c/floor.c), which is what the kernel charges.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildFloor, fmt, idleProcesses, median, peakRss, runJson, sleep  } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const CHILD = path.join(__dirname, 'sampler-child.js');
const CLI = path.join(__dirname, '..', 'src', 'cli.js');
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 20_000);

interface Run {
  ticks: number;
  cpuMsPerTick: number;
  peakRss: number | null;
}

interface Figures {
  ref: number;
  full: number;
  defaults: number;
  floorNode: number;
  floorC: number | null;
}

/** One run of each mode, RUNS times over, interleaved: a noisy neighbour hits all modes alike. */
async function measureAll(floorExe: string | null): Promise<Figures> {
  const runs = { ref: [] as number[], full: [] as number[], defaults: [] as number[], floorNode: [] as number[], floorC: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    runs.ref.push((await runJson<Run>(CHILD, ['reference', '100', '100', String(DURATION_MS)])).cpuMsPerTick);
    runs.full.push((await runJson<Run>(CHILD, ['vigil', '100', '100', String(DURATION_MS)])).cpuMsPerTick);
    runs.defaults.push((await runJson<Run>(CHILD, ['vigil', '100', '1000', String(DURATION_MS)])).cpuMsPerTick);
    runs.floorNode.push((await runJson<Run>(CHILD, ['floor', '100', '1000', String(DURATION_MS)])).cpuMsPerTick);
    if (floorExe) runs.floorC.push((await runJson<Run>(floorExe, ['100', '1000', String(DURATION_MS), String(WARMUP_MS)], true)).cpuMsPerTick);
  }
  return {
    ref: median(runs.ref),
    full: median(runs.full),
    defaults: median(runs.defaults),
    floorNode: median(runs.floorNode),
    floorC: runs.floorC.length ? median(runs.floorC) : null,
  };
}

async function cliPeakRss(): Promise<number | null> {
  // The CLI itself, as `vigil` runs: its shebang carries the node flags.
  const c = spawn(CLI, ['sample', '--proc-interval', '100'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await sleep(Math.min(DURATION_MS, 10_000));
  const rss = peakRss(c.pid!);
  c.kill('SIGTERM');
  await new Promise((r) => c.on('close', r));
  return rss;
}

export async function benchSampler(): Promise<void> {
  console.log(`\n== sampler: CPU ms per 100 ms tick (median of ${RUNS} × ${DURATION_MS / 1000} s), peak RSS of vigil sample`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-floor-'));
  try {
    const floorExe = buildFloor(tmp);
    console.log('load    reference  full(100ms)  ratio  defaults  floor:node  floor:C  peakRSS(MB)');
    for (const extra of [0, 300, 1000]) {
      const kill = await idleProcesses(extra);
      try {
        const f = await measureAll(floorExe);
        const rss = await cliPeakRss();
        console.log(
          `+${String(extra).padEnd(6)} ${fmt(f.ref, 3).padStart(9)}  ${fmt(f.full, 3).padStart(11)}  ${fmt(f.full / f.ref).padStart(5)}  ` +
            `${fmt(f.defaults, 3).padStart(8)}  ${fmt(f.floorNode, 3).padStart(10)}  ${f.floorC === null ? '-'.padStart(7) : fmt(f.floorC, 3).padStart(7)}  ` +
            `${rss === null ? '-' : fmt(rss / 1e6, 1).padStart(11)}`,
        );
      } finally {
        kill();
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log('targets: full refresh at +1000 ≤ 1.2× reference; defaults at +300 ≤ 1 ms/tick; peak RSS ≤ 80 MB at +1000');
  console.log('floor: the reads of the defaults\' schedule alone, unparsed (system files every tick; readdir and each pid\'s schedstat every second)');
}

if (require.main === module) benchSampler().catch((e) => { console.error(e); process.exit(1); });
