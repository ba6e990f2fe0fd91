import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import t from 'tap';
import { deriveConns } from '../../../src/derive/conns';
import type { ConnsSample } from '../../../src/model/conns';
import { ConnsReader } from '../../../src/sampler/conns/reader';
import { ConnsTier } from '../../../src/sampler/conns/tier';
import { JsonChild, TCP_CLIENT, tsNodeArgs } from '../../helpers/conns/child';
import { AnsweringServer, answeringServer } from '../../helpers/conns/traffic';
import { ROOT } from '../../helpers/paths';

const UP = 1_500_000;
const DOWN = 2_500_000;

const server = (host: string): Promise<AnsweringServer> => answeringServer(host, DOWN);

async function ipv6(): Promise<boolean> {
  const s = net.createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}

/** A read whose fd scan finished (the first scan of a busy machine can take more than one read's budget). */
async function readFull(r: ConnsReader): Promise<ConnsSample> {
  for (let i = 0; i < 20; i++) {
    const s = await r.read();
    if (!s.scan_incomplete) return s;
  }
  throw new Error('the fd scan never finished');
}

const within = (got: number, want: number, rel: number): boolean => Math.abs(got - want) <= want * rel;

t.test('known loopback traffic: per-process tx/rx within 1%, connections with the right pid and ports', async (t) => {
  const s4 = await server('127.0.0.1');
  const s6 = (await ipv6()) ? await server('::1') : null;
  t.teardown(() => {
    for (const s of [s4, s6]) {
      if (!s) continue;
      for (const k of s.socks) k.destroy();
      s.srv.close();
    }
  });
  const targets = [
    { host: '127.0.0.1', port: s4.port },
    { host: '127.0.0.1', port: s4.port },
    ...(s6 ? [{ host: '::1', port: s6.port }, { host: '::1', port: s6.port }] : [{ host: '127.0.0.1', port: s4.port }]),
  ];
  const child = new JsonChild(process.execPath, [TCP_CLIENT, JSON.stringify({ targets, up: UP, down: DOWN })]);
  t.teardown(() => child.kill());
  const ready = await child.next('ready');
  const cpid = ready.ready as number;
  const ports = ready.ports as { host: string; local: number }[];

  const reader = new ConnsReader();
  t.teardown(() => reader.close());
  const before = await readFull(reader);
  child.send('go');
  const extra = (await child.next('extra')).extra as number;
  await child.next('done', 30_000);
  // Every byte arrived; give the last ACKs a moment so bytes_acked has caught up.
  const want = (targets.length + 1) * UP;
  for (const end = Date.now() + 30_000; Date.now() < end && s4.received() + (s6?.received() ?? 0) < want; ) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  const after = await readFull(reader);

  const snap = deriveConns(before, after);
  t.ok(snap);
  if (!snap) return;
  const dt = snap.interval_ms / 1000;
  const nConns = targets.length + 1;
  // Ground truth: what the application wrote, and what the other end counted as received.
  t.equal(s4.received() + (s6?.received() ?? 0), nConns * UP, 'the servers received every byte the client sent');
  const c = snap.procs.find((p) => p.pid === cpid);
  const me = snap.procs.find((p) => p.pid === process.pid);
  t.ok(c, 'the client process has a row');
  t.ok(me, 'this (server) process has a row');
  if (!c || !me) return;
  const ctx = (c.tcp_tx_bytes_per_s ?? NaN) * dt;
  const crx = (c.tcp_rx_bytes_per_s ?? NaN) * dt;
  t.ok(within(ctx, nConns * UP, 0.01), `client tx ${ctx} vs ${nConns * UP}`);
  t.ok(within(crx, nConns * DOWN, 0.01), `client rx ${crx} vs ${nConns * DOWN}`);
  const stx = (me.tcp_tx_bytes_per_s ?? NaN) * dt;
  const srx = (me.tcp_rx_bytes_per_s ?? NaN) * dt;
  t.ok(within(stx, nConns * DOWN, 0.01), `server tx ${stx} vs ${nConns * DOWN}`);
  t.ok(within(srx, nConns * UP, 0.01), `server rx ${srx} vs ${nConns * UP}`);
  // The accumulators (what replay sees) and the per-connection deltas (what live sees) agree exactly.
  const sumConns = snap.conns.filter((x) => x.pids.includes(cpid)).reduce((a, x) => a + (x.tx_bytes_per_s ?? 0), 0);
  t.ok(Math.abs(sumConns - (c.tcp_tx_bytes_per_s ?? NaN)) < 1e-6, 'per-process = sum of its connections');
  t.equal(c.tcp_conns, nConns);
  t.equal(c.tcp_listen, 0);
  t.ok(me.tcp_listen >= 1, 'the listeners are this process’s');
  // Loopback can retransmit too (a burst overflowing the backlog queue): any finite count is right here.
  t.ok(c.tcp_retrans_per_s !== null && Number.isFinite(c.tcp_retrans_per_s) && c.tcp_retrans_per_s >= 0);
  t.equal(c.comm, 'node');

  for (const p of [...ports.map((x) => x.local), extra]) {
    const conn = snap.conns.find((x) => x.pid === cpid && x.local.endsWith(`:${p}`));
    t.ok(conn, `client connection from port ${p}`);
    if (!conn) continue;
    t.ok(conn.remote.endsWith(`:${s4.port}`) || (s6 !== null && conn.remote.endsWith(`:${s6.port}`)), `to ${conn.remote}`);
    t.equal(conn.state, 'ESTABLISHED');
    t.same(conn.pids, [cpid]);
    t.equal(conn.new, p === extra, 'only the connection opened mid-interval is new');
    t.ok(conn.rtt_ms !== null && conn.rtt_ms > 0);
    t.ok(within((conn.tx_bytes_per_s ?? NaN) * dt, UP, 0.01));
    const peer = snap.conns.find((x) => x.remote === conn.local && x.local === conn.remote);
    t.equal(peer?.pid, process.pid, 'the other end is this process');
  }
  if (s6) t.ok(snap.conns.some((x) => x.pid === cpid && x.local.startsWith('[::1]:')), 'IPv6 connections are dumped too');
  t.equal(after.malformed, 0);
  t.notOk(after.scan_incomplete);
  child.send('exit');
});

