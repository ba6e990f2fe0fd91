/**
 * `vigil alerts` through the command line (in-process, vigilIn; the table from a log and a missing file
 * through the spawned bin): both formats from an alert log and from a recording, --since,
 * --active, the default log, bad input; and bad alert configs refused by `vigil record` with one line.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { AlertLog } from '../../../src/store/alerts/log';
import type { BreachRecord } from '../../../src/store/alerts/table';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { isOneLineError, vigil } from '../../helpers/cli';
import { vigilIn } from '../../helpers/cli-inproc';
import { tmpDir } from '../../helpers/tmp';

const T0 = Date.UTC(2024, 4, 1, 14, 30, 0);
const none = { pid: null, start_time: null, comm: null, user: null };
const ROWS: BreachRecord[] = [
  { rule: 'cpu.total_pct > 90', metric: 'cpu.total_pct', op: '>', subject: 'host', ...none, start_t: T0, fired_t: T0 + 30_000, end_t: T0 + 95_000, end_reason: 'clear', peak: 99.14, average: 95.2, threshold: 90, samples: 950 },
  { rule: 'hot', metric: 'proc.cpu_pct', op: '>', subject: '4242:777', pid: 4242, start_time: 777, comm: 'evil\x1b[2J', user: 'root', start_t: T0 + 600_000, fired_t: T0 + 660_000, end_t: null, end_reason: null, peak: 100, average: 99.5, threshold: 95, samples: 61 },
  { rule: 'fs.used_pct > 95', metric: 'fs.used_pct', op: '>', subject: '/home', ...none, start_t: T0 - 86_400_000, fired_t: T0 - 86_390_000, end_t: T0 - 86_000_000, end_reason: 'gone', peak: 97, average: 96, threshold: 95, samples: 40 },
];
const env = (over: Record<string, string> = {}) => ({ env: { ...process.env, TZ: 'UTC', ...over } });

function makeLog(file: string): void {
  const log = AlertLog.open(file);
  for (const r of ROWS) log.write(r);
  log.close();
}

t.test('table and JSON from an alert log; --active; --since', async (t) => {
  const file = path.join(tmpDir(t), 'alerts.db');
  makeLog(file);
  const table = await vigil(['alerts', file], env());
  t.equal(table.code, 0);
  t.equal(table.stderr, '');
  t.equal(
    table.stdout,
    [
      'START                END       DURATION   RULE                SUBJECT             PEAK   AVERAGE  THRESHOLD  SAMPLES  ENDED',
      '2024-04-30 14:30:00  14:36:40  6m40s      fs.used_pct > 95    /home               97%    96%      95%        40       gone',
      '2024-05-01 14:30:00  14:31:35  1m35s      cpu.total_pct > 90  host                99.1%  95.2%    90%        950      cleared',
    ].join('\n') + '\n' + table.stdout.split('\n')[3] + '\n',
  );
  const active = table.stdout.split('\n')[3];
  t.match(active, /^2024-05-01 14:40:00 {2}active {4}\d+h\d\dm +hot +pid 4242 evil\\e\[2J +100% +99\.5% +95% +61 +-$/, 'active: to now, name escaped');

  const json = await vigilIn(['alerts', file, '--format', 'json'], env());
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 3);
  t.strictSame(lines[0], { ...ROWS[2], closed_by: null, duration_ms: 400_000, active: false }, 'oldest first, every column');
  t.strictSame(lines[1], { ...ROWS[0], closed_by: null, duration_ms: 95_000, active: false });
  t.equal(lines[2].comm, 'evil\x1b[2J', 'JSON keeps the raw name (JSON escapes it)');
  t.equal(lines[2].active, true);

  const act = await vigilIn(['alerts', file, '--active', '--format', 'json'], env());
  t.strictSame(act.stdout.trim().split('\n').map((l) => JSON.parse(l).rule), ['hot']);
  const since = await vigilIn(['alerts', file, '--since', String(T0 + 100_000), '--format', 'json'], env());
  t.strictSame(since.stdout.trim().split('\n').map((l) => JSON.parse(l).rule), ['hot'], 'only what was active since then');
  const sinceAll = await vigilIn(['alerts', file, '--since', '2024-05-01T00:00:00Z', '--format', 'json'], env());
  t.strictSame(sinceAll.stdout.trim().split('\n').map((l) => JSON.parse(l).rule), ['cpu.total_pct > 90', 'hot']);
  const recent = await vigilIn(['alerts', file, '--since', '1h', '--active'], env());
  t.match(recent.stdout, /hot/, '--since 1h from now: the still active one');
  const later = await vigilIn(['alerts', file, '--since', '2030-01-01T00:00:00Z', '--format', 'json'], env());
  t.strictSame(later.stdout.trim().split('\n').map((l) => JSON.parse(l).rule), ['hot'], 'an open breach is active at any time after its start');
  const old = path.join(path.dirname(file), 'old.db');
  const log = AlertLog.open(old);
  log.write(ROWS[0]);
  log.close();
  const none = await vigilIn(['alerts', old, '--since', '2030-01-01T00:00:00Z'], env());
  t.equal(none.stdout, `no breaches since 2030-01-01 00:00:00 in ${old}\n`);
  t.equal((await vigilIn(['alerts', old, '--active'], env())).stdout, `no breaches active in ${old}\n`);
});

t.test('from a recording: the same rows, durations of active ones to the end of the recording', async (t) => {
  const file = path.join(tmpDir(t), 'syn.vigil');
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ procs: 3, startT: T0 });
  for (let i = 0; i < 30; i++) w.add(src.next());
  for (const r of ROWS) w.addBreach(r);
  w.close();
  const json = await vigilIn(['alerts', file, '--format', 'json'], env());
  t.equal(json.code, 0);
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 3);
  t.equal(lines[2].duration_ms, T0 + 2_900 - (T0 + 600_000), 'active: up to the last sample (here before its start: negative is kept honest)');
  const since = await vigilIn(['alerts', file, '--since', '30m', '--format', 'json'], env());
  t.strictSame(since.stdout.trim().split('\n').map((l) => JSON.parse(l).rule), ['cpu.total_pct > 90', 'hot'], '--since counts back from the end of the recording');
});

t.test('the default alert log: $XDG_STATE_HOME/vigil/alerts.db; missing means nothing logged yet', async (t) => {
  const state = tmpDir(t);
  const missing = await vigilIn(['alerts'], env({ XDG_STATE_HOME: state }));
  t.equal(missing.code, 0);
  t.equal(missing.stdout, `no breaches: nothing has been logged yet (no alert log at ${state}/vigil/alerts.db)\n`);
  t.notOk(fs.existsSync(path.join(state, 'vigil')), 'reading creates nothing');
  t.equal((await vigilIn(['alerts', '--format', 'json'], env({ XDG_STATE_HOME: state }))).stdout, '');
  makeLog(path.join(state, 'vigil', 'alerts.db'));
  const r = await vigilIn(['alerts', '--format', 'json'], env({ XDG_STATE_HOME: state }));
  t.equal(r.stdout.trim().split('\n').length, 3);
});

t.test('bad input: one line, the right exit code', async (t) => {
  const dir = tmpDir(t);
  const garbage = path.join(dir, 'garbage');
  fs.writeFileSync(garbage, 'x'.repeat(200));
  const log = path.join(dir, 'alerts.db');
  makeLog(log);
  const cases: [string[], number, string][] = [
    [['alerts', path.join(dir, 'nope.db')], 66, `vigil: no such file: ${path.join(dir, 'nope.db')}\n`],
    [['alerts', garbage], 65, `vigil: ${garbage}: not a SQLite database (nor a vigil alert log or vigil recording)\n`],
    [['alerts', log, '--since', 'yesterday'], 2, "vigil: --since: cannot read time 'yesterday' (use HH:MM:SS, an ISO date like 2024-05-01T12:00:00, epoch milliseconds, or a duration like 1h)\n"],
    [['alerts', log, '--format', 'xml'], 2, ''],
  ];
  for (const [args, code, msg] of cases) {
    // The missing file through the spawned bin, the rest in-process.
    const r = await (code === 66 ? vigil : vigilIn)(args, env());
    t.equal(r.code, code, args.join(' '));
    t.ok(isOneLineError(r.stderr), r.stderr);
    if (msg !== '') t.equal(r.stderr, msg);
  }
});

t.test('vigil record refuses bad alert configs and --on-alert commands before recording anything', async (t) => {
  const dir = tmpDir(t);
  const rec = path.join(dir, 'r.vigil');
  const config = path.join(dir, 'c.json');
  const cases: [unknown, string[], string][] = [
    [{ alerts: [{ metric: 'cpu.totl_pct', threshold: 90 }] }, [], `vigil: config ${config}: alerts[0]: metric: unknown metric 'cpu.totl_pct' (did you mean 'cpu.total_pct'?)\n`],
    [{ alerts: [{ metric: 'proc.cpu_pct', threshold: 90, for: '1 minute' }] }, [], `vigil: config ${config}: alerts[0] (proc.cpu_pct): for: expected a duration like "30s", "5m" or "1h30m" (or a number of seconds) between 0s and 24h, got "1 minute"\n`],
    [{ alerts: [] }, ['--on-alert', 'vigil-no-such-notifier --x'], "vigil: --on-alert: 'vigil-no-such-notifier' is not an executable file in PATH\n"],
    [{ alerts: [] }, ['--on-alert', "sh -c 'oops"], `vigil: --on-alert: unclosed ' in "sh -c 'oops"\n`],
  ];
  for (const [cfg, extra, msg] of cases) {
    fs.writeFileSync(config, JSON.stringify(cfg));
    // Refused while the arguments are read, before anything records: in-process (the spawned bin below).
    const r = await vigilIn(['record', rec, '--duration', '1s', '--config', config, ...extra]);
    t.equal(r.code, 2);
    t.equal(r.stderr, msg);
    t.notOk(fs.existsSync(rec), 'nothing recorded');
  }
  const dbDir = path.join(dir, 'blocker');
  fs.writeFileSync(dbDir, '');
  fs.writeFileSync(config, '{}');
  const r = await vigil(['record', rec, '--duration', '1s', '--config', config, '--alerts-db', path.join(dbDir, 'a.db')]);
  t.equal(r.code, 73);
  t.equal(r.stderr, `vigil: cannot use ${path.join(dbDir, 'a.db')} as the alert log: ${dbDir} is not a directory\n`);
  t.notOk(fs.existsSync(rec), 'no recording left behind');
});
