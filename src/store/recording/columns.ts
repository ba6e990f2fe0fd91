/**
 * Reading a recording by column name. The column lists in series.ts (and the fixed columns of the
 * tick tables) are the authority: when a recording is opened, each table's actual columns are read once
 * (PRAGMA table_info) and every statement names the columns it wants, in the order the decoder expects.
 * A column the file lacks (a file from before it was added) reads as NULL, which decodes to null (shown
 * as "-"); a column the file has and this vigil does not know is never selected; a column order that
 * differs from the DDL's does not matter. A table the file lacks reads as having no rows. Rows are then
 * decoded by position within the statement's own list, so no per-row work depends on the file.
 */
import type { Database } from 'better-sqlite3';

/** The tables of one open file and their columns, read once. */
export class FileColumns {
  private readonly tables = new Map<string, Set<string>>();

  constructor(db: Database) {
    const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
    for (const t of names) {
      // table_info names every column whatever its position; SQLite compares identifiers without case.
      const cols = db.pragma(`table_info("${t.replace(/"/g, '""')}")`) as { name: string }[];
      this.tables.set(t.toLowerCase(), new Set(cols.map((c) => c.name.toLowerCase())));
    }
  }

  has(table: string, column?: string): boolean {
    const cols = this.tables.get(table.toLowerCase());
    return cols !== undefined && (column === undefined || cols.has(column.toLowerCase()));
  }

  /** The column names of a table as the file has them (empty when it has no such table). */
  columns(table: string): string[] {
    return [...(this.tables.get(table.toLowerCase()) ?? [])];
  }

  /**
   * `SELECT <columns> FROM <source>`, the columns in the order given. `required` ones (keys, kinds:
   * without them no row means anything) must exist when the table does, else the file is damaged (an
   * Error, which readError makes a 65); any other column the file lacks is selected as NULL. A table the
   * file lacks becomes an empty source holding the required columns (a WHERE on them matches nothing),
   * so that a statement over it still prepares and returns no rows.
   */
  select(table: string, columns: readonly string[], required: readonly string[]): string {
    const present = this.has(table);
    for (const c of required) {
      if (!columns.includes(c)) throw new Error(`select ${table}: required column ${c} is not selected`);
      // Reported by readError as "FILE is not a readable vigil recording: ..." (65).
      if (present && !this.has(table, c)) throw new Error(`table '${table}' has no column '${c}'`);
    }
    const list = columns.map((c) => (required.includes(c) || (present && this.has(table, c)) ? c : `NULL AS ${c}`)).join(', ');
    const from = present ? table : `(SELECT ${required.map((c) => `NULL AS ${c}`).join(', ')} WHERE 0)`;
    return `SELECT ${list} FROM ${from}`;
  }
}
