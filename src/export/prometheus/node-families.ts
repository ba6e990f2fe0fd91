/**
 * System metrics under node_exporter's names, types, units and labels (checked against node_exporter
 * 1.5's own output by test/system/prometheus/node-compat.test.ts), so dashboards built for node_exporter work
 * on vigil. Every value is a field of the latest Sample (raw /proc counters), converted to base units.
 * Counters are cumulative since boot, exactly as the kernel keeps them: Prometheus takes the rates.
 */
import * as os from 'os';
import type { Counter } from '../../counter';
import { counterToNumber } from '../../counter';
import type { CpuTimes, HostInfo, Sample } from '../../model';
import type { FamilySpec, FamilyType, Labels, Series, SeriesValue } from './family';

export interface SystemState {
  sample: Sample | null;
  host: HostInfo;
}

/** /proc/diskstats counts 512-byte sectors whatever the device's real sector size. */
const SECTOR_BYTES = 512;

/** Σ ticks / USER_HZ: /proc/stat's unit to seconds. */
function ticksToSeconds(v: Counter | null, clkTck: number): number | null {
  return v === null ? null : counterToNumber(v) / clkTck;
}

/** ms → s for the diskstats time columns. */
function msToSeconds(v: Counter | null): number | null {
  return v === null ? null : counterToNumber(v) / 1000;
}

function family(
  name: string, type: FamilyType, help: string, labelNames: readonly string[],
  series: (s: Sample, host: HostInfo) => Iterable<Series>,
): FamilySpec<SystemState> {
  return {
    name, type, help, labelNames,
    *series(st) {
      if (st.sample !== null) yield* series(st.sample, st.host);
    },
  };
}

/** A family with one unlabeled series. */
function scalar(name: string, type: FamilyType, help: string, value: (s: Sample, host: HostInfo) => SeriesValue): FamilySpec<SystemState> {
  return family(name, type, help, [], (s, h) => [[{}, value(s, h)]]);
}

// node_cpu_seconds_total: one series per online core and mode. user and nice include guest time, as
// the kernel reports them and as node_exporter exports them; guest is also shown on its own.
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

function* perCore(s: Sample, fn: (cpu: string, t: CpuTimes) => Iterable<Series>): Iterable<Series> {
  const cores = s.sys.stat.cores;
  for (let i = 0; i < cores.length; i++) {
    const t = cores[i];
    if (t != null) yield* fn(String(i), t); // an offline core is a hole: no series, not zeros
  }
}

const cpuFamilies: FamilySpec<SystemState>[] = [
  family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode (/proc/stat ticks / USER_HZ).', ['cpu', 'mode'],
    (s, h) => perCore(s, (cpu, t) => CPU_MODES.map((mode): Series => [{ cpu, mode }, ticksToSeconds(t[mode], h.clk_tck)]))),
  family('node_cpu_guest_seconds_total', 'counter', 'Seconds the CPUs spent running guests (already included in user and nice).', ['cpu', 'mode'],
    (s, h) => perCore(s, (cpu, t) => [
      [{ cpu, mode: 'user' }, ticksToSeconds(t.guest, h.clk_tck)],
      [{ cpu, mode: 'nice' }, ticksToSeconds(t.guest_nice, h.clk_tck)],
    ])),
  scalar('node_context_switches_total', 'counter', 'Context switches since boot (/proc/stat ctxt).', (s) => s.sys.stat.ctxt),
  scalar('node_forks_total', 'counter', 'Forks since boot (/proc/stat processes).', (s) => s.sys.stat.processes),
  scalar('node_procs_running', 'gauge', 'Runnable tasks (/proc/stat procs_running).', (s) => s.sys.stat.procs_running),
  scalar('node_procs_blocked', 'gauge', 'Tasks blocked on I/O (/proc/stat procs_blocked).', (s) => s.sys.stat.procs_blocked),
  scalar('node_boot_time_seconds', 'gauge', 'Boot time, seconds since the epoch (/proc/stat btime).', (s, h) => s.sys.stat.btime ?? h.boot_time_s),
  scalar('node_time_seconds', 'gauge', 'Wall clock of the sample being served, seconds since the epoch.', (s) => s.t / 1000),
  scalar('node_load1', 'gauge', '1-minute load average (/proc/loadavg).', (s) => s.sys.load?.load1),
  scalar('node_load5', 'gauge', '5-minute load average (/proc/loadavg).', (s) => s.sys.load?.load5),
  scalar('node_load15', 'gauge', '15-minute load average (/proc/loadavg).', (s) => s.sys.load?.load15),
];

