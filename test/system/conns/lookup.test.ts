import * as net from 'net';
import t from 'tap';
import type { ConnsSample, TcpSockSample } from '../../../src/model/conns';
import { NetlinkDiagSocket } from '../../../src/sampler/conns/diag-socket';
import { buildTcpLookupRequest, ID_LEN, TcpDumpParser, AddrCache } from '../../../src/sampler/conns/inet-diag';
import { walkAnswers, walkNlmsgs } from '../../../src/sampler/conns/netlink';
import { buildTcpCompatDumpRequest } from '../../../src/sampler/conns/inet-diag';
import { NativeDiag, nativeDiagOf } from '../../../src/sampler/conns/native-diag';
import { ConnsReader, ConnsReaderOptions } from '../../../src/sampler/conns/reader';
import { loadNative } from '../../../src/sampler/native/load';

/**
 * The lookup path (the last read's sockets looked up one by one, when no TCP socket was opened since)
 * against the full dump, on live loopback connections: the same sockets with the same counters, and
 * counters that agree with the bytes this test sent. Each reader test runs with the TypeScript path
 * (the `netlink` package) and with the native core's sock_diag socket (native/sampler/sockdiag.c).
 */

const addon = loadNative().addon;
const nativeFns = nativeDiagOf(addon);
const VARIANTS: { name: string; opts: ConnsReaderOptions; skip: string | false }[] = [
  { name: 'ts', opts: {}, skip: false },
  { name: 'native', opts: { native: addon }, skip: nativeFns ? false : 'the native sampler core (with sockdiag.c) is not built here' },
];

const N = 300_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Peer {
  srv: net.Server;
  port: number;
  accepted: net.Socket[];
  received: () => number;
}

async function listen(host: string): Promise<Peer> {
  let got = 0;
  const accepted: net.Socket[] = [];
  const srv = net.createServer((s) => {
    accepted.push(s);
    s.on('data', (d) => (got += d.length));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, host, r));
  return { srv, port: (srv.address() as net.AddressInfo).port, accepted, received: () => got };
}

async function connect(host: string, port: number, localPort?: number): Promise<net.Socket> {
  const c = net.connect({ host, port, localPort });
  c.on('error', () => {});
  await new Promise<void>((r, j) => c.once('connect', r).once('error', j));
  return c;
}

/**
 * Reads with `r` until a read was answered by lookups (another process's connect() forces a dump: on a
 * machine where other tests open connections all the time, that takes a quiet moment; 20 s deadline).
 */
async function lookupRead(r: ConnsReader): Promise<ConnsSample | null> {
  for (const end = Date.now() + 20_000; Date.now() < end; ) {
    const before = r.lookupReads;
    const s = await r.read();
    if (r.lookupReads > before) return s;
    await sleep(50);
  }
  return null;
}

/** The sockets on `port` (either end), as comparable rows. */
function mine(s: ConnsSample, port: number): string[] {
  return s.tcp
    .filter((k) => k.local_port === port || k.remote_port === port)
    .map((k) => `${String(k.cookie)} ${k.state} ${k.local} ${k.remote} acked=${String(k.bytes_acked)} rcvd=${String(k.bytes_received)} re=${String(k.total_retrans)}`)
    .sort();
}

const byPorts = (s: ConnsSample, local: number, remote: number): TcpSockSample | undefined =>
  s.tcp.find((k) => k.local_port === local && k.remote_port === remote);

