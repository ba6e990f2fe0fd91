import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import {
  AddrCache,
  AF_INET,
  AF_INET6,
  buildTcpDumpRequest,
  DUMP_STATES,
  fmt6,
  parseInetDiagMsg,
  TcpDumpParser,
} from '../../../src/sampler/conns/inet-diag';
import { buildNlmsg, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, view, walkNlmsgs } from '../../../src/sampler/conns/netlink';
import { parseTcpInfo, u64h } from '../../../src/sampler/conns/tcp-info';
import { datagrams, FIX, meta, parseDump, parseSs } from '../../helpers/conns/fixtures';

const SS_STATE: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  LISTEN: 'LISTEN',
  'SYN-SENT': 'SYN_SENT',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  CLOSING: 'CLOSING',
  UNCONN: 'CLOSE',
};

t.test('real dumps: every socket parses, the dump ends, nothing is malformed', async (t) => {
  const m = meta();
  const d4 = datagrams('tcp4.bin');
  const d6 = datagrams('tcp6.bin');
  t.ok(d4.length >= 2, `the IPv4 capture spans ${d4.length} datagrams`);
  const p4 = parseDump(d4, m.seq4);
  const p6 = parseDump(d6, m.seq6);
  for (const p of [p4, p6]) {
    t.equal(p.malformed, 0);
    t.ok(p.results.every((r) => r.bad === null && r.errno === null && r.stale === 0));
    t.ok(p.results[p.results.length - 1].done, 'DONE in the last datagram');
    t.notOk(p.results.slice(0, -1).some((r) => r.done), 'and only there');
  }
  t.ok(p4.socks.every((s) => s.family === 4));
  t.ok(p6.socks.every((s) => s.family === 6));
  t.ok(p4.socks.length >= 2 * m.bulk_conns + 3, `${p4.socks.length} IPv4 sockets`);
  const cookies = new Set([...p4.socks, ...p6.socks].map((s) => s.cookie));
  t.equal(cookies.size, p4.socks.length + p6.socks.length, 'cookies are unique');
  t.notOk([...p4.socks, ...p6.socks].some((s) => s.state === 'TIME_WAIT' || s.state === 'NEW_SYN_RECV'), 'states outside the request are not dumped');
});

t.test('the known connections carry the byte counts the capture moved', async (t) => {
  const m = meta();
  const all = [...parseDump(datagrams('tcp4.bin'), m.seq4).socks, ...parseDump(datagrams('tcp6.bin'), m.seq6).socks];
  for (const p of m.pairs) {
    const host = p.family === 4 ? '127.0.0.1' : '[::1]';
    const client = all.find((s) => s.local === `${host}:${p.client_port}` && s.remote === `${host}:${p.server_port}`);
    const server = all.find((s) => s.local === `${host}:${p.server_port}` && s.remote === `${host}:${p.client_port}`);
    const listener = all.find((s) => s.local_port === p.server_port && s.state === 'LISTEN');
    t.ok(client && server && listener, `IPv${p.family} pair found`);
    if (!client || !server) continue;
    t.equal(client.state, 'ESTABLISHED');
    t.equal(client.family, p.family);
    t.equal(client.bytes_received, p.down);
    t.equal(server.bytes_received, p.up);
    // bytes_acked counts the sequence space the peer acknowledged: the client's SYN is one more.
    t.equal(client.bytes_acked, p.up + 1);
    t.equal(server.bytes_acked, p.down);
    t.equal(client.total_retrans, 0);
    t.ok(client.rtt_us !== null && client.rtt_us > 0 && client.rtt_us < 1_000_000, `rtt ${client.rtt_us} µs`);
    t.ok(client.cwnd !== null && client.cwnd >= 1);
    t.ok(client.inode > 0 && server.inode > 0 && client.inode !== server.inode);
    t.equal(client.uid, 0, 'captured as root');
    t.equal(client.rqueue, 0);
    t.same(client.pids, [], 'the parser attributes nothing: that is the fd scan');
  }
});

