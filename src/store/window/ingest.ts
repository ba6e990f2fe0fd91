/**
 * Writing into the window: a Snapshot's values go into the newest 1 s bucket (and the raw ring), each
 * weighted by the time it speaks for; pre-aggregated seconds can be bulk-loaded for replay.
 * Number.isFinite is the gate: a NaN or ±Infinity never reaches a cell.
 */
import type { Snapshot } from '../../model';
import type { CgroupSnap } from '../../model/cgroups';
import { acceptable, addSample, CELL, MAX, MIN, S, W } from './cells';
import {
  CGROUP_SERIES, CORE_SERIES, DISK_SERIES, FS_SERIES, isSeriesName, NET_SERIES, PROC_SERIES, procSubject, SERIES, SeriesName, SYSTEM_SERIES,
} from './series';
import type { ProcIdentity, ProcMeta, WindowState } from './state';

interface Entry<T> {
  name: SeriesName;
  get: (x: T) => number | null;
}
const entries = <T>(table: Record<string, { get: (x: T) => number | null }>): Entry<T>[] =>
  Object.entries(table).map(([name, d]) => ({ name: name as SeriesName, get: d.get }));

const PLAIN = entries<Snapshot>(SYSTEM_SERIES);
const CORE = entries<Snapshot['cores'][number]>(CORE_SERIES);
const NET = entries<Snapshot['net'][number]>(NET_SERIES);
const DISK = entries<Snapshot['disks'][number]>(DISK_SERIES);
const FS = entries<Snapshot['fs'][number]>(FS_SERIES);
const CGROUP = entries<CgroupSnap>(CGROUP_SERIES);
/** Cgroups with history (charts, averages, alerts): 32 × 7 series ≈ 26 MB over the hour. */
export const CGROUP_WINDOW_MAX = 32;
const PROC = entries<NonNullable<Snapshot['procs']>[number]>(PROC_SERIES);

/** How far ahead in the previous push's process rows a process is looked for before its pid is. */
const WALK_AHEAD = 8;

/** Cached slots of one subject (a core, an interface, ...), so a push does one Map lookup per subject. */
class Group {
  readonly slots: Int32Array;
  seq = -1;
  constructor(n: number) {
    this.slots = new Int32Array(n).fill(-1);
  }
}

/** One pre-aggregated cell of a bucket: `w_ms` of data averaging `avg`, ranging min..max. */
export interface BucketCellLoad {
  series: SeriesName;
  subject: string;
  w_ms: number;
  avg: number;
  min: number;
  max: number;
}

/** A whole second, pre-aggregated, for bulk loading (replay rebuilding the window as it was). */
export interface BucketLoad {
  /** The second on the monotonic clock: floor(mono_ms / 1000). Must be after every second held. */
  sec: number;
  /** Wall clock at the start of that second (a label). */
  wall_ms: number;
  cells: Iterable<BucketCellLoad>;
  /** Names for the processes of proc.* cells (subject `pid:start_time`). */
  procs?: Iterable<ProcIdentity>;
}

/** The weight of a sample: its interval, clamped to [1, maxMs] (a pause stays a gap). */
export function sampleWeight(intervalMs: number | null, maxMs: number): number {
  if (intervalMs === null || !Number.isFinite(intervalMs) || intervalMs < 1) return 1;
  return Math.min(intervalMs, maxMs);
}

function parseProcSubject(subject: string): { pid: number; start_time: number } | null {
  const m = /^(\d+):(\d+)$/.exec(subject);
  return m === null ? null : { pid: Number(m[1]), start_time: Number(m[2]) };
}

/** The entries of a table that the window keeps (WindowOptions.series; null: all). */
const kept = <T>(all: Entry<T>[], series: ReadonlySet<string> | null): Entry<T>[] => (series === null ? all : all.filter((e) => series.has(e.name)));

