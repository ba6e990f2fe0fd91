/**
 * The connections family: one row per TCP connection (listeners are not connections) per read of the
 * connections tier, from sock_diag (inet_diag with tcp_info) and /proc/PID/fd. The figures are
 * `vigil export --table conns` (after `t`, `interval_ms`) and the connections pane's columns. No window
 * series and no Prometheus family: a connection is too short-lived a subject (the per-process TCP
 * figures of the process family are their sums).
 */
import type { ConnSnap } from '../conns';
import type { SysField } from './field';

const DIAG = 'sock_diag tcp_info';

/** ConnSnap, in `vigil export --table conns` column order. */
export const CONN_FIELDS = [
  { key: 'pid', kind: 'label', unit: 'text', source: '/proc/PID/fd socket:[inode]', formula: 'the lowest pid holding the socket; empty when none is visible',
    help: 'process id', raw: ['pids'], exported: true, pane: 'PID' },
  { key: 'comm', kind: 'label', unit: 'text', source: '/proc/PID/stat comm', formula: 'of that process', help: 'command name', raw: ['comm'], exported: true, pane: 'COMMAND' },
  { key: 'local', kind: 'label', unit: 'text', source: 'sock_diag idiag_src, idiag_sport', formula: 'address:port ([v6]:port)', help: 'local address',
    raw: ['local'], exported: true, pane: 'LOCAL' },
  { key: 'remote', kind: 'label', unit: 'text', source: 'sock_diag idiag_dst, idiag_dport', formula: 'address:port ([v6]:port)', help: 'remote address',
    raw: ['remote'], exported: true, pane: 'REMOTE' },
  { key: 'state', kind: 'label', unit: 'text', source: 'sock_diag idiag_state', formula: 'the TCP state name', help: 'TCP state', raw: ['state'], exported: true, pane: 'STATE' },
  { key: 'tx_bytes_per_s', kind: 'rate', unit: 'B/s', source: `${DIAG} tcpi_bytes_acked`, formula: 'Δ / Δt (from 0 for a socket new in the interval)',
    help: 'bytes the peer acknowledged per second', raw: ['bytes_acked'], exported: true, pane: 'TX/s' },
  { key: 'rx_bytes_per_s', kind: 'rate', unit: 'B/s', source: `${DIAG} tcpi_bytes_received`, formula: 'Δ / Δt (from 0 for a socket new in the interval)',
    help: 'bytes received per second', raw: ['bytes_received'], exported: true, pane: 'RX/s' },
  { key: 'retrans_total', kind: 'gauge', unit: '', source: `${DIAG} tcpi_total_retrans`, formula: 'as given: retransmits over the socket\'s life',
    help: 'segments retransmitted since the socket opened', raw: ['total_retrans'], exported: true, pane: 'RETR' },
  { key: 'retrans_per_s', kind: 'rate', unit: '/s', source: `${DIAG} tcpi_total_retrans`, formula: 'Δ / Δt',
    help: 'segments retransmitted per second', raw: ['total_retrans'], exported: true },
  { key: 'rtt_ms', kind: 'gauge', unit: 'ms', source: `${DIAG} tcpi_rtt`, formula: 'µs / 1000 (smoothed RTT)', help: 'round-trip time',
    raw: ['rtt_us'], exported: true, pane: 'RTT ms' },
] as const satisfies readonly SysField<ConnSnap>[];
