/**
 * Keys and the mouse, turned into what they mean: a UiAction for the reducer (state.ts), or a command
 * only the app can carry out (quit, suspend, nice, a replay control). Pure: the key, the mode and what the
 * screen shows in; a meaning out.
 */
import { COLUMN_ORDER } from '../panes/processes';
import type { ColumnKey, ProcId } from '../panes/proctable';
import type { CgAction } from './cg-state';
import { Action, actionFor, KeySet } from './keys';
import type { Mode, UiAction } from './state';

/** What a key or a click asks for: a change of state, or something the app does. */
export type Command =
  | UiAction
  | { type: 'quit' }
  | { type: 'suspend' }
  /** A replay control, or live's refresh interval (paceUp, paceDown). */
  | { type: 'source'; action: Action }
  /** Renice the tagged processes, or the selected one, by delta (F7: -1, F8: +1). */
  | { type: 'nice'; delta: 1 | -1 }
  /** A line for the status bar. */
  | { type: 'say'; text: string };

export interface KeyContext {
  mode: Mode;
  /** The keys that apply (replay's controls instead of kill and paging). */
  keys: KeySet;
  /** Rows that PageUp and PageDown move. */
  page: number;
  /** The tree view is on: + and - fold its branches. */
  tree?: boolean;
  /** The cgroups view has a filter or a follow that Esc clears before it closes the view. */
  cgFiltered?: boolean;
}

/** The key's name as the tables in keys.ts spell it, from blessed's keypress (ch, key.full, key.ctrl). */
export function keyName(ch: string | undefined, full: string | undefined, ctrl: boolean | undefined): string {
  return ch === ' ' ? 'space' : ch !== undefined && ch.length === 1 && ch > ' ' && ch !== '\x7f' && !ctrl ? ch : full ?? '';
}

/** Up, Down, PgUp, PgDn, Home, End as a move by rows (for lists and the help); null for other keys. */
function scrollOf(name: string, page: number): number | null {
  switch (name) {
    case 'up':
      return -1;
    case 'down':
      return 1;
    case 'pageup':
      return -page;
    case 'pagedown':
      return page;
    case 'home':
      return -Infinity;
    case 'end':
      return Infinity;
    default:
      return null;
  }
}

/** What a key means in this mode; null if nothing. `ch` is the character typed, for the prompts. */
export function keyCommand(name: string, ch: string | undefined, ctx: KeyContext): Command | null {
  if (name === 'C-c' || name === 'f10') return { type: 'quit' };
  if (name === 'C-z') return { type: 'suspend' };
  switch (ctx.mode) {
    case 'filter':
      if (name === 'enter') return { type: 'filterKeep' };
      if (name === 'escape') return { type: 'filterClear' };
      if (name === 'backspace') return { type: 'filterErase' };
      return ch !== undefined ? { type: 'filterType', ch } : null;
    case 'search':
      if (name === 'enter' || name === 'escape') return { type: 'close' };
      if (name === 'backspace') return { type: 'searchErase' };
      if (name === 'f3' || name === 'down') return { type: 'searchNext' };
      return ch !== undefined ? { type: 'searchType', ch } : null;
    case 'goto':
      if (name === 'escape') return { type: 'close' };
      if (name === 'enter') return { type: 'gotoSubmit' };
      if (name === 'backspace') return { type: 'gotoErase' };
      return ch !== undefined ? { type: 'gotoType', ch } : null;
    case 'help': {
      // The help scrolls when it does not fit; any other key closes it.
      const d = scrollOf(name, ctx.page);
      return d !== null ? { type: 'helpScroll', delta: d } : { type: 'close' };
    }
    case 'alerts':
      return { type: 'close' };
    case 'sort':
    case 'user': {
      if (name === 'escape' || name === 'q') return { type: 'close' };
      if (name === 'enter') return { type: 'menuPick' };
      const d = scrollOf(name, ctx.page);
      return d === null ? null : { type: 'menuStep', step: Math.max(-1e6, Math.min(1e6, d)) };
    }
    case 'kill':
      if (name === 'escape' || name === 'q') return { type: 'close' };
      if (name === 'up' || name === 'down') return { type: 'killStep', step: name === 'up' ? -1 : 1 };
      if (/^[1-9]$/.test(name)) return { type: 'killPick', index: Number(name) - 1 };
      return name === 'enter' ? { type: 'killConfirm' } : null;
    case 'confirm':
      return name === 'y' || name === 'Y' ? { type: 'killSend' } : { type: 'close' };
    case 'conns':
      if (name === 'escape' || name === 'c') return { type: 'close' };
      if (name === 's') return { type: 'connsSort' };
      break;
    case 'cgroups':
    case 'cgfilter':
    case 'cgdetail':
      return cgroupsKey(ctx.mode, name, ch, ctx.page, ctx.cgFiltered ?? false, ctx.keys);
    case 'detail':
      if (name === 'escape' || name === 'enter') return { type: 'close' };
      break;
    case 'setup':
      if (name === 'escape' || name === 'q' || name === 'f2' || name === 'S') return { type: 'close' };
      if (name === 'up' || name === 'down') return { type: 'setupStep', step: name === 'up' ? -1 : 1 };
      if (name === 'space' || name === 'enter') return { type: 'setupToggle' };
      return null;
    default:
      break;
  }
  const action = actionFor(name, ctx.keys, ctx.tree ?? false);
  return action === null ? null : actionCommand(action, ctx.page);
}

