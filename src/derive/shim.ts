/**
 * Rates from two reads of one process's shim counters: the shim's part of derive (pure; derive/derive.ts calls it
 * per process). Every value is finite or null: null when there is no previous read, the interval is
 * under 1 ms, the identity changed, a counter went backwards, or the process runs without the shim.
 */
import { Counter, counterDelta, counterToNumber } from '../model/counter';
import { CLASSES, FNS, NET_CLASSES, NTX } from '../model/shim';
import type { ShimClass, ShimClassRates, ShimDest, ShimDestSnap, ShimProcSample, ShimSnap } from '../model/shim';

const MIN_DT_NS = 1_000_000n;

const finite = (v: number): number | null => (Number.isFinite(v) && v >= 0 ? v : null);

function sum(cs: Counter[]): Counter {
  let n = 0;
  let big: bigint | null = null;
  for (const c of cs) {
    if (big === null && typeof c === 'number' && Number.isSafeInteger(n + c)) n += c;
    else big = (big ?? BigInt(n)) + BigInt(c);
  }
  return big === null ? n : big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

type Dir = 'rx' | 'tx';
type What = 'bytes' | 'calls';
const TX_FNS = FNS.slice(0, NTX);
const RX_FNS = FNS.slice(NTX);

/** One class's cumulative total of bytes or calls in one direction. */
function classTotal(s: ShimProcSample, cls: ShimClass, dir: Dir, what: What): Counter {
  const row = s.io[cls];
  return sum((dir === 'tx' ? TX_FNS : RX_FNS).map((fn) => row[fn][what]));
}

function total(s: ShimProcSample, classes: readonly ShimClass[], dir: Dir, what: What): Counter {
  return sum(classes.map((c) => classTotal(s, c, dir, what)));
}

function peerName(d: Pick<ShimDest, 'family' | 'addr' | 'port' | 'inbound'>): string {
  if (d.inbound) return `${d.addr} (in)`;
  return d.family === 6 ? `[${d.addr}]:${d.port}` : `${d.addr}:${d.port}`;
}

const destKey = (d: ShimDest): string => `${d.family}|${d.addr}|${d.port}|${d.inbound ? 1 : 0}`;

/** Upper edge, in ms, of the bucket where the cumulative count of Δhist reaches fraction q. */
export function histQuantileMs(deltas: number[], q: number): number | null {
  const n = deltas.reduce((a, b) => a + b, 0);
  if (n <= 0) return null;
  const want = Math.ceil(q * n);
  let acc = 0;
  for (let i = 0; i < deltas.length; i++) {
    acc += deltas[i];
    if (acc >= want) return 2 ** (i + 1) / 1000; // bucket i holds [2^i, 2^(i+1)) µs
  }
  return null;
}

const NULL_RATES: ShimClassRates = { rx_bytes_per_s: null, tx_bytes_per_s: null, rx_calls_per_s: null, tx_calls_per_s: null };

/**
 * prev: the previous read of the same process (null for its first). dtNs: the monotonic time between the
 * two reads. topN: how many peers to return.
 */
export function deriveShim(prev: ShimProcSample | null, curr: ShimProcSample, dtNs: bigint, topN = 5): ShimSnap {
  const same = prev !== null && prev.pid === curr.pid && prev.start_time === curr.start_time;
  const ok = curr.attached && same && prev.attached && dtNs >= MIN_DT_NS;
  const dt = Number(dtNs) / 1e9;
  // rate = Δcounter / Δt_s, null when the counter went backwards or there is no interval.
  const rate = (p: Counter | undefined, c: Counter): number | null => {
    if (!ok || p === undefined) return null;
    const d = counterDelta(p, c);
    return d === null ? null : finite(d / dt);
  };
  const p = ok ? prev : null;
  const classRates = {} as Record<ShimClass, ShimClassRates>;
  for (const cls of CLASSES) {
    classRates[cls] = curr.attached
      ? {
          rx_bytes_per_s: rate(p ? classTotal(p, cls, 'rx', 'bytes') : undefined, classTotal(curr, cls, 'rx', 'bytes')),
          tx_bytes_per_s: rate(p ? classTotal(p, cls, 'tx', 'bytes') : undefined, classTotal(curr, cls, 'tx', 'bytes')),
          rx_calls_per_s: rate(p ? classTotal(p, cls, 'rx', 'calls') : undefined, classTotal(curr, cls, 'rx', 'calls')),
          tx_calls_per_s: rate(p ? classTotal(p, cls, 'tx', 'calls') : undefined, classTotal(curr, cls, 'tx', 'calls')),
        }
      : { ...NULL_RATES };
  }
  const netRate = (dir: Dir, what: What): number | null =>
    rate(p ? total(p, NET_CLASSES, dir, what) : undefined, total(curr, NET_CLASSES, dir, what));

  const connects = (s: ShimProcSample): Counter => sum(CLASSES.map((c) => s.connect[c].attempts));
  const fails = (s: ShimProcSample): Counter => sum(CLASSES.map((c) => s.connect[c].failures));

  // Interval latency: Δsum_ns / Δcount over the connects completed in this interval.
  let latMs: number | null = null;
  let p50: number | null = null;
  let p99: number | null = null;
  if (p) {
    const dn = counterDelta(p.connect_latency.count, curr.connect_latency.count);
    const ds = counterDelta(p.connect_latency.sum_ns, curr.connect_latency.sum_ns);
    if (dn !== null && ds !== null && dn > 0) latMs = finite(ds / dn / 1e6);
    const dh = curr.connect_latency.hist.map((c, i) => counterDelta(p.connect_latency.hist[i] ?? 0, c));
    if (dh.every((d): d is number => d !== null)) {
      p50 = histQuantileMs(dh, 0.5);
      p99 = histQuantileMs(dh, 0.99);
    }
  }
  const latCount = counterToNumber(curr.connect_latency.count);
  const latAvg = curr.attached && latCount > 0 ? finite(counterToNumber(curr.connect_latency.sum_ns) / latCount / 1e6) : null;

  // Peers: Δbytes this interval first, lifetime bytes second.
  const prevDests = new Map<string, ShimDest>();
  if (p) for (const d of p.dests) prevDests.set(destKey(d), d);
  const dests: ShimDestSnap[] = curr.attached
    ? curr.dests.map((d) => {
        const pd = prevDests.get(destKey(d));
        return {
          peer: peerName(d),
          addr: d.addr,
          port: d.port,
          inbound: d.inbound,
          // A peer new in this interval started from zero.
          tx_bytes_per_s: p ? rate(pd?.tx_bytes ?? 0, d.tx_bytes) : null,
          rx_bytes_per_s: p ? rate(pd?.rx_bytes ?? 0, d.rx_bytes) : null,
          tx_bytes: counterToNumber(d.tx_bytes),
          rx_bytes: counterToNumber(d.rx_bytes),
        };
      })
    : [];
  dests.sort(
    (a, b) =>
      (b.tx_bytes_per_s ?? 0) + (b.rx_bytes_per_s ?? 0) - ((a.tx_bytes_per_s ?? 0) + (a.rx_bytes_per_s ?? 0)) ||
      b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes) ||
      a.peer.localeCompare(b.peer),
  );

  const al = curr.attached ? curr.alloc : null;
  const pal = p?.alloc ?? null;
  let outstanding: number | null = null;
  if (al) {
    const v = counterToNumber(al.inherited_bytes) + counterToNumber(al.alloc_bytes) - counterToNumber(al.free_bytes);
    outstanding = Number.isFinite(v) ? Math.max(0, v) : null;
  }
  const allocCalls = (a: NonNullable<ShimProcSample['alloc']>): Counter =>
    sum([a.malloc_calls, a.calloc_calls, a.realloc_calls, a.memalign_calls]);

  return {
    pid: curr.pid,
    start_time: curr.start_time,
    attached: curr.attached,
    net_rx_bytes_per_s: netRate('rx', 'bytes'),
    net_tx_bytes_per_s: netRate('tx', 'bytes'),
    net_rx_calls_per_s: netRate('rx', 'calls'),
    net_tx_calls_per_s: netRate('tx', 'calls'),
    unix_rx_bytes_per_s: classRates.unix.rx_bytes_per_s,
    unix_tx_bytes_per_s: classRates.unix.tx_bytes_per_s,
    by_class: classRates,
    net_rx_bytes: curr.attached ? finite(counterToNumber(total(curr, NET_CLASSES, 'rx', 'bytes'))) : null,
    net_tx_bytes: curr.attached ? finite(counterToNumber(total(curr, NET_CLASSES, 'tx', 'bytes'))) : null,
    connects_per_s: rate(p ? connects(p) : undefined, connects(curr)),
    connect_fails_per_s: rate(p ? fails(p) : undefined, fails(curr)),
    connect_latency_ms: latMs,
    connect_latency_p50_ms: p50,
    connect_latency_p99_ms: p99,
    connect_latency_avg_ms: latAvg,
    top_dests: dests.slice(0, Math.max(0, topN)),
    peers: curr.attached ? dests.length : null,
    alloc_outstanding_bytes: outstanding,
    alloc_calls_per_s: al && pal ? rate(allocCalls(pal), allocCalls(al)) : null,
    free_calls_per_s: al && pal ? rate(pal.free_calls, al.free_calls) : null,
    alloc_bytes_per_s: al && pal ? rate(pal.alloc_bytes, al.alloc_bytes) : null,
    free_bytes_per_s: al && pal ? rate(pal.free_bytes, al.free_bytes) : null,
  };
}
