/**
 * The process tier over the native core: discover() and read() are one addon call each; the core keeps
 * every process's fds and the reading policy of ProcReader (src/sampler/procs.ts) and writes one row per
 * process. This side turns rows into the same ProcSamples ProcReader returns. Strings cross only when a
 * process is new or its comm or cmdline changed; a process that has not run since its last row gets that
 * row's very object back (as ProcReader does), unless what other tiers attach to it changed.
 */
import type { ProcSample, ProcSlow, ProcTable } from '../../model';
import { cgroupBuf, readCgroup } from '../cgroup';
import { CMDLINE_MAX, parseCmdline } from '../parse/cmdline';
import { attachedTo, carries, NOTHING_ATTACHED, ProcExtras } from '../attach';
import type { ProcReaderOptions } from '../procs';
import { Timings } from '../timings';
import { UserNames } from '../users';
import type { NativeAddon } from './load';
import { counterAt, NPROC_COLS, numberAt, P, PF_NEW, PF_SAME, PF_SLOW, PF_SLOW_NEW, PF_STRINGS } from './layout';

const PF_SAME_ONLY = PF_SAME;
const PF_SAME_SLOW = PF_SAME | PF_SLOW;

/** The options of the TypeScript ProcReader, with the same meanings and defaults. */
export type NativeProcOptions = ProcReaderOptions;

/** What this side keeps per slot of the core (a slot is one process until PF_NEW says otherwise). */
class Slots {
  last: (ProcSample | null)[] = [];
  /**
   * 1 when the slot's last sample carries nothing from the other tiers (tcp, tcp_prev and shim null): with
   * nothing to attach this read, an unchanged row is passed on without touching its object (at +1000 the
   * samples are spread over the heap, and reading each one's fields was a cache miss per row).
   */
  bare = new Uint8Array(512);
  comm: string[] = [];
  cmdline: string[] = [];
  truncated: boolean[] = [];
  cgroup: (string | null)[] = [];
  slow: (ProcSlow | null)[] = [];
  slowPrev: (ProcSlow | null)[] = [];

  setLast(s: number, sample: ProcSample): void {
    this.last[s] = sample;
    if (s >= this.bare.length) {
      const b = new Uint8Array(Math.max(2 * this.bare.length, s + 1));
      b.set(this.bare);
      this.bare = b;
    }
    this.bare[s] = sample.tcp === null && sample.tcp_prev === null && sample.shim === null ? 1 : 0;
  }

  reset(s: number): void {
    this.last[s] = null;
    if (s < this.bare.length) this.bare[s] = 0;
    this.slow[s] = null;
    this.slowPrev[s] = null;
    this.comm[s] = '';
    this.cmdline[s] = '';
    this.truncated[s] = false;
    this.cgroup[s] = null;
  }
}

export class NativeProcReader {
  private readonly h: unknown;
  private readonly pageSize: number;
  private readonly timings: Timings | null;
  private readonly users: UserNames;
  private cap = 512;
  private f = new Float64Array(NPROC_COLS * this.cap);
  private u = new BigUint64Array(NPROC_COLS * this.cap);
  private readonly slots = new Slots();
  /**
   * Per slot, the read that last emitted its row (0: none since the slot was reset). A row emitted at the
   * previous read carries that read's attachments, so when they are the same() for its pid it needs no
   * lookup. Reads are counted from 2, so that 0 is never "the previous read".
   */
  private seen = new Uint32Array(this.cap);
  private reads = 1;
  private readonly root: string;
  private readonly cgroupRb = cgroupBuf();
  private readonly cgroupPaths: boolean;

