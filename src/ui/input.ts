/**
 * Keys and the mouse, turned into what they mean: a UiAction for the reducer (state.ts), or a command
 * only the app can carry out (quit, suspend, a replay control). Pure: the key, the mode and what the
 * screen shows in; a meaning out.
 */
import type { ColumnKey } from '../panes/proctable';
import { Action, actionFor, KeySet } from './keys';
import type { Mode, UiAction } from './state';

/** What a key or a click asks for: a change of state, or something the app does. */
export type Command = UiAction | { type: 'quit' } | { type: 'suspend' } | { type: 'source'; action: Action };

export interface KeyContext {
  mode: Mode;
  /** The keys that apply (replay's controls instead of kill and paging). */
  keys: KeySet;
  /** Rows that PageUp and PageDown move. */
  page: number;
}

/** The key's name as the tables in keys.ts spell it, from blessed's keypress (ch, key.full, key.ctrl). */
export function keyName(ch: string | undefined, full: string | undefined, ctrl: boolean | undefined): string {
  return ch === ' ' ? 'space' : ch !== undefined && ch.length === 1 && ch > ' ' && ch !== '\x7f' && !ctrl ? ch : full ?? '';
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
    case 'goto':
      if (name === 'escape') return { type: 'close' };
      if (name === 'enter') return { type: 'gotoSubmit' };
      if (name === 'backspace') return { type: 'gotoErase' };
      return ch !== undefined ? { type: 'gotoType', ch } : null;
    case 'help':
    case 'alerts':
      return { type: 'close' };
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
  const action = actionFor(name, ctx.keys);
  return action === null ? null : actionCommand(action, ctx.page);
}

/** A key's Action (keys.ts) as a command. */
export function actionCommand(a: Action, page: number): Command {
  switch (a) {
    case 'quit':
      return { type: 'quit' };
    case 'help':
    case 'alerts':
    case 'filter':
    case 'kill':
    case 'detail':
    case 'conns':
    case 'setup':
      return { type: 'open', mode: a };
    case 'goTo':
      return { type: 'open', mode: 'goto' };
    case 'sortNext':
    case 'sortPrev':
      return { type: 'sortStep', step: a === 'sortNext' ? 1 : -1 };
    case 'invert':
    case 'tree':
    case 'follow':
    case 'back':
      return { type: a };
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
      // Replay's controls (play, step, speed, start, finish) belong to the source.
      return { type: 'source', action: a };
  }
}

/** The wheel scrolls the selection three rows at a time. */
export const WHEEL_ROWS = 3;

/**
 * A press inside the process pane, at (x, y) inside its border: on the title row, sort by the column
 * under it; on a row, select it.
 */
export function clickCommand(x: number, y: number, top: number, columns: readonly { key: ColumnKey; x0: number; x1: number }[]): Command | null {
  if (y === 0) {
    const col = columns.find((c) => x >= c.x0 && x <= c.x1);
    return col ? { type: 'sortBy', key: col.key } : null;
  }
  return y > 0 ? { type: 'select', index: top + y - 1 } : null;
}
