/**
 * The cgroup family: what the cgroup tier reads per control group (raw rows: recorded in `cgroup_sample`
 * and served under cAdvisor's container_* names, labels id and name) and what derive/cgroups.ts makes of
 * two reads (figure rows: `vigil export --table cgroups`, the `cgroup.*` window series and so the alert
 * metrics, the `g` view). A limit of "none" is null throughout (see src/model/cgroups.ts).
 */
import type { CgroupIoDev, CgroupSample, CgroupSnap } from '../cgroups';
import { Counter, counterToNumber } from '../counter';
import { scalar } from './field';
import type { PromValue, RawField, SysField, SysPromFamily } from './field';

type Fam = SysPromFamily<CgroupSample, null>;
const us = (v: Counter | null): number | null => (v === null ? null : counterToNumber(v) / 1e6);
const fam = (name: string, type: 'counter' | 'gauge', help: string, value: (g: CgroupSample) => PromValue): Fam =>
  scalar<CgroupSample, null>(name, type, help, value);

/** Per device of io.stat: cAdvisor's container_fs_* with a `device` label (major:minor). */
const perDevice = (name: string, help: string, key: keyof Omit<CgroupIoDev, 'dev'>): Fam => ({
  name, type: 'counter', help, extraLabels: ['device'],
  series: (g) => (g.io ?? []).map((d) => [{ device: d.dev }, d[key]] as const),
});

const row = <K extends keyof CgroupSample & string>(
  key: K, kind: 'counter' | 'gauge', unit: RawField<CgroupSample, null>['unit'], source: string, prom: readonly Fam[] = [],
) => ({ key, kind, unit, source, ...(prom.length > 0 ? { prom } : {}) }) as const satisfies RawField<CgroupSample, null>;

