/**
 * The two types every layer shares.
 *
 * A Sample holds raw cumulative counters exactly as /proc gives them, with a monotonic timestamp. It is
 * what the sampler produces and what `record` writes. A Snapshot holds rates and percentages; it is made
 * from two Samples by derive() (src/derive/derive.ts) and nowhere else, so live, replay and export agree.
 *
 * Field names are snake_case with units because they are a user-facing contract: the keys of
 * `vigil sample` JSON lines and the column names of `vigil export` are these names.
 */
import type { Counter } from './counter';
import type { ConnsSample, ConnsSnap } from './conns';
import type { NodeSample } from './node';
import type { ShimProcSample, ShimSnap } from './shim';
import type { ProcFigureValues, ProcRawValues } from './fields/proc';
import type { CgroupSnap, CgroupTable } from './cgroups';

// ---------------------------------------------------------------------------------------------------
// Sample: raw counters
// ---------------------------------------------------------------------------------------------------

/** One line of /proc/stat in USER_HZ ticks. A column the kernel does not print is null. */
export interface CpuTimes {
  user: Counter;
  nice: Counter;
  system: Counter;
  idle: Counter;
  iowait: Counter | null;
  irq: Counter | null;
  softirq: Counter | null;
  steal: Counter | null;
  /** Already included in user: never add it to a total. */
  guest: Counter | null;
  /** Already included in nice. */
  guest_nice: Counter | null;
}

export interface StatSample {
  total: CpuTimes | null;
  /** Indexed by cpu number; an offline core is a hole (null). */
  cores: (CpuTimes | null)[];
  ctxt: Counter | null;
  /** Forks since boot. */
  processes: Counter | null;
  procs_running: number | null;
  procs_blocked: number | null;
  /** Boot time, seconds since the epoch. */
  btime: number | null;
}

/** /proc/meminfo, in bytes (the file says kB, which is KiB). */
export interface MemSample {
  total: number | null;
  free: number | null;
  available: number | null;
  buffers: number | null;
  cached: number | null;
  swap_cached: number | null;
  swap_total: number | null;
  swap_free: number | null;
  shmem: number | null;
  sreclaimable: number | null;
  dirty: number | null;
  writeback: number | null;
}

export interface LoadSample {
  load1: number;
  load5: number;
  load15: number;
  running: number;
  total: number;
}

/** One line of a /proc/pressure file. avgN are percentages; total is cumulative stall time in µs. */
export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  total: Counter;
}
export interface PsiResource {
  some: PsiLine | null;
  full: PsiLine | null;
}
export interface PsiSample {
  cpu: PsiResource | null;
  memory: PsiResource | null;
  io: PsiResource | null;
}

/** One interface of /proc/net/dev. */
export interface NetDevSample {
  iface: string;
  /** From /sys/class/net/IFACE/ifindex when readable: a new index means a re-created interface. */
  ifindex: number | null;
  rx_bytes: Counter;
  rx_packets: Counter;
  rx_errs: Counter;
  rx_drop: Counter;
  tx_bytes: Counter;
  tx_packets: Counter;
  tx_errs: Counter;
  tx_drop: Counter;
}

/** The Tcp: and Udp: rows of /proc/net/snmp. */
export interface SnmpSample {
  tcp_active_opens: Counter | null;
  tcp_passive_opens: Counter | null;
  tcp_attempt_fails: Counter | null;
  tcp_estab_resets: Counter | null;
  tcp_curr_estab: number | null;
  tcp_in_segs: Counter | null;
  tcp_out_segs: Counter | null;
  tcp_retrans_segs: Counter | null;
  tcp_in_errs: Counter | null;
  tcp_out_rsts: Counter | null;
  udp_in_datagrams: Counter | null;
  udp_out_datagrams: Counter | null;
  udp_in_errors: Counter | null;
  udp_no_ports: Counter | null;
}

export interface VmstatSample {
  pgfault: Counter | null;
  pgmajfault: Counter | null;
  pswpin: Counter | null;
  pswpout: Counter | null;
}

/** One device of /proc/diskstats. Sectors are always 512 bytes there, whatever the device's sector size. */
export interface DiskSample {
  device: string;
  major: number;
  minor: number;
  reads: Counter;
  reads_merged: Counter;
  read_sectors: Counter;
  read_ms: Counter;
  writes: Counter;
  writes_merged: Counter;
  write_sectors: Counter;
  write_ms: Counter;
  in_flight: number;
  /** Milliseconds during which the device had I/O in flight: the basis of utilisation. */
  io_ms: Counter;
  weighted_io_ms: Counter;
  /** Kernel 4.18+ (18 fields); null before. */
  discards: Counter | null;
  discard_sectors: Counter | null;
  /** Kernel 5.5+ (20 fields); null before. */
  flushes: Counter | null;
}

/** statfs of one mount. Absent blocks (size 0) mean no percentage. */
export interface FsSample {
  mount: string;
  source: string;
  fstype: string;
  size_bytes: number;
  free_bytes: number;
  avail_bytes: number;
  files: number;
  files_free: number;
}

