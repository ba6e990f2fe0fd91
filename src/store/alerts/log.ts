/**
 * The alert log: `$XDG_STATE_HOME/vigil/alerts.db` (default ~/.local/state/vigil/alerts.db) or
 * `--alerts-db FILE`, where the live monitor and `vigil serve` write breaches. It is created with its
 * directory on first use; WAL with synchronous=NORMAL, so every committed breach survives a crash of vigil.
 * Several vigils may write the same log (SQLite serialises them; a busy moment is retried on the next write).
 *
 * Tables: `alert` (as in a recording, see table.ts, plus `writer` and `closed_by`), `writer` (one row per
 * vigil that opened the log: who it was, and the newest Snapshot it had when it last wrote), `note(id, t,
 * message)` for --on-alert failures and other things worth keeping, `meta(key, value)`.
 * `PRAGMA application_id` is 0x76676c61 ("vgla"). Version 1 logs (no writer) are migrated in place.
 *
 * Opening takes the write lock once (create or migrate, close what dead vigils left open, register): a
 * log another program keeps locked for OPEN_WAIT_MS is "in use" (exit 75), never "damaged".
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EXIT, VigilError } from '../../infra/errors';
import { startTimeOf } from '../../sampler/procinfo';
import { sanitize } from '../../render/sanitize';
import type { FileKind } from '../recording/open';
import { lockWaitMs, sqliteCode } from '../recording/sqlite-error';
import { ALERT_TABLE_SQL, BreachRecord, toRow, upsertAlertSql } from './table';

export const ALERT_LOG_APPLICATION_ID = 0x76676c61;
export const ALERT_LOG_VERSION = 2;

/** How long opening waits for another program's lock before vigil goes on without the log (lockWaitMs). */
export const OPEN_WAIT_MS = 3000;
/** How long a stopping vigil waits to write what a lock kept back (the ends of its breaches; lockWaitMs). */
export const CLOSE_WAIT_MS = 3000;
/** While sampling the wait stays short: what a busy moment keeps back goes with the next write. */
const WRITE_WAIT_MS = 200;

/** Version 2: who wrote each breach, so that a later vigil can close the ones a dead vigil left open. */
const V2_SQL = [
  'ALTER TABLE alert ADD COLUMN writer INTEGER',
  'ALTER TABLE alert ADD COLUMN closed_by TEXT',
  'CREATE INDEX alert_open ON alert(writer) WHERE end_t IS NULL',
  `CREATE TABLE writer(id INTEGER PRIMARY KEY, host TEXT NOT NULL, boot_id TEXT, pid_ns TEXT, pid INTEGER NOT NULL,
     start_time INTEGER, started_t INTEGER NOT NULL, last_t INTEGER)`,
];

export function defaultAlertLogPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'vigil', 'alerts.db');
}

function cannotUse(file: string, why: string, code: number = EXIT.CANTCREAT): VigilError {
  return new VigilError(`cannot use ${file} as the alert log: ${why}`, code);
}

const isBusy = (code: string): boolean => code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');

/** Who holds a write lock on the log (its file, or the -shm of a WAL log), for the message; '' if unknown. */
function lockHolder(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    return '';
  }
  const want = new Set<string>();
  for (const f of [file, `${file}-shm`]) {
    try {
      const st = fs.statSync(f);
      // st_dev in glibc's encoding: major in bits 8–19 and 32–63, minor in bits 0–7 and 20–31.
      const dev = BigInt(st.dev);
      const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
      const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
      want.add(`${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${st.ino}`);
    } catch {
      // no -shm: not in WAL mode
    }
  }
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const at = f[1] === '->' ? 2 : 1; // blocked waiters carry "->" first
    const pid = Number(f[at + 3]);
    if (f[at] !== 'POSIX' || f[at + 2] !== 'WRITE' || !want.has(f[at + 4]) || pid === process.pid || !(pid > 0)) continue;
    let comm = '';
    try {
      comm = sanitize(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').replace(/\n$/, ''));
    } catch {
      // gone since
    }
    return ` by pid ${pid}${comm ? ` (${comm})` : ''}`;
  }
  return '';
}

