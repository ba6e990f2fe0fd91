/**
 * The screen's state and every change to it, as one pure reducer: `reduce(state, action)` returns the next
 * state and touches nothing else (no blessed, no timers, no /proc). Keys and the mouse become actions in
 * input.ts; app.ts dispatches them, draws from the state and does what lies outside it (a signal, a
 * replay jump, placing widgets when the mode changes).
 */
import type { ProcSnap } from '../model';
import type { ConnsSort } from '../panes/conns';
import { COLUMN_ORDER } from '../panes/processes';
import { ColumnKey, commandOf, ProcId, Row, sameProc, TableState, tableRows } from '../panes/proctable';
import { SIGNALS } from './actions';
import { CG_UI_INITIAL, CgAction, CgUi, reduceCg } from './cg-state';

/** What has the keyboard, and what fills the body: the panes (main), a view, an overlay or a prompt. */
export type Mode =
  | 'main' | 'filter' | 'search' | 'goto' | 'help' | 'alerts' | 'kill' | 'confirm' | 'detail' | 'conns' | 'sort' | 'user' | 'setup'
  /** The cgroups view (g), its filter prompt, and one group's detail. */
  | 'cgroups' | 'cgfilter' | 'cgdetail';

/** The views a go-to returns to; from anywhere else it returns to the panes. */
export type GotoBack = 'main' | 'detail' | 'conns' | 'cgroups' | 'cgdetail';
const GOTO_BACK: readonly Mode[] = ['detail', 'conns', 'cgroups', 'cgdetail'];

export interface UiState {
  mode: Mode;
  /** The latest process table (Snapshots carry one only on the ticks where it was re-read). */
  procs: ProcSnap[];
  table: TableState;
  /** The selected process, by identity: it stays selected while the table moves under it. */
  selected: ProcId | null;
  /** The first row shown (as the process pane last scrolled). */
  top: number;
  /** The process the detail view shows (kept after it exits). */
  detailProc: ProcSnap | null;
  /** The highlighted signal in the kill dialog (an index into SIGNALS). */
  killIndex: number;
  gotoText: string;
  /** The view replay's go-to prompt was opened from, and returns to (a seek keeps the view open). */
  gotoBack: GotoBack;
  connsSort: ConnsSort;
  /** A pid to follow once it shows up in the process table (vigil run). */
  pendingFollow: number | null;
  /** The process table's chosen columns (the config's `columns`, F2), in COLUMN_ORDER. */
  columns: readonly ColumnKey[];
  /** The highlighted line of the column chooser (an index into COLUMN_ORDER). */
  setupIndex: number;
  /** The search prompt's text (F3): it moves the selection, it does not filter. */
  searchText: string;
  /** The first line of the help shown (it scrolls when it does not fit). */
  helpTop: number;
  /** The highlighted line of the sort menu (an index into COLUMN_ORDER) and of the user menu (into menuUsers). */
  menuIndex: number;
  /** Only this user's processes (u); null: everyone's. */
  user: string | null;
  /** Kernel threads left out (K). */
  hideKernel: boolean;
  /** Tagged processes (Space), by identity key (procKey): kill and nice act on them. */
  tagged: ReadonlySet<string>;
  /** Folded tree branches, by identity key. */
  collapsed: ReadonlySet<string>;
  /** The screen is frozen (z): the app keeps sampling and stops showing new figures. */
  paused: boolean;
  /** The cgroups view's sort, filter, follow and selection (cg-state.ts). */
  cg: CgUi;
}

