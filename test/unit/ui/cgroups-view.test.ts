/** The cgroups view's pure parts: the tree's order, sorting among siblings, filter and follow, the memory bar, the reducer, the keys. */
import t from 'tap';
import type { CgroupSnap } from '../../../src/model/cgroups';
import { cgroupRows, cgroupsView, CG_TABLE_DEFAULT, memBar, procsIn } from '../../../src/panes/cgroups';
import { makeTheme } from '../../../src/render/theme';
import { displayWidth } from '../../../src/render/width';
import { CG_UI_INITIAL, reduceCg, selectedPath } from '../../../src/ui/cg-state';
import { keyCommand } from '../../../src/ui/input';
import { initialState, reduce, UiState } from '../../../src/ui/state';
import { syntheticCgroups } from '../../../src/store/window/synthetic';
import type { ProcSnap } from '../../../src/model';

const g = (path: string, cpu: number | null, extra: Partial<CgroupSnap> = {}): CgroupSnap =>
  ({ ...syntheticCgroups(1, () => 0.5)[0], path, depth: path === '/' ? 0 : path.split('/').length - 1, cpu_pct: cpu, ...extra });

const tree = [
  g('/', 150), g('/system.slice', 40), g('/user.slice', 90), g('/system.slice/a.service', 10), g('/system.slice/b.service', 30),
  g('/user.slice/user-1000.slice', 90), g('/system.slice/c.service', null),
];
const theme = makeTheme(false);

t.test('the tree: depth first, siblings by CPU (none last)', async (t) => {
  const rows = cgroupRows(tree, CG_TABLE_DEFAULT);
  t.same(rows.map((r) => r.snap.path), [
    '/', '/user.slice', '/user.slice/user-1000.slice', '/system.slice', '/system.slice/b.service', '/system.slice/a.service', '/system.slice/c.service',
  ]);
  t.same(rows.map((r) => r.prefix), ['', '├─', '│ └─', '└─', '  ├─', '  ├─', '  └─']);
  const asc = cgroupRows(tree, { ...CG_TABLE_DEFAULT, descending: false }).map((r) => r.snap.path);
  t.same(asc.slice(2, 5), ['/system.slice/a.service', '/system.slice/b.service', '/system.slice/c.service'], 'ascending: still none last');
  const byName = cgroupRows(tree, { ...CG_TABLE_DEFAULT, sort: 'name', descending: false }).map((r) => r.snap.path);
  t.same(byName.slice(1, 3), ['/system.slice', '/system.slice/a.service']);
});

t.test('filter keeps ancestors; follow keeps a subtree', async (t) => {
  t.same(cgroupRows(tree, { ...CG_TABLE_DEFAULT, filter: 'B.SERV' }).map((r) => r.snap.path), ['/', '/system.slice', '/system.slice/b.service']);
  t.same(cgroupRows(tree, { ...CG_TABLE_DEFAULT, follow: '/system.slice' }).map((r) => r.snap.path),
    ['/system.slice', '/system.slice/b.service', '/system.slice/a.service', '/system.slice/c.service']);
  t.same(cgroupRows(tree, { ...CG_TABLE_DEFAULT, filter: 'nothing' }), []);
});

t.test('the memory bar: a share of the limit, or the figure alone without one', async (t) => {
  const limited = memBar(g('/x', 1, { mem_current_bytes: 32 * 2 ** 20, mem_max_bytes: 64 * 2 ** 20, mem_used_pct_of_limit: 50 }), 24, theme);
  t.match(limited, /^█{8}░{8} 32M\/64M$/, 'half of the bar for half the limit');
  const none = memBar(g('/x', 1, { mem_current_bytes: 2 ** 30, mem_max_bytes: null, mem_used_pct_of_limit: null }), 24, theme);
  t.match(none, /^ +1\.0G\/-$/, 'no limit: -, never 2^63');
  t.equal(displayWidth(none), 24);
});

