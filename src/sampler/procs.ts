import * as fs from 'fs';
import { Counter, counterAdd } from '../model/counter';
import type { ProcSample, ProcSlow, ProcTable } from '../model';
import { closeQuietly, isDenied, isGone, O_READ, preadAll, ReadBuf, readOnce } from './procfile';
import { cgroupBuf, readCgroup } from './cgroup';
import { CMDLINE_MAX, parseCmdline } from './parse/cmdline';
import { parsePidIo } from './parse/pid-io';
import { parsePidStat, PF_KTHREAD, PidStat } from './parse/pid-stat';
import { parsePidStatus } from './parse/pid-status';
import { parseSchedstat, Schedstat } from './parse/schedstat';
import { FdBudget } from './fdbudget';
import { countFds, probeFdCountBySize } from './fdcount';
import { pidOf } from './pid';
import { ThreadTimes } from './threads';
import { Timings } from './timings';
import { UserNames } from './users';
import { attachedTo, bare, carries, ProcExtras } from './attach';

export interface ProcReaderOptions {
  procRoot?: string;
  passwdPath?: string;
  pageSize: number;
  /** How often the process tier runs; the slow tier is staggered across its ticks. */
  procIntervalMs: number;
  /** io and fd/ are read at most this often per process (default 1000 ms). */
  slowIntervalMs?: number;
  /** status (uid, swap, main-thread switch counts) is read this often per process (default 5000 ms). */
  statusIntervalMs?: number;
  /** Re-read a cmdline this often even if comm did not change (setproctitle). */
  cmdlineRefreshMs?: number;
  /** Kept-open fds allowed in total; processes beyond it are read with open+read+close. */
  maxKeptFds?: number;
  /**
   * Read each process's cgroup path (/proc/PID/cgroup, with its cmdline: when new, after an exec, every
   * minute). Default true; `vigil serve` serves no per-process cgroup and turns it off (cgroup: null).
   */
  cgroupPaths?: boolean;
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
  startcode: number;
  cmdline: string;
  cmdlineTruncated: boolean;
  cmdlineAt: bigint;
  cgroup: string | null;
  uid: number | null;
  swap: number | null;
  vol: Counter | null;
  invol: Counter | null;
  statusDue: bigint;
  slow: ProcSlow | null;
  slowPrev: ProcSlow | null;
  slowDue: bigint;
  /** Scheduler time summed over threads, as cumulative counters. */
  sched: ThreadTimes;
  gen: number;
  /** The last read was left out by midExec(). */
  execSkipped: boolean;
  /**
   * The last sample and the schedstat bytes it was made from: a single-threaded process whose schedstat
   * reads the same bytes again, with nothing else due, gets the same sample object back (one pread, no
   * parse, no allocation; derive sees zero deltas). Most processes of a machine sleep between ticks.
   */
  last: ProcSample | null;
  schedCopy: Buffer | null;
  /** A schedstat already read this tick by the notRun() check. */
  pendingSched: Schedstat | null;
  /** The stat bytes of `last` (statLen of them): the status tier's check of a process that has not run. */
  statCopy: Buffer | null;
  statLen: number;
  /** A stat already read this tick by the notRun() check. */
  pendingStat: PidStat | null;
}

/** stat, schedstat, status and io of one process. */
const FDS_PER_ENTRY = 4;

/**
 * Reads every process on the process tier. Files are opened once per process and re-read with pread:
 *   every tier tick: schedstat, and stat if the process ran (CPU, faults, RSS, threads, run-queue wait,
 *                    switches);
 *   once a second:   io and the fd count, staggered over the ticks (skipped while idle, see notRun);
 *   every 5 s:       status (uid, swap, main-thread switch split), the dearest file to read; for a process
 *                    that has not run, stat alone, compared with the last one's bytes (see notRun);
 *   once:            cmdline (again when comm changes, i.e. after an exec, and every minute).
 */
