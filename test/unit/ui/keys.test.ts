/** htop's and btop's keys, the help overlay and the footer: keys in, state and text out, without a terminal. */
import t from 'tap';
import type { ProcSample, ProcSnap } from '../../../src/model';
import { COLUMN_ORDER } from '../../../src/panes/processes';
import { makeTheme } from '../../../src/render/theme';
import { dialogView, footerLine, overlayRect, positionBar, span } from '../../../src/ui/frame';
import { clickCommand, Command, keyCommand } from '../../../src/ui/input';
import { actionFor, footerKeys, helpLines, KEYS, KeySet, keyLabel } from '../../../src/ui/keys';
import { nextPace } from '../../../src/ui/controls';
import { initialState, menuUsers, procKey, reduce, rowsOf, targets, UiAction, UiState } from '../../../src/ui/state';
import { proc, procSnap } from '../../helpers/prometheus';

const p = (pid: number, ppid: number, extra: Partial<ProcSample> = {}): ProcSnap => procSnap(proc(pid, { ppid, ...extra }), pid);
/** init (1) with children 10 (bob's), 20 and 30; 31 is 30's child; 2 is a kernel thread. By CPU: 31, 30, 20, 10, 2, 1. */
const PROCS = [
  p(1, 0, { comm: 'init' }), p(2, 0, { comm: 'kthreadd', kthread: true, cmdline: '', user: 'root', uid: 0 }), p(10, 1, { user: 'bob' }), p(20, 1),
  p(30, 1, { comm: 'sshd', cmdline: '/usr/sbin/sshd' }), p(31, 30),
];
const run = (s: UiState, ...actions: UiAction[]): UiState => actions.reduce(reduce, s);
const start = (): UiState => run(initialState(), { type: 'procs', procs: PROCS }, { type: 'settle' });
const pids = (s: UiState): number[] => rowsOf(s).map((r) => r.proc.pid);
const isApp = (c: Command): boolean => ['quit', 'suspend', 'source', 'nice', 'say'].includes(c.type);
/** Keys typed in turn; what only the app carries out is collected instead. */
function typeKeys(s: UiState, names: string[], keys: KeySet = 'live', app: Command[] = []): UiState {
  for (const name of names) {
    const c = keyCommand(name, name.length === 1 ? name : name === 'space' ? ' ' : undefined, { mode: s.mode, keys, page: 2, tree: s.table.tree });
    if (c === null) continue;
    if (isApp(c)) app.push(c);
    else s = reduce(s, c as UiAction);
  }
  return s;
}
const theme = makeTheme(false);

t.test('the F-keys reach their actions', async (t) => {
  const want: [string, string][] = [['f1', 'help'], ['f3', 'search'], ['f4', 'filter'], ['f5', 'tree'], ['f6', 'sortMenu'], ['f7', 'niceDown'], ['f8', 'niceUp'], ['f9', 'kill'], ['f10', 'quit']];
  for (const [k, a] of want) t.equal(actionFor(k, 'live'), a, `${k} → ${a}`);
  t.equal(actionFor('f2', 'live'), 'setup', 'F2 opens the column chooser');
  t.equal(typeKeys(start(), ['f1']).mode, 'help');
  t.equal(typeKeys(start(), ['f4']).mode, 'filter');
  t.equal(typeKeys(start(), ['f5']).table.tree, true);
  t.equal(typeKeys(start(), ['f6']).mode, 'sort');
  t.equal(typeKeys(start(), ['f9']).mode, 'kill');
  const app: Command[] = [];
  typeKeys(start(), ['f7', 'f8', ']', '[', 'f10'], 'live', app);
  t.same(app, [{ type: 'nice', delta: -1 }, { type: 'nice', delta: 1 }, { type: 'nice', delta: -1 }, { type: 'nice', delta: 1 }, { type: 'quit' }]);
  t.equal(actionFor('f9', 'replay'), null, 'no kill in replay');
  t.equal(actionFor('f7', 'replay'), null, 'no nice in replay');
});