function inUse(file: string, code: string): VigilError {
  return new VigilError(`the alert log ${file} is in use: locked${lockHolder(file)} for more than ${lockWaitMs(OPEN_WAIT_MS) / 1000} s (${code})`, EXIT.TEMPFAIL);
}

/** Which vigil this is: enough to tell later whether it still runs (pid and start time within one boot). */
interface Identity {
  host: string;
  boot_id: string | null;
  pid_ns: string | null;
  pid: number;
  start_time: number | null;
}

interface WriterRow extends Identity {
  id: number;
  last_t: number | null;
}

function self(): Identity {
  const read = (f: () => string): string | null => {
    try {
      return f().trim() || null;
    } catch {
      return null;
    }
  };
  return {
    host: os.hostname(),
    boot_id: read(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1')),
    pid_ns: read(() => fs.readlinkSync('/proc/self/ns/pid')),
    pid: process.pid,
    start_time: startTimeOf(process.pid),
  };
}

/**
 * Whether the vigil that registered as `w` surely runs no more: same machine and pid namespace, and it has
 * rebooted since, or its pid is gone or now another process (start time). Anything unknown: it may run.
 */
function gone(w: WriterRow, me: Identity): boolean {
  if (w.host !== me.host || w.boot_id === null || me.boot_id === null) return false;
  if (w.boot_id !== me.boot_id) return true; // rebooted since
  if (w.pid_ns === null || w.pid_ns !== me.pid_ns || w.start_time === null) return false;
  return startTimeOf(w.pid) !== w.start_time;
}

/** The tables of a new log; runs inside the creating transaction. */
function create(db: Database.Database): void {
  for (const sql of ALERT_TABLE_SQL) db.exec(sql);
  for (const sql of V2_SQL) db.exec(sql);
  db.exec('CREATE TABLE note(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, message TEXT NOT NULL)');
  db.exec('CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID');
  const st = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  st.run('application', 'vigil alert log');
  st.run('created_t', Date.now());
  st.run('created_on', os.hostname());
  db.pragma(`application_id = ${ALERT_LOG_APPLICATION_ID}`);
  db.pragma(`user_version = ${ALERT_LOG_VERSION}`);
}

/**
 * Closes the breaches left open by vigils that no longer run (crashed, or stopped while the log was
 * locked): end_t is the newest Snapshot that vigil had written, closed_by 'restart'. Returns how many.
 */
function closeLeftovers(db: Database.Database, me: Identity): number {
  const writers = db.prepare('SELECT * FROM writer WHERE id IN (SELECT writer FROM alert WHERE end_t IS NULL)').all() as WriterRow[];
  const close = db.prepare(
    `UPDATE alert SET end_t = max(fired_t, coalesce(@last_t, fired_t)), end_reason = 'stop', closed_by = 'restart'
     WHERE writer = @id AND end_t IS NULL`,
  );
  let n = 0;
  for (const w of writers) if (gone(w, me)) n += close.run({ id: w.id, last_t: w.last_t }).changes;
  return n;
}

export class AlertLog {
  private readonly upsert: Database.Statement;
  private readonly insertNote: Database.Statement;
  private readonly touch: Database.Statement;
  /** Rows a busy moment kept back (another vigil writing): retried with the next write. */
  private pending: BreachRecord[] = [];
  private pendingNotes: [number, string][] = [];
  /** Breaches whose open row is in the log, by rule, subject and start: what a failed stop leaves open. */
  private readonly openInLog = new Set<string>();
  /** The newest Snapshot time of the rows written or pending. */
  private lastT: number | null = null;
  private wrote = false;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private readonly writerId: number,
    /** Breaches of dead vigils this open closed (closed_by 'restart'). */
    readonly closedAtOpen: number,
  ) {
    this.upsert = db.prepare(upsertAlertSql(['writer']));
    this.insertNote = db.prepare('INSERT INTO note (t, message) VALUES (?, ?)');
    this.touch = db.prepare('UPDATE writer SET last_t = max(coalesce(last_t, @t), @t) WHERE id = @id');
  }

  /**
   * Opens FILE, creating it and its directory when missing. Refuses (exit 73) a file that is something
   * else (a recording, another program's database), leaving it untouched; 65 for a damaged one; 75 when
   * another program keeps it locked for more than OPEN_WAIT_MS.
   */
  static open(file: string): AlertLog {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw cannotUse(file, `${path.dirname(file)} is not a directory`);
      throw cannotUse(file, `cannot create its directory (${code ?? (err as Error).message})`);
    }
    let size: number | null = null;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw cannotUse(file, 'it is not a regular file');
      size = st.size;
    } catch (err) {
      if (err instanceof VigilError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotUse(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: lockWaitMs(OPEN_WAIT_MS) });
    } catch (err) {
      throw cannotUse(file, sqliteCode(err) || (err as Error).message);
    }
    try {
      if (size === null || size === 0) {
        db.pragma('journal_mode = WAL');
        // Two vigils starting at once both see an empty file: the write lock decides who creates the tables.
        db.transaction(() => {
          if (Number(db.pragma('application_id', { simple: true })) === 0) create(db);
        }).immediate();
      }
      let appId: number;
      try {
        appId = Number(db.pragma('application_id', { simple: true }));
      } catch (err) {
        const code = sqliteCode(err);
        if (isBusy(code)) throw err;
        throw cannotUse(file, code === 'SQLITE_NOTADB' ? 'it is not a SQLite database' : `it is damaged (${code})`, EXIT.DATAERR);
      }
      if (appId !== ALERT_LOG_APPLICATION_ID) throw cannotUse(file, 'it is not a vigil alert log (left untouched)');
      const newer = (): void => {
        const version = Number(db.pragma('user_version', { simple: true }));
        if (version > ALERT_LOG_VERSION) throw cannotUse(file, `it was written by a newer vigil (version ${version})`);
      };
      newer();
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const me = self();
      let writerId = 0;
      let closedAtOpen = 0;
      db.transaction(() => {
        newer(); // another vigil may have migrated it since
        if (Number(db.pragma('user_version', { simple: true })) < 2) {
          for (const sql of V2_SQL) db.exec(sql);
          db.pragma('user_version = 2');
        }
        closedAtOpen = closeLeftovers(db, me);
        writerId = Number(
          db.prepare('INSERT INTO writer (host, boot_id, pid_ns, pid, start_time, started_t) VALUES (@host, @boot_id, @pid_ns, @pid, @start_time, @t)')
            .run({ ...me, t: Date.now() }).lastInsertRowid,
        );
      }).immediate();
      db.pragma(`busy_timeout = ${WRITE_WAIT_MS}`);
      return new AlertLog(file, db, writerId, closedAtOpen);
    } catch (err) {
      db.close();
      if (err instanceof VigilError) throw err;
      const code = sqliteCode(err);
      if (isBusy(code)) throw inUse(file, code);
      if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') throw cannotUse(file, `it is not writable (${code})`);
      if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') throw cannotUse(file, `it is damaged (${code})`, EXIT.DATAERR);
      throw cannotUse(file, code || (err as Error).message);
    }
  }

  /**
   * Upserts a breach (written when it fires, updated while it lasts and when it ends); `t` is the newest
   * Snapshot's time. Throws a one-line VigilError on a real failure.
   */
  write(b: BreachRecord, t: number = Date.now()): void {
    this.pending.push({ ...toRow(b), writer: this.writerId } as BreachRecord);
    if (this.lastT === null || t > this.lastT) this.lastT = t;
    this.flush();
  }

  note(t: number, message: string): void {
    this.pendingNotes.push([t, message]);
    this.flush();
  }

  /** Writes what is pending; false when another program held the lock past the busy timeout (kept for the next try). */
  private flush(): boolean {
    if (this.closed) return true;
    const rows = this.pending;
    const notes = this.pendingNotes;
    try {
      this.db.transaction(() => {
        for (const r of rows) this.upsert.run(r);
        for (const [t, m] of notes) this.insertNote.run(t, m);
        if (rows.length > 0 && this.lastT !== null) this.touch.run({ id: this.writerId, t: this.lastT });
      }).immediate();
      for (const r of rows) {
        if (r.end_t === null) this.openInLog.add(key(r));
        else this.openInLog.delete(key(r));
      }
      if (rows.length > 0) this.wrote = true;
      this.pending = [];
      this.pendingNotes = [];
      return true;
    } catch (err) {
      const code = sqliteCode(err);
      // Another vigil holds the write lock for longer than busy_timeout: keep the rows for the next write.
      if (isBusy(code)) return false;
      this.pending = [];
      this.pendingNotes = [];
      if (code === 'SQLITE_FULL') throw new VigilError(`disk full writing the alert log ${this.file}`, EXIT.IOERR);
      throw new VigilError(`cannot write the alert log ${this.file} (${code || (err as Error).message.split('\n')[0]})`, EXIT.IOERR);
    }
  }

  /**
   * Writes what a busy moment kept back (waiting up to CLOSE_WAIT_MS for a lock), then closes. Returns
   * null, or one line saying which breaches stay open in the log (the next vigil to open it closes them)
   * and what was not written at all. The log stays in WAL mode (other vigils may have it open).
   */
  close(): string | null {
    if (this.closed) return null;
    let problem: string | null = null;
    const rows = this.pending;
    const notes = this.pendingNotes.length;
    if (rows.length > 0 || notes > 0) {
      try {
        const waitMs = lockWaitMs(CLOSE_WAIT_MS);
        this.db.pragma(`busy_timeout = ${waitMs}`);
        if (!this.flush()) problem = `the alert log ${this.file} stayed locked${lockHolder(this.file)} for ${waitMs / 1000} s`;
      } catch (err) {
        problem = (err as Error).message.split('\n')[0];
      }
      if (problem !== null) problem = `${problem} when vigil stopped: ${this.unwritten(rows, notes)}`;
    }
    if (problem === null && !this.wrote) {
      try {
        // A vigil that logged nothing leaves no writer row behind.
        this.db.prepare('DELETE FROM writer WHERE id = ?').run(this.writerId);
      } catch {
        // a leftover row costs nothing
      }
    }
    this.closed = true;
    this.db.close();
    return problem;
  }

  /** What rows and notes that could not be written leave in the log, in words. */
  private unwritten(rows: readonly BreachRecord[], notes: number): string {
    const leftOpen = new Map<string, BreachRecord>();
    const missing = new Map<string, BreachRecord>();
    for (const r of rows) (this.openInLog.has(key(r)) ? leftOpen : missing).set(key(r), r);
    const list = (m: Map<string, BreachRecord>): string => {
      const names = [...m.values()].slice(0, 5).map((r) => `${sanitize(r.rule)} on ${sanitize(r.subject)} since ${stamp(r.start_t)}`);
      return names.join(', ') + (m.size > 5 ? ` and ${m.size - 5} more` : '');
    };
    const parts: string[] = [];
    if (leftOpen.size > 0) {
      const one = leftOpen.size === 1;
      parts.push(`${one ? 'a breach stays' : `${leftOpen.size} breaches stay`} open in it (${list(leftOpen)}) until the next vigil opens the log and closes ${one ? 'it' : 'them'}`);
    }
    if (missing.size > 0) parts.push(`${missing.size === 1 ? 'a breach was' : `${missing.size} breaches were`} not logged at all (${list(missing)})`);
    if (notes > 0) parts.push(`${notes === 1 ? 'a note was' : `${notes} notes were`} not logged`);
    return parts.join('; ');
  }
}

const key = (r: BreachRecord): string => `${r.rule}\0${r.subject}\0${r.start_t}`;

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** For reading (vigil alerts): what an alert log must look like (version 1 logs have no writer table). */
export const ALERT_LOG_KIND: FileKind = {
  name: 'alert-log', noun: 'vigil alert log', applicationId: ALERT_LOG_APPLICATION_ID, maxVersion: ALERT_LOG_VERSION,
  tables: ['alert', 'note', 'meta'],
};
