/**
 * The report's cgroups (recordings of schema 4 on): every group read in the range, its figures at each
 * read of the cgroup tier (derive/cgroups.ts's CgroupSnap, the rows `vigil export --table cgroups` gives;
 * docs/cgroups.md has each source) and totals over the range. Only the top groups by CPU and by memory
 * reach the page, with their series, on the cgroup tier's own time axis (its reads, like the process
 * table's). The root is never ranked: it is the whole machine, which the system charts show already.
 *
 * A rate is null where derive gives none (a session's or a group's first read, a counter that went
 * backwards when a group was made again under the same name): a gap in the line, never a spike.
 */
import type { CgroupSnap } from '../model/cgroups';
import { cgroupName } from '../model/cgroup-name';
import { sanitize } from '../render/sanitize';
import { SeriesEncoder } from './encode';
import { Block, SeriesRef } from './series-set';

/** Groups per ranking on the page (charts and table); the rest are counted, not drawn. */
export const CGROUP_TOP_N = 8;

/** A group's series on the page, and the scale each is quantised with (as the system series'). */
export const CGROUP_SERIES = {
  // 100 × Δusage_µs / Δt_µs (cpu.stat usage_usec; v1 cpuacct.usage): 100% is one core.
  cpu: { scale: 100, of: (c: CgroupSnap) => c.cpu_pct },
  // memory.current (v1 memory.usage_in_bytes), whole KiB.
  mem: { scale: 1 / 1024, of: (c: CgroupSnap) => c.mem_current_bytes },
  // 100 × Δnr_throttled / Δnr_periods (cpu.stat): share of CFS periods in which the group was throttled.
  thr: { scale: 100, of: (c: CgroupSnap) => c.cpu_throttled_pct },
} as const;
export type CgroupSeriesName = keyof typeof CGROUP_SERIES;
const NAMES = Object.keys(CGROUP_SERIES) as CgroupSeriesName[];

export const CGROUP_RANKINGS = ['cpu', 'mem'] as const;
export type CgroupRanking = (typeof CGROUP_RANKINGS)[number];

/** Totals over the range (null: the group never had the figure). */
export interface CgroupTotals {
  /** CPU seconds: Σ cpu_pct / 100 × the interval each rate covers (= Δusage over the range, short of gaps). */
  cpu_s: number;
  /** 100 × cpu_s / the seconds those rates covered: the average share of one core while it had a rate. */
  cpu_avg_pct: number | null;
  cpu_peak_pct: number | null;
  /** Throttled %, averaged over the intervals that had one, weighted by their length. */
  thr_avg_pct: number | null;
  /** The highest memory.current read in the range (memory.peak is the group's life's, not the range's). */
  mem_peak_bytes: number | null;
  /** memory.max (v1 limit_in_bytes) and the CPU limit in cores at the last read; null: none. */
  mem_limit_bytes: number | null;
  cpu_limit_cores: number | null;
  /** Σ OOM kills in the intervals (Δ memory.events oom_kill); null: no interval had the figure. */
  oom_kills: number | null;
}

export interface CgroupEntry {
  /** The path under the hierarchy's root (shown escaped, like on the terminal), and vigil's name for it. */
  path: string;
  name: string;
  depth: number;
  totals: CgroupTotals;
  series: Record<CgroupSeriesName, SeriesRef>;
}

export interface CgroupMeta {
  /** The cgroup tier's reads in the range (wall ms): the axis of every group's series. */
  t: SeriesRef;
  /** Groups read in the range, the root included. */
  groups: number;
  /** Groups per ranking. */
  top_n: number;
  list: CgroupEntry[];
  tops: Record<CgroupRanking, number[]>;
  /** Non-root groups with something to rank by (CPU time, memory): the tops are the first of these. */
  ranked: Record<CgroupRanking, number>;
}

interface Acc {
  path: string;
  depth: number;
  /** Index on the axis of its first read. */
  at: number;
  enc: Record<CgroupSeriesName, SeriesEncoder>;
  cpuS: number;
  cpuCoveredS: number;
  cpuPeak: number | null;
  thrWeighted: number;
  thrCoveredS: number;
  memPeak: number | null;
  memLimit: number | null;
  cpuLimit: number | null;
  oom: number | null;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v) && v >= 0;

const RANK_OF: { [K in CgroupRanking]: (a: Acc) => number } = {
  cpu: (a) => a.cpuS,
  mem: (a) => a.memPeak ?? 0,
};

