import * as fs from 'fs';
import { Counter, counterAdd, counterDelta } from '../counter';
import type { ProcSample, ProcSlow, ProcTable } from '../model';
import { closeQuietly, isDenied, isGone, O_READ, preadAll, ReadBuf, readOnce } from './procfile';
import { CMDLINE_MAX, parseCmdline } from './parse/cmdline';
import { parsePidIo } from './parse/pid-io';
import { parsePidStat, PF_KTHREAD, PidStat } from './parse/pid-stat';
import { parsePidStatus } from './parse/pid-status';
import { parseSchedstat, Schedstat } from './parse/schedstat';
import { Timings } from './timings';
import { UserNames } from './users';

export interface ProcReaderOptions {
  procRoot?: string;
  passwdPath?: string;
  pageSize: number;
  /** How often the process tier runs; the slow tier is staggered across its ticks. */
  procIntervalMs: number;
  /** status, io and fd/ are read at most this often per process (default 1000 ms). */
  slowIntervalMs?: number;
  /** Re-read a cmdline this often even if comm did not change (setproctitle). */
  cmdlineRefreshMs?: number;
  /** Kept-open fds allowed in total; processes beyond it are read with open+read+close. */
  maxKeptFds?: number;
  timings?: Timings | null;
}

/** Per-process reader state. The fds are bound to one task: after it exits they read ESRCH, never another pid's data. */
interface Entry {
  pid: number;
  start: number;
  base: string;
  statFd: number | null;
  schedFd: number | null;
  statusFd: number | null;
  ioFd: number | null;
  ioDenied: boolean;
  noSchedstat: boolean;
  comm: string;
  cmdline: string;
  cmdlineTruncated: boolean;
  cmdlineAt: bigint;
  uid: number | null;
  slow: ProcSlow | null;
  slowPrev: ProcSlow | null;
  slowDue: bigint;
  /** Last schedstat per thread id, to sum per-thread deltas into the process's cumulative counters. */
  tids: Map<number, Schedstat>;
  run: Counter | null;
  wait: Counter | null;
  slices: Counter | null;
  gen: number;
}

const FDS_PER_ENTRY = 4;

/**
 * Reads every process on the process tier. Files are opened once per process and re-read with pread;
 * status, io and the fd count come at most once a second per process, staggered over the ticks; the
 * cmdline once per identity (again when comm changes, i.e. after an exec, and every minute).
 */
export class ProcReader {
  private readonly root: string;
  private readonly pageSize: number;
  private readonly slowNs: bigint;
  private readonly tolNs: bigint;
  private readonly staggerSlots: number;
  private readonly procIntervalNs: bigint;
  private readonly cmdlineRefreshNs: bigint;
  private readonly maxKeptEntries: number;
  private readonly timings: Timings | null;
  private readonly users: UserNames;
  private readonly entries = new Map<number, Entry>();
  private readonly rb = new ReadBuf(4096);
  private readonly cmdRb = new ReadBuf(CMDLINE_MAX + 1);
  private readonly fdCountBySize: boolean;
  private keptEntries = 0;
  private gen = 0;

  constructor(opts: ProcReaderOptions) {
    this.root = opts.procRoot ?? '/proc';
    this.pageSize = opts.pageSize;
    const slowMs = Math.max(opts.slowIntervalMs ?? 1000, opts.procIntervalMs);
    this.slowNs = BigInt(Math.round(slowMs * 1e6));
    this.procIntervalNs = BigInt(Math.round(opts.procIntervalMs * 1e6));
    // A tick that comes a little early must still count as due, or a 1 s tier would read every 2 s.
    this.tolNs = this.procIntervalNs / 2n;
    this.staggerSlots = Math.max(1, Math.floor(slowMs / opts.procIntervalMs));
    this.cmdlineRefreshNs = BigInt((opts.cmdlineRefreshMs ?? 60_000) * 1e6);
    this.maxKeptEntries = Math.floor((opts.maxKeptFds ?? keptFdBudget()) / FDS_PER_ENTRY);
    this.timings = opts.timings ?? null;
    this.users = new UserNames(opts.passwdPath);
    this.fdCountBySize = probeFdCountBySize(this.root);
  }

