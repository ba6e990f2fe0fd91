/**
 * The cgroups view (`g`): the cgroup tree with each group's CPU, throttling, memory against its limit,
 * I/O and pids, sortable among siblings, filtered by path and following one subtree; and a group's detail
 * (Enter): its figures, limits, processes and last 10 minutes. Pure functions over the latest CgroupSnap
 * list; every figure is derive/cgroups.ts's (docs/cgroups.md gives each file and formula).
 */
import type { ProcSnap } from '../model';
import type { CgroupSnap } from '../model/cgroups';
import { cgroupName } from '../model/cgroup-name';
import * as format from '../render/format';
import type { Theme } from '../render/theme';
import { fit, joinFit, safeFit } from '../render/width';
import type { HistoryWindow } from '../store/window';
import { chartPoints, DETAIL_SECONDS, DetailView } from './detail';
import { commandOf } from './proctable';
import { limitsLine } from './cgroup-limits';

export const CG_SORT_KEYS = ['name', 'cpu', 'throttled', 'mem', 'io', 'pids', 'psi'] as const;
export type CgSortKey = (typeof CG_SORT_KEYS)[number];

export interface CgTableState {
  sort: CgSortKey;
  descending: boolean;
  /** Case-insensitive substring of the path; '' shows every group. */
  filter: string;
  /** Show only this group and its descendants. */
  follow: string | null;
}

export const CG_TABLE_DEFAULT: CgTableState = { sort: 'cpu', descending: true, filter: '', follow: null };

const ioOf = (c: CgroupSnap): number | null =>
  c.io_read_bytes_per_s === null && c.io_write_bytes_per_s === null ? null : (c.io_read_bytes_per_s ?? 0) + (c.io_write_bytes_per_s ?? 0);

const SORT_VALUE: { [K in CgSortKey]: (c: CgroupSnap) => number | string | null } = {
  name: (c) => cgroupName(c.path).toLowerCase(),
  cpu: (c) => c.cpu_pct,
  throttled: (c) => c.cpu_throttled_pct,
  mem: (c) => c.mem_current_bytes,
  io: ioOf,
  pids: (c) => c.pids_current,
  psi: (c) => c.psi.cpu?.some_avg10 ?? null,
};

const parentOf = (path: string): string | null => (path === '/' ? null : path.slice(0, path.lastIndexOf('/')) || '/');
const under = (path: string, top: string): boolean => top === '/' || path === top || path.startsWith(top + '/');

export interface CgRow {
  snap: CgroupSnap;
  /** Tree drawing before the name. */
  prefix: string;
}

/**
 * Rows in display order: the tree, depth first, siblings sorted by the sort key (no value last, ties by
 * path). A filter keeps the matching groups and their ancestors, so the tree stays readable.
 */
export function cgroupRows(snaps: readonly CgroupSnap[], st: CgTableState): CgRow[] {
  let set = st.follow === null ? [...snaps] : snaps.filter((c) => under(c.path, st.follow!));
  if (st.filter !== '') {
    const f = st.filter.toLowerCase();
    const keep = new Set<string>();
    for (const c of set) {
      if (!c.path.toLowerCase().includes(f) && !cgroupName(c.path).toLowerCase().includes(f)) continue;
      for (let p: string | null = c.path; p !== null && !keep.has(p); p = parentOf(p)) keep.add(p);
    }
    set = set.filter((c) => keep.has(c.path));
  }
  const byPath = new Map(set.map((c) => [c.path, c]));
  const kids = new Map<string | null, CgroupSnap[]>();
  for (const c of set) {
    // A group whose parent is not shown (followed, or past the walk's budget) starts a tree of its own.
    let p = parentOf(c.path);
    while (p !== null && !byPath.has(p)) p = parentOf(p);
    const list = kids.get(p);
    if (list) list.push(c);
    else kids.set(p, [c]);
  }
  const get = SORT_VALUE[st.sort];
  const cmp = (a: CgroupSnap, b: CgroupSnap): number => {
    const x = get(a);
    const y = get(b);
    let c = 0;
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      if (st.descending) c = -c;
    }
    return c !== 0 ? c : a.path < b.path ? -1 : 1;
  };
  const out: CgRow[] = [];
  const visit = (parent: string | null, lead: string): void => {
    const list = (kids.get(parent) ?? []).sort(cmp);
    list.forEach((c, i) => {
      const last = i === list.length - 1;
      out.push({ snap: c, prefix: parent === null ? '' : lead + (last ? '└─' : '├─') });
      visit(c.path, parent === null ? '' : lead + (last ? '  ' : '│ '));
    });
  };
  visit(null, '');
  return out;
}

