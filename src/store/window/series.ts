/**
 * The series the history window keeps: one table per subject kind, each entry naming the Snapshot field
 * it reads, its unit, and whether it is a gauge or a per-second rate. Alerts (metric names), panes
 * (chart/average calls) and docs/alerts.md all use these names, so a series is spelled one way everywhere.
 *
 * A "subject" tells instances of a per-thing series apart: the core number, the interface, the disk,
 * the mount point, or `pid:start_time` for a process. System-wide series have the subject ''.
 */
import type { CoreSnap, DiskSnap, FsSnap, NetSnap, ProcSnap, PsiSnap, Snapshot } from '../../model';
import { PROC_FIELDS, ProcSeriesKey } from '../../model/fields/proc';

/**
 * gauge: a level or a share of the interval (%, bytes, count) — averaged, never summed.
 * rate: a per-second rate — averaged, and integrated by delta() into "how much in the last N s".
 */
export type SeriesKind = 'gauge' | 'rate';
export type SubjectKind = 'none' | 'core' | 'iface' | 'disk' | 'mount' | 'proc';

interface Def<T, K extends SeriesKind = SeriesKind> {
  readonly unit: string;
  readonly kind: K;
  readonly description: string;
  readonly get: (x: T) => number | null;
}

const g = <T>(unit: string, description: string, get: (x: T) => number | null): Def<T, 'gauge'> =>
  ({ unit, kind: 'gauge', description, get });
const r = <T>(unit: string, description: string, get: (x: T) => number | null): Def<T, 'rate'> =>
  ({ unit, kind: 'rate', description, get });

const psi = (res: 'cpu' | 'memory' | 'io', f: keyof PsiSnap) => (s: Snapshot): number | null => s.psi[res]?.[f] ?? null;

