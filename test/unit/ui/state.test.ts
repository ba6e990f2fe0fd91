/** The screen's reducer and its key map, without a terminal: state and keys in, state out. */
import t from 'tap';
import type { ProcSample, ProcSnap } from '../../../src/model';
import { COLUMN_ORDER } from '../../../src/panes/processes';
import { SIGNALS } from '../../../src/ui/actions';
import { dialogView, footerLine, overlayRect } from '../../../src/ui/frame';
import { clickCommand, Command, keyCommand, keyName } from '../../../src/ui/input';
import type { KeySet } from '../../../src/ui/keys';
import { initialState, reduce, rowsOf, selectedIndex, UiAction, UiState } from '../../../src/ui/state';
import { makeTheme } from '../../../src/render/theme';
import { proc, procSnap } from '../../helpers/prometheus';

/** A process as the table shows it: its CPU share is its pid, so sorting by CPU puts the highest pid first. */
const p = (pid: number, ppid: number, extra: Partial<ProcSample> = {}): ProcSnap => procSnap(proc(pid, { ppid, ...extra }), pid);

/** init (1) with children 10, 20 and 30; 31 is 30's child. By CPU, descending: 31, 30, 20, 10, 1. */
const PROCS = [p(1, 0, { comm: 'init' }), p(10, 1, { user: 'bob' }), p(20, 1), p(30, 1, { comm: 'sshd', cmdline: '/usr/sbin/sshd' }), p(31, 30)];

const run = (s: UiState, ...actions: UiAction[]): UiState => actions.reduce(reduce, s);
/** The screen after its first frame: the table arrived and the first row got selected. */
const start = (): UiState => run(initialState(), { type: 'procs', procs: PROCS }, { type: 'settle' });
const pids = (s: UiState): number[] => rowsOf(s).map((r) => r.proc.pid);
const selectedPid = (s: UiState): number | undefined => s.selected?.pid;
/** Keys typed in turn, each as the mode of the moment reads it (a printable key is its own character). */
function typeKeys(s: UiState, names: string[], keys: KeySet = 'live'): UiState {
  for (const name of names) {
    const c = keyCommand(name, name.length === 1 ? name : name === 'space' ? ' ' : undefined, { mode: s.mode, keys, page: 2 });
    if (c !== null && !isAppCommand(c)) s = reduce(s, c);
  }
  return s;
}
const isAppCommand = (c: Command): c is Extract<Command, { type: 'quit' | 'suspend' | 'source' | 'nice' | 'say' }> =>
  c.type === 'quit' || c.type === 'suspend' || c.type === 'source' || c.type === 'nice' || c.type === 'say';

t.test('the reducer leaves the state it was given as it was', async (t) => {
  const s = start();
  const copy = JSON.stringify(s);
  run(s, { type: 'sortStep', step: 1 }, { type: 'filterType', ch: 'x' }, { type: 'move', delta: 2 }, { type: 'tree' }, { type: 'open', mode: 'kill' });
  t.equal(JSON.stringify(s), copy);
});

t.test('sort: > and < walk the columns round, each in its natural direction; a click on the same title inverts', async (t) => {
  let s = start();
  t.equal(s.table.sortKey, 'cpu');
  const i = COLUMN_ORDER.indexOf('cpu');
  s = reduce(s, { type: 'sortStep', step: 1 });
  t.equal(s.table.sortKey, COLUMN_ORDER[(i + 1) % COLUMN_ORDER.length]);
  s = reduce(s, { type: 'sortStep', step: -1 });
  t.equal(s.table.sortKey, 'cpu');
  t.equal(s.table.descending, true);
  // All the way round, forwards and backwards, ends where it began.
  const round = (step: 1 | -1): UiState => run(s, ...COLUMN_ORDER.map(() => ({ type: 'sortStep', step }) as UiAction));
  t.equal(round(1).table.sortKey, 'cpu');
  t.equal(round(-1).table.sortKey, 'cpu');
  // Text columns sort A to Z first, numbers largest first.
  t.equal(reduce(s, { type: 'sortBy', key: 'pid' }).table.descending, false);
  t.equal(reduce(s, { type: 'sortBy', key: 'command' }).table.descending, false);
  t.equal(reduce(s, { type: 'sortBy', key: 'mem' }).table.descending, true);
  // The same title again: the other direction; I inverts too.
  t.equal(run(s, { type: 'sortBy', key: 'pid' }, { type: 'sortBy', key: 'pid' }).table.descending, true);
  t.equal(reduce(s, { type: 'invert' }).table.descending, false);
  t.same(pids(reduce(s, { type: 'invert' })), [1, 10, 20, 30, 31]);
  // Stepping to a column always starts in its natural direction, even from an inverted one.
  t.equal(run(s, { type: 'invert' }, { type: 'sortStep', step: 1 }, { type: 'sortStep', step: -1 }).table.descending, true);
  // The keys say the same.
  t.equal(typeKeys(s, ['>']).table.sortKey, COLUMN_ORDER[(i + 1) % COLUMN_ORDER.length]);
  t.equal(typeKeys(s, ['<', '>', 'I']).table.descending, false);
});

