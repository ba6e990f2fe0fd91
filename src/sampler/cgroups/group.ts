/**
 * One cgroup's figures from its files (the reference the native reader, native/sampler/cgroup.c, copies
 * step by step): v1 controllers first, then the unified tree, each figure taken from the first file that
 * gives it.
 */
import type { CgroupSample } from '../../model/cgroups';
import { parsePressure } from '../parse/pressure';
import { blkioDevs, Limit, nsToUs, parseCfs, parseCpuMax, parseGauge, parseIoStat, parseKeyedOnly, parseLevel, parseLimit, ticksToUs } from '../parse/cgroupfs';
import type { Hierarchy } from './layout';

/** A file of the group in hierarchy h, or null. */
export type GroupText = (h: Hierarchy, file: string) => string | null;

const limitValue = (l: Limit): number | null => (typeof l === 'number' ? l : null);

/** memory.max (v2) or memory.limit_in_bytes (v1): the limit, and whether there is one (null: unreadable). */
function setMemLimit(g: CgroupSample, text: string): void {
  const l = parseLimit(text);
  g.mem_max_bytes = limitValue(l);
  g.mem_limited = l === null ? null : l !== 'max';
}

/** The keys each keyed file is read for (parseKeyedOnly). */
const V2_CPU_STAT = ['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'];
const V2_MEMORY_STAT = ['anon', 'file', 'kernel_stack', 'slab', 'kernel', 'inactive_file'];
const MEMORY_EVENTS = ['oom', 'oom_kill'];
const CPUACCT_STAT = ['user', 'system'];
const V1_CPU_STAT = ['nr_periods', 'nr_throttled', 'throttled_time'];
const V1_MEMORY_STAT = ['total_rss', 'rss', 'total_cache', 'cache', 'total_inactive_file', 'inactive_file'];
const OOM_CONTROL = ['oom_kill'];

/**
 * One group's sample from its files' texts: `t(h, file)` is the file of the group's directory in hierarchy
 * h, or null (not listed, gone, unreadable). Which files are asked for, and in what order, is part of the
 * contract: the tier reads each as it is asked (through a kept fd), and the native reader (cgroup.c) asks
 * for the same ones in the same order.
 */
export function sampleGroup(path: string, depth: number, hierarchies: readonly Hierarchy[], t: GroupText, clkTck: number): CgroupSample {
  const g: CgroupSample = {
    path, depth,
    cpu_usage_usec: null, cpu_user_usec: null, cpu_system_usec: null,
    nr_periods: null, nr_throttled: null, throttled_usec: null, cpu_quota_usec: null, cpu_period_usec: null,
    mem_current_bytes: null, mem_peak_bytes: null, mem_max_bytes: null, mem_high_bytes: null, mem_limited: null,
    mem_anon_bytes: null, mem_file_bytes: null, mem_kernel_bytes: null, mem_inactive_file_bytes: null,
    oom: null, oom_kill: null, io: null, pids_current: null, pids_max: null,
    psi: { cpu: null, memory: null, io: null },
  };
  // v1 controllers first: on a hybrid layout they hold the figures, the unified tree only PSI and usage.
  for (const h of hierarchies) if (!h.v2) readV1(h, (f) => t(h, f), g, clkTck);
  for (const h of hierarchies) if (h.v2) readV2((f) => t(h, f), g);
  return g;
}

function readV2(t: (file: string) => string | null, g: CgroupSample): void {
  // On a hybrid layout v1 cpuacct and cpu.stat have filled all six already: the unified file (one of the
  // dearer reads, 3-4 µs) would change nothing.
  const cpuFilled = g.cpu_usage_usec !== null && g.cpu_user_usec !== null && g.cpu_system_usec !== null &&
    g.nr_periods !== null && g.nr_throttled !== null && g.throttled_usec !== null;
  const cpu = cpuFilled ? null : t('cpu.stat');
  if (cpu !== null) {
    const k = parseKeyedOnly(cpu, V2_CPU_STAT);
    g.cpu_usage_usec ??= k.get('usage_usec') ?? null;
    g.cpu_user_usec ??= k.get('user_usec') ?? null;
    g.cpu_system_usec ??= k.get('system_usec') ?? null;
    // nr_periods and the rest appear only with the cpu controller enabled for the group.
    g.nr_periods ??= k.get('nr_periods') ?? null;
    g.nr_throttled ??= k.get('nr_throttled') ?? null;
    g.throttled_usec ??= k.get('throttled_usec') ?? null;
  }
  const max = t('cpu.max');
  const m = max === null ? null : parseCpuMax(max);
  if (m !== null && g.cpu_period_usec === null) {
    g.cpu_quota_usec = m.quota;
    g.cpu_period_usec = m.period;
  }
  const cur = t('memory.current');
  if (cur !== null) g.mem_current_bytes ??= parseGauge(cur);
  const peak = t('memory.peak');
  if (peak !== null) g.mem_peak_bytes ??= parseGauge(peak);
  const mmax = t('memory.max');
  if (mmax !== null && g.mem_limited === null) setMemLimit(g, mmax);
  const high = t('memory.high');
  if (high !== null) g.mem_high_bytes ??= limitValue(parseLimit(high));
  const stat = t('memory.stat');
  if (stat !== null) {
    const k = parseKeyedOnly(stat, V2_MEMORY_STAT);
    const num = (key: string): number | null => { const v = k.get(key); return v === undefined ? null : Number(v); };
    g.mem_anon_bytes ??= num('anon');
    g.mem_file_bytes ??= num('file');
    // `kernel` since 5.18; before it, kernel stacks and slab are most of it.
    const ks = num('kernel_stack');
    const slab = num('slab');
    g.mem_kernel_bytes ??= num('kernel') ?? (ks !== null && slab !== null ? ks + slab : null);
    g.mem_inactive_file_bytes ??= num('inactive_file');
  }
  const ev = t('memory.events');
  if (ev !== null) {
    const k = parseKeyedOnly(ev, MEMORY_EVENTS);
    g.oom ??= k.get('oom') ?? null;
    g.oom_kill ??= k.get('oom_kill') ?? null;
  }
  const io = t('io.stat');
  if (io !== null) g.io ??= parseIoStat(io);
  const pc = t('pids.current');
  if (pc !== null) g.pids_current ??= parseGauge(pc);
  const pm = t('pids.max');
  if (pm !== null) g.pids_max ??= limitValue(parseLimit(pm));
  for (const r of ['cpu', 'memory', 'io'] as const) {
    const s = t(`${r}.pressure`);
    if (s !== null && g.psi[r] === null) {
      const ps = parsePressure(s);
      if (ps.some !== null || ps.full !== null) g.psi[r] = ps;
    }
  }
}