/** used / limit as a bar `width` cells wide: filled share of the limit, or a dash without one. */
export function memBar(c: CgroupSnap, width: number, theme: Theme): string {
  const pct = c.mem_used_pct_of_limit;
  const text = `${format.bytes(c.mem_current_bytes)}/${c.mem_max_bytes === null ? '-' : format.bytes(c.mem_max_bytes)}`;
  const barW = Math.max(0, width - text.length - 1);
  if (barW < 3) return fit(text, width, 'right');
  if (pct === null) return `${' '.repeat(barW)} ${text}`;
  const filled = Math.max(0, Math.min(barW, Math.round((pct / 100) * barW)));
  const bar = '█'.repeat(filled) + '░'.repeat(barW - filled);
  return `${theme.level(pct, bar)} ${text}`;
}

interface Column {
  key: CgSortKey | 'limit';
  title: string;
  width: number;
  cell: (c: CgroupSnap, theme: Theme, w: number) => string;
}

const num = (s: string, w: number): string => fit(s, w, 'right');

const COLUMNS: Column[] = [
  // 100 × Δusage_µs / Δt_µs (cpu.stat usage_usec; v1 cpuacct.usage).
  { key: 'cpu', title: 'CPU%', width: 6, cell: (c, t, w) => (c.cpu_pct !== null && c.cpu_pct >= 1 ? t.level(Math.min(100, c.cpu_pct), num(format.pct(c.cpu_pct), w)) : num(format.pct(c.cpu_pct), w)) },
  // quota / period, cores; '-' without a quota.
  { key: 'limit', title: 'LIMIT', width: 5, cell: (c, _t, w) => num(c.cpu_limit_cores === null ? '-' : c.cpu_limit_cores.toFixed(c.cpu_limit_cores < 10 ? 1 : 0), w) },
  // 100 × Δnr_throttled / Δnr_periods.
  { key: 'throttled', title: 'THR%', width: 5, cell: (c, t, w) => (c.cpu_throttled_pct !== null && c.cpu_throttled_pct >= 1 ? t.fg('yellow', num(format.pct(c.cpu_throttled_pct), w)) : num(format.pct(c.cpu_throttled_pct), w)) },
  // memory.current / memory.max (v1 usage_in_bytes / limit_in_bytes).
  { key: 'mem', title: 'MEM used/limit', width: 24, cell: (c, t, w) => memBar(c, w, t) },
  // Δ(rbytes + wbytes) of io.stat / Δt.
  { key: 'io', title: 'IO/s', width: 7, cell: (c, _t, w) => num(format.byteRate(ioOf(c)), w) },
  // pids.current.
  { key: 'pids', title: 'PIDS', width: 5, cell: (c, _t, w) => num(format.count(c.pids_current), w) },
  // cpu.pressure some avg10.
  { key: 'psi', title: 'PSI', width: 5, cell: (c, _t, w) => num(c.psi.cpu?.some_avg10 == null ? '-' : c.psi.cpu.some_avg10.toFixed(1), w) },
];
/** Dropped first to last on a narrow terminal; the sort column never is. */
const DROP: string[] = ['psi', 'limit', 'pids', 'io', 'throttled'];

const sum = (a: (number | null)[], b: (number | null)[]): (number | null)[] => a.map((v, i) => (v === null && b[i] === null ? null : (v ?? 0) + (b[i] ?? 0)));

export interface CgroupsInput {
  rows: CgRow[];
  total: number;
  state: CgTableState;
  /** Index of the selected row, or -1. */
  selected: number;
  width: number;
  height: number;
  theme: Theme;
  /** Set when the walk's budget left groups out. */
  truncated?: boolean;
  /** The key that opened the view and closes it (live g, replay C). */
  closeKey?: string;
}

/** Header and the rows that fit, the selected one kept on screen. */
export function cgroupsView(input: CgroupsInput): { label: string; lines: string[]; top: number } {
  const { rows, state, theme, width, height } = input;
  let cols = [...COLUMNS];
  const used = (cs: Column[]): number => cs.reduce((s, c) => s + c.width + 1, 0);
  for (const k of DROP) if (width - used(cols) < 20 && k !== state.sort) cols = cols.filter((c) => c.key !== k);
  const nameW = Math.max(8, width - used(cols));
  const mark = (k: string): string => (k === state.sort ? (state.descending ? '▼' : '▲') : '');
  const head = [fit(`CGROUP${mark('name')}`, nameW), ...cols.map((c) => fit(c.title + mark(c.key), c.width, c.key === 'mem' ? 'left' : 'right'))].join(' ');
  const visible = Math.max(0, height - 1);
  const sel = input.selected;
  const top = sel < 0 ? 0 : Math.max(0, Math.min(sel - Math.floor(visible / 2), rows.length - visible));
  const lines = [theme.header(fit(head, width))];
  for (let i = top; i < Math.min(rows.length, top + visible); i++) {
    const r = rows[i];
    const name = safeFit(r.prefix + cgroupName(r.snap.path), nameW);
    const line = [name, ...cols.map((c) => c.cell(r.snap, theme, c.width))].join(' ');
    lines.push(i === sel ? theme.selected(line) : line);
  }
  const parts = [`cgroups ${rows.length}/${input.total}`, `sorted by ${state.sort} (< > I)`];
  if (state.filter !== '') parts.push(`filter "${safeFit(state.filter, 30).trimEnd()}"`);
  if (state.follow !== null) parts.push(`follow ${safeFit(state.follow, 40).trimEnd()}`);
  if (input.truncated) parts.push('the walk\'s budget left groups out');
  parts.push(`Enter: detail · Esc/${input.closeKey ?? 'g'} closes`);
  // Within the top border: a part that does not fit is left out, never wrapped onto the header row.
  return { label: joinFit(parts, input.width - 4, ' · '), lines, top };
}

