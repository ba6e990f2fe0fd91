/**
 * Per-cgroup families under cAdvisor's names, so that container dashboards work on vigil's series:
 * `id` is the cgroup path, as cAdvisor labels it, and `name` what vigil shows for it (nginx.service, a
 * 12-character container id, pod:…). Counters are the raw Sample's (Prometheus takes the rates); a group
 * without a limit has no container_spec_* series (cAdvisor writes 0 there, which divides to +Inf).
 *
 * Bounded like processes: the top N groups by CPU (the latest interval's cpu_pct, > 0 only) ∪ the top N by
 * memory in use, plus the root; ties by path, so a scrape is deterministic.
 */
import type { CgroupSample, CgroupSnap, CgroupTable } from '../../model/cgroups';
import { cgroupName } from '../../model/cgroup-name';
import { Counter, counterToNumber } from '../../model/counter';
import type { FamilySpec, Labels, Series } from './family';

export interface CgroupRow {
  group: CgroupSample;
  snap: CgroupSnap | null;
}

export interface CgroupState {
  rows: CgroupRow[];
}

export function selectCgroups(table: CgroupTable | null, snaps: readonly CgroupSnap[] | null, top: number): CgroupRow[] {
  if (table === null) return [];
  const bySnap = new Map((snaps ?? []).map((s) => [s.path, s]));
  const rows = table.groups.map((group) => ({ group, snap: bySnap.get(group.path) ?? null }));
  const rank = (key: (r: CgroupRow) => number): CgroupRow[] =>
    top <= 0 ? [] : rows.filter((r) => key(r) > 0).sort((a, b) => key(b) - key(a) || (a.group.path < b.group.path ? -1 : 1)).slice(0, top);
  const chosen = new Set<CgroupRow>([
    ...rows.filter((r) => r.group.path === '/'),
    ...rank((r) => r.snap?.cpu_pct ?? 0),
    ...rank((r) => r.group.mem_current_bytes ?? 0),
  ]);
  return [...chosen].sort((a, b) => (a.group.path < b.group.path ? -1 : a.group.path > b.group.path ? 1 : 0));
}

const us = (v: Counter | null): number | null => (v === null ? null : counterToNumber(v) / 1e6);

type Value = Counter | number | null | undefined;
const labels = (g: CgroupSample): Labels => ({ id: g.path, name: cgroupName(g.path) });

function family(name: string, type: 'counter' | 'gauge', help: string, value: (g: CgroupSample) => Value): FamilySpec<CgroupState> {
  return {
    name, type, help, labelNames: ['id', 'name'],
    series: function* (s: CgroupState): Iterable<Series> {
      for (const r of s.rows) yield [labels(r.group), value(r.group)];
    },
  };
}

/** Per device of io.stat: cAdvisor's container_fs_* with a `device` label (major:minor). */
function ioFamily(name: string, help: string, key: 'rbytes' | 'wbytes' | 'rios' | 'wios'): FamilySpec<CgroupState> {
  return {
    name, type: 'counter', help, labelNames: ['id', 'name', 'device'],
    series: function* (s: CgroupState): Iterable<Series> {
      for (const r of s.rows) for (const d of r.group.io ?? []) yield [{ ...labels(r.group), device: d.dev }, d[key]];
    },
  };
}

/** PSI totals (µs) as seconds: cAdvisor's container_pressure_* (waiting = some, stalled = full). */
function psiFamily(res: 'cpu' | 'memory' | 'io', line: 'some' | 'full'): FamilySpec<CgroupState> {
  const what = line === 'some' ? 'waiting' : 'stalled';
  return family(`container_pressure_${res}_${what}_seconds_total`, 'counter',
    `Time at least one task (some) or every task (full) of the cgroup was stalled on ${res}: ${res}.pressure ${line} total / 1e6.`,
    (g) => us(g.psi[res]?.[line]?.total ?? null));
}