  /** Number of processes with state held; for tests and the benchmark. */
  get tracked(): number {
    return this.entries.size;
  }

  read(nowNs: bigint): ProcTable {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    const gen = ++this.gen;
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch (err) {
      if (isGone(err) || isDenied(err)) names = [];
      else throw err;
    }
    const procs: ProcSample[] = [];
    for (const name of names) {
      const pid = pidOf(name);
      if (pid === 0) continue;
      let e = this.entries.get(pid);
      let st: PidStat | null = null;
      if (e !== undefined) {
        st = this.readStat(e);
        // Gone, or the pid now belongs to another process: a new identity, a new baseline.
        if (st === null || st.starttime !== e.start) {
          this.drop(e);
          e = undefined;
          st = null;
        }
      }
      if (e === undefined) {
        const opened = this.open(pid, nowNs);
        if (opened === null) continue;
        [e, st] = opened;
      }
      const sample = this.update(e, st as PidStat, nowNs);
      if (sample === null) {
        this.drop(e);
        continue;
      }
      e.gen = gen;
      procs.push(sample);
    }
    for (const e of this.entries.values()) if (e.gen !== gen) this.drop(e);
    if (this.timings) this.timings.add('procs', process.hrtime.bigint() - t0);
    return { mono_ns: nowNs, procs };
  }

  close(): void {
    for (const e of [...this.entries.values()]) this.drop(e);
  }

  private open(pid: number, nowNs: bigint): [Entry, PidStat] | null {
    const base = `${this.root}/${pid}`;
    const keep = this.keptEntries < this.maxKeptEntries;
    const e: Entry = {
      pid, start: -1, base, statFd: null, schedFd: null, statusFd: null, ioFd: null, ioDenied: false,
      noSchedstat: false, comm: '', cmdline: '', cmdlineTruncated: false, cmdlineAt: nowNs, uid: null,
      slow: null, slowPrev: null, slowDue: nowNs, tids: new Map(), run: null, wait: null, slices: null, gen: 0,
    };
    if (keep) {
      try {
        e.statFd = fs.openSync(`${base}/stat`, O_READ);
      } catch (err) {
        if (isGone(err) || isDenied(err)) return null;
        if ((err as NodeJS.ErrnoException).code !== 'EMFILE' && (err as NodeJS.ErrnoException).code !== 'ENFILE') throw err;
      }
      if (e.statFd !== null) {
        this.keptEntries++;
        e.schedFd = this.openOptional(`${base}/schedstat`, e, 'sched');
        e.statusFd = this.openOptional(`${base}/status`, e, 'status');
        e.ioFd = this.openOptional(`${base}/io`, e, 'io');
      }
    }
    // The fds were all opened before this read: if stat still reads, they all belong to this process.
    const st = this.readStat(e);
    if (st === null) {
      this.closeFds(e);
      return null;
    }
    e.start = st.starttime;
    e.comm = st.comm;
    this.readCmdline(e, nowNs);
    // Spread the slow tier over the ticks of one slow interval, so 1000 processes do not all read status
    // on the same tick (the first read is now: the uid is needed from the start).
    e.slowDue = nowNs;
    this.entries.set(pid, e);
    return [e, st];
  }

  private openOptional(path: string, e: Entry, what: 'sched' | 'status' | 'io'): number | null {
    try {
      return fs.openSync(path, O_READ);
    } catch (err) {
      if (isDenied(err) && what === 'io') e.ioDenied = true;
      if (isGone(err) && what === 'sched') e.noSchedstat = true;
      return null;
    }
  }

  private readStat(e: Entry): PidStat | null {
    const n = this.readFile(e.statFd, `${e.base}/stat`);
    return n === null ? null : parsePidStat(this.rb.buf, n);
  }

