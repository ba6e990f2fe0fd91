/**
 * Schema evolution, synthetically: copies of a real recording (the schema-v1 synthetic fixture: keyframes
 * of every tier, carried entities, sockets) with columns dropped, renamed, reordered or added, and
 * tables missing, read through the same code as replay and export. A column a file lacks must read as
 * null (never NaN, never "undefined") and leave every other value as it was; a column the reader does
 * not know, or another column order, must change nothing. Then appending to such a file brings its
 * tables back to this vigil's schema, and a newer file is refused naming both versions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Writable } from 'stream';
import Database from 'better-sqlite3';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { runExport } from '../../../src/commands/export';
import type { TableName } from '../../../src/commands/export-tables';
import type { Sample } from '../../../src/model';
import { FileColumns } from '../../../src/store/recording/columns';
import { planUpgrade } from '../../../src/store/recording/migrate';
import { Recording } from '../../../src/store/recording/reader';
import { SCHEMA_VERSION } from '../../../src/store/recording/schema';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { sampleJson } from '../../helpers/fixture-digest';
import { thrown } from '../../helpers/errors';
import { sha } from '../../helpers/cli';
import { FIXTURES } from '../../helpers/paths';
import { tmpDir } from '../../helpers/tmp';

const FIXTURE = path.join(FIXTURES, 'recordings', 'schema-v1-synth.vigil');
const TABLES: TableName[] = ['system', 'cpu', 'memory', 'net', 'disk', 'fs', 'procs', 'conns'];

type Row = Record<string, unknown>;

async function exportJson(file: string, table: TableName): Promise<Row[]> {
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
  await runExport({ file, table, format: 'json' }, sink);
  return out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);
}

async function exportAll(file: string): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of TABLES) out[table] = await exportJson(file, table);
  return out;
}

/** Every Sample of the file, walked in order (what replay steps through). */
function samples(file: string): Sample[] {
  const rec = Recording.open(file);
  try {
    return [...rec.pairs(rec.first()!.s, rec.last()!.s)].map((p) => p.curr);
  } finally {
    rec.close();
  }
}

function copyWith(dir: string, name: string, sql: string): string {
  const p = path.join(dir, name);
  fs.copyFileSync(FIXTURE, p);
  const db = new Database(p);
  db.exec(sql);
  db.close();
  return p;
}

/** DDL and copy that rebuild `table` with its columns in `order` (a permutation of its columns). */
function rebuild(db: Database.Database, table: string, order: (cols: string[]) => string[]): void {
  const info = db.pragma(`table_info(${table})`) as { name: string; type: string; pk: number }[];
  const cols = order(info.map((c) => c.name));
  const type = new Map(info.map((c) => [c.name, c.type]));
  const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  const withoutRowid = pk.length > 1;
  db.exec(`CREATE TABLE x_new(${cols.map((c) => `${c} ${type.get(c)}`).join(', ')}, PRIMARY KEY (${pk.join(', ')}))${withoutRowid ? ' WITHOUT ROWID' : ''};
    INSERT INTO x_new (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${table};
    DROP TABLE ${table};
    ALTER TABLE x_new RENAME TO ${table};`);
}

/** Nothing the reader handed out is NaN or the string "undefined". */
function clean(rows: Record<string, Row[]>): boolean {
  const text = JSON.stringify(rows);
  return !text.includes('NaN') && !text.includes('"undefined"') && !text.includes('Infinity');
}

/** `rows` with `cols` of `table` set to null (what a file without those columns should export). */
function nulled(all: Record<string, Row[]>, table: string, cols: string[]): Record<string, Row[]> {
  return { ...all, [table]: all[table].map((r) => ({ ...r, ...Object.fromEntries(cols.map((c) => [c, null])) })) };
}

