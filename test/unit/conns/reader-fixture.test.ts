import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import type { DiagTransport } from '../../../src/sampler/conns/diag-socket';
import { TCPDIAG_GETSOCK } from '../../../src/sampler/conns/inet-diag';
import { buildNlmsg, NLMSG_ERROR } from '../../../src/sampler/conns/netlink';
import { ConnsReader } from '../../../src/sampler/conns/reader';
import { datagrams, FIX, meta, parseDump } from '../../helpers/conns/fixtures';

/**
 * A kernel made of captured bytes: answers the per-family v2 requests with the real dumps of this
 * machine (sequence numbers rewritten), and refuses the one-walk TCPDIAG_GETSOCK request the way a
 * kernel without it would. Records what it was asked.
 */
class ReplayKernel implements DiagTransport {
  asked: string[] = [];
  closed = false;
  constructor(private readonly refuseCompat: boolean) {}

  request(msg: Buffer, onDatagram: (b: Buffer) => boolean): Promise<void> {
    const type = msg.readUInt16LE(4);
    const seq = msg.readUInt32LE(8);
    let dgs: Buffer[];
    if (type === TCPDIAG_GETSOCK && this.refuseCompat) {
      this.asked.push('compat');
      const err = Buffer.alloc(20);
      err.writeInt32LE(-22, 0); // EINVAL
      dgs = [buildNlmsg(NLMSG_ERROR, 0, seq, err)];
    } else {
      const family = type === TCPDIAG_GETSOCK ? 0 : msg[16];
      this.asked.push(type === TCPDIAG_GETSOCK ? 'compat' : `v2/${family}`);
      dgs = family === 10 ? datagrams('tcp6.bin') : family === 2 ? datagrams('tcp4.bin') : [...datagrams('tcp4.bin').slice(0, -1), ...datagrams('tcp6.bin')];
      dgs = dgs.map((d) => withSeq(d, seq));
    }
    for (const d of dgs) if (onDatagram(d)) break;
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }
}

/** A copy of a datagram with every message's sequence number set to seq. */
function withSeq(d: Buffer, seq: number): Buffer {
  const b = Buffer.from(d);
  for (let off = 0; off + 16 <= b.length; off += (b.readUInt32LE(off) + 3) & ~3) b.writeUInt32LE(seq, off + 8);
  return b;
}

/** A fake /proc whose processes hold the captured sockets: pid 100 the IPv4 client (and a UDP socket), 200 its server. */
function fakeRoot(sockstat6: string | null): { root: string; client: number; server: number; udp: number } {
  const m = meta();
  const socks = parseDump(datagrams('tcp4.bin'), m.seq4).socks;
  const p = m.pairs[0];
  const client = socks.find((s) => s.local_port === p.client_port && s.remote_port === p.server_port)?.inode ?? 0;
  const server = socks.find((s) => s.local_port === p.server_port && s.remote_port === p.client_port)?.inode ?? 0;
  const udpText = fs.readFileSync(path.join(FIX, 'proc-net-udp'), 'utf8');
  const udp = Number(udpText.split('\n')[1].trim().split(/\s+/)[9]);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-reader-'));
  const proc = (pid: number, comm: string, links: string[]): void => {
    fs.mkdirSync(path.join(root, String(pid), 'fd'), { recursive: true });
    fs.writeFileSync(path.join(root, String(pid), 'comm'), `${comm}\n`);
    links.forEach((l, i) => fs.symlinkSync(l, path.join(root, String(pid), 'fd', String(i + 3))));
  };
  proc(100, 'client', [`socket:[${client}]`, `socket:[${udp}]`, '/dev/null']);
  proc(200, 'server', [`socket:[${server}]`]);
  fs.mkdirSync(path.join(root, 'net'));
  for (const f of ['udp', 'udp6', 'unix']) fs.copyFileSync(path.join(FIX, `proc-net-${f}`), path.join(root, 'net', f));
  fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 9\nTCP: inuse 300 orphan 0 tw 0 alloc 300 mem 1\n');
  if (sockstat6 !== null) fs.writeFileSync(path.join(root, 'net', 'sockstat6'), sockstat6);
  return { root, client, server, udp };
}

