/**
 * Opening a recording for reading without ever changing it, and refusing bad files with one line:
 * missing → 66 (nothing is created: fileMustExist); empty, not SQLite, truncated, corrupted, not vigil's,
 * or from a newer vigil → 65. A crash leftover (WAL mode, maybe a -wal beside it) is read in place when
 * the directory allows it, else from a copy of db + wal in a temporary directory: SQLite cannot open a WAL
 * database in a read-only directory, even read-only.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EXIT, VigilError } from '../../infra/errors';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema';
import { lockWaitMs, readError, sqliteCode } from './sqlite-error';

/** How long a reader waits for another program's lock (better-sqlite3's default): then it is in use (75). */
const READ_WAIT_MS = 5000;

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** A kind of vigil file that can be opened for reading: its application id, newest version, and tables it must have. */
export interface FileKind {
  name: string;
  /** "vigil recording", "vigil alert log". */
  noun: string;
  applicationId: number;
  maxVersion: number;
  tables: readonly string[];
}

export const RECORDING_KIND: FileKind = {
  name: 'recording', noun: 'vigil recording', applicationId: APPLICATION_ID, maxVersion: SCHEMA_VERSION,
  tables: ['meta', 'session', 'sample', 'keyframe', 'sys'],
};

export interface OpenedDb {
  db: Database.Database;
  kind: FileKind;
  schemaVersion: number;
  /** Set when reading from a temporary copy (removed by close()). */
  copyDir: string | null;
  close(): void;
}

function damaged(file: string, why: string): VigilError {
  return new VigilError(`${file}: ${why}`, EXIT.DATAERR);
}

interface Header {
  wal: boolean;
  pageSize: number;
  /** Pages the header says the file has, when that field is trustworthy. */
  pages: number | null;
}

/** The 100-byte database header: https://www.sqlite.org/fileformat.html#the_database_header */
function readHeader(file: string, noun: string): { header: Header; size: number } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new VigilError(`no such ${noun === RECORDING_KIND.noun ? 'recording' : 'file'}: ${file}`, EXIT.NOINPUT);
    throw new VigilError(`cannot read ${file}: ${(err as Error).message}`, EXIT.NOINPUT);
  }
  if (!st.isFile()) throw new VigilError(`${file} is not a file`, EXIT.NOINPUT);
  if (st.size === 0) throw damaged(file, `empty file, not a ${noun}`);
  const buf = Buffer.alloc(100);
  let n = 0;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      n = fs.readSync(fd, buf, 0, 100, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw new VigilError(`cannot read ${file}: ${(err as Error).message}`, EXIT.NOINPUT);
  }
  if (n < 100 || !buf.subarray(0, 16).equals(MAGIC)) throw damaged(file, `not a SQLite database (nor a ${noun})`);
  const ps = buf.readUInt16BE(16);
  const pageSize = ps === 1 ? 65536 : ps;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw damaged(file, 'damaged SQLite header (page size)');
  const readVersion = buf[19];
  if (readVersion > 2) throw damaged(file, 'SQLite file format too new to read');
  const changeCounter = buf.readUInt32BE(24);
  const validFor = buf.readUInt32BE(92);
  const inHeader = buf.readUInt32BE(28);
  return { header: { wal: readVersion === 2 || buf[18] === 2, pageSize, pages: validFor === changeCounter && inHeader > 0 ? inHeader : null }, size: st.size };
}

function copyAside(file: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-replay-'));
  try {
    const base = path.join(dir, 'recording.db');
    // The WAL first: a writer that checkpoints between the two copies then only leaves frames already in the db.
    if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${base}-wal`);
    fs.copyFileSync(file, base);
    return dir;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new VigilError(`cannot copy ${file} aside to read it: ${(err as Error).message}`, EXIT.IOERR);
  }
}

function tryOpen(p: string): Database.Database {
  const db = new Database(p, { readonly: true, fileMustExist: true, timeout: lockWaitMs(READ_WAIT_MS) });
  try {
    db.pragma('cell_size_check = ON');
    db.pragma('application_id', { simple: true }); // the first real read: NOTADB, CANTOPEN surface here
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens FILE read-only as one of `kinds` (default: a recording). */
export function openForReading(file: string, kinds: readonly FileKind[] = [RECORDING_KIND]): OpenedDb {
  const noun = kinds.map((k) => k.noun).join(' or ');
  const { header, size } = readHeader(file, noun);
  const hasWal = fs.existsSync(`${file}-wal`) && fs.statSync(`${file}-wal`).size > 0;
  if (!hasWal && header.pages !== null && size < header.pages * header.pageSize) {
    throw damaged(file, `truncated: ${size} bytes of ${header.pages * header.pageSize}`);
  }
  let db: Database.Database | null = null;
  let copyDir: string | null = null;
  try {
    try {
      db = tryOpen(file);
    } catch (err) {
      const code = sqliteCode(err);
      if (!header.wal || !(code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY'))) throw err;
      copyDir = copyAside(file);
      db = tryOpen(path.join(copyDir, 'recording.db'));
    }
    const appId = Number(db.pragma('application_id', { simple: true }));
    const kind = kinds.find((k) => k.applicationId === appId);
    if (kind === undefined) throw damaged(file, `a SQLite database, but not a ${noun}`);
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > kind.maxVersion) {
      throw damaged(file, `${kind === RECORDING_KIND ? 'recorded' : 'written'} by a newer vigil (schema version ${version}; this vigil reads up to ${kind.maxVersion})`);
    }
    if (version < 1) throw damaged(file, `unknown schema version ${version}`);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
    );
    for (const t of kind.tables) {
      if (!tables.has(t)) throw damaged(file, `damaged ${kind.noun} (no table '${t}')`);
    }
    const opened = db;
    const dir = copyDir;
    return {
      db: opened,
      kind,
      schemaVersion: version,
      copyDir: dir,
      close() {
        try {
          opened.close();
        } finally {
          if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // failing anyway
    }
    if (copyDir !== null) fs.rmSync(copyDir, { recursive: true, force: true });
    throw readError(file, err);
  }
}
