/** Pane view functions: Snapshots and a history window in, lines of text out; no terminal involved. */
import t from 'tap';
import type { Snapshot } from '../../../src/model';
import { cpuView } from '../../../src/panes/cpu';
import { chartPoints, detailChart, detailView, parentChain } from '../../../src/panes/detail';
import { diskView } from '../../../src/panes/disk';
import { headerView } from '../../../src/panes/header';
import { memoryView } from '../../../src/panes/memory';
import { netView } from '../../../src/panes/net';
import type { ViewInput } from '../../../src/panes/view';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot, prng, syntheticSnapshot } from '../../../src/store/window/synthetic';
import { makeTheme, THEMES } from '../../../src/render/theme';
import { displayWidth } from '../../../src/render/width';
import { HOST } from '../../helpers/samples';

const plain = (s: string): string => s.replace(/\{[^{}]*\}/g, (m) => (m === '{open}' ? '{' : m === '{close}' ? '}' : ''));

/** Two minutes of snapshots at 100 ms: the CPU busy at 50%, memory at 40%. */
function feed(): { history: HistoryWindow; snap: Snapshot } {
  const history = new HistoryWindow();
  const rnd = prng(7);
  let snap = blankSnapshot(0, 0, 100);
  for (let i = 1; i <= 1200; i++) {
    snap = syntheticSnapshot(i * 100, 1_700_000_000_000 + i * 100, 100, { cores: 4, ifaces: 2, disks: 1, mounts: 2 }, rnd);
    snap.cpu.cpu_pct = 50;
    snap.mem.mem_used_pct = 40;
    history.push(snap);
  }
  return { history, snap };
}

function input(width: number, height: number, colour = false): ViewInput {
  const { history, snap } = feed();
  return { snap, procs: [], history, host: HOST, theme: makeTheme(colour), width, height };
}

t.test('every view fills exactly its box, at any size', async (t) => {
  const views = { cpuView, memoryView, netView, diskView };
  for (const [name, view] of Object.entries(views)) {
    for (const [w, h] of [[100, 12], [60, 8], [40, 4], [20, 2], [1, 1]]) {
      const v = view(input(w, h));
      t.ok(v.lines.length <= h, `${name} ${w}x${h}: ${v.lines.length} lines`);
      // The box crops what is wider (wrap off); charts and bars must fit exactly from 40 columns up.
      const over = v.lines.filter((l) => displayWidth(plain(l)) > w);
      if (w >= 40 && (name === 'cpuView' || name === 'memoryView')) t.same(over, [], `${name} ${w}x${h}: no line wider than the box`);
    }
  }
});

t.test('cpu view: a chart of the last minute, per-core bars, the averages', async (t) => {
  const v = cpuView(input(100, 12));
  t.match(v.label, /cpu 4\/4 cores/);
  const text = v.lines.map(plain).join('\n');
  t.match(text, / 60s /, 'the minute chart is labelled');
  t.match(text, / 1h /, 'the hour chart below it');
  t.match(text, /avg 50\.0 50\.0 50\.0/, '1/5/15 min averages from the window (all the window holds is 50%)');
  t.match(text, /\s+0 [█▉▊▋▌▍▎▏ ]+\s+[\d.]+\n/, 'core 0 with a bar');
  const chartRow = plain(v.lines[5]); // the bottom row of the minute chart: 50% fills it
  t.ok(/[\u2800-\u28ff]/.test(chartRow), 'braille in the chart');
  const offline = input(100, 12);
  offline.snap.cores[2].online = false;
  t.match(cpuView(offline).lines.map(plain).join('\n'), /2 offline/, 'an offline core says so');
});

t.test('memory view: bars in proportion, swap none, the hour chart', async (t) => {
  const inp = input(80, 10);
  inp.snap.mem.mem_total_bytes = 1000;
  inp.snap.mem.mem_used_bytes = 250;
  inp.snap.mem.swap_total_bytes = 0;
  const v = memoryView(inp);
  const used = plain(v.lines[0]);
  t.match(used, /^used\s+█+/);
  t.match(used, /25\.0%$/);
  t.match(plain(v.lines[3]), /swap\s+none/);
  t.match(v.lines.map(plain).join('\n'), /used 1h/);
});

t.test('net and disk views list every interface, disk and mount, escaped', async (t) => {
  const inp = input(100, 14);
  inp.snap.net[0].iface = 'ev\x1bil{x}';
  inp.snap.fs[0].mount = '/mnt/\u202Eevil';
  const net = netView(inp).lines.map(plain).join('\n');
  t.match(net, /ev\\eil\{x\}/, 'interface name escaped');
  t.notMatch(net, /\x1b/);
  t.match(net, /tcp retrans\/s/);
  const disk = diskView(inp).lines.map(plain).join('\n');
  t.match(disk, /\/mnt\/\\u202eevil/);
  t.match(disk, new RegExp(inp.snap.disks[0].device));
});