/** Replay's moves in time, which work in its views too (the view follows the moment shown). */
const TIME_KEYS: readonly Action[] = ['playPause', 'stepBack', 'stepForward', 'minuteBack', 'minuteForward', 'goTo', 'faster', 'slower', 'start', 'finish'];

/** A key as one of replay's moves in time, or null. */
function timeKey(name: string, keys: KeySet, page: number): Command | null {
  if (keys !== 'replay') return null;
  const a = actionFor(name, keys);
  return a !== null && TIME_KEYS.includes(a) ? actionCommand(a, page) : null;
}

/**
 * Keys in the cgroups view: the process table's moves, sort, filter and follow keys, on groups. Esc clears
 * a filter or a follow first, then closes; the key that opened it (live g or C, replay C) closes; Enter
 * opens the selected group's detail. In replay, PgUp/PgDn/Home/End, Space, ←→, { } + - and g move in time,
 * as they do over the process table, the view open.
 */
function cgroupsKey(mode: 'cgroups' | 'cgfilter' | 'cgdetail', name: string, ch: string | undefined, page: number, filtered: boolean, keys: KeySet): Command | null {
  const cg = (action: CgAction): Command => ({ type: 'cg', action });
  const closes = name === 'C' || (name === 'g' && keys !== 'replay');
  if (mode === 'cgfilter') {
    if (name === 'enter') return { type: 'open', mode: 'cgroups' };
    if (name === 'escape') return { type: 'cg', action: { type: 'filterClear' }, mode: 'cgroups' };
    if (name === 'backspace') return cg({ type: 'filterErase' });
    return ch !== undefined ? cg({ type: 'filterType', ch }) : null;
  }
  if (mode === 'cgdetail') return name === 'escape' || name === 'enter' || closes ? { type: 'open', mode: 'cgroups' } : timeKey(name, keys, page);
  if (name === 'escape') return filtered ? cg({ type: 'back' }) : { type: 'close' };
  if (closes || name === 'q') return { type: 'close' };
  if (name === 'enter') return { type: 'open', mode: 'cgdetail' };
  if (name === '/' || name === '\\' || name === 'f4') return { type: 'open', mode: 'cgfilter' };
  if (name === 'f') return cg({ type: 'follow' });
  if (name === '>' || name === '<') return cg({ type: 'sortStep', step: name === '>' ? 1 : -1 });
  if (name === 'I') return cg({ type: 'invert' });
  const time = timeKey(name, keys, page);
  if (time !== null) return time;
  const d = scrollOf(name, page);
  return d === null ? null : cg({ type: 'move', delta: d });
}

