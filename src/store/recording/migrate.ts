/**
 * Appending to a recording made by an older vigil: its tables are brought up to this vigil's schema in
 * one transaction, before anything is written. Schema versions only ever add (tables, indexes, nullable
 * columns), so that is `CREATE TABLE`/`CREATE INDEX` for what the file lacks and `ALTER TABLE ADD
 * COLUMN` for the columns it lacks (SQLite changes only the schema: no row is rewritten, and every old
 * row reads the new column as NULL, which is what the reader does for a file that lacks it). Then
 * `user_version` and meta.schema_version say the new version: from then on an older vigil refuses the
 * file (65 to read, 73 to append), naming both versions.
 */
import Database from 'better-sqlite3';
import { FileColumns } from './columns';
import { schemaSql } from './schema';

export interface Upgrade {
  /** `CREATE ...` and `ALTER TABLE ... ADD COLUMN ...` statements, in order; empty when nothing is missing. */
  statements: string[];
  /** "table.column" and "table" names added, for a message. */
  added: string[];
}

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/**
 * What the file lacks of this vigil's schema (schemaSql), as statements. Throws when a missing column
 * cannot be added by ALTER TABLE (a key, or NOT NULL without a default): a version that needs that
 * must come with its own migration here.
 */
export function planUpgrade(db: Database.Database): Upgrade {
  const ref = new Database(':memory:');
  try {
    ref.exec(schemaSql());
    const objects = ref.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid").all() as SchemaObject[];
    const have = new FileColumns(db);
    const haveIndexes = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").pluck().all() as string[]);
    const statements: string[] = [];
    const added: string[] = [];
    for (const o of objects) {
      if (o.type === 'table') {
        if (!have.has(o.name)) {
          statements.push(o.sql as string);
          added.push(o.name);
          continue;
        }
        const cols = ref.pragma(`table_info(${o.name})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
        for (const c of cols) {
          if (have.has(o.name, c.name)) continue;
          if (c.pk !== 0 || (c.notnull !== 0 && c.dflt_value === null)) {
            throw new Error(`cannot add column ${o.name}.${c.name} to an older recording (a key, or NOT NULL without a default)`);
          }
          const dflt = c.dflt_value === null ? '' : ` DEFAULT ${c.dflt_value}`;
          statements.push(`ALTER TABLE ${o.name} ADD COLUMN ${c.name} ${c.type}${c.notnull !== 0 ? ' NOT NULL' : ''}${dflt}`);
          added.push(`${o.name}.${c.name}`);
        }
      } else if (o.type === 'index' && !haveIndexes.has(o.name)) {
        statements.push(o.sql as string);
        added.push(o.name);
      }
    }
    return { statements, added };
  } finally {
    ref.close();
  }
}