t.test('filter: typed, erased, kept with Enter, cleared with Esc; every edit scrolls to the top', async (t) => {
  let s = reduce(start(), { type: 'scrolled', top: 3 });
  s = typeKeys(s, ['/']);
  t.equal(s.mode, 'filter');
  s = typeKeys(s, ['s', 's', 'h', 'x', 'backspace', 'space']);
  t.equal(s.table.filter, 'ssh ', 'space types a space; keys in the prompt are text, not commands');
  t.equal(s.top, 0);
  s = typeKeys(s, ['backspace', 'backspace']);
  t.equal(s.table.filter, 'ss');
  t.same(pids(s), [30], 'matches the command (sshd)');
  const kept = typeKeys(s, ['enter']);
  t.equal(kept.mode, 'main');
  t.equal(kept.table.filter, 'ss');
  const cleared = typeKeys(s, ['escape']);
  t.equal(cleared.mode, 'main');
  t.equal(cleared.table.filter, '');
  // A control character is not typed, and changes nothing.
  t.equal(reduce(s, { type: 'filterType', ch: '\x01' }), s);
  // Esc on the panes clears a kept filter too.
  t.equal(typeKeys(kept, ['escape']).table.filter, '');
  t.same(pids(typeKeys(s, ['enter', 'escape'])), [31, 30, 20, 10, 1]);
});

t.test('tree: t toggles it; the rows nest under their parents', async (t) => {
  const s = start();
  const tree = typeKeys(s, ['t']);
  t.equal(tree.table.tree, true);
  t.same(pids(tree), [1, 30, 31, 20, 10]);
  t.equal(typeKeys(tree, ['t']).table.tree, false);
});

t.test('follow: the selected process and its descendants; f again, or Esc, stops', async (t) => {
  let s = run(start(), { type: 'move', delta: 1 }); // 31 -> 30
  t.equal(selectedPid(s), 30);
  s = typeKeys(s, ['f']);
  t.same(s.table.follow, { pid: 30, start_time: 1030 });
  t.same(pids(s), [31, 30]);
  t.equal(typeKeys(s, ['f']).table.follow, null);
  t.equal(typeKeys(s, ['escape']).table.follow, null);
  // Nothing selected (an empty table): nothing to follow.
  t.equal(reduce(initialState(), { type: 'follow' }).table.follow, null);
  // vigil run: the pid is followed, as a tree, once it shows up.
  let r = initialState(30);
  r = reduce(r, { type: 'procs', procs: PROCS.slice(0, 2) });
  t.equal(r.pendingFollow, 30, 'not there yet');
  r = reduce(r, { type: 'procs', procs: PROCS });
  t.equal(r.pendingFollow, null);
  t.same(r.table.follow, { pid: 30, start_time: 1030 });
  t.equal(r.table.tree, true);
  t.equal(selectedPid(r), 30);
});

