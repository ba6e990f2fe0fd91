/**
 * The alert log against real locks held by a real second process (a child `node -e` with better-sqlite3):
 * busy is "in use" (75), never "damaged" (65); the monitor goes on without the log and says so; a stop
 * while the log is locked says what stays open; and the next vigil closes what a vigil that no longer
 * runs left open (closed_by 'restart'), after a crash too. Old (version 1) logs are migrated in place.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import t, { Test } from 'tap';
import { setupAlerts } from '../../../src/commands/alert-setup';
import { VigilError } from '../../../src/infra/errors';
import { startTimeOf } from '../../../src/sampler/procinfo';
import { ALERT_LOG_APPLICATION_ID, AlertLog, OPEN_WAIT_MS } from '../../../src/store/alerts/log';
import { compileRules } from '../../../src/store/alerts/rules';
import type { BreachRecord } from '../../../src/store/alerts/table';
import { isOneLineError, until, vigil, vigilBg } from '../../helpers/cli';
import { tmpDir } from '../../helpers/tmp';
import { Tui } from '../../helpers/tui';
import { ROOT } from '../../helpers/paths';

/**
 * Every wait for a lock, in this process and in the vigils it starts, is WAIT ms (VIGIL_LOCK_WAIT_MS)
 * instead of the real 3 s: the locks below are held until released, so each wait runs out whatever its
 * length. The first test waits out the real default once.
 */
const WAIT = 400;
process.env.VIGIL_LOCK_WAIT_MS = String(WAIT);
const waitS = `${WAIT / 1000} s`;

const row = (over: Partial<BreachRecord> = {}): BreachRecord => ({
  rule: 'cpu.total_pct > 90', metric: 'cpu.total_pct', op: '>', subject: 'host', pid: null, start_time: null, comm: null, user: null,
  start_t: 1_700_000_000_000, fired_t: 1_700_000_030_000, end_t: null, end_reason: null, peak: 97.5, average: 95, threshold: 90, samples: 300, ...over,
});

interface Stored {
  rule: string;
  end_t: number | null;
  end_reason: string | null;
  closed_by: string | null;
  writer: number | null;
}

function stored(file: string): Stored[] {
  const db = new Database(file, { readonly: true });
  try {
    // SELECT *: an old log (or an old vigil's) has no closed_by or writer, and reads as null there.
    return (db.prepare('SELECT * FROM alert ORDER BY id').all() as Partial<Stored>[]).map((r) => ({
      rule: r.rule!, end_t: r.end_t ?? null, end_reason: r.end_reason ?? null, closed_by: r.closed_by ?? null, writer: r.writer ?? null,
    }));
  } finally {
    db.close();
  }
}

/** Rows so far; 0 while the file is still being created. */
function count(file: string): number {
  try {
    return stored(file).length;
  } catch {
    return 0;
  }
}

function makeLog(file: string, rows: BreachRecord[] = [row()]): void {
  const log = AlertLog.open(file);
  for (const r of rows) log.write(r, r.fired_t);
  log.close();
}

/**
 * Another process holding a lock on FILE: runs `sql` (which takes it) in a child, and keeps it until
 * release() (then commits). Resolves once the lock is held.
 */
async function holdLock(t: Test, file: string, sql: string): Promise<{ child: ChildProcess; release(): Promise<void> }> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)}, { timeout: 0 });
    db.exec(${JSON.stringify(sql)});
    process.stdout.write('locked\\n');
    process.stdin.on('end', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await until(() => out.includes('locked') || child.exitCode !== null, 10_000, 'the lock');
  if (!out.includes('locked')) throw new Error('the locking child failed');
  return {
    child,
    async release() {
      child.stdin!.end();
      await exited;
    },
  };
}

const NOTE = "INSERT INTO note (t, message) VALUES (1, 'held by the test');";
/** A write lock that also keeps readers out: a rollback-journal log, or a WAL log in exclusive locking mode. */
const EXCLUSIVE = `BEGIN EXCLUSIVE; ${NOTE}`;
const WAL_EXCLUSIVE = `PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; ${NOTE}`;
/** The sqlite3 shell's usual write lock on a WAL log: readers go on, writers wait. */
const IMMEDIATE = `BEGIN IMMEDIATE; ${NOTE}`;

function refused(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('not refused');
}

const config = (dir: string): string => {
  const f = path.join(dir, 'config.json');
  // Fires on the first evaluation and never clears: a breach that is open whenever vigil stops.
  fs.writeFileSync(f, JSON.stringify({ alerts: [{ metric: 'cpu.total_pct', op: '>=', threshold: 0, window: '1s', for: '0s', clear: -1 }] }));
  return f;
};