t.test('every socket ss saw at the same moment matches the parse field by field', async (t) => {
  const m = meta();
  const all = [...parseDump(datagrams('tcp4.bin'), m.seq4).socks, ...parseDump(datagrams('tcp6.bin'), m.seq6).socks];
  const byCookie = new Map(all.map((s) => [s.cookie, s]));
  const ss = parseSs(fs.readFileSync(path.join(FIX, 'ss.txt'), 'utf8'));
  t.ok(ss.length >= 2 * m.bulk_conns, `${ss.length} ss entries`);
  // One assertion for the whole table: every field of every socket is compared, and each difference is
  // listed (an empty list passes).
  const problems: string[] = [];
  let checked = 0;
  for (const e of ss) {
    const s = byCookie.get(e.cookie);
    const sk = `sk:${e.cookie.toString(16)} ${e.local}`;
    if (!s) {
      problems.push(`ss socket ${sk} missing from the dump`);
      continue;
    }
    const same = (field: string, got: unknown, want: unknown): void => {
      if (got !== want) problems.push(`${sk} ${field}: parsed ${String(got)}, ss ${String(want)}`);
    };
    same('inode', s.inode, e.inode);
    same('local', s.local, e.local);
    if (e.state !== 'LISTEN') same('remote', s.remote, e.peer);
    same('state', s.state, SS_STATE[e.state] ?? e.state);
    // ss omits zero counters.
    same('bytes_acked', s.bytes_acked, Number(e.info.get('bytes_acked') ?? 0));
    same('bytes_received', s.bytes_received, Number(e.info.get('bytes_received') ?? 0));
    same('cwnd', s.cwnd, Number(e.info.get('cwnd')));
    const rtt = e.info.get('rtt');
    if (rtt !== undefined && s.rtt_us !== null) {
      const [avg, dev] = rtt.split('/').map(Number);
      if (!(Math.abs(s.rtt_us / 1000 - avg) < 0.0015)) problems.push(`${sk} rtt ${s.rtt_us} µs vs ss ${avg} ms`);
      if (!(Math.abs((s.rttvar_us ?? 0) / 1000 - dev) < 0.0015)) problems.push(`${sk} rttvar ${s.rttvar_us} µs vs ss ${dev} ms`);
    }
    const retrans = e.info.get('retrans');
    same('total_retrans', s.total_retrans, retrans === undefined ? 0 : Number(retrans.split('/')[1]));
    checked++;
  }
  t.same(problems, [], `all ${ss.length} ss sockets match the parse field by field`);
  t.equal(checked, ss.length);
});

t.test('a dump request is an inet_diag_req_v2 asking for tcp_info', async (t) => {
  const b = buildTcpDumpRequest(AF_INET6, 77);
  t.equal(b.length, 16 + 56);
  t.equal(b.readUInt32LE(0), 72);
  t.equal(b.readUInt16LE(4), 20, 'SOCK_DIAG_BY_FAMILY');
  t.equal(b.readUInt16LE(6), 0x301, 'NLM_F_REQUEST | NLM_F_DUMP');
  t.equal(b.readUInt32LE(8), 77);
  t.equal(b[16], AF_INET6);
  t.equal(b[17], 6, 'IPPROTO_TCP');
  t.equal(b[18], 1 << 1, 'INET_DIAG_INFO');
  t.equal(b.readUInt32LE(20), DUMP_STATES);
  t.equal(DUMP_STATES & (1 << 6), 0, 'no TIME_WAIT');
  t.not(DUMP_STATES & (1 << 1), 0, 'ESTABLISHED');
  t.not(DUMP_STATES & (1 << 10), 0, 'LISTEN');
  t.not(DUMP_STATES & (1 << 7), 0, 'CLOSE: a reset socket still held by its process');
});

/** A datagram holding one copy of the first socket of the real capture, with its payload edited. */
function oneSock(edit?: (payload: Buffer) => Buffer): { dg: Buffer; seq: number } {
  const m = meta();
  const dg = datagrams('tcp4.bin')[0];
  const len = dg.readUInt32LE(0);
  let payload: Buffer = Buffer.from(dg.subarray(16, len));
  if (edit) payload = edit(payload);
  return { dg: Buffer.concat([buildNlmsg(20, 2, m.seq4, payload), buildNlmsg(NLMSG_DONE, 2, m.seq4, Buffer.alloc(4))]), seq: m.seq4 };
}

