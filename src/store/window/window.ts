/**
 * HistoryWindow: the last hour of every series, in 1 s buckets on the monotonic clock. Panes, alerts,
 * the recorder and replay all go through this class; nothing else touches the buckets.
 *
 *   const w = new HistoryWindow();
 *   w.push(snapshot);                                   // every Snapshot, in order
 *   w.avg('cpu.total_pct', '', 60);                     // { value: 37.2, seconds: 60 }
 *   w.delta('net.rx_bytes_per_s', 'eth0', 300);         // bytes received in the last 5 min
 *   w.chart('proc.cpu_pct', procSubject(pid, st), 600, 120);   // 120 points over 10 min
 */
import type { ProcSnap, Snapshot } from '../../model';
import { chart, chartInto, chartSum, chartSumInto } from './chart';
import { BucketLoad, Ingest } from './ingest';
import type { WindowOptions } from './options';
import { average, averageValue, Covered, integral, NO_DATA, procAverage, procMax, resolve, stats, walk, WindowStats, windowLength } from './query';
import { Acc } from './cells';
import { isSeriesName, procSubject, RateSeriesName, SERIES, SeriesName } from './series';
import { ProcMeta, WindowState } from './state';

/** A process the window holds history for, alive or exited. */
export interface ProcEntry {
  /** `pid:start_time`: the subject to pass to proc.* queries. */
  subject: string;
  pid: number;
  start_time: number;
  comm: string;
  user: string | null;
  cmdline: string;
  first_mono_ms: number;
  last_mono_ms: number;
  last_t: number;
  /** In the newest process table. */
  alive: boolean;
}

export interface WindowExtent {
  /** Oldest and newest 1 s bucket held (monotonic seconds), and how many buckets exist (gaps excluded). */
  oldest_sec: number;
  newest_sec: number;
  buckets: number;
  /** The newest sample: monotonic ms and wall-clock ms. */
  latest_mono_ms: number;
  latest_t: number;
}

const minMaxAcc = new Acc();

export class HistoryWindow {
  private readonly st: WindowState;
  private readonly ingest: Ingest;

  constructor(options?: WindowOptions) {
    this.st = new WindowState(options);
    this.ingest = new Ingest(this.st);
  }

  /** Adds a Snapshot (in monotonic order; an older one is refused and counted in `rejected`). */
  push(snap: Snapshot): boolean {
    return this.ingest.push(snap);
  }

  /** Appends one pre-aggregated second (replay's bulk load). Returns the number of cells taken. */
  pushBucket(bucket: BucketLoad): number {
    return this.ingest.pushBucket(bucket);
  }

  /**
   * The longest a sample counts for from now on (WindowOptions.maxSampleMs): the live screen's sampling
   * interval can change while it runs.
   */
  setMaxSampleMs(ms: number): void {
    if (!(ms >= 1) || !Number.isFinite(ms)) throw new RangeError(`maxSampleMs must be ≥ 1, got ${ms}`);
    (this.st.opt as { maxSampleMs: number }).maxSampleMs = ms;
  }

  /** Forgets everything (replay seeking backwards starts here). */
  clear(): void {
    this.st.clear();
  }

  get rejected(): number {
    return this.st.rejected;
  }

  get options(): Readonly<Required<WindowOptions>> {
    return this.st.opt;
  }

  /** Time-weighted average over the last `seconds` (whole buckets ending with the newest). */
  avg(series: SeriesName, subject: string, seconds: number): Covered {
    return average(this.st, series, subject, seconds);
  }

  /** avg(…).value (the same number), without the answer object. */
  avgValue(series: SeriesName, subject: string, seconds: number): number | null {
    return averageValue(this.st, series, subject, seconds);
  }

  /**
   * avg(series, procSubject(p.pid, p.start_time), seconds).value for p = procs[index], where `procs` is
   * a Snapshot's process table: when it is the newest one pushed, the process's slot is known from the
   * push and no subject string is built or looked up.
   */
  procAvgAt(series: SeriesName, procs: readonly ProcSnap[], index: number, seconds: number): number | null {
    const slot = this.ingest.procSlotAt(procs as ProcSnap[], index);
    if (slot >= 0) return procAverage(this.st, series, slot, seconds);
    const p = procs[index];
    return average(this.st, series, procSubject(p.pid, p.start_time), seconds).value;
  }

  /**
   * The largest value of procs[index]'s series over the window (null: no data), when `procs` is the newest
   * table pushed; undefined when it is not (the caller then asks avg()). See procMax.
   */
  procMaxAt(series: SeriesName, procs: readonly ProcSnap[], index: number, seconds: number): number | null | undefined {
    const slot = this.ingest.procSlotAt(procs as ProcSnap[], index);
    return slot >= 0 ? procMax(this.st, series, slot, seconds) : undefined;
  }

  min(series: SeriesName, subject: string, seconds: number): Covered {
    const s = stats(this.st, series, subject, seconds);
    return s === null ? NO_DATA : { value: s.min, seconds: s.seconds };
  }

