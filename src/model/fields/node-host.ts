/**
 * node_exporter's smaller machine-wide families, from the node tier (src/model/node.ts): filefd, entropy,
 * nf_conntrack, softnet, arp, udp_queues and stat's intr. Exported only, never recorded.
 */
import type { HostInfo } from '../index';
import type { ConntrackSample, NodeSample, SoftnetCpu, UdpQueues } from '../node';
import { scalar } from './field';
import type { RawField } from './field';

const node = scalar<NodeSample, HostInfo>;

/** Whole-host values of the node tier. */
export const NODE_HOST_RAW = [
  { key: 'intr', kind: 'counter', unit: '', source: '/proc/stat intr (first number)',
    prom: [node('node_intr_total', 'counter', 'Total number of interrupts serviced.', (n) => n.intr)] },
  { key: 'filefd.allocated', kind: 'gauge', unit: '', source: '/proc/sys/fs/file-nr (first)',
    prom: [node('node_filefd_allocated', 'gauge', 'File descriptor statistics: allocated.', (n) => n.filefd?.allocated)] },
  { key: 'filefd.maximum', kind: 'gauge', unit: '', source: '/proc/sys/fs/file-nr (third)',
    prom: [node('node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.', (n) => n.filefd?.maximum)] },
  { key: 'entropy.available', kind: 'gauge', unit: '', source: '/proc/sys/kernel/random/entropy_avail',
    prom: [node('node_entropy_available_bits', 'gauge', 'Bits of available entropy.', (n) => n.entropy?.available)] },
  { key: 'entropy.pool_size', kind: 'gauge', unit: '', source: '/proc/sys/kernel/random/poolsize',
    prom: [node('node_entropy_pool_size_bits', 'gauge', 'Bits of entropy pool.', (n) => n.entropy?.pool_size)] },
] as const satisfies readonly RawField<NodeSample, HostInfo>[];

const ct = (name: string, help: string, value: (c: ConntrackSample) => number | null | undefined) => node(name, 'gauge', help, (n) => (n.conntrack === null ? null : value(n.conntrack)));
const stat = (col: string, help: string) => ({
  key: `conntrack.stat.${col}`, kind: 'counter', unit: '', source: `/proc/net/stat/nf_conntrack ${col} (hex, summed over CPUs)`,
  // node_exporter 1.5 types these gauges although they only grow.
  prom: [ct(`node_nf_conntrack_stat_${col}`, help, (c) => c.stat?.get(col))],
} as const satisfies RawField<NodeSample, HostInfo>);

/** nf_conntrack, where the module is loaded (no series otherwise). */
export const CONNTRACK_RAW = [
  { key: 'conntrack.entries', kind: 'gauge', unit: '', source: '/proc/sys/net/netfilter/nf_conntrack_count',
    prom: [ct('node_nf_conntrack_entries', 'Number of currently allocated flow entries for connection tracking.', (c) => c.entries)] },
  { key: 'conntrack.entries_limit', kind: 'gauge', unit: '', source: '/proc/sys/net/netfilter/nf_conntrack_max',
    prom: [ct('node_nf_conntrack_entries_limit', 'Maximum size of connection tracking table.', (c) => c.entries_limit)] },
  stat('found', 'Number of searched entries which were successful.'),
  stat('invalid', 'Number of packets seen which can not be tracked.'),
  stat('ignore', 'Number of packets seen which are already connected to a conntrack entry.'),
  stat('insert', 'Number of entries inserted into the list.'),
  stat('insert_failed', 'Number of entries for which list insertion was attempted but failed.'),
  stat('drop', 'Number of packets dropped due to conntrack failure.'),
  stat('early_drop', 'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.'),
  stat('search_restart', 'Number of conntrack table lookups which had to be restarted due to hashtable resizes.'),
] as const;

/** /proc/net/softnet_stat per CPU (label cpu: the line's index). */
export const SOFTNET_RAW = [
  { key: 'processed', kind: 'counter', unit: '', source: '/proc/net/softnet_stat column 1 (hex)',
    prom: [scalar<SoftnetCpu, HostInfo>('node_softnet_processed_total', 'counter', 'Number of processed packets', (c) => c.processed)] },
  { key: 'dropped', kind: 'counter', unit: '', source: '/proc/net/softnet_stat column 2 (hex)',
    prom: [scalar<SoftnetCpu, HostInfo>('node_softnet_dropped_total', 'counter', 'Number of dropped packets', (c) => c.dropped)] },
  { key: 'time_squeeze', kind: 'counter', unit: '', source: '/proc/net/softnet_stat column 3 (hex)',
    prom: [scalar<SoftnetCpu, HostInfo>('node_softnet_times_squeezed_total', 'counter', 'Number of times processing packets ran out of quota', (c) => c.time_squeeze)] },
] as const satisfies readonly RawField<SoftnetCpu, HostInfo>[];

/** /proc/net/arp entries per device (label device). */
export const ARP_RAW = [
  { key: 'entries', kind: 'gauge', unit: '', source: '/proc/net/arp (rows per device)',
    prom: [scalar<{ entries: number }, HostInfo>('node_arp_entries', 'gauge', 'ARP entries by device', (a) => a.entries)] },
] as const satisfies readonly RawField<{ entries: number }, HostInfo>[];

/** /proc/net/udp and udp6, summed over sockets (label ip = v4 or v6; queue = rx or tx). */
export const UDP_QUEUES_RAW = [
  { key: 'tx', kind: 'gauge', unit: 'B', source: '/proc/net/udp{,6} tx_queue:rx_queue (hex), summed',
    prom: [{
      name: 'node_udp_queues', type: 'gauge', help: 'Number of allocated memory in the kernel for UDP datagrams in bytes.', extraLabels: ['queue'],
      series: (q: UdpQueues) => [[{ queue: 'rx' }, q.rx], [{ queue: 'tx' }, q.tx]] as const,
    }] },
] as const;
