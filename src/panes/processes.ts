import type { ProcSnap } from '../model';
import type { CellFormat, PaneColumn } from '../model/fields/field';
import { PROC_FIELDS } from '../model/fields/proc';
import { cgroupName } from '../model/cgroup-name';
import * as format from '../render/format';
import { sanitizeTagged } from '../render/sanitize';
import type { Theme } from '../render/theme';
import { fit, safeFit } from '../render/width';
import { ColumnKey, commandOf, Row, TableState } from './proctable';

/** A network figure with its source: "1.2M" from the kernel's TCP counters, "1.2M*" from the shim. */
function netCell(p: ProcSnap, v: number | null): string {
  return p.net_source === 'shim' ? `${format.bytes(v)}*` : format.bytes(v);
}

interface ColumnDef {
  title: string;
  width: number;
  /** Columns with the highest number are dropped first when the terminal is narrow; 0 never is. */
  drop: number;
  align: 'left' | 'right';
  cell: (p: ProcSnap) => string;
  /** A 0..100 share to colour the cell by. */
  level?: (p: ProcSnap) => number | null;
  /** Whether two snapshots of one process show the same cell (every field the cell is made from is equal). */
  same: (a: ProcSnap, b: ProcSnap) => boolean;
}

const FORMAT: { [F in CellFormat]: (v: number | string | boolean | null) => string } = {
  pct: (v) => format.pct(v as number | null),
  bytes: (v) => format.bytes(v as number | null),
  count: (v) => format.count(v as number | null),
  int: (v) => (v === null ? '-' : String(v)),
  time: (v) => format.cpuTime(v as number | null),
  text: (v) => (v === null ? '-' : String(v)),
};

/** Cells that show more than their field's value. */
const CELL: Partial<Record<ColumnKey, (p: ProcSnap) => string>> = {
  user: (p) => p.user ?? (p.uid === null ? '-' : String(p.uid)),
  command: (p) => commandOf(p),
  cgroup: (p) => cgroupName(p.cgroup),
  // Network per process: TCP from the kernel's socket counters (sock_diag) for every process, or every IP
  // socket call counted by the vigil run shim, marked with a trailing '*'.
  netrx: (p) => netCell(p, p.net_rx_bytes_per_s),
  nettx: (p) => netCell(p, p.net_tx_bytes_per_s),
};

/** What the cells of CELL are made from. */
const SAME: Partial<Record<ColumnKey, (a: ProcSnap, b: ProcSnap) => boolean>> = {
  user: (a, b) => a.user === b.user && a.uid === b.uid,
  command: (a, b) => a.cmdline === b.cmdline && a.comm === b.comm && a.kthread === b.kthread && a.state === b.state,
  cgroup: (a, b) => a.cgroup === b.cgroup,
  netrx: (a, b) => a.net_rx_bytes_per_s === b.net_rx_bytes_per_s && a.net_source === b.net_source,
  nettx: (a, b) => a.net_tx_bytes_per_s === b.net_tx_bytes_per_s && a.net_source === b.net_source,
};

/** Every column of the process table, from the process field table (src/model/fields/proc.ts). */
export const COLUMNS = Object.fromEntries(
  PROC_FIELDS.flatMap((f) => {
    if (!('pane' in f)) return [];
    const c: PaneColumn = f.pane;
    const fmt = FORMAT[c.format];
    const def: ColumnDef = {
      title: c.title, width: c.width, drop: c.drop, align: c.align,
      cell: CELL[c.id as ColumnKey] ?? ((p) => fmt(p[f.key] as number | string | boolean | null)),
      ...(c.level === true ? { level: (p: ProcSnap) => p[f.key] as number | null } : {}),
      same: SAME[c.id as ColumnKey] ?? ((a, b) => a[f.key] === b[f.key]),
    };
    return [[c.id, def]];
  }),
) as { [K in ColumnKey]: ColumnDef };

/** Left to right, as the field table places them. */
export const COLUMN_ORDER: ColumnKey[] = PROC_FIELDS.flatMap((f) => ('pane' in f ? [f.pane] : []))
  .sort((a, b) => a.at - b.at)
  .map((c) => c.id);

/** Narrower, a command line says too little (the 80-column table showed 20 characters). */
const COMMAND_MIN = 24;

/** Which columns the table may show (the config's `columns`, F2), and the one it is sorted by. */
export interface ColumnChoice {
  /** The columns chosen, in any order; the table lays them out in COLUMN_ORDER. Default: all. */
  columns?: readonly ColumnKey[];
  /** Shown even when not chosen, and never dropped: its header carries the sort mark. */
  sortKey?: ColumnKey;
}

/**
 * The columns that fit `width`: whole columns are dropped, the highest `drop` first (columns of equal
 * `drop` go together: NET RX/s without NET TX/s would be half a figure), never one with drop 0 nor the
 * sort column, so that no cell is cut and the sort mark stays on screen; the command takes the rest.
 */
