/**
 * The window's storage and how it moves with time: opening a new second, folding process seconds into
 * coarse buckets, evicting at the horizon, recycling slots. Ingest (ingest.ts) writes into the tail;
 * queries (query.ts, chart.ts) read. Time is the monotonic clock only: the wall clock is a label.
 *
 * Two families share the list of 1 s buckets:
 *  - sys: one cell per (series, subject) slot, in every 1 s bucket for the whole horizon;
 *  - proc: one cell per (process slot × kept process series), in 1 s buckets for the newest procFineSeconds, then
 *    merged into procCoarseSeconds-wide CoarseBuckets (a second list) for the rest of the horizon.
 */
import { ArrayPool, BucketList, CoarseBucket, grown, SecondBucket } from './bucket-list';
import { CELL, mergeCell } from './cells';
import { resolveOptions, ResolvedOptions, WindowOptions } from './options';
import { RawRing } from './raw-ring';
import { RunningSums } from './running';
import { PROC_SERIES, ProcSeriesName, SeriesName } from './series';
import { SlotTable } from './slots';

export const PROC_METRICS = Object.keys(PROC_SERIES) as ProcSeriesName[];

export interface SysSlotMeta {
  series: SeriesName;
  subject: string;
}

/** What the window remembers about a process besides its numbers (one object per process, not per value). */
export interface ProcIdentity {
  pid: number;
  start_time: number;
  comm: string;
  user: string | null;
  cmdline: string;
}

export interface ProcMeta extends ProcIdentity {
  /** Monotonic ms of the first and last process table this process was in. */
  first_mono_ms: number;
  last_mono_ms: number;
  /** Wall clock of the last table it was in. */
  last_t: number;
  /** Push counter, to ignore a pid listed twice in one table. */
  seq: number;
}

export class WindowState {
  readonly opt: ResolvedOptions;
  readonly list = new BucketList<SecondBucket>();
  readonly coarse = new BucketList<CoarseBucket>();
  readonly sysSlots = new SlotTable<SysSlotMeta>(64);
  readonly procSlots = new SlotTable<ProcMeta>(128);
  readonly sysPool = new ArrayPool(0);
  readonly procPool = new ArrayPool(0);
  readonly ring: RawRing;
  readonly running: RunningSums;
  /** The oldest 1 s bucket that may still hold process cells (everything older has been merged). */
  fineOldest: SecondBucket | null = null;
  /** The newest sample: its monotonic end (ms) and wall clock. The window's "now". */
  latestMono = -Infinity;
  latestWall = 0;
  /** Monotonic ms of the newest process table. */
  latestProcMono = -Infinity;
  /** Snapshots refused: out of order, or a non-finite time. */
  rejected = 0;
  /**
   * The process series kept (WindowOptions.series; all of them by default), in PROC_METRICS order: a
   * process slot has a cell for each of these and no others, so a window kept for a rule or two on
   * proc.cpu_pct holds one cell per process a second, not one per process series.
   */
  readonly procMetrics: readonly ProcSeriesName[];
  /** Cells per process slot: procMetrics.length. */
  readonly pm: number;
  /** Series name → its cell's index within a process slot (kept series only). */
  readonly procIndex: ReadonlyMap<string, number>;

  constructor(options?: WindowOptions) {
    this.opt = resolveOptions(options);
    const only = this.opt.series === null ? null : new Set<string>(this.opt.series);
    this.procMetrics = PROC_METRICS.filter((m) => only === null || only.has(m));
    this.pm = this.procMetrics.length;
    this.procIndex = new Map(this.procMetrics.map((m, i) => [m, i]));
    this.ring = new RawRing(this.opt.rawSamples, 0);
    this.running = new RunningSums(this.opt.trackedWindows, 0, this.opt.recomputeEvery);
  }

  get now(): number {
    return this.list.tail === null ? -Infinity : this.list.tail.sec;
  }

  /** The first second still held in 1 s process buckets. */
  get fineFrom(): number {
    return this.now - this.opt.procFineSeconds + 1;
  }

  /** Opens the bucket for second `sec` (> the tail's) and moves everything else along. `bulk`: a load of
   *  many seconds in a row, which leaves the running sums to be rebuilt once when next needed. */
  roll(sec: number, wallMs: number, bulk = false): SecondBucket {
    const closed = this.list.tail;
    const b = new SecondBucket(sec, wallMs, this.sysPool.take(), null);
    this.list.append(b);
    if (this.fineOldest === null) this.fineOldest = b;
    this.running.roll(closed, b, this.sysSlots.highWater, bulk);
    this.foldFine(sec);
    const H = this.opt.horizonSeconds;
    while (this.coarse.head !== null && this.coarse.head.sec <= sec - H) {
      this.procPool.give((this.coarse.shift() as CoarseBucket).proc);
    }
    while (this.list.head !== null && this.list.head.sec <= sec - H) {
      const old = this.list.shift() as SecondBucket;
      this.sysPool.give(old.sys);
      if (old.proc !== null) this.procPool.give(old.proc);
    }
    this.sysSlots.expire((last) => last <= sec - H, (slot) => this.freeSysSlot(slot));
    const C = this.opt.procCoarseSeconds;
    this.procSlots.expire((last) => Math.floor(last / C) * C <= sec - H, () => undefined);
    return b;
  }

