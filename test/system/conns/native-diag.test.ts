import * as net from 'net';
import t from 'tap';
import type { Counter } from '../../../src/model/counter';
import type { ConnsSample, TcpSockSample } from '../../../src/model/conns';
import { AddrCache, TcpDumpParser } from '../../../src/sampler/conns/inet-diag';
import { NativeDiag, nativeDiagOf } from '../../../src/sampler/conns/native-diag';
import { ConnsReader } from '../../../src/sampler/conns/reader';
import { ConnsTier } from '../../../src/sampler/conns/tier';
import { loadNative } from '../../../src/sampler/native/load';

/**
 * The native core's sock_diag reader (native/sampler/sockdiag.c) against the TypeScript reference on
 * the same live sockets: loopback connections over IPv4 and IPv6, one of them sending all along. Ground
 * truth is a TypeScript read just before and just after the native one: every socket listed by both is
 * listed by the native read with the same identity, endpoints, inode and holder, and its monotonic
 * counters lie between the two (they move while the three reads run).
 */

const addon = loadNative().addon;
const skip = nativeDiagOf(addon) ? false : 'the native sampler core (with sockdiag.c) is not built here';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function hasIpv6(): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

interface Fixture {
  ports: Set<number>;
  stop: () => Promise<void>;
}

/** A server per family with `n` clients each; the first client of each family keeps sending. */
async function traffic(hosts: string[], n: number): Promise<Fixture> {
  const ports = new Set<number>();
  const closers: (() => void)[] = [];
  for (const host of hosts) {
    const accepted: net.Socket[] = [];
    const srv = net.createServer((s) => {
      accepted.push(s);
      s.on('data', () => {});
      s.on('error', () => {});
    });
    await new Promise<void>((r) => srv.listen(0, host, r));
    const port = (srv.address() as net.AddressInfo).port;
    ports.add(port);
    const clients: net.Socket[] = [];
    for (let i = 0; i < n; i++) {
      const c = net.connect({ host, port });
      c.on('error', () => {});
      await new Promise<void>((r, j) => c.once('connect', r).once('error', j));
      clients.push(c);
    }
    const chunk = Buffer.alloc(16384);
    const timer = setInterval(() => clients[0].write(chunk), 2);
    closers.push(() => {
      clearInterval(timer);
      for (const c of clients) c.destroy();
      for (const s of accepted) s.destroy();
      srv.close();
    });
  }
  return {
    ports,
    stop: async () => {
      for (const c of closers) c();
      await sleep(20);
    },
  };
}

const key = (k: TcpSockSample): string => String(k.cookie);
const le = (a: Counter | number | null, b: Counter | number | null): boolean => a !== null && b !== null && BigInt(a) <= BigInt(b);

/** Compares the native read `n` with the TypeScript reads just before (`a`) and after (`b`); returns the problems. */
function compare(a: ConnsSample, n: ConnsSample, b: ConnsSample, ours: (k: TcpSockSample) => boolean): { problems: string[]; checked: number; ourN: number } {
  const problems: string[] = [];
  const after = new Map(b.tcp.map((k) => [key(k), k]));
  const nat = new Map(n.tcp.map((k) => [key(k), k]));
  let checked = 0;
  let ourN = 0;
  for (const x of a.tcp) {
    const y = after.get(key(x));
    // A socket that changed state or endpoints between the TypeScript reads (another program's) is not ground truth.
    if (y === undefined || y.state !== x.state || y.local !== x.local || y.remote !== x.remote || y.inode !== x.inode) continue;
    const m = nat.get(key(x));
    const who = `${x.state} ${x.local} ${x.remote}`;
    if (m === undefined) {
      problems.push(`${who}: not in the native read`);
      continue;
    }
    checked++;
    for (const f of ['family', 'state', 'local', 'remote', 'local_port', 'remote_port', 'inode', 'uid'] as const) {
      if (m[f] !== x[f]) problems.push(`${who}: ${f} ${String(m[f])} vs ${String(x[f])}`);
    }
    for (const f of ['rtt_us', 'rttvar_us', 'cwnd'] as const) if ((m[f] === null) !== (x[f] === null)) problems.push(`${who}: ${f} null in one read only`);
    if (!ours(x)) continue;
    ourN++;
    for (const f of ['bytes_acked', 'bytes_received', 'total_retrans'] as const) {
      if (!le(x[f], m[f]) || !le(m[f], y[f])) problems.push(`${who}: ${f} ${String(m[f])} not within [${String(x[f])}, ${String(y[f])}]`);
    }
    if (m.pids.join() !== x.pids.join()) problems.push(`${who}: holders ${m.pids.join()} vs ${x.pids.join()}`);
  }
  // Nothing the native read lists that neither TypeScript read had, unless it is new (cookies count up).
  const maxBefore = a.tcp.reduce((mx, k) => (BigInt(k.cookie) > mx ? BigInt(k.cookie) : mx), 0n);
  for (const m of n.tcp) if (!after.has(key(m)) && !a.tcp.some((k) => key(k) === key(m)) && BigInt(m.cookie) <= maxBefore && ours(m)) problems.push(`${m.local} ${m.remote}: only in the native read`);
  return { problems, checked, ourN };
}