export function fitColumns(width: number, choice: ColumnChoice = {}): { key: ColumnKey; width: number }[] {
  const chosen = choice.columns === undefined ? null : new Set(choice.columns);
  const keys = COLUMN_ORDER.filter((k) => chosen === null || chosen.has(k) || k === choice.sortKey);
  const hasCommand = keys.includes('command');
  const used = (ks: ColumnKey[]): number => ks.reduce((s, k) => s + (k === 'command' ? 0 : COLUMNS[k].width + 1), 0) - (hasCommand ? 0 : 1);
  while (used(keys) + (hasCommand ? COMMAND_MIN : 0) > width) {
    const droppable = keys.filter((k) => COLUMNS[k].drop > 0 && k !== choice.sortKey);
    if (droppable.length === 0) break;
    const worst = Math.max(...droppable.map((k) => COLUMNS[k].drop));
    for (const k of droppable) if (COLUMNS[k].drop === worst) keys.splice(keys.indexOf(k), 1);
  }
  return keys.map((k) => ({ key: k, width: k === 'command' ? Math.max(1, width - used(keys)) : COLUMNS[k].width }));
}

/**
 * A column title with the sort mark, in `width` cells: a title too long for both loses its unit
 * ("WRITE/s" → "WRITE▼", "WAIT%" → "WAIT▼"), then its end; the mark itself is never cut.
 */
export function markedTitle(title: string, mark: string, width: number): string {
  if (mark === '' || title.length + mark.length <= width) return title + mark;
  const bare = title.replace(/(\/s|%)$/, '');
  return bare.slice(0, Math.max(0, width - mark.length)) + mark;
}

export interface ProcessesView {
  label: string;
  lines: string[];
  /** Header x ranges, for sorting by a click. */
  columns: { key: ColumnKey; x0: number; x1: number }[];
  /** Index in `rows` of the first row shown (after scrolling). */
  top: number;
}

/** Keeps the selected row on screen: the first row to show. */
export function scrollFor(selected: number, top: number, visible: number, total: number): number {
  if (visible <= 0 || total <= 0) return 0;
  let t = Math.min(top, Math.max(0, total - visible));
  if (selected >= 0) {
    if (selected < t) t = selected;
    if (selected >= t + visible) t = selected - visible + 1;
  }
  return Math.max(0, t);
}

export interface ProcessesInput {
  rows: Row[];
  total: number;
  state: TableState;
  selected: number;
  top: number;
  width: number;
  height: number;
  theme: Theme;
  /** Shown after the counts in the label (e.g. "io unreadable for 12"). */
  note?: string;
  /** Processes in breach of an alert rule: their command gets a mark. */
  mark?: (p: ProcSnap) => boolean;
  /** The columns chosen (the config's `columns`, F2); all when left out. */
  columns?: readonly ColumnKey[];
}

/**
 * Commands escaped and cut to their column, kept by command: a command line changes rarely, and
 * escaping one (up to a MiB) at every refresh of every visible row is work for nothing. Keyed by the
 * command string itself, whose hash V8 keeps, then by prefix and width.
 */
const fittedCache = new Map<string, Map<string, string>>();
function fitted(command: string, prefix: string, width: number): string {
  let byPlace = fittedCache.get(command);
  if (byPlace === undefined) {
    if (fittedCache.size >= 4096) fittedCache.clear();
    fittedCache.set(command, (byPlace = new Map()));
  }
  const key = `${width}\0${prefix}`;
  let out = byPlace.get(key);
  if (out === undefined) {
    if (byPlace.size >= 16) byPlace.clear();
    out = safeFit(prefix + command, width);
    byPlace.set(key, out);
  }
  return out;
}

/**
 * A row's formatted line, kept on its ProcSnap: derive hands back the very same ProcSnap for a process
 * that did not run (derive.ts, `unmoved`), and most of a table's rows are such processes, so at 10 frames
 * a second the same cells were formatted again and again. The line depends only on the snapshot (never
 * changed once made), the tree prefix, the columns and their widths, the alert mark and the theme; the
 * selection's colour is applied after.
 */
interface LineMemo {
  theme: Theme;
  key: string;
  line: string;
  /** The line's cells, column by column with the ' ' between them: a process that ran takes the unchanged ones from here. */
  segs: string[];
}
const lineMemo = new WeakMap<ProcSnap, LineMemo>();

