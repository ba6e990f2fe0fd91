/**
 * Sampler cost at +0, +300 and +1000 idle processes: CPU ms per 100 ms tick of the sampling process
 * (median of RUNS runs of DURATION each), for a full refresh every tick (--proc-interval 100) and for the
 * defaults, against a plain reference loop (stat + statm of every pid through kept fds); peak RSS of the
 * real `vigil sample` CLI at each load.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { fmt, idleProcesses, median, peakRss, runJson, sleep } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const CHILD = path.join(__dirname, 'sampler-child.js');
const CLI = path.join(__dirname, '..', 'src', 'cli.js');

interface Run {
  ticks: number;
  cpuMsPerTick: number;
  peakRss: number | null;
}

/** One run of each mode, RUNS times over, interleaved: a noisy neighbour hits all modes alike. */
async function measureAll(): Promise<{ ref: number; full: number; defaults: number }> {
  const runs = { ref: [] as number[], full: [] as number[], defaults: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    runs.ref.push((await runJson<Run>(CHILD, ['reference', '100', '100', String(DURATION_MS)])).cpuMsPerTick);
    runs.full.push((await runJson<Run>(CHILD, ['vigil', '100', '100', String(DURATION_MS)])).cpuMsPerTick);
    runs.defaults.push((await runJson<Run>(CHILD, ['vigil', '100', '1000', String(DURATION_MS)])).cpuMsPerTick);
  }
  return { ref: median(runs.ref), full: median(runs.full), defaults: median(runs.defaults) };
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
  console.log('load    reference  full(100ms)  ratio  defaults  peakRSS(MB)');
  for (const extra of [0, 300, 1000]) {
    const kill = await idleProcesses(extra);
    try {
      const { ref, full, defaults } = await measureAll();
      const rss = await cliPeakRss();
      console.log(
        `+${String(extra).padEnd(6)} ${fmt(ref, 3).padStart(9)}  ${fmt(full, 3).padStart(11)}  ${fmt(full / ref).padStart(5)}  ${fmt(defaults, 3).padStart(8)}  ${rss === null ? '-' : fmt(rss / 1e6, 1).padStart(11)}`,
      );
    } finally {
      kill();
    }
  }
  console.log('targets: full refresh at +1000 ≤ 1.2× reference; defaults at +300 ≤ 1 ms/tick; peak RSS ≤ 80 MB at +1000');
}

if (require.main === module) benchSampler().catch((e) => { console.error(e); process.exit(1); });