t.test('a socket shared by two processes after fork is attributed to both', async (t) => {
  const s = await server('127.0.0.1');
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  // fork+exec with the socket as fd 3: sleep holds the same socket inode as this process.
  const sleeper = spawn('sleep', ['30'], { stdio: ['ignore', 'ignore', 'ignore', sock] });
  t.teardown(() => {
    sleeper.kill('SIGKILL');
    sock.destroy();
    for (const k of s.socks) k.destroy();
    s.srv.close();
  });
  await new Promise((r) => setTimeout(r, 100));
  const link = fs.readlinkSync(`/proc/${sleeper.pid}/fd/3`);
  const reader = new ConnsReader();
  t.teardown(() => reader.close());
  const a = await readFull(reader);
  const mine = a.tcp.find((k) => k.local_port === sock.localPort && k.remote_port === s.port);
  t.ok(mine);
  t.equal(link, `socket:[${mine?.inode}]`, 'the child’s fd 3 is the same socket');
  t.same(mine?.pids, [process.pid, sleeper.pid as number].sort((x, y) => x - y));
  const sl = a.procs.find((p) => p.pid === sleeper.pid);
  t.equal(sl?.comm, 'sleep');
  t.equal(sl?.tcp, 1);
  sock.write(Buffer.alloc(10_000));
  await new Promise((r) => setTimeout(r, 150));
  const b = await readFull(reader);
  const snap = deriveConns(a, b);
  const rate = (pid: number): number | null | undefined => snap?.procs.find((p) => p.pid === pid)?.tcp_tx_bytes_per_s;
  const shared = snap?.conns.find((c) => c.local === mine?.local && c.remote === mine?.remote);
  t.ok(shared && shared.tx_bytes_per_s !== null && shared.tx_bytes_per_s > 0);
  t.same(shared?.pids, mine?.pids);
  // sleep holds nothing else, so its rate is that socket's; this process also holds the server's end.
  t.equal(rate(sleeper.pid as number), shared?.tx_bytes_per_s, 'the shared socket counts in the child');
  t.ok((rate(process.pid) ?? 0) >= (shared?.tx_bytes_per_s ?? Infinity), 'and in the parent');
});

t.test('UDP and Unix sockets are counted per process', async (t) => {
  const dgram = await import('dgram');
  const u4 = dgram.createSocket('udp4');
  await new Promise<void>((r) => u4.bind(0, '127.0.0.1', r));
  const sockPath = path.join(fs.mkdtempSync('/tmp/vigil-unix-'), 's');
  const us = net.createServer();
  await new Promise<void>((r) => us.listen(sockPath, r));
  t.teardown(() => {
    u4.close();
    us.close();
  });
  const reader = new ConnsReader();
  t.teardown(() => reader.close());
  const s = await readFull(reader);
  const me = s.procs.find((p) => p.pid === process.pid);
  // Ground truth: this process's own fd table, classified by /proc/net/udp and unix read independently here.
  const inodes = (file: string, col: number): Set<string> =>
    new Set(fs.readFileSync(file, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)[col]).filter(Boolean));
  const udp = new Set([...inodes('/proc/net/udp', 9), ...inodes('/proc/net/udp6', 9)]);
  const unix = inodes('/proc/net/unix', 6);
  let wantUdp = 0;
  let wantUnix = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let l = '';
    try {
      l = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(l);
    if (m && udp.has(m[1])) wantUdp++;
    if (m && unix.has(m[1])) wantUnix++;
  }
  t.ok(wantUdp >= 1 && wantUnix >= 1);
  t.equal(me?.udp, wantUdp);
  t.equal(me?.unix, wantUnix);
});

