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
import { CGROUP_IO_RAW, CGROUP_RAW } from '../../model/fields/cgroup';
import type { SysPromFamily } from '../../model/fields/field';
import type { FamilySpec, Labels, Series } from './family';
import { rowLines } from './row-lines';

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

/** A group's id and name labels, made once per sample of the group (a scrape asks for them in every family). */
const labelsOf = new WeakMap<CgroupSample, Labels>();
function labels(g: CgroupSample): Labels {
  let l = labelsOf.get(g);
  if (l === undefined) labelsOf.set(g, (l = { id: g.path, name: cgroupName(g.path) }));
  return l;
}

const OWN = ['id', 'name'] as const;

/** A raw row's family over the chosen groups: each group's series, with its id and name labels first. */
function fromRow(f: SysPromFamily<CgroupSample, null>): FamilySpec<CgroupState> {
  const fam: FamilySpec<CgroupState> = {
    name: f.name, type: f.type === 'untyped' ? 'gauge' : f.type, help: f.help, labelNames: [...OWN, ...(f.extraLabels ?? [])],
    series: function* (s: CgroupState): Iterable<Series> {
      for (const r of s.rows) for (const [extra, v] of f.series(r.group, null)) yield [{ ...labels(r.group), ...extra }, v as Series[1]];
    },
  };
  const own = {
    fam, rows: (s: CgroupState) => s.rows, labels: (r: CgroupRow) => labels(r.group),
    series: (r: CgroupRow): Iterable<Series> => f.series(r.group, null) as Iterable<Series>, own: OWN, extra: f.extraLabels ?? [],
  };
  fam.lines = (s, out) => rowLines(own, s, out);
  return fam;
}

/** PSI totals (µs) as seconds: cAdvisor's container_pressure_* (waiting = some, stalled = full). */
function psiFamily(res: 'cpu' | 'memory' | 'io', line: 'some' | 'full'): FamilySpec<CgroupState> {
  const what = line === 'some' ? 'waiting' : 'stalled';
  return fromRow({
    name: `container_pressure_${res}_${what}_seconds_total`, type: 'counter',
    help: `Time at least one task (some) or every task (full) of the cgroup was stalled on ${res}: ${res}.pressure ${line} total / 1e6.`,
    series: (g) => [[{}, us(g.psi[res]?.[line]?.total ?? null)]],
  });
}

/** The field table's families (src/model/fields/cgroup.ts), in row order, then PSI. */
export const CGROUP_FAMILIES: readonly FamilySpec<CgroupState>[] = [
  ...[...CGROUP_RAW, ...CGROUP_IO_RAW].flatMap((r) => ((r as { prom?: readonly SysPromFamily<CgroupSample, null>[] }).prom ?? []).map(fromRow)),
  psiFamily('cpu', 'some'), psiFamily('cpu', 'full'),
  psiFamily('memory', 'some'), psiFamily('memory', 'full'),
  psiFamily('io', 'some'), psiFamily('io', 'full'),
];
