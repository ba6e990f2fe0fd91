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
import type { ProcExtras, ProcReaderOptions } from '../procs';
import { Timings } from '../timings';
import { UserNames } from '../users';
import type { NativeAddon } from './load';
import { counterAt, NPROC_COLS, numberAt, P, PF_NEW, PF_SAME, PF_SLOW_NEW, PF_STRINGS } from './layout';

/** The options of the TypeScript ProcReader, with the same meanings and defaults. */
export type NativeProcOptions = ProcReaderOptions;

const NO_EXTRAS: ProcExtras = () => ({ tcp: null, tcp_prev: null, shim: null });

/** What this side keeps per slot of the core (a slot is one process until PF_NEW says otherwise). */
class Slots {
  last: (ProcSample | null)[] = [];
  comm: string[] = [];
  cmdline: string[] = [];
  truncated: boolean[] = [];
  cgroup: (string | null)[] = [];
  slow: (ProcSlow | null)[] = [];
  slowPrev: (ProcSlow | null)[] = [];

  reset(s: number): void {
    this.last[s] = null;
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

  private ensure(rows: number): void {
    if (rows <= this.cap) return;
    this.cap = Math.max(rows, this.cap * 2);
    this.f = new Float64Array(NPROC_COLS * this.cap);
    this.u = new BigUint64Array(NPROC_COLS * this.cap);
    this.addon.procBind(this.h, this.f, this.u);
  }

  /** Lists the root and opens new processes (before the sample is stamped, as ProcReader.discover). */
  discover(nowNs: bigint): void {
    this.ensure(this.addon.procDiscover(this.h, nowNs));
  }

  read(nowNs: bigint, extras: ProcExtras = NO_EXTRAS): ProcTable {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    let n = this.addon.procRead(this.h, nowNs);
    if (n < 0) {
      this.ensure(-n);
      n = this.addon.procRead(this.h, nowNs);
    }
    const { f, u, cap, slots } = this;
    // No closure per row: this loop runs for every process at every process tick.
    const procs: ProcSample[] = [];
    for (let r = 0; r < n; r++) {
      const s = f[P.SLOT * cap + r];
      const flags = f[P.FLAGS * cap + r];
      if (flags & PF_NEW) slots.reset(s);
      if (flags & PF_STRINGS) {
        this.strings(s);
        // New, or comm/cmdline changed (an exec): where the TypeScript tier reads the cgroup too.
        if (this.cgroupPaths) this.slots.cgroup[s] = readCgroup(`${this.root}/${f[P.PID * cap + r]}`, this.cgroupRb) ?? this.slots.cgroup[s];
      }
      if (flags & PF_SLOW_NEW) {
        slots.slowPrev[s] = slots.slow[s];
        slots.slow[s] = {
          mono_ns: nowNs,
          rchar: counterAt(f, u, P.RCHAR * cap + r),
          wchar: counterAt(f, u, P.WCHAR * cap + r),
          read_bytes: counterAt(f, u, P.READ_BYTES * cap + r),
          write_bytes: counterAt(f, u, P.WRITE_BYTES * cap + r),
          fds: numberAt(f, P.FDS * cap + r),
        };
      }
      const pid = f[P.PID * cap + r];
      const start = f[P.START * cap + r];
      const x = extras(pid, start);
      const last = slots.last[s];
      if (flags & PF_SAME && last && x.tcp === last.tcp && x.tcp_prev === last.tcp_prev && x.shim === last.shim) {
        procs.push(last);
        continue;
      }
      const uid = numberAt(f, P.UID * cap + r);
      const sample: ProcSample = {
        pid,
        start_time: start,
        ppid: f[P.PPID * cap + r],
        pgrp: f[P.PGRP * cap + r],
        comm: slots.comm[s],
        cmdline: slots.cmdline[s],
        cmdline_truncated: slots.truncated[s],
        state: String.fromCharCode(f[P.STATE * cap + r]),
        kthread: f[P.KTHREAD * cap + r] === 1,
        uid,
        user: uid === null ? null : this.users.name(uid),
        cgroup: slots.cgroup[s],
        nice: f[P.NICE * cap + r],
        priority: f[P.PRIORITY * cap + r],
        threads: f[P.THREADS * cap + r],
        processor: f[P.PROCESSOR * cap + r],
        vsize_bytes: f[P.VSIZE * cap + r],
        rss_bytes: f[P.RSS_PAGES * cap + r] * this.pageSize,
        minflt: counterAt(f, u, P.MINFLT * cap + r)!,
        majflt: counterAt(f, u, P.MAJFLT * cap + r)!,
        utime: counterAt(f, u, P.UTIME * cap + r)!,
        stime: counterAt(f, u, P.STIME * cap + r)!,
        run_ns: counterAt(f, u, P.RUN * cap + r),
        wait_ns: counterAt(f, u, P.WAIT * cap + r),
        timeslices: counterAt(f, u, P.SLICES * cap + r),
        swap_bytes: numberAt(f, P.SWAP * cap + r),
        vol_ctxsw: counterAt(f, u, P.VOL * cap + r),
        invol_ctxsw: counterAt(f, u, P.INVOL * cap + r),
        slow: slots.slow[s],
        slow_prev: slots.slowPrev[s],
        ...x,
      };
      slots.last[s] = sample;
      procs.push(sample);
    }
    extras.done?.();
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
