/**
 * `npm run bench -- native-core`: the per-tick CPU cost of the whole sampler (system and process tiers),
 * TypeScript parsers against the native core, at +0 and +300 idle processes, for the full refresh (every
 * tier every 100 ms) and the defaults (processes every second); beside them the C reference loop
 * (bench/c/floor.c: the same schedule's reads, unparsed, schedstat only per pid). Each figure is the median
 * of BENCH_RUNS interleaved runs of BENCH_DURATION_MS after BENCH_WARMUP_MS, each in its own process.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadNative } from '../src/sampler/native/load';
import { buildFloor, fmt, idleProcesses, median, runJson  } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 5_000);
const CHILD = path.join(__dirname, 'native-core-child.js');
const LOADS = [0, 300];
const SCHEDULES = [
  { name: 'full (100 ms)', procMs: 100 },
  { name: 'defaults (1 s)', procMs: 1000 },
];

type Run = { cpuMsPerTick: number };

export async function benchNativeCore(): Promise<void> {
  console.log(`\n== native-core: CPU ms per 100 ms tick, whole sampler (median of ${RUNS} × ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s)`);
  const { addon, error } = loadNative();
  if (!addon) {
    console.log(`(skipped: ${error})`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-core-'));
  try {
    const floor = buildFloor(tmp);
    console.log('load  schedule         TypeScript  native  native/TS  C floor  native/floor');
    for (const load of LOADS) {
      const stop = await idleProcesses(load);
      try {
        for (const sch of SCHEDULES) {
          const runs = { ts: [] as number[], native: [] as number[], floor: [] as number[] };
          for (let i = 0; i < RUNS; i++) {
            for (const kind of ['ts', 'native'] as const) runs[kind].push((await runJson<Run>(CHILD, [kind, String(sch.procMs), String(DURATION_MS)])).cpuMsPerTick);
            if (floor) runs.floor.push((await runJson<Run>(floor, ['100', String(sch.procMs), String(DURATION_MS), String(WARMUP_MS)], true)).cpuMsPerTick);
          }
          const ts = median(runs.ts);
          const nat = median(runs.native);
          const fl = runs.floor.length ? median(runs.floor) : null;
          console.log(
            `+${String(load).padEnd(4)} ${sch.name.padEnd(15)}  ${fmt(ts, 3).padStart(10)}  ${fmt(nat, 3).padStart(6)}  ${fmt(nat / ts, 2).padStart(9)}  ` +
              `${fl === null ? '-'.padStart(7) : fmt(fl, 3).padStart(7)}  ${fl === null ? '-' : fmt(nat / fl, 2).padStart(12)}`,
          );
        }
      } finally {
        stop();
      }
    }
    console.log('C floor: one pread of each system file every tick; readdir and one schedstat pread per pid per process tick; nothing parsed');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) benchNativeCore().catch((e) => { console.error(e); process.exit(1); });