export class ProcReader {
  private readonly root: string;
  private readonly pageSize: number;
  private readonly slowNs: bigint;
  private readonly statusNs: bigint;
  private readonly tolNs: bigint;
  private readonly staggerSlots: number;
  private readonly procIntervalNs: bigint;
  private readonly cmdlineRefreshNs: bigint;
  private readonly budget: FdBudget;
  private readonly timings: Timings | null;
  private readonly users: UserNames;
  private readonly entries = new Map<number, Entry>();
  // Large enough that one pread of any per-process file leaves ≥ 4 KiB spare: preadAll then knows it hit EOF.
  private readonly rb = new ReadBuf(16384);
  private readonly cmdRb = new ReadBuf(CMDLINE_MAX + 1);
  private readonly cgroupRb = cgroupBuf();
  private readonly schedRb = new ReadBuf(16384); // ≥ 4 KiB spare after any read: one pread, see preadAll
  private readonly fdCountBySize: boolean;
  private readonly cgroupPaths: boolean;
  private gen = 0;
  /** What discover() listed, for the read() that follows it. */
  private listed: string[] | null = null;
  /** Pids dropped during this read and the one before: their children may have a new parent. */
  private goneNow = new Set<number>();
  private goneBefore = new Set<number>();

  constructor(opts: ProcReaderOptions) {
    this.root = opts.procRoot ?? '/proc';
    this.pageSize = opts.pageSize;
    const slowMs = Math.max(opts.slowIntervalMs ?? 1000, opts.procIntervalMs);
    this.slowNs = BigInt(Math.round(slowMs * 1e6));
    this.statusNs = BigInt(Math.round(Math.max(opts.statusIntervalMs ?? 5000, slowMs) * 1e6));
    this.procIntervalNs = BigInt(Math.round(opts.procIntervalMs * 1e6));
    // A tick that comes a little early must still count as due, or a 1 s tier would read every 2 s.
    this.tolNs = this.procIntervalNs / 2n;
    this.staggerSlots = Math.max(1, Math.floor(slowMs / opts.procIntervalMs));
    this.cmdlineRefreshNs = BigInt((opts.cmdlineRefreshMs ?? 60_000) * 1e6);
    this.budget = new FdBudget(opts.maxKeptFds);
    this.timings = opts.timings ?? null;
    this.users = new UserNames(opts.passwdPath);
    this.fdCountBySize = probeFdCountBySize(this.root);
    this.cgroupPaths = opts.cgroupPaths ?? true;
  }

  /** Number of processes with state held; for tests and the benchmark. */
  get tracked(): number {
    return this.entries.size;
  }

  /**
   * Lists /proc and opens the processes not seen before (their files, an identity read of stat, the
   * cmdline). The sampler calls this before it stamps a sample: opening is the slow part (≈ 100 ms for
   * the first scan at +300 processes), and done inside the timed read it would put the late processes'
   * first reads that far after the stamp, and their first rates off by as much (a burner read 82–94%).
   */
  discover(nowNs: bigint): void {
    this.listed = this.list();
    for (const name of this.listed) {
      const pid = pidOf(name);
      if (pid !== 0 && !this.entries.has(pid)) this.open(pid, nowNs);
    }
  }

  private list(): string[] {
    try {
      return fs.readdirSync(this.root);
    } catch (err) {
      if (isGone(err) || isDenied(err)) return [];
      throw err;
    }
  }

