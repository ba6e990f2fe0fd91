/**
 * Issue 18, items 4-6 at the level of the views: the connections view's columns at 100-300 columns,
 * the process table's columns by priority (whole columns, never digits), the sort mark on every column,
 * the meter strip and the header on narrow terminals, the TIME+ format.
 */
import t from 'tap';
import type { ConnSnap } from '../../../src/model/conns';
import { connsView } from '../../../src/panes/conns';
import { diskView } from '../../../src/panes/disk';
import { headerView } from '../../../src/panes/header';
import { metersView } from '../../../src/panes/meters';
import { COLUMN_ORDER, COLUMNS, fitColumns, markedTitle, processesView } from '../../../src/panes/processes';
import { ColumnKey, TableState, tableRows } from '../../../src/panes/proctable';
import { cpuTime } from '../../../src/render/format';
import { makeTheme } from '../../../src/render/theme';
import { displayWidth } from '../../../src/render/width';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';
import { layout, PROC_ROWS } from '../../../src/ui/layout';
import { HOST } from '../../helpers/samples';

const plain = (s: string): string => s.replace(/\{[^{}]*\}/g, (m) => (m === '{open}' ? '{' : m === '{close}' ? '}' : ''));
const theme = makeTheme(false);

function conn(i: number, extra: Partial<ConnSnap> = {}): ConnSnap {
  return {
    pid: 4000 + i, pids: [4000 + i], comm: 'nginx', local: `10.0.0.1:${443 + i}`, remote: `192.168.100.${i}:5${1000 + i}`, state: 'ESTABLISHED',
    tx_bytes_per_s: 1.5e6, rx_bytes_per_s: 3e4, retrans_total: 2, retrans_per_s: 0, rtt_ms: 12.25 + i, new: false, ...extra,
  };
}

t.test('connections view: every column, RTT included, at 100, 200 and 300 columns; addresses no wider than they need', async (t) => {
  const conns = [conn(1), conn(2), conn(3, { local: '[2001:db8::1]:443', remote: '[2001:db8:ffff::abcd]:51234' })];
  for (const width of [98, 198, 298]) {
    const v = connsView({ conns, events: [], sort: 'throughput', width, height: 10, theme, partial: false });
    const head = plain(v.lines[0]);
    t.ok(displayWidth(head) <= width, `${width}: the header fits`);
    for (const title of ['PID', 'COMMAND', 'LOCAL', 'REMOTE', 'STATE', 'TX/s▼', 'RX/s', 'RETR', 'RTT ms']) t.ok(head.includes(title), `${width}: ${title} shown`);
    for (const [i, c] of conns.entries()) {
      const row = plain(v.lines[1 + i]);
      t.ok(displayWidth(row) <= width, `${width}: row ${i} fits`);
      t.ok(row.trimEnd().endsWith(c.rtt_ms!.toFixed(1)), `${width}: row ${i} ends with its RTT (${row.trimEnd().slice(-8)})`);
    }
    if (width >= 198) {
      // Past what the addresses need the view does not pad them: the widest one, then one space.
      const longest = '[2001:db8:ffff::abcd]:51234';
      t.match(plain(v.lines[3]), new RegExp(`${longest.replace(/[[\]]/g, '\\$&')} ESTABLISHED`), `${width}: REMOTE as wide as its longest address`);
    }
  }
  const retr = plain(connsView({ conns, events: [], sort: 'retrans', width: 60, height: 5, theme, partial: false }).lines[0]);
  t.match(retr, /RETR▼/, 'narrow, the sort column stays');
});

t.test('connections view: the label stays within the top border, and says why sockets are missing', async (t) => {
  for (const width of [38, 58, 98, 198]) {
    for (const asRoot of [false, true]) {
      const v = connsView({ conns: [conn(1)], events: [], sort: 'throughput', width, height: 5, theme, partial: true, asRoot });
      // Inside a border of width + 2: the corners, the label's two spaces and a cell of border before it.
      t.ok(displayWidth(plain(v.label)) <= width - 4, `${width}${asRoot ? ' as root' : ''}: "${v.label}" fits`);
      t.match(v.label, /^connections 1/, `${width}: the count always shows`);
      if (width >= 198) t.match(v.label, asRoot ? /refused, even to root/ : /not visible without root/, `${width}: the reason, ${asRoot ? 'as root' : 'as a user'}`);
    }
  }
});

