/**
 * History window benchmark: push cost, memory per series-hour, memory after a simulated hour with 1000
 * processes, query and rebuild costs. Run alone with `node dist/bench/window.js` (after `npm run build`),
 * or through `npm run bench`. Memory is heapUsed + arrayBuffers (typed arrays live outside the JS heap,
 * so heapUsed alone would flatter the window), measured after a full GC.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { HistoryWindow, procSubject, SERIES_NAMES } from '../src/store/window';
import type { BucketCellLoad, SeriesName } from '../src/store/window';
import { MachineShape, prng, syntheticProcs, syntheticSnapshot } from '../src/store/window/synthetic';
import type { Snapshot } from '../src/model';

/** A full GC: global.gc under --expose-gc, otherwise the flag set at run time. */
function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

const gc = getGc();

function settle(): void {
  if (gc === null) return;
  for (let i = 0; i < 3; i++) gc();
}

function mem(): { heap: number; buffers: number } {
  settle();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b: number): string => (b / 1048576).toFixed(1);

/** Series a Snapshot of this shape carries (system family). */
function seriesCount(shape: MachineShape): number {
  const w = new HistoryWindow();
  w.push(syntheticSnapshot(1000, 0, 100, shape, prng(1)));
  return w.sizes.sysSlots;
}

/** A few pre-built Snapshots to cycle through, so generation is not what is timed. */
function pool(shape: MachineShape, n: number): Snapshot[] {
  const rnd = prng(99);
  return Array.from({ length: n }, () => syntheticSnapshot(0, 0, 100, shape, rnd));
}

function timePushes(shape: MachineShape, pushes: number): number {
  const snaps = pool(shape, 16);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const w = new HistoryWindow();
    let mono = 1e7;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < pushes; i++) {
      const s = snaps[i & 15];
      mono += 100;
      s.mono_ms = mono;
      s.t = 1.7e12 + mono;
      w.push(s);
    }
    runs.push(Number(process.hrtime.bigint() - t0) / pushes);
  }
  return median(runs);
}

function timeProcPushes(nprocs: number, pushes: number): number {
  const rnd = prng(5);
  const tables = Array.from({ length: 4 }, () => syntheticProcs(1000, nprocs, rnd));
  const base = syntheticSnapshot(0, 0, 1000, { cores: 0, ifaces: 0, disks: 0, mounts: 0 }, rnd);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const w = new HistoryWindow();
    let mono = 1e7;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < pushes; i++) {
      mono += 1000;
      base.mono_ms = mono;
      base.t = 1.7e12 + mono;
      base.procs = tables[i & 3];
      base.procs_interval_ms = 1000;
      w.push(base);
    }
    runs.push(Number(process.hrtime.bigint() - t0) / pushes);
  }
  return median(runs);
}

interface Feed {
  snaps: Snapshot[];
  tables: ReturnType<typeof syntheticProcs>[];
}

/** Inputs built before memory is measured, so that only the window's growth is counted. */
function feed(shape: MachineShape, nprocs: number): Feed {
  const rnd = prng(11);
  return { snaps: pool(shape, 16), tables: nprocs > 0 ? Array.from({ length: 4 }, () => syntheticProcs(1000, nprocs, rnd)) : [] };
}

/** One simulated hour (plus a minute, so eviction and folding are in steady state). */
function simulateHour(w: HistoryWindow, { snaps, tables }: Feed): void {
  let mono = 1e7;
  for (let tick = 0; tick < 36_600; tick++) {
    const s = snaps[tick & 15];
    mono += 100;
    s.mono_ms = mono;
    s.t = 1.7e12 + mono;
    s.procs = null;
    s.procs_interval_ms = null;
    if (tables.length > 0 && tick % 10 === 0) {
      s.procs = tables[(tick / 10) & 3];
      s.procs_interval_ms = 1000;
    }
    w.push(s);
  }
}

function timeQueries(w: HistoryWindow): Record<string, number> {
  const out: Record<string, number> = {};
  const q = (name: string, n: number, f: () => unknown): void => {
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) f();
      runs.push(Number(process.hrtime.bigint() - t0) / n / 1000);
    }
    out[name] = median(runs);
  };
  const p = procSubject(1500, 1500);
  q('avg 1 h (running sum)', 20000, () => w.avg('cpu.total_pct', '', 3600));
  q('avg 1234 s (walk)', 2000, () => w.avg('cpu.total_pct', '', 1234));
  q('stats 1 h (walk, min/max)', 2000, () => w.stats('cpu.total_pct', '', 3600));
  q('proc avg 1 h', 20000, () => w.avg('proc.cpu_pct', p, 3600));
  q('chart 60 s × 120 points (ring)', 2000, () => w.chart('cpu.total_pct', '', 60, 120));
  q('chart 1 h × 120 points', 500, () => w.chart('cpu.total_pct', '', 3600, 120));
  q('proc chart 1 h × 120 points', 2000, () => w.chart('proc.cpu_pct', p, 3600, 120));
  return out;
}

