/**
 * The node tier end to end on fixture roots (test/fixtures/proc/node-tier: this machine's /proc and
 * /sys/class/net files, a udev record): what NodeTier reads, and the node_* series vigil serves from it,
 * checked against the fixture's own numbers and node_exporter 1.5's naming rules.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import type { NodeSample } from '../../../src/model/node';
import { NODE_COLLECTORS, nodeDisabledFor, NodeTier } from '../../../src/sampler/node-tier';
import { find, HOST, parseExposition, sample, valueOf } from '../../helpers/prometheus';
import { FIXTURES } from '../../helpers/paths';

const ROOT = path.join(FIXTURES, 'proc', 'node-tier');
const tier = (): NodeTier => new NodeTier({ procRoot: path.join(ROOT, 'proc'), sysRoot: path.join(ROOT, 'sys'), udevRoot: path.join(ROOT, 'udev'),
  fsStatus: () => [{ mount: '/', source: '/dev/vda', fstype: 'ext4', readonly: false, device_error: false }, { mount: '/ro', source: '/dev/vdb', fstype: 'ext4', readonly: true, device_error: true }] });
const fixture = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

async function served(node: NodeSample | null) {
  const m = new PrometheusMetrics({ host: HOST });
  const s = sample();
  if (node !== null) s.node = node;
  m.update(s, null);
  return parseExposition(await m.metrics());
}

t.test('NodeTier reads every file of the fixture root', async (t) => {
  const nt = tier();
  t.teardown(() => nt.close());
  const n = nt.read(5n);
  t.equal(n.mono_ns, 5n);
  t.equal(n.meminfo.length, fixture('proc/meminfo').trim().split('\n').length);
  t.same(n.netdev.map((d) => d.iface), ['lo', 'ifb0', 'ifb1', 'eth0']);
  t.equal(n.netdev.find((d) => d.iface === 'eth0')!.rx_nohandler, Number(fixture('sys/class/net/eth0/statistics/rx_nohandler')), 'rx_nohandler from sysfs');
  t.equal(n.netdev.find((d) => d.iface === 'ifb1')!.rx_nohandler, null, 'no sysfs directory: null');
  t.same(n.netclass.map((c) => c.iface).sort(), ['eth0', 'ifb0', 'lo']);
  t.equal(n.netclass.find((c) => c.iface === 'ifb0')!.carrier, null, 'carrier of a down interface is refused by the kernel');
  t.ok(n.sockstat !== null && n.sockstat6 !== null);
  t.ok(n.netstat.some((e) => e.proto === 'Ip6'), 'snmp6 read');
  t.equal(n.softnet.length, 2);
  t.equal(n.filefd?.maximum, Number(fixture('proc/sys/fs/file-nr').trim().split(/\s+/)[2]));
  t.same(n.entropy, { available: Number(fixture('proc/sys/kernel/random/entropy_avail')), pool_size: 256 });
  t.equal(n.conntrack?.entries_limit, Number(fixture('proc/sys/net/netfilter/nf_conntrack_max')));
  t.same(n.udp, [{ ip: 'v4', tx: 0x10, rx: 0x340 }, { ip: 'v6', tx: 0, rx: 0 }]);
  t.same(n.disks.map((d) => d.device), ['vda', 'zram0'], 'loop devices are ignored, as node_exporter does by default');
  t.equal(n.disks[0].model, 'QEMU_HARDDISK', 'udev labels');
  t.equal(n.disks[1].model, '', 'no udev record: empty labels');
  t.equal(n.fs.length, 2);
});

t.test('NodeTier re-reads at most once per interval; a missing root gives an empty sample', async (t) => {
  const nt = tier();
  t.teardown(() => nt.close());
  const a = nt.sample(1_000_000_000n, 100_000_000n);
  t.equal(nt.sample(1_500_000_000n, 100_000_000n), a, 'half a second later: the same read');
  const b = nt.sample(1_960_000_000n, 100_000_000n);
  t.not(b, a, 'due half a tick early');
  const empty = new NodeTier({ procRoot: '/nonexistent', sysRoot: '/nonexistent' });
  t.teardown(() => empty.close());
  const e = empty.read(1n);
  t.same([e.meminfo, e.netdev, e.netclass, e.netstat, e.softnet, e.udp, e.disks], [[], [], [], [], [], [], []]);
  t.same([e.sockstat, e.filefd, e.entropy, e.conntrack, e.arp, e.intr], [null, null, null, null, null, null]);
});

t.test('disabled collectors: their files are not read', async (t) => {
  const nt = new NodeTier({ procRoot: path.join(ROOT, 'proc'), sysRoot: path.join(ROOT, 'sys'), disabled: new Set(NODE_COLLECTORS.filter((c) => c !== 'filefd')), fsStatus: () => [{ mount: '/', source: 'x', fstype: 'ext4', readonly: false, device_error: false }] });
  t.teardown(() => nt.close());
  const n = nt.read(1n);
  t.ok(n.filefd !== null, 'filefd still read');
  t.same([n.meminfo, n.netdev, n.netclass, n.netstat, n.softnet, n.udp, n.disks, n.fs, [...n.vmstat]], [[], [], [], [], [], [], [], [], []]);
  t.same([n.sockstat, n.sockstat6, n.entropy, n.conntrack, n.arp, n.intr], [null, null, null, null, null, null]);
  t.same([...nodeDisabledFor(null)], [], 'all served: nothing skipped');
  t.same([...nodeDisabledFor(new Set(['cpu', 'meminfo', 'netclass']))].sort(), NODE_COLLECTORS.filter((c) => c !== 'meminfo' && c !== 'netclass').sort());
  t.same(NODE_COLLECTORS.slice().sort(), ['arp', 'conntrack', 'diskstats', 'entropy', 'filefd', 'filesystem', 'meminfo', 'netclass', 'netdev', 'netstat', 'sockstat', 'softnet', 'stat', 'udp_queues', 'vmstat']);
});

t.test('node_* series from the node tier, as node_exporter names them', async (t) => {
  const nt = tier();
  t.teardown(() => nt.close());
  const n = nt.read(1n);
  const e = await served(n);
  const kb = (k: string): number => 1024 * Number(new RegExp(`^${k.replace(/[()]/g, '\\$&')}:\\s+(\\d+)`, 'm').exec(fixture('proc/meminfo'))![1]);

  // meminfo: every line; (anon) becomes _anon; kB fields get _bytes; HugePages_* are counts.
  t.equal(valueOf(e, 'node_memory_Active_anon_bytes'), kb('Active(anon)'));
  t.equal(valueOf(e, 'node_memory_Slab_bytes'), kb('Slab'));
  t.equal(valueOf(e, 'node_memory_Committed_AS_bytes'), kb('Committed_AS'));
  t.equal(valueOf(e, 'node_memory_HugePages_Total'), 0);
  t.equal(e.types.get('node_memory_HugePages_Total'), 'gauge');
  t.equal(valueOf(e, 'node_memory_MemTotal_bytes'), 0, 'a name the hot tier serves stays the hot tier\'s (the synthetic sample says 0)');
  const memFamilies = [...e.types.keys()].filter((k) => k.startsWith('node_memory_'));
  t.equal(memFamilies.length, n.meminfo.length, 'one family per meminfo line');

  // net/dev and netclass.
  t.equal(valueOf(e, 'node_network_receive_multicast_total', { device: 'eth0' }), 0);
  t.equal(e.types.get('node_network_transmit_colls_total'), 'counter');
  t.equal(valueOf(e, 'node_network_receive_nohandler_total', { device: 'eth0' }), 0);
  t.equal(valueOf(e, 'node_network_speed_bytes', { device: 'eth0' }), -125000, 'speed -1 Mbit/s, × 125000 as node_exporter');
  t.equal(valueOf(e, 'node_network_mtu_bytes', { device: 'eth0' }), 1400);
  t.equal(valueOf(e, 'node_network_up', { device: 'eth0' }), 1);
  t.equal(valueOf(e, 'node_network_up', { device: 'lo' }), 0, 'operstate unknown is not up');
  t.equal(valueOf(e, 'node_network_carrier', { device: 'ifb0' }), undefined, 'refused attribute: no series');
  t.equal(valueOf(e, 'node_network_flags', { device: 'eth0' }), 4099);
  t.equal(e.types.get('node_network_carrier_changes_total'), 'counter');
  t.same(find(e, 'node_network_info', { device: 'eth0' }).map((s) => s.labels), [{ device: 'eth0', address: '02:fc:00:00:00:01', broadcast: 'ff:ff:ff:ff:ff:ff', duplex: 'unknown', ifalias: '', operstate: 'up' }]);
  t.equal(valueOf(e, 'node_network_transmit_queue_length', { device: 'eth0' }), 1000);

  // sockstat, netstat (default filter), vmstat (default filter).
  const tcpMem = n.sockstat!.entries.find((x) => x.proto === 'TCP' && x.field === 'mem')!.value;
  t.equal(valueOf(e, 'node_sockstat_TCP_mem_bytes'), tcpMem * HOST.page_size);
  t.equal(valueOf(e, 'node_sockstat_sockets_used'), n.sockstat!.sockets_used);
  t.ok(valueOf(e, 'node_sockstat_TCP6_inuse') !== undefined);
  t.equal(e.types.get('node_netstat_Ip_Forwarding'), 'untyped');
  t.ok(valueOf(e, 'node_netstat_TcpExt_ListenDrops') !== undefined);
  t.ok(valueOf(e, 'node_netstat_Ip6_InOctets') !== undefined);
  t.ok(valueOf(e, 'node_netstat_UdpLite_InErrors') !== undefined);
  t.equal(e.types.get('node_netstat_Tcp_MaxConn'), undefined, 'outside node_exporter\'s default field filter');
  t.equal(e.types.get('node_netstat_TcpExt_TCPPureAcks'), undefined);
  t.ok(valueOf(e, 'node_vmstat_oom_kill') !== undefined && valueOf(e, 'node_vmstat_pgpgin') !== undefined);
  t.equal(e.types.get('node_vmstat_nr_free_pages'), undefined, 'outside the default vmstat filter');

  // The smaller families.
  t.equal(valueOf(e, 'node_filefd_maximum'), n.filefd!.maximum);
  t.equal(valueOf(e, 'node_entropy_pool_size_bits'), 256);
  t.equal(valueOf(e, 'node_nf_conntrack_entries_limit'), n.conntrack!.entries_limit);
  t.equal(valueOf(e, 'node_nf_conntrack_stat_search_restart'), 0);
  t.equal(valueOf(e, 'node_arp_entries', { device: 'eth0' }), 1);
  t.equal(valueOf(e, 'node_udp_queues', { ip: 'v4', queue: 'rx' }), 0x340);
  t.equal(valueOf(e, 'node_udp_queues', { ip: 'v4', queue: 'tx' }), 0x10);
  t.equal(valueOf(e, 'node_softnet_processed_total', { cpu: '1' }), n.softnet[1].processed);
  t.equal(e.types.get('node_intr_total'), 'counter');
  t.equal(valueOf(e, 'node_intr_total'), n.intr);

  // Disks: the node tier's devices beside the hot tier's; the columns vigil does not record.
  const vda = n.disks[0];
  t.equal(valueOf(e, 'node_disk_discards_merged_total', { device: 'vda' }), vda.discards_merged);
  t.equal(valueOf(e, 'node_disk_flush_requests_time_seconds_total', { device: 'vda' }), Number(vda.flush_ms) / 1000);
  t.equal(valueOf(e, 'node_disk_reads_completed_total', { device: 'zram0' }), 0, 'zram0 is node_exporter\'s device too');
  t.equal(valueOf(e, 'node_disk_reads_completed_total', { device: 'vda' }), vda.reads);
  t.equal(valueOf(e, 'node_disk_reads_completed_total', { device: 'loop0' }), undefined);
  t.same(find(e, 'node_disk_info', { device: 'vda' })[0].labels, { device: 'vda', major: '254', minor: '0', model: 'QEMU_HARDDISK', path: 'pci-0000:00:04.0', revision: '2.5+', serial: 'QM00001', wwn: '0x5000c500a1b2c3d4' });
  t.equal(valueOf(e, 'node_filesystem_readonly', { mountpoint: '/ro', device: '/dev/vdb', fstype: 'ext4' }), 1);
  t.equal(valueOf(e, 'node_filesystem_device_error', { mountpoint: '/ro' }), 1);
  t.equal(valueOf(e, 'node_filesystem_readonly', { mountpoint: '/' }), 0);
});

t.test('without a node tier there are no node-tier series; hostile names never reach the registry', async (t) => {
  const e = await served(null);
  for (const name of ['node_network_mtu_bytes', 'node_filefd_maximum', 'node_memory_Slab_bytes', 'node_udp_queues', 'node_disk_info']) t.equal(find(e, name).length, 0, `${name}: no series`);
  t.ok(find(e, 'node_memory_MemTotal_bytes').length === 1, 'the hot tier\'s families stay');

  const nt = tier();
  t.teardown(() => nt.close());
  const n = nt.read(1n);
  n.meminfo.push({ key: 'Bad.Name', value: 1, kb: true }, { key: 'Ok(x)', value: 2, kb: false });
  n.netstat.push({ proto: 'Tcp', field: 'InErrs{x="1"}', value: 3 });
  const h = await served(n);
  t.equal(valueOf(h, 'node_memory_Ok_x'), 2);
  t.notOk([...h.types.keys()].some((k) => k.includes('Bad')), 'an invalid metric name is skipped, not thrown');

  // A file with thousands of lines cannot grow the registry without bound.
  const flood = { ...n, meminfo: Array.from({ length: 2500 }, (_, i) => ({ key: `F${i}`, value: i, kb: false })) };
  const fl = await served(flood);
  const floodFamilies = [...fl.types.keys()].filter((k) => /^node_memory_F\d+$/.test(k)).length;
  t.ok(floodFamilies > 0 && floodFamilies <= 2000, `${floodFamilies} families from a 2500-line meminfo`);

  // A later read whose file lost a line: the family stays registered with no series.
  const m = new PrometheusMetrics({ host: HOST });
  const s1 = sample();
  s1.node = nt.read(1n);
  m.update(s1, null);
  const s2 = sample();
  s2.node = { ...nt.read(2n), meminfo: [] };
  m.update(s2, null);
  const after = parseExposition(await m.metrics());
  t.equal(find(after, 'node_memory_Slab_bytes').length, 0);
});

t.test('a node-tier file that fails to read (EISDIR here) only loses its own families', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-node-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'net'));
  fs.mkdirSync(path.join(root, 'meminfo')); // reading a directory fails with EISDIR
  fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 7\n');
  const nt = new NodeTier({ procRoot: root, sysRoot: root });
  t.teardown(() => nt.close());
  const n = nt.read(1n);
  t.same(n.meminfo, []);
  t.equal(n.sockstat?.sockets_used, 7, 'the other files are read');
});
