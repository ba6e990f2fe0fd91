/**
 * What the process readers attach to each process besides /proc: the connections tier's latest and
 * previous per-process TCP counters, and the shim's counter file. One kept object, not a closure per tick:
 * a new function at every process tick made the readers' optimised read() deoptimise on "wrong call
 * target" at each tick, and at +1000 processes that recompilation was a visible share of the tier.
 * prepare() returns null when there is nothing to attach to any process (no connections read, no shim
 * file, no TCP history to forget): the readers then skip the per-process lookup entirely.
 */
import type { ProcSample, ProcTcp } from '../model';
import type { ConnsSample } from '../model/conns';
import { shimKey, ShimProcSample, ShimTable } from '../model/shim';

export type Attached = Pick<ProcSample, 'tcp' | 'tcp_prev' | 'shim'>;

/**
 * What other tiers attach to a process sample; the same objects while unchanged. get()'s answer may be one
 * object refilled at each call: copy its fields at once. done() is called once after the read, with the
 * rows it returns.
 */
export interface ProcExtras {
  /**
   * Whether get(pid, start) answers this read exactly what it answered at the previous read (the same
   * objects) for the process that had that pid then: a row emitted at the previous read with its answer
   * still carries it, and is passed on without a lookup. A false is always safe (get() is then asked).
   */
  same(pid: number): boolean;
  get(pid: number, startTime: number): Attached;
  done(procs: readonly ProcSample[]): void;
}

/** What a process carries when nothing is attached to it. */
export const NOTHING_ATTACHED: Readonly<Attached> = Object.freeze({ tcp: null, tcp_prev: null, shim: null });

/** `extras`' answer for (pid, start), or NOTHING_ATTACHED when there are no extras this read. */
export function attachedTo(extras: ProcExtras | null, pid: number, start: number): Readonly<Attached> {
  return extras === null ? NOTHING_ATTACHED : extras.get(pid, start);
}

/** Whether a sample carries exactly what `x` attaches (the same objects). */
export function carries(last: ProcSample, x: Readonly<Attached>): boolean {
  return x.tcp === last.tcp && x.tcp_prev === last.tcp_prev && x.shim === last.shim;
}

/** Whether a sample carries nothing from the other tiers (what every process gets when prepare() is null). */
export function bare(last: ProcSample): boolean {
  return last.tcp === null && last.tcp_prev === null && last.shim === null;
}

/** A process's TCP counters at a read where it held no socket and had never moved a byte. */
function idleTcp(t: ProcTcp): boolean {
  return t.conns === 0 && t.since_ns === null && t.tx_bytes === 0 && t.rx_bytes === 0 && t.retrans === 0;
}

/** A history whose next connections read, if the process holds no socket then, changes nothing. */
function settled(h: TcpHist): boolean {
  return h.prev !== null && idleTcp(h.cur) && idleTcp(h.prev);
}

interface TcpHist {
  start: number;
  cur: ProcTcp;
  prev: ProcTcp | null;
  stamp: number;
}

/** Reads between two sweeps of the TCP history (a departed process's lingers until one). */
const SWEEP_READS = 50;

/**
 * A process the connections tier saw no socket of holds none (zero counters, a rate of 0); one whose fds
 * it could not read gets null (unknown). Keyed by pid and start time, so a reused pid starts afresh. The
 * objects stay the same while nothing changed, which lets the readers keep an idle process's previous
 * sample.
 *
 * get(pid, start) depends only on the connections sample, its denied list, the shim table's entry for
 * (pid, start) and the pid's history; between two reads the history of a pid changes only inside get(),
 * and only when the connections sample changed. So prepare() can list every pid whose answer may differ
 * from the previous read's (`changed`): with the same connections sample, only the pids in the old and new
 * shim tables; with a new one, also the pids it or the last one denied, the pids it holds sockets of, and
 * those whose history is not settled at zero. A switch between "no connections read" and one changes
 * every answer (`all`). Every other pid is same(): its get() would return the previous read's objects
 * without touching the history, so not calling it changes nothing.
 */
export class Attachments implements ProcExtras {
  /** Per pid: the connections-tier reads its ProcSamples carry as tcp and tcp_prev. */
  private readonly tcpHist = new Map<number, TcpHist>();
  /** The pids whose history is not settled(): kept by get() and done(), so prepare() does not walk them all. */
  private readonly unsettled = new Set<number>();
  private stamp = 0;
  private conns: ConnsSample | null = null;
  // Indexed once per read of the connections tier (once a second), not at every process tick.
  private indexed: ConnsSample | null = null;
  private byPid = new Map<number, ConnsSample['procs'][number]>();
  private denied = new Set<number>();
  private byKey: Map<string, ShimProcSample> | null = null;
  /** The pids in the last prepare()'s shim table. */
  private shimPids: number[] = [];
  /** Pids whose answer may differ from the previous read's; every pid when `all`. */
  private readonly changed = new Set<number>();
  private all = true;
  private prepared = false;
  /** Whether done() sweeps the history this read, and reads since the last sweep. */
  private sweep = false;
  private sinceSweep = 0;
  /** The answer, refilled at each get(): the readers copy its three fields at once. */
  private readonly x: Attached = { tcp: null, tcp_prev: null, shim: null };