  read(nowNs: bigint, extras: ProcExtras | null = null): ProcTable {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    const gen = ++this.gen;
    this.goneBefore = this.goneNow;
    this.goneNow = new Set();
    const names = this.listed ?? this.list();
    this.listed = null;
    const procs: ProcSample[] = [];
    for (const name of names) {
      const pid = pidOf(name);
      if (pid === 0) continue;
      let e = this.entries.get(pid);
      let st: PidStat | null = null;
      if (e !== undefined) {
        if (this.notRun(e, nowNs, extras)) {
          e.gen = gen;
          procs.push(e.last as ProcSample);
          continue;
        }
        st = e.pendingStat ?? this.readStat(e);
        e.pendingStat = null;
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
      if (this.midExec(e, st as PidStat)) {
        e.gen = gen;
        e.pendingSched = null; // read again on the next tick, with the rest
        const last = e.last;
        if (last === null) continue;
        const x = attachedTo(extras, e.pid, e.start);
        const now = carries(last, x) ? last : { ...last, tcp: x.tcp, tcp_prev: x.tcp_prev, shim: x.shim };
        e.last = now;
        procs.push(now);
        continue;
      }
      const sample = this.update(e, st as PidStat, nowNs, extras);
      if (sample === null) {
        this.drop(e);
        continue;
      }
      e.gen = gen;
      e.last = sample;
      procs.push(sample);
    }
    extras?.done(procs);
    for (const e of this.entries.values()) if (e.gen !== gen) this.drop(e);
    if (this.timings) this.timings.add('procs', process.hrtime.bigint() - t0);
    return { mono_ns: nowNs, procs };
  }

  close(): void {
    for (const e of [...this.entries.values()]) this.drop(e);
  }

  private open(pid: number, nowNs: bigint): [Entry, PidStat] | null {
    const base = `${this.root}/${pid}`;
    const keep = this.budget.take(FDS_PER_ENTRY);
    const e: Entry = {
      pid, start: -1, base, statFd: null, schedFd: null, statusFd: null, ioFd: null, ioDenied: false,
      noSchedstat: false, comm: '', startcode: 0, cmdline: '', cmdlineTruncated: false, cmdlineAt: nowNs, cgroup: null, uid: null,
      swap: null, vol: null, invol: null, statusDue: nowNs, slow: null, slowPrev: null, slowDue: nowNs, sched: new ThreadTimes(base, this.budget), gen: 0, execSkipped: false,
      last: null, schedCopy: null, pendingSched: null, statCopy: null, statLen: 0, pendingStat: null,
    };
    if (keep) {
      try {
        e.statFd = fs.openSync(`${base}/stat`, O_READ);
      } catch (err) {
        this.budget.give(FDS_PER_ENTRY);
        if (isGone(err) || isDenied(err)) return null;
        // Out of fds after all (EMFILE/ENFILE): read this process without kept fds.
        if ((err as NodeJS.ErrnoException).code !== 'EMFILE' && (err as NodeJS.ErrnoException).code !== 'ENFILE') throw err;
      }
      if (e.statFd !== null) {
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
    e.startcode = st.startcode;
    this.readCmdline(e, nowNs);
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
    const n = this.readFile(e.statFd, e.base, 'stat');
    if (n === null) return null;
    this.keepStat(e, this.rb.buf, n);
    return parsePidStat(this.rb.buf, n);
  }

  /** Keeps the bytes of the stat a sample is made from, in a buffer of the entry's own reused across reads. */
  private keepStat(e: Entry, buf: Buffer, n: number): void {
    if (e.statCopy === null || e.statCopy.length < n) e.statCopy = Buffer.allocUnsafe(Math.max(n, 512));
    buf.copy(e.statCopy, 0, 0, n);
    e.statLen = n;
  }

  /**
   * Whether the process's last sample carries what the other tiers attach this read. A sample emitted at
   * the previous read (e.gen) carries that read's attachments: when they are the same() for its pid, no
   * lookup. With no extras at all, it must carry nothing.
   */
  private stillCarries(e: Entry, last: ProcSample, extras: ProcExtras | null): boolean {
    if (extras === null) return bare(last);
    if (e.gen === this.gen - 1 && extras.same(e.pid)) return true;
    return carries(last, extras.get(e.pid, e.start));
  }

  /**
   * Whether the process's previous sample still holds because the process has not run since it was
   * taken: it is single-threaded and its schedstat (on-CPU ns, run-queue ns, times scheduled in) reads
   * the same bytes. Everything else in stat, io and fd/ moves only while the process runs, except:
   *   - memory reclaim (RSS down) and a renice by another process: on the status tier (5 s) stat is
   *     read and compared (statUnchanged), which bounds that staleness;
   *   - a new parent when the old one exits: a process whose parent left in this read or the last one
   *     is read in full.
   * Schedstat is read first because it is the cheapest per-process file (≈ 2.4 µs against 6 µs for stat
   * here). Only through a kept fd: that fd can never read a different process that reused the pid.
   * A due io/fd read can be skipped only when its last two reads were equal (a rate of 0 on screen).
   * A schedstat that moved is kept for readSchedstat, not read twice.
   */
  private notRun(e: Entry, nowNs: bigint, extras: ProcExtras | null): boolean {
    const last = e.last;
    const sc = e.schedCopy;
    // After a tick left out inside execve, the exec's end may lie in a schedstat already taken: read in full.
    if (last === null || sc === null || e.schedFd === null || last.threads !== 1 || e.execSkipped) return false;
    if (nowNs - e.cmdlineAt >= this.cmdlineRefreshNs) return false;
    if (nowNs >= e.slowDue && !(e.slow !== null && sameSlow(e.slow, e.slowPrev))) return false;
    if (this.goneNow.has(last.ppid) || this.goneBefore.has(last.ppid)) return false;
    if (!this.stillCarries(e, last, extras)) return false;
    let m: number | null;
    try {
      m = preadAll(e.schedFd, this.schedRb);
    } catch (err) {
      if (!isGone(err) && !isDenied(err)) throw err;
      return false; // the stat read that follows finds it gone
    }
    if (sc.length !== m || this.schedRb.buf.compare(sc, 0, m, 0, m) !== 0) {
      e.pendingSched = parseSchedstat(this.schedRb.buf, m);
      e.schedCopy = Buffer.from(this.schedRb.buf.subarray(0, m));
      return false;
    }
    return nowNs < e.statusDue || this.statUnchanged(e, nowNs);
  }

  /**
   * The status tier's check of a process that has not run: what can change without it running (RSS and
   * swap under reclaim, nice under renice, its parent, pending signals) is all in stat, so the same stat
   * bytes mean the same sample, and status (uid, swap, switch counts) is not read. Different bytes: a full
   * read, which uses this stat rather than reading it again.
   */
  private statUnchanged(e: Entry, nowNs: bigint): boolean {
    let n: number | null;
    try {
      n = preadAll(e.statFd!, this.schedRb);
    } catch (err) {
      if (!isGone(err) && !isDenied(err)) throw err;
      return false;
    }
    if (e.statCopy !== null && n === e.statLen && this.schedRb.buf.compare(e.statCopy, 0, n, 0, n) === 0) {
      e.statusDue = nowNs + this.statusNs - this.tolNs;
      return true;
    }
    this.keepStat(e, this.schedRb.buf, n);
    e.pendingStat = parsePidStat(this.schedRb.buf, n);
    return false;
  }

  /**
   * Whether this read caught the process inside execve, to be left for one tick: the kernel has already
   * given it the new image's name and an empty new address space (vsize > 0: the stack is set up) but has
   * not mapped the new program yet (startcode 0), and its command line is the old one or empty. Read now,
   * it would be one sample of an identity that exists for microseconds: a spurious entity in a recording.
   * The old sample stands for this tick (a new process has none and waits for the next one). Only one tick:
   * a process that keeps a zero startcode (no mm is vsize 0; kernel threads are flagged) is read as it is.
   */
  private midExec(e: Entry, st: PidStat): boolean {
    const skip = !e.execSkipped && st.startcode === 0 && st.vsize > 0 && (st.flags & PF_KTHREAD) === 0;
    e.execSkipped = skip;
    return skip;
  }

  /** Reads a per-process file through its kept fd, or open+read+close without one. null: gone or denied. */
  private readFile(fd: number | null, base: string, name: string): number | null {
    // The path is built only without a kept fd: a string per process per tick is garbage to collect.
    if (fd === null) return readOnce(`${base}/${name}`, this.rb);
    try {
      return preadAll(fd, this.rb);
    } catch (err) {
      if (isGone(err) || isDenied(err)) return null;
      throw err;
    }
  }

  private readCmdline(e: Entry, nowNs: bigint): void {
    if (this.cgroupPaths) e.cgroup = readCgroup(e.base, this.cgroupRb) ?? e.cgroup;
    const n = readOnce(`${e.base}/cmdline`, this.cmdRb, CMDLINE_MAX + 1);
    e.cmdlineAt = nowNs;
    if (n === null) return;
    const c = parseCmdline(this.cmdRb.buf, n);
    e.cmdline = c.text;
    e.cmdlineTruncated = c.truncated;
  }

  private update(e: Entry, st: PidStat, nowNs: bigint, extras: ProcExtras | null): ProcSample | null {
    // An exec keeps pid and start time but brings a new image (new comm, or at least a new code address):
    // the command line changed with it. A process first read between fork and exec had its parent's.
    // The same program with none mapped any more (startcode 0: exiting, a zombie) reads an empty command
    // line: the last one stands, and the identity with it. A new comm is always read: an exec happened.
    if (st.comm !== e.comm || st.startcode !== e.startcode || nowNs - e.cmdlineAt >= this.cmdlineRefreshNs) {
      if (st.comm !== e.comm || st.startcode !== 0) this.readCmdline(e, nowNs);
      else e.cmdlineAt = nowNs;
      e.comm = st.comm;
      e.startcode = st.startcode;
    }
    if (!e.noSchedstat) this.readSchedstat(e, st, nowNs);
    // The first slow read after discovery is pushed by up to one slow interval, by pid: 1000 processes
    // found on the same tick then spread their io/fd reads over the ticks instead of all landing on one.
    const stagger = (first: boolean, every: bigint): bigint =>
      first ? BigInt(e.pid % this.staggerSlots) * this.procIntervalNs * (every / this.slowNs) : 0n;
    if (nowNs >= e.statusDue) {
      if (!this.readStatus(e)) return null;
      e.statusDue = nowNs + this.statusNs - this.tolNs - stagger(e.slow === null, this.statusNs);
    }
    if (nowNs >= e.slowDue) {
      const slow = this.readSlow(e, nowNs);
      // No I/O and the same fds across three reads: the old pair still says it (a rate of 0), and keeping
      // it keeps the process's sample unchanged.
      if (!(sameSlow(slow, e.slow) && sameSlow(slow, e.slowPrev))) {
        e.slowPrev = e.slow;
        e.slow = slow;
      }
      e.slowDue = nowNs + this.slowNs - this.tolNs - stagger(e.slowPrev === null, this.slowNs);
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
      cgroup: e.cgroup,
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
      run_ns: e.sched.run,
      wait_ns: e.sched.wait,
      timeslices: e.sched.slices,
      swap_bytes: e.swap,
      vol_ctxsw: e.vol,
      invol_ctxsw: e.invol,
      slow: e.slow,
      slow_prev: e.slowPrev,
      ...attachedTo(extras, e.pid, e.start),
    };
  }

  /** Scheduler times: the process's own schedstat when it has one thread, per thread otherwise. */
  private readSchedstat(e: Entry, st: PidStat, nowNs: bigint): void {
    let s = e.pendingSched;
    e.pendingSched = null;
    if (s === null) {
      const n = this.readFile(e.schedFd, e.base, 'schedstat');
      s = n === null ? null : parseSchedstat(this.rb.buf, n);
      if (n !== null && st.threads <= 1) e.schedCopy = Buffer.from(this.rb.buf.subarray(0, n));
    }
    if (s === null) {
      if (e.schedFd === null) e.noSchedstat = true;
      return;
    }
    if (st.threads <= 1) e.sched.updateSingle(e.pid, s);
    else e.sched.updateMulti(st.threads, this.rb, { ticks: counterAdd(st.utime, st.stime), main: s, nowNs });
  }

  /** /proc/PID/status: uid, swap, switch counts. false if the process is gone. */
  private readStatus(e: Entry): boolean {
    const n = this.readFile(e.statusFd, e.base, 'status');
    if (n === null) return false;
    const status = parsePidStatus(this.rb.buf, n);
    if (status.uid !== null) e.uid = status.uid;
    e.swap = status.swap_bytes;
    e.vol = status.vol_ctxsw;
    e.invol = status.invol_ctxsw;
    return true;
  }

  /** io and the fd count. */
  private readSlow(e: Entry, nowNs: bigint): ProcSlow {
    let io = null;
    if (!e.ioDenied) {
      const m = this.readFile(e.ioFd, e.base, 'io');
      if (m === null) e.ioDenied = true;
      else io = parsePidIo(this.rb.buf, m);
    }
    return {
      mono_ns: nowNs,
      rchar: io?.rchar ?? null,
      wchar: io?.wchar ?? null,
      read_bytes: io?.read_bytes ?? null,
      write_bytes: io?.write_bytes ?? null,
      fds: this.countFds(e),
    };
  }

  /** One stat of /proc/PID/fd on Linux 6.2+ (fdcount.ts). */
  private countFds(e: Entry): number | null {
    const dir = `${e.base}/fd`;
    try {
      return countFds(dir, this.fdCountBySize);
    } catch {
      return null;
    }
  }

  private closeFds(e: Entry): void {
    if (e.statFd !== null) this.budget.give(FDS_PER_ENTRY);
    e.sched.closeAll();
    closeQuietly(e.statFd);
    closeQuietly(e.schedFd);
    closeQuietly(e.statusFd);
    closeQuietly(e.ioFd);
    e.statFd = e.schedFd = e.statusFd = e.ioFd = null;
  }

  private drop(e: Entry): void {
    this.goneNow.add(e.pid);
    this.closeFds(e);
    if (this.entries.get(e.pid) === e) this.entries.delete(e.pid);
  }
}

/** Same io counters and fd count (the times aside). */
function sameSlow(a: ProcSlow, b: ProcSlow | null): boolean {
  return (
    b !== null && a.rchar === b.rchar && a.wchar === b.wchar && a.read_bytes === b.read_bytes && a.write_bytes === b.write_bytes && a.fds === b.fds
  );
}