/** Offset of the INET_DIAG_INFO attribute in an inet_diag_msg payload (the kernel adds others before it). */
function infoAttr(p: Buffer): number {
  for (let a = 72; a + 4 <= p.length; a += (p.readUInt16LE(a) + 3) & ~3) if (p.readUInt16LE(a + 2) === 2) return a;
  throw new Error('no INET_DIAG_INFO');
}

t.test('truncated datagrams: what fits is parsed, the rest is reported, nothing throws', async (t) => {
  const m = meta();
  const dg = datagrams('tcp4.bin')[0];
  const full = parseDump([dg], m.seq4).socks;
  // Every cut is checked; the differences are listed and asserted empty once.
  const problems: string[] = [];
  let cuts = 0;
  for (let cut = 0; cut < dg.length; cut += cut < 400 ? 1 : 97) {
    const part = Buffer.from(dg.subarray(0, cut)); // a copy: reads past `cut` would fail, not see data
    const p = new TcpDumpParser(new AddrCache());
    const r = walkNlmsgs(part, part.length, m.seq4, p.onMsg);
    if (!(p.socks.length <= full.length)) problems.push(`cut ${cut}: ${p.socks.length} sockets, more than the ${full.length} of the whole datagram`);
    for (let i = 0; i < p.socks.length; i++) if (p.socks[i].cookie !== full[i].cookie) problems.push(`socket ${i} differs at cut ${cut}`);
    // Stopped at a message boundary (bad null), or said why it stopped.
    if (r.bad !== null && !/truncated header|bad nlmsg_len/.test(r.bad)) problems.push(`cut ${cut}: bad ${JSON.stringify(r.bad)}`);
    cuts++;
  }
  t.same(problems, [], `${cuts} cuts: only whole sockets of the datagram, and each stop reported`);
  // A walk limited by `end` behaves exactly like a shorter buffer.
  const p = new TcpDumpParser(new AddrCache());
  const r = walkNlmsgs(dg, 100, m.seq4, p.onMsg);
  t.match(r.bad, /bad nlmsg_len/);
  t.equal(p.socks.length, 0);
});

t.test('malformed netlink headers are rejected', async (t) => {
  const { dg, seq } = oneSock();
  const cases: [string, (b: Buffer) => void, RegExp][] = [
    ['nlmsg_len 0', (b) => b.writeUInt32LE(0, 0), /bad nlmsg_len 0/],
    ['nlmsg_len 15', (b) => b.writeUInt32LE(15, 0), /bad nlmsg_len 15/],
    ['nlmsg_len past the end', (b) => b.writeUInt32LE(0xfffffff0, 0), /bad nlmsg_len/],
  ];
  for (const [name, edit, re] of cases) {
    const b = Buffer.from(dg);
    edit(b);
    const p = new TcpDumpParser(new AddrCache());
    const r = walkNlmsgs(b, b.length, seq, p.onMsg);
    t.match(r.bad, re, name);
    t.equal(p.socks.length, 0, name);
    t.notOk(r.done, `${name}: the DONE after it is not trusted`);
  }
  const p = new TcpDumpParser(new AddrCache());
  t.equal(walkNlmsgs(dg, dg.length, seq + 1, p.onMsg).stale, 2, 'another sequence number is skipped, not parsed');
  t.equal(p.socks.length, 0);
});

t.test('malformed inet_diag messages are counted and skipped', async (t) => {
  const cases: [string, (p: Buffer) => Buffer][] = [
    ['payload shorter than inet_diag_msg', (p) => p.subarray(0, 71)],
    ['unknown family', (p) => ((p[0] = 99), p)],
    ['attribute length 2', (p) => (p.writeUInt16LE(2, 72), p)],
    ['attribute past the message', (p) => (p.writeUInt16LE(p.length, 72), p)],
  ];
  for (const [name, edit] of cases) {
    const { dg, seq } = oneSock(edit);
    const p = new TcpDumpParser(new AddrCache());
    const r = walkNlmsgs(dg, dg.length, seq, p.onMsg);
    t.equal(p.malformed, 1, name);
    t.equal(p.socks.length, 0, name);
    t.ok(r.done, `${name}: the dump still ends`);
  }
  // A message of another type inside the dump is not a socket.
  const b = buildNlmsg(33, 2, 5, Buffer.alloc(80));
  const p = new TcpDumpParser(new AddrCache());
  walkNlmsgs(b, b.length, 5, p.onMsg);
  t.equal(p.malformed, 1);
  t.equal(parseInetDiagMsg(Buffer.alloc(10), 0, 10, new AddrCache()), 'short');
});