t.test('without permission to read other users’ fds: what is visible, and a flag', async (t) => {
  const nobody = 65534;
  // The child must be able to read this checkout: one under a private home (/root/...) it cannot.
  const root = ROOT;
  const reach = spawnSync('test', ['-r', path.join(root, 'node_modules', 'tap', 'package.json')], { uid: nobody, gid: nobody });
  if (reach.status !== 0) {
    t.skip(`the checkout (${root}) is not readable by user nobody, who must run the reader`, () => undefined);
    return;
  }
  // The reader runs as nobody in a child; coverage hooks (which write as root) are left out.
  const env = { ...process.env, NODE_OPTIONS: '' };
  const script = `
    const { ConnsReader } = require(${JSON.stringify(require.resolve('../../../src/sampler/conns/reader'))});
    const r = new ConnsReader();
    r.read().then((s) => {
      process.stdout.write(JSON.stringify({ denied: s.denied.length, pid1: s.denied.includes(1), socks: s.tcp.length, unowned: s.tcp.filter((k) => k.pids.length === 0).length, me: s.procs.some((p) => p.pid === process.pid) }));
      r.close();
    });`;
  const res = spawnSync(process.execPath, [...tsNodeArgs(), '-e', script], { uid: nobody, gid: nobody, env, encoding: 'utf8', timeout: 60_000, cwd: '/' });
  if (res.error || res.status !== 0) {
    t.fail(`child as nobody failed: ${res.error?.message ?? ''} ${res.stderr}`);
    return;
  }
  const out = JSON.parse(res.stdout) as { denied: number; pid1: boolean; socks: number; unowned: number; me: boolean };
  t.ok(out.denied > 0, `${out.denied} processes not readable`);
  t.ok(out.pid1, 'init is one of them');
  t.ok(out.socks > 0, 'sock_diag still lists every socket');
  t.ok(out.unowned > 0, 'root’s sockets are listed with no pid');
  t.same(deriveConns(fakeSample(0, [1]), fakeSample(1, [1]))?.partial, true);
});

function fakeSample(sec: number, denied: number[]): ConnsSample {
  return { mono_ns: BigInt(sec * 1e9), t: 0, tcp: [], procs: [], denied, scan_incomplete: false, malformed: 0, cost_ms: 0 };
}

t.test('the tier reads on its own timer and hands out the latest sample', async (t) => {
  const seen: ConnsSample[] = [];
  const tier = new ConnsTier({ intervalMs: 100, maxCpuShare: 0.5, onSample: (s) => seen.push(s) });
  t.equal(tier.latest(), null);
  t.equal(tier.stats(), null);
  tier.start();
  t.teardown(() => tier.stop());
  for (const end = Date.now() + 30_000; Date.now() < end && seen.length < 3; ) await new Promise((r) => setTimeout(r, 20));
  t.ok(seen.length >= 3, `${seen.length} reads`);
  t.equal(tier.latest(), seen[seen.length - 1]);
  t.equal(tier.unavailable(), null);
  t.ok((tier.stats()?.parse_ms ?? -1) >= 0, 'timings of the last read');
  t.ok(seen[1].mono_ns - seen[0].mono_ns >= 90_000_000n, 'no faster than its interval');
  tier.stop();
  const n = seen.length;
  await new Promise((r) => setTimeout(r, 250));
  t.equal(seen.length, n, 'stopped');
});

t.test('a tier whose dumps keep failing stops and says why; one that cannot open says so at once', async (t) => {
  let opened = 0;
  const failing = new ConnsTier({
    intervalMs: 10,
    transport: () => {
      opened++;
      return { request: () => Promise.reject(new Error('sock_diag dump failed: EPERM')), close: () => undefined };
    },
  });
  failing.start();
  for (const end = Date.now() + 30_000; Date.now() < end && failing.unavailable() === null; ) await new Promise((r) => setTimeout(r, 20));
  t.equal(failing.unavailable(), 'sock_diag dump failed: EPERM');
  t.equal(opened, 3, 'reopened after each failure, then gave up');
  const broken = new ConnsTier({
    transport: () => {
      throw new Error('netlink sockets unavailable (no prebuild)');
    },
  });
  broken.start();
  t.equal(broken.unavailable(), 'netlink sockets unavailable (no prebuild)');
  t.equal(broken.latest(), null);
});