/** CgroupSample's scalar values, in `cgroup_sample` column order (a recording contract: append only). */
export const CGROUP_RAW = [
  row('cpu_usage_usec', 'counter', 'µs', 'cpu.stat usage_usec (v1 cpuacct.usage / 1000)', [
    fam('container_cpu_usage_seconds_total', 'counter', 'CPU time of the cgroup\'s tasks: cpu.stat usage_usec / 1e6 (v1 cpuacct.usage / 1e9).', (g) => us(g.cpu_usage_usec))]),
  row('cpu_user_usec', 'counter', 'µs', 'cpu.stat user_usec (v1 cpuacct.usage_user / 1000)', [
    fam('container_cpu_user_seconds_total', 'counter', 'User CPU time: cpu.stat user_usec / 1e6 (v1 cpuacct.usage_user).', (g) => us(g.cpu_user_usec))]),
  row('cpu_system_usec', 'counter', 'µs', 'cpu.stat system_usec (v1 cpuacct.usage_sys / 1000)', [
    fam('container_cpu_system_seconds_total', 'counter', 'System CPU time: cpu.stat system_usec / 1e6 (v1 cpuacct.usage_sys).', (g) => us(g.cpu_system_usec))]),
  row('nr_periods', 'counter', '', 'cpu.stat nr_periods', [
    fam('container_cpu_cfs_periods_total', 'counter', 'CFS enforcement periods that elapsed: cpu.stat nr_periods.', (g) => g.nr_periods)]),
  row('nr_throttled', 'counter', '', 'cpu.stat nr_throttled', [
    fam('container_cpu_cfs_throttled_periods_total', 'counter', 'CFS periods in which the cgroup was throttled: cpu.stat nr_throttled.', (g) => g.nr_throttled)]),
  row('throttled_usec', 'counter', 'µs', 'cpu.stat throttled_usec (v1 throttled_time / 1000)', [
    fam('container_cpu_cfs_throttled_seconds_total', 'counter', 'Time the cgroup was throttled: cpu.stat throttled_usec / 1e6 (v1 throttled_time / 1e9).', (g) => us(g.throttled_usec))]),
  row('cpu_quota_usec', 'gauge', 'µs', 'cpu.max quota (v1 cpu.cfs_quota_us); max or -1: none', [
    fam('container_spec_cpu_quota', 'gauge', 'CPU quota per period, µs (cpu.max; v1 cfs_quota_us); absent without a quota.', (g) => g.cpu_quota_usec)]),
  row('cpu_period_usec', 'gauge', 'µs', 'cpu.max period (v1 cpu.cfs_period_us)', [
    fam('container_spec_cpu_period', 'gauge', 'CFS period, µs (cpu.max; v1 cfs_period_us); absent without a quota.', (g) => (g.cpu_quota_usec === null ? null : g.cpu_period_usec))]),
  row('mem_current_bytes', 'gauge', 'B', 'memory.current (v1 memory.usage_in_bytes)', [
    fam('container_memory_usage_bytes', 'gauge', 'Memory charged to the cgroup: memory.current (v1 memory.usage_in_bytes).', (g) => g.mem_current_bytes),
    fam('container_memory_working_set_bytes', 'gauge', 'memory.current − memory.stat inactive_file, floored at 0 (as cAdvisor computes it).',
      (g) => (g.mem_current_bytes === null ? null : Math.max(0, g.mem_current_bytes - (g.mem_inactive_file_bytes ?? 0))))]),
  row('mem_peak_bytes', 'gauge', 'B', 'memory.peak, 5.19+ (v1 memory.max_usage_in_bytes)', [
    fam('container_memory_max_usage_bytes', 'gauge', 'Peak memory charged: memory.peak (v1 memory.max_usage_in_bytes).', (g) => g.mem_peak_bytes)]),
  row('mem_max_bytes', 'gauge', 'B', 'memory.max (v1 memory.limit_in_bytes); max or ≥ 2^62: none', [
    fam('container_spec_memory_limit_bytes', 'gauge', 'Memory limit: memory.max (v1 memory.limit_in_bytes); absent without a limit.', (g) => g.mem_max_bytes)]),
  row('mem_high_bytes', 'gauge', 'B', 'memory.high (v2 only); max: none', [
    fam('container_spec_memory_reservation_limit_bytes', 'gauge', 'memory.high, the throttling threshold; absent without one.', (g) => g.mem_high_bytes)]),
  row('mem_anon_bytes', 'gauge', 'B', 'memory.stat anon (v1 total_rss)', [
    fam('container_memory_rss', 'gauge', 'Anonymous memory: memory.stat anon (v1 total_rss).', (g) => g.mem_anon_bytes)]),
  row('mem_file_bytes', 'gauge', 'B', 'memory.stat file (v1 total_cache)', [
    fam('container_memory_cache', 'gauge', 'Page cache: memory.stat file (v1 total_cache).', (g) => g.mem_file_bytes)]),
  row('mem_kernel_bytes', 'gauge', 'B', 'memory.stat kernel (v1 memory.kmem.usage_in_bytes)', [
    fam('container_memory_kernel_usage', 'gauge', 'Kernel memory: memory.stat kernel (v1 memory.kmem.usage_in_bytes).', (g) => g.mem_kernel_bytes)]),
  row('mem_inactive_file_bytes', 'gauge', 'B', 'memory.stat inactive_file (v1 total_inactive_file)'),
  row('oom', 'counter', '', 'memory.events oom (v1 has none)'),
  row('oom_kill', 'counter', '', 'memory.events oom_kill (v1 memory.oom_control oom_kill)', [
    fam('container_oom_events_total', 'counter', 'Processes of the cgroup killed by the OOM killer: memory.events oom_kill (v1 memory.oom_control oom_kill).', (g) => g.oom_kill)]),
  row('pids_current', 'gauge', '', 'pids.current', [
    fam('container_threads', 'gauge', 'Tasks in the cgroup: pids.current.', (g) => g.pids_current)]),
  row('pids_max', 'gauge', '', 'pids.max; max: none', [
    fam('container_threads_max', 'gauge', 'Task limit: pids.max; absent without one.', (g) => g.pids_max)]),
] as const;

/**
 * io.stat per device (v1: blkio.throttle.io_service_bytes / io_serviced). Served per device; a recording
 * keeps their sum over devices (columns io_rbytes ... after the scalars).
 */
