import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { canUnshareMount, CLI, inMountNs, sha, sidecars, until, vigilSync, vigilBg } from '../../helpers/cli';
import { tmpDir } from '../../helpers/tmp';
import { thrown } from '../../helpers/errors';

const oneLine = (s: string): boolean => s.endsWith('\n') && s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);
const mountNs = canUnshareMount();

t.test('a missing directory: exit 73 before any sample, nothing created', async (t) => {
  const dir = tmpDir(t);
  const r = vigilSync(['record', path.join(dir, 'no/such/dir/x.vigil'), '--duration', '1s']);
  t.equal(r.code, 73);
  t.ok(oneLine(r.stderr), r.stderr);
  t.match(r.stderr, /does not exist/);
});

t.test('a read-only directory: exit 73 before any sample', { skip: mountNs ? false : 'unshare -Urm is not permitted here' }, async (t) => {
  const dir = tmpDir(t);
  const ro = path.join(dir, 'ro');
  fs.mkdirSync(ro);
  const r = inMountNs(`mount --bind ${ro} ${ro}; mount -o remount,bind,ro ${ro}; ${process.execPath} ${CLI} record ${ro}/x.vigil --duration 1s 2>&1 && echo rc=0 || echo rc=$?`);
  t.match(r.stdout, /rc=73/, r.stdout + r.stderr);
  t.match(r.stdout, /read-only/);
  t.same(fs.readdirSync(ro), [], 'nothing was created');
});

// One first recorder, and a second one tried through every name of its file in turn: the same path, a
// symlink, a hard link and a relative path (issue 17).
t.test('a second recorder on the same file, by any name, is refused with exit 75, naming the first', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'one.vigil');
  const first = vigilBg(['record', file]);
  t.teardown(() => void first.kill('SIGKILL'));
  await until(() => fs.existsSync(`${file}-wal`), 20_000, 'the first recorder');
  const alias = path.join(dir, 'alias.vigil');
  fs.symlinkSync(file, alias);
  const twin = path.join(dir, 'twin.vigil');
  fs.linkSync(file, twin);
  fs.mkdirSync(path.join(dir, 'sub'));
  for (const [how, other, cwd] of [
    ['the same path', file, undefined],
    ['a symlink', alias, undefined],
    ['a hard link', twin, undefined],
    ['a relative path', '../one.vigil', path.join(dir, 'sub')],
  ] as const) {
    const second = vigilSync(['record', other, '--duration', '1s'], cwd === undefined ? {} : { cwd });
    t.equal(second.code, 75, `${how}: ${second.stderr}`);
    t.ok(oneLine(second.stderr), second.stderr);
    t.match(second.stderr, new RegExp(`pid ${first.pid}\\b`), `${how}: names the first recorder`);
  }
  first.kill('SIGTERM');
  t.equal((await first.done).code, 0, 'the first one is undisturbed and ends cleanly');
  const db = new Database(file, { readonly: true });
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  t.equal((db.prepare('SELECT count(*) AS n FROM session').get() as { n: number }).n, 1, 'the second never wrote: no second session row');
  db.close();
  t.same([file, alias, twin].flatMap(sidecars), [], 'no -wal, -shm or lock file left');
});

t.test('a FIFO or a directory at FILE: exit 73, not a hang', async (t) => {
  const dir = tmpDir(t);
  const fifo = path.join(dir, 'pipe.vigil');
  require('child_process').execFileSync('mkfifo', [fifo]);
  for (const target of [fifo, dir]) {
    const r = vigilSync(['record', target, '--duration', '1s']);
    t.equal(r.code, 73, r.stderr);
    t.ok(oneLine(r.stderr), r.stderr);
  }
});

t.test('an existing file is appended to only if it is a vigil recording of this host and schema', async (t) => {
  const dir = tmpDir(t);
  const garbage = path.join(dir, 'garbage.vigil');
  fs.writeFileSync(garbage, Buffer.from('this is somebody else\'s file, not a database\n'.repeat(50)));
  const other = path.join(dir, 'other.sqlite');
  const o = new Database(other);
  o.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
  o.close();
  // A vigil recording of another host, and one with another schema version.
  const foreign = path.join(dir, 'foreign.vigil');
  const w = RecordingWriter.open(foreign, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ procs: 3 });
  for (let i = 0; i < 5; i++) w.add(src.next());
  w.close();
  const future = path.join(dir, 'future.vigil');
  fs.copyFileSync(foreign, future);
  const f = new Database(future);
  f.prepare("UPDATE meta SET value = ? WHERE key = 'host'").run(require('os').hostname());
  f.pragma('user_version = 99');
  f.close();
  for (const [file, why] of [[garbage, /not a SQLite database/], [other, /not a vigil recording/], [foreign, /recorded on host 'synth'/], [future, /schema version 99/]] as const) {
    const before = sha(file);
    const r = vigilSync(['record', file, '--duration', '1s']);
    t.equal(r.code, 73, path.basename(file));
    t.ok(oneLine(r.stderr), r.stderr);
    t.match(r.stderr, why);
    t.equal(sha(file), before, 'left untouched');
    t.same(sidecars(file), [], 'no lock or journal left beside it');
  }
});

t.test('disk full: one clear line, exit 74, a valid file', async (t) => {
  const dir = tmpDir(t);
  if (mountNs) {
    // A small tmpfs: room to create the file and record a few seconds, then ENOSPC. 640 KiB, plus 1 KiB per
    // process beyond 200: the first second's keyframe lists every process, and at 2,600 processes it did not
    // fit, so the disk was full before any sample was committed.
    const processes = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
    const kib = 640 + Math.max(0, processes - 200);
    const mnt = path.join(dir, 'mnt');
    const out = path.join(dir, 'out');
    fs.mkdirSync(mnt);
    fs.mkdirSync(out);
    const r = inMountNs(
      `mount -t tmpfs -o size=${kib}k tmpfs ${mnt}; rc=0; ${process.execPath} ${CLI} record ${mnt}/full.vigil --duration 60s 2>${out}/stderr || rc=$?; ` +
        `echo $rc >${out}/rc; cp ${mnt}/full.vigil* ${out}/`,
      90_000,
    );
    t.equal(r.code, 0, r.stderr);
    t.equal(fs.readFileSync(path.join(out, 'rc'), 'utf8').trim(), '74');
    const stderr = fs.readFileSync(path.join(out, 'stderr'), 'utf8');
    t.ok(oneLine(stderr), stderr);
    t.match(stderr, /disk full/);
    const db = new Database(path.join(out, 'full.vigil'));
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'the file is valid');
    t.ok((db.prepare('SELECT count(*) AS n FROM sample').get() as { n: number }).n > 0, 'with the samples written before');
    db.close();
  }
  // Also through SQLite's own limit, where no mount is possible: the writer stops with exit 74, no retry.
  const file = path.join(dir, 'limit.vigil');
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't', maxPageCount: 60 });
  const src = new SynthSource({ procs: 50, busyProcs: 50 });
  let err: unknown = null;
  try {
    for (let i = 0; i < 100_000; i++) w.add(src.next());
  } catch (e) {
    err = e;
  }
  t.match(err, { exitCode: 74, message: /disk full/ });
  t.match(thrown(() => w.add(src.next())), { exitCode: 74 }, 'no retry: the writer stays stopped');
  w.abort();
  const db = new Database(file);
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});
