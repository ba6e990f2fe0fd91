/**
 * The cgroup tier in a recording (schema 4): `cgroup` lists each group once (path, depth), `cgroup_sample`
 * holds its raw values on the ticks where the tier read (cgroup_tick), a row only when something changed
 * and an absolute one at each cgroup keyframe. Counters are stored as deltas, levels as gauges, a limit of
 * "none" as NULL. io.stat's devices are kept as their sum (io_present says whether the group had the file);
 * a replayed group has one device, `total`.
 */
import type { CgroupSample, CgroupTable } from '../../model/cgroups';
import { ioTotals } from '../../model/cgroups';
import type { Counter } from '../../model/counter';
import { CGROUP_IO_RAW, CGROUP_RAW } from '../../model/fields/cgroup';
import type { PsiResource } from '../../model';
import type { Col, Val } from './codec';
import type { Item } from './flatten';
import { newRow } from './new-row';

const RES = ['cpu', 'memory', 'io'] as const;
const LINES = ['some', 'full'] as const;

/** CgroupSample's scalar values, in column order, with their column kind (the field table's raw rows). */
const SCALARS = CGROUP_RAW.map((r) => [r.key, r.kind === 'counter' ? 'c' : 'g'] as const);
const IO = CGROUP_IO_RAW.map((r) => r.key);

export const CGROUP_COLUMNS: readonly Col[] = [
  ...SCALARS.map(([name, kind]) => ({ name, kind })),
  { name: 'mem_limited', kind: 'g' },
  { name: 'io_present', kind: 'g' },
  ...IO.map((k) => ({ name: `io_${k}`, kind: 'c' as const })),
  ...RES.flatMap((r) => LINES.flatMap((l) => [
    { name: `psi_${r}_${l}_avg10_x100`, kind: 'f' as const }, { name: `psi_${r}_${l}_avg60_x100`, kind: 'f' as const },
    { name: `psi_${r}_${l}_avg300_x100`, kind: 'f' as const }, { name: `psi_${r}_${l}_total_us`, kind: 'c' as const },
  ])),
];

export function flattenCgroups(table: CgroupTable): Item[] {
  return table.groups.map((g) => {
    const vals = newRow();
    for (const [k] of SCALARS) vals.push(g[k] as Val);
    vals.push(g.mem_limited === null ? null : g.mem_limited ? 1 : 0, g.io === null ? 0 : 1);
    const io = g.io === null ? null : ioTotals(g.io);
    for (const k of IO) vals.push(io === null ? null : io[k]);
    for (const r of RES) {
      for (const l of LINES) {
        const line = g.psi[r]?.[l] ?? null;
        vals.push(line?.avg10 ?? null, line?.avg60 ?? null, line?.avg300 ?? null, line?.total ?? null);
      }
    }
    return { key: g.path, ident: [g.path, g.depth], vals };
  });
}

export function buildCgroup(ident: Val[], v: Val[]): CgroupSample {
  const g = { path: String(ident[0]), depth: Number(ident[1]) } as Record<string, unknown>;
  SCALARS.forEach(([k, kind], j) => (g[k] = kind === 'g' && v[j] !== null ? Number(v[j]) : v[j]));
  let i = SCALARS.length;
  const limited = v[i++];
  g.mem_limited = limited === null ? null : Number(limited) === 1;
  const ioPresent = Number(v[i++] ?? 0) === 1;
  const io = IO.map(() => v[i++] as Counter | null);
  g.io = ioPresent && io.every((x) => x !== null) ? [{ dev: 'total', rbytes: io[0]!, wbytes: io[1]!, rios: io[2]!, wios: io[3]! }] : null;
  const psi = {} as Record<string, PsiResource | null>;
  for (const r of RES) {
    const res: PsiResource = { some: null, full: null };
    for (const l of LINES) {
      const [a10, a60, a300, total] = [v[i++], v[i++], v[i++], v[i++]];
      if (a10 !== null && a60 !== null && a300 !== null && total !== null) {
        res[l] = { avg10: Number(a10), avg60: Number(a60), avg300: Number(a300), total: total as Counter };
      }
    }
    psi[r] = res.some === null && res.full === null ? null : res;
  }
  g.psi = psi;
  return g as unknown as CgroupSample;
}
