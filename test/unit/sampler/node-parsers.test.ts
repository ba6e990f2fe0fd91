/**
 * The node tier's parsers on this machine's files (test/fixtures/proc/node-tier, taken from Debian 12 on
 * kernel 6.18) and on hostile text: garbage, truncation, names that could not be metric names, huge numbers.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { nodeExporterIgnoresDisk, parseDiskstats, parseDiskstatsFull } from '../../../src/sampler/parse/diskstats';
import { parseConntrackStat } from '../../../src/sampler/parse/conntrack';
import { parseIntrTotal } from '../../../src/sampler/parse/intr';
import { parseMeminfoAll } from '../../../src/sampler/parse/meminfo-all';
import { parseNetClass, sysfsInt } from '../../../src/sampler/parse/netclass';
import { parseNetDev, parseNetDevFull } from '../../../src/sampler/parse/netdev';
import { parseNetstat, parseSnmp6 } from '../../../src/sampler/parse/netstat';
import { parseArp, parseFileNr, parseOneInt, parseUdevProps, parseUdpQueues, parseVmstatAll } from '../../../src/sampler/parse/node-files';
import { parseSockstat } from '../../../src/sampler/parse/sockstat';
import { parseSoftnet } from '../../../src/sampler/parse/softnet';
import { FIXTURES } from '../../helpers/paths';

const ROOT = path.join(FIXTURES, 'proc', 'node-tier');
const real = (rel: string): Buffer => fs.readFileSync(path.join(ROOT, 'proc', rel));

t.test('meminfo: every line, kB or not, in file order', async (t) => {
  const m = parseMeminfoAll(real('meminfo'));
  const lines = real('meminfo').toString().trim().split('\n');
  t.equal(m.length, lines.length, 'one entry per line');
  t.same(m[0], { key: 'MemTotal', value: 24683772, kb: true });
  t.same(m.find((e) => e.key === 'Active(anon)')?.kb, true, 'the kernel\'s key is kept; naming is the family\'s');
  t.same(m.find((e) => e.key === 'HugePages_Total'), { key: 'HugePages_Total', value: 0, kb: false }, 'a count has no unit');
  const hostile = parseMeminfoAll('MemTotal: 10 kB\nMemTotal: 20 kB\nBad Key: 5 kB\nNeg: -5 kB\nFloat: 1.5 kB\nUnit: 5 MB\nHuge: 99999999999999999999 kB\nNoColon 5\n:5 kB\nX: 5 kB extra\nOk(file):  7\n');
  t.same(hostile, [{ key: 'MemTotal', value: 10, kb: true }, { key: 'Ok(file)', value: 7, kb: false }], 'the first of a repeated key; everything odd skipped');
  t.same(parseMeminfoAll(''), []);
});

t.test('net/dev: every column; the hot parser keeps its eight', async (t) => {
  const full = parseNetDevFull(real('net/dev'));
  t.same(full.map((n) => n.iface), ['lo', 'ifb0', 'ifb1', 'eth0']);
  const eth = full.find((n) => n.iface === 'eth0')!;
  const hot = parseNetDev(real('net/dev')).find((n) => n.iface === 'eth0')!;
  t.equal(eth.rx_bytes, hot.rx_bytes);
  t.equal(eth.tx_drop, hot.tx_drop);
  t.equal(eth.rx_nohandler, null, 'not in the file');
  const cols = parseNetDevFull('abcdefghijklmno:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  x: 1 2 3\n  y: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 -1\n');
  t.equal(cols.length, 1, 'short and negative rows are skipped');
  t.same([cols[0].rx_fifo, cols[0].rx_frame, cols[0].rx_compressed, cols[0].rx_multicast], [5, 6, 7, 8]);
  t.same([cols[0].tx_fifo, cols[0].tx_colls, cols[0].tx_carrier, cols[0].tx_compressed], [13, 14, 15, 16]);
  t.equal(parseNetDevFull('big: 18446744073709551615 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n')[0].rx_bytes, 18446744073709551615n, 'u64 stays exact');
});

t.test('sockstat and sockstat6', async (t) => {
  const s = parseSockstat(real('net/sockstat'));
  t.type(s.sockets_used, 'number');
  t.ok(s.entries.some((e) => e.proto === 'TCP' && e.field === 'mem'), 'TCP mem');
  t.ok(s.entries.some((e) => e.proto === 'FRAG' && e.field === 'memory'), 'FRAG memory');
  t.ok(parseSockstat(real('net/sockstat6')).entries.some((e) => e.proto === 'TCP6' && e.field === 'inuse'));
  const h = parseSockstat('sockets: used 3\nTCP: inuse 1 orphan x tw 2\nbad-proto: inuse 1\nUDP: inuse 4 mem\nUDP{x}: inuse 1\nRAW: in"use 1\n');
  t.equal(h.sockets_used, 3);
  t.same(h.entries, [{ proto: 'TCP', field: 'inuse', value: 1 }, { proto: 'UDP', field: 'inuse', value: 4 }], 'a bad value ends its line; odd names are skipped');
});

t.test('netstat, snmp and snmp6', async (t) => {
  const n = parseNetstat(real('net/netstat'));
  t.ok(n.some((e) => e.proto === 'TcpExt' && e.field === 'ListenDrops'));
  t.ok(n.some((e) => e.proto === 'IpExt' && e.field === 'InOctets'));
  const s = parseNetstat(real('net/snmp'));
  t.same(s.find((e) => e.proto === 'Ip' && e.field === 'Forwarding')?.value !== undefined, true);
  t.equal(s.find((e) => e.proto === 'Tcp' && e.field === 'MaxConn')?.value, -1, 'MaxConn is -1');
  t.ok(s.some((e) => e.proto === 'IcmpMsg') || !real('net/snmp').includes('IcmpMsg'), 'IcmpMsg when the kernel has it');
  const six = parseSnmp6(real('net/snmp6'));
  t.ok(six.some((e) => e.proto === 'Ip6' && e.field === 'InOctets'));
  t.ok(six.some((e) => e.proto === 'UdpLite6' && e.field === 'InErrors'));
  t.ok(six.some((e) => e.proto === 'Icmp6' && e.field === 'InMsgs'));
  t.same(parseSnmp6('Ip6InOctets 5\nNoSix 3\nIp6 4\nIcmp6InType1 x\nIp6Bad-Name 1\nUdp6InErrors 1 2\n'), [{ proto: 'Ip6', field: 'InOctets', value: 5 }]);
  t.same(parseNetstat('Tcp: A B\nTcp: 1\nUdp: X\nUdp: y\nIp{: A\nIp{: 1\n'), [{ proto: 'Tcp', field: 'A', value: 1 }], 'a short value row, non-numbers and odd names are skipped');
});

t.test('softnet_stat: hex columns, labelled by line index', async (t) => {
  const s = parseSoftnet(real('net/softnet_stat'));
  t.equal(s.length, 2);
  t.same(s.map((c) => c.cpu), [0, 1]);
  t.ok(s[0].processed > 0);
  t.same(parseSoftnet('0000000a 00000001 00000002\nzz 0 0\n0000000b 0 1 2\n'), [
    { cpu: 0, processed: 10, dropped: 1, time_squeeze: 2 },
    { cpu: 2, processed: 11, dropped: 0, time_squeeze: 1 },
  ], 'a bad line keeps its index; later lines keep theirs');
  t.same(parseSoftnet('ffffffffffffffffff 0 0\n'), [], 'more than 13 hex digits is refused, not rounded');
});

t.test('conntrack stat: columns summed over CPUs', async (t) => {
  const c = parseConntrackStat(real('net/stat/nf_conntrack'))!;
  t.equal(c.get('drop'), 0);
  t.ok(c.has('search_restart'));
  const h = parseConntrackStat('entries found drop\n00000001 00000002 0000000a\n00000001 00000003 00000001\n0001 0002\nzz 0 0\n')!;
  t.same([...h], [['entries', 2], ['found', 5], ['drop', 11]], 'short and non-hex lines are skipped');
  t.equal(parseConntrackStat(''), null);
  t.equal(parseConntrackStat('Found Drop\n1 2\n'), null, 'a header that is not lowercase names');
});

t.test('file-nr, entropy, arp, udp queues, vmstat, intr, udev', async (t) => {
  const f = parseFileNr(real('sys/fs/file-nr'))!;
  t.ok(f.allocated > 0 && f.maximum >= f.allocated);
  t.equal(parseFileNr('1 2'), null);
  t.equal(parseFileNr('1 0 x'), null);
  t.equal(parseOneInt(real('sys/kernel/random/poolsize')), 256);
  t.equal(parseOneInt('12 13'), null);
  t.equal(parseOneInt('-1\n'), null);
  t.equal(parseOneInt('99999999999999999999'), null, 'not a safe integer');
  t.same([...parseArp(real('net/arp'))], [['eth0', 1]]);
  t.same([...parseArp('IP address HW type Flags HW address Mask Device\n1.2.3.4 0x1 0x2 aa * eth0\n1.2.3.5 0x1 0x0 00 * eth0\n1.2.3.6 0x1 0x2 bb * wlan0\nshort line\n')], [['eth0', 2], ['wlan0', 1]]);
  t.same(parseUdpQueues(real('net/udp')), { tx: 0x10, rx: 0x340 });
  t.same(parseUdpQueues(real('net/udp6')), { tx: 0, rx: 0 }, 'no sockets: zeros');
  t.equal(parseUdpQueues('garbage\n'), null, 'no header');
  t.same(parseUdpQueues('  sl local\n 1: a b 07 zz:00\n 2: a b 07 00000001:00000002\n'), { tx: 1, rx: 2 });
  const vm = parseVmstatAll(real('vmstat'));
  t.ok(vm.has('oom_kill') && vm.has('pgpgin') && vm.has('pgfault'));
  t.same([...parseVmstatAll('a 1\na 2\nB 3\nc -1\nd 1 2\n')], [['a', 1]]);
  t.type(parseIntrTotal(real('stat')), 'number');
  t.equal(parseIntrTotal('cpu 1 2 3\n'), null);
  t.equal(parseIntrTotal('intr x 1\n'), null);
  const u = parseUdevProps(fs.readFileSync(path.join(ROOT, 'udev', 'b254:0')));
  t.equal(u.get('ID_MODEL'), 'QEMU_HARDDISK');
  t.equal(u.get('EQ'), 'a=b', 'a value may hold =');
  t.notOk(u.has('disk/by-path/virtio-pci-0000:00:04.0'), 'only E: lines');
});

t.test('diskstats: every column; node_exporter\'s device filter', async (t) => {
  const full = parseDiskstatsFull(real('diskstats'));
  const hot = parseDiskstats(real('diskstats'));
  t.equal(full.length, hot.length);
  const vda = full.find((d) => d.device === 'vda')!;
  t.same({ ...vda, discards_merged: undefined, discard_ms: undefined, flush_ms: undefined, path: undefined, wwn: undefined, model: undefined, serial: undefined, revision: undefined },
    { ...hot.find((d) => d.device === 'vda')!, discards_merged: undefined, discard_ms: undefined, flush_ms: undefined, path: undefined, wwn: undefined, model: undefined, serial: undefined, revision: undefined },
    'the hot parser\'s fields are the same');
  t.same(parseDiskstatsFull('8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n').map((d) => [d.discards, d.discards_merged, d.discard_sectors, d.discard_ms, d.flushes, d.flush_ms]), [[12, 13, 14, 15, 16, 17]]);
  t.same(parseDiskstatsFull('8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n').map((d) => [d.discards_merged, d.discard_ms, d.flush_ms]), [[null, null, null]], 'kernel < 4.18');
  for (const n of ['loop0', 'ram1', 'sda1', 'vda2', 'xvda3', 'hdb1', 'nvme0n1p2', 'fd0']) t.ok(nodeExporterIgnoresDisk(n), `${n} ignored`);
  for (const n of ['sda', 'vda', 'zram0', 'nvme0n1', 'dm-0', 'md0', 'mmcblk0']) t.notOk(nodeExporterIgnoresDisk(n), `${n} kept`);
});

t.test('netclass: sysfs attributes, absent or refused ones null', async (t) => {
  const dir = path.join(ROOT, 'sys', 'class', 'net', 'eth0');
  const attrs = new Map(fs.readdirSync(dir).filter((f) => f !== 'statistics').map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')] as [never, string]));
  const n = parseNetClass('eth0', attrs);
  t.equal(n.mtu, 1400);
  t.equal(n.speed, -1);
  t.equal(n.operstate, 'up');
  t.equal(n.address, '02:fc:00:00:00:01');
  t.equal(n.flags, 0x1003, 'hex');
  t.equal(n.ifalias, '', 'an empty alias is a value, not absent');
  const ifb = parseNetClass('ifb0', new Map([['carrier', null], ['mtu', '1500\n'], ['duplex', 'a\nb\n'], ['speed', 'fast']]) as never);
  t.equal(ifb.carrier, null);
  t.equal(ifb.mtu, 1500);
  t.equal(ifb.duplex, null, 'two lines is not an attribute');
  t.equal(ifb.speed, null);
  t.equal(sysfsInt('0x'), null);
  t.equal(sysfsInt('99999999999999999'), null, 'not a safe integer');
  t.equal(sysfsInt(' 42\n'), 42);
});