t.test('schema evolution, synthetically, on copies of the v1 fixture', async (t) => {
  const dir = tmpDir(t);
  const fixtureSha = sha(FIXTURE);
  const base = await exportAll(FIXTURE);
  const baseSamples = samples(FIXTURE).map((x) => sampleJson(x));
  t.ok(base.procs.length > 100 && base.conns.length > 100 && base.net.length > 100, 'the fixture has rows in every tier');

  t.test('columns in another order: every Sample and every export row the same', async (t) => {
    const p = path.join(dir, 'reordered.vigil');
    fs.copyFileSync(FIXTURE, p);
    const db = new Database(p);
    for (const table of ['sys', 'proc_sample', 'proc_io', 'proc_tcp', 'net', 'tcp_sock_sample', 'proc', 'net_iface']) rebuild(db, table, (c) => [...c].reverse());
    db.close();
    const ro = new Database(p, { readonly: true });
    t.equal((ro.pragma('table_info(proc_sample)') as { name: string }[])[0].name, 'invol_ctxsw', 'the file really has another order');
    ro.close();
    t.strictSame(samples(p).map((x) => sampleJson(x)), baseSamples, 'every Sample');
    t.strictSame(await exportAll(p), base, 'every export table');
  });

  t.test('columns the reader does not know (a newer vigil, the sqlite3 shell): ignored', async (t) => {
    // Names no version will use (a real new column, once this vigil knows it, is read).
    const p = copyWith(dir, 'extra.vigil', `
      ALTER TABLE proc_sample ADD COLUMN x_unknown_text TEXT;
      UPDATE proc_sample SET x_unknown_text = '/user.slice/x.scope';
      ALTER TABLE proc ADD COLUMN x_unknown_ident TEXT DEFAULT 'c1';
      ALTER TABLE sys ADD COLUMN x_unknown_gauge INTEGER DEFAULT 7;`);
    // And one in the middle of a table's list.
    const db = new Database(p);
    rebuild(db, 'proc_sample', (c) => [...c.slice(0, 5), 'x_unknown_text', ...c.slice(5).filter((x) => x !== 'x_unknown_text')]);
    db.close();
    t.strictSame(samples(p).map((x) => sampleJson(x)), baseSamples, 'every Sample');
    t.strictSame(await exportAll(p), base, 'every export table');
  });

  t.test('a column the file lacks reads as null, and nothing else changes', async (t) => {
    // Value columns (ProcSample, DiskSample fields that may be unknown) and an identity column.
    const p = copyWith(dir, 'dropped.vigil', `
      ALTER TABLE proc_sample DROP COLUMN swap_bytes;
      ALTER TABLE proc_sample DROP COLUMN wait_ns;
      ALTER TABLE proc DROP COLUMN user;
      ALTER TABLE disk DROP COLUMN flushes;`);
    const got = samples(p);
    const procs = got.flatMap((s) => s.procs?.procs ?? []);
    t.ok(procs.length > 0);
    t.ok(procs.every((x) => x.swap_bytes === null && x.wait_ns === null && x.user === null), 'swap_bytes, wait_ns, user: null in every process');
    t.ok(got.every((s) => s.sys.disks.every((d) => d.flushes === null)), 'flushes: null in every disk');
    // The rest of every Sample as it was.
    const strip = (s: Sample): string => sampleJson({
      ...s,
      sys: { ...s.sys, disks: s.sys.disks.map((d) => ({ ...d, flushes: null })) },
      procs: s.procs === null ? null : { ...s.procs, procs: s.procs.procs.map((x) => ({ ...x, swap_bytes: null, wait_ns: null, user: null })) },
    });
    t.strictSame(got.map(strip), samples(FIXTURE).map(strip), 'every other value of every Sample');
    const all = await exportAll(p);
    t.ok(clean(all), 'no NaN, Infinity or "undefined" in any export');
    // swap_bytes and user are exported as they are; wait_pct is derived from wait_ns (flushes is not exported).
    t.strictSame(all, nulled(base, 'procs', ['swap_bytes', 'user', 'wait_pct']), 'export: those columns empty, the rest the same');
    t.ok(base.procs.some((r) => r.swap_bytes !== null && r.user !== null), 'they were not empty before');
  });

  t.test('even a column the model never leaves null: its rates read as unknown, never NaN', async (t) => {
    const p = copyWith(dir, 'dropped-counters.vigil', 'ALTER TABLE net DROP COLUMN rx_drop; ALTER TABLE cpu DROP COLUMN steal;');
    const all = await exportAll(p);
    t.ok(clean(all), 'no NaN, Infinity or "undefined"');
    t.ok(all.net.every((r) => r.rx_drop_per_s === null) && all.cpu.every((r) => r.steal_pct === null), 'rx_drop_per_s and steal_pct empty');
    t.strictSame(all.net, nulled(base, 'net', ['rx_drop_per_s']).net, 'the other net columns the same');
  });

  t.test('a renamed column is a missing one plus an unknown one', async (t) => {
    const p = copyWith(dir, 'renamed.vigil', 'ALTER TABLE proc_sample RENAME COLUMN swap_bytes TO swap;');
    const all = await exportAll(p);
    t.strictSame(all, nulled(base, 'procs', ['swap_bytes']));
  });

  t.test('a table the file lacks reads as empty', async (t) => {
    // As a file from before the table existed: no table, and no keyframe_carry lists for it.
    const p = copyWith(dir, 'nosockets.vigil', "DROP TABLE tcp_sock_sample; DROP TABLE tcp_sock; DELETE FROM keyframe_carry WHERE tbl = 'tcp_sock_sample';");
    const all = await exportAll(p);
    t.strictSame(all.conns, [], 'no connections');
    t.strictSame({ ...all, conns: [] }, { ...base, conns: [] }, 'every other table the same');
    t.ok(clean(all));
  });

  t.test('a key column missing: damaged, exit 65, one line naming it', async (t) => {
    const p = path.join(dir, 'nokey.vigil');
    fs.copyFileSync(FIXTURE, p);
    const db = new Database(p);
    // DROP COLUMN refuses a key column: rebuild without k.
    db.exec(`CREATE TABLE y AS SELECT s, e, rx_bytes FROM net; DROP TABLE net; ALTER TABLE y RENAME TO net;`);
    db.close();
    const err = thrown(() => Recording.open(p)) as { exitCode: number; message: string };
    t.equal(err.exitCode, 65);
    t.match(err.message, /net.*no column 'k'/);
    t.notMatch(err.message, /\n/);
  });

  t.equal(sha(FIXTURE), fixtureSha, 'the fixture itself is never changed');
});

