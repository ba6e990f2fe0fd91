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

  constructor(
    private readonly addon: NativeAddon,
    opts: NativeProcOptions,
  ) {
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
    const procs: ProcSample[] = [];
    for (let r = 0; r < n; r++) {
      const s = f[P.SLOT * cap + r];
      const flags = f[P.FLAGS * cap + r];
      if (flags & PF_NEW) slots.reset(s);
      if (flags & PF_STRINGS) {
        this.strings(s);
        // New, or comm/cmdline changed (an exec): where the TypeScript tier reads the cgroup too.
        this.slots.cgroup[s] = readCgroup(`${this.root}/${f[P.PID * cap + r]}`, this.cgroupRb) ?? this.slots.cgroup[s];
      }
      const at = (col: number) => col * cap + r;
      if (flags & PF_SLOW_NEW) {
        slots.slowPrev[s] = slots.slow[s];
        slots.slow[s] = {
          mono_ns: nowNs,
          rchar: counterAt(f, u, at(P.RCHAR)),
          wchar: counterAt(f, u, at(P.WCHAR)),
          read_bytes: counterAt(f, u, at(P.READ_BYTES)),
          write_bytes: counterAt(f, u, at(P.WRITE_BYTES)),
          fds: numberAt(f, at(P.FDS)),
        };
      }
      const pid = f[at(P.PID)];
      const start = f[at(P.START)];
      const x = extras(pid, start);
      const last = slots.last[s];
      if (flags & PF_SAME && last && x.tcp === last.tcp && x.tcp_prev === last.tcp_prev && x.shim === last.shim) {
        procs.push(last);
        continue;
      }
      const uid = numberAt(f, at(P.UID));
      const sample: ProcSample = {
        pid,
        start_time: start,
        ppid: f[at(P.PPID)],
        pgrp: f[at(P.PGRP)],
        comm: slots.comm[s],
        cmdline: slots.cmdline[s],
        cmdline_truncated: slots.truncated[s],
        state: String.fromCharCode(f[at(P.STATE)]),
        kthread: f[at(P.KTHREAD)] === 1,
        uid,
        user: uid === null ? null : this.users.name(uid),
        cgroup: slots.cgroup[s],
        nice: f[at(P.NICE)],
        priority: f[at(P.PRIORITY)],
        threads: f[at(P.THREADS)],
        processor: f[at(P.PROCESSOR)],
        vsize_bytes: f[at(P.VSIZE)],
        rss_bytes: f[at(P.RSS_PAGES)] * this.pageSize,
        minflt: counterAt(f, u, at(P.MINFLT))!,
        majflt: counterAt(f, u, at(P.MAJFLT))!,
        utime: counterAt(f, u, at(P.UTIME))!,
        stime: counterAt(f, u, at(P.STIME))!,
        run_ns: counterAt(f, u, at(P.RUN)),
        wait_ns: counterAt(f, u, at(P.WAIT)),
        timeslices: counterAt(f, u, at(P.SLICES)),
        swap_bytes: numberAt(f, at(P.SWAP)),
        vol_ctxsw: counterAt(f, u, at(P.VOL)),
        invol_ctxsw: counterAt(f, u, at(P.INVOL)),
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