  /** Reads a per-process file through its kept fd, or open+read+close without one. null: gone or denied. */
  private readFile(fd: number | null, path: string): number | null {
    if (fd === null) return readOnce(path, this.rb);
    try {
      return preadAll(fd, this.rb);
    } catch (err) {
      if (isGone(err) || isDenied(err)) return null;
      throw err;
    }
  }

  private readCmdline(e: Entry, nowNs: bigint): void {
    const n = readOnce(`${e.base}/cmdline`, this.cmdRb, CMDLINE_MAX + 1);
    e.cmdlineAt = nowNs;
    if (n === null) return;
    const c = parseCmdline(this.cmdRb.buf, n);
    e.cmdline = c.text;
    e.cmdlineTruncated = c.truncated;
  }

  private update(e: Entry, st: PidStat, nowNs: bigint): ProcSample | null {
    // comm changes on exec (same pid, same start time): the command line changed with it.
    if (st.comm !== e.comm || nowNs - e.cmdlineAt >= this.cmdlineRefreshNs) {
      e.comm = st.comm;
      this.readCmdline(e, nowNs);
    }
    if (!e.noSchedstat) this.readSchedstat(e, st.threads);
    if (nowNs >= e.slowDue) {
      const slow = this.readSlow(e, nowNs);
      if (slow === null) return null;
      e.slowPrev = e.slow;
      e.slow = slow;
      const stagger = e.slowPrev === null ? BigInt(e.pid % this.staggerSlots) * this.procIntervalNs : 0n;
      e.slowDue = nowNs + this.slowNs - this.tolNs - stagger;
    }
    return {
      pid: e.pid,
      start_time: e.start,
      ppid: st.ppid,
      pgrp: st.pgrp,
      comm: st.comm,
      cmdline: e.cmdline,
      cmdline_truncated: e.cmdlineTruncated,
      state: st.state,
      kthread: (st.flags & PF_KTHREAD) !== 0,
      uid: e.uid,
      user: e.uid === null ? null : this.users.name(e.uid),
      nice: st.nice,
      priority: st.priority,
      threads: st.threads,
      processor: st.processor,
      vsize_bytes: st.vsize,
      rss_bytes: st.rss * this.pageSize,
      minflt: st.minflt,
      majflt: st.majflt,
      utime: st.utime,
      stime: st.stime,
      run_ns: e.run,
      wait_ns: e.wait,
      timeslices: e.slices,
      slow: e.slow,
      slow_prev: e.slowPrev,
    };
  }

  /**
   * /proc/PID/schedstat covers the main thread only. A multithreaded process's time is the sum over
   * /proc/PID/task/TID/schedstat, kept as a cumulative counter: run += Σ per-thread Δ (a thread first seen
   * counts from zero, i.e. with its whole value; a thread that exited loses only its last partial interval).
   */
  private readSchedstat(e: Entry, threads: number): void {
    let dRun = 0;
    let dWait = 0;
    let dSlices = 0;
    const first = e.run === null;
    const seen = (tid: number, s: Schedstat): void => {
      const p = e.tids.get(tid);
      const r = p === undefined ? null : counterDelta(p.run_ns, s.run_ns);
      const w = p === undefined ? null : counterDelta(p.wait_ns, s.wait_ns);
      const n = p === undefined ? null : counterDelta(p.timeslices, s.timeslices);
      // Unknown or reused thread id: its whole value is new time.
      dRun += r ?? Number(s.run_ns);
      dWait += w ?? Number(s.wait_ns);
      dSlices += n ?? Number(s.timeslices);
    };
    if (threads <= 1) {
      const n = this.readFile(e.schedFd, `${e.base}/schedstat`);
      const s = n === null ? null : parseSchedstat(this.rb.buf, n);
      if (s === null) {
        if (n === null && e.schedFd === null) e.noSchedstat = true;
        return;
      }
      if (first) [e.run, e.wait, e.slices] = [s.run_ns, s.wait_ns, s.timeslices];
      else seen(e.pid, s);
      if (e.tids.size !== 1 || !e.tids.has(e.pid)) e.tids.clear();
      e.tids.set(e.pid, s);
    } else {
      let tids: string[];
      try {
        tids = fs.readdirSync(`${e.base}/task`);
      } catch {
        return;
      }
      const next = new Map<number, Schedstat>();
      let run: Counter = 0;
      let wait: Counter = 0;
      let slices: Counter = 0;
      for (const name of tids) {
        const tid = pidOf(name);
        if (tid === 0) continue;
        const n = readOnce(`${e.base}/task/${name}/schedstat`, this.rb);
        const s = n === null ? null : parseSchedstat(this.rb.buf, n);
        if (s === null) continue;
        next.set(tid, s);
        if (first) {
          run = counterAdd(run, s.run_ns);
          wait = counterAdd(wait, s.wait_ns);
          slices = counterAdd(slices, s.timeslices);
        } else seen(tid, s);
      }
      e.tids = next;
      if (first) [e.run, e.wait, e.slices] = [run, wait, slices];
    }
    if (!first) {
      e.run = counterAdd(e.run as Counter, dRun);
      e.wait = counterAdd(e.wait as Counter, dWait);
      e.slices = counterAdd(e.slices as Counter, dSlices);
    }
  }

