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
 * object refilled at each call: copy its fields at once. done() is called once after the read.
 */
export interface ProcExtras {
  get(pid: number, startTime: number): Attached;
  done(): void;
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

/** A process's TCP counters at a read where it held no socket and had never moved a byte. */
function idleTcp(t: ProcTcp): boolean {
  return t.conns === 0 && t.since_ns === null && t.tx_bytes === 0 && t.rx_bytes === 0 && t.retrans === 0;
}

interface TcpHist {
  start: number;
  cur: ProcTcp;
  prev: ProcTcp | null;
  stamp: number;
}

/**
 * A process the connections tier saw no socket of holds none (zero counters, a rate of 0); one whose fds
 * it could not read gets null (unknown). Keyed by pid and start time, so a reused pid starts afresh. The
 * objects stay the same while nothing changed, which lets the readers keep an idle process's previous
 * sample.
 */
export class Attachments implements ProcExtras {
  /** Per pid: the connections-tier reads its ProcSamples carry as tcp and tcp_prev. */
  private readonly tcpHist = new Map<number, TcpHist>();
  private stamp = 0;
  private conns: ConnsSample | null = null;
  // Indexed once per read of the connections tier (once a second), not at every process tick.
  private indexed: ConnsSample | null = null;
  private byPid = new Map<number, ConnsSample['procs'][number]>();
  private denied = new Set<number>();
  private byKey: Map<string, ShimProcSample> | null = null;
  /** The answer, refilled at each get(): the readers copy its three fields at once. */
  private readonly x: Attached = { tcp: null, tcp_prev: null, shim: null };

  /** This read's extras, or null when no process gets anything (get() would answer nothing for all). */
  prepare(conns: ConnsSample | null, shims: ShimTable | null): ProcExtras | null {
    this.conns = conns;
    this.byKey = shims === null || shims.procs.length === 0 ? null : new Map(shims.procs.map((s) => [shimKey(s.pid, s.start_time), s]));
    // With no connections read and no history, get() would stamp nothing and answer nulls.
    if (conns === null && this.byKey === null && this.tcpHist.size === 0) return null;
    if (conns !== null && this.indexed !== conns) {
      this.indexed = conns;
      this.byPid = new Map(conns.procs.map((p) => [p.pid, p]));
      this.denied = new Set(conns.denied);
    }
    // Entries the readers asked about this time are stamped; done() drops the rest (no set entry per
    // process per tick).
    this.stamp++;
    return this;
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
      if (c === undefined && h !== undefined && h.prev !== null && idleTcp(h.cur) && idleTcp(h.prev)) return this.answer(h.cur, h.prev, shim);
      const cur: ProcTcp = c
        ? { mono_ns: conns.mono_ns, since_ns: c.since_ns, tx_bytes: c.tcp_tx_bytes, rx_bytes: c.tcp_rx_bytes, retrans: c.tcp_retrans, conns: c.tcp }
        : { mono_ns: conns.mono_ns, since_ns: null, tx_bytes: 0, rx_bytes: 0, retrans: 0, conns: 0 };
      h = { start, cur, prev: h?.cur ?? null, stamp: this.stamp };
      this.tcpHist.set(pid, h);
    }
    return this.answer(h.cur, h.prev, shim);
  }

  done(): void {
    const stamp = this.stamp;
    // forEach, not for-of over entries: no [pid, h] pair per process per tick.
    this.tcpHist.forEach((h, pid, hist) => {
      if (h.stamp !== stamp) hist.delete(pid);
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