export const CGROUP_IO_RAW = [
  { key: 'rbytes', kind: 'counter', unit: 'B', source: 'io.stat rbytes (v1 blkio.throttle.io_service_bytes Read)',
    prom: [perDevice('container_fs_reads_bytes_total', 'Bytes read from the device: io.stat rbytes (v1 blkio.throttle.io_service_bytes Read).', 'rbytes')] },
  { key: 'wbytes', kind: 'counter', unit: 'B', source: 'io.stat wbytes (v1 blkio.throttle.io_service_bytes Write)',
    prom: [perDevice('container_fs_writes_bytes_total', 'Bytes written to the device: io.stat wbytes (v1 io_service_bytes Write).', 'wbytes')] },
  { key: 'rios', kind: 'counter', unit: '', source: 'io.stat rios (v1 blkio.throttle.io_serviced Read)',
    prom: [perDevice('container_fs_reads_total', 'Read operations: io.stat rios (v1 blkio.throttle.io_serviced Read).', 'rios')] },
  { key: 'wios', kind: 'counter', unit: '', source: 'io.stat wios (v1 blkio.throttle.io_serviced Write)',
    prom: [perDevice('container_fs_writes_total', 'Write operations: io.stat wios (v1 io_serviced Write).', 'wios')] },
] as const satisfies readonly (RawField<CgroupSample, null> & { key: keyof Omit<CgroupIoDev, 'dev'> })[];

const VIEW = 'cgroup view';