t.test('captured dumps through the whole reader: a kernel that refuses the one-walk request', async (t) => {
  const f = fakeRoot('TCP6: inuse 3\nUDP6: inuse 1\n');
  t.teardown(() => fs.rmSync(f.root, { recursive: true, force: true }));
  const kernel = new ReplayKernel(true);
  const r = new ConnsReader({ procRoot: f.root, transport: () => kernel });
  const s = await r.read();
  t.same(kernel.asked, ['compat', 'v2/2', 'v2/10'], 'refused once, then one v2 dump per family');
  const s2 = await r.read();
  t.same(kernel.asked.slice(3), ['v2/2', 'v2/10'], 'and not asked again');
  const m = meta();
  t.ok(s.tcp.some((k) => k.family === 6 && k.local_port === m.pairs[1].client_port), 'IPv6 sockets dumped');
  t.equal(s.malformed, 0);
  t.notOk(s.scan_incomplete);
  const client = s.tcp.find((k) => k.inode === f.client);
  t.same(client?.pids, [100]);
  t.same(s.tcp.find((k) => k.inode === f.server)?.pids, [200]);
  const p4 = m.pairs[0];
  // First read: the accumulators hold the sockets' whole lives (a baseline, since_ns null).
  t.same(s.procs.find((p) => p.pid === 100), {
    pid: 100, comm: 'client', tcp: 1, tcp_listen: 0, udp: 1, unix: 0, tcp_tx_bytes: p4.up + 1, tcp_rx_bytes: p4.down, tcp_retrans: 0, since_ns: null,
  });
  t.same(s.procs.find((p) => p.pid === 200), {
    pid: 200, comm: 'server', tcp: 1, tcp_listen: 0, udp: 0, unix: 0, tcp_tx_bytes: p4.down, tcp_rx_bytes: p4.up, tcp_retrans: 0, since_ns: null,
  });
  t.ok(s.tcp.filter((k) => k.pids.length === 0).length > 100, 'the rest belong to no fake process');
  t.same(s2.procs, s.procs, 'the second read finds the same (the same bytes replayed: nothing moved), nothing unknown left to chase');
  r.close();
  t.ok(kernel.closed);
});

t.test('a family with no socket in use is not dumped (v2 requests)', async (t) => {
  const f = fakeRoot('TCP6: inuse 0\nUDP6: inuse 0\n');
  t.teardown(() => fs.rmSync(f.root, { recursive: true, force: true }));
  const kernel = new ReplayKernel(true);
  const r = new ConnsReader({ procRoot: f.root, transport: () => kernel });
  const s = await r.read();
  t.same(kernel.asked, ['compat', 'v2/2']);
  t.notOk(s.tcp.some((k) => k.family === 6));
  r.close();
});

t.test('the one-walk request covers both families in one dump', async (t) => {
  const f = fakeRoot(null);
  t.teardown(() => fs.rmSync(f.root, { recursive: true, force: true }));
  const kernel = new ReplayKernel(false);
  const r = new ConnsReader({ procRoot: f.root, transport: () => kernel });
  const s = await r.read();
  t.same(kernel.asked, ['compat']);
  t.ok(s.tcp.some((k) => k.family === 4) && s.tcp.some((k) => k.family === 6));
  await t.rejects(Promise.all([r.read(), r.read()]), /already running/, 'one read at a time');
  r.close();
});

t.test("a socket whose owner is found a read late: the owner gets all it moved, not what moved after", async (t) => {
  const f = fakeRoot('TCP6: inuse 3\nUDP6: inuse 1\n');
  t.teardown(() => fs.rmSync(f.root, { recursive: true, force: true }));
  // At the first read the client holds only its UDP socket: its TCP socket is nobody's yet.
  const link = path.join(f.root, '100', 'fd', '3');
  fs.unlinkSync(link);
  const r = new ConnsReader({ procRoot: f.root, transport: () => new ReplayKernel(true) });
  t.teardown(() => r.close());
  const s1 = await r.read();
  t.same(s1.tcp.find((k) => k.inode === f.client)?.pids, [], 'first read: no owner known');
  fs.symlinkSync(`socket:[${f.client}]`, link);
  const s2 = await r.read();
  t.same(s2.tcp.find((k) => k.inode === f.client)?.pids, [100], 'second read: the owner found');
  const p4 = meta().pairs[0];
  const c = s2.procs.find((p) => p.pid === 100);
  t.equal(c?.tcp_tx_bytes, p4.up + 1, 'what the socket sent before its owner was known is the owner\'s');
  t.equal(c?.tcp_rx_bytes, p4.down);
});
