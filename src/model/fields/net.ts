/**
 * The network family: /proc/net/dev per interface (NET_*), and the kernel's TCP and UDP counters from
 * /proc/net/snmp (SNMP_RAW, TCP_FIELDS, UDP_FIELDS). Raw rows are recorded and exported under
 * node_exporter's names; figures are `vigil export --table net`, the `system` table's tcp_* and udp_*
 * columns, the `net.*`, `tcp.*` and `udp.*` window series and the net pane.
 */
import type { HostInfo, NetDevSample, NetSnap, SnmpSample, TcpSnap, UdpSnap } from '../index';
import { scalar } from './field';
import type { NumericKey, RawField, SysField } from './field';

const dev = <K extends NumericKey<NetDevSample>>(key: K, dir: 'receive' | 'transmit', f: string) => ({
  key, kind: 'counter', unit: f === 'bytes' ? 'B' : '', source: `/proc/net/dev ${dir} ${f}`,
  prom: [scalar<NetDevSample, HostInfo>(`node_network_${dir}_${f}_total`, 'counter', `Network device statistic ${dir}_${f} (/proc/net/dev).`, (n) => n[key])],
} as const satisfies RawField<NetDevSample, HostInfo>);

/** NetDevSample's counters, in recording order; Prometheus label device = the interface. */
export const NET_RAW = [
  dev('rx_bytes', 'receive', 'bytes'), dev('rx_packets', 'receive', 'packets'), dev('rx_errs', 'receive', 'errs'), dev('rx_drop', 'receive', 'drop'),
  dev('tx_bytes', 'transmit', 'bytes'), dev('tx_packets', 'transmit', 'packets'), dev('tx_errs', 'transmit', 'errs'), dev('tx_drop', 'transmit', 'drop'),
] as const;

const WRAP = 'Δ / Δt; a fall with the other counter rising is a 32-bit wrap, else a reset (no value)';

/** NetSnap, in `vigil export --table net` column order. */
export const NET_FIELDS = [
  { key: 'iface', kind: 'label', unit: 'text', source: '/proc/net/dev', formula: 'the name before the first colon', help: 'interface',
    raw: [], exported: true, pane: 'net pane: iface' },
  { key: 'rx_bytes_per_s', kind: 'rate', unit: 'B/s', source: '/proc/net/dev', formula: WRAP, help: 'bytes received per second',
    raw: ['rx_bytes', 'rx_packets'], exported: true, series: 'net.rx_bytes_per_s', pane: 'net pane: rx/s, NET meter' },
  { key: 'tx_bytes_per_s', kind: 'rate', unit: 'B/s', source: '/proc/net/dev', formula: WRAP, help: 'bytes sent per second',
    raw: ['tx_bytes', 'tx_packets'], exported: true, series: 'net.tx_bytes_per_s', pane: 'net pane: tx/s, NET meter' },
  { key: 'rx_packets_per_s', kind: 'rate', unit: '/s', source: '/proc/net/dev', formula: WRAP, help: 'packets received per second',
    raw: ['rx_packets', 'rx_bytes'], exported: true, series: 'net.rx_packets_per_s', pane: 'net pane: rx pk/s' },
  { key: 'tx_packets_per_s', kind: 'rate', unit: '/s', source: '/proc/net/dev', formula: WRAP, help: 'packets sent per second',
    raw: ['tx_packets', 'tx_bytes'], exported: true, series: 'net.tx_packets_per_s', pane: 'net pane: tx pk/s' },
  { key: 'rx_errs_per_s', kind: 'rate', unit: '/s', source: '/proc/net/dev', formula: 'Δ / Δt', help: 'receive errors per second',
    raw: ['rx_errs'], exported: true, series: 'net.rx_errs_per_s', pane: 'net pane: err/s' },
  { key: 'tx_errs_per_s', kind: 'rate', unit: '/s', source: '/proc/net/dev', formula: 'Δ / Δt', help: 'send errors per second',
    raw: ['tx_errs'], exported: true, series: 'net.tx_errs_per_s', pane: 'net pane: err/s' },
  { key: 'rx_drop_per_s', kind: 'rate', unit: '/s', source: '/proc/net/dev', formula: 'Δ / Δt', help: 'received packets dropped per second',
    raw: ['rx_drop'], exported: true, series: 'net.rx_drop_per_s', pane: 'net pane: drop/s' },
  { key: 'tx_drop_per_s', kind: 'rate', unit: '/s', source: '/proc/net/dev', formula: 'Δ / Δt', help: 'outgoing packets dropped per second',
    raw: ['tx_drop'], exported: true, series: 'net.tx_drop_per_s', pane: 'net pane: drop/s' },
] as const satisfies readonly SysField<NetSnap>[];

