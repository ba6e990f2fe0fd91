/**
 * The alert log: `$XDG_STATE_HOME/vigil/alerts.db` (default ~/.local/state/vigil/alerts.db) or
 * `--alerts-db FILE`, where the live monitor and `vigil serve` write breaches. It is created with its
 * directory on first use; WAL with synchronous=NORMAL, so every committed breach survives a crash of vigil.
 * Several vigils may write the same log (SQLite serialises them; a busy moment is retried on the next write).
 *
 * Tables: `alert` (as in a recording, see table.ts), `note(id, t, message)` for --on-alert failures and
 * other things worth keeping, `meta(key, value)`. `PRAGMA application_id` is 0x76676c61 ("vgla").
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EXIT, VigilError } from '../../errors';
import type { FileKind } from '../recording/open';
import { sqliteCode } from '../recording/sqlite-error';
import { ALERT_TABLE_SQL, BreachRecord, toRow, UPSERT_ALERT_SQL } from './table';

export const ALERT_LOG_APPLICATION_ID = 0x76676c61;
export const ALERT_LOG_VERSION = 1;

export function defaultAlertLogPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'vigil', 'alerts.db');
}

function cannotUse(file: string, why: string, code: number = EXIT.CANTCREAT): VigilError {
  return new VigilError(`cannot use ${file} as the alert log: ${why}`, code);
}

/** The tables of a new log; runs inside the creating transaction. */
function create(db: Database.Database): void {
  for (const sql of ALERT_TABLE_SQL) db.exec(sql);
  db.exec('CREATE TABLE note(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, message TEXT NOT NULL)');
  db.exec('CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID');
  const st = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  st.run('application', 'vigil alert log');
  st.run('created_t', Date.now());
  st.run('created_on', os.hostname());
  db.pragma(`application_id = ${ALERT_LOG_APPLICATION_ID}`);
  db.pragma(`user_version = ${ALERT_LOG_VERSION}`);
}

export class AlertLog {
  private readonly upsert: Database.Statement;
  private readonly insertNote: Database.Statement;
  /** Rows a busy moment kept back (another vigil writing): retried with the next write. */
  private pending: BreachRecord[] = [];
  private pendingNotes: [number, string][] = [];
  private closed = false;

  private constructor(readonly file: string, private readonly db: Database.Database) {
    this.upsert = db.prepare(UPSERT_ALERT_SQL);
    this.insertNote = db.prepare('INSERT INTO note (t, message) VALUES (?, ?)');
  }

  /**
   * Opens FILE, creating it and its directory when missing. Refuses (exit 73) a file that is something
   * else (a recording, another program's database), leaving it untouched; 65 for a damaged one.
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
      db = new Database(file);
    } catch (err) {
      throw cannotUse(file, sqliteCode(err) || (err as Error).message);
    }
    try {
      db.pragma('busy_timeout = 200');
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
        throw cannotUse(file, code === 'SQLITE_NOTADB' ? 'it is not a SQLite database' : `it is damaged (${code})`, EXIT.DATAERR);
      }
      if (appId !== ALERT_LOG_APPLICATION_ID) throw cannotUse(file, 'it is not a vigil alert log (left untouched)');
      const version = Number(db.pragma('user_version', { simple: true }));
      if (version > ALERT_LOG_VERSION) throw cannotUse(file, `it was written by a newer vigil (version ${version})`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      return new AlertLog(file, db);
    } catch (err) {
      db.close();
      if (err instanceof VigilError) throw err;
      const code = sqliteCode(err);
      if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') throw cannotUse(file, `it is not writable (${code})`);
      throw cannotUse(file, code || (err as Error).message);
    }
  }

  /** Upserts a breach (written when it fires, updated while it lasts and when it ends). Throws a one-line VigilError on a real failure. */
  write(b: BreachRecord): void {
    this.pending.push(toRow(b));
    this.flush();
  }

  note(t: number, message: string): void {
    this.pendingNotes.push([t, message]);
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    const rows = this.pending;
    const notes = this.pendingNotes;
    try {
      this.db.transaction(() => {
        for (const r of rows) this.upsert.run(r);
        for (const [t, m] of notes) this.insertNote.run(t, m);
      })();
      this.pending = [];
      this.pendingNotes = [];
    } catch (err) {
      const code = sqliteCode(err);
      // Another vigil holds the write lock for longer than busy_timeout: keep the rows for the next write.
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return;
      this.pending = [];
      this.pendingNotes = [];
      if (code === 'SQLITE_FULL') throw new VigilError(`disk full writing the alert log ${this.file}`, EXIT.IOERR);
      throw new VigilError(`cannot write the alert log ${this.file} (${code || (err as Error).message.split('\n')[0]})`, EXIT.IOERR);
    }
  }

  /** Writes what a busy moment kept back, then closes. The log stays in WAL mode (other vigils may have it open). */
  close(): void {
    if (this.closed) return;
    try {
      if (this.pending.length > 0 || this.pendingNotes.length > 0) this.flush();
    } catch {
      // closing anyway: what was committed is safe
    }
    this.closed = true;
    this.db.close();
  }
}

/** For reading (vigil alerts): what an alert log must look like. */
export const ALERT_LOG_KIND: FileKind = {
  name: 'alert-log', noun: 'vigil alert log', applicationId: ALERT_LOG_APPLICATION_ID, maxVersion: ALERT_LOG_VERSION,
  tables: ['alert', 'note', 'meta'],
};
