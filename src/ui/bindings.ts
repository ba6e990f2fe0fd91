/**
 * The keys and the mouse, bound to the screen: each key press or click on the process table becomes a
 * Command (input.ts reads which) for the app to carry out.
 */
import type * as blessed from 'blessed';
import { ClickRow, clickCommand, Command, keyCommand, keyName, WHEEL_ROWS } from './input';
import type { Screen } from './screen';
import { isBranch, procKey, rowsOf } from './state';

/** `onInput` hears every key and click, null where it means nothing here: the app redraws after either. */
export function bindInput(view: Screen, onInput: (c: Command | null) => void): void {
  view.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
    // blessed reports a carriage return twice, as 'enter' and as 'return': act on one of them.
    if (key?.full === 'return') return;
    const state = view.state;
    const page = Math.max(1, view.panes.processes.inner.height - 2);
    const page2 = state.mode === 'help' || state.mode === 'sort' || state.mode === 'user' ? Math.max(1, view.overlay.inner.height - 1) : page;
    onInput(keyCommand(keyName(ch, key?.full, key?.ctrl), ch, { mode: state.mode, keys: view.keys, page: page2, tree: state.table.tree, cgFiltered: state.cg.table.filter !== '' || state.cg.table.follow !== null }));
  });
  const box = view.panes.processes.box;
  box.enableMouse();
  box.on('wheeldown', () => onInput({ type: 'move', delta: WHEEL_ROWS }));
  box.on('wheelup', () => onInput({ type: 'move', delta: -WHEEL_ROWS }));
  // On press, as htop does (a click needs the release to arrive in a separate read as well).
  box.on('mousedown', (data: { x: number; y: number }) => {
    const state = view.state;
    const rows = rowsOf(state);
    const row = (i: number): ClickRow | undefined => {
      const r = rows[i];
      if (r === undefined) return undefined;
      // The marker is the prefix's second-last cell (`├─+ `), one further for a tagged row's `*`.
      const marker = state.table.tree && isBranch(r) ? r.prefix.length - 2 + (state.tagged.has(procKey(r.proc)) ? 1 : 0) : -1;
      return { id: { pid: r.proc.pid, start_time: r.proc.start_time }, marker };
    };
    onInput(clickCommand(data.x - (box.aleft as number) - 1, data.y - (box.atop as number) - 1, state.top, view.headerColumns, row));
  });
}