t.test('a log locked by another process is in use (75) after a bounded wait, never damaged (65)', async (t) => {
  const dir = tmpDir(t);
  const rollback = path.join(dir, 'rollback.db');
  makeLog(rollback);
  const d = new Database(rollback);
  d.pragma('journal_mode = DELETE'); // as the sqlite3 shell or an old tool may leave it
  d.close();
  const wal = path.join(dir, 'wal.db');
  makeLog(wal);
  // The rollback-journal log at the real default wait, the WAL one at the tests' short one.
  for (const [file, sql, waitMs] of [[rollback, EXCLUSIVE, OPEN_WAIT_MS], [wal, WAL_EXCLUSIVE, WAIT]] as const) {
    const lock = await holdLock(t, file, sql);
    if (waitMs === OPEN_WAIT_MS) delete process.env.VIGIL_LOCK_WAIT_MS;
    const t0 = Date.now();
    const e = refused(() => AlertLog.open(file));
    const waited = Date.now() - t0;
    process.env.VIGIL_LOCK_WAIT_MS = String(WAIT);
    t.equal(e.exitCode, 75, `${path.basename(file)}: in use`);
    t.equal(e.message, `the alert log ${file} is in use: locked by pid ${lock.child.pid} (node) for more than ${waitMs / 1000} s (SQLITE_BUSY)`);
    t.ok(waited >= waitMs - 200 && waited < waitMs + 3000, `waited about ${waitMs} ms (${waited})`);
    await lock.release();
    const log = AlertLog.open(file);
    t.equal(log.close(), null, 'usable once the lock is gone');
  }
});

t.test('the monitor goes on without a locked log, with a note (--alerts-db and the default log alike)', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'alerts.db');
  makeLog(file);
  const lock = await holdLock(t, file, WAL_EXCLUSIVE);
  const rules = compileRules(null, null);
  const out: string[] = [];
  const s = setupAlerts({ rules, log: { file, explicit: true }, onAlert: null, hostname: 'h', noteOut: (l) => out.push(l) });
  t.equal(s.log, null, 'no log');
  const note = `the alert log ${file} is in use: locked by pid ${lock.child.pid} (node) for more than ${waitS} (SQLITE_BUSY); going on without it (breaches are kept in memory only)`;
  t.strictSame(s.engine.notes().map((n) => n.text), [note], 'a note for the alerts pane');
  t.strictSame(out, [note], 'and for stderr');
  t.strictSame(await s.close(), []);
  await lock.release();
});

t.test('vigil serve --alerts-db on a locked log serves anyway; vigil alerts says in use (75)', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'alerts.db');
  makeLog(file);
  const lock = await holdLock(t, file, WAL_EXCLUSIVE);
  const serve = vigilBg(['serve', '--listen', '127.0.0.1:0', '--alerts-db', file, '--config', config(dir), '--interval', '100']);
  t.teardown(() => void serve.kill('SIGKILL'));
  let err = '';
  serve.stderr!.on('data', (d) => (err += d));
  await until(() => err.includes('serving') || serve.exitCode !== null, 15_000, 'serve to start');
  t.equal(serve.exitCode, null, 'still running');
  t.match(err, `vigil: the alert log ${file} is in use: locked by pid ${lock.child.pid} (node) for more than ${waitS} (SQLITE_BUSY); going on without it (breaches are kept in memory only)\n`);
  const r = await vigil(['alerts', file]);
  t.equal(r.code, 75);
  t.equal(r.stdout, '');
  t.ok(isOneLineError(r.stderr));
  t.equal(r.stderr, `vigil: ${file} is in use: another program keeps it locked (SQLITE_BUSY); try again later\n`);
  serve.kill('SIGINT');
  const done = await serve.done;
  t.equal(done.code, 0);
  t.notMatch(done.stderr, /damaged|stays open/);
  await lock.release();
  t.equal((await vigil(['alerts', file])).code, 0, 'readable once the lock is gone');
});

t.test('the TUI starts on a locked log and shows why it has none', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'alerts.db');
  makeLog(file);
  const lock = await holdLock(t, file, WAL_EXCLUSIVE);
  const tui = new Tui(['--alerts-db', file, '--config', config(dir)], { cols: 200, rows: 50 });
  t.teardown(() => tui.kill());
  await tui.waitFor(/processes/, 20_000);
  tui.keys('a');
  const s = await tui.waitFor(/in use: locked by pid/, 5000);
  t.match(s.replace(/\s*\n\s*│?\s*/g, ' '), /is in use: locked by pid \d+ \(node\)/);
  tui.keys('x');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
  await lock.release();
});

