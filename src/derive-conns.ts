import { Counter, counterDelta } from './counter';
import type { ConnSnap, ConnsSample, ConnsSnap, ProcConnsSnap, RetransEvent, TcpSockSample } from './model-conns';

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

/**
 * Bytes or segments moved in the interval by one socket. A socket that appeared since prev counts from
 * zero: everything it ever did, it did since the last sample (its cookie is new, so it is a new socket).
 * A counter the kernel does not report is null; a counter that went backwards (never seen for one
 * cookie) gives null rather than a negative rate.
 */
function sockDelta(prev: Counter | null | undefined, curr: Counter | null): number | null {
  if (curr === null) return null;
  if (prev === undefined) return counterDelta(0, curr);
  if (prev === null) return null;
  return counterDelta(prev, curr);
}

function addNullable(acc: number | null, d: number | null): number | null {
  if (d === null) return acc;
  return (acc ?? 0) + d;
}

interface ProcAcc {
  snap: ProcConnsSnap;
  tx: number | null;
  rx: number | null;
  retrans: number | null;
}

/**
 * Rates of the connections tier from two ConnsSamples; null when there is no interval to take a rate
 * over (no previous sample, the same sample twice, or under 1 ms apart).
 *
 * Per connection: tx_bytes_per_s = Δtcpi_bytes_acked / Δt, rx_bytes_per_s = Δtcpi_bytes_received / Δt,
 * retrans_per_s = Δtcpi_total_retrans / Δt, rtt_ms = tcpi_rtt / 1000. Per process: the sums over the
 * sockets it holds (a socket held by several processes counts in each), tcp_conns = its non-listening
 * TCP sockets. A socket that closed between the two samples is gone from curr: what it moved since
 * prev is lost (counted in closed_socks). A retransmit event is emitted for every socket whose
 * tcpi_total_retrans rose (or that appeared with a non-zero count).
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
  const procs = new Map<number, ProcAcc>();
  for (const p of curr.procs) {
    // No TCP socket: 0 B/s for certain. With some: unknown until one of them reports a counter.
    const start = p.tcp + p.tcp_listen > 0 ? null : 0;
    procs.set(p.pid, {
      snap: {
        pid: p.pid,
        comm: p.comm,
        tcp_tx_bytes_per_s: 0,
        tcp_rx_bytes_per_s: 0,
        tcp_conns: p.tcp,
        tcp_retrans_per_s: 0,
        tcp_listen: p.tcp_listen,
        udp_socks: p.udp,
        unix_socks: p.unix,
      },
      tx: start,
      rx: start,
      retrans: start,
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
    const comm = pid === null ? null : (procs.get(pid)?.snap.comm ?? null);
    for (const p of sk.pids) {
      const acc = procs.get(p);
      if (acc === undefined) continue; // an orphan's former owner that has exited since
      acc.tx = addNullable(acc.tx, tx);
      acc.rx = addNullable(acc.rx, rx);
      acc.retrans = addNullable(acc.retrans, re);
    }
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

  const procOut: ProcConnsSnap[] = [];
  for (const acc of procs.values()) {
    acc.snap.tcp_tx_bytes_per_s = rate(acc.tx);
    acc.snap.tcp_rx_bytes_per_s = rate(acc.rx);
    acc.snap.tcp_retrans_per_s = rate(acc.retrans);
    procOut.push(acc.snap);
  }
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