for (const v of VARIANTS) {
  t.test(`${v.name}: lookups give the sockets and counters a dump gives: send, close, reopen the same 4-tuple`, { skip: v.skip }, async (t) => {
    const p = await listen('127.0.0.1');
    t.teardown(() => p.srv.close());
    const looker = new ConnsReader(v.opts);
    const dumper = new ConnsReader({ ...v.opts, fullDumpEveryMs: 0 });
    t.equal(looker.diagPath, v.name, `the ${v.name} sock_diag path`);
    t.teardown(() => {
      looker.close();
      dumper.close();
    });
    const c = await connect('127.0.0.1', p.port);
    t.teardown(() => c.destroy()); // an early return must not leave it open: the process would not exit
    const lport = c.localPort as number;
    await looker.read(); // the first read always dumps

    c.write(Buffer.alloc(N));
    for (const end = Date.now() + 30_000; Date.now() < end && p.received() < N; ) await sleep(10);
    await sleep(100); // the last ACK
    t.equal(p.received(), N, 'the server received every byte');
    const a = await lookupRead(looker);
    t.ok(a, 'a read was answered by lookups');
    if (!a) return;
    const d = await dumper.read();
    t.same(mine(a, p.port), mine(d, p.port), 'same sockets, states and counters as a dump');
    t.equal(mine(a, p.port).length, 3, 'the listener and both ends of the connection');
    // tcpi_bytes_acked counts the SYN as a byte.
    t.equal(Number(byPorts(a, lport, p.port)?.bytes_acked), N + 1, 'the client end: bytes acked = bytes sent + SYN');
    t.equal(Number(byPorts(a, p.port, lport)?.bytes_received), N, 'the server end: bytes received = bytes sent');
    t.ok(a.tcp.some((k) => k.state === 'LISTEN' && k.local_port === p.port), 'the listener is found by lookup');

    // Closing opens nothing: the next lookup read must see both ends gone (an RST: no TIME_WAIT either).
    const oldCookie = byPorts(a, lport, p.port)?.cookie;
    c.resetAndDestroy();
    for (const end = Date.now() + 30_000; Date.now() < end && p.accepted.some((s) => !s.destroyed); ) await sleep(10);
    await sleep(50);
    const a2 = await lookupRead(looker);
    t.ok(a2, 'a read after the close was answered by lookups');
    if (!a2) return;
    const d2 = await dumper.read();
    t.same(mine(a2, p.port), mine(d2, p.port), 'after the close: the same sockets as a dump');
    t.equal(mine(a2, p.port).length, 1, 'only the listener is left');

    // The same 4-tuple again: a new socket with a new cookie. The connect forces a dump, and the
    // lookup reads after it track the new socket, never the old one.
    const full = looker.fullDumps;
    const c2 = await connect('127.0.0.1', p.port, lport);
    t.teardown(() => c2.destroy());
    c2.write(Buffer.alloc(1000));
    for (const end = Date.now() + 30_000; Date.now() < end && p.received() < N + 1000; ) await sleep(10);
    await sleep(100);
    const a3 = await looker.read();
    t.ok(looker.fullDumps > full, 'the connect() made the next read a full dump');
    const fresh = byPorts(a3, lport, p.port);
    t.ok(fresh, 'the reopened connection is listed');
    t.not(fresh?.cookie, oldCookie, 'as a new socket');
    t.equal(Number(fresh?.bytes_acked), 1001, 'counting from zero');
    const a4 = await lookupRead(looker);
    t.ok(a4, 'then lookups again');
    if (!a4) return;
    const d4 = await dumper.read();
    t.same(mine(a4, p.port), mine(d4, p.port), 'the same sockets and counters as a dump');
  });
}

t.test('a socket reopened on the same 4-tuple is not found by the old identity (its cookie)', async (t) => {
  const p = await listen('127.0.0.1');
  t.teardown(() => p.srv.close());
  const nl = new NetlinkDiagSocket();
  t.teardown(() => nl.close());
  const c = await connect('127.0.0.1', p.port);
  t.teardown(() => c.destroy()); // an early return must not leave it open: the process would not exit
  const lport = c.localPort as number;
  const dump = async (): Promise<TcpDumpParser> => {
    const parser = new TcpDumpParser(new AddrCache(), true);
    await nl.request(buildTcpCompatDumpRequest(1), (dg) => walkNlmsgs(dg, dg.length, 1, parser.onMsg).done, 5000);
    return parser;
  };
  const idOf = (parser: TcpDumpParser): Buffer => {
    const i = parser.socks.findIndex((k) => k.local_port === lport && k.remote_port === p.port);
    return parser.ids.subarray(ID_LEN * i, ID_LEN * (i + 1));
  };
  const lookup = async (id: Buffer): Promise<{ errno: number | null; socks: TcpSockSample[] }> => {
    const parser = new TcpDumpParser(new AddrCache());
    let errno: number | null = null;
    await nl.request(buildTcpLookupRequest(id, 0, 2), (dg) => walkAnswers(dg, 2, parser.onMsg, (e) => (errno = e)) > 0, 5000);
    return { errno, socks: parser.socks };
  };
  const oldId = Buffer.from(idOf(await dump()));
  const found = await lookup(oldId);
  t.equal(found.errno, null, 'the live socket is found');
  t.equal(found.socks.length, 1);
  c.resetAndDestroy();
  await sleep(100);
  t.equal((await lookup(oldId)).errno, -2, 'gone: ENOENT');
  const c2 = await connect('127.0.0.1', p.port, lport);
  t.teardown(() => c2.destroy());
  const stale = await lookup(oldId);
  // inet_diag_find_one_icsk: a cookie that differs is ENOENT (6.x) or ESTALE (older kernels).
  t.ok(stale.errno === -2 || stale.errno === -116, `the same 4-tuple held by a new socket: not found (${String(stale.errno)})`);
  t.equal(stale.socks.length, 0, 'the new socket is not answered for the old one');
  const now = await lookup(Buffer.from(idOf(await dump())));
  t.equal(now.socks.length, 1, 'the new socket is found by its own identity');
});

