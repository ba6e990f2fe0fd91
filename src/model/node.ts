/**
 * The node tier: the kernel files that only a Prometheus scrape wants (node_exporter's meminfo, netdev,
 * netclass, sockstat, netstat, vmstat, softnet, filefd, entropy, conntrack, arp, udp_queues, stat's intr,
 * diskstats and filesystem collectors). Read at most once a second, and only when an exporter is attached
 * (`vigil serve`, `vigil record --listen`): the TUI never pays for them. Never recorded.
 *
 * Values are as the kernel gives them; the families (src/model/fields/node-*.ts) convert units.
 */
import type { Counter } from './counter';
import type { DiskSample } from './index';

/** One "Key: value [kB]" line of /proc/meminfo, the key as the kernel writes it (`Active(anon)`). */
export interface MeminfoEntry {
  key: string;
  value: number;
  /** The line ends in kB (KiB): the value is × 1024 in bytes. */
  kb: boolean;
}

/** Every column of one /proc/net/dev line, and rx_nohandler from sysfs (not in /proc/net/dev). */
export interface NetDevFull {
  iface: string;
  rx_bytes: Counter; rx_packets: Counter; rx_errs: Counter; rx_drop: Counter;
  rx_fifo: Counter; rx_frame: Counter; rx_compressed: Counter; rx_multicast: Counter;
  tx_bytes: Counter; tx_packets: Counter; tx_errs: Counter; tx_drop: Counter;
  tx_fifo: Counter; tx_colls: Counter; tx_carrier: Counter; tx_compressed: Counter;
  /** /sys/class/net/IFACE/statistics/rx_nohandler; null when absent. */
  rx_nohandler: Counter | null;
}

/**
 * /sys/class/net/IFACE, one attribute per file. An attribute the kernel refuses to give (carrier of a
 * down interface: EINVAL; speed of a virtual one) is null, and has no series, as in node_exporter.
 */
export interface NetClassSample {
  iface: string;
  address: string | null;
  broadcast: string | null;
  duplex: string | null;
  ifalias: string | null;
  operstate: string | null;
  addr_assign_type: number | null;
  carrier: number | null;
  carrier_changes: number | null;
  carrier_up_count: number | null;
  carrier_down_count: number | null;
  dev_id: number | null;
  dormant: number | null;
  flags: number | null;
  ifindex: number | null;
  iflink: number | null;
  link_mode: number | null;
  mtu: number | null;
  name_assign_type: number | null;
  netdev_group: number | null;
  /** Mbit/s (-1: unknown, as the kernel says it). */
  speed: number | null;
  tx_queue_len: number | null;
  type: number | null;
}

/** A "PROTO: field value field value" line of /proc/net/sockstat{,6}, one entry per pair. */
export interface SockstatEntry {
  proto: string;
  field: string;
  value: number;
}

export interface SockstatSample {
  /** `sockets: used N` */
  sockets_used: number | null;
  entries: SockstatEntry[];
}

/** A counter of /proc/net/netstat, /proc/net/snmp or /proc/net/snmp6: protocol, name, value. */
export interface NetstatEntry {
  proto: string;
  field: string;
  value: number;
}

/** One line of /proc/net/softnet_stat: a CPU's packet-processing counters (hex in the file). */
export interface SoftnetCpu {
  /** The line's index, as node_exporter 1.5 numbers them. */
  cpu: number;
  processed: number;
  dropped: number;
  time_squeeze: number;
}

/** /proc/sys/net/netfilter/nf_conntrack_{count,max} and /proc/net/stat/nf_conntrack summed over CPUs. */
export interface ConntrackSample {
  entries: number | null;
  entries_limit: number | null;
  /** Column name (found, invalid, ignore, insert, insert_failed, drop, early_drop, search_restart, ...) → sum. */
  stat: Map<string, number> | null;
}

export interface UdpQueues {
  ip: 'v4' | 'v6';
  tx: number;
  rx: number;
}

/** /proc/diskstats with every column (discards merged and time, flush time), for node_exporter's set of devices. */
export interface DiskFull extends DiskSample {
  discards_merged: Counter | null;
  discard_ms: Counter | null;
  flush_ms: Counter | null;
  /** From udev's database (/run/udev/data/bMAJ:MIN) when present; '' otherwise, as node_exporter. */
  path: string;
  wwn: string;
  model: string;
  serial: string;
  revision: string;
}

/** What node_filesystem_readonly and node_filesystem_device_error say about one mount vigil statfs-es. */
export interface FsStatus {
  mount: string;
  source: string;
  fstype: string;
  readonly: boolean;
  device_error: boolean;
}

export interface NodeSample {
  /** Monotonic time of the read. */
  mono_ns: bigint;
  meminfo: MeminfoEntry[];
  netdev: NetDevFull[];
  netclass: NetClassSample[];
  sockstat: SockstatSample | null;
  sockstat6: SockstatSample | null;
  netstat: NetstatEntry[];
  /** Every /proc/vmstat line. */
  vmstat: Map<string, number>;
  softnet: SoftnetCpu[];
  filefd: { allocated: number; maximum: number } | null;
  entropy: { available: number | null; pool_size: number | null } | null;
  conntrack: ConntrackSample | null;
  /** /proc/net/arp entries per device. */
  arp: Map<string, number> | null;
  udp: UdpQueues[];
  /** The first number of /proc/stat's intr line: interrupts serviced since boot. */
  intr: Counter | null;
  disks: DiskFull[];
  fs: FsStatus[];
}