export class Ingest {
  private readonly PLAIN: Entry<Snapshot>[];
  private readonly CORE: Entry<Snapshot['cores'][number]>[];
  private readonly NET: Entry<Snapshot['net'][number]>[];
  private readonly DISK: Entry<Snapshot['disks'][number]>[];
  private readonly FS: Entry<Snapshot['fs'][number]>[];
  private readonly CGROUP: Entry<CgroupSnap>[];
  /** Indexes into PROC of the process series kept, in the order of a process slot's cells (WindowState.procMetrics). */
  private readonly procMetrics: number[];
  private plain: Int32Array;
  private groups = {
    core: new Map<string, Group>(), iface: new Map<string, Group>(),
    disk: new Map<string, Group>(), mount: new Map<string, Group>(), cgroup: new Map<string, Group>(),
  };
  private seq = 0;
  private generation = -1;
  private readonly pidSlot = new Map<number, number>();
  /** series → subject → system slot, for bulk loads (no key string built per cell). */
  private readonly bulkSlots = new Map<string, Map<string, number>>();
  private slotBuf = new Int32Array(0);
  /** The buffer slotBuf was before the newest push (the two swap, so the previous slots can be read while writing). */
  private slotSpare = new Int32Array(0);
  /** Per process slot: the ProcSnap last read into it, and its kept series' values (see procs()). */
  private valsOf: (object | null)[] = [];
  private vals = new Float64Array(0);
  /** The process table of the newest push, and the slot table's generation after it (see procSlotAt). */
  private lastProcList: Snapshot['procs'] = null;
  private lastProcGen = -1;

  constructor(private readonly st: WindowState) {
    const only = st.opt.series === null ? null : new Set<string>(st.opt.series);
    this.PLAIN = kept(PLAIN, only);
    this.CORE = kept(CORE, only);
    this.NET = kept(NET, only);
    this.DISK = kept(DISK, only);
    this.FS = kept(FS, only);
    this.CGROUP = kept(CGROUP, only);
    this.procMetrics = st.procMetrics.map((name) => PROC.findIndex((e) => e.name === name));
    this.plain = new Int32Array(this.PLAIN.length).fill(-1);
  }

  /** Adds a Snapshot. Returns false (and counts it in `rejected`) when it is out of order. */
  push(snap: Snapshot): boolean {
    const st = this.st;
    const mono = snap.mono_ms;
    if (!Number.isFinite(mono) || !Number.isFinite(snap.t) || mono < st.latestMono) {
      st.rejected++;
      return false;
    }
    const sec = Math.floor(mono / 1000);
    if (st.list.tail === null || sec > st.list.tail.sec) st.roll(sec, snap.t - (mono - sec * 1000));
    this.syncCaches();
    st.latestMono = mono;
    st.latestWall = snap.t;
    this.seq++;
    const w = sampleWeight(snap.interval_ms, st.opt.maxSampleMs);
    const row = st.ring.begin(mono, w);
    const { PLAIN, CORE, NET, DISK, FS, CGROUP } = this;
    for (let i = 0; i < PLAIN.length; i++) {
      const v = PLAIN[i].get(snap);
      if (!acceptable(v)) continue;
      let slot = this.plain[i];
      if (slot < 0) slot = this.plain[i] = st.sysSlot(PLAIN[i].name, '');
      this.put(slot, v, w, row, sec);
    }
    if (CORE.length > 0) for (const c of snap.cores) this.subject(this.groups.core, CORE, String(c.cpu), c, w, row, sec);
    if (NET.length > 0) for (const n of snap.net) this.subject(this.groups.iface, NET, n.iface, n, w, row, sec);
    if (DISK.length > 0) for (const d of snap.disks) this.subject(this.groups.disk, DISK, d.device, d, w, row, sec);
    if (FS.length > 0) for (const f of snap.fs) this.subject(this.groups.mount, FS, f.mount, f, w, row, sec);
    // Cgroups on the ticks where their tier read again (subject: the path), the first CGROUP_WINDOW_MAX of
    // them in the walk's order (breadth first: the root, slices, services, containers): every system slot
    // costs 32 bytes a second for the hour, and a host can hold a thousand groups.
    const cgs = CGROUP.length > 0 ? snap.cgroups ?? [] : [];
    for (let i = 0; i < cgs.length && i < CGROUP_WINDOW_MAX; i++) this.subject(this.groups.cgroup, CGROUP, cgs[i].path, cgs[i], w, row, sec);
    if (snap.procs !== null && this.procMetrics.length > 0) this.procs(snap, sec);
    return true;
  }

  private put(slot: number, v: number, w: number, row: number, sec: number): void {
    const st = this.st;
    addSample((st.list.tail as NonNullable<typeof st.list.tail>).sys, slot * CELL, v, w);
    st.ring.vals[row * st.ring.cols + slot] = v;
    st.sysSlots.touch(slot, sec);
  }