/** CgroupSnap, in `vigil export --table cgroups` column order (after t, interval_ms, path, name). */
export const CGROUP_FIELDS = [
  { key: 'depth', kind: 'gauge', unit: '', source: 'the walk', formula: 'levels below the root (0)', help: 'depth in the tree',
    raw: [], exported: true, pane: `${VIEW}: tree indent` },
  { key: 'cpu_pct', kind: 'gauge', unit: '%', source: 'cpu.stat', formula: '100 × Δusage_usec / Δt_µs (100% = one core)',
    help: 'CPU of the cgroup\'s tasks, 100% = one core (cpu.stat usage_usec; v1 cpuacct.usage)', raw: ['cpu_usage_usec'], exported: true,
    series: 'cgroup.cpu_pct', pane: `${VIEW}: CPU%` },
  { key: 'cpu_user_pct', kind: 'gauge', unit: '%', source: 'cpu.stat', formula: '100 × Δuser_usec / Δt_µs', help: 'user CPU of the cgroup',
    raw: ['cpu_user_usec'], exported: true, pane: `${VIEW}: detail` },
  { key: 'cpu_system_pct', kind: 'gauge', unit: '%', source: 'cpu.stat', formula: '100 × Δsystem_usec / Δt_µs', help: 'system CPU of the cgroup',
    raw: ['cpu_system_usec'], exported: true, pane: `${VIEW}: detail` },
  { key: 'cpu_throttled_pct', kind: 'gauge', unit: '%', source: 'cpu.stat', formula: '100 × Δnr_throttled / Δnr_periods, at most 100; none when no period elapsed',
    help: 'share of CFS periods in which the cgroup was throttled (cpu.stat nr_throttled / nr_periods)', raw: ['nr_periods', 'nr_throttled'], exported: true,
    series: 'cgroup.cpu_throttled_pct', pane: `${VIEW}: THR%` },
  { key: 'cpu_limit_cores', kind: 'gauge', unit: '', source: 'cpu.max', formula: 'quota / period; none without a quota', help: 'CPU limit in cores',
    raw: ['cpu_quota_usec', 'cpu_period_usec'], exported: true, pane: `${VIEW}: LIMIT` },
  { key: 'mem_current_bytes', kind: 'gauge', unit: 'B', source: 'memory.current', formula: 'as given',
    help: 'memory charged to the cgroup (memory.current; v1 memory.usage_in_bytes)', raw: ['mem_current_bytes'], exported: true,
    series: 'cgroup.mem_current_bytes', pane: `${VIEW}: MEM used/limit` },
  { key: 'mem_peak_bytes', kind: 'gauge', unit: 'B', source: 'memory.peak', formula: 'as given', help: 'peak memory charged',
    raw: ['mem_peak_bytes'], exported: true, pane: `${VIEW}: detail` },
  { key: 'mem_max_bytes', kind: 'gauge', unit: 'B', source: 'memory.max', formula: 'as given; none without a limit', help: 'memory limit',
    raw: ['mem_max_bytes'], exported: true, pane: `${VIEW}: MEM used/limit` },
  { key: 'mem_high_bytes', kind: 'gauge', unit: 'B', source: 'memory.high', formula: 'as given; none without one', help: 'memory.high threshold',
    raw: ['mem_high_bytes'], exported: true, pane: `${VIEW}: detail` },
  { key: 'mem_working_set_bytes', kind: 'gauge', unit: 'B', source: 'memory.current, memory.stat', formula: 'current − inactive_file, floored at 0 (cAdvisor)',
    help: 'working set', raw: ['mem_current_bytes', 'mem_inactive_file_bytes'], exported: true, pane: `${VIEW}: detail` },
  { key: 'mem_used_pct_of_limit', kind: 'gauge', unit: '%', source: 'memory.current, memory.max', formula: '100 × current / max; none without a limit',
    help: 'memory in use as a share of the cgroup\'s limit (memory.max; v1 limit_in_bytes); none without a limit', raw: ['mem_current_bytes', 'mem_max_bytes'],
    exported: true, series: 'cgroup.mem_used_pct_of_limit', pane: `${VIEW}: MEM used/limit` },
  { key: 'mem_anon_bytes', kind: 'gauge', unit: 'B', source: 'memory.stat', formula: 'as given', help: 'anonymous memory',
    raw: ['mem_anon_bytes'], exported: true, pane: `${VIEW}: detail` },
  { key: 'mem_file_bytes', kind: 'gauge', unit: 'B', source: 'memory.stat', formula: 'as given', help: 'page cache',
    raw: ['mem_file_bytes'], exported: true, pane: `${VIEW}: detail` },
  { key: 'mem_kernel_bytes', kind: 'gauge', unit: 'B', source: 'memory.stat', formula: 'as given', help: 'kernel memory',
    raw: ['mem_kernel_bytes'], exported: true, pane: `${VIEW}: detail` },
  { key: 'oom_kills', kind: 'gauge', unit: '', source: 'memory.events', formula: 'Δoom_kill over the interval',
    help: 'processes of the cgroup killed by the OOM killer in the interval (memory.events oom_kill)', raw: ['oom_kill'], exported: true,
    series: 'cgroup.oom_kills', pane: `${VIEW}: detail` },
  { key: 'io_read_bytes_per_s', kind: 'rate', unit: 'B/s', source: 'io.stat', formula: 'Δrbytes (all devices) / Δt',
    help: 'bytes the cgroup read from block devices per second (io.stat rbytes)', raw: ['rbytes'], exported: true,
    series: 'cgroup.io_read_bytes_per_s', pane: `${VIEW}: IO/s` },
  { key: 'io_write_bytes_per_s', kind: 'rate', unit: 'B/s', source: 'io.stat', formula: 'Δwbytes (all devices) / Δt',
    help: 'bytes the cgroup wrote to block devices per second (io.stat wbytes)', raw: ['wbytes'], exported: true,
    series: 'cgroup.io_write_bytes_per_s', pane: `${VIEW}: IO/s` },
  { key: 'io_read_ops_per_s', kind: 'rate', unit: '/s', source: 'io.stat', formula: 'Δrios (all devices) / Δt', help: 'read operations per second',
    raw: ['rios'], exported: true },
  { key: 'io_write_ops_per_s', kind: 'rate', unit: '/s', source: 'io.stat', formula: 'Δwios (all devices) / Δt', help: 'write operations per second',
    raw: ['wios'], exported: true },
  { key: 'pids_current', kind: 'gauge', unit: '', source: 'pids.current', formula: 'as given', help: 'tasks in the cgroup',
    raw: ['pids_current'], exported: true, pane: `${VIEW}: PIDS` },
  { key: 'pids_max', kind: 'gauge', unit: '', source: 'pids.max', formula: 'as given; none without a limit', help: 'task limit',
    raw: ['pids_max'], exported: true, pane: `${VIEW}: detail` },
] as const satisfies readonly SysField<CgroupSnap>[];