  max(series: SeriesName, subject: string, seconds: number): Covered {
    const s = stats(this.st, series, subject, seconds);
    return s === null ? NO_DATA : { value: s.max, seconds: s.seconds };
  }

  /** How much of a rate's quantity moved in the last `seconds`: Σ rate × interval (e.g. bytes). */
  delta(series: RateSeriesName, subject: string, seconds: number): Covered {
    return integral(this.st, series, subject, seconds);
  }

  /** avg, min, max and coverage in one walk; null = no data. */
  stats(series: SeriesName, subject: string, seconds: number): WindowStats | null {
    return stats(this.st, series, subject, seconds);
  }

  /** `points` values over the last `seconds` ending at the newest sample; null where there is no data. */
  chart(series: SeriesName, subject: string, seconds: number, points: number): (number | null)[] {
    return chart(this.st, series, subject, seconds, points);
  }

  /** Like chart(), of the sum over several subjects of a system series (every interface's traffic). */
  chartSum(series: SeriesName, subjects: readonly string[], seconds: number, points: number): (number | null)[] {
    return chartSum(this.st, series, subjects, seconds, points);
  }

  /**
   * chart() into a Float64Array the caller keeps and passes again (NaN where chart() has null): returns
   * `out` rewritten, or a new array when `out` is not `points` long. For views that draw the values at once.
   */
  chartInto(series: SeriesName, subject: string, seconds: number, points: number, out?: Float64Array): Float64Array {
    return chartInto(this.st, series, subject, seconds, points, out);
  }

  /** chartSum() into the caller's Float64Array, as chartInto(). */
  chartSumInto(series: SeriesName, subjects: readonly string[], seconds: number, points: number, out?: Float64Array): Float64Array {
    return chartSumInto(this.st, series, subjects, seconds, points, out);
  }

  /** Subjects with history for a series: interfaces, disks, mounts, cores, or process subjects. */
  subjects(series: SeriesName): string[] {
    if (!isSeriesName(series)) return [];
    const info = SERIES[series];
    if (info.family === 'proc') return [...this.st.procSlots.entries()].map(([key]) => key);
    const out: string[] = [];
    for (const [, , m] of this.st.sysSlots.entries()) if (m.series === series) out.push(m.subject);
    return out;
  }

  /** Every process with history, exited ones included until their history ages out. */
  procs(): ProcEntry[] {
    const out: ProcEntry[] = [];
    for (const [subject, , m] of this.st.procSlots.entries()) out.push(this.entry(subject, m));
    return out;
  }

  proc(subject: string): ProcEntry | null {
    const slot = this.st.procSlots.get(subject);
    if (slot === undefined) return null;
    return this.entry(subject, this.st.procSlots.info(slot) as ProcMeta);
  }

  private entry(subject: string, m: ProcMeta): ProcEntry {
    return {
      subject, pid: m.pid, start_time: m.start_time, comm: m.comm, user: m.user, cmdline: m.cmdline,
      first_mono_ms: m.first_mono_ms, last_mono_ms: m.last_mono_ms, last_t: m.last_t,
      alive: m.last_mono_ms === this.st.latestProcMono,
    };
  }

  /** What the window spans; null when empty. */
  extent(): WindowExtent | null {
    const { list } = this.st;
    if (list.head === null || list.tail === null) return null;
    return {
      oldest_sec: list.head.sec, newest_sec: list.tail.sec, buckets: list.length,
      latest_mono_ms: this.st.latestMono, latest_t: this.st.latestWall,
    };
  }

  /** Wall-clock label of a monotonic time inside the window (from the bucket it falls in), or null. */
  wallAt(monoMs: number): number | null {
    const sec = Math.floor(monoMs / 1000);
    for (let b = this.st.list.tail; b !== null && b.sec >= sec; b = b.prev) {
      if (b.sec === sec) return b.wall_ms + (monoMs - sec * 1000);
    }
    return null;
  }

  /** Bytes of typed arrays held, by part: system buckets, process buckets, raw ring, running sums. */
  memory(): { sys: number; proc: number; ring: number; running: number; total: number } {
    return this.st.arrayBytes();
  }

  /** Counts for tests and the benchmark: buckets, coarse buckets, slots in use and allocated. */
  get sizes(): { buckets: number; coarse: number; sysSlots: number; procSlots: number; sysCap: number; procCap: number } {
    const st = this.st;
    return {
      buckets: st.list.length, coarse: st.coarse.length, sysSlots: st.sysSlots.size, procSlots: st.procSlots.size,
      sysCap: st.sysSlots.cap, procCap: st.procSlots.cap,
    };
  }

  /** The same average by walking the buckets (bypassing running sums): for tests and debugging. */
  walkAvg(series: SeriesName, subject: string, seconds: number): Covered {
    const n = windowLength(this.st, seconds);
    const t = resolve(this.st, series, subject);
    if (n === null || t === null) return NO_DATA;
    const acc = walk(this.st, t, this.st.now - n + 1, minMaxAcc);
    return acc.weight > 0 ? { value: acc.sum / acc.weight, seconds: acc.weight / 1000 } : NO_DATA;
  }
}