t.test('selection: moves by rows and pages, stops at the ends, and is kept by identity', async (t) => {
  let s = start();
  t.equal(selectedIndex(initialState()), -1, 'an empty table: no row');
  t.equal(selectedIndex(reduce(initialState(), { type: 'procs', procs: PROCS })), 0, 'nothing selected shows the first row');
  s = typeKeys(s, ['down', 'down']);
  t.equal(selectedPid(s), 20);
  t.equal(selectedPid(typeKeys(s, ['pagedown'])), 1, 'a page is two rows here');
  t.equal(selectedPid(typeKeys(s, ['up', 'up', 'up', 'up'])), 31, 'stops at the first row');
  t.equal(selectedPid(typeKeys(s, ['end'])), 1);
  t.equal(selectedPid(typeKeys(s, ['end', 'home'])), 31);
  t.equal(selectedPid(reduce(s, { type: 'move', delta: 99 })), 1);
  // The table re-sorts under the selection: the same process stays selected.
  const resorted = reduce(s, { type: 'procs', procs: PROCS.map((x) => (x.pid === 20 ? { ...x, cpu_pct: 100 } : x)) });
  t.equal(selectedPid(resorted), 20);
  t.equal(selectedIndex(resorted), 0);
  // A pid reused by another process is another process.
  const reused = reduce(s, { type: 'procs', procs: PROCS.map((x) => (x.pid === 20 ? { ...x, start_time: 999 } : x)) });
  t.equal(selectedIndex(reused), -1);
  // An empty table: moving does nothing.
  t.equal(reduce(initialState(), { type: 'move', delta: 1 }).selected, null);
  // A click selects the row under it, counted from the first row shown.
  t.equal(selectedPid(reduce(s, { type: 'select', index: 3 })), 10);
  t.equal(reduce(s, { type: 'select', index: 42 }), s, 'below the last row: nothing');
});

t.test('selection clamping: when the selected process leaves, the first row shown is selected', async (t) => {
  let s = run(start(), { type: 'move', delta: 4 }, { type: 'scrolled', top: 2 });
  t.equal(selectedPid(s), 1);
  // init and 31 exit: the list shrinks under the selection.
  s = reduce(s, { type: 'procs', procs: PROCS.slice(1, 4) });
  t.same(pids(s), [30, 20, 10]);
  t.equal(selectedIndex(s), -1);
  s = reduce(s, { type: 'settle' });
  t.equal(selectedPid(s), 10, 'the row at top (2)');
  // Shrunk below the first row shown: the last row.
  s = run(s, { type: 'scrolled', top: 7 }, { type: 'procs', procs: PROCS.slice(2, 4) }, { type: 'settle' });
  t.equal(selectedPid(s), 20);
  // Nothing selected yet: the first row.
  t.equal(selectedPid(reduce(reduce(initialState(), { type: 'procs', procs: PROCS }), { type: 'settle' })), 31);
  // An empty table keeps the selection for when the process shows up again.
  const empty = run(s, { type: 'procs', procs: [] }, { type: 'settle' });
  t.equal(selectedPid(empty), 20);
  // A selection still in the table stays, and the state is the same object.
  t.equal(reduce(s, { type: 'settle' }), s);
});

t.test('views: help, alerts, connections and details open and close; any key closes help', async (t) => {
  const s = start();
  for (const [key, mode] of [['?', 'help'], ['a', 'alerts'], ['c', 'conns'], ['enter', 'detail'], ['/', 'filter']] as const) {
    t.equal(typeKeys(s, [key]).mode, mode, key);
  }
  t.equal(typeKeys(s, ['?', 'x']).mode, 'main');
  t.equal(typeKeys(s, ['a', 'q']).mode, 'main', 'q closes the alerts overlay, it does not quit');
  t.equal(typeKeys(s, ['c', 'c']).mode, 'main');
  t.equal(typeKeys(s, ['c', 'escape']).mode, 'main');
  t.equal(typeKeys(s, ['c', 's']).connsSort, 'retrans');
  t.equal(typeKeys(s, ['c', 's', 's']).connsSort, 'throughput');
  t.equal(typeKeys(s, ['enter', 'enter']).mode, 'main');
  t.equal(typeKeys(s, ['enter', 'escape']).mode, 'main');
  // The other keys still work under the connections and detail views.
  t.equal(typeKeys(s, ['c', 't']).table.tree, true);
  t.equal(selectedPid(typeKeys(s, ['enter', 'down'])), 30);
  // No process selected: no details, no kill dialog.
  const none = initialState();
  t.equal(typeKeys(none, ['enter']).mode, 'main');
  t.equal(typeKeys(none, ['k']).mode, 'main');
  // Quit and suspend are the app's: C-c even inside a prompt.
  t.same(keyCommand('C-c', undefined, { mode: 'filter', keys: 'live', page: 1 }), { type: 'quit' });
  t.same(keyCommand('q', 'q', { mode: 'main', keys: 'live', page: 1 }), { type: 'quit' });
  t.same(keyCommand('C-z', undefined, { mode: 'main', keys: 'live', page: 1 }), { type: 'suspend' });
});

