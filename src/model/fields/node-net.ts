/**
 * The network families of the node tier (src/model/node.ts): the /proc/net/dev columns vigil does not
 * record (NET_RAW has bytes, packets, errs and drop) and /sys/class/net/IFACE (node_exporter 1.5's netclass
 * collector). Exported only; label device = the interface.
 */
import type { HostInfo } from '../index';
import type { NetClassSample, NetDevFull } from '../node';
import { scalar } from './field';
import type { NumericKey, RawField } from './field';

const dev = <K extends NumericKey<NetDevFull>>(key: K, dir: 'receive' | 'transmit', f: string, source = `/proc/net/dev ${dir} ${f}`) => ({
  key, kind: 'counter', unit: '', source,
  prom: [scalar<NetDevFull, HostInfo>(`node_network_${dir}_${f}_total`, 'counter', `Network device statistic ${dir}_${f}.`, (n) => n[key])],
} as const satisfies RawField<NetDevFull, HostInfo>);

/** NetDevFull's columns beyond NET_RAW's, in file order. */
export const NETDEV_EXTRA_RAW = [
  dev('rx_fifo', 'receive', 'fifo'), dev('rx_frame', 'receive', 'frame'), dev('rx_compressed', 'receive', 'compressed'),
  dev('rx_multicast', 'receive', 'multicast'), dev('rx_nohandler', 'receive', 'nohandler', '/sys/class/net/IFACE/statistics/rx_nohandler'),
  dev('tx_fifo', 'transmit', 'fifo'), dev('tx_colls', 'transmit', 'colls'), dev('tx_carrier', 'transmit', 'carrier'),
  dev('tx_compressed', 'transmit', 'compressed'),
] as const;

const attr = <K extends NumericKey<NetClassSample>>(key: K, name: string, help: string, type: 'gauge' | 'counter' = 'gauge', value?: (n: NetClassSample) => number | null) => ({
  key, kind: type, unit: key === 'mtu' ? 'B' : '', source: `/sys/class/net/IFACE/${key}${key === 'speed' ? ' (Mbit/s)' : ''}`,
  prom: [scalar<NetClassSample, HostInfo>(name, type, help, value ?? ((n) => n[key]))],
} as const satisfies RawField<NetClassSample, HostInfo>);

const INFO_LABELS = ['address', 'broadcast', 'duplex', 'ifalias', 'operstate'] as const;

/** /sys/class/net/IFACE, as node_exporter 1.5 names each attribute; an attribute the kernel refuses has no series. */
export const NETCLASS_RAW = [
  { key: 'operstate', kind: 'gauge', unit: '', source: '/sys/class/net/IFACE/{address,broadcast,duplex,ifalias,operstate}',
    prom: [{
      name: 'node_network_info', type: 'gauge', help: 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', extraLabels: INFO_LABELS,
      series: (n: NetClassSample) => [[Object.fromEntries(INFO_LABELS.map((l) => [l, n[l] ?? ''])), 1]] as const,
    }, scalar<NetClassSample, HostInfo>('node_network_up', 'gauge', 'Value is 1 if operstate is \'up\', 0 otherwise.', (n) => (n.operstate === null ? null : n.operstate === 'up' ? 1 : 0))] },
  attr('addr_assign_type', 'node_network_address_assign_type', 'address_assign_type value of /sys/class/net/<iface>.'),
  attr('carrier', 'node_network_carrier', 'carrier value of /sys/class/net/<iface>.'),
  attr('carrier_changes', 'node_network_carrier_changes_total', 'carrier_changes_total value of /sys/class/net/<iface>.', 'counter'),
  attr('carrier_up_count', 'node_network_carrier_up_changes_total', 'carrier_up_changes_total value of /sys/class/net/<iface>.', 'counter'),
  attr('carrier_down_count', 'node_network_carrier_down_changes_total', 'carrier_down_changes_total value of /sys/class/net/<iface>.', 'counter'),
  attr('dev_id', 'node_network_device_id', 'device_id value of /sys/class/net/<iface>.'),
  attr('dormant', 'node_network_dormant', 'dormant value of /sys/class/net/<iface>.'),
  attr('flags', 'node_network_flags', 'flags value of /sys/class/net/<iface>.'),
  attr('ifindex', 'node_network_iface_id', 'iface_id value of /sys/class/net/<iface>.'),
  attr('iflink', 'node_network_iface_link', 'iface_link value of /sys/class/net/<iface>.'),
  attr('link_mode', 'node_network_iface_link_mode', 'iface_link_mode value of /sys/class/net/<iface>.'),
  attr('mtu', 'node_network_mtu_bytes', 'mtu_bytes value of /sys/class/net/<iface>.'),
  attr('name_assign_type', 'node_network_name_assign_type', 'name_assign_type value of /sys/class/net/<iface>.'),
  attr('netdev_group', 'node_network_net_dev_group', 'net_dev_group value of /sys/class/net/<iface>.'),
  attr('type', 'node_network_protocol_type', 'protocol_type value of /sys/class/net/<iface>.'),
  // Mbit/s × 10^6 / 8; the kernel's -1 (unknown) becomes -125000, as in node_exporter.
  attr('speed', 'node_network_speed_bytes', 'speed_bytes value of /sys/class/net/<iface> (Mbit/s × 125000).', 'gauge', (n) => (n.speed === null ? null : n.speed * 125000)),
  attr('tx_queue_len', 'node_network_transmit_queue_length', 'transmit_queue_length value of /sys/class/net/<iface>.'),
] as const;