t.test('a short tcp_info (older kernel) leaves the later fields null', async (t) => {
  // Linux 3.x sent 104 bytes: up to tcpi_total_retrans, without bytes_acked / bytes_received.
  const { dg, seq } = oneSock((p) => {
    const at = infoAttr(p);
    t.equal(p.readUInt16LE(at), p.length - at, 'INET_DIAG_INFO is the last attribute of the capture');
    const out = Buffer.from(p.subarray(0, at + 4 + 104));
    out.writeUInt16LE(4 + 104, at);
    return out;
  });
  const p = new TcpDumpParser(new AddrCache());
  walkNlmsgs(dg, dg.length, seq, p.onMsg);
  t.equal(p.socks.length, 1);
  const s = p.socks[0];
  t.not(s.total_retrans, null);
  t.not(s.rtt_us, null);
  t.equal(s.bytes_acked, null);
  t.equal(s.bytes_received, null);
  const none = parseTcpInfo(Buffer.alloc(0), 0, 0);
  t.same(none, { rtt_us: null, rttvar_us: null, cwnd: null, total_retrans: null, bytes_acked: null, bytes_received: null });
  // No INET_DIAG_INFO at all: all null, the socket still listed.
  const { dg: bare } = oneSock((q) => q.subarray(0, infoAttr(q)));
  const p2 = new TcpDumpParser(new AddrCache());
  walkNlmsgs(bare, bare.length, seq, p2.onMsg);
  t.equal(p2.socks[0].bytes_acked, null);
});

t.test('64-bit counters are exact past 2^53', async (t) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(2n ** 53n - 1n);
  t.equal(u64h(view(b), 0), Number.MAX_SAFE_INTEGER);
  b.writeBigUInt64LE(2n ** 53n + 1n);
  t.equal(u64h(view(b), 0), 2n ** 53n + 1n);
  b.writeBigUInt64LE(2n ** 64n - 1n);
  t.equal(u64h(view(b), 0), 2n ** 64n - 1n);
  // A cookie with a high word past 2^21 becomes a bigint too.
  const { dg, seq } = oneSock((p) => (p.writeUInt32LE(0x00400000, 48), p));
  const p = new TcpDumpParser(new AddrCache());
  walkNlmsgs(dg, dg.length, seq, p.onMsg);
  t.equal(typeof p.socks[0].cookie, 'bigint');
});

t.test('NLMSG_ERROR, DONE with an error, OVERRUN and NOOP', async (t) => {
  const err = Buffer.alloc(20);
  err.writeInt32LE(-1, 0); // EPERM
  const r1 = walkNlmsgs(buildNlmsg(NLMSG_ERROR, 0, 9, err), 36, 9, () => t.fail('no data'));
  t.equal(r1.errno, -1);
  t.ok(r1.done);
  const ack = Buffer.concat([buildNlmsg(NLMSG_ERROR, 0, 9, Buffer.alloc(20)), buildNlmsg(NLMSG_NOOP, 0, 9, Buffer.alloc(0))]);
  const r2 = walkNlmsgs(ack, ack.length, 9, () => t.fail('no data'));
  t.equal(r2.errno, null, 'error 0 is an ACK');
  t.notOk(r2.done);
  const d = Buffer.alloc(4);
  d.writeInt32LE(-2, 0);
  t.equal(walkNlmsgs(buildNlmsg(NLMSG_DONE, 2, 9, d), 20, 9, () => undefined).errno, -2);
  t.match(walkNlmsgs(buildNlmsg(NLMSG_OVERRUN, 0, 9, Buffer.alloc(0)), 16, 9, () => undefined).bad, /OVERRUN/);
  t.match(walkNlmsgs(buildNlmsg(NLMSG_ERROR, 0, 9, Buffer.alloc(0)), 16, 9, () => undefined).bad, /short NLMSG_ERROR/);
  t.match(walkNlmsgs(Buffer.alloc(7), 7, 9, () => undefined).bad, /truncated header/);
  const intr = buildNlmsg(NLMSG_DONE, 0x12, 9, Buffer.alloc(4));
  t.ok(walkNlmsgs(intr, intr.length, 9, () => undefined).interrupted);
});

