import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { isPseudoDisk, parseDiskstats } from '../../../src/sampler/parse/diskstats';
import { parseLoadavg } from '../../../src/sampler/parse/loadavg';
import { parseMeminfo } from '../../../src/sampler/parse/meminfo';
import { parseMountinfo, unescapeOctal } from '../../../src/sampler/parse/mountinfo';
import { parseNetDev } from '../../../src/sampler/parse/netdev';
import { parsePressure } from '../../../src/sampler/parse/pressure';
import { parseSnmp } from '../../../src/sampler/parse/snmp';
import { parseStat } from '../../../src/sampler/parse/stat';
import { parseUptime } from '../../../src/sampler/parse/uptime';
import { parseVmstat } from '../../../src/sampler/parse/vmstat';
import { FIXTURES } from '../../helpers/paths';

const REAL = path.join(FIXTURES, 'proc', 'debian12-6.18');
const real = (rel: string): Buffer => fs.readFileSync(path.join(REAL, rel));

t.test('/proc/stat from a real machine', async (t) => {
  const s = parseStat(real('stat'));
  t.ok(s.total, 'has the total line');
  t.equal(s.cores.length, 2, 'two cores');
  t.ok(s.cores.every((c) => c !== null));
  t.type(s.ctxt, 'number');
  t.type(s.btime, 'number');
  t.ok((s.btime ?? 0) > 1.6e9, 'btime is an epoch');
  t.type(s.procs_running, 'number');
  t.equal(s.total?.guest_nice, 0, 'all ten columns on this kernel');
});

t.test('/proc/stat with 4, 7, 8 and 10 columns', async (t) => {
  const four = parseStat('cpu  10 20 30 40\ncpu0 10 20 30 40\n');
  t.same(four.total, { user: 10, nice: 20, system: 30, idle: 40, iowait: null, irq: null, softirq: null, steal: null, guest: null, guest_nice: null });
  const seven = parseStat('cpu  1 2 3 4 5 6 7\n');
  t.equal(seven.total?.softirq, 7);
  t.equal(seven.total?.steal, null, 'no steal column: null, not 0');
  const eight = parseStat('cpu  1 2 3 4 5 6 7 8\n');
  t.equal(eight.total?.steal, 8);
  t.equal(eight.total?.guest, null);
  const ten = parseStat('cpu  1 2 3 4 5 6 7 8 9 10\n');
  t.equal(ten.total?.guest_nice, 10);
  t.equal(parseStat('cpu  1 2 3\n').total, null, 'fewer than four columns is not a cpu line');
  t.equal(parseStat('cpu  1 2 x 4\n').total, null, 'a non-number spoils the line');
});

t.test('/proc/stat with an offline core missing: cores indexed by number', async (t) => {
  const s = parseStat('cpu  4 0 4 40\ncpu0 1 0 1 10\ncpu1 1 0 1 10\ncpu3 2 0 2 20\nctxt 5\n');
  t.equal(s.cores.length, 4);
  t.equal(s.cores[2], null, 'cpu2 is offline');
  t.equal(s.cores[3]?.user, 2, 'cpu3 is not shifted into slot 2');
});

t.test('/proc/stat counters above 2^53 stay exact', async (t) => {
  const s = parseStat('cpu  9007199254740993 0 0 0\nctxt 18446744073709551615\n');
  t.equal(s.total?.user, 9007199254740993n);
  t.equal(s.ctxt, 18446744073709551615n);
});

t.test('/proc/meminfo', async (t) => {
  const m = parseMeminfo(real('meminfo'));
  t.ok((m.total ?? 0) > 0);
  t.ok((m.available ?? 0) > 0);
  t.ok((m.available ?? 0) <= (m.total ?? 0));
  t.type(m.sreclaimable, 'number');
  const old = parseMeminfo('MemTotal:  1000 kB\nMemFree:  100 kB\nBuffers:  10 kB\nCached:  200 kB\nSwapCached: 5 kB\n');
  t.equal(old.available, null, 'no MemAvailable line (kernel < 3.14): null');
  t.equal(old.cached, 200 * 1024, 'Cached is not confused with SwapCached');
  t.equal(old.swap_cached, 5 * 1024);
  const zero = parseMeminfo('MemTotal:  0 kB\nMemAvailable: 0 kB\n');
  t.equal(zero.total, 0);
  t.equal(parseMeminfo('').total, null);
  t.equal(parseMeminfo('MemTotal: lots kB\n').total, null, 'garbage is null, not NaN');
});

t.test('/proc/loadavg', async (t) => {
  t.same(parseLoadavg('0.03 0.16 0.09 1/77 2943\n'), { load1: 0.03, load5: 0.16, load15: 0.09, running: 1, total: 77 });
  t.ok(parseLoadavg(real('loadavg')));
  t.equal(parseLoadavg(''), null);
  t.equal(parseLoadavg('a b c 1/2 3'), null);
  t.equal(parseLoadavg('1 2 3 12 3'), null, 'running/total without a slash');
});