/** System-wide series (subject ''). Names follow the alert metric names of the alerts issue. */
export const SYSTEM_SERIES = {
  'cpu.total_pct': g<Snapshot>('%', 'CPU busy: 100 − idle − iowait, all cores', (s) => s.cpu.cpu_pct),
  'cpu.user_pct': g<Snapshot>('%', 'CPU in user mode (without guest)', (s) => s.cpu.user_pct),
  'cpu.nice_pct': g<Snapshot>('%', 'CPU in user mode at positive nice (without guest_nice)', (s) => s.cpu.nice_pct),
  'cpu.system_pct': g<Snapshot>('%', 'CPU in the kernel', (s) => s.cpu.system_pct),
  'cpu.idle_pct': g<Snapshot>('%', 'CPU idle', (s) => s.cpu.idle_pct),
  'cpu.iowait_pct': g<Snapshot>('%', 'CPU idle with I/O outstanding', (s) => s.cpu.iowait_pct),
  'cpu.irq_pct': g<Snapshot>('%', 'CPU in hard interrupts', (s) => s.cpu.irq_pct),
  'cpu.softirq_pct': g<Snapshot>('%', 'CPU in soft interrupts', (s) => s.cpu.softirq_pct),
  'cpu.steal_pct': g<Snapshot>('%', 'CPU taken by the hypervisor', (s) => s.cpu.steal_pct),
  'cpu.guest_pct': g<Snapshot>('%', 'CPU running guests (inside user and nice)', (s) => s.cpu.guest_pct),
  'load.1m': g<Snapshot>('', 'load average, 1 minute', (s) => s.load1),
  'load.5m': g<Snapshot>('', 'load average, 5 minutes', (s) => s.load5),
  'load.15m': g<Snapshot>('', 'load average, 15 minutes', (s) => s.load15),
  'procs.running': g<Snapshot>('', 'runnable tasks (/proc/stat procs_running)', (s) => s.procs_running),
  'procs.blocked': g<Snapshot>('', 'tasks blocked on I/O (/proc/stat procs_blocked)', (s) => s.procs_blocked),
  'sys.ctxt_per_s': r<Snapshot>('/s', 'context switches per second', (s) => s.ctxt_per_s),
  'sys.forks_per_s': r<Snapshot>('/s', 'processes created per second', (s) => s.forks_per_s),
  'mem.used_pct': g<Snapshot>('%', 'memory used: (MemTotal − MemAvailable) / MemTotal', (s) => s.mem.mem_used_pct),
  'mem.used_bytes': g<Snapshot>('B', 'MemTotal − MemAvailable', (s) => s.mem.mem_used_bytes),
  'mem.available_bytes': g<Snapshot>('B', 'MemAvailable', (s) => s.mem.mem_available_bytes),
  'mem.free_bytes': g<Snapshot>('B', 'MemFree', (s) => s.mem.mem_free_bytes),
  'mem.buffers_bytes': g<Snapshot>('B', 'Buffers', (s) => s.mem.mem_buffers_bytes),
  'mem.cache_bytes': g<Snapshot>('B', 'Cached + SReclaimable', (s) => s.mem.mem_cache_bytes),
  'mem.shmem_bytes': g<Snapshot>('B', 'Shmem', (s) => s.mem.mem_shmem_bytes),
  'mem.dirty_bytes': g<Snapshot>('B', 'Dirty', (s) => s.mem.mem_dirty_bytes),
  'swap.used_pct': g<Snapshot>('%', 'swap used: (SwapTotal − SwapFree) / SwapTotal', (s) => s.mem.swap_used_pct),
  'swap.used_bytes': g<Snapshot>('B', 'SwapTotal − SwapFree', (s) => s.mem.swap_used_bytes),
  'psi.cpu.some_avg10': g<Snapshot>('%', 'PSI cpu some avg10', psi('cpu', 'some_avg10')),
  'psi.cpu.some_pct': g<Snapshot>('%', 'PSI cpu some, share of each interval', psi('cpu', 'some_pct')),
  'psi.cpu.full_avg10': g<Snapshot>('%', 'PSI cpu full avg10', psi('cpu', 'full_avg10')),
  'psi.cpu.full_pct': g<Snapshot>('%', 'PSI cpu full, share of each interval', psi('cpu', 'full_pct')),
  'psi.memory.some_avg10': g<Snapshot>('%', 'PSI memory some avg10', psi('memory', 'some_avg10')),
  'psi.memory.some_pct': g<Snapshot>('%', 'PSI memory some, share of each interval', psi('memory', 'some_pct')),
  'psi.memory.full_avg10': g<Snapshot>('%', 'PSI memory full avg10', psi('memory', 'full_avg10')),
  'psi.memory.full_pct': g<Snapshot>('%', 'PSI memory full, share of each interval', psi('memory', 'full_pct')),
  'psi.io.some_avg10': g<Snapshot>('%', 'PSI io some avg10', psi('io', 'some_avg10')),
  'psi.io.some_pct': g<Snapshot>('%', 'PSI io some, share of each interval', psi('io', 'some_pct')),
  'psi.io.full_avg10': g<Snapshot>('%', 'PSI io full avg10', psi('io', 'full_avg10')),
  'psi.io.full_pct': g<Snapshot>('%', 'PSI io full, share of each interval', psi('io', 'full_pct')),
  'vm.pgfault_per_s': r<Snapshot>('/s', 'page faults per second (/proc/vmstat pgfault)', (s) => s.pgfault_per_s),
  'vm.pgmajfault_per_s': r<Snapshot>('/s', 'major page faults per second', (s) => s.pgmajfault_per_s),
  'vm.pswpin_per_s': r<Snapshot>('/s', 'pages swapped in per second', (s) => s.pswpin_per_s),
  'vm.pswpout_per_s': r<Snapshot>('/s', 'pages swapped out per second', (s) => s.pswpout_per_s),
  'tcp.retrans_per_s': r<Snapshot>('/s', 'TCP segments retransmitted per second', (s) => s.tcp.retrans_per_s),
  'tcp.in_segs_per_s': r<Snapshot>('/s', 'TCP segments received per second', (s) => s.tcp.in_segs_per_s),
  'tcp.out_segs_per_s': r<Snapshot>('/s', 'TCP segments sent per second', (s) => s.tcp.out_segs_per_s),
  'tcp.active_opens_per_s': r<Snapshot>('/s', 'TCP connects per second', (s) => s.tcp.active_opens_per_s),
  'tcp.passive_opens_per_s': r<Snapshot>('/s', 'TCP accepts per second', (s) => s.tcp.passive_opens_per_s),
  'tcp.attempt_fails_per_s': r<Snapshot>('/s', 'TCP failed connection attempts per second', (s) => s.tcp.attempt_fails_per_s),
  'tcp.estab_resets_per_s': r<Snapshot>('/s', 'TCP established connections reset per second', (s) => s.tcp.estab_resets_per_s),
  'tcp.out_rsts_per_s': r<Snapshot>('/s', 'TCP resets sent per second', (s) => s.tcp.out_rsts_per_s),
  'tcp.in_errs_per_s': r<Snapshot>('/s', 'TCP segments received in error per second', (s) => s.tcp.in_errs_per_s),
  'tcp.curr_estab': g<Snapshot>('', 'TCP connections established', (s) => s.tcp.curr_estab),
  'udp.in_datagrams_per_s': r<Snapshot>('/s', 'UDP datagrams received per second', (s) => s.udp.in_datagrams_per_s),
  'udp.out_datagrams_per_s': r<Snapshot>('/s', 'UDP datagrams sent per second', (s) => s.udp.out_datagrams_per_s),
  'udp.in_errors_per_s': r<Snapshot>('/s', 'UDP receive errors per second', (s) => s.udp.in_errors_per_s),
  'udp.no_ports_per_s': r<Snapshot>('/s', 'UDP datagrams to no listener per second', (s) => s.udp.no_ports_per_s),
} as const;