/** A /proc/net/snmp counter: node_exporter exports them untyped as node_netstat_<Proto>_<Field>. */
const snmp = <K extends keyof SnmpSample & string>(key: K, field: string, kind: 'counter' | 'gauge' = 'counter') => ({
  key, kind, unit: '', source: `/proc/net/snmp ${field.replace('_', ': ')}`,
  prom: [scalar<SnmpSample, HostInfo>(`node_netstat_${field}`, 'untyped', `Statistic ${field.replace('_', '')} (/proc/net/snmp).`, (s) => s[key])],
} as const satisfies RawField<SnmpSample, HostInfo>);

/** SnmpSample, in recording order. */
export const SNMP_RAW = [
  snmp('tcp_active_opens', 'Tcp_ActiveOpens'), snmp('tcp_passive_opens', 'Tcp_PassiveOpens'), snmp('tcp_attempt_fails', 'Tcp_AttemptFails'),
  snmp('tcp_estab_resets', 'Tcp_EstabResets'), snmp('tcp_curr_estab', 'Tcp_CurrEstab', 'gauge'), snmp('tcp_in_segs', 'Tcp_InSegs'),
  snmp('tcp_out_segs', 'Tcp_OutSegs'), snmp('tcp_retrans_segs', 'Tcp_RetransSegs'), snmp('tcp_in_errs', 'Tcp_InErrs'),
  snmp('tcp_out_rsts', 'Tcp_OutRsts'), snmp('udp_in_datagrams', 'Udp_InDatagrams'), snmp('udp_out_datagrams', 'Udp_OutDatagrams'),
  snmp('udp_in_errors', 'Udp_InErrors'), snmp('udp_no_ports', 'Udp_NoPorts'),
] as const;

const tcp = <K extends keyof TcpSnap & string>(key: K, raw: keyof SnmpSample & string, help: string) =>
  ({ key, kind: 'rate', unit: '/s', source: '/proc/net/snmp Tcp:', formula: 'Δ / Δt', help, raw: [raw], exported: true, series: `tcp.${key}` } as const);

/** TcpSnap: `system` export columns tcp_<key>, in order. */
export const TCP_FIELDS = [
  { ...tcp('retrans_per_s', 'tcp_retrans_segs', 'TCP segments retransmitted per second'), pane: 'net pane: tcp retrans/s' },
  tcp('in_segs_per_s', 'tcp_in_segs', 'TCP segments received per second'),
  tcp('out_segs_per_s', 'tcp_out_segs', 'TCP segments sent per second'),
  { ...tcp('active_opens_per_s', 'tcp_active_opens', 'TCP connects per second'), pane: 'net pane: opens/s' },
  tcp('passive_opens_per_s', 'tcp_passive_opens', 'TCP accepts per second'),
  tcp('attempt_fails_per_s', 'tcp_attempt_fails', 'TCP failed connection attempts per second'),
  tcp('estab_resets_per_s', 'tcp_estab_resets', 'TCP established connections reset per second'),
  tcp('out_rsts_per_s', 'tcp_out_rsts', 'TCP resets sent per second'),
  tcp('in_errs_per_s', 'tcp_in_errs', 'TCP segments received in error per second'),
  { key: 'curr_estab', kind: 'gauge', unit: '', source: '/proc/net/snmp Tcp: CurrEstab', formula: 'as given', help: 'TCP connections established',
    raw: ['tcp_curr_estab'], exported: true, series: 'tcp.curr_estab', pane: 'net pane: estab' },
] as const satisfies readonly SysField<TcpSnap>[];

const udp = <K extends keyof UdpSnap & string>(key: K, raw: keyof SnmpSample & string, help: string) =>
  ({ key, kind: 'rate', unit: '/s', source: '/proc/net/snmp Udp:', formula: 'Δ / Δt', help, raw: [raw], exported: true, series: `udp.${key}` } as const);

/** UdpSnap: `system` export columns udp_<key>, in order. */
export const UDP_FIELDS = [
  udp('in_datagrams_per_s', 'udp_in_datagrams', 'UDP datagrams received per second'),
  udp('out_datagrams_per_s', 'udp_out_datagrams', 'UDP datagrams sent per second'),
  udp('in_errors_per_s', 'udp_in_errors', 'UDP receive errors per second'),
  udp('no_ports_per_s', 'udp_no_ports', 'UDP datagrams to no listener per second'),
] as const satisfies readonly SysField<UdpSnap>[];