t.test('the view: every line the pane width, the selection marked, hostile paths escaped', async (t) => {
  const evil = [...tree, g('/system.slice/\x1b]52;c;aGk=\x07{red-fg}.service', 5)];
  const rows = cgroupRows(evil, CG_TABLE_DEFAULT);
  const v = cgroupsView({ rows, total: evil.length, state: CG_TABLE_DEFAULT, selected: 1, width: 100, height: 6, theme });
  t.equal(v.lines.length, 6, 'header + 5 rows');
  t.match(v.lines[0], /CGROUP\s+CPU%▼/);
  t.ok(v.lines.every((l) => displayWidth(l.replace(/\{\/?[a-z-]+\}/g, '')) <= 100));
  const all = cgroupsView({ rows, total: evil.length, state: CG_TABLE_DEFAULT, selected: 0, width: 100, height: 20, theme }).lines.join('\n');
  t.notMatch(all, /\x1b/, 'no raw escape');
  t.match(v.label, /cgroups 8\/8/);
  const narrow = cgroupsView({ rows, total: 8, state: CG_TABLE_DEFAULT, selected: 0, width: 60, height: 4, theme });
  t.notMatch(narrow.lines[0], /PSI/, 'narrow: PSI dropped first');
  t.match(narrow.lines[0], /CPU%▼/, 'never the sort column');
});

t.test('processes of a group: its own and its descendants\'', async (t) => {
  const p = (pid: number, cgroup: string | null): ProcSnap => ({ pid, cgroup } as ProcSnap);
  t.same(procsIn([p(1, '/system.slice/a.service'), p(2, '/system.slice/ab.service'), p(3, '/system.slice'), p(4, null)], '/system.slice/a.service').map((x) => x.pid), [1]);
  t.same(procsIn([p(1, '/system.slice/a.service'), p(3, '/system.slice'), p(4, null)], '/system.slice').map((x) => x.pid), [1, 3]);
});

t.test('the reducer and the keys', async (t) => {
  let cg = reduceCg(CG_UI_INITIAL, { type: 'rows', rows: ['/', '/a', '/b'] });
  t.equal(selectedPath(cg), '/', 'nothing selected: the first row');
  cg = reduceCg(cg, { type: 'move', delta: 5 });
  t.equal(selectedPath(cg), '/b', 'moves stop at the last row');
  cg = reduceCg(cg, { type: 'follow' });
  t.equal(cg.table.follow, '/b');
  cg = reduceCg(cg, { type: 'sortStep', step: 1 });
  t.same([cg.table.sort, cg.table.descending], ['throttled', true]);
  cg = reduceCg(cg, { type: 'sortStep', step: -1 });
  cg = reduceCg(cg, { type: 'sortStep', step: -1 });
  t.same([cg.table.sort, cg.table.descending], ['name', false], 'names sort A to Z first');
  for (const ch of 'ab\x07') cg = reduceCg(cg, { type: 'filterType', ch });
  t.equal(cg.table.filter, 'ab', 'control characters are not typed');
  cg = reduceCg(cg, { type: 'back' });
  t.same([cg.table.filter, cg.table.follow], ['', null]);
  const ctx = { mode: 'main' as const, keys: 'live' as const, page: 10 };
  t.same(keyCommand('g', 'g', ctx), { type: 'open', mode: 'cgroups' }, 'g opens the view live');
  t.same(keyCommand('g', 'g', { ...ctx, keys: 'replay' }), { type: 'open', mode: 'goto' }, "g stays replay's go-to");
  const cgx = { ...ctx, mode: 'cgroups' as const };
  t.same(keyCommand('escape', undefined, { ...cgx, cgFiltered: true }), { type: 'cg', action: { type: 'back' } }, 'Esc clears first');
  t.same(keyCommand('escape', undefined, cgx), { type: 'close' }, 'then closes');
  t.same(keyCommand('enter', undefined, cgx), { type: 'open', mode: 'cgdetail' });
  t.same(keyCommand('/', '/', cgx), { type: 'open', mode: 'cgfilter' });
  t.same(keyCommand('x', 'x', { ...ctx, mode: 'cgfilter' }), { type: 'cg', action: { type: 'filterType', ch: 'x' } });
  t.same(keyCommand('escape', undefined, { ...ctx, mode: 'cgfilter' }), { type: 'cg', action: { type: 'filterClear' }, mode: 'cgroups' });
  t.same(keyCommand('down', undefined, cgx), { type: 'cg', action: { type: 'move', delta: 1 } });
  t.same(keyCommand('pagedown', undefined, cgx), { type: 'cg', action: { type: 'move', delta: 10 } }, 'live: PgDn pages through the groups');
  t.same(keyCommand('C', 'C', ctx), { type: 'open', mode: 'cgroups' }, 'C opens the view live too');
  t.same(keyCommand('C', 'C', cgx), { type: 'close' }, 'and closes it');
});