export interface SystemSample {
  stat: StatSample;
  mem: MemSample;
  load: LoadSample | null;
  psi: PsiSample;
  net: NetDevSample[];
  snmp: SnmpSample | null;
  vmstat: VmstatSample | null;
  disks: DiskSample[];
  /** The latest statfs results (a slower tier; a hung mount is left out, not waited for). */
  fs: FsSample[];
  uptime_s: number | null;
}

/** The part of a process read at most once a second: /proc/PID/io and the fd count. */
export interface ProcSlow {
  mono_ns: bigint;
  /** /proc/PID/io; null when unreadable (EACCES: another user's process): unknown, not zero. */
  rchar: Counter | null;
  wchar: Counter | null;
  read_bytes: Counter | null;
  write_bytes: Counter | null;
  /** Open file descriptors; null when fd/ is unreadable. */
  fds: number | null;
}

/**
 * A process's TCP counters as of one read of the connections tier (src/model/conns.ts): vigil's own
 * cumulative sums of its sockets' tcpi_bytes_acked, tcpi_bytes_received and tcpi_total_retrans deltas.
 * Counting restarts when `since_ns` changes (no delta across that).
 */
export interface ProcTcp {
  /** Monotonic time of the connections-tier read these come from. */
  mono_ns: bigint;
  since_ns: bigint | null;
  tx_bytes: Counter | null;
  rx_bytes: Counter | null;
  retrans: Counter | null;
  /** TCP sockets other than listeners. */
  conns: number;
}

/**
 * A process as of one read. Its recorded row's values (ppid, state, nice, threads, rss_bytes, minflt,
 * utime, run_ns, swap_bytes, cgroup, ...) are the rows of PROC_RAW (src/model/fields/proc.ts), each with
 * its type and /proc source; the identity and the parts read on their own clocks are here.
 */
export interface ProcSample extends ProcRawValues {
  pid: number;
  /** Start time in clock ticks after boot: with pid, the identity of a process. */
  start_time: number;
  /** The kernel's 15-byte name, raw (may hold spaces, parentheses, newlines, escape sequences). */
  comm: string;
  /** argv joined by spaces, at most CMDLINE_MAX bytes; empty for kernel threads and zombies. */
  cmdline: string;
  cmdline_truncated: boolean;
  kthread: boolean;
  uid: number | null;
  user: string | null;
  /** Latest and previous reads of the slow tier; rates of slow counters come from this pair. */
  slow: ProcSlow | null;
  slow_prev: ProcSlow | null;
  /**
   * Latest and previous connections-tier reads for this process; TCP rates come from this pair, over the
   * tier's own interval. null: the tier is off, or the process's fds are not readable (unknown, not 0).
   */
  tcp: ProcTcp | null;
  tcp_prev: ProcTcp | null;
  /** Counters of the LD_PRELOAD shim (vigil run), for processes that run with it; else null. */
  shim: ShimProcSample | null;
}

/**
 * The process table as of one read. The sampler reads it on its own tier (--proc-interval); between reads
 * successive Samples carry the same table, so a Snapshot has process rates only when `mono_ns` moved.
 */
export interface ProcTable {
  mono_ns: bigint;
  procs: ProcSample[];
}

/** Facts about the machine that do not change while vigil runs. */
export interface HostInfo {
  hostname: string;
  kernel: string;
  /** USER_HZ and page size, from the auxiliary vector. */
  clk_tck: number;
  page_size: number;
  ncpu: number;
  boot_time_s: number | null;
}

export interface Sample {
  /** Monotonic time, ns (process.hrtime.bigint() in live mode). All intervals come from this. */
  mono_ns: bigint;
  /** Wall clock, ms since the epoch: a label only. */
  t: number;
  sys: SystemSample;
  procs: ProcTable | null;
  /** The latest read of the connections tier (its own 1 s timer), carried like the process table. */
  conns: ConnsSample | null;
  /** The latest read of the cgroup tier (at the process interval), carried like the process table; absent when it does not run. */
  cgroups?: CgroupTable | null;
  /**
   * The node tier (src/model/node.ts): files only a Prometheus exporter wants, read at most once a second
   * and only when the sampler runs with `node: true`. Absent elsewhere (the TUI, replay); never recorded.
   */
  node?: NodeSample | null;
}

// ---------------------------------------------------------------------------------------------------
// Snapshot: rates and percentages. Every number is finite; "no value" is null.
// ---------------------------------------------------------------------------------------------------

export interface CpuPct {
  /** 100 − idle − iowait: the busy share of the interval. */
  cpu_pct: number | null;
  user_pct: number | null;
  nice_pct: number | null;
  system_pct: number | null;
  idle_pct: number | null;
  iowait_pct: number | null;
  irq_pct: number | null;
  softirq_pct: number | null;
  steal_pct: number | null;
  guest_pct: number | null;
}