t.test('the TUI stopped while its log is locked says what stays open, once the terminal is restored', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'alerts.db');
  const tui = new Tui(['--alerts-db', file, '--config', config(dir)], { cols: 200, rows: 50 });
  t.teardown(() => tui.kill());
  await until(() => count(file) === 1, 20_000, 'the breach row');
  const lock = await holdLock(t, file, IMMEDIATE);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
  const restoredAt = tui.raw.lastIndexOf('\x1b[?1049l');
  const said = tui.raw.indexOf(`vigil: the alert log ${file} stayed locked by pid ${lock.child.pid} (node) for ${waitS} when vigil stopped: a breach stays open in it (cpu.total_pct >= 0 on host since `);
  t.ok(said > restoredAt && restoredAt >= 0, 'said on the restored terminal');
  await lock.release();
  t.equal(stored(file)[0].end_t, null);
});

t.test('stopped while the log is locked: says what stays open; the next vigil closes it (restart)', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'alerts.db');
  const cfg = config(dir);
  const serve = vigilBg(['serve', '--listen', '127.0.0.1:0', '--alerts-db', file, '--config', cfg, '--interval', '100']);
  t.teardown(() => void serve.kill('SIGKILL'));
  await until(() => count(file) === 1, 15_000, 'the breach row');
  const firstPid = serve.pid;
  const lock = await holdLock(t, file, IMMEDIATE);
  const t0 = Date.now();
  serve.kill('SIGINT');
  const r = await serve.done;
  const took = Date.now() - t0;
  t.equal(r.code, 0);
  t.ok(took >= WAIT - 100 && took < WAIT + 6000, `waited for the lock, boundedly (${took} ms)`);
  const lines = r.stderr.trim().split('\n');
  t.match(
    lines[lines.length - 1],
    new RegExp(`^vigil: the alert log ${file} stayed locked by pid ${lock.child.pid} \\(node\\) for ${WAIT / 1000} s when vigil stopped: a breach stays open in it \\(cpu\\.total_pct >= 0 on host since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\) until the next vigil opens the log and closes it$`),
  );
  await lock.release();
  t.equal(stored(file)[0].end_t, null, 'left open by the stopped vigil');

  const again = vigilBg(['serve', '--listen', '127.0.0.1:0', '--alerts-db', file, '--config', cfg, '--interval', '100']);
  t.teardown(() => void again.kill('SIGKILL'));
  await until(() => count(file) === 2, 15_000, 'the second vigil');
  again.kill('SIGINT');
  const r2 = await again.done;
  t.equal(r2.code, 0);
  t.match(r2.stderr, `vigil: closed a breach left open in ${file} by a vigil that no longer runs (closed_by restart)\n`);
  const after = stored(file);
  t.equal(after[0].closed_by, 'restart', 'closed by the next start');
  const db = new Database(file, { readonly: true });
  const w = db.prepare('SELECT * FROM writer WHERE id = ?').get(after[0].writer) as { pid: number; last_t: number };
  db.close();
  t.equal(w.pid, firstPid, 'the row names its writer');
  t.strictSame(
    { ...after[0], writer: null },
    { rule: 'cpu.total_pct >= 0', end_t: w.last_t, end_reason: 'stop', closed_by: 'restart', writer: null },
    "closed at its writer's last sample",
  );
  t.equal(after[1].closed_by, null, 'the second vigil closed its own breach itself');
  t.equal(after[1].end_reason, 'stop');
  const json = await vigil(['alerts', file, '--format', 'json']);
  t.strictSame(json.stdout.trim().split('\n').map((l) => JSON.parse(l).closed_by), ['restart', null]);
  const table = await vigil(['alerts', file]);
  t.match(table.stdout.split('\n')[1], / restart$/, 'the table says so');
});

t.test('a crashed vigil: its open breaches are closed by the next start; a running one keeps them', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'alerts.db');
  const logJs = JSON.stringify(path.join(ROOT, 'dist', 'src', 'store', 'alerts', 'log.js'));
  const writeOpen = (subject: string, then: string) => `
    const { AlertLog } = require(${logJs});
    const log = AlertLog.open(${JSON.stringify(file)});
    log.write({ rule: 'r', metric: 'cpu.total_pct', op: '>', subject: ${JSON.stringify(subject)}, pid: null, start_time: null, comm: null, user: null,
      start_t: 1000, fired_t: 2000, end_t: null, end_reason: null, peak: 1, average: 1, threshold: 0, samples: 1 }, 5000);
    ${then}`;
  // A vigil still running, with a breach open: not to be touched.
  const alive = spawn(process.execPath, ['-e', writeOpen('alive', "process.stdout.write('ok\\n'); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();")], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => void alive.kill('SIGKILL'));
  let out = '';
  alive.stdout!.on('data', (d) => (out += d));
  await until(() => out.includes('ok'), 10_000, 'the running writer');
  const crashed = spawnSync(process.execPath, ['-e', writeOpen('crashed', "process.kill(process.pid, 'SIGKILL');")]);
  t.equal(crashed.signal, 'SIGKILL');

  const log = AlertLog.open(file);
  t.equal(log.closedAtOpen, 1);
  log.close();
  const byRule = (s: Stored[]) => s.map((r) => [r.end_t, r.end_reason, r.closed_by]);
  t.strictSame(byRule(stored(file)), [[null, null, null], [5000, 'stop', 'restart']], 'the running one left open; the crashed one closed at its last sample');

  alive.stdin!.end(); // it exits without closing its breach
  await new Promise((r) => alive.on('exit', r));
  const again = AlertLog.open(file);
  t.equal(again.closedAtOpen, 1);
  again.close();
  t.strictSame(byRule(stored(file)), [[5000, 'stop', 'restart'], [5000, 'stop', 'restart']]);
});