export class CgroupCollector {
  private readonly groups = new Map<string, Acc>();
  private readonly times = new SeriesEncoder(1);
  /** Reads on the axis so far (gaps included). */
  n = 0;

  /** One read of the cgroup tier at wall time t, its rates over intervalMs (null: no rates yet). */
  add(t: number, intervalMs: number | null, snaps: readonly CgroupSnap[]): void {
    this.times.push(t);
    const k = this.n++;
    const dtS = intervalMs !== null && Number.isFinite(intervalMs) && intervalMs > 0 ? intervalMs / 1000 : 0;
    for (const c of snaps) {
      let a = this.groups.get(c.path);
      if (a === undefined) {
        a = {
          path: c.path, depth: c.depth, at: k,
          enc: Object.fromEntries(NAMES.map((n) => [n, new SeriesEncoder(CGROUP_SERIES[n].scale)])) as Record<CgroupSeriesName, SeriesEncoder>,
          cpuS: 0, cpuCoveredS: 0, cpuPeak: null, thrWeighted: 0, thrCoveredS: 0, memPeak: null, memLimit: null, cpuLimit: null, oom: null,
        };
        this.groups.set(c.path, a);
      }
      for (const n of NAMES) {
        const e = a.enc[n];
        e.pad(k - a.at - e.count);
        const v = CGROUP_SERIES[n].of(c);
        e.push(finite(v) ? v : null);
      }
      if (finite(c.cpu_pct) && dtS > 0) {
        a.cpuS += (c.cpu_pct / 100) * dtS;
        a.cpuCoveredS += dtS;
        a.cpuPeak = Math.max(a.cpuPeak ?? 0, c.cpu_pct);
      }
      if (finite(c.cpu_throttled_pct) && dtS > 0) {
        a.thrWeighted += c.cpu_throttled_pct * dtS;
        a.thrCoveredS += dtS;
      }
      if (finite(c.mem_current_bytes)) a.memPeak = Math.max(a.memPeak ?? 0, c.mem_current_bytes);
      a.memLimit = finite(c.mem_max_bytes) ? c.mem_max_bytes : null;
      a.cpuLimit = finite(c.cpu_limit_cores) ? c.cpu_limit_cores : null;
      if (finite(c.oom_kills)) a.oom = (a.oom ?? 0) + c.oom_kills;
    }
  }

  /** A gap on the axis (between sessions): lines break there. */
  gap(t: number): void {
    this.times.push(t);
    this.n++;
  }

  /** The top `n` non-root groups by CPU time and by peak memory, their series in the block. */
  write(block: Block, n: number): CgroupMeta {
    const all = [...this.groups.values()].filter((a) => a.path !== '/');
    const chosen = new Map<Acc, number>();
    const list: CgroupEntry[] = [];
    const tops = {} as Record<CgroupRanking, number[]>;
    const ranked = {} as Record<CgroupRanking, number>;
    for (const r of CGROUP_RANKINGS) {
      const score = RANK_OF[r];
      const some = all.filter((a) => score(a) > 0);
      ranked[r] = some.length;
      const best = some.sort((x, y) => score(y) - score(x) || (x.path < y.path ? -1 : 1)).slice(0, n);
      tops[r] = best.map((a) => {
        let i = chosen.get(a);
        if (i === undefined) {
          i = list.length;
          chosen.set(a, i);
          list.push({
            path: sanitize(a.path), name: sanitize(cgroupName(a.path)), depth: a.depth,
            totals: {
              cpu_s: a.cpuS,
              cpu_avg_pct: a.cpuCoveredS > 0 ? (100 * a.cpuS) / a.cpuCoveredS : null,
              cpu_peak_pct: a.cpuPeak,
              thr_avg_pct: a.thrCoveredS > 0 ? a.thrWeighted / a.thrCoveredS : null,
              mem_peak_bytes: a.memPeak, mem_limit_bytes: a.memLimit, cpu_limit_cores: a.cpuLimit, oom_kills: a.oom,
            },
            series: Object.fromEntries(NAMES.map((name) => [name, block.add(a.enc[name], a.at)])) as Record<CgroupSeriesName, SeriesRef>,
          });
        }
        return i;
      });
    }
    return { t: block.add(this.times), groups: this.groups.size, top_n: n, list, tops, ranked };
  }
}