/** The processes of a group and its descendants, by /proc/PID/cgroup (the path vigil reads there). */
export function procsIn(procs: readonly ProcSnap[], path: string): ProcSnap[] {
  return procs.filter((p) => p.cgroup !== null && under(p.cgroup, path));
}

export interface CgroupDetailInput {
  snap: CgroupSnap;
  procs: readonly ProcSnap[];
  history: HistoryWindow;
  theme: Theme;
  width: number;
}

/** One group: figures, limits, its processes (busiest first), and four charts of its last 10 minutes. */
export function cgroupDetailView(input: CgroupDetailInput): DetailView {
  const { snap: c, theme, history } = input;
  const points = chartPoints(input.width);
  const chart = (series: Parameters<HistoryWindow['chart']>[0]): (number | null)[] => history.chart(series, c.path, DETAIL_SECONDS, points);
  const mine = procsIn(input.procs, c.path).sort((a, b) => (b.cpu_pct ?? -1) - (a.cpu_pct ?? -1) || a.pid - b.pid);
  const psi = (r: 'cpu' | 'memory' | 'io'): string => (c.psi[r] === null ? '-' : `${(c.psi[r]!.some_avg10 ?? 0).toFixed(2)}/${(c.psi[r]!.full_avg10 ?? 0).toFixed(2)}`);
  const lines = [
    `${theme.bold(safeFit(cgroupName(c.path), 40).trimEnd())}  ${safeFit(c.path, Math.max(10, input.width - 44)).trimEnd()}`,
    `limits     ${limitsLine(c)}`,
    `cpu        ${format.pct(c.cpu_pct)}% (user ${format.pct(c.cpu_user_pct)}% system ${format.pct(c.cpu_system_pct)}%)  throttled ${format.pct(c.cpu_throttled_pct)}% of periods`,
    `memory     ${format.bytes(c.mem_current_bytes)} of ${c.mem_max_bytes === null ? '-' : format.bytes(c.mem_max_bytes)} (${format.pct(c.mem_used_pct_of_limit)}%)  peak ${format.bytes(c.mem_peak_bytes)}  ` +
      `working set ${format.bytes(c.mem_working_set_bytes)}  anon ${format.bytes(c.mem_anon_bytes)} file ${format.bytes(c.mem_file_bytes)} kernel ${format.bytes(c.mem_kernel_bytes)}  OOM kills ${format.count(c.oom_kills)}`,
    `io         read ${format.byteRate(c.io_read_bytes_per_s)} write ${format.byteRate(c.io_write_bytes_per_s)}  pids ${format.count(c.pids_current)}/${c.pids_max === null ? '-' : c.pids_max}  ` +
      `psi some/full avg10 cpu ${psi('cpu')} memory ${psi('memory')} io ${psi('io')}`,
    `processes  ${mine.length}${mine.length === 0 ? '' : ':'} ${mine.slice(0, 6).map((p) => `${p.pid} ${safeFit(commandOf(p), 20).trimEnd()} ${format.pct(p.cpu_pct)}%`).join('  ')}`,
  ];
  return {
    label: `cgroup ${safeFit(cgroupName(c.path), 30).trimEnd()} · last ${DETAIL_SECONDS / 60} min · Esc closes`,
    lines,
    charts: [
      { title: 'CPU %', y: chart('cgroup.cpu_pct'), format: (v) => `${format.pct(v)}%`, colour: 'green', minMax: 1 },
      { title: 'memory in use', y: chart('cgroup.mem_current_bytes'), format: (v) => format.bytes(v), colour: 'cyan', minMax: 1048576 },
      { title: 'throttled % of periods', y: chart('cgroup.cpu_throttled_pct'), format: (v) => `${format.pct(v)}%`, colour: 'yellow', minMax: 1 },
      { title: 'I/O read + write', y: sum(chart('cgroup.io_read_bytes_per_s'), chart('cgroup.io_write_bytes_per_s')), format: (v) => format.byteRate(v), colour: 'blue', minMax: 1024 },
    ],
  };
}
