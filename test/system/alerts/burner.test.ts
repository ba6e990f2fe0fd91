/**
 * End to end, on this machine: `vigil record` with a rule `proc.cpu_pct > 40 over 1s for 2s (clear 30)`
 * matching a CPU burner's unique name. The burner spins, is stopped (SIGSTOP: alive, no CPU), then killed.
 * Ground truth is the burner's own /proc/PID/schedstat, read by this test every 100 ms: the machine is
 * shared and busy, so whether the burner really was above 50 % of a core is measured, not assumed.
 *
 * The threshold is 40 % (clear 30 %) rather than 50 %: on this shared 2-core machine a burner often gets
 * only 60–80 % of a core, and the test must say something about vigil, not about the neighbours.
 *
 * Checked: the breach row appears in the recording within `for` + 1 s of the burner going above the
 * threshold; it ends after the burner stops (end_t within the window after the stop); --alerts-db gets the
 * same row; --on-alert gets a start and an end; replay (breachesAt) shows it as of a time.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { breachesAt } from '../../../src/store/alerts/replay';
import type { BreachRecord } from '../../../src/store/alerts/table';
import { Recording } from '../../../src/store/recording/reader';
import { CLI } from '../../helpers/cli';
import { sleep, tmpDir } from '../../helpers/tmp';

const FOR_MS = 2000;
const THRESHOLD = 40;

function runNs(pid: number): number | null {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/** Rows of the alert table, read the way a user would while the recording runs (WAL, read-only). */
function alertRows(file: string): BreachRecord[] {
  if (!fs.existsSync(file)) return [];
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.prepare('SELECT * FROM alert').all() as BreachRecord[];
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

t.test('a real burner: breach row within for + 1 s, ended after it stops, in the recording, the log, --on-alert and replay', async (t) => {
  const dir = tmpDir(t);
  const name = `vb${process.pid % 100000}x${Math.floor(Math.random() * 1000)}`.slice(0, 15);
  const burnerPath = path.join(dir, name);
  fs.symlinkSync('/bin/sh', burnerPath); // comm is the name it was started by
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ alerts: [
    { name: 'burner', metric: 'proc.cpu_pct', op: '>', threshold: THRESHOLD, window: '1s', for: '2s', clear: 30, match: `^${name}$` },
  ] }));
  const rec = path.join(dir, 'rec.vigil');
  const log = path.join(dir, 'alerts.db');
  const events = path.join(dir, 'events.jsonl');
  const vigil = spawn(process.execPath, [CLI, 'record', rec, '--proc-interval', '250', '--config', config, '--alerts-db', log, '--on-alert', `sh -c 'cat >> ${events}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  vigil.stderr!.on('data', (d) => (stderr += d));
  let burner: ChildProcess | null = null;
  t.teardown(() => {
    burner?.kill('SIGKILL');
    vigil.kill('SIGKILL');
  });
  // Until the recorder is writing.
  for (let i = 0; i < 100 && !fs.existsSync(`${rec}-wal`); i++) await sleep(50);
  await sleep(700);

  // Ground truth: the burner's run time every 100 ms → CPU % of one core over the trailing second.
  const truth: { t: number; run: number }[] = [];
  const trailing = (i: number): number | null => {
    let j = i;
    while (j > 0 && truth[i].t - truth[j - 1].t <= 1000) j--;
    const span = truth[i].t - truth[j].t;
    return span >= 800 ? (100 * (truth[i].run - truth[j].run)) / 1e6 / span : null;
  };
  // G: the first moment the trailing second passed the threshold, staying clearly above it (by 10 points,
  // so that vigil's own 1 s window cannot honestly disagree) for `for`.
  const onset = (): number | null => {
    for (let i = 0; i < truth.length; i++) {
      const v = trailing(i);
      if (v === null || v <= THRESHOLD) continue;
      let k = i;
      let held = true;
      for (; k < truth.length && truth[k].t - truth[i].t <= FOR_MS; k++) if ((trailing(k) ?? 0) <= THRESHOLD + 10) held = false;
      if (held && truth[truth.length - 1].t - truth[i].t >= FOR_MS) return truth[i].t;
    }
    return null;
  };
  burner = spawn(burnerPath, ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  const pid = burner.pid as number;
  let rowSeenAt: number | null = null;
  let endSeenAt: number | null = null;
  let stoppedAt: number | null = null;
  let G: number | null = null;
  const startedAt = Date.now();
  // The machine is shared: the burner burns until the ground truth has seen it above the threshold for
  // `for` + 1.5 s (at most 12 s), is then stopped (SIGSTOP: alive, no CPU), and the test waits for the end.
  while (Date.now() - startedAt < 20_000) {
    const now = Date.now();
    const run = runNs(pid);
    if (run !== null && stoppedAt === null) truth.push({ t: now, run });
    const rows = alertRows(rec);
    if (rowSeenAt === null && rows.length > 0) rowSeenAt = now;
    if (endSeenAt === null && rows.some((r) => r.end_t !== null)) endSeenAt = now;
    if (stoppedAt === null) {
      G ??= onset();
      if ((G !== null && now - G >= FOR_MS + 1500) || now - startedAt >= 12_000) {
        process.kill(pid, 'SIGSTOP');
        stoppedAt = Date.now();
      }
    } else if (endSeenAt !== null || rowSeenAt === null || now - stoppedAt > 6000) break;
    await sleep(100);
  }
  vigil.kill('SIGINT');
  await new Promise((r) => vigil.on('close', r));
  burner.kill('SIGKILL');
  t.equal(stderr, '', 'vigil record said nothing (no notes, no errors)');
  const peakTruth = Math.max(...truth.map((_, i) => trailing(i) ?? 0));
  t.comment(`burner ${name} pid ${pid}: ground truth above ${THRESHOLD}% from ${G === null ? 'never' : `+${G - startedAt} ms`} (peak ${peakTruth.toFixed(0)}%), stopped at +${(stoppedAt ?? 0) - startedAt} ms; row seen at +${rowSeenAt === null ? '-' : rowSeenAt - startedAt} ms, end seen at +${endSeenAt === null ? '-' : endSeenAt - startedAt} ms`);

  const rows = alertRows(rec);
  if (G === null) {
    if (peakTruth < THRESHOLD - 10) {
      // The machine never let the burner near half a core: no breach may be claimed either.
      t.equal(rows.length, 0, 'no breach without ground truth for one');
    } else {
      // It hovered around the threshold: whatever vigil saw, a breach it logged must have been above it.
      t.comment('inconclusive: the burner hovered around the threshold on this busy machine');
      for (const r of rows) t.ok((r.peak as number) > THRESHOLD, `a logged breach peaked above the threshold (${r.peak})`);
    }
    return;
  }
  t.equal(rows.length, 1, 'one breach row');
  const b = rows[0];
  t.equal(b.rule, 'burner');
  t.equal(b.comm, name);
  t.equal(b.pid, pid);
  t.equal(b.subject, `${pid}:${b.start_time}`);
  t.ok(rowSeenAt !== null && rowSeenAt - G <= FOR_MS + 1000, `the row appeared ${rowSeenAt! - G} ms after the burner went above ${THRESHOLD}% (for + 1 s = ${FOR_MS + 1000})`);
  // It began no later than a second after the ground truth held clearly above the threshold (G), and no
  // earlier than the first trailing second the burner was near it (a starved burner can cross, dip and
  // hold only later; vigil's breach starts at the first crossing that then held above clear, which is
  // right). Its own 1 s window sees a new process from its first read, before this test's 800 ms span.
  const near = truth.find((_, i) => (trailing(i) ?? 0) > THRESHOLD - 10)?.t ?? G;
  t.ok(b.start_t >= near - 1500 && b.start_t <= G + 1000, `start_t ${b.start_t - G} ms from ground truth (${near - G} ms from its first second near the threshold)`);
  // `for` may be short by a quarter of the tick that fired it (jitter slack); a late tick under load is long.
  t.ok(b.fired_t - b.start_t >= FOR_MS - 300 && b.fired_t - b.start_t <= FOR_MS + 800, `fired ${b.fired_t - b.start_t} ms after it began to hold`);
  t.ok((b.peak as number) > THRESHOLD && (b.peak as number) <= 110, `peak ${b.peak}`);
  // The end: the burner stopped at stoppedAt; its value falls below clear within the 1 s window (plus a
  // process tick), and the row is closed `for` later.
  t.not(b.end_t, null, 'ended after the burner stopped');
  t.equal(b.end_reason, 'clear');
  t.ok(b.end_t! >= stoppedAt! - 300 && b.end_t! <= stoppedAt! + 1600, `end_t ${b.end_t! - stoppedAt!} ms after the stop`);
  t.ok(endSeenAt! - stoppedAt! <= 1600 + FOR_MS + 1000, `end visible ${endSeenAt! - stoppedAt!} ms after the stop`);

  // The alert log holds the same row; --on-alert got a start and an end.
  const logged = alertRows(log);
  // The log's own columns (who wrote the row, who closed it) are not in a recording.
  t.strictSame(logged.map((r) => ({ ...r, id: 0, writer: undefined, closed_by: undefined })), rows.map((r) => ({ ...r, id: 0, writer: undefined, closed_by: undefined })), '--alerts-db has the same row');
  t.strictSame(logged.map((r) => (r as { closed_by?: unknown }).closed_by), [null], 'closed by the vigil that wrote it');
  const ev = fs.readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.strictSame(ev.map((e) => [e.event, e.rule, e.pid, e.comm]), [['start', 'burner', pid, name], ['end', 'burner', pid, name]]);

  // Replay: as of a time.
  const recording = Recording.open(rec);
  t.teardown(() => recording.close());
  const at = (ms: number) => breachesAt(recording, ms);
  t.strictSame(at(b.start_t - 1), { active: [], recent: [] }, 'before it began: nothing');
  t.equal(at(b.fired_t - 1).active.length, 0, 'holding but not yet for `for`: not yet a breach');
  const during = at(b.fired_t + 1).active;
  t.equal(during.length, 1, 'active once it fired');
  t.equal(during[0].kind, 'proc');
  t.equal(during[0].unit, '%');
  t.equal(during[0].comm, name);
  const after = at(b.end_t! + 1);
  t.equal(after.active.length, 0);
  t.strictSame(after.recent.map((x) => x.rule), ['burner'], 'recent once ended');
});
