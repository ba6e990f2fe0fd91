import fc from 'fast-check';
import t from 'tap';
import { deriveShim } from '../../../src/derive/shim';
import { C, connectAttempts, connectFailures, ioBytes, ioCalls, SHM_SIZE } from '../../../src/sampler/shim/layout';
import { parseShimFile } from '../../../src/sampler/shim/parse';
import type { ShimProcSample } from '../../../src/model/shim';
import { FakeDest, makeShimFile } from '../../helpers/shim';

const TCP = 0;
const UDP = 1;
const UNIX = 2;
const SEND = 0;
const SENDTO = 1;
const RECV = 7;
const READ = 11;

function sample(counters: Record<number, number | bigint>, opts: { dests?: FakeDest[]; alloc?: boolean; pid?: number; start?: number } = {}): ShimProcSample {
  const pid = opts.pid ?? 10;
  const start = opts.start ?? 100;
  const r = parseShimFile(makeShimFile({ pid, start, counters, dests: opts.dests, alloc: opts.alloc }), SHM_SIZE, { pid, start_time: start, pidns: null });
  if (!r.ok) throw new Error(r.reason);
  return r.sample;
}

const SEC = 1_000_000_000n;

t.test('rates: Δbytes / Δt, IP classes in net_*, Unix apart', async (t) => {
  const a = sample({ [ioBytes(TCP, SEND)]: 1000, [ioCalls(TCP, SEND)]: 10, [ioBytes(UDP, RECV)]: 0, [ioBytes(UNIX, READ)]: 0 });
  const b = sample({ [ioBytes(TCP, SEND)]: 3000, [ioCalls(TCP, SEND)]: 30, [ioBytes(UDP, RECV)]: 500, [ioCalls(UDP, RECV)]: 5, [ioBytes(UNIX, READ)]: 4000 });
  const s = deriveShim(a, b, 2n * SEC);
  t.equal(s.net_tx_bytes_per_s, 1000);
  t.equal(s.net_tx_calls_per_s, 10);
  t.equal(s.net_rx_bytes_per_s, 250);
  t.equal(s.net_rx_calls_per_s, 2.5);
  t.equal(s.unix_rx_bytes_per_s, 2000, 'Unix sockets are local IPC, not in net_*');
  t.equal(s.by_class.tcp.tx_bytes_per_s, 1000);
  t.equal(s.by_class.udp.rx_bytes_per_s, 250);
  t.equal(s.net_tx_bytes, 3000, 'cumulative');
  t.equal(s.net_rx_bytes, 500);
  t.ok(s.attached);
});

t.test('no rate without an interval to take it over', async (t) => {
  const a = sample({ [ioBytes(TCP, SEND)]: 1000 });
  const first = deriveShim(null, a, SEC);
  t.equal(first.net_tx_bytes_per_s, null, 'first read');
  t.equal(first.net_tx_bytes, 1000, 'but the cumulative total is known');
  t.equal(deriveShim(a, a, 500_000n).net_tx_bytes_per_s, null, 'interval under 1 ms');
  t.equal(deriveShim(a, a, 0n).net_tx_bytes_per_s, null, 'zero interval');
  t.equal(deriveShim(sample({ [ioBytes(TCP, SEND)]: 5000 }), a, SEC).net_tx_bytes_per_s, null, 'a counter that went backwards');
  t.equal(deriveShim(sample({}, { start: 99 }), a, SEC).net_tx_bytes_per_s, null, 'another process with the same pid');
  t.equal(deriveShim(a, a, SEC).net_tx_bytes_per_s, 0, 'idle is 0');
});

t.test('a process running without the shim is n/a, never 0', async (t) => {
  const a = sample({ [ioBytes(TCP, SEND)]: 1000 });
  const b = { ...sample({ [ioBytes(TCP, SEND)]: 1000 }), attached: false };
  const s = deriveShim(a, b, SEC);
  t.equal(s.attached, false);
  for (const [k, v] of Object.entries(s)) {
    if (['pid', 'start_time', 'attached', 'by_class', 'top_dests'].includes(k)) continue;
    t.equal(v, null, `${k} is null`);
  }
  t.same(s.top_dests, []);
  t.equal(s.by_class.tcp.tx_bytes_per_s, null);
});

