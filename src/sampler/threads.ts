import * as fs from 'fs';
import * as path from 'path';
import { Counter, counterAdd, counterDelta } from '../model/counter';
import { FdBudget } from './fdbudget';
import { closeQuietly, isDenied, isGone, O_READ, preadAll, ReadBuf, readOnce } from './procfile';
import { parseSchedstat, Schedstat } from './parse/schedstat';
import { pidOf } from './pid';

/** Idle multithreaded processes still get every thread read this often. */
const FULL_READ_NS = 5_000_000_000n;

interface ThreadState {
  fd: number | null;
  last: Schedstat | null;
}

/**
 * A process's scheduler time summed over its threads. /proc/PID/schedstat covers the main thread only,
 * so a multithreaded process is read per thread (/proc/PID/task/TID/schedstat) and kept as cumulative
 * counters:  run += Σ per-thread Δrun  (likewise wait and timeslices). A thread first seen adds its whole
 * value (it started after the previous read); a thread that exited loses only its last partial interval.
 *
 * Thread fds are kept open like the process's own files. The task/ directory is listed again only when
 * the thread count in /proc/PID/stat changed or a kept fd reports its thread gone: thread churn is what
 * makes a listing necessary, and both of those see it.
 */
export class ThreadTimes {
  run: Counter | null = null;
  wait: Counter | null = null;
  slices: Counter | null = null;
  private threads = new Map<number, ThreadState>();
  private listedFor = -1;
  /** What the last full read saw of the whole process, to tell whether its threads can have moved. */
  private seen: { ticks: Counter; run: Counter; wait: Counter; atNs: bigint } | null = null;
  /** The main thread (tid = pid): /proc/PID/schedstat, read just before updateMulti, is its schedstat. */
  private readonly mainTid: number;

  constructor(
    private readonly base: string,
    private readonly budget: FdBudget,
  ) {
    this.mainTid = pidOf(path.basename(base));
  }

  /** Reads the main thread through the process's own schedstat fd (single-threaded processes). */
  updateSingle(pid: number, s: Schedstat): void {
    this.seen = null;
    // The main thread's last read is the baseline whether it was read alone or with its siblings: going
    // from N threads to one must add only its Δ, never its whole lifetime (issue 17: 1884 % after a join).
    const last = this.threads.get(pid)?.last ?? null;
    if (this.threads.size !== 1 || !this.threads.has(pid)) this.closeAll();
    this.accumulate([[last, s]]);
    this.threads.set(pid, { fd: null, last: s });
    this.listedFor = 1;
  }

  /**
   * Reads every thread, unless nothing says any of them ran or waited since the last read: the process's
   * CPU ticks (utime + stime, all threads, in /proc/PID/stat) did not move, nor did its main thread's
   * schedstat. Less than one tick (10 ms) of CPU can then have gone unread; it is not lost, the cumulative
   * counters take it at the next read, which happens at least every FULL_READ_NS. Most threads of most
   * processes sleep: this keeps a machine's thousands of idle threads from costing a read each per tick.
   * Returns false if the task list could not be read (the process is gone).
   */
  updateMulti(threadCount: number, rb: ReadBuf, hint?: { ticks: Counter; main: Schedstat; nowNs: bigint }): boolean {
    if (hint !== undefined) {
      const w = this.seen;
      if (
        w !== null && threadCount === this.listedFor && hint.nowNs - w.atNs < FULL_READ_NS &&
        w.ticks === hint.ticks && w.run === hint.main.run_ns && w.wait === hint.main.wait_ns
      ) {
        return true;
      }
      this.seen = { ticks: hint.ticks, run: hint.main.run_ns, wait: hint.main.wait_ns, atNs: hint.nowNs };
    }
    // Read into `got` first and commit at the end, so that a relist half way keeps what was read.
    const got = new Map<number, Schedstat>();
    // The main thread is not read again under task/ (as native/sampler/threads.c).
    const main = hint?.main ?? null;
    let relist = this.listedFor !== threadCount;
    if (!relist) {
      for (const [tid, st] of this.threads) {
        const s = this.readThread(tid, st, rb, main);
        if (s === null) {
          relist = true; // a thread exited: others may have started
          break;
        }
        got.set(tid, s);
      }
    }
    let next = this.threads;
    if (relist) {
      let names: string[];
      try {
        names = fs.readdirSync(`${this.base}/task`);
      } catch {
        return false;
      }
      next = new Map();
      for (const name of names) {
        const tid = pidOf(name);
        if (tid === 0) continue;
        const st = this.threads.get(tid) ?? { fd: main !== null && tid === this.mainTid ? null : this.openThread(tid), last: null };
        const s = got.get(tid) ?? this.readThread(tid, st, rb, main);
        if (s === null) {
          this.release(st);
          continue;
        }
        got.set(tid, s);
        next.set(tid, st);
      }
      for (const [tid, st] of this.threads) if (!next.has(tid)) this.release(st);
      this.listedFor = threadCount;
    }
    const pairs: [Schedstat | null, Schedstat][] = [];
    for (const [tid, st] of next) {
      const s = got.get(tid);
      if (s === undefined) continue;
      pairs.push([st.last, s]);
      st.last = s;
    }
    this.threads = next;
    this.accumulate(pairs);
    return true;
  }

  /** Adds each thread's Δ since its last read; a thread with no last read (new) adds its whole value. */
  private accumulate(pairs: [Schedstat | null, Schedstat][]): void {
    const first = this.run === null;
    let run: Counter = first ? 0 : (this.run as Counter);
    let wait: Counter = first ? 0 : (this.wait as Counter);
    let slices: Counter = first ? 0 : (this.slices as Counter);
    for (const [p, c] of pairs) {
      // A counter that fell means the tid was reused by a new thread: its whole value is new time.
      run = counterAdd(run, (p && counterDelta(p.run_ns, c.run_ns)) ?? c.run_ns);
      wait = counterAdd(wait, (p && counterDelta(p.wait_ns, c.wait_ns)) ?? c.wait_ns);
      slices = counterAdd(slices, (p && counterDelta(p.timeslices, c.timeslices)) ?? c.timeslices);
    }
    this.run = run;
    this.wait = wait;
    this.slices = slices;
  }

  private openThread(tid: number): number | null {
    if (!this.budget.take(1)) return null;
    try {
      return fs.openSync(`${this.base}/task/${tid}/schedstat`, O_READ);
    } catch {
      this.budget.give(1);
      return null;
    }
  }

  private readThread(tid: number, st: ThreadState, rb: ReadBuf, main: Schedstat | null): Schedstat | null {
    if (main !== null && tid === this.mainTid) return main;
    let n: number | null;
    if (st.fd === null) n = readOnce(`${this.base}/task/${tid}/schedstat`, rb);
    else {
      try {
        n = preadAll(st.fd, rb);
      } catch (err) {
        if (!isGone(err) && !isDenied(err)) throw err;
        n = null;
      }
    }
    return n === null ? null : parseSchedstat(rb.buf, n);
  }

  private release(st: ThreadState): void {
    if (st.fd !== null) {
      closeQuietly(st.fd);
      this.budget.give(1);
      st.fd = null;
    }
  }

  closeAll(): void {
    this.seen = null;
    for (const st of this.threads.values()) this.release(st);
    this.threads.clear();
    this.listedFor = -1;
  }
}