/** The sort key `T` selects: CPU time, once the table has a TIME+ column. */
export const TIME_KEY = 'time';

/** A key's Action (keys.ts) as a command. */
export function actionCommand(a: Action, page: number): Command {
  switch (a) {
    case 'quit':
      return { type: 'quit' };
    case 'suspend':
      return { type: 'suspend' };
    case 'help':
    case 'alerts':
    case 'filter':
    case 'search':
    case 'kill':
    case 'detail':
    case 'conns':
    case 'setup':
    case 'user':
    case 'cgroups':
      return { type: 'open', mode: a };
    case 'sortMenu':
      return { type: 'open', mode: 'sort' };
    case 'goTo':
      return { type: 'open', mode: 'goto' };
    case 'sortNext':
    case 'sortPrev':
      return { type: 'sortStep', step: a === 'sortNext' ? 1 : -1 };
    case 'sortCpu':
      return { type: 'sortBy', key: 'cpu', natural: true };
    case 'sortMem':
      return { type: 'sortBy', key: 'rss', natural: true };
    case 'sortTime':
      // TIME+ is a column another change adds: until the table has it, T says so rather than do nothing.
      return (COLUMN_ORDER as string[]).includes(TIME_KEY)
        ? { type: 'sortBy', key: TIME_KEY as ColumnKey, natural: true }
        : { type: 'say', text: 'no TIME+ column in this table to sort by' };
    case 'threads':
      return { type: 'say', text: 'vigil lists processes, not threads: THR is each process\'s thread count' };
    case 'kernel':
    case 'invert':
    case 'tree':
    case 'follow':
    case 'back':
    case 'tag':
    case 'untagAll':
    case 'pause':
      return { type: a };
    case 'expand':
    case 'collapse':
      return { type: 'fold', fold: a === 'collapse' };
    case 'niceDown':
    case 'niceUp':
      return { type: 'nice', delta: a === 'niceDown' ? -1 : 1 };
    case 'up':
      return { type: 'move', delta: -1 };
    case 'down':
      return { type: 'move', delta: 1 };
    case 'pageUp':
      return { type: 'move', delta: -page };
    case 'pageDown':
      return { type: 'move', delta: page };
    case 'home':
      return { type: 'move', delta: -Infinity };
    case 'end':
      return { type: 'move', delta: Infinity };
    default:
      // Replay's controls (play, step, speed, start, finish) and live's refresh interval belong to the feed.
      return { type: 'source', action: a };
  }
}

/** The wheel scrolls the selection three rows at a time. */
export const WHEEL_ROWS = 3;

/** A row of the process pane as a click sees it: its process, and where its tree marker stands (if any). */
export interface ClickRow {
  id: ProcId;
  /** Column of the +/- marker inside the command column, or -1. */
  marker: number;
}

/**
 * A press inside the process pane, at (x, y) inside its border: on the title row, sort by the column
 * under it; on a tree marker, fold or unfold that branch; on a row, select it.
 */
export function clickCommand(
  x: number, y: number, top: number, columns: readonly { key: ColumnKey; x0: number; x1: number }[], row?: (index: number) => ClickRow | undefined,
): Command | null {
  if (y === 0) {
    const col = columns.find((c) => x >= c.x0 && x <= c.x1);
    return col ? { type: 'sortBy', key: col.key } : null;
  }
  if (y <= 0) return null;
  const index = top + y - 1;
  const r = row?.(index);
  const cmd = columns.find((c) => c.key === 'command');
  if (r !== undefined && r.marker >= 0 && cmd !== undefined && x === cmd.x0 + r.marker) return { type: 'fold', fold: 'toggle', id: r.id };
  return { type: 'select', index };
}