export type UiAction =
  /** A new process table arrived. */
  | { type: 'procs'; procs: ProcSnap[] }
  /** Opens a view, an overlay or a prompt (kill and detail only with a process selected). */
  | { type: 'open'; mode: 'help' | 'alerts' | 'filter' | 'search' | 'goto' | 'kill' | 'detail' | 'conns' | 'sort' | 'user' | 'setup' | 'cgroups' | 'cgfilter' | 'cgdetail' }
  /** A change inside the cgroups view (cg-state.ts). */
  | { type: 'cg'; action: CgAction; mode?: 'cgroups' }
  /** Back to the panes. */
  | { type: 'close' }
  /**
   * Sort by the next or the previous column, in that column's natural direction: among `keys` (the
   * columns on screen, which the app knows), else among the chosen columns.
   */
  | { type: 'sortStep'; step: 1 | -1; keys?: readonly ColumnKey[] }
  /**
   * A click on a column title: that column, or the other direction when it is already the sort column.
   * `natural` (P, M, T): that column in its natural direction, whatever it was.
   */
  | { type: 'sortBy'; key: ColumnKey; natural?: boolean }
  | { type: 'invert' }
  | { type: 'tree' }
  /** Follow the selected process and its descendants; again: stop. */
  | { type: 'follow' }
  /** Esc on the panes: clear the filter and stop following. */
  | { type: 'back' }
  /** Move the selection by rows (±Infinity: first, last). */
  | { type: 'move'; delta: number }
  /** Select the row at this index of the table (a click). */
  | { type: 'select'; index: number }
  /** Search (F3): a character typed, Backspace, the next match (F3 again), close (Enter, Esc). */
  | { type: 'searchType'; ch: string }
  | { type: 'searchErase' }
  | { type: 'searchNext' }
  /** The help overlay scrolls by rows (±Infinity: first, last); the view says where it stopped. */
  | { type: 'helpScroll'; delta: number }
  | { type: 'helpTop'; top: number }
  /** The sort and user menus: the highlight moves; Enter picks. */
  | { type: 'menuStep'; step: number }
  | { type: 'menuPick' }
  /** Space: tag or untag the selected process, then select the next; U: untag all. */
  | { type: 'tag' }
  | { type: 'untagAll' }
  | { type: 'kernel' }
  /** Fold or unfold the selected branch (or the branch of this process, a click on its marker). */
  | { type: 'fold'; fold: boolean | 'toggle'; id?: ProcId }
  | { type: 'pause' }
  /** The filter prompt: a character typed, Backspace, Enter (keep) or Esc (clear). */
  | { type: 'filterType'; ch: string }
  | { type: 'filterErase' }
  | { type: 'filterKeep' }
  | { type: 'filterClear' }
  /** The go-to prompt: a character typed or Backspace. */
  | { type: 'gotoType'; ch: string }
  | { type: 'gotoErase' }
  /** Enter in the go-to prompt: the app hands the text to the feed; the prompt closes. */
  | { type: 'gotoSubmit' }
  /** The kill dialog: the highlight moves, a number picks, Enter asks to confirm. */
  | { type: 'killStep'; step: 1 | -1 }
  | { type: 'killPick'; index: number }
  | { type: 'killConfirm' }
  /** y in the confirmation: the app sends the signal; the dialog closes. */
  | { type: 'killSend' }
  | { type: 'connsSort' }
  /** The column chooser (F2): the highlight moves; Space or Enter shows or hides the column. */
  | { type: 'setupStep'; step: 1 | -1 }
  | { type: 'setupToggle' }
  /** Before the process pane draws: a selection that left the table moves to the first row shown. */
  | { type: 'settle' }
  /** The process pane scrolled to keep the selection in sight. */
  | { type: 'scrolled'; top: number };

export function initialState(follow: number | null = null, columns: readonly ColumnKey[] | null = null): UiState {
  return {
    mode: 'main',
    procs: [],
    table: { sortKey: 'cpu', descending: true, filter: '', tree: false, follow: null },
    selected: null,
    top: 0,
    detailProc: null,
    killIndex: 0,
    gotoText: '',
    gotoBack: 'main',
    connsSort: 'throughput',
    pendingFollow: follow,
    columns: columns === null ? COLUMN_ORDER : COLUMN_ORDER.filter((k) => columns.includes(k)),
    setupIndex: 0,
    searchText: '',
    helpTop: 0,
    menuIndex: 0,
    user: null,
    hideKernel: false,
    tagged: new Set(),
    collapsed: new Set(),
    paused: false,
    cg: CG_UI_INITIAL,
  };
}

/** A process's identity as one string, for the sets of tagged and folded processes. */
export const procKey = (p: ProcId): string => `${p.pid}:${p.start_time}`;

let memo: { procs: ProcSnap[]; table: TableState; user: string | null; hideKernel: boolean; collapsed: ReadonlySet<string>; rows: Row[] } | null = null;

/**
 * The table's rows for this state: the user's and kernel-thread choices, then sorted, filtered, as a tree
 * with folded branches left out. Kept for as long as its inputs are the same objects.
 */
export function rowsOf(s: UiState): Row[] {
  if (memo === null || memo.procs !== s.procs || memo.table !== s.table || memo.user !== s.user || memo.hideKernel !== s.hideKernel || memo.collapsed !== s.collapsed) {
    const procs = s.user === null && !s.hideKernel ? s.procs : s.procs.filter((p) => (s.user === null || userOf(p) === s.user) && !(s.hideKernel && p.kthread));
    const rows = tableRows(procs, s.table);
    memo = { procs: s.procs, table: s.table, user: s.user, hideKernel: s.hideKernel, collapsed: s.collapsed, rows: s.table.tree ? folded(rows, s.collapsed) : rows };
  }
  return memo.rows;
}