t.test('no key is bound twice where it applies', async (t) => {
  for (const keys of ['live', 'replay'] as KeySet[]) {
    for (const tree of [false, true]) {
      const seen = new Map<string, string>();
      for (const b of KEYS) {
        if ((b.replay === true && keys !== 'replay') || (b.replay === false && keys === 'replay')) continue;
        if ((b.when === 'tree' && !tree) || (b.when === 'flat' && tree)) continue;
        for (const k of b.keys) {
          // The one intended overlap: + and - fold the tree in tree view, before replay's speed.
          if (keys === 'replay' && tree && (k === '+' || k === '-') && (b.action === 'faster' || b.action === 'slower')) continue;
          t.notOk(seen.has(k), `${keys}${tree ? ' tree' : ''}: ${k} bound to ${seen.get(k)} and ${b.action}`);
          seen.set(k, b.action);
        }
      }
    }
  }
});

t.test('P, M, T sort by CPU, memory and time; the sort menu picks a column', async (t) => {
  let s = typeKeys(start(), ['M']);
  t.equal(s.table.sortKey, 'rss');
  t.equal(s.table.descending, true);
  s = typeKeys(s, ['P']);
  t.equal(s.table.sortKey, 'cpu');
  t.equal(typeKeys(s, ['P']).table.descending, true, 'P again keeps CPU, largest first');
  const app: Command[] = [];
  const afterT = typeKeys(s, ['T'], 'live', app);
  if ((COLUMN_ORDER as string[]).includes('time')) t.equal(afterT.table.sortKey, 'time');
  else t.match(app, [{ type: 'say', text: /no TIME\+ column/ }], 'T says why it cannot sort by time yet');
  s = typeKeys(start(), ['f6']);
  t.equal(s.menuIndex, COLUMN_ORDER.indexOf('cpu'), 'the menu opens on the sort column');
  s = typeKeys(s, ['down', 'enter']);
  t.equal(s.mode, 'main');
  t.equal(s.table.sortKey, COLUMN_ORDER[COLUMN_ORDER.indexOf('cpu') + 1]);
  t.equal(typeKeys(start(), ['f6', 'down', 'escape']).table.sortKey, 'cpu', 'Esc leaves the sort as it was');
  const menu = dialogView(typeKeys(start(), ['f6']), theme, 'live', { width: 38, height: 5 });
  t.equal(menu.lines.length, 5, 'a menu taller than its box shows a window of it');
  t.ok(menu.lines.some((l) => l.includes('{inverse}') && l.includes('CPU%')), 'with the highlighted column in it');
});

t.test('F3 search jumps to matches without filtering; F3 again goes to the next', async (t) => {
  let s = typeKeys(start(), ['f3', 'p']);
  t.equal(s.mode, 'search');
  t.same(pids(s), [31, 30, 20, 10, 2, 1], 'nothing is filtered');
  t.equal(s.selected?.pid, 31, 'the first match at or after the selection');
  s = typeKeys(s, ['2']);
  t.equal(s.selected?.pid, 20, 'p2 matches p20');
  s = typeKeys(s, ['backspace', 'f3']);
  t.equal(s.selected?.pid, 10, 'F3: the next match (p10)');
  t.match(footerLine(s, { theme, keys: 'live', status: null }), /^search: p▏/);
  const miss = typeKeys(s, ['z', 'z']);
  t.match(footerLine(miss, { theme, keys: 'live', status: null }), /no match/);
  t.equal(miss.selected?.pid, 10, 'no match: the selection stays');
  t.equal(typeKeys(s, ['enter']).mode, 'main');
  t.equal(typeKeys(s, ['escape']).selected?.pid, 10, 'closing keeps the selection');
});

t.test('u filters by user from a menu; K hides kernel threads; H says what it cannot do', async (t) => {
  let s = typeKeys(start(), ['u']);
  t.equal(s.mode, 'user');
  t.same(menuUsers(s), [null, 'alice', 'bob', 'root']);
  s = typeKeys(s, ['down', 'down', 'enter']);
  t.equal(s.user, 'bob');
  t.same(pids(s), [10]);
  t.same(pids(typeKeys(s, ['escape'])), [31, 30, 20, 10, 2, 1], 'Esc shows everyone again');
  t.same(pids(typeKeys(s, ['u', 'home', 'enter'])), [31, 30, 20, 10, 2, 1], '"all users" too');
  s = typeKeys(start(), ['K']);
  t.same(pids(s), [31, 30, 20, 10, 1], 'kernel threads hidden');
  t.same(pids(typeKeys(s, ['K'])), [31, 30, 20, 10, 2, 1], 'and shown again');
  const app: Command[] = [];
  typeKeys(start(), ['H'], 'live', app);
  t.match(app, [{ type: 'say', text: /not threads/ }]);
});

