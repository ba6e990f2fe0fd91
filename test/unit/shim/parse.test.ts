import t from 'tap';
import { AF_INET, AF_INET6, C, connectAttempts, DEST_INBOUND, DEST_OFF, HDR, ioBytes, ioCalls, SHM_SIZE } from '../../../src/sampler/shim/layout';
import { firstRegression, formatAddr, parseShimFile, readU64 } from '../../../src/sampler/shim/parse';
import { makeShimFile } from '../../helpers/shim';

const expect = { pid: 321, start_time: 9876, pidns: null };

t.test('a valid file decodes into every counter', async (t) => {
  const b = makeShimFile({
    pid: 321,
    start: 9876,
    alloc: true,
    counters: { [ioCalls(0, 0)]: 3, [ioBytes(0, 0)]: 300, [ioBytes(2, 11)]: 77, [connectAttempts(1)]: 2, [C.LAT_HIST + 5]: 4, [C.ALLOC_BYTES]: 1000, [C.FREE_BYTES]: 400 },
    dests: [
      { family: AF_INET, addr: [10, 0, 0, 1], port: 443, tx_bytes: 5, rx_bytes: 6 },
      { family: AF_INET6, addr: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: 53 },
      { family: AF_INET, addr: [192, 168, 1, 9], port: 0, flags: DEST_INBOUND, rx_bytes: 9 },
      { family: AF_INET, addr: [10, 0, 0, 1], port: 443, tx_bytes: 1, rx_bytes: 1 }, // a racing duplicate slot
    ],
  });
  const r = parseShimFile(b, SHM_SIZE, expect);
  if (!r.ok) throw new Error(r.reason);
  const s = r.sample;
  t.same(s.io.tcp.send, { calls: 3, bytes: 300 });
  t.same(s.io.unix.read, { calls: 0, bytes: 77 });
  t.same(s.connect.udp, { attempts: 2, failures: 0 });
  t.equal(s.connect_latency.hist[5], 4);
  t.same(s.alloc && [s.alloc.alloc_bytes, s.alloc.free_bytes], [1000, 400]);
  t.same(
    s.dests.map((d) => [d.addr, d.port, d.inbound, d.tx_bytes, d.rx_bytes]),
    [
      ['10.0.0.1', 443, false, 6, 7],
      ['2001:db8::1', 53, false, 0, 0],
      ['192.168.1.9', 0, true, 0, 9],
    ],
    'duplicate slots of one peer are summed',
  );
  t.equal(r.execPending, false);
  t.equal(parseShimFile(makeShimFile({ pid: 321, start: 9876 }), SHM_SIZE, expect).ok && 'ok', 'ok');
  const noAlloc = parseShimFile(makeShimFile({ pid: 321, start: 9876 }), SHM_SIZE, expect);
  t.equal(noAlloc.ok && noAlloc.sample.alloc, null, 'no --alloc flag: no allocation counters');
});

t.test('u64 values are exact on both sides of 2^53', async (t) => {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(2n ** 53n - 1n, 0);
  b.writeBigUInt64LE(2n ** 64n - 1n, 8);
  t.equal(readU64(b, 0), Number.MAX_SAFE_INTEGER);
  t.equal(readU64(b, 8), 2n ** 64n - 1n);
});

t.test('addresses print the way people write them', async (t) => {
  const v6 = (...g: number[]) => {
    const b = Buffer.alloc(16);
    g.forEach((x, i) => b.writeUInt16BE(x, i * 2));
    return formatAddr(6, b, 0);
  };
  t.equal(v6(0, 0, 0, 0, 0, 0, 0, 1), '::1');
  t.equal(v6(0, 0, 0, 0, 0, 0, 0, 0), '::');
  t.equal(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), '2001:db8::1:0:0:1', 'the first of two equal runs is compressed');
  t.equal(v6(0x2001, 0xdb8, 1, 1, 1, 1, 1, 1), '2001:db8:1:1:1:1:1:1', 'nothing to compress');
  t.equal(v6(0xfe80, 0, 0, 0, 0, 0, 0, 0), 'fe80::');
  t.equal(v6(1, 0, 2, 3, 4, 5, 6, 7), '1:0:2:3:4:5:6:7', 'a single zero group is not compressed');
  t.equal(formatAddr(4, Buffer.from([127, 0, 0, 1]), 0), '127.0.0.1');
});