  /** Merges the process cells of seconds that left the fine horizon into their coarse bucket. */
  private foldFine(now: number): void {
    const C = this.opt.procCoarseSeconds;
    const lastFine = now - this.opt.procFineSeconds;
    let b = this.fineOldest;
    while (b !== null && b.sec <= lastFine) {
      const src = b.proc;
      if (src !== null) {
        const c0 = Math.floor(b.sec / C) * C;
        // After a pause longer than the horizon the coarse bucket would already be gone: drop.
        if (c0 > now - this.opt.horizonSeconds) {
          let cb = this.coarse.tail;
          if (cb === null || cb.sec !== c0) {
            cb = new CoarseBucket(c0, b.wall_ms - (b.sec - c0) * 1000, this.procPool.take());
            this.coarse.append(cb);
          }
          if (cb.proc.length < src.length) cb.proc = grown(cb.proc, src.length);
          const n = src.length;
          for (let i = 0; i < n; i += CELL) mergeCell(cb.proc, i, src, i);
        }
        this.procPool.give(src);
        b.proc = null;
      }
      b = b.next;
    }
    this.fineOldest = b;
  }

  private freeSysSlot(slot: number): void {
    this.running.zero(slot);
    this.ring.clearSlot(slot);
  }

  /**
   * A system slot for (series, subject), allocated on first use. Bucket arrays are sized to the slots in
   * use (no slack: an hour of them is most of the window's memory); the ring and running sums, small,
   * grow with the table's capacity.
   */
  sysSlot(series: SeriesName, subject: string): number {
    const key = `${series}\0${subject}`;
    const found = this.sysSlots.get(key);
    if (found !== undefined) return found;
    const t = this.sysSlots;
    const [hw, cap] = [t.highWater, t.cap];
    const slot = t.alloc(key, { series, subject }, this.now);
    if (t.highWater !== hw) {
      this.sysPool.resize(t.highWater * CELL);
      const tail = this.list.tail;
      if (tail !== null) tail.sys = grown(tail.sys, t.highWater * CELL);
    }
    if (t.cap !== cap) {
      this.running.grow(t.cap);
      this.ring.grow(t.cap);
    }
    return slot;
  }

  /** A process slot for subject `pid:start_time`. */
  procSlot(subject: string, id: ProcIdentity, monoMs: number, wall: number): number {
    const found = this.procSlots.get(subject);
    if (found !== undefined) return found;
    const meta: ProcMeta = {
      pid: id.pid, start_time: id.start_time, comm: id.comm, user: id.user, cmdline: id.cmdline,
      first_mono_ms: monoMs, last_mono_ms: monoMs, last_t: wall, seq: -1,
    };
    const slot = this.procSlots.alloc(subject, meta, this.now);
    this.procPool.resize(this.procSlots.highWater * this.pm * CELL);
    return slot;
  }

  /** The tail bucket's process array (created on the first process value of the second), sized to the
   *  process slots in use: call it after allocating this push's slots. */
  tailProc(): Float64Array {
    const t = this.list.tail as SecondBucket;
    const size = this.procSlots.highWater * this.pm * CELL;
    if (t.proc === null) t.proc = this.procPool.take();
    else if (t.proc.length < size) t.proc = grown(t.proc, size);
    return t.proc;
  }

  clear(): void {
    this.list.clear();
    this.coarse.clear();
    this.sysSlots.clear();
    this.procSlots.clear();
    this.sysPool.resize(0);
    this.procPool.resize(0);
    this.ring.reset(-Infinity);
    this.running.clear();
    this.fineOldest = null;
    this.latestMono = -Infinity;
    this.latestWall = 0;
    this.latestProcMono = -Infinity;
  }

  /** Bytes held in typed arrays, by part (the bulk of the window's memory). */
  arrayBytes(): { sys: number; proc: number; ring: number; running: number; total: number } {
    let sys = 0;
    let proc = 0;
    for (let b = this.list.head; b !== null; b = b.next) {
      sys += b.sys.byteLength;
      proc += b.proc?.byteLength ?? 0;
    }
    for (let c = this.coarse.head; c !== null; c = c.next) proc += c.proc.byteLength;
    const ring = this.ring.mono.byteLength + this.ring.wt.byteLength + this.ring.vals.byteLength;
    const running = this.running.bytes;
    return { sys, proc, ring, running, total: sys + proc + ring + running };
  }
}