t.test('Space tags and moves down; kill and nice act on the tagged; U untags; tags leave with their process', async (t) => {
  let s = typeKeys(start(), ['space', 'space']);
  t.same([...s.tagged].sort(), [procKey(PROCS[4]), procKey(PROCS[5])].sort(), '31 and 30 tagged');
  t.equal(s.selected?.pid, 20, 'the selection moved past them');
  t.same(targets(s).map((x) => x.pid).sort(), [30, 31]);
  s = typeKeys(s, ['k']);
  t.match(dialogView(s, theme, 'live').label, /send a signal to 2 tagged processes/);
  s = typeKeys(s, ['escape', 'up', 'space']);
  t.same(targets(s).map((x) => x.pid), [31], 'Space again untags');
  t.equal(typeKeys(s, ['U']).tagged.size, 0, 'U untags all');
  t.same(targets(typeKeys(s, ['U'])).map((x) => x.pid), [20], 'nothing tagged: the selected process');
  s = reduce(s, { type: 'procs', procs: PROCS.filter((x) => x.pid !== 31) });
  t.equal(s.tagged.size, 0, 'the tag left with its process');
  t.equal(actionFor('space', 'replay'), 'playPause', 'in replay Space stays play/pause');
});

t.test('tree: - folds the selected branch, + unfolds it, a click on the marker toggles', async (t) => {
  let s = typeKeys(start(), ['t', 'home']);
  t.same(pids(s), [2, 1, 30, 31, 20, 10], 'roots by CPU: the kernel thread 2, then init');
  const prefixes = rowsOf(s).map((r) => r.prefix);
  t.same(prefixes, ['', '- ', '├─- ', '│ └─', '├─', '└─'], 'a - marker on each open branch');
  s = typeKeys(s, ['down', 'down', '-']);
  t.same(pids(s), [2, 1, 30, 20, 10], '30 folded: 31 hidden');
  t.equal(rowsOf(s)[2].prefix, '├─+ ', 'its marker is +');
  t.same(pids(typeKeys(s, ['+'])), [2, 1, 30, 31, 20, 10], '+ unfolds');
  t.same(pids(typeKeys(s, ['down', '-'])), [2, 1, 30, 20, 10], '- on a leaf does nothing');
  s = typeKeys(s, ['up', '-']);
  t.same(pids(s), [2, 1], 'init folded');
  // A click on the marker of row 0 (the command column starts at x0 = 50).
  const columns = [{ key: 'pid' as const, x0: 0, x1: 6 }, { key: 'command' as const, x0: 50, x1: 90 }];
  const row = (i: number) => (i === 1 ? { id: { pid: 1, start_time: 1001 }, marker: 0 } : undefined);
  const c = clickCommand(50, 2, 0, columns, row);
  t.same(c, { type: 'fold', fold: 'toggle', id: { pid: 1, start_time: 1001 } });
  t.same(pids(reduce(s, c as UiAction)), [2, 1, 30, 20, 10], 'the click unfolded init');
  t.same(clickCommand(52, 2, 0, columns, row), { type: 'select', index: 1 }, 'a click elsewhere on the row selects it');
  t.same(pids(typeKeys(start(), ['-'])), [31, 30, 20, 10, 2, 1], 'outside the tree view - does nothing');
});

t.test('replay: + and - set the speed outside the tree view and fold the tree inside it; { } always set the speed', async (t) => {
  const app: Command[] = [];
  typeKeys(start(), ['+', '-', '}', '{', 'z', 'space'], 'replay', app);
  t.same(app.map((c) => (c.type === 'source' ? c.action : c.type)), ['faster', 'slower', 'faster', 'slower', 'playPause', 'playPause']);
  const tree: Command[] = [];
  const s = typeKeys(start(), ['t', 'up', 'up', '-', '}'], 'replay', tree);
  t.same(pids(s), [2, 1], 'in tree view - folds');
  t.same(tree.map((c) => (c.type === 'source' ? c.action : c.type)), ['faster']);
});