t.test('fuzz: corrupted real datagrams and random bytes never throw', async (t) => {
  const m = meta();
  const base = datagrams('tcp4.bin')[0].subarray(0, 6000);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), (flips) => {
      const b = Buffer.from(base);
      for (const [i, v] of flips) b[i] = v;
      const p = new TcpDumpParser(new AddrCache());
      const r = walkNlmsgs(b, b.length, m.seq4, p.onMsg);
      return p.socks.every((s) => typeof s.local === 'string' && (s.family === 4 || s.family === 6)) && typeof r.done === 'boolean';
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), (bytes, seq) => {
      const b = Buffer.from(bytes);
      walkNlmsgs(b, b.length, seq, new TcpDumpParser(new AddrCache()).onMsg);
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('no exception');
});

t.test('IPv6 text follows RFC 5952 (checked against the URL parser)', async (t) => {
  const b = (hex: string): Buffer => Buffer.from(hex.replace(/:/g, ''), 'hex');
  t.equal(fmt6(b('0000:0000:0000:0000:0000:0000:0000:0001'), 0), '::1');
  t.equal(fmt6(b('0000:0000:0000:0000:0000:0000:0000:0000'), 0), '::');
  t.equal(fmt6(b('2001:0db8:0000:0000:0001:0000:0000:0001'), 0), '2001:db8::1:0:0:1', 'the first of two equal runs');
  t.equal(fmt6(b('2001:0db8:0000:0001:0001:0001:0001:0001'), 0), '2001:db8:0:1:1:1:1:1', 'one zero group stays');
  t.equal(fmt6(b('0000:0000:0000:0000:0000:ffff:7f00:0001'), 0), '::ffff:127.0.0.1');
  t.equal(fmt6(b('fe80:0000:0000:0000:0000:0000:0000:0000'), 0), 'fe80::');
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), (groups) => {
      const buf = Buffer.alloc(16);
      groups.forEach((g, i) => buf.writeUInt16BE(g, 2 * i));
      if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return true; // URL prints mapped in hex
      const want = new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);
      return fmt6(buf, 0) === want;
    }),
    { numRuns: 1000 },
  );
});

t.test('the address cache hands back the same strings and forgets unused ones', async (t) => {
  const m = meta();
  const dg = datagrams('tcp4.bin')[0];
  const cache = new AddrCache();
  const a = new TcpDumpParser(cache);
  walkNlmsgs(dg, dg.length, m.seq4, a.onMsg);
  cache.endTick();
  const b = new TcpDumpParser(cache);
  walkNlmsgs(dg, dg.length, m.seq4, b.onMsg);
  t.equal(a.socks.length, b.socks.length);
  t.ok(a.socks.every((s, i) => s.local === b.socks[i].local && s.remote === b.socks[i].remote));
  // The same cookie with other addresses (a socket that connected since) is formatted afresh.
  const { dg: moved, seq } = oneSock((p) => (p.writeUInt16BE(4242, 6), p));
  const c = new TcpDumpParser(cache);
  walkNlmsgs(moved, moved.length, seq, c.onMsg);
  t.equal(c.socks[0].cookie, a.socks[0].cookie);
  t.match(c.socks[0].remote, /:4242$/);
  t.equal(c.socks[0].remote_port, 4242);
  // Forgotten after 16 reads without it.
  for (let i = 0; i < 32; i++) cache.endTick();
  t.equal(cache.size, 0);
  t.equal(AF_INET, 2);
});
