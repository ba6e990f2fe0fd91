/**
 * The cgroup family: what the cgroup tier reads per control group (raw counters and levels, as the
 * kernel keeps them) and what derive makes of two reads (shares and rates).
 *
 * Units are normalised at the read: CPU times in µs (v2 cpu.stat is µs; v1 cpuacct is ns and is divided),
 * bytes for memory and I/O. A limit is null when the group has none: the file says `max` (v2), -1 (v1
 * cfs_quota_us) or a value at or above 2^62 (v1 limit_in_bytes prints PAGE_COUNTER_MAX × page size, about
 * 2^63): shown as `-`, never as 2^63. A figure whose file is missing or unreadable is null as well; the
 * `*_limited` flags tell the two apart where that matters (an alert on a share of a limit).
 */
import { Counter, fromBig } from './counter';
import type { PsiResource, PsiSnap } from './index';

export type CgroupLayout = 'v2' | 'v1' | 'hybrid' | 'none';

/** One device line of v2 io.stat (or the sum of v1 blkio.throttle.io_service_bytes / io_serviced). */
export interface CgroupIoDev {
  /** major:minor */
  dev: string;
  rbytes: Counter;
  wbytes: Counter;
  rios: Counter;
  wios: Counter;
}

export interface CgroupSample {
  /** The path under the hierarchy's root, `/` for the root itself: as /proc/PID/cgroup names it. */
  path: string;
  /** 0 for the root. */
  depth: number;
  /** CPU time of every task in the group and its descendants, µs (v2 cpu.stat usage_usec; v1 cpuacct.usage / 1000). */
  cpu_usage_usec: Counter | null;
  cpu_user_usec: Counter | null;
  cpu_system_usec: Counter | null;
  /** CFS bandwidth: enforcement periods, periods in which the group was throttled, and time throttled (µs). */
  nr_periods: Counter | null;
  nr_throttled: Counter | null;
  throttled_usec: Counter | null;
  /** cpu.max (v2) or cfs_quota_us / cfs_period_us (v1), µs; quota null = no limit. */
  cpu_quota_usec: number | null;
  cpu_period_usec: number | null;
  /** memory.current (v2) or memory.usage_in_bytes (v1). */
  mem_current_bytes: number | null;
  /** memory.peak (v2, 5.19+) or memory.max_usage_in_bytes (v1). */
  mem_peak_bytes: number | null;
  /** memory.max (v2) or memory.limit_in_bytes (v1); null = no limit (or unknown: see mem_limited). */
  mem_max_bytes: number | null;
  /** memory.high (v2 only). */
  mem_high_bytes: number | null;
  /** true: a limit is set; false: the file says there is none; null: no file. */
  mem_limited: boolean | null;
  /** memory.stat anon / file / kernel (v1: rss / cache / memory.kmem.usage_in_bytes), inactive_file. */
  mem_anon_bytes: number | null;
  mem_file_bytes: number | null;
  mem_kernel_bytes: number | null;
  mem_inactive_file_bytes: number | null;
  /** memory.events oom / oom_kill (v1: memory.oom_control oom_kill; v1 has no oom count). */
  oom: Counter | null;
  oom_kill: Counter | null;
  io: CgroupIoDev[] | null;
  pids_current: number | null;
  /** null = no limit (`max`) or no file. */
  pids_max: number | null;
  /** cpu/memory/io.pressure of the group (v2 or the hybrid unified tree). */
  psi: { cpu: PsiResource | null; memory: PsiResource | null; io: PsiResource | null };
}

export interface CgroupTable {
  mono_ns: bigint;
  layout: CgroupLayout;
  groups: CgroupSample[];
  /** The walk stopped at its depth or count budget: some groups are left out. */
  truncated: boolean;
}

/** A cgroup's figures over one interval (derive/cgroups.ts has each formula beside its code). */
export interface CgroupSnap {
  path: string;
  depth: number;
  /** 100 × Δusage_usec / Δt_µs: 100% is one core. */
  cpu_pct: number | null;
  cpu_user_pct: number | null;
  cpu_system_pct: number | null;
  /** 100 × Δnr_throttled / Δnr_periods: share of enforcement periods in which the group was throttled. */
  cpu_throttled_pct: number | null;
  /** quota / period: the limit in cores; null = none. */
  cpu_limit_cores: number | null;
  mem_current_bytes: number | null;
  mem_peak_bytes: number | null;
  mem_max_bytes: number | null;
  mem_high_bytes: number | null;
  /** current − inactive_file (cAdvisor's working set), floored at 0. */
  mem_working_set_bytes: number | null;
  /** 100 × current / max; null without a limit. */
  mem_used_pct_of_limit: number | null;
  mem_anon_bytes: number | null;
  mem_file_bytes: number | null;
  mem_kernel_bytes: number | null;
  /** OOM kills in the interval (Δ memory.events oom_kill). */
  oom_kills: number | null;
  io_read_bytes_per_s: number | null;
  io_write_bytes_per_s: number | null;
  io_read_ops_per_s: number | null;
  io_write_ops_per_s: number | null;
  pids_current: number | null;
  pids_max: number | null;
  psi: { cpu: PsiSnap | null; memory: PsiSnap | null; io: PsiSnap | null };
}

/** The sum of a group's devices, per counter, exact past 2^53. */
export function ioTotals(devs: readonly CgroupIoDev[]): { rbytes: Counter; wbytes: Counter; rios: Counter; wios: Counter } {
  const sum = (k: 'rbytes' | 'wbytes' | 'rios' | 'wios'): Counter => fromBig(devs.reduce((a, d) => a + BigInt(d[k]), 0n));
  return { rbytes: sum('rbytes'), wbytes: sum('wbytes'), rios: sum('rios'), wios: sum('wios') };
}