// /proc/meminfo fields as node_exporter names them: node_memory_<Field>_bytes. The CamelCase is
// node_exporter's (it keeps the kernel's field names); dashboards query exactly these names.
const MEMINFO: readonly [keyof Sample['sys']['mem'], string][] = [
  ['total', 'MemTotal'], ['free', 'MemFree'], ['available', 'MemAvailable'], ['buffers', 'Buffers'],
  ['cached', 'Cached'], ['swap_cached', 'SwapCached'], ['swap_total', 'SwapTotal'], ['swap_free', 'SwapFree'],
  ['shmem', 'Shmem'], ['sreclaimable', 'SReclaimable'], ['dirty', 'Dirty'], ['writeback', 'Writeback'],
];
const memFamilies = MEMINFO.map(([key, field]) =>
  scalar(`node_memory_${field}_bytes`, 'gauge', `Memory information field ${field}_bytes (/proc/meminfo ${field}, kB × 1024).`, (s) => s.sys.mem[key]));

// /proc/vmstat and /proc/net/snmp: node_exporter exports these raw kernel fields untyped, without _total.
const VMSTAT: readonly (keyof NonNullable<Sample['sys']['vmstat']>)[] = ['pgfault', 'pgmajfault', 'pswpin', 'pswpout'];
const vmstatFamilies = VMSTAT.map((f) =>
  scalar(`node_vmstat_${f}`, 'untyped', `/proc/vmstat information field ${f}.`, (s) => s.sys.vmstat?.[f]));

const SNMP: readonly [keyof NonNullable<Sample['sys']['snmp']>, string][] = [
  ['tcp_active_opens', 'Tcp_ActiveOpens'], ['tcp_passive_opens', 'Tcp_PassiveOpens'], ['tcp_attempt_fails', 'Tcp_AttemptFails'],
  ['tcp_estab_resets', 'Tcp_EstabResets'], ['tcp_curr_estab', 'Tcp_CurrEstab'], ['tcp_in_segs', 'Tcp_InSegs'],
  ['tcp_out_segs', 'Tcp_OutSegs'], ['tcp_retrans_segs', 'Tcp_RetransSegs'], ['tcp_in_errs', 'Tcp_InErrs'],
  ['tcp_out_rsts', 'Tcp_OutRsts'], ['udp_in_datagrams', 'Udp_InDatagrams'], ['udp_out_datagrams', 'Udp_OutDatagrams'],
  ['udp_in_errors', 'Udp_InErrors'], ['udp_no_ports', 'Udp_NoPorts'],
];
const netstatFamilies = SNMP.map(([key, field]) =>
  scalar(`node_netstat_${field}`, 'untyped', `Statistic ${field.replace('_', '')} (/proc/net/snmp).`, (s) => s.sys.snmp?.[key]));

// PSI: the cumulative stall time (total=, µs) of each /proc/pressure file; "some" is waiting, "full" stalled.
const psiFamilies = (['cpu', 'io', 'memory'] as const).flatMap((res) => {
  const out = [scalar(`node_pressure_${res}_waiting_seconds_total`, 'counter',
    `Seconds some task waited for ${res} (/proc/pressure/${res} some total µs / 1e6).`,
    (s) => { const t = s.sys.psi[res]?.some?.total; return t == null ? null : counterToNumber(t) / 1e6; })];
  // node_exporter has no full line for cpu (the kernel's is all zeros at the system level).
  if (res !== 'cpu') out.push(scalar(`node_pressure_${res}_stalled_seconds_total`, 'counter',
    `Seconds all non-idle tasks stalled on ${res} (/proc/pressure/${res} full total µs / 1e6).`,
    (s) => { const t = s.sys.psi[res]?.full?.total; return t == null ? null : counterToNumber(t) / 1e6; }));
  return out;
});

type NetField = 'bytes' | 'packets' | 'errs' | 'drop';
const netFamilies = (['receive', 'transmit'] as const).flatMap((dir) =>
  (['bytes', 'packets', 'errs', 'drop'] as NetField[]).map((f) => {
    const key = `${dir === 'receive' ? 'rx' : 'tx'}_${f}` as const;
    return family(`node_network_${dir}_${f}_total`, 'counter', `Network device statistic ${dir}_${f} (/proc/net/dev).`, ['device'],
      (s) => s.sys.net.map((n): Series => [{ device: n.iface }, n[key]]));
  }));