/** Rebuilding an hour for replay: clear, then pushBucket of pre-aggregated seconds of every system series. */
function timeRebuild(shape: MachineShape): { ms: number; cells: number } {
  const probe = new HistoryWindow();
  probe.push(syntheticSnapshot(1000, 0, 100, shape, prng(3)));
  const names: [SeriesName, string][] = [];
  for (const series of SERIES_NAMES) for (const subject of probe.subjects(series)) names.push([series, subject]);
  const seconds: BucketCellLoad[][] = [];
  for (let sec = 0; sec < 3600; sec++) {
    seconds.push(names.map(([series, subject]) => ({ series, subject, w_ms: 1000, avg: 50, min: 10, max: 90 })));
  }
  const runs: number[] = [];
  const w = new HistoryWindow();
  for (let r = 0; r < 5; r++) {
    w.clear();
    const t0 = process.hrtime.bigint();
    for (let sec = 0; sec < 3600; sec++) w.pushBucket({ sec: 10_000 + sec, wall_ms: 1.7e12 + sec * 1000, cells: seconds[sec] });
    w.avg('cpu.total_pct', '', 60); // the first read rebuilds the running sums
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(runs), cells: names.length };
}

/** Rebuilding an hour for replay by pushing one derived Snapshot per second, with 1000 processes. */
function timeStrideRebuild(shape: MachineShape): number {
  const f = feed(shape, 1000);
  const w = new HistoryWindow();
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    w.clear();
    let mono = 1e7;
    const t0 = process.hrtime.bigint();
    for (let sec = 0; sec < 3600; sec++) {
      const s = f.snaps[sec & 15];
      mono += 1000;
      s.mono_ms = mono;
      s.t = 1.7e12 + mono;
      s.interval_ms = 1000;
      s.procs = f.tables[sec & 3];
      s.procs_interval_ms = 1000;
      w.push(s);
    }
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(runs);
}

export async function benchWindow(): Promise<void> {
  console.log('== history window (src/store/window) ==');
  if (gc === null) console.log('note: no GC control (run with node --expose-gc): memory figures include garbage');
  const big: MachineShape = { cores: 64, ifaces: 20, disks: 20, mounts: 40 };
  const typical: MachineShape = { cores: 8, ifaces: 4, disks: 4, mounts: 6 };
  const nBig = seriesCount(big);
  const nTypical = seriesCount(typical);

  const ns = timePushes(big, 20_000);
  console.log(`push, system Snapshot of ${nBig} series: ${(ns / 1000).toFixed(1)} µs/push = ${(ns / nBig).toFixed(1)} ns/series (median of 5 × 20000 pushes at 100 ms)`);
  const nsP = timeProcPushes(1000, 600);
  console.log(`push, process table of 1000 processes (8000 series): ${(nsP / 1000).toFixed(0)} µs/push = ${(nsP / 8000).toFixed(1)} ns/series (median of 5 × 600 pushes at 1 s)`);

  // Memory per series-hour, system family: an hour of the big shape.
  {
    const f = feed(big, 0);
    const before = mem();
    const w = new HistoryWindow();
    simulateHour(w, f);
    const after = mem();
    const total = after.heap + after.buffers - before.heap - before.buffers;
    console.log(`system family: ${nBig} series for 1 h at 100 ms: +${mb(total)} MB (heap ${mb(after.heap - before.heap)}, typed arrays ${mb(after.buffers - before.buffers)}) = ${(total / nBig).toFixed(0)} bytes per series-hour`);
    if (w.sizes.buckets !== 3600) throw new Error('expected a full hour');
  }
  // The target: 100 ms system sampling, 1 s process sampling, 1000 live processes, one hour.
  {
    const f = feed(typical, 1000);
    const before = mem();
    const w = new HistoryWindow();
    simulateHour(w, f);
    const after = mem();
    const total = after.heap + after.buffers - before.heap - before.buffers;
    const m = w.memory();
    console.log(`one hour, ${nTypical} system series at 100 ms + 1000 processes × 8 series at 1 s: +${mb(total)} MB ` +
      `(heap ${mb(after.heap - before.heap)}, typed arrays ${mb(after.buffers - before.buffers)}) — target ≤ 60 MB`);
    console.log(`  typed arrays by part: system buckets ${mb(m.sys)} MB, process buckets ${mb(m.proc)} MB, raw ring ${mb(m.ring)} MB, running sums ${mb(m.running)} MB`);
    console.log(`  = ${(m.sys / nTypical).toFixed(0)} bytes per system series-hour, ${(m.proc / 8000).toFixed(0)} per process series-hour ` +
      `(1 s for ${w.options.procFineSeconds} s, then ${w.options.procCoarseSeconds} s buckets)`);
    const q = timeQueries(w);
    for (const [k, v] of Object.entries(q)) console.log(`query ${k}: ${v.toFixed(2)} µs`);
  }
  const rb = timeRebuild(typical);
  console.log(`replay rebuild, system: clear + 3600 × pushBucket (${rb.cells} cells each) + first query: ${rb.ms.toFixed(1)} ms`);
  console.log(`replay rebuild, 1 s stride: clear + 3600 pushes of a Snapshot with ${nTypical} series + 1000 processes: ${timeStrideRebuild(typical).toFixed(0)} ms`);
}

if (require.main === module) {
  benchWindow().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