t.test('details follow the selection and keep a process that exits', async (t) => {
  let s = typeKeys(start(), ['enter']);
  t.equal(s.detailProc?.pid, 31);
  s = typeKeys(s, ['down']);
  t.equal(s.detailProc?.pid, 30);
  const busier = { ...PROCS[3], cpu_pct: 77 };
  s = reduce(s, { type: 'procs', procs: [...PROCS.slice(0, 3), busier, PROCS[4]] });
  t.equal(s.detailProc, busier, 'the newest figures');
  s = reduce(s, { type: 'procs', procs: PROCS.slice(0, 3) });
  t.equal(s.detailProc, busier, 'exited: the last figures stay');
});

t.test('kill: a signal picked by arrows or number, then confirmed; Esc or q cancels', async (t) => {
  const s = typeKeys(start(), ['k']);
  t.equal(s.mode, 'kill');
  t.equal(s.killIndex, 0);
  t.equal(typeKeys(s, ['up']).killIndex, SIGNALS.length - 1, 'wraps round');
  t.equal(typeKeys(s, ['down', 'down']).killIndex, 2);
  const picked = typeKeys(s, ['2']);
  t.equal(picked.mode, 'confirm');
  t.equal(SIGNALS[picked.killIndex], 'SIGKILL');
  t.equal(typeKeys(s, ['down', 'enter']).mode, 'confirm');
  t.equal(typeKeys(s, ['escape']).mode, 'main');
  t.equal(typeKeys(s, ['q']).mode, 'main');
  t.same(keyCommand('y', 'y', { mode: 'confirm', keys: 'live', page: 1 }), { type: 'killSend' });
  t.equal(typeKeys(picked, ['n']).mode, 'main');
  t.equal(typeKeys(picked, ['y']).mode, 'main');
  // Replay has no kill key.
  t.equal(typeKeys(start(), ['k'], 'replay').mode, 'main');
});

t.test('replay: its controls go to the source; g opens the go-to prompt', async (t) => {
  const ctx = { mode: 'main' as const, keys: 'replay' as const, page: 10 };
  t.same(keyCommand('space', ' ', ctx), { type: 'source', action: 'playPause' });
  t.same(keyCommand('pagedown', undefined, ctx), { type: 'source', action: 'minuteForward' });
  t.same(keyCommand('pagedown', undefined, { ...ctx, keys: 'live' }), { type: 'move', delta: 10 });
  let s = typeKeys(start(), ['g'], 'replay');
  t.equal(s.mode, 'goto');
  s = typeKeys(s, ['-', '5', 'm', 'x', 'backspace'], 'replay');
  t.equal(s.gotoText, '-5m');
  t.same(keyCommand('enter', undefined, { ...ctx, mode: 'goto' }), { type: 'gotoSubmit' });
  t.equal(reduce(s, { type: 'gotoSubmit' }).mode, 'main');
  t.equal(typeKeys(s, ['escape']).mode, 'main');
  t.equal(typeKeys(s, ['escape', 'g'], 'replay').gotoText, '', 'the prompt opens empty');
});

t.test('input: key names and clicks', async (t) => {
  t.equal(keyName(' ', 'space', false), 'space');
  t.equal(keyName('k', 'k', false), 'k');
  t.equal(keyName('\r', 'enter', false), 'enter');
  t.equal(keyName('\x03', 'C-c', true), 'C-c');
  t.equal(keyName(undefined, 'up', false), 'up');
  const columns = [{ key: 'pid' as const, x0: 0, x1: 6 }, { key: 'cpu' as const, x0: 8, x1: 12 }];
  t.same(clickCommand(10, 0, 5, columns), { type: 'sortBy', key: 'cpu' });
  t.equal(clickCommand(7, 0, 5, columns), null, 'between titles');
  t.same(clickCommand(3, 2, 5, columns), { type: 'select', index: 6 });
});