/** One column's cell of a row: fitted, escaped, coloured by its level. */
function cellText(r: Row, c: { key: ColumnKey; width: number }, marked: boolean, theme: Theme): string {
  const def = COLUMNS[c.key];
  if (c.key === 'command') {
    if (marked) return `${theme.fg('red', '!')}${fitted(def.cell(r.proc), ' ' + r.prefix, c.width - 1)}`;
    return fitted(def.cell(r.proc), r.prefix, c.width);
  }
  // A user or cgroup name can hold anything a path may: escaped as the command is.
  if (c.key === 'user' || c.key === 'cgroup') return safeFit(def.cell(r.proc), c.width, def.align);
  const text = fit(def.cell(r.proc), c.width, def.align);
  const lv = def.level?.(r.proc) ?? null;
  return lv !== null && lv >= 1 ? theme.level(lv, text) : text;
}

/**
 * The memo last made for each process on screen, by pid: a process that ran has a new ProcSnap, but most
 * of its cells (pid, user, command, often RSS) show what they showed; those are taken from here, as the
 * same strings (then the CellPainter skips them by reference).
 */
const byPid = new Map<number, { start_time: number; proc: ProcSnap; memo: LineMemo }>();


function rowLine(r: Row, cols: { key: ColumnKey; width: number }[], colsKey: string, marked: boolean, theme: Theme): LineMemo {
  const key = `${colsKey}\0${r.prefix}\0${marked ? 1 : 0}`;
  const hit = lineMemo.get(r.proc);
  if (hit !== undefined && hit.key === key && hit.theme === theme) return hit;
  const last = byPid.get(r.proc.pid);
  const was = last !== undefined && last.start_time === r.proc.start_time && last.memo.key === key && last.memo.theme === theme ? last : undefined;
  const segs = new Array<string>(Math.max(0, cols.length * 2 - 1));
  for (let j = 0; j < cols.length; j++) {
    if (j > 0) segs[2 * j - 1] = ' ';
    segs[2 * j] = was !== undefined && COLUMNS[cols[j].key].same(was.proc, r.proc) ? was.memo.segs[2 * j] : cellText(r, cols[j], marked, theme);
  }
  const line = segs.join('');
  let memo: LineMemo;
  if (hit !== undefined) {
    hit.theme = theme;
    hit.key = key;
    hit.line = line;
    hit.segs = segs;
    memo = hit;
  } else {
    memo = { theme, key, line, segs };
    lineMemo.set(r.proc, memo);
  }
  if (last !== undefined) {
    last.start_time = r.proc.start_time;
    last.proc = r.proc;
    last.memo = memo;
  } else byPid.set(r.proc.pid, { start_time: r.proc.start_time, proc: r.proc, memo });
  return memo;
}

/** Formats the header and only the rows on screen. */
export function processesView(input: ProcessesInput): ProcessesView {
  const { rows, state, width, height, theme } = input;
  const cols = fitColumns(width, { columns: input.columns, sortKey: state.sortKey });
  const columns: ProcessesView['columns'] = [];
  let x = 0;
  const head = cols
    .map((c) => {
      const def = COLUMNS[c.key];
      const arrow = c.key === state.sortKey ? (state.descending ? '▼' : '▲') : '';
      const title = fit(markedTitle(def.title, arrow, c.width), c.width, c.key === 'command' ? 'left' : def.align);
      columns.push({ key: c.key, x0: x, x1: x + c.width });
      x += c.width + 1;
      return c.key === state.sortKey ? theme.bold(title) : title;
    })
    .join(' ');
  const visible = Math.max(0, height - 1);
  const top = scrollFor(input.selected, input.top, visible, rows.length);
  const lines = [theme.header(head)];
  const colsKey = cols.map((c) => `${c.key}:${c.width}`).join(',');
  for (let i = top; i < Math.min(rows.length, top + visible); i++) {
    const r = rows[i];
    const memo = rowLine(r, cols, colsKey, input.mark?.(r.proc) === true, theme);
    // Rows go to the CellPainter whole, not as segments: the order moves and rows shift, and painting a
    // shifted row by segments measured a sixth more than painting it whole (bench paint, 300 processes,
    // a tenth moving each frame), more than skipping the unchanged cells of the others saved.
    lines.push(i === input.selected ? theme.selected(memo.line) : memo.line);
  }
  // Processes that left the screen (or ended) leave their memo behind: a few screens' worth are kept.
  if (byPid.size > 4 * Math.max(visible, 64)) {
    const onScreen = new Set<number>();
    for (let i = top; i < Math.min(rows.length, top + visible); i++) onScreen.add(rows[i].proc.pid);
    for (const pid of byPid.keys()) if (!onScreen.has(pid)) byPid.delete(pid);
  }
  const parts = [`processes ${rows.length}/${input.total}`];
  if (state.filter !== '') parts.push(`filter "${sanitizeTagged(state.filter)}"`);
  if (state.tree) parts.push('tree');
  if (state.follow !== null) parts.push(`follow ${state.follow.pid}`);
  if (input.note) parts.push(input.note);
  return { label: parts.join(' · '), lines, columns, top };
}