t.test('z pauses the screen live; { and } change the refresh interval', async (t) => {
  const s = typeKeys(start(), ['z']);
  t.equal(s.paused, true);
  t.match(footerLine(s, { theme, keys: 'live', status: null }), /^\{inverse\} PAUSED \{\/inverse\} z resumes {2}q quit/);
  t.match(footerLine(s, { theme, keys: 'live', status: 'sent SIGTERM to 1' }), /PAUSED .*sent SIGTERM/, 'the mark stays through a message');
  t.equal(typeKeys(s, ['Z']).paused, false);
  const app: Command[] = [];
  typeKeys(start(), ['}', '{'], 'live', app);
  t.same(app, [{ type: 'source', action: 'paceUp' }, { type: 'source', action: 'paceDown' }]);
  t.equal(nextPace(100, -1), 50);
  t.equal(nextPace(100, 1), 200);
  t.equal(nextPace(250, 1), 500, 'from between steps to the next step that way');
  t.equal(nextPace(250, -1), 200);
  t.equal(nextPace(5000, 1), 5000, 'no further than 5 s');
  t.equal(nextPace(50, -1), 50, 'no shorter than 50 ms');
});

t.test('help: keys named as users read them, lines that fit, scrolling when it does not fit at 80x24', async (t) => {
  t.equal(keyLabel('pageup'), 'PgUp');
  t.equal(keyLabel('pagedown'), 'PgDn');
  t.equal(keyLabel('escape'), 'Esc');
  t.equal(keyLabel('enter'), 'Enter');
  t.equal(keyLabel('space'), 'Space');
  t.equal(keyLabel('left'), '←');
  t.equal(keyLabel('f1'), 'F1');
  t.equal(keyLabel('C-z'), 'Ctrl-Z');
  for (const keys of ['live', 'replay'] as KeySet[]) {
    for (const width of [76, 60, 40]) {
      const lines = helpLines(keys, width);
      t.ok(lines.every((l) => l.length <= width), `${keys} at ${width}: every line fits`);
      t.notOk(lines.some((l) => /pageup|pagedown|escape|\benter\b|\bspace\b|\bf\d/.test(l)), `${keys} at ${width}: no raw key names`);
    }
    t.ok(footerKeys(keys).every(([k]) => !/pageup|escape|^space$/.test(k)), `${keys}: footer key names`);
  }
  // 80x24: the body between header and footer is 22 rows.
  const body = { left: 0, top: 1, width: 80, height: 22 };
  const rect = overlayRect('help', 'live', body);
  t.ok(rect.width <= 80 && rect.height <= 22 && rect.top + rect.height <= 23, `fits: ${JSON.stringify(rect)}`);
  const inner = { width: rect.width - 2, height: rect.height - 2 };
  let s = typeKeys(start(), ['?']);
  let v = dialogView(s, theme, 'live', inner);
  t.equal(v.lines.length, inner.height);
  t.match(v.label, /^keys 1–20\/\d+ · ↑↓ PgUp PgDn scroll/);
  s = typeKeys(s, ['end']);
  v = dialogView(s, theme, 'live', inner);
  s = reduce(s, { type: 'helpTop', top: v.top! });
  const total = helpLines('live', inner.width).length + 2;
  t.equal(v.top, total - inner.height, 'End: the last page');
  t.equal(s.mode, 'help', 'scroll keys do not close it');
  s = typeKeys(s, ['up']);
  t.equal(dialogView(s, theme, 'live', inner).top, total - inner.height - 1);
  t.equal(typeKeys(s, ['x']).mode, 'main', 'any other key closes');
});

t.test('replay: the position bar', async (t) => {
  const start0 = new Date(2024, 4, 1, 12, 0, 0).getTime();
  t.equal(positionBar({ t: start0 + 31 * 60_000, start: start0, end: start0 + 62 * 60_000 }, 8), '▕████░░░░▏ 12:31:00 / 1h02m');
  t.equal(positionBar({ t: start0, start: start0, end: start0 }, 4), '▕████▏ 12:00:00 / 0s', 'an empty recording is all played');
  t.equal(span(45_000), '45s');
  t.equal(span(750_000), '12m30s');
  t.equal(span(3 * 86_400_000 + 4 * 3_600_000), '3d04h');
  t.match(footerLine(start(), { theme, keys: 'replay', status: null, position: { t: start0, start: start0, end: start0 + 1000 } }), /^▕░+▏ 12:00:00 \/ 1s {2}Space play\/pause/);
});
