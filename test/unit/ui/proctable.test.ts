import t from 'tap';
import type { ProcSnap } from '../../../src/model';
import { PROC_FIGURES_BLANK } from '../../../src/model/fields/proc';
import { COLUMN_ORDER, COLUMNS, fitColumns, processesView, scrollFor } from '../../../src/panes/processes';
import { commandOf, descendants, matchesFilter, TableState, tableRows } from '../../../src/panes/proctable';
import { makeTheme } from '../../../src/render/theme';
import { displayWidth } from '../../../src/render/width';

function p(pid: number, ppid: number, extra: Partial<ProcSnap> = {}): ProcSnap {
  return {
    ...PROC_FIGURES_BLANK,
    pid, start_time: pid * 10, start_ms: null, ppid, comm: `c${pid}`, cmdline: `/bin/c${pid} --flag`, user: 'root', cgroup: null, uid: 0, state: 'S',
    kthread: false, threads: 1, nice: 0, cpu_pct: 0, cpu_time_s: 0, wait_pct: 0, mem_pct: 0, rss_bytes: 0, vsize_bytes: 0, swap_bytes: 0,
    read_bytes_per_s: 0, write_bytes_per_s: 0, rchar_per_s: 0, wchar_per_s: 0, minflt_per_s: 0, majflt_per_s: 0, ctxsw_per_s: 0, fds: 3,
    tcp_tx_bytes_per_s: null, tcp_rx_bytes_per_s: null, tcp_retrans_per_s: null, tcp_conns: null,
    net_rx_bytes_per_s: null, net_tx_bytes_per_s: null, net_source: null, shim: null, ...extra,
  };
}

const base: TableState = { sortKey: 'cpu', descending: true, filter: '', tree: false, follow: null };
const procs = [
  p(1, 0, { comm: 'init', cmdline: '/sbin/init' }),
  p(2, 0, { comm: 'kthreadd', cmdline: '', kthread: true }),
  p(100, 1, { cpu_pct: 50, user: 'alice' }),
  p(101, 100, { cpu_pct: 99 }),
  p(102, 100, { cpu_pct: null }),
  p(103, 101, { cpu_pct: 5, cmdline: 'python3 worker.py' }),
  p(200, 1, { cpu_pct: 10, state: 'Z', cmdline: '' }),
];

t.test('commands: argv, [comm] for kernel threads and zombies', async (t) => {
  t.equal(commandOf(procs[0]), '/sbin/init');
  t.equal(commandOf(procs[1]), '[kthreadd]');
  t.equal(commandOf(procs[6]), '[c200] <defunct>');
});

t.test('sorting by CPU puts the busiest first and no value last', async (t) => {
  const rows = tableRows(procs, base).map((r) => r.proc.pid);
  t.equal(rows[0], 101);
  t.equal(rows[1], 100);
  t.equal(rows[rows.length - 1], 102, 'null CPU sorts below every number');
  const asc = tableRows(procs, { ...base, descending: false }).map((r) => r.proc.pid);
  t.equal(asc[0], 102);
  const byCmd = tableRows(procs, { ...base, sortKey: 'command', descending: false }).map((r) => r.proc.pid);
  t.equal(byCmd[0], 100, '/bin/c100 sorts first by command');
});

t.test('filter matches command and user, case-insensitively', async (t) => {
  t.ok(matchesFilter(procs[5], 'WORKER'));
  t.ok(matchesFilter(procs[2], 'alice'));
  t.notOk(matchesFilter(procs[2], 'bob'));
  t.same(tableRows(procs, { ...base, filter: 'worker' }).map((r) => r.proc.pid), [103]);
});