  constructor(
    private readonly addon: NativeAddon,
    opts: NativeProcOptions,
  ) {
    this.cgroupPaths = opts.cgroupPaths ?? true;
    const slowMs = Math.max(opts.slowIntervalMs ?? 1000, opts.procIntervalMs);
    this.h = addon.procCreate(
      opts.procRoot ?? '/proc',
      opts.procIntervalMs,
      slowMs,
      Math.max(opts.statusIntervalMs ?? 5000, slowMs),
      opts.cmdlineRefreshMs ?? 60_000,
      opts.maxKeptFds ?? -1,
    );
    this.root = opts.procRoot ?? '/proc';
    this.pageSize = opts.pageSize;
    this.timings = opts.timings ?? null;
    this.users = new UserNames(opts.passwdPath);
    addon.procBind(this.h, this.f, this.u);
  }

  get tracked(): number {
    return this.addon.procTracked(this.h);
  }

  /** A table of at least `need` rows and slots; the per-slot columns keep what they hold. */
  private ensure(need: number): void {
    if (need <= this.cap) return;
    const old = this.cap;
    const { f, u, seen } = this;
    this.cap = Math.max(need, this.cap * 2);
    this.seen = new Uint32Array(this.cap);
    this.seen.set(seen);
    this.f = new Float64Array(NPROC_COLS * this.cap);
    this.u = new BigUint64Array(NPROC_COLS * this.cap);
    for (let c = 0; c < NPROC_COLS; c++) {
      this.f.set(f.subarray(c * old, (c + 1) * old), c * this.cap);
      this.u.set(u.subarray(c * old, (c + 1) * old), c * this.cap);
    }
    this.addon.procBind(this.h, this.f, this.u);
  }

  /** Lists the root and opens new processes (before the sample is stamped, as ProcReader.discover). The table holds a row per pid and a cell per slot. */
  discover(nowNs: bigint): void {
    this.ensure(this.addon.procDiscover(this.h, nowNs));
  }