t.test('appending to a file that lacks columns adds them in one transaction, old rows stay null', async (t) => {
  const dir = tmpDir(t);
  const p = copyWith(dir, 'old.vigil', `ALTER TABLE proc_sample DROP COLUMN swap_bytes; DROP INDEX sample_t; DROP TABLE tcp_sock_sample;
    DELETE FROM keyframe_carry WHERE tbl = 'tcp_sock_sample';`);
  const ro = new Database(p, { readonly: true });
  // (A later schema version adds its own columns to this list: v1 is all the fixture lacks.)
  const added = planUpgrade(ro).added;
  t.ok(['sample_t', 'proc_sample.swap_bytes', 'tcp_sock_sample'].every((x) => added.includes(x)), `what this vigil would add: ${added.join(', ')}`);
  ro.close();
  const before = samples(p).map((x) => sampleJson(x));
  const w = RecordingWriter.open(p, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ procs: 20, busyProcs: 5, socks: 4, seed: 3 });
  const written: Sample[] = [];
  for (let i = 0; i < 40; i++) {
    const s = src.next();
    written.push(s);
    w.add(s);
  }
  w.close();
  const db = new Database(p, { readonly: true });
  const fc = new FileColumns(db);
  t.ok(fc.has('proc_sample', 'swap_bytes') && fc.has('tcp_sock_sample') && db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sample_t'").get() !== undefined, 'the column, the table and the index are back');
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  t.strictSame(planUpgrade(db).statements, [], 'nothing more to add');
  db.close();
  const rec = Recording.open(p);
  t.equal(rec.sessions.length, 2);
  const s2 = rec.sessions[1];
  const after = [...rec.pairs(rec.first()!.s, rec.last()!.s)];
  rec.close();
  const old = after.filter((x) => x.s < s2.first_s).map((x) => sampleJson(x.curr));
  t.strictSame(old, before, 'the first session reads as before (swap_bytes null)');
  const fresh = after.filter((x) => x.s >= s2.first_s).map((x) => x.curr);
  t.equal(fresh.length, written.length);
  t.ok(fresh.some((s) => s.procs?.procs.some((x) => x.swap_bytes !== null)), 'the new session has swap_bytes');
  t.ok(fresh.some((s) => (s.conns?.tcp.length ?? 0) > 0), 'and sockets');
});