  /** status, io and the fd count. null if the process is gone. */
  private readSlow(e: Entry, nowNs: bigint): ProcSlow | null {
    const n = this.readFile(e.statusFd, `${e.base}/status`);
    if (n === null) return null;
    const status = parsePidStatus(this.rb.buf, n);
    if (status.uid !== null) e.uid = status.uid;
    let io = null;
    if (!e.ioDenied) {
      const m = this.readFile(e.ioFd, `${e.base}/io`);
      if (m === null) e.ioDenied = true;
      else io = parsePidIo(this.rb.buf, m);
    }
    return {
      mono_ns: nowNs,
      vol_ctxsw: status.vol_ctxsw,
      invol_ctxsw: status.invol_ctxsw,
      swap_bytes: status.swap_bytes,
      rchar: io?.rchar ?? null,
      wchar: io?.wchar ?? null,
      read_bytes: io?.read_bytes ?? null,
      write_bytes: io?.write_bytes ?? null,
      fds: this.countFds(e),
    };
  }

  /** Linux 6.2+ reports the number of open fds as the size of /proc/PID/fd: one stat, no directory walk. */
  private countFds(e: Entry): number | null {
    const dir = `${e.base}/fd`;
    try {
      return this.fdCountBySize ? fs.statSync(dir).size : fs.readdirSync(dir).length;
    } catch {
      return null;
    }
  }

  private closeFds(e: Entry): void {
    if (e.statFd !== null) this.keptEntries--;
    closeQuietly(e.statFd);
    closeQuietly(e.schedFd);
    closeQuietly(e.statusFd);
    closeQuietly(e.ioFd);
    e.statFd = e.schedFd = e.statusFd = e.ioFd = null;
  }

  private drop(e: Entry): void {
    this.closeFds(e);
    if (this.entries.get(e.pid) === e) this.entries.delete(e.pid);
  }
}

/** The pid a /proc entry name stands for, or 0 for anything that is not all digits. */
export function pidOf(name: string): number {
  const n = name.length;
  if (n === 0 || n > 10) return 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return 0;
    v = v * 10 + c;
  }
  return v;
}

function probeFdCountBySize(root: string): boolean {
  try {
    const size = fs.statSync(`${root}/self/fd`).size;
    // A real /proc/self/fd has at least stdin..stderr open; a kernel before 6.2 reports 0.
    return size > 0 && fs.readdirSync(`${root}/self/fd`).length > 0 && size < 1 << 20 && root === '/proc';
  } catch {
    return false;
  }
}

/** Most of the soft RLIMIT_NOFILE, leaving room for everything else vigil opens. */
function keptFdBudget(): number {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'latin1');
    const m = /^Max open files\s+(\d+)/m.exec(limits);
    if (m) return Math.max(0, Number(m[1]) - 256);
  } catch {
    // Unknown limit: assume the common default.
  }
  return 1024 - 256;
}