t.test('tree: children under parents, matches keep their ancestors', async (t) => {
  const rows = tableRows(procs, { ...base, tree: true });
  const order = rows.map((r) => r.proc.pid);
  t.ok(order.indexOf(101) > order.indexOf(100) && order.indexOf(103) > order.indexOf(101), 'descendants follow their parent');
  t.equal(rows.find((r) => r.proc.pid === 103)?.prefix.endsWith('└─'), true);
  t.equal(rows.find((r) => r.proc.pid === 1)?.prefix, '');
  const filtered = tableRows(procs, { ...base, tree: true, filter: 'worker' }).map((r) => r.proc.pid);
  t.same(filtered, [1, 100, 101, 103], 'the match with the chain that leads to it');
  const loop = tableRows([p(5, 6), p(6, 5)], { ...base, tree: true });
  t.equal(loop.length, 2, 'a parent loop does not lose or repeat processes');
});

t.test('follow: a process and its descendants, not a reused pid', async (t) => {
  t.same([...descendants(procs, { pid: 100, start_time: 1000 })].sort(), [100, 101, 102, 103]);
  t.same([...descendants(procs, { pid: 100, start_time: 999 })], [], 'wrong start time: not that process');
  const reused = [...procs, p(300, 103, { start_time: 5 })]; // started before its "parent": a reused ppid
  t.notOk(descendants(reused, { pid: 100, start_time: 1000 }).has(300));
  t.same(tableRows(procs, { ...base, follow: { pid: 101, start_time: 1010 } }).map((r) => r.proc.pid).sort(), [101, 103]);
});

t.test('columns drop by importance on narrow terminals; command keeps the rest', async (t) => {
  const wide = fitColumns(200);
  t.same(wide.map((c) => c.key), COLUMN_ORDER);
  t.equal(wide.reduce((s, c) => s + c.width + 1, -1), 200, 'exactly fills the width');
  const narrow = fitColumns(60).map((c) => c.key);
  t.ok(narrow.includes('pid') && narrow.includes('cpu') && narrow.includes('command'));
  t.notOk(narrow.includes('minflt'), 'minor faults go first');
  const tiny = fitColumns(10);
  t.ok(tiny.find((c) => c.key === 'command')!.width >= 1);
  for (const k of COLUMN_ORDER) t.ok(COLUMNS[k].title.length <= Math.max(COLUMNS[k].width, 7), `${k} title fits`);
});

t.test('the view formats only the visible rows, escaped, and keeps the selection on screen', async (t) => {
  const many = Array.from({ length: 1000 }, (_, i) => p(1000 + i, 1, { cpu_pct: i / 10 }));
  many.push(p(5000, 1, { cpu_pct: 200, cmdline: 'evil \x1b]52;c;aGk=\x07 {red-fg}' }));
  const rows = tableRows(many, base);
  const v = processesView({ rows, total: many.length, state: base, selected: 500, top: 0, width: 120, height: 21, theme: makeTheme(false) });
  t.equal(v.lines.length, 21, 'header + 20 rows, not 1001');
  t.ok(v.top <= 500 && v.top + 20 > 500, 'selected row is on screen');
  const first = processesView({ rows, total: many.length, state: base, selected: 0, top: 0, width: 160, height: 21, theme: makeTheme(false) });
  const evil = first.lines[1];
  t.notMatch(evil, /\x1b/, 'no raw escape');
  t.match(evil, /\\e\]52/);
  t.match(evil, /\{open\}red-fg\{close\}/, 'blessed tags in a name are escaped');
  t.match(first.lines[0], /CPU%▼/, 'sort column marked');
  t.match(v.label, /processes 1001\/1001/);
  const plain = first.lines[2].replace(/\{\/?inverse\}/g, '');
  t.equal(displayWidth(plain), 160, 'rows are exactly the pane width');
  t.equal(scrollFor(0, 50, 10, 100), 0);
  t.equal(scrollFor(99, 0, 10, 100), 90);
  t.equal(scrollFor(5, 3, 10, 100), 3);
  t.equal(scrollFor(-1, 500, 10, 100), 90, 'top clamped to the end');
});
