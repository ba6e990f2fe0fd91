import * as fs from 'fs';
import Database from 'better-sqlite3';

/**
 * Samples a reader sees committed in a recording now; 0 while the file or its schema is not there yet. The
 * reader's connection is closed at once: the recorder's last checkpoint needs the file to itself.
 */
export function committedSamples(file: string): number {
  if (!fs.existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM sample').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}