t.test('who counts as no longer running: pid reused (start time), another boot; not another machine', async (t) => {
  const file = path.join(tmpDir(t), 'alerts.db');
  makeLog(file, []);
  const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  const ns = fs.readlinkSync('/proc/self/ns/pid');
  const st = startTimeOf(process.pid)!;
  const db = new Database(file);
  const addWriter = db.prepare('INSERT INTO writer (host, boot_id, pid_ns, pid, start_time, started_t, last_t) VALUES (?, ?, ?, ?, ?, 0, 7000)');
  const cases: [string, unknown[], boolean][] = [
    ['reused pid', [os.hostname(), boot, ns, process.pid, st - 1], true],
    ['this very process', [os.hostname(), boot, ns, process.pid, st], false],
    ['another boot', [os.hostname(), 'not-this-boot', ns, process.pid, st], true],
    ['another machine', ['elsewhere', 'other-boot', ns, 1, 1], false],
    ['another pid namespace', [os.hostname(), boot, 'pid:[1]', 999_999_999, 1], false],
  ];
  for (const [name, w] of cases) {
    const id = Number(addWriter.run(...w).lastInsertRowid);
    db.prepare("INSERT INTO alert (rule, metric, op, subject, start_t, fired_t, threshold, writer) VALUES (?, 'cpu.total_pct', '>', 'host', 1, 2, 0, ?)").run(name, id);
  }
  db.close();
  AlertLog.open(file).close();
  for (const [name, , closed] of cases) {
    const r = stored(file).find((s) => s.rule === name)!;
    t.strictSame([r.end_t, r.closed_by], closed ? [7000, 'restart'] : [null, null], name);
  }
});

t.test('a version 1 log is migrated in place, and read as it is before that', async (t) => {
  const file = path.join(tmpDir(t), 'alerts.db');
  // The version 1 schema, as vigil created it.
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE alert(
     id INTEGER PRIMARY KEY, rule TEXT NOT NULL, metric TEXT NOT NULL, op TEXT NOT NULL, subject TEXT NOT NULL,
     pid INTEGER, start_time INTEGER, comm TEXT, user TEXT,
     start_t INTEGER NOT NULL, fired_t INTEGER NOT NULL, end_t INTEGER, end_reason TEXT,
     peak REAL, average REAL, threshold REAL NOT NULL, samples INTEGER NOT NULL DEFAULT 0,
     UNIQUE(rule, subject, start_t));
    CREATE INDEX alert_start ON alert(start_t);
    CREATE TABLE note(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, message TEXT NOT NULL);
    CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;`);
  db.pragma(`application_id = ${ALERT_LOG_APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.prepare("INSERT INTO alert (rule, metric, op, subject, start_t, fired_t, end_t, end_reason, threshold, samples) VALUES ('old', 'cpu.total_pct', '>', 'host', 1000, 2000, 3000, 'clear', 90, 5)").run();
  db.prepare("INSERT INTO alert (rule, metric, op, subject, start_t, fired_t, threshold, samples) VALUES ('old open', 'cpu.total_pct', '>', 'host', 1000, 2000, 90, 5)").run();
  db.close();

  const before = await vigil(['alerts', file, '--format', 'json']);
  t.equal(before.code, 0);
  t.strictSame(before.stdout.trim().split('\n').map((l) => [JSON.parse(l).rule, JSON.parse(l).closed_by]), [['old', null], ['old open', null]], 'version 1 read as it is');

  const log = AlertLog.open(file);
  log.write(row({ rule: 'new' }), 1_700_000_030_000);
  log.close();
  const after = new Database(file, { readonly: true });
  t.equal(after.pragma('user_version', { simple: true }), 2);
  t.equal(after.pragma('integrity_check', { simple: true }), 'ok');
  after.close();
  t.strictSame(
    stored(file).map((r) => [r.rule, r.end_t, r.closed_by, r.writer === null]),
    [['old', 3000, null, true], ['old open', null, null, true], ['new', null, null, false]],
    'old rows kept; an old open row has no known writer and is left alone',
  );
  const r = await vigil(['alerts', file]);
  t.equal(r.code, 0);
  t.equal(r.stderr, '');
});