export const CGROUP_FAMILIES: readonly FamilySpec<CgroupState>[] = [
  family('container_cpu_usage_seconds_total', 'counter', 'CPU time of the cgroup\'s tasks: cpu.stat usage_usec / 1e6 (v1 cpuacct.usage / 1e9).', (g) => us(g.cpu_usage_usec)),
  family('container_cpu_user_seconds_total', 'counter', 'User CPU time: cpu.stat user_usec / 1e6 (v1 cpuacct.usage_user).', (g) => us(g.cpu_user_usec)),
  family('container_cpu_system_seconds_total', 'counter', 'System CPU time: cpu.stat system_usec / 1e6 (v1 cpuacct.usage_sys).', (g) => us(g.cpu_system_usec)),
  family('container_cpu_cfs_periods_total', 'counter', 'CFS enforcement periods that elapsed: cpu.stat nr_periods.', (g) => g.nr_periods),
  family('container_cpu_cfs_throttled_periods_total', 'counter', 'CFS periods in which the cgroup was throttled: cpu.stat nr_throttled.', (g) => g.nr_throttled),
  family('container_cpu_cfs_throttled_seconds_total', 'counter', 'Time the cgroup was throttled: cpu.stat throttled_usec / 1e6 (v1 throttled_time / 1e9).', (g) => us(g.throttled_usec)),
  family('container_spec_cpu_quota', 'gauge', 'CPU quota per period, µs (cpu.max; v1 cfs_quota_us); absent without a quota.', (g) => g.cpu_quota_usec),
  family('container_spec_cpu_period', 'gauge', 'CFS period, µs (cpu.max; v1 cfs_period_us); absent without a quota.', (g) => (g.cpu_quota_usec === null ? null : g.cpu_period_usec)),
  family('container_memory_usage_bytes', 'gauge', 'Memory charged to the cgroup: memory.current (v1 memory.usage_in_bytes).', (g) => g.mem_current_bytes),
  family('container_memory_working_set_bytes', 'gauge', 'memory.current − memory.stat inactive_file, floored at 0 (as cAdvisor computes it).',
    (g) => (g.mem_current_bytes === null ? null : Math.max(0, g.mem_current_bytes - (g.mem_inactive_file_bytes ?? 0)))),
  family('container_memory_max_usage_bytes', 'gauge', 'Peak memory charged: memory.peak (v1 memory.max_usage_in_bytes).', (g) => g.mem_peak_bytes),
  family('container_memory_rss', 'gauge', 'Anonymous memory: memory.stat anon (v1 total_rss).', (g) => g.mem_anon_bytes),
  family('container_memory_cache', 'gauge', 'Page cache: memory.stat file (v1 total_cache).', (g) => g.mem_file_bytes),
  family('container_memory_kernel_usage', 'gauge', 'Kernel memory: memory.stat kernel (v1 memory.kmem.usage_in_bytes).', (g) => g.mem_kernel_bytes),
  family('container_spec_memory_limit_bytes', 'gauge', 'Memory limit: memory.max (v1 memory.limit_in_bytes); absent without a limit.', (g) => g.mem_max_bytes),
  family('container_spec_memory_reservation_limit_bytes', 'gauge', 'memory.high, the throttling threshold; absent without one.', (g) => g.mem_high_bytes),
  family('container_oom_events_total', 'counter', 'Processes of the cgroup killed by the OOM killer: memory.events oom_kill (v1 memory.oom_control oom_kill).', (g) => g.oom_kill),
  family('container_threads', 'gauge', 'Tasks in the cgroup: pids.current.', (g) => g.pids_current),
  family('container_threads_max', 'gauge', 'Task limit: pids.max; absent without one.', (g) => g.pids_max),
  ioFamily('container_fs_reads_bytes_total', 'Bytes read from the device: io.stat rbytes (v1 blkio.throttle.io_service_bytes Read).', 'rbytes'),
  ioFamily('container_fs_writes_bytes_total', 'Bytes written to the device: io.stat wbytes (v1 io_service_bytes Write).', 'wbytes'),
  ioFamily('container_fs_reads_total', 'Read operations: io.stat rios (v1 blkio.throttle.io_serviced Read).', 'rios'),
  ioFamily('container_fs_writes_total', 'Write operations: io.stat wios (v1 io_serviced Write).', 'wios'),
  psiFamily('cpu', 'some'), psiFamily('cpu', 'full'),
  psiFamily('memory', 'some'), psiFamily('memory', 'full'),
  psiFamily('io', 'some'), psiFamily('io', 'full'),
];