t.test('native and TypeScript reads list the same sockets with counters in between, IPv4 and IPv6', { skip }, async (t) => {
  const hosts = (await hasIpv6()) ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  const fx = await traffic(hosts, 3);
  t.teardown(fx.stop);
  const ours = (k: TcpSockSample): boolean => fx.ports.has(k.local_port) || fx.ports.has(k.remote_port);
  // Both always dump here (the lookups have their own tests): the dump is what is compared.
  const ts = new ConnsReader({ fullDumpEveryMs: 0 });
  const nat = new ConnsReader({ native: addon, fullDumpEveryMs: 0 });
  t.teardown(() => {
    ts.close();
    nat.close();
  });
  t.equal(ts.diagPath, 'ts');
  t.equal(nat.diagPath, 'native');
  // First reads attribute every socket (each reader's fd scan finds this process).
  for (let i = 0; i < 3; i++) {
    await ts.read();
    await nat.read();
  }
  const problems: string[] = [];
  let ourN = 0;
  let checked = 0;
  let moved = false;
  for (let round = 0; round < 5; round++) {
    const a = await ts.read();
    const n = await nat.read();
    const b = await ts.read();
    const r = compare(a, n, b, ours);
    problems.push(...r.problems.map((p) => `round ${round}: ${p}`));
    ourN = Math.max(ourN, r.ourN);
    checked += r.checked;
    t.equal(n.malformed, 0, 'nothing malformed');
    const sender = (s: ConnsSample): Counter | null => s.tcp.find((k) => ours(k) && k.state === 'ESTABLISHED' && (k.bytes_acked ?? 0) > 1000)?.bytes_acked ?? null;
    if (sender(a) !== null && sender(b) !== null && BigInt(sender(b)!) > BigInt(sender(a)!)) moved = true;
    await sleep(50);
  }
  t.same(problems, [], `${checked} socket comparisons, none differ`);
  // Per family: the listener and both ends of three connections.
  t.equal(ourN, hosts.length * 7, `all ${hosts.length * 7} of this test's sockets compared`);
  t.ok(moved, 'the counters moved between the reads (the comparison is over live counters)');
});

t.test('the tier reads through the native path when given the addon, and through the TypeScript one without', { skip }, async (t) => {
  const fx = await traffic(['127.0.0.1'], 1);
  t.teardown(fx.stop);
  const port = [...fx.ports][0];
  for (const [name, native] of [
    ['native', addon],
    ['ts', null],
  ] as const) {
    const seen: ConnsSample[] = [];
    const tier = new ConnsTier({ intervalMs: 50, maxCpuShare: 0.5, native, onSample: (x) => seen.push(x) });
    tier.start();
    try {
      t.equal(tier.diagPath(), name, `${name}: the tier's sock_diag path`);
      for (const end = Date.now() + 30_000; Date.now() < end && !seen.some((x) => x.tcp.some((k) => k.local_port === port && k.pids.includes(process.pid))); ) await sleep(20);
      t.ok(seen.some((x) => x.tcp.some((k) => k.state === 'LISTEN' && k.local_port === port && k.pids.includes(process.pid))), `${name}: this test's listener, held by this process`);
    } finally {
      tier.stop();
    }
  }
});

t.test('a dump of many datagrams received one slice at a time gives what one call gives', { skip }, async (t) => {
  // 120 connections: 241 sockets of this test, several datagrams of about 32 KiB.
  const fx = await traffic(['127.0.0.1'], 120);
  t.teardown(fx.stop);
  const fns = nativeDiagOf(addon)!;
  const sliced = new NativeDiag(fns, 0); // the slice runs out after every datagram
  const whole = new NativeDiag(fns);
  t.teardown(() => {
    sliced.close();
    whole.close();
  });
  const port = [...fx.ports][0];
  const mineOnly = (k: TcpSockSample): boolean => k.local_port === port || k.remote_port === port;
  const rows = async (nd: NativeDiag, seq: number): Promise<string[]> => {
    const p = new TcpDumpParser(new AddrCache(), true);
    const r = await nd.dump(0, 2, seq, p, 5000);
    t.equal(r.errno, null);
    t.equal(p.malformed, 0);
    return p.socks.filter(mineOnly).map((k) => `${String(k.cookie)} ${k.state} ${k.local} ${k.remote}`).sort();
  };
  const a = await rows(sliced, 1);
  const b = await rows(whole, 2);
  t.equal(a.length, 241, 'the listener and both ends of 120 connections');
  t.same(a, b, 'the same sockets');
});
