/**
 * Rule validation: every refusal names the rule (index and metric), the field and what was expected; the
 * shipped defaults compile; docs/alerts.md's table of metrics is generated from the one metric table.
 * Set VIGIL_UPDATE_DOCS=1 to rewrite the table in docs/alerts.md instead of checking it (or run
 * `node dist/src/docs/update.js`, which rewrites every generated doc).
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { parseConfig } from '../../../src/config';
import { VigilError } from '../../../src/infra/errors';
import { formatValue } from '../../../src/panes/alerts';
import { ALERT_METRIC_NAMES, ALERT_METRICS, metricsHelp, metricsMarkdown } from '../../../src/store/alerts/metrics';
import { compileRules, DEFAULT_RULES, describeRule } from '../../../src/store/alerts/rules';
import { ROOT } from '../../helpers/paths';

function refusal(alerts: unknown): string {
  const config = parseConfig(JSON.stringify({ alerts }), 'c.json');
  try {
    compileRules(config.alerts, config.path);
  } catch (e) {
    if (!(e instanceof VigilError)) throw e;
    if (e.exitCode !== 2) throw new Error(`exit ${e.exitCode}`);
    return e.message;
  }
  return 'no error';
}

t.test('each bad rule is refused with one line: rule, field, what was expected, what was found', async (t) => {
  const cases: [unknown, string][] = [
    [[5], 'config c.json: alerts[0]: expected a rule object like {"metric": "cpu.total_pct", "op": ">", "threshold": 90}, got 5'],
    [[{ threshold: 90 }], 'config c.json: alerts[0]: metric: expected an alert metric name like "cpu.total_pct", got nothing'],
    [[{ metric: 'cpu.totl_pct', threshold: 90 }], "config c.json: alerts[0]: metric: unknown metric 'cpu.totl_pct' (did you mean 'cpu.total_pct'?)"],
    [[{ metric: 'mem.used_pct', threshold: 90 }, { metric: 'swap.usedpct', threshold: 1 }], "config c.json: alerts[1]: metric: unknown metric 'swap.usedpct' (did you mean 'swap.used_pct'?)"],
    [[{ metric: 'gpu.temperature', threshold: 90 }], "config c.json: alerts[0]: metric: unknown metric 'gpu.temperature'"],
    [[{ metric: 'cpu.total_pct', threshold: '90' }], 'config c.json: alerts[0] (cpu.total_pct): threshold: expected a number, got "90"'],
    [[{ metric: 'cpu.total_pct' }], 'config c.json: alerts[0] (cpu.total_pct): threshold: expected a number, got nothing'],
    [[{ metric: 'cpu.total_pct', op: '=>', threshold: 90 }], 'config c.json: alerts[0] (cpu.total_pct): op: expected one of ">", ">=", "<", "<=", got "=>"'],
    [[{ metric: 'cpu.total_pct', threshold: 90, window: '5 minutes' }], 'config c.json: alerts[0] (cpu.total_pct): window: expected a duration like "30s", "5m" or "1h30m" (or a number of seconds) between 1ms and 1h, got "5 minutes"'],
    [[{ metric: 'cpu.total_pct', threshold: 90, window: '2h' }], 'config c.json: alerts[0] (cpu.total_pct): window: expected a duration like "30s", "5m" or "1h30m" (or a number of seconds) between 1ms and 1h, got "2h"'],
    [[{ metric: 'cpu.total_pct', threshold: 90, for: -1 }], 'config c.json: alerts[0] (cpu.total_pct): for: expected a duration like "30s", "5m" or "1h30m" (or a number of seconds) between 0s and 24h, got -1'],
    [[{ metric: 'cpu.total_pct', threshold: 90, clear: 95 }], 'config c.json: alerts[0] (cpu.total_pct): clear: expected a number at most the threshold (90): the breach ends once the value is below it, got 95'],
    [[{ metric: 'mem.available_bytes', op: '<', threshold: 1e9, clear: 5e8 }], 'config c.json: alerts[0] (mem.available_bytes): clear: expected a number at least the threshold (1000000000): the breach ends once the value is above it, got 500000000'],
    [[{ metric: 'cpu.total_pct', threshold: 90, match: 'x' }], 'config c.json: alerts[0] (cpu.total_pct): match: expected no match: cpu.total_pct has a single subject, got "x"'],
    [[{ metric: 'proc.cpu_pct', threshold: 90, match: '(' }], 'config c.json: alerts[0] (proc.cpu_pct): match: expected a regular expression (Invalid regular expression: /(/: Unterminated group), got "("'],
    [[{ metric: 'disk.util_pct', threshold: 90, user: 'root' }], 'config c.json: alerts[0] (disk.util_pct): user: expected no user: only proc.* metrics have one, got "root"'],
    [[{ metric: 'cpu.total_pct', threshold: 90, windw: '5s' }], "config c.json: alerts[0] (cpu.total_pct): unknown field 'windw' (did you mean 'window'?)"],
    [[{ metric: 'cpu.total_pct', tresholds: 90 }], "config c.json: alerts[0] (cpu.total_pct): unknown field 'tresholds' (did you mean 'threshold'?)"],
    [[{ metric: 'cpu.total_pct', threshold: 90, name: '' }], 'config c.json: alerts[0] (cpu.total_pct): name: expected a non-empty string of at most 200 characters, got ""'],
    [[{ metric: 'cpu.total_pct', threshold: 90 }, { metric: 'cpu.total_pct', threshold: 90, window: '1m' }], "config c.json: alerts[1] (cpu.total_pct): name: 'cpu.total_pct > 90' is also the name of alerts[0]; give one of them a different \"name\""],
  ];
  for (const [alerts, msg] of cases) t.equal(refusal(alerts), msg, msg);
});

t.test('good rules: defaults filled in, fields of your own allowed, durations in both forms', async (t) => {
  const [r] = compileRules([{ metric: 'proc.cpu_pct', threshold: 50, match: '^burn', note: 'mine', severity: 'page' }], 'c.json');
  t.equal(r.op, '>');
  t.equal(r.window_ms, 5000, 'window defaults to 5 s');
  t.equal(r.for_ms, 0, 'for defaults to 0');
  t.equal(r.clear, 50, 'clear defaults to the threshold');
  t.equal(r.name, 'proc.cpu_pct > 50 ~^burn');
  t.equal(r.def.subject, 'proc');
  const [d] = compileRules([{ metric: 'net.rx_bytes_per_s', threshold: 1e8, window: 90, for: '1m30s', name: 'eth0 busy', match: '^eth' }], 'c.json');
  t.equal(d.window_ms, 90_000);
  t.equal(d.for_ms, 90_000);
  t.equal(d.name, 'eth0 busy');
  t.equal(describeRule(d), 'net.rx_bytes_per_s > 100000000 over 90s for 90s (clear 100000000), match /^eth/');
  const [c] = compileRules([{ metric: 'cpu.3.iowait_pct', threshold: 50 }], 'c.json');
  t.equal(c.metric, 'cpu.core.iowait_pct');
  t.equal(c.subject, '3');
  t.strictSame(compileRules([], 'c.json'), [], 'an empty list turns alerts off');
});

t.test('the shipped defaults compile and say what docs/alerts.md says', async (t) => {
  const rules = compileRules(null, null);
  t.equal(rules.length, DEFAULT_RULES.length);
  t.strictSame(rules.map(describeRule), [
    'cpu.total_pct > 90 over 10s for 30s (clear 80)',
    'mem.used_pct > 90 over 10s for 30s (clear 85)',
    'swap.used_pct > 50 over 10s for 10s (clear 45)',
    'fs.used_pct > 95 over 10s for 10s (clear 94)',
    'proc.cpu_pct > 95 over 10s for 1m (clear 80)',
    'cpu.iowait_pct > 50 over 10s for 30s (clear 40)',
  ]);
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'alerts.md'), 'utf8');
  for (const line of rules.map(describeRule)) t.ok(doc.includes(`\`${line}\``), `docs list: ${line}`);
});

t.test('the metric table covers the issue list and drives the docs/alerts.md table and the help text', async (t) => {
  const required = [
    'cpu.total_pct', 'cpu.iowait_pct', 'mem.used_pct', 'swap.used_pct', 'load.1m', 'psi.memory.some_avg10', 'tcp.retrans_per_s',
    'disk.util_pct', 'net.rx_bytes_per_s', 'fs.used_pct', 'proc.cpu_pct', 'proc.rss_bytes', 'proc.fds', 'proc.majflt_per_s',
  ];
  for (const m of required) t.ok((ALERT_METRIC_NAMES as readonly string[]).includes(m), m);
  t.equal(ALERT_METRICS['fs.used_pct'].subject, 'mount');
  t.equal(ALERT_METRICS['proc.rss_bytes'].pane, 'processes');
  t.equal(ALERT_METRICS['psi.memory.some_avg10'].pane, 'memory');
  t.equal(metricsHelp().length, ALERT_METRIC_NAMES.length);
  t.match(metricsHelp().find((l) => l.startsWith('proc.cpu_pct'))!, /\(%\) CPU, 100% = one core \[per process\]/);

  const file = path.join(ROOT, 'docs', 'alerts.md');
  const doc = fs.readFileSync(file, 'utf8');
  const start = '<!-- alert-metrics:start (generated: node dist/src/docs/update.js rewrites it; test/unit/alerts/rules.test.ts checks it) -->\n';
  const end = '\n<!-- alert-metrics:end -->';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  t.ok(a >= 0 && b > a, 'docs/alerts.md has the generated section');
  const table = metricsMarkdown();
  if (process.env.VIGIL_UPDATE_DOCS === '1') fs.writeFileSync(file, doc.slice(0, a + start.length) + table + doc.slice(b));
  else t.equal(doc.slice(a + start.length, b), table, 'the docs/alerts.md table is the generated one');
});

t.test('values with units', async (t) => {
  t.equal(formatValue(96.34, '%'), '96.3%');
  t.equal(formatValue(100, '%'), '100%');
  t.equal(formatValue(1536 * 1024 * 1024, 'B'), '1.5 GiB');
  t.equal(formatValue(12e6, 'B/s'), '11.4 MiB/s');
  t.equal(formatValue(3.25, '/s'), '3.3/s');
  t.equal(formatValue(12.5, 'ms'), '12.5 ms');
  t.equal(formatValue(1.5, ''), '1.5');
  t.equal(formatValue(null, '%'), '-');
  t.equal(formatValue(NaN, '%'), '-');
});
