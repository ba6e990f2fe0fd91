import * as fs from 'fs';
import Database from 'better-sqlite3';

/**
 * Samples a reader sees committed in a recording now; 0 while the file or its schema is not there yet. The
 * reader's connection is closed at once: the recorder's last checkpoint needs the file to itself.
 */
export function committedSamples(file: string): number {
  return committed(file, (db) => (db.prepare('SELECT count(*) AS n FROM sample').get() as { n: number }).n) ?? 0;
}

/** The first breach of a rule a reader sees committed in a recording now (undefined while there is none). */
export function committedAlert(file: string, rule: string): { fired_t: number; end_t: number | null } | undefined {
  return committed(file, (db) => db.prepare('SELECT fired_t, end_t FROM alert WHERE rule = ? ORDER BY id LIMIT 1').get(rule) as { fired_t: number; end_t: number | null } | undefined);
}

function committed<T>(file: string, read: (db: Database.Database) => T): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}