function readV1(h: Hierarchy, t: (file: string) => string | null, g: CgroupSample, clkTck: number): void {
  const c = h.controllers;
  if (c.has('cpuacct')) {
    const usage = t('cpuacct.usage');
    g.cpu_usage_usec ??= usage === null ? null : nsToUs(parseLevel(usage));
    const u = t('cpuacct.usage_user');
    const s = t('cpuacct.usage_sys');
    if (u !== null && s !== null) {
      g.cpu_user_usec ??= nsToUs(parseLevel(u));
      g.cpu_system_usec ??= nsToUs(parseLevel(s));
    } else {
      const st = t('cpuacct.stat');
      if (st !== null) {
        const k = parseKeyedOnly(st, CPUACCT_STAT);
        g.cpu_user_usec ??= ticksToUs(k.get('user'), clkTck);
        g.cpu_system_usec ??= ticksToUs(k.get('system'), clkTck);
      }
    }
  }
  if (c.has('cpu')) {
    const st = t('cpu.stat');
    if (st !== null) {
      const k = parseKeyedOnly(st, V1_CPU_STAT);
      g.nr_periods ??= k.get('nr_periods') ?? null;
      g.nr_throttled ??= k.get('nr_throttled') ?? null;
      g.throttled_usec ??= nsToUs(k.get('throttled_time'));
    }
    const q = t('cpu.cfs_quota_us');
    const per = t('cpu.cfs_period_us');
    const cfs = q === null || per === null ? null : parseCfs(q, per);
    if (cfs !== null && g.cpu_period_usec === null) {
      g.cpu_quota_usec = cfs.quota;
      g.cpu_period_usec = cfs.period;
    }
  }
  if (c.has('memory')) {
    const u = t('memory.usage_in_bytes');
    if (u !== null) g.mem_current_bytes ??= parseGauge(u);
    const peak = t('memory.max_usage_in_bytes');
    if (peak !== null) g.mem_peak_bytes ??= parseGauge(peak);
    const lim = t('memory.limit_in_bytes');
    if (lim !== null && g.mem_limited === null) setMemLimit(g, lim);
    const stat = t('memory.stat');
    if (stat !== null) {
      const k = parseKeyedOnly(stat, V1_MEMORY_STAT);
      // usage_in_bytes counts the descendants (use_hierarchy): so do the total_* lines.
      const num = (key: string): number | null => { const v = k.get(`total_${key}`) ?? k.get(key); return v === undefined ? null : Number(v); };
      g.mem_anon_bytes ??= num('rss');
      g.mem_file_bytes ??= num('cache');
      g.mem_inactive_file_bytes ??= num('inactive_file');
    }
    const kmem = t('memory.kmem.usage_in_bytes');
    if (kmem !== null) g.mem_kernel_bytes ??= parseGauge(kmem);
    const oc = t('memory.oom_control');
    if (oc !== null) g.oom_kill ??= parseKeyedOnly(oc, OOM_CONTROL).get('oom_kill') ?? null;
  }
  if (c.has('pids')) {
    const pc = t('pids.current');
    if (pc !== null) g.pids_current ??= parseGauge(pc);
    const pm = t('pids.max');
    if (pm !== null) g.pids_max ??= limitValue(parseLimit(pm));
  }
  if (c.has('blkio')) g.io ??= blkioDevs(t('blkio.throttle.io_service_bytes'), t('blkio.throttle.io_serviced'));
}