/** Per core; subject = the core number ('0', '1', ...). `cpu.N.user_pct` in a metric name means the same. */
export const CORE_SERIES = {
  'cpu.core.total_pct': g<CoreSnap>('%', 'core busy: 100 − idle − iowait', (c) => c.cpu_pct),
  'cpu.core.user_pct': g<CoreSnap>('%', 'core in user mode', (c) => c.user_pct),
  'cpu.core.nice_pct': g<CoreSnap>('%', 'core in user mode at positive nice', (c) => c.nice_pct),
  'cpu.core.system_pct': g<CoreSnap>('%', 'core in the kernel', (c) => c.system_pct),
  'cpu.core.iowait_pct': g<CoreSnap>('%', 'core idle with I/O outstanding', (c) => c.iowait_pct),
  'cpu.core.irq_pct': g<CoreSnap>('%', 'core in hard interrupts', (c) => c.irq_pct),
  'cpu.core.softirq_pct': g<CoreSnap>('%', 'core in soft interrupts', (c) => c.softirq_pct),
  'cpu.core.steal_pct': g<CoreSnap>('%', 'core taken by the hypervisor', (c) => c.steal_pct),
} as const;

/** Per interface; subject = the interface name. */
export const NET_SERIES = {
  'net.rx_bytes_per_s': r<NetSnap>('B/s', 'bytes received per second', (n) => n.rx_bytes_per_s),
  'net.tx_bytes_per_s': r<NetSnap>('B/s', 'bytes sent per second', (n) => n.tx_bytes_per_s),
  'net.rx_packets_per_s': r<NetSnap>('/s', 'packets received per second', (n) => n.rx_packets_per_s),
  'net.tx_packets_per_s': r<NetSnap>('/s', 'packets sent per second', (n) => n.tx_packets_per_s),
  'net.rx_errs_per_s': r<NetSnap>('/s', 'receive errors per second', (n) => n.rx_errs_per_s),
  'net.tx_errs_per_s': r<NetSnap>('/s', 'send errors per second', (n) => n.tx_errs_per_s),
  'net.rx_drop_per_s': r<NetSnap>('/s', 'received packets dropped per second', (n) => n.rx_drop_per_s),
  'net.tx_drop_per_s': r<NetSnap>('/s', 'outgoing packets dropped per second', (n) => n.tx_drop_per_s),
} as const;

/** Per disk; subject = the device name. */
export const DISK_SERIES = {
  'disk.util_pct': g<DiskSnap>('%', 'share of time with I/O in flight (iostat %util)', (d) => d.util_pct),
  'disk.read_bytes_per_s': r<DiskSnap>('B/s', 'bytes read per second', (d) => d.read_bytes_per_s),
  'disk.write_bytes_per_s': r<DiskSnap>('B/s', 'bytes written per second', (d) => d.write_bytes_per_s),
  'disk.read_iops': r<DiskSnap>('/s', 'reads completed per second', (d) => d.read_iops),
  'disk.write_iops': r<DiskSnap>('/s', 'writes completed per second', (d) => d.write_iops),
  'disk.await_ms': g<DiskSnap>('ms', 'mean time per completed I/O', (d) => d.await_ms),
  'disk.in_flight': g<DiskSnap>('', 'I/Os in flight', (d) => d.in_flight),
} as const;

/** Per mount; subject = the mount point. */
export const FS_SERIES = {
  'fs.used_pct': g<FsSnap>('%', 'used / (used + avail), as df Use%', (f) => f.used_pct),
  'fs.used_bytes': g<FsSnap>('B', 'bytes used', (f) => f.used_bytes),
  'fs.avail_bytes': g<FsSnap>('B', 'bytes available to unprivileged users', (f) => f.avail_bytes),
} as const;

