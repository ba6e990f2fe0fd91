import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { Recording } from '../../../src/store/recording/reader';
import { SCHEMA_VERSION } from '../../../src/store/recording/schema';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { canUnshareMount, CLI, inMountNs, sha, sidecars, until, vigilSync, vigilBg } from '../../helpers/cli';
import { vigilIn } from '../../helpers/cli-inproc';
import { committedSamples } from '../../helpers/recording';
import { tmpDir } from '../../helpers/tmp';
import { thrown } from '../../helpers/errors';

const oneLine = (s: string): boolean => s.endsWith('\n') && s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);

function goodRecording(file: string, n = 300): void {
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ procs: 100, busyProcs: 30 });
  for (let i = 0; i < n; i++) w.add(src.next());
  w.close();
}

t.test('bad recordings: one line, exit 65 (66 when missing), the file untouched', async (t) => {
  const dir = tmpDir(t);
  const good = path.join(dir, 'good.vigil');
  goodRecording(good);
  const files: Record<string, [string, number, RegExp]> = {};
  const add = (name: string, make: (p: string) => void, code: number, why: RegExp): void => {
    const p = path.join(dir, name);
    make(p);
    files[name] = [p, code, why];
  };
  add('garbage.vigil', (p) => fs.writeFileSync(p, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256))), 65, /not a SQLite database/);
  add('empty.vigil', (p) => fs.writeFileSync(p, ''), 65, /empty/);
  add('short.vigil', (p) => fs.writeFileSync(p, 'SQLite format 3\0'), 65, /not a SQLite database/);
  add('truncated.vigil', (p) => {
    fs.copyFileSync(good, p);
    fs.truncateSync(p, Math.floor(fs.statSync(p).size / 2));
  }, 65, /truncated/);
  add('corrupted.vigil', (p) => {
    fs.copyFileSync(good, p);
    const buf = fs.readFileSync(p);
    // Overwrite every page past the schema with noise, keeping page headers' positions: b-tree pages break.
    for (let off = 8 * 4096; off < buf.length; off += 4096) for (let i = 0; i < 200; i++) buf[off + i] = (i * 97 + off) & 0xff;
    fs.writeFileSync(p, buf);
  }, 65, /damaged|malformed|not a readable/);
  add('future.vigil', (p) => {
    fs.copyFileSync(good, p);
    const db = new Database(p);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
  }, 65, /newer vigil/);
  add('foreign.sqlite', (p) => {
    const db = new Database(p);
    db.exec('CREATE TABLE x(a)');
    db.close();
  }, 65, /not a vigil recording/);
  for (const [name, [p, code, why]] of Object.entries(files)) {
    const before = sha(p);
    // The first file through the spawned bin, the others in-process (the same run(), output captured).
    const cli = name === 'garbage.vigil' ? async (args: string[]) => vigilSync(args) : vigilIn;
    const r = await cli(['export', p, '--table', 'system', '--format', 'csv']);
    t.equal(r.code, code, `${name}: exit ${code}`);
    t.ok(oneLine(r.stderr), `${name}: one line: ${r.stderr}`);
    t.match(r.stderr, why, name);
    t.equal(sha(p), before, `${name}: untouched`);
    t.same(sidecars(p), [], `${name}: nothing created beside it`);
    const rp = await cli(['replay', p]);
    t.equal(rp.code, code, `replay ${name}: exit ${code}`);
    t.ok(oneLine(rp.stderr), `replay ${name}: one line: ${rp.stderr}`);
    t.equal(sha(p), before, `replay ${name}: untouched`);
  }
  const missing = path.join(dir, 'missing.vigil');
  const r = vigilSync(['export', missing, '--table', 'system', '--format', 'json']);
  t.equal(r.code, 66);
  t.ok(oneLine(r.stderr), r.stderr);
  t.notOk(fs.existsSync(missing), 'no file is created for a mistyped path');
  t.match(thrown(() => Recording.open(missing)), { exitCode: 66 });
  t.notOk(fs.existsSync(missing));
});

t.test('a crash leftover replays, from a read-only place too', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'crash.vigil');
  const child = vigilBg(['record', file]);
  // Killed once five samples are committed (a fixed sleep gave fewer on a busy machine).
  await until(() => committedSamples(file) >= 5, 30_000, 'five committed samples');
  child.kill('SIGKILL');
  await child.done;
  t.ok(fs.existsSync(`${file}-wal`), 'a WAL is left beside it');
  const r = vigilSync(['export', file, '--table', 'memory', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  t.ok(r.stdout.trim().split('\n').length >= 5, 'rows from the leftover');
  if (!canUnshareMount()) {
    t.comment('skipping the read-only part: unshare -Urm is not permitted here');
    return;
  }
  // Another leftover, read through a read-only bind mount: SQLite cannot open a WAL there, so vigil copies it aside.
  const ro = path.join(dir, 'ro');
  fs.mkdirSync(ro);
  const f2 = path.join(ro, 'crash.vigil');
  const c2 = vigilBg(['record', f2]);
  // Six committed samples: five rows to export (a fixed sleep gave fewer on a busy machine, and waited longer on an idle one).
  await until(() => committedSamples(f2) >= 6, 30_000, 'six committed samples');
  c2.kill('SIGKILL');
  await c2.done;
  fs.rmSync(`${f2}-shm`, { force: true }); // as if copied from another machine: no -shm
  const before = sha(f2);
  const out = inMountNs(`mount --bind ${ro} ${ro}; mount -o remount,bind,ro ${ro}; ${process.execPath} ${CLI} export ${f2} --table system --format csv`);
  t.equal(out.code, 0, out.stderr);
  t.ok(out.stdout.trim().split('\n').length >= 5, 'rows from the read-only leftover');
  t.equal(sha(f2), before, 'untouched');
});

t.test('a newer schema version: one line naming both versions; 65 to read, 73 to append; untouched', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'future.vigil');
  goodRecording(p, 30);
  const db = new Database(p);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  const before = sha(p);
  const want = `vigil: ${p}: recorded by a newer vigil (schema version ${SCHEMA_VERSION + 1}; this vigil reads up to ${SCHEMA_VERSION})\n`;
  for (const args of [['export', p, '--table', 'procs'], ['replay', p], ['alerts', p]]) {
    const r = await vigilIn(args);
    t.equal(r.code, 65, `${args[0]}: exit 65`);
    t.equal(r.stderr, want, `${args[0]}: the message`);
  }
  const r = vigilSync(['record', p, '--duration', '1s']);
  t.equal(r.code, 73, 'record: exit 73');
  t.equal(r.stderr, `vigil: refusing to append to ${p}: it was recorded by a newer vigil (schema version ${SCHEMA_VERSION + 1}; this vigil writes version ${SCHEMA_VERSION})\n`);
  t.equal(sha(p), before, 'untouched');
  t.same(sidecars(p), [], 'nothing created beside it');
});