const NUMERIC: Record<string, RegExp> = {
  pct: /^(-|\d+(\.\d)?)$/,
  bytes: /^(-|\d+(\.\d)?[BKMGTP]\*?)$/,
  count: /^(-|\d+(\.\d)?[kMG]?)$/,
  int: /^(-|-?\d+)$/,
  time: /^(-|\d+:\d\d\.\d\d|\d+:\d\d:\d\d|\d+h\d\d|\d+d(\d\dh)?)$/,
};
const FORMAT_OF: Partial<Record<ColumnKey, keyof typeof NUMERIC>> = {
  pid: 'int', nice: 'int', threads: 'count', cpu: 'pct', mem: 'pct', rss: 'bytes', time: 'time', read: 'bytes', write: 'bytes',
  netrx: 'bytes', nettx: 'bytes', minflt: 'count', majflt: 'count', ctxsw: 'count', wait: 'pct', fds: 'count',
};

/** Processes with the widest figures each column can hold. */
function bigProcs() {
  return [
    blankProc(4194303, 1, {
      user: 'averyverylongusername', nice: -20, threads: 12345, cpu_pct: 1599.9, cpu_time_s: 99 * 3600 + 59 * 60 + 59, mem_pct: 99.9,
      rss_bytes: 23.5 * 2 ** 30, read_bytes_per_s: 999.9 * 2 ** 20, write_bytes_per_s: 1.2e12, net_rx_bytes_per_s: 5e8, net_tx_bytes_per_s: 5e8,
      net_source: 'shim', minflt_per_s: 1.2e9, majflt_per_s: 12345, ctxsw_per_s: 99999, wait_pct: 250, fds: 123456,
    }),
    blankProc(2, 1, { cpu_pct: 0.1, cpu_time_s: 4321.5, rss_bytes: 1000 }),
    blankProc(3, 1, { cpu_pct: 5, cpu_time_s: 7, state: 'R' }),
  ];
}

t.test('process table: whole columns go by priority (RSS and CPU% outlive NET); every cell a whole figure', async (t) => {
  const at80 = fitColumns(78).map((c) => c.key);
  t.ok(at80.includes('rss') && at80.includes('cpu') && at80.includes('mem') && at80.includes('time'), `78: ${at80.join(' ')}`);
  t.notOk(at80.includes('netrx'), '78: NET goes before RSS');
  t.ok(fitColumns(78).find((c) => c.key === 'command')!.width >= 24, '78: the command keeps 24 cells or more');
  for (let w = 30; w <= 300; w++) {
    const keys = fitColumns(w).map((c) => c.key);
    if (keys.includes('netrx') !== keys.includes('nettx')) t.fail(`${w}: NET RX and TX go together`);
    if (keys.includes('netrx') && !keys.includes('rss')) t.fail(`${w}: NET without RSS`);
  }
  const state: TableState = { sortKey: 'cpu', descending: true, filter: '', tree: false, follow: null };
  const procs = bigProcs();
  for (const width of [38, 58, 78, 98, 118, 158, 198, 298]) {
    const v = processesView({ rows: tableRows(procs, state), total: procs.length, state, selected: -1, top: 0, width, height: 10, theme });
    const cols = fitColumns(width, { sortKey: 'cpu' });
    let x = 0;
    for (const c of cols) {
      const f = FORMAT_OF[c.key];
      if (f !== undefined) {
        for (const line of v.lines.slice(1)) {
          const cell = plain(line).slice(x, x + c.width).trim();
          t.match(cell, NUMERIC[f], `${width}: ${c.key} '${cell}' is a whole ${f}`);
        }
      }
      x += c.width + 1;
    }
  }
});

t.test('the sorted column shows its mark at every width, whatever its title; PID included', async (t) => {
  const procs = bigProcs();
  for (const key of COLUMN_ORDER) {
    for (const descending of [true, false]) {
      const state: TableState = { sortKey: key, descending, filter: '', tree: false, follow: null };
      for (const width of [38, 78, 98, 200]) {
        const v = processesView({ rows: tableRows(procs, state), total: 3, state, selected: -1, top: 0, width, height: 4, theme });
        const cols = fitColumns(width, { sortKey: key });
        const i = cols.findIndex((c) => c.key === key);
        t.ok(i >= 0, `${key} ${width}: the sort column is kept`);
        const x = cols.slice(0, i).reduce((s, c) => s + c.width + 1, 0);
        const head = plain(v.lines[0]).slice(x, x + cols[i].width);
        t.ok(head.includes(descending ? '▼' : '▲'), `${key} ${width}: '${head}' carries the mark`);
      }
    }
  }
  t.equal(markedTitle('WRITE/s', '▼', 7), 'WRITE▼');
  t.equal(markedTitle('WAIT%', '▲', 5), 'WAIT▲');
  t.equal(markedTitle('S', '▼', COLUMNS.state.width), 'S▼', 'S has room for its mark');
  t.equal(markedTitle('S', '▼', 1), '▼', 'the mark before the title');
  t.equal(markedTitle('CPU%', '▼', 5), 'CPU%▼', 'a title that fits keeps its unit');
  const onlyChosen = fitColumns(200, { columns: ['pid', 'command'], sortKey: 'majflt' }).map((c) => c.key);
  t.same(onlyChosen, ['pid', 'majflt', 'command'], 'a sort column not chosen is shown (in its place) while it sorts');
});

