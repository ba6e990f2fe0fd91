import * as fc from 'fast-check';
import t, { Test } from 'tap';
import { AddrCache, TcpDumpParser } from '../../../src/sampler/conns/inet-diag';
import { NativeDiag, nativeDiagOf } from '../../../src/sampler/conns/native-diag';
import { buildNlmsg, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, walkNlmsgs } from '../../../src/sampler/conns/netlink';
import { loadNative } from '../../../src/sampler/native/load';
import { datagrams, meta } from '../../helpers/conns/fixtures';

/**
 * The native core's parse of sock_diag answers (native/sampler/sockdiag.c) against the TypeScript
 * reference (netlink.ts + inet-diag.ts) on the same bytes: the real captures, the hostile edits of
 * netlink-parse.test.ts, and random corruption. Every socket field, the malformed and dropped counts,
 * the end of the dump and its errno must agree.
 */

const fns = nativeDiagOf(loadNative().addon);
const skip = fns ? false : 'the native sampler core (with sockdiag.c) is not built here';

interface Out {
  socks: string[];
  malformed: number;
  dropped: number;
  done: boolean;
  errno: number | null;
}

const row = (s: object): string => JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

function viaTs(dgs: Buffer[], seq: number): Out {
  const p = new TcpDumpParser(new AddrCache(), true);
  let done = false;
  let errno: number | null = null;
  let bad = 0;
  for (const dg of dgs) {
    const r = walkNlmsgs(dg, dg.length, seq, p.onMsg);
    if (r.bad !== null) bad++; // the reader counts a datagram it could not frame as malformed
    done = r.done;
    errno = r.errno;
  }
  return { socks: p.socks.map(row), malformed: p.malformed + bad, dropped: p.dropped, done, errno };
}

let nd: NativeDiag | null = null;
function viaNative(dgs: Buffer[], seq: number): Out {
  nd ??= new NativeDiag(fns!);
  const p = new TcpDumpParser(new AddrCache(), true);
  const r = nd.parse(dgs, seq, p);
  return { socks: p.socks.map(row), malformed: p.malformed, dropped: p.dropped, done: r.done, errno: r.errno };
}

function same(t: Test, dgs: Buffer[], seq: number, name: string): Out {
  const a = viaTs(dgs, seq);
  const b = viaNative(dgs, seq);
  t.same(b, a, name);
  return a;
}

/** A datagram holding the first socket of the real capture, its payload edited, then DONE. */
function oneSock(edit?: (payload: Buffer) => Buffer, type = 20, state?: number): { dg: Buffer; seq: number } {
  const m = meta();
  const dg = datagrams('tcp4.bin')[0];
  let payload: Buffer = Buffer.from(dg.subarray(16, dg.readUInt32LE(0)));
  if (edit) payload = edit(payload);
  if (state !== undefined) payload[1] = state;
  return { dg: Buffer.concat([buildNlmsg(type, 2, m.seq4, payload), buildNlmsg(NLMSG_DONE, 2, m.seq4, Buffer.alloc(4))]), seq: m.seq4 };
}

function infoAttr(p: Buffer): number {
  for (let a = 72; a + 4 <= p.length; a += (p.readUInt16LE(a) + 3) & ~3) if (p.readUInt16LE(a + 2) === 2) return a;
  throw new Error('no INET_DIAG_INFO');
}

t.teardown(() => nd?.close());

t.test('the real captures: the same sockets, field by field', { skip }, async (t) => {
  const m = meta();
  const a = same(t, datagrams('tcp4.bin'), m.seq4, 'IPv4 capture');
  const b = same(t, datagrams('tcp6.bin'), m.seq6, 'IPv6 capture');
  t.ok(a.socks.length > 10 && b.socks.length > 0 && a.done && b.done, `${a.socks.length} + ${b.socks.length} sockets, both dumps ended`);
  same(t, datagrams('tcp4.bin'), m.seq4 + 1, 'another sequence number: nothing parsed');
});