// Whole disks only (the sampler leaves out partitions, loop, ram and device-mapper views of other disks).
type Disk = Sample['sys']['disks'][number];
const DISK: readonly (readonly [string, string, (d: Disk) => SeriesValue])[] = [
  ['node_disk_reads_completed_total', 'Reads completed.', (d) => d.reads],
  ['node_disk_reads_merged_total', 'Reads merged.', (d) => d.reads_merged],
  ['node_disk_read_bytes_total', 'Bytes read (sectors × 512).', (d) => counterToNumber(d.read_sectors) * SECTOR_BYTES],
  ['node_disk_read_time_seconds_total', 'Seconds spent by all reads (ms / 1000).', (d) => msToSeconds(d.read_ms)],
  ['node_disk_writes_completed_total', 'Writes completed.', (d) => d.writes],
  ['node_disk_writes_merged_total', 'Writes merged.', (d) => d.writes_merged],
  ['node_disk_written_bytes_total', 'Bytes written (sectors × 512).', (d) => counterToNumber(d.write_sectors) * SECTOR_BYTES],
  ['node_disk_write_time_seconds_total', 'Seconds spent by all writes (ms / 1000).', (d) => msToSeconds(d.write_ms)],
  ['node_disk_io_time_seconds_total', 'Seconds the device had I/O in flight (io_ticks ms / 1000).', (d) => msToSeconds(d.io_ms)],
  ['node_disk_io_time_weighted_seconds_total', 'Weighted seconds spent doing I/O (ms / 1000).', (d) => msToSeconds(d.weighted_io_ms)],
  ['node_disk_discards_completed_total', 'Discards completed (kernel 4.18+).', (d) => d.discards],
  ['node_disk_discarded_sectors_total', 'Sectors discarded (kernel 4.18+).', (d) => d.discard_sectors],
  ['node_disk_flush_requests_total', 'Flush requests completed (kernel 5.5+).', (d) => d.flushes],
];
const diskFamilies = DISK.map(([name, help, pick]) =>
  family(name, 'counter', `${help} (/proc/diskstats)`, ['device'], (s) => s.sys.disks.map((d): Series => [{ device: d.device }, pick(d)])));
diskFamilies.push(family('node_disk_io_now', 'gauge', 'I/Os currently in progress (/proc/diskstats).', ['device'],
  (s) => s.sys.disks.map((d): Series => [{ device: d.device }, d.in_flight])));

const FS_LABELS = ['device', 'fstype', 'mountpoint'] as const;
const fsLabels = (f: Fs): Labels => ({ device: f.source, fstype: f.fstype, mountpoint: f.mount });
type Fs = Sample['sys']['fs'][number];
const FS: readonly (readonly [string, string, (f: Fs) => number])[] = [
  ['node_filesystem_size_bytes', 'Filesystem size in bytes (statfs f_blocks × f_bsize).', (f) => f.size_bytes],
  ['node_filesystem_free_bytes', 'Filesystem free space in bytes, root\'s reserve included (f_bfree).', (f) => f.free_bytes],
  ['node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes (f_bavail).', (f) => f.avail_bytes],
  ['node_filesystem_files', 'Filesystem total file nodes (f_files).', (f) => f.files],
  ['node_filesystem_files_free', 'Filesystem free file nodes (f_ffree).', (f) => f.files_free],
];
const fsFamilies = FS.map(([name, help, pick]) =>
  family(name, 'gauge', help, FS_LABELS, (s) => s.sys.fs.map((f): Series => [fsLabels(f), pick(f)])));

/** node_uname_info: the labels dashboards use to pick a host. uname(2) values, read once at start. */
function unameFamily(): FamilySpec<SystemState> {
  const labels: Labels = { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine() };
  return family('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.',
    ['machine', 'nodename', 'release', 'sysname', 'version'], (_s, h) => [[{ ...labels, nodename: h.hostname }, 1]]);
}

export function nodeFamilies(): FamilySpec<SystemState>[] {
  return [
    ...cpuFamilies, ...memFamilies, ...vmstatFamilies, ...netstatFamilies, ...psiFamilies,
    ...netFamilies, ...diskFamilies, ...fsFamilies, unameFamily(),
  ];
}