t.test('TIME+ as htop shows it', async (t) => {
  t.equal(cpuTime(0), '0:00.00');
  t.equal(cpuTime(83.456), '1:23.45');
  t.equal(cpuTime(3599.999), '59:59.99');
  t.equal(cpuTime(3600), '1:00:00');
  t.equal(cpuTime(99 * 3600 + 59 * 60 + 59), '99:59:59');
  t.equal(cpuTime(123 * 3600 + 45 * 60), '123h45');
  t.equal(cpuTime(1000 * 3600), '41d16h');
  t.equal(cpuTime(null), '-');
  t.equal(cpuTime(NaN), '-');
  t.equal(cpuTime(-1), '-');
  for (const s of [0, 59.99, 3599, 359999, 3599999, 1e9]) t.ok(cpuTime(s).length <= COLUMNS.time.width, `${s} s fits TIME+`);
});

t.test('80x24: the panes fold into a meter strip and the table keeps its rows', async (t) => {
  const l = layout(80, 24);
  if (l.tooSmall) return t.fail('80x24 is not too small');
  const procs = l.panes.processes!;
  t.ok(procs.height - 3 >= PROC_ROWS, `80x24: ${procs.height - 3} process rows`);
  t.same(l.strip, [['cpu'], ['memory', 'load', 'net', 'disk']]);
  t.notOk(l.panes.cpu || l.panes.memory || l.panes.net || l.panes.disk, 'no pane squeezed in');
  for (const [c, r] of [[80, 30], [100, 30], [120, 36], [200, 50], [60, 20], [80, 16]]) {
    const m = layout(c, r);
    if (m.tooSmall) continue;
    const rows = (m.panes.processes?.height ?? 0) - 3;
    t.ok(rows >= Math.min(PROC_ROWS, r - 7), `${c}x${r}: ${rows} process rows`);
  }
  const big = layout(200, 50);
  t.ok(!big.tooSmall && big.strip.length === 0 && big.panes.net, '200x50: every pane in full, no strip');
  const mid = layout(100, 30);
  t.ok(!mid.tooSmall && mid.panes.cpu && !mid.panes.net && mid.strip.length === 1, '100x30: cpu and memory in full, net and disk as a line');
  const noCpu = layout(80, 24, { hidden: new Set(['cpu', 'disk']) });
  t.ok(!noCpu.tooSmall && !noCpu.strip.flat().includes('cpu') && !noCpu.strip.flat().includes('disk'), 'panes switched off stay off in the strip');
});