  read(nowNs: bigint, extras: ProcExtras | null = null): ProcTable {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    let n = this.addon.procRead(this.h, nowNs);
    if (n < 0) {
      this.ensure(-n);
      n = this.addon.procRead(this.h, nowNs);
    }
    const { f, u, cap, slots, seen } = this;
    const read = ++this.reads;
    // No closure per row: this loop runs for every process at every process tick. P.SLOT and P.FLAGS are
    // per row; every other column is per slot (i = col * cap + slot) and holds the slot's last row.
    // Sized once (n is the row count): no regrowth while pushing a row per process.
    const procs = new Array<ProcSample>(n);
    let k = 0;
    for (let r = 0; r < n; r++) {
      // As int32: a slot indexes JS arrays, and a double key takes V8's generic keyed load.
      const s = f[P.SLOT * cap + r] | 0;
      const flags = f[P.FLAGS * cap + r] | 0;
      if (flags === PF_SAME_ONLY || flags === PF_SAME_SLOW) {
        // The common row: a process that has not run since its last row, and nothing new to attach:
        // nothing attached to any process and none to this one, or its row from the previous read and
        // the same attachments as then. Neither looks at the row's object.
        if (extras === null ? s < slots.bare.length && slots.bare[s] === 1 : seen[s] === read - 1 && extras.same(f[P.PID * cap + s])) {
          seen[s] = read;
          procs[k++] = slots.last[s] as ProcSample;
          continue;
        }
        const last = slots.last[s];
        if (last !== null) {
          // With nothing attached to any process this read (extras null), no lookup at all.
          const x = extras === null ? NOTHING_ATTACHED : extras.get(last.pid, last.start_time);
          seen[s] = read;
          if (carries(last, x)) {
            procs[k++] = last;
          } else {
            // Every /proc value is as in the last row: only what the other tiers attach is new.
            const now: ProcSample = { ...last, tcp: x.tcp, tcp_prev: x.tcp_prev, shim: x.shim };
            slots.setLast(s, now);
            procs[k++] = now;
          }
          continue;
        }
      }
      if (flags & PF_NEW) {
        slots.reset(s);
        seen[s] = 0;
      }
      if (flags & PF_STRINGS) {
        this.strings(s);
        // New, or comm/cmdline changed (an exec): where the TypeScript tier reads the cgroup too.
        if (this.cgroupPaths) this.slots.cgroup[s] = readCgroup(`${this.root}/${f[P.PID * cap + s]}`, this.cgroupRb) ?? this.slots.cgroup[s];
      }
      if (flags & PF_SLOW_NEW) {
        slots.slowPrev[s] = slots.slow[s];
        slots.slow[s] = {
          mono_ns: nowNs,
          rchar: counterAt(f, u, P.RCHAR * cap + s),
          wchar: counterAt(f, u, P.WCHAR * cap + s),
          read_bytes: counterAt(f, u, P.READ_BYTES * cap + s),
          write_bytes: counterAt(f, u, P.WRITE_BYTES * cap + s),
          fds: numberAt(f, P.FDS * cap + s),
        };
      }
      const pid = f[P.PID * cap + s];
      const start = f[P.START * cap + s];
      const x = attachedTo(extras, pid, start);
      const last = slots.last[s];
      seen[s] = read;
      if (flags & PF_SAME && last && carries(last, x)) {
        procs[k++] = last;
        continue;
      }
      const uid = numberAt(f, P.UID * cap + s);
      const sample: ProcSample = {
        pid,
        start_time: start,
        ppid: f[P.PPID * cap + s],
        pgrp: f[P.PGRP * cap + s],
        comm: slots.comm[s],
        cmdline: slots.cmdline[s],
        cmdline_truncated: slots.truncated[s],
        state: String.fromCharCode(f[P.STATE * cap + s]),
        kthread: f[P.KTHREAD * cap + s] === 1,
        uid,
        user: uid === null ? null : this.users.name(uid),
        cgroup: slots.cgroup[s],
        nice: f[P.NICE * cap + s],
        priority: f[P.PRIORITY * cap + s],
        threads: f[P.THREADS * cap + s],
        processor: f[P.PROCESSOR * cap + s],
        vsize_bytes: f[P.VSIZE * cap + s],
        rss_bytes: f[P.RSS_PAGES * cap + s] * this.pageSize,
        minflt: counterAt(f, u, P.MINFLT * cap + s)!,
        majflt: counterAt(f, u, P.MAJFLT * cap + s)!,
        utime: counterAt(f, u, P.UTIME * cap + s)!,
        stime: counterAt(f, u, P.STIME * cap + s)!,
        run_ns: counterAt(f, u, P.RUN * cap + s),
        wait_ns: counterAt(f, u, P.WAIT * cap + s),
        timeslices: counterAt(f, u, P.SLICES * cap + s),
        swap_bytes: numberAt(f, P.SWAP * cap + s),
        vol_ctxsw: counterAt(f, u, P.VOL * cap + s),
        invol_ctxsw: counterAt(f, u, P.INVOL * cap + s),
        slow: slots.slow[s],
        slow_prev: slots.slowPrev[s],
        tcp: x.tcp,
        tcp_prev: x.tcp_prev,
        shim: x.shim,
      };
      slots.setLast(s, sample);
      procs[k++] = sample;
    }
    procs.length = k;
    extras?.done(procs);
    if (this.timings) this.timings.add('procs', process.hrtime.bigint() - t0);
    return { mono_ns: nowNs, procs };
  }

  /** comm and cmdline of a slot, decoded as the TypeScript parsers decode them. */
  private strings(s: number): void {
    const b = this.addon.procStrings(this.h, s);
    if (b === null) return;
    const cl = b.readUInt32LE(0);
    this.slots.comm[s] = b.toString('utf8', 4, 4 + cl);
    const c = parseCmdline(b.subarray(4 + cl), Math.min(b.length - 4 - cl, CMDLINE_MAX + 1));
    this.slots.cmdline[s] = c.text;
    this.slots.truncated[s] = c.truncated;
  }

  close(): void {
    this.addon.close(this.h);
  }
}
