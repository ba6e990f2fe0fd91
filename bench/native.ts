/**
 * What a native system tier would save: vigil's SystemReader (TypeScript) against c/system-native.c (an
 * N-API cost proxy that reads the same files and scans their numbers in C), each on a 100 ms timer in its
 * own process, against the timer alone. Medians of RUNS interleaved runs. The addon is built with `cc`
 * against the headers next to this node (Debian's nodejs ships them in /usr/include/node).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fmt, median, runJson } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const CHILD = path.join(__dirname, 'native-child.js');

export async function benchNative(): Promise<void> {
  console.log(`\n== native: the system tier at 10 Hz, CPU µs per tick (median of ${RUNS} × ${DURATION_MS / 1000} s)`);
  const include = path.join(path.dirname(process.execPath), '..', 'include', 'node');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-native-'));
  try {
    const addon = path.join(tmp, 'system-native.node');
    try {
      execFileSync('cc', ['-O2', '-shared', '-fPIC', `-I${include}`, '-o', addon, path.join(__dirname, '..', '..', 'bench', 'c', 'system-native.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      console.log(`(skipped: the addon did not build against ${include}: ${(e as Error).message.split('\n')[0]})`);
      return;
    }
    const runs: Record<'empty' | 'ts' | 'native', number[]> = { empty: [], ts: [], native: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const mode of ['empty', 'ts', 'native'] as const) {
        runs[mode].push((await runJson<{ cpuUsPerTick: number }>(CHILD, [mode, addon, String(DURATION_MS)])).cpuUsPerTick);
      }
    }
    const empty = median(runs.empty);
    const ts = median(runs.ts);
    const nat = median(runs.native);
    console.log('timer alone  TypeScript tier  native tier   (above the timer: TypeScript, native)');
    console.log(`${fmt(empty, 0).padStart(11)}  ${fmt(ts, 0).padStart(15)}  ${fmt(nat, 0).padStart(11)}   (${fmt(ts - empty, 0)}, ${fmt(nat - empty, 0)})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) benchNative().catch((e) => { console.error(e); process.exit(1); });
