/**
 * The series the history window keeps: one table per subject kind, each entry naming the Snapshot field
 * it reads, its unit, and whether it is a gauge or a per-second rate. Every entry is a figure row of a
 * field table (src/model/fields/) that names a series; this file only says where in a Snapshot each
 * family's figures are. Alerts (metric names), panes (chart/average calls) and docs/alerts.md all use
 * these names, so a series is spelled one way everywhere.
 *
 * A "subject" tells instances of a per-thing series apart: the core number, the interface, the disk,
 * the mount point, or `pid:start_time` for a process. System-wide series have the subject ''.
 */
import type { CoreSnap, DiskSnap, FsSnap, NetSnap, ProcSnap, Snapshot } from '../../model';
import type { CgroupSnap } from '../../model/cgroups';
import { CGROUP_FIELDS } from '../../model/fields/cgroup';
import { CPU_FIELDS } from '../../model/fields/cpu';
import { DISK_FIELDS } from '../../model/fields/disk';
import type { FieldKind } from '../../model/fields/field';
import { FS_FIELDS } from '../../model/fields/fs';
import { MEM_FIELDS, VM_FIELDS } from '../../model/fields/memory';
import { NET_FIELDS, TCP_FIELDS, UDP_FIELDS } from '../../model/fields/net';
import { PROC_FIELDS, ProcSeriesKey } from '../../model/fields/proc';
import { PSI_FIELDS, PSI_RESOURCES, PsiResourceName, psiHelp } from '../../model/fields/psi';
import { SYSTEM_FIELDS } from '../../model/fields/system';

/**
 * gauge: a level or a share of the interval (%, bytes, count) — averaged, never summed.
 * rate: a per-second rate — averaged, and integrated by delta() into "how much in the last N s".
 */
export type SeriesKind = 'gauge' | 'rate';
export type SubjectKind = 'none' | 'core' | 'iface' | 'disk' | 'mount' | 'proc' | 'cgroup';

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

/** What a figure row gives the window: its name, kind, unit and help. */
interface SeriesRow {
  readonly key: string;
  readonly kind: FieldKind;
  readonly unit: string;
  readonly help: string;
  readonly series?: string;
}
type KindOf<R> = R extends { kind: 'rate' } ? 'rate' : 'gauge';
/** A window table from a field table: one series per row with a `series` name, in row order. */
type SeriesTable<R, T> = { readonly [Row in Extract<R, { series: string }> as Row['series']]: Def<T, KindOf<Row>> };

function defOf<T>(row: SeriesRow, get: (x: T) => number | null, help = row.help): Def<T> {
  return row.kind === 'rate' ? r<T>(row.unit, help, get) : g<T>(row.unit, help, get);
}

/** `part` picks the Snapshot part the family's figures are keys of (s.cpu, s.mem, the Snapshot itself...). */
function seriesOf<Rows extends readonly SeriesRow[], T, P>(rows: Rows, part: (x: T) => P): SeriesTable<Rows[number], T> {
  return Object.fromEntries(rows.flatMap((row) => {
    if (row.series === undefined) return [];
    const key = row.key as keyof P;
    return [[row.series, defOf<T>(row, (x) => part(x)[key] as number | null)]];
  })) as SeriesTable<Rows[number], T>;
}

type PsiRow = Extract<(typeof PSI_FIELDS)[number], { series: string }>;
type PsiSeries = { readonly [K in `psi.${PsiResourceName}.${PsiRow['series']}`]: Def<Snapshot, 'gauge'> };

/** psi.<resource>.<series>, resource by resource. */
function psiSeries(): PsiSeries {
  return Object.fromEntries(PSI_RESOURCES.flatMap((res) => PSI_FIELDS.flatMap((row) => {
    if (!('series' in row)) return [];
    return [[`psi.${res}.${row.series}`, defOf<Snapshot>(row, (s) => s.psi[res]?.[row.key] ?? null, psiHelp(row.help, res))]];
  }))) as PsiSeries;
}

const snap = (s: Snapshot): Snapshot => s;

/**
 * System-wide series (subject ''): the figure rows of the cpu, system, memory, psi, vm, tcp and udp
 * field tables that name a series (src/model/fields/).
 */
export const SYSTEM_SERIES = Object.freeze({
  ...seriesOf(CPU_FIELDS, (s: Snapshot) => s.cpu),
  ...seriesOf(SYSTEM_FIELDS, snap),
  ...seriesOf(MEM_FIELDS, (s: Snapshot) => s.mem),
  ...psiSeries(),
  ...seriesOf(VM_FIELDS, snap),
  ...seriesOf(TCP_FIELDS, (s: Snapshot) => s.tcp),
  ...seriesOf(UDP_FIELDS, (s: Snapshot) => s.udp),
});

type CoreRow = Extract<(typeof CPU_FIELDS)[number], { core: unknown }>;

/** Per core; subject = the core number ('0', '1', ...). `cpu.N.user_pct` in a metric name means the same. */
export const CORE_SERIES = Object.freeze(Object.fromEntries(CPU_FIELDS.flatMap((row) =>
  'core' in row ? [[row.core.series, defOf<CoreSnap>(row, (c) => c[row.key], row.core.help)]] : []),
)) as { readonly [R in CoreRow as R['core']['series']]: Def<CoreSnap, 'gauge'> };

const self = <T>(x: T): T => x;

/** Per interface; subject = the interface name. */
export const NET_SERIES = Object.freeze(seriesOf(NET_FIELDS, self<NetSnap>));

/** Per disk; subject = the device name. */
export const DISK_SERIES = Object.freeze(seriesOf(DISK_FIELDS, self<DiskSnap>));

/** Per mount; subject = the mount point. */
export const FS_SERIES = Object.freeze(seriesOf(FS_FIELDS, self<FsSnap>));

/**
 * Per cgroup; subject = the cgroup path. Values arrive on the cgroup tier's ticks (the process interval);
 * the field table (src/model/fields/cgroup.ts) has each formula. The alert metrics cgroup.cpu_throttled_pct,
 * cgroup.mem_used_pct_of_limit and cgroup.oom_kills are these.
 */
export const CGROUP_SERIES = Object.freeze(seriesOf(CGROUP_FIELDS, self<CgroupSnap>));

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
export type CgroupSeriesName = keyof typeof CGROUP_SERIES;
export type ProcSeriesName = keyof typeof PROC_SERIES;
/** Series kept in the 1 s buckets for the whole hour. */
export type SysSeriesName = SystemSeriesName | CoreSeriesName | NetSeriesName | DiskSeriesName | FsSeriesName | CgroupSeriesName;
export type SeriesName = SysSeriesName | ProcSeriesName;

type AllTables = typeof SYSTEM_SERIES & typeof CORE_SERIES & typeof NET_SERIES & typeof DISK_SERIES &
  typeof FS_SERIES & typeof PROC_SERIES & typeof CGROUP_SERIES;
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
  ...infos(CGROUP_SERIES, 'cgroup'),
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