export interface CoreSnap extends CpuPct {
  cpu: number;
  online: boolean;
}

export interface MemSnap {
  mem_total_bytes: number | null;
  /** total − available, as free(1) shows it. */
  mem_used_bytes: number | null;
  mem_available_bytes: number | null;
  mem_free_bytes: number | null;
  mem_buffers_bytes: number | null;
  /** Cached + SReclaimable, free(1)'s "cache". */
  mem_cache_bytes: number | null;
  mem_shmem_bytes: number | null;
  mem_dirty_bytes: number | null;
  mem_used_pct: number | null;
  swap_total_bytes: number | null;
  swap_used_bytes: number | null;
  swap_used_pct: number | null;
}

export interface PsiSnap {
  some_avg10: number | null;
  some_avg60: number | null;
  some_avg300: number | null;
  /** Share of this interval with some task stalled: Δtotal_µs / Δt. */
  some_pct: number | null;
  full_avg10: number | null;
  full_pct: number | null;
}

export interface NetSnap {
  iface: string;
  rx_bytes_per_s: number | null;
  tx_bytes_per_s: number | null;
  rx_packets_per_s: number | null;
  tx_packets_per_s: number | null;
  rx_errs_per_s: number | null;
  tx_errs_per_s: number | null;
  rx_drop_per_s: number | null;
  tx_drop_per_s: number | null;
}

export interface DiskSnap {
  device: string;
  read_bytes_per_s: number | null;
  write_bytes_per_s: number | null;
  read_iops: number | null;
  write_iops: number | null;
  /** Share of the interval with I/O in flight (io_ticks), capped at 100. */
  util_pct: number | null;
  /** Mean time per completed I/O in this interval, ms. */
  await_ms: number | null;
  in_flight: number;
}

export interface FsSnap {
  mount: string;
  source: string;
  fstype: string;
  size_bytes: number;
  used_bytes: number;
  avail_bytes: number;
  /** used / (used + avail), as df computes Use%; null when the filesystem reports no blocks. */
  used_pct: number | null;
}

export interface TcpSnap {
  retrans_per_s: number | null;
  in_segs_per_s: number | null;
  out_segs_per_s: number | null;
  active_opens_per_s: number | null;
  passive_opens_per_s: number | null;
  attempt_fails_per_s: number | null;
  estab_resets_per_s: number | null;
  out_rsts_per_s: number | null;
  in_errs_per_s: number | null;
  curr_estab: number | null;
}

export interface UdpSnap {
  in_datagrams_per_s: number | null;
  out_datagrams_per_s: number | null;
  in_errors_per_s: number | null;
  no_ports_per_s: number | null;
}

/**
 * A process's figures over the process tier's interval: the rows of PROC_FIELDS (src/model/fields/proc.ts),
 * each with its type, source and formula (cpu_pct: 100% = one core, like top; cpu_time_s: htop's TIME+;
 * net_*: the shim's count when the process runs under it, else TCP from sock_diag).
 */
export interface ProcSnap extends ProcFigureValues {
  /** Which source the net_* figures are: the shim ('shim'), the kernel's TCP counters ('tcp'); null: unknown. */
  net_source: 'shim' | 'tcp' | null;
  /** The shim's figures (vigil run): per socket class, connects and their latency, top peers, heap. */
  shim: ShimSnap | null;
}

export interface Snapshot {
  /** Wall clock of the later Sample, ms since the epoch: a label. */
  t: number;
  /** Monotonic time of the later Sample, ms: what the history window orders and ages by. */
  mono_ms: number;
  /** Length of the interval the rates cover, ms. */
  interval_ms: number;
  uptime_s: number | null;
  cpu: CpuPct;
  cores: CoreSnap[];
  load1: number | null;
  load5: number | null;
  load15: number | null;
  procs_running: number | null;
  procs_blocked: number | null;
  ctxt_per_s: number | null;
  forks_per_s: number | null;
  mem: MemSnap;
  psi: { cpu: PsiSnap | null; memory: PsiSnap | null; io: PsiSnap | null };
  pgfault_per_s: number | null;
  pgmajfault_per_s: number | null;
  pswpin_per_s: number | null;
  pswpout_per_s: number | null;
  tcp: TcpSnap;
  udp: UdpSnap;
  net: NetSnap[];
  disks: DiskSnap[];
  fs: FsSnap[];
  /** Present only when the process table was re-read in this interval; consumers keep the last one. */
  procs: ProcSnap[] | null;
  /** Length of the interval the process rates cover, ms (the process tier's own interval). */
  procs_interval_ms: number | null;
  /** Connections and retransmit events, when the connections tier read again in this interval. */
  conns: ConnsSnap | null;
  /** Every cgroup's figures, when the cgroup tier read again in this interval (absent when it does not run). */
  cgroups?: CgroupSnap[] | null;
  /** Length of the interval the cgroup rates cover, ms (the tier's own), with `cgroups`. */
  cgroups_interval_ms?: number | null;
}