t.test('/proc/pressure', async (t) => {
  const cpu = parsePressure(real('pressure/cpu'));
  t.ok(cpu.some);
  const p = parsePressure('some avg10=1.50 avg60=0.14 avg300=0.83 total=7060499\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
  t.same(p.some, { avg10: 1.5, avg60: 0.14, avg300: 0.83, total: 7060499 });
  t.same(p.full, { avg10: 0, avg60: 0, avg300: 0, total: 0 });
  t.same(parsePressure('some avg10=1.00 avg60=0.00 avg300=0.00 total=5\n').full, null, 'cpu before 5.13 has no full line');
  t.same(parsePressure('some avg10=x avg60=0 avg300=0 total=5\n').some, null);
});

t.test('/proc/net/dev, including a 15-character name touching the colon', async (t) => {
  const real0 = parseNetDev(real('net/dev'));
  t.ok(real0.find((n) => n.iface === 'lo'), 'lo is there');
  t.notOk(real0.find((n) => n.iface.includes('|') || n.iface.includes('face')), 'headers skipped by content');
  const text =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    'abcdefghijklmno:123 4 0 0 0 0 0 0 567 8 0 0 0 0 0 0\n' +
    '  eth0: 18446744073709551615 2 3 4 0 0 0 0 9 10 11 12 0 0 0 0\n' +
    '  bad: 1 2 3\n';
  const n = parseNetDev(text);
  t.equal(n.length, 2);
  t.equal(n[0].iface, 'abcdefghijklmno');
  t.equal(n[0].rx_bytes, 123);
  t.equal(n[0].tx_bytes, 567);
  t.equal(n[0].tx_packets, 8);
  t.equal(n[1].rx_bytes, 18446744073709551615n);
  t.same([n[1].rx_errs, n[1].rx_drop, n[1].tx_errs, n[1].tx_drop], [3, 4, 11, 12]);
  const weird = parseNetDev(Buffer.concat([Buffer.from('  w\xe9\xff0: 1 2 3 4 0 0 0 0 5 6 7 8 0 0 0 0\n', 'latin1')]));
  t.equal(weird.length, 1, 'a name that is not UTF-8 still parses');
  t.equal(weird[0].tx_drop, 8);
});

t.test('/proc/net/snmp matches columns by name', async (t) => {
  const s = parseSnmp(real('net/snmp'));
  t.type(s.tcp_retrans_segs, 'number');
  t.type(s.tcp_out_segs, 'number');
  t.type(s.udp_in_datagrams, 'number');
  const shuffled = parseSnmp('Tcp: OutSegs RetransSegs MaxConn\nTcp: 10 3 -1\nUdp: InDatagrams\nUdp: 7\n');
  t.equal(shuffled.tcp_out_segs, 10);
  t.equal(shuffled.tcp_retrans_segs, 3);
  t.equal(shuffled.udp_in_datagrams, 7);
  t.equal(shuffled.tcp_in_segs, null, 'a missing column is null');
  t.equal(parseSnmp('').tcp_out_segs, null);
});

t.test('/proc/vmstat', async (t) => {
  const v = parseVmstat(real('vmstat'));
  t.type(v.pgfault, 'number');
  t.type(v.pgmajfault, 'number');
  t.same(parseVmstat('nr_free_pages 5\npgfault 10\npgmajfault 2\npswpin 0\npswpout 1\n'), { pgfault: 10, pgmajfault: 2, pswpin: 0, pswpout: 1 });
  t.equal(parseVmstat('pgfaultx 3\n').pgfault, null, 'a longer key is not the key');
});

t.test('/proc/diskstats with 14, 18 and 20 fields', async (t) => {
  const realRows = parseDiskstats(real('diskstats'));
  t.ok(realRows.find((d) => d.device === 'vda'));
  const f14 = parseDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n')[0];
  t.equal(f14.reads, 1);
  t.equal(f14.io_ms, 10);
  t.equal(f14.discards, null, '14 fields: no discard columns');
  t.equal(f14.flushes, null);
  const f18 = parseDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n')[0];
  t.equal(f18.discards, 12);
  t.equal(f18.discard_sectors, 14);
  t.equal(f18.flushes, null);
  const f20 = parseDiskstats(' 259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n')[0];
  t.equal(f20.flushes, 16);
  t.equal(f20.write_sectors, 7);
  t.equal(parseDiskstats('8 0 sda 1 2 3\n').length, 0, 'a short line is skipped');
  t.equal(parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10 x\n').length, 0);
  t.ok(isPseudoDisk('loop0') && isPseudoDisk('ram1') && isPseudoDisk('zram0'));
  t.notOk(isPseudoDisk('vda') || isPseudoDisk('nvme0n1') || isPseudoDisk('loopy'));
});

t.test('/proc/self/mountinfo with octal escapes', async (t) => {
  const real0 = parseMountinfo(real('self/mountinfo'));
  t.ok(real0.find((m) => m.mountPoint === '/' && m.fstype === 'ext4'));
  const m = parseMountinfo(
    '36 35 98:0 /mnt1 /mnt/my\\040disk\\012x rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n' +
      '37 35 0:5 / /a\\134b rw - tmpfs tmp\\040fs rw\n' +
      'garbage line\n',
  );
  t.equal(m.length, 2);
  t.equal(m[0].mountPoint, '/mnt/my disk\nx', 'space and newline decoded');
  t.equal(m[0].fstype, 'ext3', 'optional fields skipped up to the dash');
  t.equal(m[1].mountPoint, '/a\\b');
  t.equal(m[1].source, 'tmp fs');
  t.equal(m[0].options, 'rw,noatime');
  t.equal(m[0].superOptions, 'rw,errors=continue', 'the superblock\'s options after the source');
  t.equal(unescapeOctal('a\\x'), 'a\\x', 'a lone backslash stays');
});

t.test('/proc/uptime', async (t) => {
  t.equal(parseUptime('357.61 616.38\n'), 357.61);
  t.ok((parseUptime(real('uptime')) ?? 0) > 0);
  t.equal(parseUptime(''), null);
  t.equal(parseUptime('x y'), null);
});