type ProcRow<K> = Extract<(typeof PROC_FIELDS)[number], { key: K }>;
type ProcSeriesTable = { readonly [K in ProcSeriesKey as `proc.${K}`]: Def<ProcSnap, ProcRow<K>['kind'] extends 'rate' ? 'rate' : 'gauge'> };

/**
 * Per process; subject = `pid:start_time` (see procSubject), so a reused pid is a new subject. The rows
 * of the process field table marked `series` (src/model/fields/proc.ts).
 */
export const PROC_SERIES: ProcSeriesTable = Object.freeze(Object.fromEntries(
  PROC_FIELDS.flatMap((f) => {
    if (!('series' in f)) return [];
    const get = (p: ProcSnap): number | null => p[f.key] as number | null;
    return [[`proc.${f.key}`, f.kind === 'rate' ? r<ProcSnap>(f.unit, f.help, get) : g<ProcSnap>(f.unit, f.help, get)]];
  }),
)) as ProcSeriesTable;

export type SystemSeriesName = keyof typeof SYSTEM_SERIES;
export type CoreSeriesName = keyof typeof CORE_SERIES;
export type NetSeriesName = keyof typeof NET_SERIES;
export type DiskSeriesName = keyof typeof DISK_SERIES;
export type FsSeriesName = keyof typeof FS_SERIES;
export type ProcSeriesName = keyof typeof PROC_SERIES;
/** Series kept in the 1 s buckets for the whole hour. */
export type SysSeriesName = SystemSeriesName | CoreSeriesName | NetSeriesName | DiskSeriesName | FsSeriesName;
export type SeriesName = SysSeriesName | ProcSeriesName;

type AllTables = typeof SYSTEM_SERIES & typeof CORE_SERIES & typeof NET_SERIES & typeof DISK_SERIES &
  typeof FS_SERIES & typeof PROC_SERIES;
/** The series delta() accepts: per-second rates. Passing a gauge fails to compile. */
export type RateSeriesName = { [K in SeriesName]: AllTables[K]['kind'] extends 'rate' ? K : never }[SeriesName];

export interface SeriesInfo {
  readonly name: SeriesName;
  readonly unit: string;
  readonly kind: SeriesKind;
  readonly description: string;
  readonly subject: SubjectKind;
  /** 'proc' series live in the process family (per-process slots, coarser after procFineSeconds). */
  readonly family: 'sys' | 'proc';
}

function infos<T>(table: Record<string, Def<T>>, subject: SubjectKind): [string, SeriesInfo][] {
  return Object.entries(table).map(([name, d]) => [name, {
    name: name as SeriesName, unit: d.unit, kind: d.kind, description: d.description, subject,
    family: subject === 'proc' ? 'proc' : 'sys',
  }]);
}

/** Every series, keyed by name: drives validation, help text and the docs/alerts.md table. */
export const SERIES: { readonly [K in SeriesName]: SeriesInfo } = Object.freeze(Object.fromEntries([
  ...infos(SYSTEM_SERIES, 'none'),
  ...infos(CORE_SERIES, 'core'),
  ...infos(NET_SERIES, 'iface'),
  ...infos(DISK_SERIES, 'disk'),
  ...infos(FS_SERIES, 'mount'),
  ...infos(PROC_SERIES, 'proc'),
])) as { [K in SeriesName]: SeriesInfo };

export const SERIES_NAMES = Object.keys(SERIES) as SeriesName[];

export function isSeriesName(x: string): x is SeriesName {
  return Object.prototype.hasOwnProperty.call(SERIES, x);
}

/** The subject string of a process: pid and start time (clock ticks after boot) together. */
export function procSubject(pid: number, startTime: number): string {
  return `${pid}:${startTime}`;
}

/**
 * A metric name as a user writes it, to (series, subject): `mem.used_pct` → ('mem.used_pct', ''),
 * `cpu.3.user_pct` → ('cpu.core.user_pct', '3'). Other per-subject series take the subject separately.
 */
export function parseMetric(name: string): { series: SeriesName; subject: string } | null {
  if (isSeriesName(name)) return { series: name, subject: '' };
  const m = /^cpu\.(\d{1,5})\.([a-z_]+)$/.exec(name);
  if (m !== null) {
    const series = `cpu.core.${m[2]}`;
    if (isSeriesName(series)) return { series, subject: String(Number(m[1])) };
  }
  return null;
}
