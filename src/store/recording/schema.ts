/**
 * The recording's file format: identifiers and DDL. docs/recording.md explains every table for users
 * of the sqlite3 shell; a change here is a new SCHEMA_VERSION, and every later vigil must still read the
 * fixtures in test/fixtures/recordings/. Versions: 1 the first; 2 proc_sample.cgroup; 3 proc_shim (the
 * vigil run shim's counters, shim-cols.ts) and alert_step (a breach's figures after each evaluation);
 * 4 the cgroup tier: cgroup, cgroup_sample (cgroup-cols.ts) and cgroup_tick.
 *
 * Shape, in one paragraph: `sample` has one row per tick (wall and monotonic time). Every other table
 * holds raw cumulative counters, either absolute (k = 1) or as the difference from the same series's
 * previous row (k = 0). Series are entities (a core, an interface, a disk, a mount, a process) listed once
 * in their own table with the first and last sample they were seen in; a series gets a row only on ticks
 * where something in it changed, and an absolute row at every keyframe, so any tick is rebuilt from the
 * last keyframe before it by adding at most one keyframe interval of rows. An entity that has not
 * changed since its latest absolute row gets none at a keyframe: keyframe_carry lists it instead. The
 * process table and the connections tier have their own ticks (proc_tick, conns_tick: the samples where
 * they read again); a process's slow-tier and connections-tier values have their own tables (proc_io,
 * proc_tcp), so that a process row stays narrow.
 */
import { ALERT_STEP_SQL, ALERT_TABLE_SQL } from '../alerts/table';
import { PROC_RAW } from '../../model/fields/proc';
import { SERIES, SeriesSpec } from './series';

/** "vigl": `PRAGMA application_id` of every vigil recording. */
export const APPLICATION_ID = 0x7669676c;
/**
 * `PRAGMA user_version`: bump on any change of the tables below, and keep reading the old ones. A version
 * only adds (nullable columns anywhere in a list of series.ts, tables, indexes): files are read by column
 * name, a column an older file lacks reading as null (columns.ts), and `vigil record` upgrades an older
 * file before appending (migrate.ts). Each version adds its fixture (test/fixtures/recordings/make.ts).
 * A per-process column bumps it by its `since` in the process field table (PROC_RAW); 4 is the last
 * version made by other changes (the cgroup tables).
 */
export const SCHEMA_VERSION = Math.max(4, ...PROC_RAW.map((r): number => ('since' in r ? r.since : 1)));

/** System tables get an absolute row per series this often (bounds the rows a seek adds up). */
export const SYS_KEYFRAME_MS = 10_000;
/** The process table gets an absolute row per live process this often. */
export const PROC_KEYFRAME_MS = 60_000;
/** The connections tier gets an absolute row per live socket and socket-holding process this often. */
export const CONNS_KEYFRAME_MS = 60_000;

/** The cgroup tier gets an absolute row per live cgroup this often. */
export const CGROUPS_KEYFRAME_MS = 60_000;

/** keyframe.what bits. */
export const KEY_SYS = 1;
export const KEY_PROCS = 2;
export const KEY_CONNS = 4;
export const KEY_CGROUPS = 8;

export function schemaSql(): string {
  const parts: string[] = [
    `CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID`,
    `CREATE TABLE session(
       id INTEGER PRIMARY KEY, first_s INTEGER NOT NULL, started_t INTEGER NOT NULL, hostname TEXT NOT NULL,
       kernel TEXT NOT NULL, boot_time_s INTEGER, clk_tck INTEGER NOT NULL, page_size INTEGER NOT NULL,
       ncpu INTEGER NOT NULL, interval_ms INTEGER NOT NULL, proc_interval_ms INTEGER NOT NULL, vigil_version TEXT NOT NULL)`,
    `CREATE TABLE sample(s INTEGER PRIMARY KEY, t INTEGER NOT NULL, mono_ns INTEGER NOT NULL)`,
    `CREATE INDEX sample_t ON sample(t)`,
    `CREATE TABLE keyframe(s INTEGER PRIMARY KEY, what INTEGER NOT NULL)`,
    `CREATE TABLE proc_tick(s INTEGER PRIMARY KEY, age_ns INTEGER NOT NULL, conns_age_ns INTEGER)`,
    `CREATE TABLE conns_tick(
       s INTEGER PRIMARY KEY, age_ns INTEGER NOT NULL, t INTEGER NOT NULL, denied TEXT, scan_incomplete INTEGER NOT NULL,
       malformed INTEGER NOT NULL, cost_ms REAL NOT NULL)`,
    // Schema 4: the samples where the cgroup tier read (its clock is the sample's minus age_ns).
    `CREATE TABLE cgroup_tick(s INTEGER PRIMARY KEY, age_ns INTEGER NOT NULL, layout TEXT NOT NULL, truncated INTEGER NOT NULL)`,
    ...ALERT_TABLE_SQL,
    // Schema 3: a breach's figures as they stood after each evaluation (replay shows them as of a moment).
    ALERT_STEP_SQL,
  ];
  // Entities alive at a keyframe that have no row there (unchanged since their latest absolute row), per
  // table, with where that row is (format: series-writer.ts carryList). A reader's shortcut.
  parts.push(`CREATE TABLE keyframe_carry(s INTEGER NOT NULL, tbl TEXT NOT NULL, es TEXT NOT NULL, PRIMARY KEY (s, tbl)) WITHOUT ROWID`);
  for (const spec of Object.values(SERIES) as SeriesSpec[]) {
    const cols = spec.values.map((c) => `${c.name} ${c.kind === 't' ? 'TEXT' : 'INTEGER'}`).join(', ');
    if (spec.entity === null && spec.owner === undefined) {
      parts.push(`CREATE TABLE ${spec.table}(s INTEGER PRIMARY KEY, k INTEGER NOT NULL, ${cols})`);
      continue;
    }
    if (spec.entity !== null) {
      const ident = spec.entity.columns.map((c) => `${c.name} ${c.type}`).join(', ');
      parts.push(`CREATE TABLE ${spec.entity.table}(e INTEGER PRIMARY KEY, ${ident}, first_s INTEGER NOT NULL, last_s INTEGER)`);
    }
    parts.push(`CREATE TABLE ${spec.table}(s INTEGER NOT NULL, e INTEGER NOT NULL, k INTEGER NOT NULL, ${cols}, PRIMARY KEY(s, e)) WITHOUT ROWID`);
  }
  return parts.join(';\n') + ';';
}