t.test('meter strip: htop meters and rates, whole fields only, at any width', async (t) => {
  const snap = blankSnapshot(1000, 1_700_000_000_000, 1000);
  snap.cpu.cpu_pct = 23.4;
  snap.cores = [0, 1, 2, 3].map((i) => ({ ...snap.cpu, cpu: i, online: true, cpu_pct: i * 30 }));
  snap.mem = { ...snap.mem, mem_total_bytes: 25.2e9, mem_used_bytes: 1.5e9, mem_used_pct: 6, swap_total_bytes: 2 ** 31, swap_used_bytes: 2 ** 29, swap_used_pct: 25 };
  snap.load1 = 9.67;
  snap.load5 = 6.12;
  snap.load15 = 10.5;
  snap.net = [{
    iface: 'eth0', rx_bytes_per_s: 1.5e6, tx_bytes_per_s: 3e4, rx_packets_per_s: 0, tx_packets_per_s: 0, rx_errs_per_s: 0, tx_errs_per_s: 0, rx_drop_per_s: 0, tx_drop_per_s: 0,
  }];
  const strip = [['cpu'], ['memory', 'load', 'net', 'disk']] as const;
  const at80 = metersView({ snap, theme, width: 80 }, strip.map((l) => [...l])).map(plain);
  t.match(at80[0], /^CPU\[\|*\s*23\.4%\] 0\[\s*0\.0%\] 1\[\|+\s*30\.0%\]/, `cpu line: ${at80[0]}`);
  t.match(at80[1], /^Mem\[\|*\s*1\.4G\/23\.5G\]/, `memory line: ${at80[1]}`);
  t.match(at80[1], /load 9\.67 6\.12 10\.50/);
  for (let w = 20; w <= 300; w += 3) {
    const lines = metersView({ snap, theme, width: w }, strip.map((l) => [...l])).map(plain);
    for (const line of lines) {
      if (displayWidth(line) > w) t.fail(`${w}: '${line}' is wider than the strip`);
      // Every field is whole: a meter closes its bracket, the load has three figures, a rate its unit.
      if (/\[[^\]]*$/.test(line)) t.fail(`${w}: a meter cut: '${line}'`);
      const load = /load[^]*$/.exec(line)?.[0];
      if (load !== undefined && !/^load \d+\.\d\d \d+\.\d\d \d+\.\d\d/.test(load)) t.fail(`${w}: load cut: '${line}'`);
      const net = /net [^]*$/.exec(line)?.[0];
      if (net !== undefined && !/^net rx \S+\/s tx \S+\/s/.test(net)) t.fail(`${w}: net cut: '${line}'`);
    }
  }
  const many = { ...snap, cores: Array.from({ length: 64 }, (_, i) => ({ ...snap.cores[0], cpu: i, cpu_pct: i })) };
  const blocks = plain(metersView({ snap: many, theme, width: 80 }, [['cpu']])[0]);
  t.match(blocks, /^CPU\[[^\]]*23\.4%\] [ ▁▂▃▄▅▆▇█]{64}$/, '64 cores at 80 columns: one block each');
});

t.test('header: fields are left out whole on a narrow terminal, never cut', async (t) => {
  const snap = blankSnapshot(1000, 1_700_000_000_000, 1000);
  snap.uptime_s = 90061;
  snap.load1 = 9.67;
  snap.load5 = 6.12;
  snap.load15 = 10.5;
  const host = { ...HOST, hostname: 'vm', kernel: '6.18.44-fc-v1045' };
  const state = { mode: { kind: 'live' as const, intervalMs: 100, procIntervalMs: 1000 }, alerts: [] };
  for (let w = 20; w <= 120; w++) {
    const line = plain(headerView({ snap, host, theme, width: w }, state)[0]);
    t.ok(displayWidth(line) <= w || !line.includes('│'), `${w}: '${line}' fits`);
    if (line.includes('load') && !/load 9\.67 6\.12 10\.50/.test(line)) t.fail(`${w}: load cut: '${line}'`);
    if (line.includes('6.18') && !line.includes('6.18.44-fc-v1045')) t.fail(`${w}: kernel cut`);
  }
  t.match(plain(headerView({ snap, host, theme, width: 80 }, state)[0]), /load 9\.67 6\.12 10\.50/, '80 columns: the load stays, the kernel goes');
  t.notMatch(plain(headerView({ snap, host, theme, width: 80 }, { ...state, load: false })[0]), /load/, 'no load when the strip shows it');
});

t.test('disk pane: a mount line leaves figures out whole, never cuts one ("23.5G shown as 2")', async (t) => {
  const snap = blankSnapshot(1000, 1_700_000_000_000, 1000);
  snap.fs = [{ mount: '/var/lib/containers/storage', source: '/dev/vda1', fstype: 'ext4', size_bytes: 23.5 * 2 ** 30, used_bytes: 5.1 * 2 ** 30, avail_bytes: 18 * 2 ** 30, used_pct: 21.7 } as (typeof snap.fs)[number]];
  for (let w = 12; w <= 100; w++) {
    const line = plain(diskView({ snap, procs: [], history: new HistoryWindow(), host: HOST, theme, width: w, height: 4 }).lines[1]);
    if (displayWidth(line) > w) t.fail(`${w}: '${line}' is wider than the pane`);
    if (!/ 21\.7%( +5\.1G( +23\.5G)?)?$/.test(line)) t.fail(`${w}: '${line}' does not end in whole figures`);
  }
  t.match(plain(diskView({ snap, procs: [], history: new HistoryWindow(), host: HOST, theme, width: 38, height: 4 }).lines[1]), /21\.7%\s+5\.1G\s+23\.5G$/, '38 cells (an 80-column disk pane): all three');
});