t.test('header: host, uptime, load, PSI; replay mode; alert lines', async (t) => {
  const inp = input(200, 1);
  inp.snap.uptime_s = 90061;
  inp.snap.load1 = 1.5;
  const live = headerView(inp, { mode: { kind: 'live', intervalMs: 100, procIntervalMs: 1000 }, alerts: [] }).map(plain);
  t.match(live[0], /vigil test 6\.1\.0 up 1d 01:01:01/);
  t.match(live[0], /100ms\/1000ms/);
  t.match(live[0], /load 1\.50/);
  const replay = headerView(inp, { mode: { kind: 'replay', t: 1_700_000_000_000, speed: 10, paused: true, intervalMs: 100 }, alerts: ['cpu.total_pct > 90 for 30s'] }).map(plain);
  t.match(replay[0], /REPLAY \d\d:\d\d:\d\d\.000 2023-11-14 ×10 paused/);
  t.match(replay[1], /⚠ cpu\.total_pct > 90 for 30s/);
});

t.test('detail view: identity, parents, and four charts from the window', async (t) => {
  const history = new HistoryWindow();
  const me = blankProc(300, 3000, { ppid: 200, comm: 'me', cmdline: 'me --arg', cpu_pct: 12 });
  const procs = [blankProc(1, 1, { ppid: 0, comm: 'init' }), blankProc(200, 2000, { ppid: 1, comm: 'parent' }), me];
  for (let i = 1; i <= 120; i++) {
    const s = blankSnapshot(i * 1000, i * 1000, 1000);
    s.procs = procs.map((p) => ({ ...p, cpu_pct: p.pid === 300 ? 12 : 0, rss_bytes: 1048576 * 5 }));
    s.procs_interval_ms = 1000;
    history.push(s);
  }
  t.same(parentChain(me, procs).map((p) => p.pid), [200, 1]);
  const v = detailView({ proc: me, alive: true, procs, history, cwd: '/home/me', theme: makeTheme(false), width: 100 });
  const text = v.lines.map(plain).join('\n');
  t.match(text, /command\s+me --arg/);
  t.match(text, /cwd\s+\/home\/me/);
  t.match(text, /parents\s+200 parent ← 1 init/);
  t.equal(v.charts.length, 4);
  const cpu = v.charts[0].y.filter((x): x is number => x !== null);
  t.ok(cpu.length > 0 && cpu.every((x) => Math.abs(x - 12) < 1e-9), 'CPU history from the window');
  t.ok(v.charts[1].y.some((x) => x !== null && Math.abs(x - 5 * 1048576) < 1e-9), 'RSS in bytes');
  t.equal(v.charts[0].y.length, chartPoints(100), 'as many points as the braille plot shows');
  const gone = detailView({ proc: me, alive: false, procs, history, cwd: '(gone)', theme: makeTheme(false), width: 100 });
  t.match(plain(gone.lines[0]), /\(exited\)/);
});

t.test('detail chart: braille plot with its scale and time axis, gaps left empty, in the theme\'s colours', async (t) => {
  const y: (number | null)[] = Array.from({ length: 60 }, (_, i) => (i < 20 ? null : i === 59 ? 2048 : 1024));
  const c = { title: 'I/O read + write', y, format: (v: number) => `${v / 1024}K/s`, colour: 'blue' as const, minMax: 1024 };
  const lines = detailChart(c, 40, 8, makeTheme(false));
  t.equal(lines.length, 8, 'title, six plot rows, the time axis');
  t.ok(lines.every((l) => plain(l).length <= 40), 'no line wider than the box');
  t.match(lines[0], /^ I\/O read \+ write$/);
  t.match(lines[1], /^\s+2K\/s┤/, 'the top of the scale is the largest value');
  t.match(lines[6], /^\s+0┤[⠀-⣿ ]+$/, 'zero at the bottom');
  t.match(lines[7], /└\s?-10m\s+-5m\s+now$/, 'the time axis');
  const plot = lines.slice(1, 7).map((l) => l.slice(8));
  t.ok(plot.every((l) => l.slice(0, 10).trim() === ''), 'no data: nothing drawn (not a line at 0)');
  t.ok(plot.some((l) => /[⠁-⣿]/.test(l)), 'data is drawn in braille');
  const coloured = detailChart(c, 40, 8, makeTheme(true));
  t.ok(coloured[1].includes(`{${THEMES.dark.colours.blue}-fg}`), 'the plot in the theme\'s blue');
  t.notMatch(coloured.join(''), /undefined|NaN/);
  t.same(detailChart(c, 40, 2, makeTheme(false)).map(plain), [' I/O read + write'], 'too short for a plot: the title alone');
  t.same(detailChart(c, 0, 8, makeTheme(false)), []);
});