t.test('a schema-2 file: read and exported byte for byte as before; appending adds proc_shim and alert_step, nothing else moves', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'v2.vigil');
  fs.copyFileSync(path.join(FIXTURES, 'recordings', 'schema-v2-synth.vigil'), p);
  const csv = async (file: string, table: TableName): Promise<string> => {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
    await runExport({ file, table, format: 'csv' }, sink);
    return out;
  };
  const before: Record<string, string> = {};
  for (const table of [...TABLES, 'shim', 'cgroups'] as TableName[]) before[table] = await csv(p, table);
  t.equal(before.shim.trim().split('\n').length, 1, 'the shim table of a file that has none: its header alone');
  t.equal(before.cgroups.trim().split('\n').length, 1, 'the cgroups table of a file before schema 4: its header alone');
  const samplesBefore = samples(p).map((x) => sampleJson(x));
  const ro = new Database(p, { readonly: true });
  t.strictSame([...planUpgrade(ro).added].sort(), ['alert_step', 'cgroup', 'cgroup_sample', 'cgroup_tick', 'proc_shim'], 'what versions 3 and 4 add');
  ro.close();
  const w = RecordingWriter.open(p, { host: SYNTH_HOST, intervalMs: 1000, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ intervalMs: 1000, procEvery: 1, procs: 8, busyProcs: 3, seed: 5, shimProcs: 2, startT: Date.now() + 1e7 });
  for (let i = 0; i < 5; i++) w.add(src.next());
  w.close();
  const rec = Recording.open(p);
  const s2 = rec.sessions[1].first_s;
  const old = [...rec.pairs(rec.first()!.s, s2 - 1)].map((x) => sampleJson(x.curr));
  const fresh = [...rec.pairs(s2, rec.last()!.s)].map((x) => x.curr);
  const lastT = [...rec.pairs(s2 - 1, s2 - 1)][0].curr.t;
  rec.close();
  t.strictSame(old, samplesBefore, 'the old session reads as before');
  t.ok(fresh.some((x) => x.procs?.procs.some((q) => q.shim !== null)), 'the new session has shim counters');
  for (const table of [...TABLES, 'shim'] as TableName[]) {
    const text = await csv(p, table);
    const lines = text.split('\n');
    const oldLines = lines.filter((l, i) => i === 0 || (l !== '' && Number(l.split(',')[0]) <= lastT)).join('\n');
    t.equal(oldLines + (before[table].endsWith('\n') && !oldLines.endsWith('\n') ? '\n' : ''), before[table], `${table}: the old session's rows, byte for byte`);
  }
});

t.test('a newer file: refused to read (65) and to append (73), naming both versions, untouched', async (t) => {
  const dir = tmpDir(t);
  const p = copyWith(dir, 'future.vigil', `PRAGMA user_version = ${SCHEMA_VERSION + 1}; ALTER TABLE proc_sample ADD COLUMN x_unknown_text TEXT;`);
  const before = sha(p);
  const r = thrown(() => Recording.open(p)) as { exitCode: number; message: string };
  t.equal(r.exitCode, 65);
  t.equal(r.message, `${p}: recorded by a newer vigil (schema version ${SCHEMA_VERSION + 1}; this vigil reads up to ${SCHEMA_VERSION})`);
  const w = thrown(() => RecordingWriter.open(p, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' })) as { exitCode: number; message: string };
  t.equal(w.exitCode, 73);
  t.equal(w.message, `refusing to append to ${p}: it was recorded by a newer vigil (schema version ${SCHEMA_VERSION + 1}; this vigil writes version ${SCHEMA_VERSION})`);
  t.equal(sha(p), before, 'untouched');
});