for (const v of VARIANTS) {
  t.test(`${v.name}: IPv6: a connect() between two reads moves the shared Tcp counters, so the read is a full dump`, { skip: v.skip }, async (t) => {
    const six = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(0, '::1', () => s.close(() => resolve(true)));
    });
    const p = await listen(six ? '::1' : '127.0.0.1');
    t.teardown(() => p.srv.close());
    const r = new ConnsReader(v.opts);
    t.teardown(() => r.close());
    await r.read();
    t.ok(await lookupRead(r), 'a steady read is answered by lookups');
    const full = r.fullDumps;
    const c = await connect(six ? '::1' : '127.0.0.1', p.port);
    t.teardown(() => c.destroy());
    const s = await r.read();
    t.ok(r.fullDumps > full, 'the read after the connect() is a full dump');
    t.ok(byPorts(s, c.localPort as number, p.port), 'and lists the new connection');
    t.ok(byPorts(s, p.port, c.localPort as number), 'and its accepted end');
  });

  t.test(`${v.name}: a new listener (listen() opens nothing) is seen at the next read`, { skip: v.skip }, async (t) => {
    const r = new ConnsReader(v.opts);
    t.teardown(() => r.close());
    await r.read();
    t.ok(await lookupRead(r), 'a steady read is answered by lookups');
    const p = await listen('127.0.0.1');
    t.teardown(() => p.srv.close());
    const s = await r.read();
    t.ok(s.tcp.some((k) => k.state === 'LISTEN' && k.local_port === p.port), 'the new listener is listed');
  });
}

t.test('native: a socket reopened on the same 4-tuple is not found by the old identity (its cookie)', { skip: VARIANTS[1].skip }, async (t) => {
  const p = await listen('127.0.0.1');
  t.teardown(() => p.srv.close());
  const nd = new NativeDiag(nativeFns!);
  t.teardown(() => nd.close());
  const c = await connect('127.0.0.1', p.port);
  t.teardown(() => c.destroy()); // an early return must not leave it open: the process would not exit
  const lport = c.localPort as number;
  let seq = 0;
  const idOf = async (): Promise<Buffer> => {
    const parser = new TcpDumpParser(new AddrCache(), true);
    await nd.dump(0, 2, ++seq, parser, 5000);
    const i = parser.socks.findIndex((k) => k.local_port === lport && k.remote_port === p.port);
    t.ok(i >= 0, 'the connection is in the dump');
    return Buffer.from(parser.ids.subarray(ID_LEN * i, ID_LEN * (i + 1)));
  };
  const lookup = (id: Buffer): { ok: boolean; socks: TcpSockSample[] } => {
    const parser = new TcpDumpParser(new AddrCache());
    return { ok: nd.lookup(id, 1, ++seq, parser), socks: parser.socks };
  };
  const oldId = await idOf();
  const found = lookup(oldId);
  t.ok(found.ok, 'answered');
  t.equal(found.socks.length, 1, 'the live socket is found');
  t.equal(found.socks[0]?.local_port, lport);
  c.resetAndDestroy();
  await sleep(100);
  const gone = lookup(oldId);
  t.ok(gone.ok, 'ENOENT is an answer: gone');
  t.equal(gone.socks.length, 0, 'and lists nothing');
  const c2 = await connect('127.0.0.1', p.port, lport);
  t.teardown(() => c2.destroy());
  const stale = lookup(oldId);
  t.ok(stale.ok, 'the same 4-tuple held by a new socket: an answer (ENOENT or ESTALE)');
  t.equal(stale.socks.length, 0, 'the new socket is not answered for the old one');
  t.equal(lookup(await idOf()).socks.length, 1, 'the new socket is found by its own identity');
  // More than one batch of 32 in one call: the same identity 70 times, 70 answers.
  const many = Buffer.concat(Array.from({ length: 70 }, () => oldId));
  const parser = new TcpDumpParser(new AddrCache());
  t.ok(nd.lookup(many, 70, ++seq, parser), '70 lookups (three sendmsgs) all answered');
  const newId = await idOf();
  const again = new TcpDumpParser(new AddrCache());
  t.ok(nd.lookup(Buffer.concat(Array.from({ length: 70 }, () => newId)), 70, ++seq, again), '70 lookups of a live socket');
  t.equal(again.socks.length, 70, 'each answered with the socket');
});

t.test('native: 40+ sockets (past the TypeScript path\'s 32) are read by lookups, the same as a dump', { skip: VARIANTS[1].skip }, async (t) => {
  const p = await listen('127.0.0.1');
  t.teardown(() => p.srv.close());
  const clients: net.Socket[] = [];
  t.teardown(() => clients.forEach((c) => c.destroy()));
  for (let i = 0; i < 20; i++) clients.push(await connect('127.0.0.1', p.port));
  for (const end = Date.now() + 30_000; Date.now() < end && p.accepted.length < 20; ) await sleep(10);
  const looker = new ConnsReader(VARIANTS[1].opts);
  const dumper = new ConnsReader({ ...VARIANTS[1].opts, fullDumpEveryMs: 0 });
  t.teardown(() => {
    looker.close();
    dumper.close();
  });
  const first = await looker.read();
  t.ok(first.tcp.length > 32, `${first.tcp.length} TCP sockets on the machine`);
  clients.forEach((c, i) => c.write(Buffer.alloc(1000 * (i + 1))));
  for (const end = Date.now() + 30_000; Date.now() < end && p.received() < 210_000; ) await sleep(10);
  await sleep(100);
  const a = await lookupRead(looker);
  t.ok(a, 'a read was answered by lookups');
  if (!a) return;
  const d = await dumper.read();
  t.equal(mine(a, p.port).length, 41, 'the listener and both ends of 20 connections');
  t.same(mine(a, p.port), mine(d, p.port), 'same sockets, states and counters as a dump');
});