t.test('every header field is checked', async (t) => {
  const bad = (label: string, spoil: (b: Buffer) => void, re: RegExp) => {
    const b = makeShimFile({ pid: 321, start: 9876 });
    spoil(b);
    const r = parseShimFile(b, SHM_SIZE, expect);
    t.equal(r.ok, false, label);
    if (!r.ok) t.match(r.reason, re, label);
  };
  bad('magic', (b) => b.writeUInt32LE(1, HDR.magic), /bad magic/);
  bad('version', (b) => b.writeUInt32LE(2, HDR.version), /version 2/);
  bad('size field', (b) => b.writeUInt32LE(4096, HDR.size), /size field/);
  bad('dest count', (b) => b.writeUInt32LE(65, HDR.ndest), /table sizes/);
  bad('histogram size', (b) => b.writeUInt32LE(1, HDR.nhist), /table sizes/);
  bad('counter offset', (b) => b.writeUInt32LE(0, HDR.counters_off), /table sizes/);
  bad('dest offset', (b) => b.writeUInt32LE(0, HDR.dest_off), /table sizes/);
  bad('pid', (b) => b.writeInt32LE(-1, HDR.pid), /pid -1/);
  bad('start time', (b) => b.writeBigUInt64LE(2n ** 63n, HDR.start_time), /start time/);
  bad('flags', (b) => b.writeUInt32LE(6, HDR.flags), /unknown flags/);
  bad('exec_pending', (b) => b.writeUInt32LE(2, HDR.exec_pending), /exec_pending/);
  const short = parseShimFile(Buffer.alloc(100), 100, expect);
  t.match(!short.ok && short.reason, /size 100/);
  const zero = parseShimFile(Buffer.alloc(SHM_SIZE), SHM_SIZE, expect);
  t.same(!zero.ok && [zero.notReady, zero.reason], [true, 'no header yet'], 'all zero: being created');
  const ns = parseShimFile(makeShimFile({ pid: 321, start: 9876, pidns: 5 }), SHM_SIZE, { ...expect, pidns: 6 });
  t.same(!ns.ok && ns.foreign, true, 'another pid namespace: foreign');
  t.equal(parseShimFile(makeShimFile({ pid: 321, start: 9876, pidns: 5 }), SHM_SIZE, { ...expect, pidns: 5 }).ok, true);
  for (const [label, d, re] of [
    ['family', { family: 3 as 2, addr: [1, 1, 1, 1], port: 1 }, /family 3/],
    ['flags', { family: AF_INET, addr: [1, 1, 1, 1], port: 1, flags: 4 }, /flags 4/],
    ['inbound with a port', { family: AF_INET, addr: [1, 1, 1, 1], port: 1, flags: DEST_INBOUND }, /inbound with a port/],
    ['IPv4 with 16 bytes', { family: AF_INET, addr: [1, 1, 1, 1, 9], port: 1 }, /long IPv4/],
  ] as const) {
    const r = parseShimFile(makeShimFile({ pid: 321, start: 9876, dests: [{ ...d, addr: [...d.addr] }] }), SHM_SIZE, expect);
    t.match(!r.ok && r.reason, re, `destination ${label}`);
  }
  const b = makeShimFile({ pid: 321, start: 9876, dests: [{ family: AF_INET, addr: [1, 1, 1, 1], port: 1 }] });
  b.writeUInt32LE(1, DEST_OFF); // slot 0 back to "being filled"
  const r = parseShimFile(b, SHM_SIZE, expect);
  t.same(r.ok && r.sample.dests, [], 'a slot being filled is skipped, not an error');
});

t.test('counters only grow; a ready slot keeps its peer', async (t) => {
  const base = { pid: 1, start: 1, dests: [{ family: AF_INET as 2, addr: [1, 2, 3, 4], port: 80, tx_bytes: 10 }] };
  const a = makeShimFile({ ...base, counters: { 7: 100, [C.INHERITED_BYTES]: 2n ** 40n } });
  t.equal(firstRegression(a, makeShimFile({ ...base, counters: { 7: 101, [C.INHERITED_BYTES]: 2n ** 40n } })), null);
  t.match(firstRegression(a, makeShimFile({ ...base, counters: { 7: 99, [C.INHERITED_BYTES]: 2n ** 40n } })), /counter 7 went down/);
  t.match(firstRegression(a, makeShimFile({ ...base, counters: { 7: 100, [C.INHERITED_BYTES]: 2n ** 40n - 1n } })), /went down/, 'high word compared first');
  t.match(firstRegression(a, makeShimFile({ pid: 1, start: 1, counters: { 7: 100, [C.INHERITED_BYTES]: 2n ** 40n } })), /emptied/);
  const moved = makeShimFile({ ...base, dests: [{ ...base.dests[0], port: 81 }], counters: { 7: 100, [C.INHERITED_BYTES]: 2n ** 40n } });
  t.match(firstRegression(a, moved), /changed its peer/);
  const less = makeShimFile({ ...base, dests: [{ ...base.dests[0], tx_bytes: 9 }], counters: { 7: 100, [C.INHERITED_BYTES]: 2n ** 40n } });
  t.match(firstRegression(a, less), /slot 0 went down/);
  const att = Buffer.from(a);
  att.writeBigUInt64LE(0n, HDR.attaches);
  t.match(firstRegression(a, att), /attach count/);
});
