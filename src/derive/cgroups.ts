/**
 * Two reads of the cgroup tree in, each group's shares and rates out: the one place their formulas live
 * (live, replay and export go through it). Groups are matched by path; a group new in `curr` has levels
 * but no rates yet. A counter that went backwards (a group removed and re-created under the same name)
 * gives no rate for that interval, never a negative one.
 */
import { Counter, counterDelta } from '../model/counter';
import { CgroupSample, CgroupSnap, CgroupTable, ioTotals } from '../model/cgroups';
import { MIN_INTERVAL_NS, psiSnap } from './derive';

const ok = (x: number): number | null => (Number.isFinite(x) && x >= 0 ? x : null);

const delta = (p: Counter | null | undefined, c: Counter | null | undefined): number | null =>
  p == null || c == null ? null : counterDelta(p, c);

export function deriveCgroups(prev: CgroupTable | null, curr: CgroupTable): CgroupSnap[] {
  const dtNs = prev === null ? 0n : curr.mono_ns - prev.mono_ns;
  const usable = prev !== null && dtNs >= MIN_INTERVAL_NS;
  const dtUs = Number(dtNs) / 1e3;
  const dtS = Number(dtNs) / 1e9;
  const before = usable ? new Map(prev.groups.map((g) => [g.path, g])) : new Map<string, CgroupSample>();
  return curr.groups.map((c) => cgroupSnap(before.get(c.path), c, dtUs, dtS));
}

export function cgroupSnap(p: CgroupSample | undefined, c: CgroupSample, dtUs: number, dtS: number): CgroupSnap {
  // 100 × Δusage_µs / Δt_µs: 100% is one core, as for processes.
  const pct = (pv: Counter | null | undefined, cv: Counter | null): number | null => {
    const d = delta(pv, cv);
    return d === null ? null : ok((100 * d) / dtUs);
  };
  const perS = (d: number | null): number | null => (d === null ? null : ok(d / dtS));
  // Throttled share: 100 × Δnr_throttled / Δnr_periods (no period elapsed: the group did not run, no share).
  const dPeriods = delta(p?.nr_periods, c.nr_periods);
  const dThrottled = delta(p?.nr_throttled, c.nr_throttled);
  const throttled = dPeriods === null || dThrottled === null || dPeriods === 0 ? null : ok(Math.min(100, (100 * dThrottled) / dPeriods));
  // Working set as cAdvisor computes it: usage − inactive_file, floored at 0.
  const ws = c.mem_current_bytes === null ? null : Math.max(0, c.mem_current_bytes - (c.mem_inactive_file_bytes ?? 0));
  const limit = c.mem_max_bytes;
  const ioP = p?.io ? ioTotals(p.io) : null;
  const ioC = c.io ? ioTotals(c.io) : null;
  return {
    path: c.path,
    depth: c.depth,
    cpu_pct: pct(p?.cpu_usage_usec, c.cpu_usage_usec),
    cpu_user_pct: pct(p?.cpu_user_usec, c.cpu_user_usec),
    cpu_system_pct: pct(p?.cpu_system_usec, c.cpu_system_usec),
    cpu_throttled_pct: throttled,
    cpu_limit_cores: c.cpu_quota_usec === null || c.cpu_period_usec === null ? null : ok(c.cpu_quota_usec / c.cpu_period_usec),
    mem_current_bytes: c.mem_current_bytes,
    mem_peak_bytes: c.mem_peak_bytes,
    mem_max_bytes: limit,
    mem_high_bytes: c.mem_high_bytes,
    mem_working_set_bytes: ws,
    // 100 × current / max; a group without a limit has no share of one.
    mem_used_pct_of_limit: limit === null || limit === 0 || c.mem_current_bytes === null ? null : ok((100 * c.mem_current_bytes) / limit),
    mem_anon_bytes: c.mem_anon_bytes,
    mem_file_bytes: c.mem_file_bytes,
    mem_kernel_bytes: c.mem_kernel_bytes,
    oom_kills: p === undefined ? null : delta(p.oom_kill, c.oom_kill),
    io_read_bytes_per_s: perS(delta(ioP?.rbytes, ioC?.rbytes)),
    io_write_bytes_per_s: perS(delta(ioP?.wbytes, ioC?.wbytes)),
    io_read_ops_per_s: perS(delta(ioP?.rios, ioC?.rios)),
    io_write_ops_per_s: perS(delta(ioP?.wios, ioC?.wios)),
    pids_current: c.pids_current,
    pids_max: c.pids_max,
    psi: {
      cpu: psiSnap(p?.psi.cpu ?? null, c.psi.cpu, dtS),
      memory: psiSnap(p?.psi.memory ?? null, c.psi.memory, dtS),
      io: psiSnap(p?.psi.io ?? null, c.psi.io, dtS),
    },
  };
}