t.test('connects: rates, interval latency, percentiles from the histogram, lifetime mean', async (t) => {
  const a = sample({ [connectAttempts(TCP)]: 10, [connectFailures(TCP)]: 1, [C.LAT_COUNT]: 9, [C.LAT_SUM_NS]: 9_000_000, [C.LAT_HIST + 9]: 9 });
  const b = sample({
    [connectAttempts(TCP)]: 30,
    [connectFailures(TCP)]: 5,
    [connectAttempts(UDP)]: 2,
    [C.LAT_COUNT]: 25,
    [C.LAT_SUM_NS]: 9_000_000 + 16 * 2_500_000,
    [C.LAT_HIST + 9]: 9 + 8, // [512, 1024) µs
    [C.LAT_HIST + 11]: 7, // [2048, 4096) µs
    [C.LAT_HIST + 20]: 1, // ~1-2 s: the 99th percentile
  });
  const s = deriveShim(a, b, 2n * SEC);
  t.equal(s.connects_per_s, 11);
  t.equal(s.connect_fails_per_s, 2);
  t.equal(s.connect_latency_ms, 2.5, 'Δsum / Δcount of this interval');
  t.equal(s.connect_latency_p50_ms, 1.024, 'upper edge of the median bucket');
  t.equal(s.connect_latency_p99_ms, 2 ** 21 / 1000);
  t.equal(s.connect_latency_avg_ms, 49 / 25, 'lifetime mean');
  const none = deriveShim(a, a, SEC);
  t.equal(none.connect_latency_ms, null, 'no connect in the interval: no latency, not 0');
  t.equal(none.connect_latency_p50_ms, null);
});

t.test('top destinations: busiest this interval first, then lifetime bytes', async (t) => {
  const d = (last: number, port: number, tx: number, rx = 0, flags = 0): FakeDest => ({ family: 2, addr: [10, 0, 0, last], port, tx_bytes: tx, rx_bytes: rx, flags });
  const a = sample({}, { dests: [d(1, 80, 1_000_000), d(2, 443, 100), d(3, 53, 50)] });
  const b = sample({}, { dests: [d(1, 80, 1_000_000), d(2, 443, 600), d(3, 53, 50), d(4, 0, 0, 300, 1)] });
  const s = deriveShim(a, b, SEC, 3);
  t.same(
    s.top_dests.map((x) => [x.peer, x.tx_bytes_per_s, x.rx_bytes_per_s]),
    [
      ['10.0.0.2:443', 500, 0],
      ['10.0.0.4 (in)', 0, 300],
      ['10.0.0.1:80', 0, 0],
    ],
    'active peers first (a new one counts from zero), then the lifetime heaviest; topN respected',
  );
  const v6 = sample({}, { dests: [{ family: 10, addr: [0xfe, 0x80, ...Array(13).fill(0), 1], port: 8080, tx_bytes: 1 }] });
  t.equal(deriveShim(null, v6, SEC).top_dests[0].peer, '[fe80::1]:8080');
});

t.test('allocations: outstanding = inherited + allocated − freed; rates of calls and bytes', async (t) => {
  const a = sample({ [C.MALLOC_CALLS]: 10, [C.ALLOC_BYTES]: 10_000, [C.FREE_BYTES]: 2_000, [C.INHERITED_BYTES]: 500, [C.FREE_CALLS]: 2 }, { alloc: true });
  const b = sample({ [C.MALLOC_CALLS]: 20, [C.CALLOC_CALLS]: 5, [C.ALLOC_BYTES]: 20_000, [C.FREE_BYTES]: 4_000, [C.INHERITED_BYTES]: 500, [C.FREE_CALLS]: 12 }, { alloc: true });
  const s = deriveShim(a, b, SEC);
  t.equal(s.alloc_outstanding_bytes, 16_500);
  t.equal(s.alloc_calls_per_s, 15);
  t.equal(s.free_calls_per_s, 10);
  t.equal(s.alloc_bytes_per_s, 10_000);
  t.equal(s.free_bytes_per_s, 2_000);
  t.equal(deriveShim(null, sample({}), SEC).alloc_outstanding_bytes, null, 'without --alloc: null');
  t.equal(deriveShim(null, sample({ [C.FREE_BYTES]: 10 }, { alloc: true }), SEC).alloc_outstanding_bytes, 0, 'never negative');
});

t.test('property: any growing counters give finite, non-negative numbers or null', async (t) => {
  const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: C.INHERITED_BYTES }), u64, u64), { maxLength: 40 }),
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      (cells, dt) => {
        const pc: Record<number, bigint> = {};
        const cc: Record<number, bigint> = {};
        for (const [i, x, y] of cells) {
          const lo = x < y ? x : y;
          const hi = x < y ? y : x;
          pc[i] = lo;
          cc[i] = hi;
        }
        const s = deriveShim(sample(pc, { alloc: true }), sample(cc, { alloc: true }), dt);
        const check = (v: unknown): boolean =>
          v === null || typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' ? Number.isFinite(v) && v >= 0 : typeof v === 'object' && Object.values(v as object).every(check));
        return check(s);
      },
    ),
    { numRuns: 300 },
  );
  t.pass('no NaN, Infinity or negative number in 300 random pairs');
});
