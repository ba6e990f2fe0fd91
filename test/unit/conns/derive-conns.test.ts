import t from 'tap';
import { sockDelta } from '../../../src/derive/conns-delta';
import type { Counter } from '../../../src/model/counter';
import { deriveConns } from '../../../src/derive/conns';
import type { ConnsProcSample, ConnsSample, TcpSockSample } from '../../../src/model/conns';

function sock(cookie: Counter, pids: number[], acked: Counter | null, received: Counter | null, retrans: number | null, extra: Partial<TcpSockSample> = {}): TcpSockSample {
  return {
    cookie, inode: Number(cookie) + 1000, uid: 0, family: 4, state: 'ESTABLISHED', local: `127.0.0.1:${40000 + Number(cookie)}`,
    remote: '127.0.0.1:80', local_port: 40000 + Number(cookie), remote_port: 80, rqueue: 0, wqueue: 0, rtt_us: 250, rttvar_us: 50,
    cwnd: 10, bytes_acked: acked, bytes_received: received, total_retrans: retrans, pids, ...extra,
  };
}

/** A process with its accumulators (tx, rx, retrans) counted since `since` (seconds; null: the first read). */
function proc(pid: number, tcp: number, acc: [Counter | null, Counter | null, Counter | null], since: number | null = null, extra: Partial<ConnsProcSample> = {}): ConnsProcSample {
  return {
    pid, comm: `p${pid}`, tcp, tcp_listen: 0, udp: 0, unix: 0, tcp_tx_bytes: acc[0], tcp_rx_bytes: acc[1], tcp_retrans: acc[2],
    since_ns: since === null ? null : BigInt(since * 1e9), ...extra,
  };
}

function sample(sec: number, tcp: TcpSockSample[], procs: ConnsProcSample[], denied: number[] = []): ConnsSample {
  return { mono_ns: BigInt(sec * 1e9), t: 1_700_000_000_000 + sec * 1000, tcp, procs, denied, scan_incomplete: false, malformed: 0, cost_ms: 0 };
}

t.test('the one delta rule', async (t) => {
  t.equal(sockDelta(undefined, 700), 700, 'a new socket counts from zero');
  t.equal(sockDelta(100, 700), 600);
  t.equal(sockDelta(null, 700), null);
  t.equal(sockDelta(100, null), null);
  t.equal(sockDelta(700, 100), null, 'backwards: no value');
  t.equal(sockDelta(2n ** 60n, 2n ** 60n + 5n), 5);
});

t.test('per connection from socket deltas, per process from the accumulators', async (t) => {
  const a = sample(10, [sock(1, [100], 1000, 500, 0), sock(2, [100], 0, 0, 0), sock(3, [200], 10, 10, 0)], [proc(100, 2, [1000, 500, 0]), proc(200, 1, [10, 10, 0])]);
  const b = sample(12, [sock(1, [100], 5000, 2500, 3), sock(2, [100], 2000, 100, 0), sock(3, [200], 10, 10, 0)], [proc(100, 2, [7000, 2600, 3]), proc(200, 1, [10, 10, 0])]);
  const s = deriveConns(a, b);
  t.ok(s);
  if (!s) return;
  t.equal(s.interval_ms, 2000);
  const p100 = s.procs.find((p) => p.pid === 100);
  t.equal(p100?.tcp_tx_bytes_per_s, (4000 + 2000) / 2, 'the sum of its sockets, as the sampler accumulated it');
  t.equal(p100?.tcp_rx_bytes_per_s, (2000 + 100) / 2);
  t.equal(p100?.tcp_retrans_per_s, 1.5);
  t.equal(p100?.tcp_conns, 2);
  t.equal(s.procs.find((p) => p.pid === 200)?.tcp_tx_bytes_per_s, 0);
  const c1 = s.conns.find((c) => c.local === '127.0.0.1:40001');
  t.same(
    { pid: c1?.pid, comm: c1?.comm, tx: c1?.tx_bytes_per_s, rx: c1?.rx_bytes_per_s, total: c1?.retrans_total, rps: c1?.retrans_per_s, rtt: c1?.rtt_ms, isNew: c1?.new },
    { pid: 100, comm: 'p100', tx: 2000, rx: 1000, total: 3, rps: 1.5, rtt: 0.25, isNew: false },
  );
  t.same(s.conns.map((c) => c.local), ['127.0.0.1:40001', '127.0.0.1:40002', '127.0.0.1:40003'], 'busiest first');
  t.same(s.retrans_events, [{ t: b.t, pid: 100, comm: 'p100', local: '127.0.0.1:40001', remote: '127.0.0.1:80', retrans_total: 3, retrans_new: 3 }]);
  t.equal(s.closed_socks, 0);
  t.notOk(s.partial);
});