t.test('hostile messages: the same rejects and the same sockets', { skip }, async (t) => {
  const big = (p: Buffer): Buffer => {
    const at = infoAttr(p) + 4;
    p.writeBigUInt64LE(2n ** 64n - 1n, at + 120); // bytes_acked
    p.writeBigUInt64LE(2n ** 53n + 1n, at + 128); // bytes_received
    return p;
  };
  const cases: [string, { dg: Buffer; seq: number }][] = [
    ['as captured', oneSock()],
    ['shorter than inet_diag_msg', oneSock((p) => p.subarray(0, 71))],
    ['unknown family', oneSock((p) => ((p[0] = 99), p))],
    ['attribute length 2', oneSock((p) => (p.writeUInt16LE(2, 72), p))],
    ['attribute past the message', oneSock((p) => (p.writeUInt16LE(p.length, 72), p))],
    ['short tcp_info (104 bytes)', oneSock((p) => { const at = infoAttr(p); const o = Buffer.from(p.subarray(0, at + 108)); o.writeUInt16LE(108, at); return o; })],
    ['no tcp_info', oneSock((p) => p.subarray(0, infoAttr(p)))],
    ['counters past 2^53', oneSock(big)],
    ['a cookie past 2^53', oneSock((p) => (p.writeUInt32LE(0x00400000, 48), p))],
    ['a message of another type', oneSock(undefined, 33)],
    ['TIME_WAIT (a state not dumped)', oneSock(undefined, 20, 6)],
    ['state 37 (judged mod 32, as >>> does; listed as UNKNOWN)', oneSock(undefined, 20, 37)],
    ['CLOSING', oneSock(undefined, 20, 11)],
  ];
  for (const [name, { dg, seq }] of cases) same(t, [dg], seq, name);
  const { dg, seq } = oneSock();
  for (const [name, edit] of [
    ['nlmsg_len 0', (b: Buffer) => b.writeUInt32LE(0, 0)],
    ['nlmsg_len 15', (b: Buffer) => b.writeUInt32LE(15, 0)],
    ['nlmsg_len past the end', (b: Buffer) => b.writeUInt32LE(0xfffffff0, 0)],
  ] as const) {
    const b = Buffer.from(dg);
    edit(b);
    same(t, [b, dg], seq, `${name}, then a good datagram`);
  }
  for (let cut = 0; cut < dg.length; cut += cut < 120 ? 1 : 37) same(t, [Buffer.from(dg.subarray(0, cut))], seq, `cut at ${cut}`);
});

t.test('NLMSG_ERROR, DONE with an error, ACK, OVERRUN, NOOP, interrupted', { skip }, async (t) => {
  const err = Buffer.alloc(20);
  err.writeInt32LE(-1, 0);
  same(t, [buildNlmsg(NLMSG_ERROR, 0, 9, err)], 9, 'EPERM');
  same(t, [Buffer.concat([buildNlmsg(NLMSG_ERROR, 0, 9, Buffer.alloc(20)), buildNlmsg(NLMSG_NOOP, 0, 9, Buffer.alloc(0))])], 9, 'an ACK and a NOOP');
  const d = Buffer.alloc(4);
  d.writeInt32LE(-2, 0);
  same(t, [buildNlmsg(NLMSG_DONE, 2, 9, d)], 9, 'DONE with ENOENT');
  same(t, [buildNlmsg(NLMSG_OVERRUN, 0, 9, Buffer.alloc(0))], 9, 'OVERRUN');
  same(t, [buildNlmsg(NLMSG_ERROR, 0, 9, Buffer.alloc(0))], 9, 'a short NLMSG_ERROR');
  same(t, [Buffer.alloc(7)], 9, 'a truncated header');
  same(t, [buildNlmsg(NLMSG_DONE, 0x12, 9, Buffer.alloc(4))], 9, 'DONE flagged interrupted');
});

t.test('fuzz: corrupted real datagrams and random bytes parse the same', { skip }, async (t) => {
  const m = meta();
  const base = datagrams('tcp4.bin')[0].subarray(0, 6000);
  let diffs = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), (flips) => {
      const b = Buffer.from(base);
      for (const [i, v] of flips) b[i] = v;
      const ok = row(viaTs([b], m.seq4)) === row(viaNative([b], m.seq4));
      if (!ok) diffs++;
      return ok;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), (bytes, seq) => row(viaTs([Buffer.from(bytes)], seq)) === row(viaNative([Buffer.from(bytes)], seq))),
    { numRuns: 500 },
  );
  t.equal(diffs, 0, 'no difference');
});
