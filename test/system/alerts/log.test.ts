/**
 * The alert log on real files: created with its directory, WAL, one row per breach (upserted), survives a
 * SIGKILL, shared by two writers, and never touches a file that is not an alert log.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { setupAlerts } from '../../../src/commands/alert-setup';
import { VigilError } from '../../../src/infra/errors';
import { ALERT_LOG_APPLICATION_ID, AlertLog, defaultAlertLogPath } from '../../../src/store/alerts/log';
import { compileRules } from '../../../src/store/alerts/rules';
import type { BreachRecord } from '../../../src/store/alerts/table';
import { sha } from '../../helpers/cli';
import { tmpDir } from '../../helpers/tmp';
import { ROOT, FIXTURES } from '../../helpers/paths';

const row = (over: Partial<BreachRecord> = {}): BreachRecord => ({
  rule: 'cpu.total_pct > 90', metric: 'cpu.total_pct', op: '>', subject: 'host', pid: null, start_time: null, comm: null, user: null,
  start_t: 1_700_000_000_000, fired_t: 1_700_000_030_000, end_t: null, end_reason: null, peak: 97.5, average: 95, threshold: 90, samples: 300, ...over,
});

const rows = (file: string): BreachRecord[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT rule, subject, start_t, end_t, end_reason, peak, samples FROM alert ORDER BY id').all() as BreachRecord[];
  } finally {
    db.close();
  }
};

function refused(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('not refused');
}

t.test('the default path follows XDG_STATE_HOME (absolute only)', async (t) => {
  t.equal(defaultAlertLogPath({ XDG_STATE_HOME: '/var/state' }), '/var/state/vigil/alerts.db');
  t.match(defaultAlertLogPath({ XDG_STATE_HOME: 'relative' }), /\/\.local\/state\/vigil\/alerts\.db$/);
  t.match(defaultAlertLogPath({}), /\/\.local\/state\/vigil\/alerts\.db$/);
});

t.test('created with its directory; one row per breach, updated in place; notes; WAL; reopened', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'state', 'vigil', 'alerts.db');
  const log = AlertLog.open(file);
  t.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700, 'its directory is private');
  log.write(row());
  log.write(row({ peak: 99, samples: 400 }));
  log.write(row({ end_t: 1_700_000_090_000, end_reason: 'clear', peak: NaN }));
  log.write(row({ subject: '/', metric: 'fs.used_pct', rule: 'fs.used_pct > 95' }));
  log.note(1_700_000_091_000, "--on-alert 'x': exited with status 1");
  const r = rows(file);
  t.equal(r.length, 2, 'the same (rule, subject, start_t) is one row');
  t.equal(r[0].end_t, 1_700_000_090_000);
  t.equal(r[0].end_reason, 'clear');
  t.equal(r[0].peak, null, 'NaN is stored as NULL by the gate, never as a number');
  log.close();
  const db = new Database(file, { readonly: true });
  t.equal(Number(db.pragma('application_id', { simple: true })), ALERT_LOG_APPLICATION_ID);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.strictSame(db.prepare('SELECT message FROM note').all(), [{ message: "--on-alert 'x': exited with status 1" }]);
  db.close();
  const again = AlertLog.open(file);
  again.write(row({ start_t: 1_700_000_100_000 }));
  again.close();
  t.equal(rows(file).length, 3, 'reopened and appended to');
});

t.test('two vigils share one log', async (t) => {
  const file = path.join(tmpDir(t), 'alerts.db');
  const a = AlertLog.open(file);
  const b = AlertLog.open(file);
  for (let i = 0; i < 50; i++) {
    a.write(row({ subject: `a${i}` }));
    b.write(row({ subject: `b${i}` }));
  }
  a.close();
  b.close();
  t.equal(rows(file).length, 100);
});

t.test('a row written survives a SIGKILL of its writer', async (t) => {
  const file = path.join(tmpDir(t), 'alerts.db');
  const script = `
    const { AlertLog } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'store', 'alerts', 'log.js'))});
    const log = AlertLog.open(${JSON.stringify(file)});
    log.write({ rule: 'r', metric: 'cpu.total_pct', op: '>', subject: 'host', pid: null, start_time: null, comm: null, user: null,
      start_t: 1, fired_t: 2, end_t: null, end_reason: null, peak: 1, average: 1, threshold: 0, samples: 1 });
    process.kill(process.pid, 'SIGKILL');`;
  const r = spawnSync(process.execPath, ['-e', script]);
  t.equal(r.signal, 'SIGKILL');
  const db = new Database(file);
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  t.equal((db.prepare('SELECT count(*) AS n FROM alert').get() as { n: number }).n, 1);
  db.close();
});

t.test('anything that is not an alert log is refused and left untouched', async (t) => {
  const dir = tmpDir(t);
  const foreign = path.join(dir, 'other.db');
  const d = new Database(foreign);
  d.exec('CREATE TABLE x(a)');
  d.close();
  const garbage = path.join(dir, 'garbage.db');
  fs.writeFileSync(garbage, 'not a database at all, but long enough to have a header '.repeat(4));
  const fixture = path.join(FIXTURES, 'recordings', 'schema-v1.vigil');
  const recording = path.join(dir, 'rec.vigil');
  fs.copyFileSync(fixture, recording);
  for (const [file, code, msg] of [
    [foreign, 73, `cannot use ${foreign} as the alert log: it is not a vigil alert log (left untouched)`],
    [recording, 73, `cannot use ${recording} as the alert log: it is not a vigil alert log (left untouched)`],
    [garbage, 65, `cannot use ${garbage} as the alert log: it is not a SQLite database`],
    [dir, 73, `cannot use ${dir} as the alert log: it is not a regular file`],
  ] as const) {
    const before = fs.statSync(file).isFile() ? sha(file) : null;
    const e = refused(() => AlertLog.open(file));
    t.equal(e.exitCode, code);
    t.equal(e.message, msg);
    if (before !== null) t.equal(sha(file), before, 'untouched');
    t.notOk(fs.existsSync(`${file}-wal`), 'no WAL left beside it');
  }
});

t.test('a log that cannot be created: --alerts-db is an error (73); the default log falls back to memory with a note', async (t) => {
  const dir = tmpDir(t);
  const blocker = path.join(dir, 'file');
  fs.writeFileSync(blocker, '');
  const file = path.join(blocker, 'vigil', 'alerts.db'); // a directory under a regular file: ENOTDIR for root too
  const e = refused(() => AlertLog.open(file));
  t.equal(e.exitCode, 73);
  t.equal(e.message, `cannot use ${file} as the alert log: cannot create its directory (ENOTDIR)`);
  const rules = compileRules(null, null);
  const explicit = refused(() => setupAlerts({ rules, log: { file, explicit: true }, onAlert: null, hostname: 'h' }));
  t.equal(explicit.exitCode, 73);
  const s = setupAlerts({ rules, log: { file, explicit: false }, onAlert: null, hostname: 'h' });
  t.equal(s.log, null);
  t.strictSame(s.engine.notes().map((n) => n.text), [`cannot use ${file} as the alert log: cannot create its directory (ENOTDIR); breaches are kept in memory only`]);
  await s.close();
});