/** The user name a process runs as, or its uid when the name is unknown. */
export const userOf = (p: ProcSnap): string => p.user ?? (p.uid === null ? '?' : String(p.uid));

/** A tree row's depth: its prefix is two cells per level ('' for a root). */
const depthOf = (r: Row): number => r.prefix.length / 2;

/**
 * Tree rows with folded branches left out, and a marker after the branch lines of every process that has
 * children: `-` open, `+` folded (as htop draws them).
 */
export function folded(rows: Row[], collapsed: ReadonlySet<string>): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const d = depthOf(r);
    const parent = i + 1 < rows.length && depthOf(rows[i + 1]) > d;
    if (!parent) {
      out.push(r);
      continue;
    }
    const shut = collapsed.has(procKey(r.proc));
    out.push({ ...r, prefix: `${r.prefix}${shut ? '+' : '-'} ` });
    if (shut) while (i + 1 < rows.length && depthOf(rows[i + 1]) > d) i++;
  }
  return out;
}

/** Whether a tree row (from rowsOf) heads a branch, open or folded. */
export const isBranch = (r: Row): boolean => /[-+] $/.test(r.prefix);

/** The users the user menu offers: "all users" (null) and everyone with a process, A to Z. */
export function menuUsers(s: UiState): (string | null)[] {
  return [null, ...[...new Set(s.procs.map(userOf))].sort()];
}

/** The processes kill and nice act on: the tagged ones still running, or else the selected one. */
export function targets(s: UiState): ProcSnap[] {
  if (s.tagged.size > 0) {
    const t = s.procs.filter((p) => s.tagged.has(procKey(p)));
    if (t.length > 0) return t;
  }
  const p = selectedProc(s);
  return p === undefined ? [] : [p];
}

/** Whether a row matches the search text: its command, name or user, case-insensitive. */
export function searchMatches(p: ProcSnap, text: string): boolean {
  const f = text.toLowerCase();
  return f !== '' && (commandOf(p).toLowerCase().includes(f) || p.comm.toLowerCase().includes(f) || userOf(p).toLowerCase().includes(f));
}

/** The selection moved to the first row matching the search at or after `from` rows down from it (wrapping round). */
function searchFrom(s: UiState, from: number): UiState {
  const rows = rowsOf(s);
  if (rows.length === 0 || s.searchText === '') return s;
  const cur = Math.max(0, selectedIndex(s, rows));
  for (let k = 0; k < rows.length; k++) {
    const r = rows[(cur + from + k) % rows.length];
    if (searchMatches(r.proc, s.searchText)) return { ...s, selected: idOf(r.proc) };
  }
  return s;
}

/** Where the selection stands in these rows: 0 with nothing selected, -1 when it is not among them. */
export function selectedIndex(s: UiState, rows: Row[] = rowsOf(s)): number {
  const sel = s.selected;
  if (sel === null) return rows.length > 0 ? 0 : -1;
  return rows.findIndex((r) => sameProc(sel, r.proc));
}

/** The selected process in the latest table, if it is still there. */
export function selectedProc(s: UiState): ProcSnap | undefined {
  const sel = s.selected;
  return sel === null ? undefined : s.procs.find((p) => sameProc(sel, p));
}

/** A mode that draws a box over the panes. */
export function overlaid(mode: Mode): boolean {
  return mode === 'help' || mode === 'alerts' || mode === 'kill' || mode === 'confirm' || mode === 'sort' || mode === 'user' || mode === 'setup';
}

const idOf = (p: ProcSnap): ProcId => ({ pid: p.pid, start_time: p.start_time });

/** Text columns sort A to Z first; numbers largest first. */
const naturallyDescending = (key: ColumnKey): boolean => key !== 'pid' && key !== 'user' && key !== 'command' && key !== 'state';

function sortBy(s: UiState, key: ColumnKey, toggle: boolean): UiState {
  const descending = key === s.table.sortKey && toggle ? !s.table.descending : naturallyDescending(key);
  return { ...s, table: { ...s.table, sortKey: key, descending } };
}

const printable = (ch: string): boolean => ch.length === 1 && ch >= ' ' && ch !== '\x7f';

