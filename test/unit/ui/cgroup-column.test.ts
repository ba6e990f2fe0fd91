/** The process table's CGROUP column: the name a user recognises, sortable, escaped, dropped first when narrow. */
import t from 'tap';
import type { ProcSnap } from '../../../src/model';
import { cgroupName } from '../../../src/model/cgroup-name';
import { PROC_FIGURES_BLANK } from '../../../src/model/fields/proc';
import { fitColumns, processesView } from '../../../src/panes/processes';
import { TableState, tableRows } from '../../../src/panes/proctable';
import { makeTheme } from '../../../src/render/theme';

t.test('names', async (t) => {
  const cases: [string | null, string][] = [
    ['/system.slice/nginx.service', 'nginx.service'],
    ['/system.slice/nginx.service/worker', 'nginx.service'],
    ['/user.slice/user-1000.slice/session-3.scope', 'session-3.scope'],
    ['/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1234.scope', 'app-firefox-1234.scope'],
    ['/user.slice/user-1000.slice', 'user-1000.slice'],
    ['/system.slice/docker-3f9a2b7c1d4e5f60718293a4b5c6d7e8f9011223344556677889900aabbccdd.scope', '3f9a2b7c1d4e'],
    ['/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', '0123456789ab'],
    ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8695_a4b3c2d1e0f9.slice/cri-containerd-3f9a2b7c1d4e5f60718293a4b5c6d7e8f9011223344556677889900aabbccdd.scope', '3f9a2b7c1d4e'],
    ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8695_a4b3c2d1e0f9.slice', 'pod:0f1e2d3c'],
    ['/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9', 'pod:0f1e2d3c'],
    ['/machine.slice/libpod-abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd.scope/container', 'abcdefabcdef'],
    ['/process_api/29f5c6c113d1c8cb2767b1e46a86784f', '29f5c6c113d1'],
    ['/my group', 'my group'],
    ['/', '/'],
    [null, '-'],
  ];
  for (const [path, want] of cases) t.equal(cgroupName(path), want, String(path));
});

function p(pid: number, cgroup: string | null): ProcSnap {
  return {
    ...PROC_FIGURES_BLANK,
    pid, start_time: pid, ppid: 1, comm: `c${pid}`, cmdline: `/bin/c${pid}`, user: 'root', cgroup, uid: 0, state: 'S', kthread: false,
    cpu_pct: pid, net_source: null, shim: null,
  } as ProcSnap;
}

t.test('the column', async (t) => {
  const procs = [p(1, '/system.slice/nginx.service'), p(2, null), p(3, '/a.slice/zz.service'), p(4, '/evil\x1b]52;c;aGk=\x07{red-fg}.service')];
  const state: TableState = { sortKey: 'cgroup', descending: false, filter: '', tree: false, follow: null };
  t.same(tableRows(procs, state).map((r) => r.proc.pid), [2, 4, 1, 3], 'sorted by the shown name, none first');
  const v = processesView({ rows: tableRows(procs, state), total: 4, state, selected: -1, top: 0, width: 200, height: 6, theme: makeTheme(false) });
  t.match(v.lines[0], /CGROUP▲/);
  const row = v.lines.find((l) => l.includes('/bin/c1'))!;
  t.match(row, /nginx\.service/);
  const evil = v.lines.find((l) => l.includes('/bin/c4'))!;
  t.notMatch(evil, /\x1b/, 'no raw escape from a cgroup path');
  t.notMatch(evil, /\{red-fg\}/, 'no live blessed tag');
  t.notOk(fitColumns(80).some((c) => c.key === 'cgroup'), 'dropped first on 80 columns');
  t.ok(fitColumns(200).some((c) => c.key === 'cgroup'), 'shown when there is room');
});