  private subject<T>(
    groups: Map<string, Group>, defs: Entry<T>[], subject: string, x: T, w: number, row: number, sec: number,
  ): void {
    let g = groups.get(subject);
    if (g === undefined) groups.set(subject, (g = new Group(defs.length)));
    if (g.seq === this.seq) return; // listed twice in one Snapshot (a bind mount): count it once
    g.seq = this.seq;
    for (let i = 0; i < defs.length; i++) {
      const v = defs[i].get(x);
      if (!acceptable(v)) continue;
      let slot = g.slots[i];
      if (slot < 0) slot = g.slots[i] = this.st.sysSlot(defs[i].name, subject);
      this.put(slot, v, w, row, sec);
    }
  }

  /**
   * Process rows: slots first (so the tail's array grows at most once per table), then values. A pid
   * maps to the slot of its newest process; the slot's start time confirms it is the same process, so
   * pid reuse and recycled slots fall through to the `pid:start_time` lookup.
   */
  private procs(snap: Snapshot, sec: number): void {
    const st = this.st;
    const list = snap.procs as NonNullable<Snapshot['procs']>;
    const n = list.length;
    // The previous push's rows and slots: a process is looked for there first, by walking beside it (the
    // tables list processes in the same order each time), then by its pid; its slot's meta confirms it.
    const pl = this.lastProcList;
    const ps = this.slotBuf;
    if (this.slotSpare.length < n) this.slotSpare = new Int32Array(n + (n >> 1));
    const slots = this.slotSpare;
    this.slotSpare = ps;
    this.slotBuf = slots;
    this.lastProcList = null;
    st.latestProcMono = snap.mono_ms;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const p = list[i];
      let slot: number | undefined;
      if (pl !== null) {
        for (let k = j; k < pl.length && k < j + WALK_AHEAD; k++) {
          const q = pl[k];
          if (q.pid !== p.pid) continue;
          if (q.start_time === p.start_time && ps[k] >= 0) slot = ps[k];
          j = k + 1;
          break;
        }
      }
      slot ??= this.pidSlot.get(p.pid);
      let meta = slot === undefined ? null : st.procSlots.info(slot);
      if (meta === null || meta.pid !== p.pid || meta.start_time !== p.start_time) {
        const subject = procSubject(p.pid, p.start_time);
        slot = st.procSlots.get(subject) ?? st.procSlot(subject, p, snap.mono_ms, snap.t);
        this.pidSlot.set(p.pid, slot);
        meta = st.procSlots.info(slot) as ProcMeta;
      }
      if (meta.seq === this.seq) {
        slots[i] = -1; // the same process listed twice: count it once
        continue;
      }
      slots[i] = slot as number;
      meta.seq = this.seq;
      // exec() keeps pid and start time but changes the name: keep the newest.
      meta.comm = p.comm;
      meta.cmdline = p.cmdline;
      meta.user = p.user;
      meta.last_mono_ms = snap.mono_ms;
      meta.last_t = snap.t;
      st.procSlots.touch(slot as number, sec);
    }
    // Entries of pids whose slots were recycled are only ever skipped; drop them before pid churn
    // (pid_max can be 4 million) makes the map large.
    if (this.pidSlot.size > 2 * st.procSlots.size + 1024) {
      this.pidSlot.clear();
      for (const [, slot, meta] of st.procSlots.entries()) this.pidSlot.set(meta.pid, slot);
    }
    this.lastProcList = list;
    this.lastProcGen = st.procSlots.generation;
    const arr = st.tailProc();
    const w = sampleWeight(snap.procs_interval_ms, st.opt.maxSampleMs);
    const ms = this.procMetrics;
    const nm = ms.length;
    // A slot's values as last read, by the snapshot read: derive hands back the same ProcSnap for a
    // process that did not run, and its values are then read from here (NaN: not acceptable).
    if (this.valsOf.length < st.procSlots.cap) this.growVals(st.procSlots.cap);
    const vals = this.vals;
    const valsOf = this.valsOf;
    for (let i = 0; i < n; i++) {
      const slot = slots[i];
      if (slot < 0) continue;
      const p = list[i];
      const base = slot * nm * CELL;
      const at = slot * nm;
      if (valsOf[slot] !== p) {
        valsOf[slot] = p;
        for (let k = 0; k < nm; k++) {
          const v = PROC[ms[k]].get(p);
          vals[at + k] = acceptable(v) ? v : NaN;
        }
      }
      for (let k = 0; k < nm; k++) {
        const v = vals[at + k];
        if (v === v) addSample(arr, base + k * CELL, v, w);
      }
    }
  }

  /**
   * The slot of `list[index]` when `list` is the process table of the newest push (that very array) and no
   * slot has been recycled since; -1 otherwise (and for a process listed twice: its second entry), and
   * the caller looks the subject up by its string.
   */
  procSlotAt(list: NonNullable<Snapshot['procs']>, index: number): number {
    if (list !== this.lastProcList || this.lastProcGen !== this.st.procSlots.generation || index >= list.length) return -1;
    return this.slotBuf[index];
  }

  /** vals/valsOf for `cap` slots, keeping what is there. */
  private growVals(cap: number): void {
    const vals = new Float64Array(cap * this.procMetrics.length);
    vals.set(this.vals);
    this.vals = vals;
    this.valsOf.length = cap;
  }

  /** Slots were recycled: cached slot numbers may now belong to other series. */
  private syncCaches(): void {
    const gen = this.st.sysSlots.generation;
    if (gen === this.generation) return;
    this.generation = gen;
    this.plain.fill(-1);
    for (const m of Object.values(this.groups)) m.clear();
    this.bulkSlots.clear();
  }

  /** Bulk-loads one pre-aggregated second. Returns the number of cells taken (invalid ones are skipped). */
  pushBucket(load: BucketLoad): number {
    const st = this.st;
    const { sec, wall_ms } = load;
    if (!Number.isInteger(sec) || !Number.isFinite(wall_ms) || sec * 1000 < st.latestMono ||
      (st.list.tail !== null && sec <= st.list.tail.sec)) {
      st.rejected++;
      return 0;
    }
    st.roll(sec, wall_ms, true);
    this.syncCaches();
    const end = (sec + 1) * 1000;
    const names = new Map<string, ProcIdentity>();
    for (const p of load.procs ?? []) names.set(procSubject(p.pid, p.start_time), p);
    let taken = 0;
    let sawProcs = false;
    for (const c of load.cells) {
      if (!isSeriesName(c.series)) continue;
      const info = SERIES[c.series];
      if (!(c.w_ms >= 1) || !Number.isFinite(c.w_ms) || !acceptable(c.avg) ||
        !acceptable(c.min) || !acceptable(c.max) || c.min > c.max) continue;
      let arr: Float64Array;
      let base: number;
      if (info.family === 'proc') {
        const parsed = parseProcSubject(c.subject);
        const m = st.procIndex.get(c.series);
        if (parsed === null || m === undefined) continue;
        const full: ProcIdentity = names.get(c.subject) ?? { ...parsed, comm: '', user: null, cmdline: '' };
        let slot = st.procSlots.get(c.subject);
        if (slot === undefined) slot = st.procSlot(c.subject, full, end, wall_ms + 1000);
        const meta = st.procSlots.info(slot) as NonNullable<ReturnType<typeof st.procSlots.info>>;
        meta.last_mono_ms = end;
        meta.last_t = wall_ms + 1000;
        st.procSlots.touch(slot, sec);
        arr = st.tailProc();
        base = (slot * st.pm + m) * CELL;
        sawProcs = true;
      } else {
        if ((info.subject === 'none') !== (c.subject === '')) continue;
        let bySubject = this.bulkSlots.get(c.series);
        if (bySubject === undefined) this.bulkSlots.set(c.series, (bySubject = new Map()));
        let slot = bySubject.get(c.subject);
        if (slot === undefined) bySubject.set(c.subject, (slot = st.sysSlot(c.series, c.subject)));
        st.sysSlots.touch(slot, sec);
        arr = (st.list.tail as NonNullable<typeof st.list.tail>).sys;
        base = slot * CELL;
      }
      if (arr[base + W] === 0) {
        arr[base + W] = c.w_ms;
        arr[base + S] = c.avg * c.w_ms;
        arr[base + MIN] = c.min;
        arr[base + MAX] = c.max;
      } else {
        arr[base + W] += c.w_ms;
        arr[base + S] += c.avg * c.w_ms;
        arr[base + MIN] = Math.min(arr[base + MIN], c.min);
        arr[base + MAX] = Math.max(arr[base + MAX], c.max);
      }
      taken++;
    }
    st.latestMono = end;
    st.latestWall = wall_ms + 1000;
    if (sawProcs) st.latestProcMono = end;
    // The raw ring holds no samples of a loaded second: full-resolution charts start after it.
    st.ring.reset(end);
    return taken;
  }
}