t.test('a socket that appears counts from zero; one that closes is lost and counted as closed', async (t) => {
  const a = sample(0, [sock(1, [100], 100, 100, 0), sock(2, [100], 100, 100, 0)], [proc(100, 2, [200, 200, 0])]);
  const b = sample(1, [sock(1, [100], 100, 100, 0), sock(3, [100], 700, 300, 2)], [proc(100, 2, [900, 500, 2])]);
  const s = deriveConns(a, b);
  if (!s) return t.fail('no snapshot');
  t.equal(s.procs[0].tcp_tx_bytes_per_s, 700);
  t.equal(s.procs[0].tcp_rx_bytes_per_s, 300);
  t.equal(s.closed_socks, 1, 'socket 2 closed: its last interval is lost');
  const c3 = s.conns.find((c) => c.local === '127.0.0.1:40003');
  t.ok(c3?.new);
  t.equal(c3?.tx_bytes_per_s, 700, 'everything a new socket did, it did in the interval');
  t.equal(s.retrans_events.length, 1, 'a new socket that already retransmitted is an event');
  t.equal(s.retrans_events[0].retrans_new, 2);
});

t.test('accumulators that started over: within the interval from zero, otherwise no rate', async (t) => {
  const a = sample(10, [], [proc(100, 1, [5000, 5000, 0], null), proc(300, 1, [9, 9, 0], 3)]);
  const b = sample(11, [], [
    proc(100, 1, [40, 50, 1], 10), // a new process under pid 100, counting since the previous read
    proc(200, 1, [70, 80, 0], 10), // a process that opened its first socket in the interval
    proc(300, 1, [20, 20, 0], 5), // restarted, but not within this interval: no baseline
  ]);
  const s = deriveConns(a, b);
  if (!s) return t.fail('no snapshot');
  const r = (pid: number): (number | null)[] => {
    const p = s.procs.find((x) => x.pid === pid);
    return [p?.tcp_tx_bytes_per_s ?? -1, p?.tcp_rx_bytes_per_s ?? -1, p?.tcp_retrans_per_s ?? -1];
  };
  t.same(r(100), [40, 50, 1], 'pid reuse: a fresh start, never 40 − 5000');
  t.same(r(200), [70, 80, 0]);
  t.same(s.procs.find((x) => x.pid === 300)?.tcp_tx_bytes_per_s, null);
  t.equal(s.conns.length, 0, 'a replay without sockets still has per-process rates');
});

t.test('a socket held by two processes counts in each; LISTEN is not a connection', async (t) => {
  const lis = (c: number): TcpSockSample => sock(c, [100], 0, 0, 0, { state: 'LISTEN', remote: '0.0.0.0:0' });
  const a = sample(0, [sock(1, [100, 101], 0, 0, 0), lis(9)], [proc(100, 1, [0, 0, 0], null, { tcp_listen: 1 }), proc(101, 1, [0, 0, 0])]);
  const b = sample(1, [sock(1, [100, 101], 4096, 0, 0), lis(9)], [proc(100, 1, [4096, 0, 0], null, { tcp_listen: 1 }), proc(101, 1, [4096, 0, 0])]);
  const s = deriveConns(a, b);
  if (!s) return t.fail('no snapshot');
  t.same(s.procs.map((p) => [p.pid, p.tcp_tx_bytes_per_s, p.tcp_conns, p.tcp_listen]), [
    [100, 4096, 1, 1],
    [101, 4096, 1, 0],
  ]);
  t.equal(s.conns.length, 1);
  t.same(s.conns[0].pids, [100, 101]);
  t.equal(s.conns[0].pid, 100);
});