  /** `sweepReads`: reads between two sweeps of the history (tests sweep often). */
  constructor(private readonly sweepReads = SWEEP_READS) {}

  /** This read's extras, or null when no process gets anything (get() would answer nothing for all). */
  prepare(conns: ConnsSample | null, shims: ShimTable | null): ProcExtras | null {
    const changed = this.changed;
    changed.clear();
    const prevConns = this.conns;
    // The first read has no previous one to compare with.
    this.all = !this.prepared || (prevConns === null) !== (conns === null);
    this.prepared = true;
    // The old table's pids (an entry gone) and the new one's (each read's entry is a new object).
    for (const pid of this.shimPids) changed.add(pid);
    this.shimPids = [];
    if (shims === null || shims.procs.length === 0) {
      this.byKey = null;
    } else {
      this.byKey = new Map();
      for (const s of shims.procs) {
        this.byKey.set(shimKey(s.pid, s.start_time), s);
        this.shimPids.push(s.pid);
        changed.add(s.pid);
      }
    }
    this.conns = conns;
    this.sweep = ++this.sinceSweep >= this.sweepReads;
    if (conns !== null && prevConns !== conns) {
      for (const pid of this.denied) changed.add(pid);
      if (this.indexed !== conns) {
        this.indexed = conns;
        this.byPid = new Map(conns.procs.map((p) => [p.pid, p]));
        this.denied = new Set(conns.denied);
      }
      for (const pid of this.denied) changed.add(pid);
      for (const pid of this.byPid.keys()) changed.add(pid);
      for (const pid of this.unsettled) changed.add(pid);
    }
    // With no connections read and no history, get() would answer nulls to all.
    if (conns === null && this.byKey === null && this.tcpHist.size === 0) return null;
    this.stamp++;
    return this;
  }

  same(pid: number): boolean {
    return !this.all && !this.changed.has(pid);
  }

  get(pid: number, start: number): Attached {
    const conns = this.conns;
    let h = this.tcpHist.get(pid);
    if (h !== undefined) h.stamp = this.stamp;
    const shim = this.byKey === null ? null : this.byKey.get(shimKey(pid, start)) ?? null;
    if (conns === null || this.denied.has(pid)) return this.answer(null, null, shim);
    if (h !== undefined && h.start !== start) h = undefined;
    if (h === undefined || h.cur.mono_ns !== conns.mono_ns) {
      const c = this.byPid.get(pid);
      // Still no socket, as at the last two reads: the same zero pair (a rate of 0) keeps serving.
      if (c === undefined && h !== undefined && settled(h)) return this.answer(h.cur, h.prev, shim);
      const cur: ProcTcp = c
        ? { mono_ns: conns.mono_ns, since_ns: c.since_ns, tx_bytes: c.tcp_tx_bytes, rx_bytes: c.tcp_rx_bytes, retrans: c.tcp_retrans, conns: c.tcp }
        : { mono_ns: conns.mono_ns, since_ns: null, tx_bytes: 0, rx_bytes: 0, retrans: 0, conns: 0 };
      h = { start, cur, prev: h?.cur ?? null, stamp: this.stamp };
      this.tcpHist.set(pid, h);
      if (settled(h)) this.unsettled.delete(pid);
      else this.unsettled.add(pid);
    }
    return this.answer(h.cur, h.prev, shim);
  }

  /**
   * Forgets the history of processes that left the table. Not at every read: the same() rows are not
   * asked, so the rows themselves say who is alive, and walking them is done every SWEEP_READS reads.
   * Between sweeps a departed pid's history lingers, harmlessly: a new process on that pid has another
   * start time and starts afresh, and a lingering unsettled pid only makes same() false for its pid.
   */
  done(procs: readonly ProcSample[]): void {
    if (!this.sweep) return;
    this.sinceSweep = 0;
    const stamp = this.stamp;
    const hist = this.tcpHist;
    for (let i = 0; i < procs.length; i++) {
      const p = procs[i];
      const h = hist.get(p.pid);
      if (h !== undefined && h.start === p.start_time) h.stamp = stamp;
    }
    // forEach, not for-of over entries: no [pid, h] pair per process.
    hist.forEach((h, pid) => {
      if (h.stamp !== stamp) {
        hist.delete(pid);
        this.unsettled.delete(pid);
      }
    });
  }

  private answer(tcp: ProcTcp | null, prev: ProcTcp | null, shim: ShimProcSample | null): Attached {
    const x = this.x;
    x.tcp = tcp;
    x.tcp_prev = prev;
    x.shim = shim;
    return x;
  }
}
