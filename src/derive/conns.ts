import { sockDelta } from './conns-delta';
import { Counter, counterDelta } from '../model/counter';
import type { ConnSnap, ConnsProcSample, ConnsSample, ConnsSnap, ProcConnsSnap, RetransEvent, TcpSockSample } from '../model/conns';

/** Intervals shorter than this give no rates (0/0 and x/0 never reach a screen). */
const MIN_INTERVAL_NS = 1_000_000n;

/** prev's sockets by cookie, built once per Sample however many times it is derived against. */
const byCookieCache = new WeakMap<ConnsSample, Map<Counter, TcpSockSample>>();

function byCookie(s: ConnsSample): Map<Counter, TcpSockSample> {
  let m = byCookieCache.get(s);
  if (m === undefined) {
    m = new Map();
    for (const sk of s.tcp) m.set(sk.cookie, sk);
    byCookieCache.set(s, m);
  }
  return m;
}

const procCache = new WeakMap<ConnsSample, Map<number, ConnsProcSample>>();

function byPid(s: ConnsSample): Map<number, ConnsProcSample> {
  let m = procCache.get(s);
  if (m === undefined) {
    m = new Map();
    for (const p of s.procs) m.set(p.pid, p);
    procCache.set(s, m);
  }
  return m;
}

/**
 * Growth of one of a process's accumulators over the interval. The same `since_ns` on both sides: the
 * difference (an accumulator not started yet, null, is 0 of it). Started within the interval (after
 * prev was read): it holds only this interval's traffic. Otherwise (restarted before the interval, or
 * the first read's lifetime baseline against nothing) there is no delta.
 */
function accDelta(prev: ConnsProcSample | undefined, curr: ConnsProcSample, prevMono: bigint, key: 'tcp_tx_bytes' | 'tcp_rx_bytes' | 'tcp_retrans'): number | null {
  const c = curr[key];
  if (prev !== undefined && prev.since_ns === curr.since_ns) {
    if (c === null) return prev[key] === null ? null : 0;
    return counterDelta(prev[key] ?? 0, c);
  }
  if (curr.since_ns !== null && curr.since_ns >= prevMono) return c === null ? null : counterDelta(0, c);
  return null;
}

/**
 * Rates of the connections tier from two ConnsSamples; null when there is no interval to take a rate
 * over (no previous sample, the same sample twice, or under 1 ms apart).
 *
 * Per connection (sockets matched by cookie; the delta rule is src/derive/conns-delta.ts):
 *   tx_bytes_per_s = Δtcpi_bytes_acked / Δt, rx_bytes_per_s = Δtcpi_bytes_received / Δt,
 *   retrans_per_s = Δtcpi_total_retrans / Δt, rtt_ms = tcpi_rtt / 1000.
 * Per process: tcp_tx_bytes_per_s = Δtcp_tx_bytes / Δt (and rx, retrans) of the process's accumulators,
 *   which the sampler adds each socket's per-read delta to (a socket held by several processes counts
 *   in each). Between consecutive reads that is the sum over its sockets of the per-connection figures;
 *   it is also what replay has, since recordings keep the accumulators and not every socket.
 *   tcp_conns = its non-listening TCP sockets.
 * A socket that closed between two reads is gone: what it moved since the earlier one is lost
 * (counted in closed_socks). A retransmit event is emitted for every socket whose tcpi_total_retrans
 * rose (or that appeared with a non-zero count).
 */
export function deriveConns(prev: ConnsSample | null, curr: ConnsSample): ConnsSnap | null {
  if (prev === null || prev === curr) return null;
  const dtNs = curr.mono_ns - prev.mono_ns;
  if (dtNs < MIN_INTERVAL_NS) return null;
  const dtS = Number(dtNs) / 1e9;
  const rate = (d: number | null): number | null => {
    if (d === null) return null;
    const r = d / dtS;
    return Number.isFinite(r) ? r : null;
  };

  const before = byCookie(prev);
  const prevProcs = byPid(prev);
  const comms = new Map<number, string>();
  const procOut: ProcConnsSnap[] = [];
  for (const p of curr.procs) {
    comms.set(p.pid, p.comm);
    const q = prevProcs.get(p.pid);
    // No TCP socket now and nothing counted: 0 B/s for certain; with sockets, unknown stays null.
    const none = p.tcp + p.tcp_listen === 0 ? 0 : null;
    const per = (key: 'tcp_tx_bytes' | 'tcp_rx_bytes' | 'tcp_retrans'): number | null => rate(accDelta(q, p, prev.mono_ns, key)) ?? none;
    procOut.push({
      pid: p.pid,
      comm: p.comm,
      tcp_tx_bytes_per_s: per('tcp_tx_bytes'),
      tcp_rx_bytes_per_s: per('tcp_rx_bytes'),
      tcp_conns: p.tcp,
      tcp_retrans_per_s: per('tcp_retrans'),
      tcp_listen: p.tcp_listen,
      udp_socks: p.udp,
      unix_socks: p.unix,
    });
  }

  const conns: ConnSnap[] = [];
  const events: RetransEvent[] = [];
  let matched = 0;
  for (const sk of curr.tcp) {
    const old = before.get(sk.cookie);
    if (old !== undefined) matched++;
    const tx = sockDelta(old === undefined ? undefined : old.bytes_acked, sk.bytes_acked);
    const rx = sockDelta(old === undefined ? undefined : old.bytes_received, sk.bytes_received);
    const re = sockDelta(old === undefined ? undefined : old.total_retrans, sk.total_retrans);
    const pid = sk.pids.length > 0 ? sk.pids[0] : null;
    const comm = pid === null ? null : (comms.get(pid) ?? null);
    if (re !== null && re > 0 && sk.total_retrans !== null) {
      events.push({ t: curr.t, pid, comm, local: sk.local, remote: sk.remote, retrans_total: sk.total_retrans, retrans_new: re });
    }
    if (sk.state === 'LISTEN') continue;
    conns.push({
      pid,
      pids: sk.pids,
      comm,
      local: sk.local,
      remote: sk.remote,
      state: sk.state,
      tx_bytes_per_s: rate(tx),
      rx_bytes_per_s: rate(rx),
      retrans_total: sk.total_retrans,
      retrans_per_s: rate(re),
      rtt_ms: sk.rtt_us === null ? null : sk.rtt_us / 1000,
      new: old === undefined,
    });
  }
  conns.sort((a, b) => (b.tx_bytes_per_s ?? 0) + (b.rx_bytes_per_s ?? 0) - ((a.tx_bytes_per_s ?? 0) + (a.rx_bytes_per_s ?? 0)));

  return {
    interval_ms: Number(dtNs) / 1e6,
    procs: procOut,
    conns,
    retrans_events: events,
    closed_socks: prev.tcp.length - matched,
    partial: curr.denied.length > 0,
    unknown_pids: curr.denied,
  };
}