t.test('frame: the footer and the dialogs from the state', async (t) => {
  const theme = makeTheme(false);
  const s = start();
  t.match(footerLine(s, { theme, keys: 'live', status: null }), /^q quit {2}\? help/);
  t.match(footerLine(s, { theme, keys: 'replay', status: null }), /^Space play\/pause {2}←→ step/);
  t.equal(footerLine(s, { theme, keys: 'live', status: 'sent SIGTERM to 1' }), 'sent SIGTERM to 1');
  t.equal(footerLine(s, { theme, keys: 'live', status: null, timings: () => 'parse ms:' }), 'parse ms:');
  t.equal(footerLine(typeKeys(s, ['/', '{']), { theme, keys: 'live', status: 'x' }), 'filter: {open}▏  Enter keeps · Esc clears');
  t.match(footerLine(typeKeys(s, ['g'], 'replay'), { theme, keys: 'replay', status: null }), /^go to: ▏/);
  const kill = typeKeys(s, ['k', 'down']);
  t.equal(dialogView(kill, theme, 'live').label, 'send a signal to 31 p31 · Enter picks · Esc cancels');
  t.equal(dialogView(kill, theme, 'live').lines[1], '{inverse} 2 SIGKILL {/inverse}');
  t.match(dialogView(typeKeys(kill, ['enter']), theme, 'live').lines[1], /Send SIGKILL to 31 p31\?/);
  t.equal(dialogView(typeKeys(s, ['?']), theme, 'live').label, 'keys · any key closes');
  const body = { left: 0, top: 1, width: 100, height: 30 };
  t.same(overlayRect('kill', 'live', body), { left: 14, top: 1 + 8, width: 72, height: SIGNALS.length + 4 });
  t.same(overlayRect('alerts', 'live', body), { left: 0, top: 1 + 3, width: 100, height: 24 });
});

t.test('< and > step through the columns on screen, PID included; a sort column off the cycle steps in from its ends', async (t) => {
  const s = start();
  const shown = ['pid', 'user', 'state', 'cpu', 'mem', 'rss', 'time', 'command'] as const;
  const back = run(s, ...[1, 2, 3].map(() => ({ type: 'sortStep', step: -1, keys: shown }) as UiAction));
  t.equal(back.table.sortKey, 'pid', '< from CPU% reaches PID in three steps over what the screen shows');
  t.equal(back.table.descending, false, 'PID sorts ascending first');
  t.equal(reduce(back, { type: 'sortStep', step: -1, keys: shown }).table.sortKey, 'command', 'and wraps round');
  const fromHidden = reduce(start(), { type: 'sortBy', key: 'majflt' });
  t.equal(reduce(fromHidden, { type: 'sortStep', step: 1, keys: shown }).table.sortKey, 'pid');
  t.equal(reduce(fromHidden, { type: 'sortStep', step: -1, keys: shown }).table.sortKey, 'command');
  // Without the app's list (the reducer alone): the chosen columns.
  const chosen = initialState(null, ['pid', 'cpu', 'command']);
  t.same(chosen.columns, ['pid', 'cpu', 'command']);
  t.equal(reduce(chosen, { type: 'sortStep', step: -1 }).table.sortKey, 'pid');
});

t.test('column chooser: F2 or S opens it, arrows move, Space and Enter toggle, Esc closes; never no column at all', async (t) => {
  const s = start();
  t.equal(typeKeys(s, ['f2']).mode, 'setup');
  t.equal(typeKeys(s, ['S']).mode, 'setup');
  for (const close of ['escape', 'f2', 'q']) t.equal(typeKeys(s, ['f2', close]).mode, 'main', `${close} closes`);
  const i = COLUMN_ORDER.indexOf('user');
  const off = typeKeys(s, ['f2', ...Array.from({ length: i }, () => 'down'), 'space']);
  t.notOk(off.columns.includes('user'), 'Space hides USER');
  t.equal(off.columns.length, COLUMN_ORDER.length - 1);
  t.ok(typeKeys(off, ['enter']).columns.includes('user'), 'Enter shows it again, in its place');
  t.same(typeKeys(off, ['enter']).columns, COLUMN_ORDER);
  t.equal(typeKeys(s, ['f2', 'up']).setupIndex, COLUMN_ORDER.length - 1, 'up from the top wraps');
  const one = initialState(null, ['pid']);
  t.same(typeKeys(one, ['f2', 'space']).columns, ['pid'], 'the last column stays');
  t.equal(typeKeys(s, ['f2', 'x']).mode, 'setup', 'other keys do nothing');
});