export function reduce(s: UiState, a: UiAction): UiState {
  const next = step(s, a);
  // The detail view follows the selection while its process is in the table, and keeps it once it exits.
  if (next.mode === 'detail') {
    const p = selectedProc(next);
    if (p !== undefined && p !== next.detailProc) return { ...next, detailProc: p };
  }
  return next;
}

function step(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'procs': {
      // Tags of processes that have exited go with them (a pid reused later is another process).
      const tagged = s.tagged.size === 0 ? s.tagged : new Set(a.procs.map(procKey).filter((k) => s.tagged.has(k)));
      const n = { ...s, procs: a.procs, tagged: tagged.size === s.tagged.size ? s.tagged : tagged };
      if (s.pendingFollow === null) return n;
      const p = a.procs.find((x) => x.pid === s.pendingFollow);
      return p ? { ...n, table: { ...s.table, follow: idOf(p), tree: true }, selected: idOf(p), pendingFollow: null } : n;
    }
    case 'open':
      if (a.mode === 'kill') return targets(s).length === 0 ? s : { ...s, mode: 'kill', killIndex: 0 };
      if (a.mode === 'help') return { ...s, mode: 'help', helpTop: 0 };
      if (a.mode === 'search') return { ...s, mode: 'search', searchText: '' };
      if (a.mode === 'sort') return { ...s, mode: 'sort', menuIndex: Math.max(0, COLUMN_ORDER.indexOf(s.table.sortKey)) };
      if (a.mode === 'user') return { ...s, mode: 'user', menuIndex: Math.max(0, menuUsers(s).indexOf(s.user)) };
      if (a.mode === 'detail') {
        const p = selectedProc(s);
        return p === undefined ? s : { ...s, mode: 'detail', detailProc: p };
      }
      if (a.mode === 'goto') return { ...s, mode: 'goto', gotoText: '', gotoBack: GOTO_BACK.includes(s.mode) ? (s.mode as GotoBack) : 'main' };
      // A group's detail needs a group: none shown (no cgroup data), nothing opens.
      if (a.mode === 'cgdetail' && s.cg.rows.length === 0) return s;
      return { ...s, mode: a.mode };
    case 'close':
    case 'gotoSubmit':
    case 'killSend':
      return { ...s, mode: s.mode === 'goto' ? s.gotoBack : 'main' };
    case 'cg':
      return { ...s, cg: reduceCg(s.cg, a.action), mode: a.mode ?? s.mode };
    case 'sortStep': {
      const order = a.keys !== undefined && a.keys.length > 0 ? a.keys : s.columns;
      const n = order.length;
      if (n === 0) return s;
      const i = order.indexOf(s.table.sortKey);
      // From a column not in the cycle: > starts at the first, < at the last.
      const next = i < 0 ? (a.step === 1 ? 0 : n - 1) : (i + (a.step === 1 ? 1 : n - 1)) % n;
      return sortBy(s, order[next], false);
    }
    case 'sortBy':
      return sortBy(s, a.key, a.natural !== true);
    case 'invert':
      return { ...s, table: { ...s.table, descending: !s.table.descending } };
    case 'tree':
      return { ...s, table: { ...s.table, tree: !s.table.tree } };
    case 'follow': {
      const p = selectedProc(s);
      return { ...s, table: { ...s.table, follow: s.table.follow !== null || p === undefined ? null : idOf(p) } };
    }
    case 'back': {
      const n = s.user === null ? s : { ...s, user: null };
      return s.table.filter === '' && s.table.follow === null ? n : { ...n, table: { ...s.table, filter: '', follow: null } };
    }
    case 'searchType':
      return printable(a.ch) ? searchFrom({ ...s, searchText: s.searchText + a.ch }, 0) : s;
    case 'searchErase':
      return searchFrom({ ...s, searchText: s.searchText.slice(0, -1) }, 0);
    case 'searchNext':
      return searchFrom(s, 1);
    case 'helpScroll': {
      const top = a.delta === -Infinity ? 0 : a.delta === Infinity ? Number.MAX_SAFE_INTEGER : Math.max(0, s.helpTop + a.delta);
      return { ...s, helpTop: top };
    }
    case 'helpTop':
      return a.top === s.helpTop ? s : { ...s, helpTop: a.top };
    case 'menuStep': {
      const n = s.mode === 'sort' ? COLUMN_ORDER.length : menuUsers(s).length;
      return { ...s, menuIndex: Math.max(0, Math.min(n - 1, s.menuIndex + a.step)) };
    }
    case 'menuPick': {
      if (s.mode === 'sort') {
        const key = COLUMN_ORDER[s.menuIndex];
        return key === undefined ? { ...s, mode: 'main' } : { ...sortBy(s, key, false), mode: 'main' };
      }
      const users = menuUsers(s);
      return { ...s, mode: 'main', user: users[s.menuIndex] ?? null, top: 0 };
    }
    case 'tag': {
      const p = selectedProc(s);
      if (p === undefined) return s;
      const tagged = new Set(s.tagged);
      if (!tagged.delete(procKey(p))) tagged.add(procKey(p));
      return step({ ...s, tagged }, { type: 'move', delta: 1 });
    }
    case 'untagAll':
      return s.tagged.size === 0 ? s : { ...s, tagged: new Set() };
    case 'kernel':
      return { ...s, hideKernel: !s.hideKernel };
    case 'fold': {
      if (!s.table.tree) return s;
      const id = a.id ?? s.selected ?? (rowsOf(s)[0]?.proc ? idOf(rowsOf(s)[0].proc) : null);
      if (id === null) return s;
      const row = rowsOf(s).find((r) => sameProc(id, r.proc));
      if (row === undefined || !isBranch(row)) return s;
      const k = procKey(id);
      const shut = a.fold === 'toggle' ? !s.collapsed.has(k) : a.fold;
      if (shut === s.collapsed.has(k)) return s;
      const collapsed = new Set(s.collapsed);
      if (shut) collapsed.add(k);
      else collapsed.delete(k);
      return { ...s, collapsed };
    }
    case 'pause':
      return { ...s, paused: !s.paused };
    case 'move': {
      const rows = rowsOf(s);
      if (rows.length === 0) return s;
      const cur = Math.max(0, selectedIndex(s, rows));
      const to = a.delta === Infinity ? rows.length - 1 : a.delta === -Infinity ? 0 : cur + a.delta;
      return { ...s, selected: idOf(rows[Math.max(0, Math.min(rows.length - 1, to))].proc) };
    }
    case 'select': {
      const row = rowsOf(s)[a.index];
      return row ? { ...s, selected: idOf(row.proc) } : s;
    }
    // Every edit of the filter shows the table from its first row.
    case 'filterType':
      return printable(a.ch) ? { ...s, table: { ...s.table, filter: s.table.filter + a.ch }, top: 0 } : s;
    case 'filterErase':
      return { ...s, table: { ...s.table, filter: s.table.filter.slice(0, -1) }, top: 0 };
    case 'filterKeep':
      return { ...s, mode: 'main', top: 0 };
    case 'filterClear':
      return { ...s, mode: 'main', table: { ...s.table, filter: '' }, top: 0 };
    case 'gotoType':
      return printable(a.ch) ? { ...s, gotoText: s.gotoText + a.ch } : s;
    case 'gotoErase':
      return { ...s, gotoText: s.gotoText.slice(0, -1) };
    case 'killStep':
      return { ...s, killIndex: (s.killIndex + SIGNALS.length + a.step) % SIGNALS.length };
    case 'killPick':
      return a.index >= 0 && a.index < SIGNALS.length ? { ...s, killIndex: a.index, mode: 'confirm' } : s;
    case 'killConfirm':
      return { ...s, mode: 'confirm' };
    case 'connsSort':
      return { ...s, connsSort: s.connsSort === 'throughput' ? 'retrans' : 'throughput' };
    case 'setupStep': {
      const n = COLUMN_ORDER.length;
      return { ...s, setupIndex: (s.setupIndex + n + a.step) % n };
    }
    case 'setupToggle': {
      const key = COLUMN_ORDER[s.setupIndex];
      const on = s.columns.includes(key);
      // The last column left stays: a table without columns shows nothing to come back from.
      if (on && s.columns.length === 1) return s;
      return { ...s, columns: COLUMN_ORDER.filter((k) => (k === key ? !on : s.columns.includes(k))) };
    }
    case 'settle': {
      const rows = rowsOf(s);
      let idx = selectedIndex(s, rows);
      if (idx < 0 && rows.length > 0) idx = Math.min(rows.length - 1, Math.max(0, s.top));
      if (idx < 0) return s;
      const p = rows[idx].proc;
      return sameProc(s.selected, p) ? s : { ...s, selected: idOf(p) };
    }
    case 'scrolled':
      return a.top === s.top ? s : { ...s, top: a.top };
  }
}
