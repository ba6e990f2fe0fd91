/**
 * The screen's state and every change to it, as one pure reducer: `reduce(state, action)` returns the next
 * state and touches nothing else (no blessed, no timers, no /proc). Keys and the mouse become actions in
 * input.ts; app.ts dispatches them, draws from the state and does what lies outside it (a signal, a
 * replay jump, placing widgets when the mode changes).
 */
import type { ProcSnap } from '../model';
import type { ConnsSort } from '../panes/conns';
import { COLUMN_ORDER } from '../panes/processes';
import { ColumnKey, ProcId, Row, sameProc, TableState, tableRows } from '../panes/proctable';
import { SIGNALS } from './actions';

/** What has the keyboard, and what fills the body: the panes (main), a view, an overlay or a prompt. */
export type Mode = 'main' | 'filter' | 'goto' | 'help' | 'alerts' | 'kill' | 'confirm' | 'detail' | 'conns' | 'setup';

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
  connsSort: ConnsSort;
  /** A pid to follow once it shows up in the process table (vigil run). */
  pendingFollow: number | null;
  /** The process table's chosen columns (the config's `columns`, F2), in COLUMN_ORDER. */
  columns: readonly ColumnKey[];
  /** The highlighted line of the column chooser (an index into COLUMN_ORDER). */
  setupIndex: number;
}

export type UiAction =
  /** A new process table arrived. */
  | { type: 'procs'; procs: ProcSnap[] }
  /** Opens a view, an overlay or a prompt (kill and detail only with a process selected). */
  | { type: 'open'; mode: 'help' | 'alerts' | 'filter' | 'goto' | 'kill' | 'detail' | 'conns' | 'setup' }
  /** Back to the panes. */
  | { type: 'close' }
  /**
   * Sort by the next or the previous column, in that column's natural direction: among `keys` (the
   * columns on screen, which the app knows), else among the chosen columns.
   */
  | { type: 'sortStep'; step: 1 | -1; keys?: readonly ColumnKey[] }
  /** A click on a column title: that column, or the other direction when it is already the sort column. */
  | { type: 'sortBy'; key: ColumnKey }
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
  /** The filter prompt: a character typed, Backspace, Enter (keep) or Esc (clear). */
  | { type: 'filterType'; ch: string }
  | { type: 'filterErase' }
  | { type: 'filterKeep' }
  | { type: 'filterClear' }
  /** The go-to prompt: a character typed or Backspace. */
  | { type: 'gotoType'; ch: string }
  | { type: 'gotoErase' }
  /** Enter in the go-to prompt: the app hands the text to the source; the prompt closes. */
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
    connsSort: 'throughput',
    pendingFollow: follow,
    columns: columns === null ? COLUMN_ORDER : COLUMN_ORDER.filter((k) => columns.includes(k)),
    setupIndex: 0,
  };
}

let memo: { procs: ProcSnap[]; table: TableState; rows: Row[] } | null = null;

/** The table's rows for this state: sorted, filtered, as a tree. Kept for as long as procs and table are the same objects. */
export function rowsOf(s: UiState): Row[] {
  if (memo === null || memo.procs !== s.procs || memo.table !== s.table) memo = { procs: s.procs, table: s.table, rows: tableRows(s.procs, s.table) };
  return memo.rows;
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
  return mode === 'help' || mode === 'alerts' || mode === 'kill' || mode === 'confirm' || mode === 'setup';
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
      const n = { ...s, procs: a.procs };
      if (s.pendingFollow === null) return n;
      const p = a.procs.find((x) => x.pid === s.pendingFollow);
      return p ? { ...n, table: { ...s.table, follow: idOf(p), tree: true }, selected: idOf(p), pendingFollow: null } : n;
    }
    case 'open':
      if (a.mode === 'kill') return selectedProc(s) === undefined ? s : { ...s, mode: 'kill', killIndex: 0 };
      if (a.mode === 'detail') {
        const p = selectedProc(s);
        return p === undefined ? s : { ...s, mode: 'detail', detailProc: p };
      }
      if (a.mode === 'goto') return { ...s, mode: 'goto', gotoText: '' };
      return { ...s, mode: a.mode };
    case 'close':
    case 'gotoSubmit':
    case 'killSend':
      return { ...s, mode: 'main' };
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
      return sortBy(s, a.key, true);
    case 'invert':
      return { ...s, table: { ...s.table, descending: !s.table.descending } };
    case 'tree':
      return { ...s, table: { ...s.table, tree: !s.table.tree } };
    case 'follow': {
      const p = selectedProc(s);
      return { ...s, table: { ...s.table, follow: s.table.follow !== null || p === undefined ? null : idOf(p) } };
    }
    case 'back':
      return s.table.filter === '' && s.table.follow === null ? s : { ...s, table: { ...s.table, filter: '', follow: null } };
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