t.test('replay: C opens the view; the moves in time work inside it, g among them', async (t) => {
  const ctx = { mode: 'main' as const, keys: 'replay' as const, page: 10 };
  t.same(keyCommand('C', 'C', ctx), { type: 'open', mode: 'cgroups' }, 'C opens the view');
  const cgx = { ...ctx, mode: 'cgroups' as const };
  t.same(keyCommand('C', 'C', cgx), { type: 'close' }, 'C closes it');
  t.same(keyCommand('g', 'g', cgx), { type: 'open', mode: 'goto' }, 'g goes to a time from inside it');
  t.same(keyCommand('right', undefined, cgx), { type: 'source', action: 'stepForward' });
  t.same(keyCommand('left', undefined, cgx), { type: 'source', action: 'stepBack' });
  t.same(keyCommand('space', ' ', cgx), { type: 'source', action: 'playPause' });
  t.same(keyCommand('pagedown', undefined, cgx), { type: 'source', action: 'minuteForward' }, 'PgDn: a minute on, as over the process table');
  t.same(keyCommand('home', undefined, cgx), { type: 'source', action: 'start' });
  t.same(keyCommand('+', '+', cgx), { type: 'source', action: 'faster' });
  t.same(keyCommand('down', undefined, cgx), { type: 'cg', action: { type: 'move', delta: 1 } }, '↓ still selects');
  t.same(keyCommand('f', 'f', cgx), { type: 'cg', action: { type: 'follow' } });
  const dx = { ...ctx, mode: 'cgdetail' as const };
  t.same(keyCommand('right', undefined, dx), { type: 'source', action: 'stepForward' }, 'in a group\'s detail too');
  t.same(keyCommand('g', 'g', dx), { type: 'open', mode: 'goto' });
  t.same(keyCommand('C', 'C', dx), { type: 'open', mode: 'cgroups' });
  t.equal(keyCommand('k', 'k', cgx), null, 'no kill in replay');
  // The go-to prompt returns to the view it was opened from; from the panes, to the panes.
  let s: UiState = { ...initialState(), mode: 'cgroups', cg: reduceCg(CG_UI_INITIAL, { type: 'rows', rows: ['/'] }) };
  s = reduce(s, { type: 'open', mode: 'goto' });
  t.equal(s.mode, 'goto');
  t.equal(reduce(s, { type: 'gotoSubmit' }).mode, 'cgroups', 'a seek keeps the view open');
  t.equal(reduce(s, { type: 'close' }).mode, 'cgroups', 'Esc on the prompt too');
  const detail = reduce(reduce({ ...s, mode: 'cgdetail' }, { type: 'open', mode: 'goto' }), { type: 'gotoSubmit' });
  t.equal(detail.mode, 'cgdetail');
  t.equal(reduce(reduce(initialState(), { type: 'open', mode: 'goto' }), { type: 'gotoSubmit' }).mode, 'main');
  t.equal(reduce({ ...initialState(), mode: 'cgroups' }, { type: 'open', mode: 'cgdetail' }).mode, 'cgroups', 'no groups shown: no detail');
});