t.test('unknown is null, never 0; no interval, no snapshot', async (t) => {
  // An old kernel: tcp_info without bytes_acked/received, so the accumulators never start.
  const a = sample(0, [sock(1, [100], null, null, 0)], [proc(100, 1, [null, null, 0]), proc(200, 0, [null, null, null], null, { udp: 2, unix: 1 })], [300]);
  const b = sample(1, [sock(1, [100], null, null, 1), sock(2, [], 50, 50, 0)], [proc(100, 1, [null, null, 1]), proc(200, 0, [null, null, null], null, { udp: 2, unix: 1 })], [300]);
  const s = deriveConns(a, b);
  if (!s) return t.fail('no snapshot');
  const p100 = s.procs.find((p) => p.pid === 100);
  t.equal(p100?.tcp_tx_bytes_per_s, null);
  t.equal(p100?.tcp_rx_bytes_per_s, null);
  t.equal(p100?.tcp_retrans_per_s, 1);
  const p200 = s.procs.find((p) => p.pid === 200);
  t.equal(p200?.tcp_tx_bytes_per_s, 0, 'no TCP socket at all: 0 for certain');
  t.equal(p200?.udp_socks, 2);
  t.equal(p200?.unix_socks, 1);
  t.ok(s.partial);
  t.same(s.unknown_pids, [300]);
  const orphan = s.conns.find((c) => c.pid === null);
  t.equal(orphan?.comm, null);
  t.equal(orphan?.tx_bytes_per_s, 50);

  t.equal(deriveConns(null, b), null);
  t.equal(deriveConns(b, b), null);
  t.equal(deriveConns(a, { ...b, mono_ns: a.mono_ns + 999_999n }), null, 'under 1 ms');
  t.equal(deriveConns(b, a), null, 'time going backwards');
});

t.test('counters past 2^53 and a counter that went backwards', async (t) => {
  const big = 2n ** 60n;
  const a = sample(0, [sock(1, [100], big, 5, 0), sock(2, [100], 1000, 1000, 5)], [proc(100, 2, [big, 1005, 5])]);
  const b = sample(1, [sock(1, [100], big + 123n, 5, 0), sock(2, [100], 10, 10, 1)], [proc(100, 2, [big + 123n, 1005, 5])]);
  const s = deriveConns(a, b);
  if (!s) return t.fail('no snapshot');
  t.equal(s.conns.find((c) => c.local === '127.0.0.1:40001')?.tx_bytes_per_s, 123, 'exact in bigint');
  const back = s.conns.find((c) => c.local === '127.0.0.1:40002');
  t.equal(back?.tx_bytes_per_s, null, 'backwards is no rate, not a negative one');
  t.equal(back?.retrans_per_s, null);
  t.equal(s.procs[0].tcp_tx_bytes_per_s, 123);
  t.equal(s.retrans_events.length, 0);
  const fell = deriveConns(a, sample(1, [], [proc(100, 2, [5, 5, 5])]));
  t.equal(fell?.procs[0].tcp_tx_bytes_per_s, null, 'an accumulator that fell under the same since: no rate');
  for (const c of s.conns) for (const v of [c.tx_bytes_per_s, c.rx_bytes_per_s, c.retrans_per_s]) t.ok(v === null || (Number.isFinite(v) && v >= 0));
});

t.test('an orphaned socket whose former owner exited is not attributed', async (t) => {
  const a = sample(0, [sock(1, [100], 0, 0, 0)], [proc(100, 1, [0, 0, 0])]);
  const b = sample(1, [sock(1, [100], 10, 0, 0, { inode: 0, state: 'FIN_WAIT1' })], []);
  const s = deriveConns(a, b);
  if (!s) return t.fail('no snapshot');
  t.same(s.procs, []);
  t.equal(s.conns[0].comm, null, 'no comm for a pid the sample no longer lists');
  t.equal(s.conns[0].tx_bytes_per_s, 10);
});
