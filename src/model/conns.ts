/**
 * Types of the connections tier (issue 8), kept apart from model.ts so the lead can attach them:
 * `Sample.conns: ConnsSample | null` (raw, cumulative, from sock_diag and /proc/PID/fd) and
 * `Snapshot.conns: ConnsSnap | null` (rates, from deriveConns in src/derive/conns.ts).
 *
 * Snake_case names with units are the user-facing contract: the per-process fields become the procs
 * table columns `tcp_tx_bytes_per_s`, `tcp_rx_bytes_per_s`, `tcp_conns`, `tcp_retrans_per_s`, and a
 * ConnSnap is one row of `vigil export --table conns`.
 */
import type { Counter } from './counter';

/** Kernel TCP states (include/net/tcp_states.h), by the kernel's names. */
export type TcpState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'BOUND_INACTIVE'
  | 'UNKNOWN';

/**
 * One TCP socket as sock_diag reports it (struct inet_diag_msg + struct tcp_info). Counters are the
 * kernel's, cumulative over the socket's life; a field the running kernel's tcp_info is too short to
 * carry is null (bytes_acked/bytes_received need Linux 4.1+).
 */
export interface TcpSockSample {
  /** Socket cookie: the kernel's id of the socket, never reused while it runs. The key across samples. */
  cookie: Counter;
  /** Socket inode, the `socket:[N]` of /proc/PID/fd; 0 once no process holds it (orphaned, closing). */
  inode: number;
  uid: number;
  family: 4 | 6;
  state: TcpState;
  /** "127.0.0.1:8080" or "[::1]:8080". */
  local: string;
  remote: string;
  local_port: number;
  remote_port: number;
  /** Receive and send queues, bytes (inet_diag idiag_rqueue / idiag_wqueue). */
  rqueue: number;
  wqueue: number;
  /** Smoothed RTT and its variance, µs (tcpi_rtt, tcpi_rttvar). */
  rtt_us: number | null;
  rttvar_us: number | null;
  /** Congestion window, segments (tcpi_snd_cwnd). */
  cwnd: number | null;
  /** Bytes the peer acknowledged (tcpi_bytes_acked): data sent, retransmissions not counted twice. */
  bytes_acked: Counter | null;
  /** Bytes received in order (tcpi_bytes_received). */
  bytes_received: Counter | null;
  /** Segments retransmitted over the socket's life (tcpi_total_retrans; /proc/net/tcp has no such count). */
  total_retrans: number | null;
  /**
   * Processes holding the socket (an fd links to `socket:[inode]`); several after fork, none when no
   * visible process holds it. An orphaned socket (inode 0: closed, still sending its last data) keeps
   * the owners it had in the previous sample: that traffic is still theirs. Shared between samples and
   * never mutated: treat as read-only.
   */
  pids: number[];
}

/** Socket counts of one process that holds at least one socket. */
export interface ConnsProcSample {
  pid: number;
  /** /proc/PID/comm when its fds were last read, raw (escape before display). */
  comm: string;
  /** TCP sockets other than listeners, as the sock_diag dump shows them. */
  tcp: number;
  tcp_listen: number;
  /** Sockets whose inode is in /proc/net/udp or udp6. */
  udp: number;
  /** Sockets whose inode is in /proc/net/unix. */
  unix: number;
  /**
   * vigil's own cumulative counters for the process: the sum, over the reads, of what each TCP socket it
   * held moved since the previous read (tcpi_bytes_acked, tcpi_bytes_received, tcpi_total_retrans;
   * sockets new since then count from zero, see src/derive/conns-delta.ts). The kernel keeps no per-process
   * TCP counter; these are what `record` stores and replay derives the per-process rates from. null
   * when the kernel reports no such counter.
   */
  tcp_tx_bytes: Counter | null;
  tcp_rx_bytes: Counter | null;
  tcp_retrans: Counter | null;
  /**
   * The counters above count traffic after this monotonic time (the read before they started), or
   * null for those started at the tier's first read (they hold the sockets' whole lives: a baseline,
   * never a rate). A different value for the same pid means they started over (a new process under
   * the same pid, or one that had held no socket for a while): no delta across that.
   */
  since_ns: bigint | null;
}

/** One tick of the connections tier: raw and cumulative; rates come from two of these. */
export interface ConnsSample {
  /** Monotonic ns when the TCP dump was asked for; intervals come from this. */
  mono_ns: bigint;
  /** Wall clock, ms since the epoch: a label. */
  t: number;
  /** Every TCP socket of this network namespace except TIME_WAIT and request minisockets. */
  tcp: TcpSockSample[];
  procs: ConnsProcSample[];
  /**
   * Processes whose /proc/PID/fd could not be read (another user's process without root), sorted:
   * their sockets are listed with no pid and their TCP figures are unknown, not zero. Non-empty means
   * "showing what is visible": say so once.
   */
  denied: number[];
  /** The fd scan ran out of its per-tick budget: some processes' sockets are attributed a tick late. */
  scan_incomplete: boolean;
  /** Messages of the dump that were malformed and skipped (never expected from a real kernel). */
  malformed: number;
  /** Time spent in the tier's own synchronous work this tick, ms (for --debug-timings). */
  cost_ms: number;
}

// ---------------------------------------------------------------------------------------------------
// Derived
// ---------------------------------------------------------------------------------------------------

/** Per-process TCP figures; the lead joins these into ProcSnap by pid. */
export interface ProcConnsSnap {
  pid: number;
  comm: string;
  tcp_tx_bytes_per_s: number | null;
  tcp_rx_bytes_per_s: number | null;
  tcp_conns: number;
  tcp_retrans_per_s: number | null;
  tcp_listen: number;
  udp_socks: number;
  unix_socks: number;
}

/** One connection: a row of `vigil export --table conns`. */
export interface ConnSnap {
  /** The first process holding the socket (lowest pid); null when no visible process holds it. */
  pid: number | null;
  /** Every holder (after fork both parent and child); the socket counts in each of them. */
  pids: number[];
  comm: string | null;
  local: string;
  remote: string;
  state: TcpState;
  tx_bytes_per_s: number | null;
  rx_bytes_per_s: number | null;
  retrans_total: number | null;
  retrans_per_s: number | null;
  rtt_ms: number | null;
  /** The socket appeared during the interval: its counters were taken from zero. */
  new: boolean;
}

/** A connection's tcpi_total_retrans went up: the systemtap tcp_retransmit script's line. */
export interface RetransEvent {
  /** Wall clock of the sample that saw it, ms since the epoch. */
  t: number;
  pid: number | null;
  comm: string | null;
  local: string;
  remote: string;
  /** The new tcpi_total_retrans. */
  retrans_total: number;
  /** Retransmits since the previous sample (from zero for a socket that appeared in between). */
  retrans_new: number;
}

export interface ConnsSnap {
  /** Length of the interval the rates cover, ms (the connections tier's own interval). */
  interval_ms: number;
  procs: ProcConnsSnap[];
  /** Connections other than listeners, busiest first (tx + rx). */
  conns: ConnSnap[];
  retrans_events: RetransEvent[];
  /** Sockets of the previous sample gone from this one: their last interval's traffic is not counted. */
  closed_socks: number;
  /** Some processes' fds were not readable: per-process figures cover only what is visible. */
  partial: boolean;
  /**
   * The pids whose figures are unknown (fds not readable). Any other process missing from `procs`
   * holds no socket: its TCP rates are 0, not unknown.
   */
  unknown_pids: number[];
}
