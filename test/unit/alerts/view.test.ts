/**
 * What the TUI gets: header lines, the `a` overlay, marks for pane and process rows; hostile names
 * escaped. And vigil_alert_active on /metrics from a real engine.
 */
import t from 'tap';
import { alertActiveFamily } from '../../../src/export/prometheus/alert-family';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { AlertEngine } from '../../../src/store/alerts/engine';
import type { Breach } from '../../../src/store/alerts/evaluator';
import { compileRules } from '../../../src/store/alerts/rules';
import { alertHeaderLines, alertMarks, alertsView, markLabel, span, subjectText } from '../../../src/panes/alerts';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';
import { makeTheme } from '../../../src/render/theme';

const T = new Date(2024, 4, 1, 14, 30, 0).getTime();
const b = (over: Partial<Breach> = {}): Breach => ({
  rule: 'cpu.total_pct > 90', metric: 'cpu.total_pct', op: '>', subject: 'host', pid: null, start_time: null, comm: null, user: null,
  start_t: T, fired_t: T + 30_000, end_t: null, end_reason: null, peak: 99.1, average: 95, threshold: 90, samples: 300,
  kind: 'none', unit: '%', clear: 80, for_ms: 30_000, window_ms: 10_000, value: 96.34, clearing: false, ...over,
});
const proc = b({
  rule: 'proc.cpu_pct > 95', metric: 'proc.cpu_pct', subject: '4242:777', pid: 4242, start_time: 777, comm: 'evil\x1b[2J{red-fg}', user: 'root',
  kind: 'proc', start_t: T + 5_000, value: 100, peak: 100,
});
const plain = makeTheme(false);

t.test('header lines: one per active breach, capped, names escaped', async (t) => {
  t.strictSame(alertHeaderLines([b()], T + 72_000), ['cpu.total_pct > 90  host  96.3%  for 1m12s  peak 99.1%']);
  const lines = alertHeaderLines([b(), proc], T + 72_000);
  t.equal(lines[1], 'proc.cpu_pct > 95  pid 4242 evil\\e[2J{open}red-fg{close}  100%  for 1m07s  peak 100%', 'controls and tag braces escaped');
  t.strictSame(alertHeaderLines([b(), proc, b({ subject: 'x' }), b({ subject: 'y' })], T, 3).slice(2), ['+2 more alerts (a: list)']);
  t.strictSame(alertHeaderLines([], T), []);
  t.strictSame(alertHeaderLines([b({ clearing: true })], T + 1000), ['cpu.total_pct > 90  host  96.3%  for 1s  peak 99.1% (clearing)']);
  t.equal(alertHeaderLines([b({ rule: 'x'.repeat(300) })], T, 3, 40)[0].length <= 40, true, 'fits the width');
});

t.test('the a overlay: active first, then recent, then notes; cut to its height', async (t) => {
  const ended = b({ rule: 'mem.used_pct > 90', metric: 'mem.used_pct', start_t: T - 600_000, end_t: T - 540_000, end_reason: 'clear', value: 91 });
  const gone = { ...proc, end_t: T + 9_000, end_reason: 'gone' as const };
  const v = alertsView({ active: [b()], recent: [gone, ended], notes: [{ t: T, text: "--on-alert 'x': killed after 10 s (still running)" }], now: T + 60_000, theme: plain, width: 120, height: 20 });
  t.equal(v.label, 'alerts · any key closes');
  t.strictSame(v.lines, [
    'Active (1)',
    '  14:30:00  cpu.total_pct > 90  host  96.3%  for 1m00s  peak 99.1%',
    '',
    'Recent',
    '  14:30:05–14:30:09  proc.cpu_pct > 95  pid 4242 evil\\e[2J{open}red-fg{close}  100%  lasted 4s  peak 100% (subject gone)',
    '  14:20:00–14:21:00  mem.used_pct > 90  host  91%  lasted 1m00s  peak 99.1%',
    '',
    'Notes',
    "  14:30:00  --on-alert 'x': killed after 10 s (still running)",
  ]);
  const empty = alertsView({ active: [], recent: [], now: T, theme: plain, width: 60, height: 20 });
  t.strictSame(empty.lines, ['Active (0)', '  none', '', 'Recent', '  none']);
  const small = alertsView({ active: [b(), b({ subject: 'a' }), b({ subject: 'b' })], recent: [], now: T, theme: plain, width: 60, height: 3 });
  t.equal(small.lines.length, 3);
  t.equal(small.lines[2], '  …');
});

t.test('marks: which panes and which rows carry an active breach', async (t) => {
  const disk = b({ rule: 'disk.util_pct > 90', metric: 'disk.util_pct', subject: 'sda', kind: 'disk' });
  const core = b({ rule: 'c', metric: 'cpu.1.total_pct', subject: '1', kind: 'core' });
  const m = alertMarks([b(), proc, disk, core]);
  t.strictSame([...m.panes].sort(), ['cpu', 'disk', 'processes']);
  t.ok(m.has('proc', '4242:777'));
  t.notOk(m.has('proc', '4242:778'), 'same pid, another start time: another process');
  t.ok(m.has('disk', 'sda'));
  t.notOk(m.has('disk', 'sdb'));
  t.ok(m.has('none', ''), 'system-wide breaches are found with any subject');
  t.ok(m.has('core', '1'));
  t.strictSame(m.metrics('proc', '4242:777'), ['proc.cpu_pct']);
  t.equal(markLabel('disk', true, plain), '! disk');
  t.equal(markLabel('disk', false, plain), 'disk');
  t.equal(subjectText({ kind: 'core', subject: '3', pid: null, comm: null }), 'core 3');
  t.equal(span(3_723_000), '1h02m');
});

t.test('vigil_alert_active{rule,subject} on /metrics follows the engine', async (t) => {
  const engine = new AlertEngine(compileRules([{ metric: 'proc.cpu_pct', threshold: 50, window: '1s', name: 'hot "proc"' }, { metric: 'cpu.total_pct', threshold: 50, window: '1s' }], 't'));
  const w = new HistoryWindow();
  const metrics = new PrometheusMetrics({ host: { hostname: 'h', kernel: 'k', clk_tck: 100, page_size: 4096, ncpu: 2, boot_time_s: 0 } });
  metrics.addFamily(alertActiveFamily(() => engine.active()));
  const s = blankSnapshot(1000, T, 1000);
  s.cpu.cpu_pct = 99;
  s.procs = [blankProc(4242, 777, { cpu_pct: 99 }), blankProc(1, 1, { cpu_pct: 0 })];
  s.procs_interval_ms = 1000;
  w.push(s);
  engine.onSnapshot(s, w);
  const text = await metrics.metrics();
  t.match(text, /# TYPE vigil_alert_active gauge/);
  t.match(text, /vigil_alert_active\{rule="hot \\"proc\\"",subject="4242:777"\} 1/);
  t.match(text, /vigil_alert_active\{rule="cpu.total_pct > 50",subject="host"\} 1/);
  engine.stop();
  t.notMatch(await metrics.metrics(), /vigil_alert_active\{/, 'absent once ended');
});
