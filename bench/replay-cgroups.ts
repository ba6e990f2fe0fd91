/**
 * What replay's cgroups view costs: a seek (cursor + process list, with and without the cgroup tier, and
 * the view's rows) and the window's rebuild over 10 minutes of 1 s samples, in a synthetic recording of
 * 200 processes and 50 or 500 groups whose counters move at every read (the worst case: a group whose
 * counters stand still writes no row). Replay pays for the tier only once the view has opened.
 *   npm run build && node dist/bench/run.js replay-cgroups
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SYNTH_HOST, SynthSource } from './synthetic';
import { ReplayCursor } from '../src/store/recording/cursor';
import { Recording } from '../src/store/recording/reader';
import { HistoryThinner } from '../src/store/recording/snapshots';
import { RecordingWriter } from '../src/store/recording/writer';
import { median } from './util';

const SAMPLES = 600;
const SEEKS = 30;

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

function write(file: string, groups: number): void {
  const src = new SynthSource({ intervalMs: 1000, procEvery: 1, connsEvery: 2, procs: 200, busyProcs: 20, socks: 8, cores: 2, seed: 3, cgroups: groups });
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 1000, procIntervalMs: 1000, vigilVersion: 'bench' });
  for (let i = 0; i < SAMPLES; i++) w.add(src.next());
  w.close();
}

/** Median and max ms of SEEKS seeks spread over the recording, each followed by what replay's emit asks. */
function seeks(rec: Recording, cgroups: boolean): { median: number; max: number } {
  const cur = new ReplayCursor(rec, { cgroups });
  const a = rec.first()!.s;
  const b = rec.last()!.s;
  const times: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const t0 = process.hrtime.bigint();
    cur.seek(a + Math.floor(((i * 7919) % SEEKS) * ((b - a) / SEEKS)));
    cur.procs();
    if (cgroups) cur.cgroups();
    times.push(ms(t0));
  }
  return { median: median(times), max: Math.max(...times) };
}

/** ms to walk and derive every pair, as the window's rebuild does. */
function rebuild(rec: Recording, cgroups: boolean): number {
  const th = new HistoryThinner();
  const t0 = process.hrtime.bigint();
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s, { procs: true, cgroups })) th.take(p);
  return ms(t0);
}

export async function benchReplayCgroups(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  try {
    for (const groups of [50, 500]) {
      const file = path.join(dir, `cg${groups}.vigil`);
      write(file, groups);
      const rec = Recording.open(file);
      try {
        const off = seeks(rec, false);
        const on = seeks(rec, true);
        console.log(`replay seek, ${groups} groups: median ${off.median.toFixed(1)} ms (max ${off.max.toFixed(1)}) without the cgroup tier, ${on.median.toFixed(1)} ms (max ${on.max.toFixed(1)}) with it (target <= 100)`);
        console.log(`replay window rebuild, ${SAMPLES} samples, ${groups} groups: ${rebuild(rec, false).toFixed(0)} ms without the cgroup tier, ${rebuild(rec, true).toFixed(0)} ms with it`);
      } finally {
        rec.close();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchReplayCgroups();
