/**
 * What must not happen: a traced program that notices the shim (a full or unwritable /dev/shm, a
 * directory someone else prepared), or a reader that believes a file it should not.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import t, { Test } from 'tap';
import { counterToNumber } from '../../../src/model/counter';
import { C, HDR, ioBytes, NCOUNTERS, shmFileName, SHM_SIZE } from '../../../src/sampler/shim/layout';
import { ShimReader } from '../../../src/sampler/shim/reader';
import type { ShimProcSample } from '../../../src/model/shim';
import { buildAll, makeShimFile, Prog, shimEnv, startTimeOf, tmpDir } from '../../helpers/shim';

const built = buildAll();
const uid = process.geteuid!();
const isRoot = uid === 0;
const NOBODY = 65534;

/** Runs netprog's "simple" mode under the shim with VIGIL_SHIM_DIR=dir: it must behave as without it. */
function runSimple(t: Test, dir: string, label: string): void {
  const r = spawnSync(built.netprog, ['simple'], { env: shimEnv(built.shim, dir), encoding: 'utf8' });
  t.same({ status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }, { status: 0, signal: null, stdout: 'OK\n', stderr: '' }, `${label}: the program runs normally`);
}


const canUnshare = spawnSync('unshare', ['-Urm', 'true']).status === 0;

t.test('a full or read-only shm filesystem: the program runs normally, no file is left', { skip: canUnshare ? false : 'unshare -Urm is not permitted here (the unwritable-directory case below still runs)' }, async (t) => {
  const mnt = tmpDir('mnt');
  // Inside a private mount namespace: a one-page tmpfs (the 8 KiB file cannot be reserved: posix_fallocate
  // fails, where a sparse file would have SIGBUSed the program later), then the same read-only.
  const script = `
    set -e
    mount -t tmpfs -o size=4k,mode=0755 tmpfs "$1"
    mkdir -m 700 "$1/vigil"
    VIGIL_SHIM_DIR="$1/vigil" LD_PRELOAD="$2" "$3" simple
    echo "full: $(ls -A "$1/vigil" | wc -l) files"
    mount -o remount,ro "$1"
    VIGIL_SHIM_DIR="$1/vigil" LD_PRELOAD="$2" "$3" simple
    echo "ro: $(ls -A "$1/vigil" | wc -l) files"
    mount -o remount,rw,size=1m "$1"
    VIGIL_SHIM_DIR="$1/vigil" LD_PRELOAD="$2" "$3" pause-exec </dev/null >/dev/null & sleep 0.3
    echo "roomy: $(ls -A "$1/vigil" | wc -l) files"
    wait
  `;
  const r = spawnSync('unshare', ['-Urm', 'sh', '-c', script, 'sh', mnt, built.shim, built.netprog], { encoding: 'utf8' });
  t.equal(r.stderr, '', 'nothing on stderr (no SIGBUS, no message from the shim)');
  t.equal(r.status, 0);
  t.equal(r.stdout, 'OK\nfull: 0 files\nOK\nro: 0 files\nroomy: 1 files\n', 'ran normally twice without a file; with room, the file appears (the setup is sound)');
});

t.test('an unusable directory (a path under a regular file): the program runs normally', async (t) => {
  const base = tmpDir('unusable');
  const file = path.join(base, 'plain-file');
  fs.writeFileSync(file, 'x');
  runSimple(t, path.join(file, 'vigil'), 'ENOTDIR');
  runSimple(t, '/proc/vigil-cannot-exist', 'a directory that cannot be created');
});

t.test('a planted symlink directory, a foreign-owned or group-accessible directory: refused', async (t) => {
  const base = tmpDir('refuse');
  const real = path.join(base, 'real');
  fs.mkdirSync(real, { mode: 0o700 });
  const link = path.join(base, 'link');
  fs.symlinkSync(real, link);
  runSimple(t, link, 'symlinked directory');
  t.same(fs.readdirSync(real), [], 'nothing written through the symlink');

  const open = path.join(base, 'group');
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o770);
  runSimple(t, open, 'group-accessible directory');
  t.same(fs.readdirSync(open), [], 'nothing written into a directory others can read');

  if (isRoot) {
    const foreign = path.join(base, 'foreign');
    fs.mkdirSync(foreign, { mode: 0o700 });
    fs.chownSync(foreign, NOBODY, NOBODY);
    runSimple(t, foreign, 'foreign-owned directory');
    t.same(fs.readdirSync(foreign), [], "nothing written into another user's directory");
  } else {
    t.skip('foreign-owned directory: needs root to chown (the reader-side check below covers it)', () => undefined);
  }

  // The reader refuses the same directories, even when they hold a perfectly valid file.
  const me = { pid: process.pid, start: startTimeOf(process.pid) };
  fs.writeFileSync(path.join(real, shmFileName(me.pid, me.start)), makeShimFile(me), { mode: 0o600 });
  const warnings: string[] = [];
  const read = (p: string, u = uid) => new ShimReader({ dirs: [{ path: p, uid: u }], gc: false, warn: (m) => warnings.push(m) }).read().procs;
  t.equal(read(real).length, 1, 'control: the real directory is read');
  t.same(read(link), [], 'a symlinked directory is not followed');
  t.match(warnings.at(-1), /is a symbolic link/);
  t.same(read(real, NOBODY), [], 'a directory not owned by the user it is read for is refused');
  t.match(warnings.at(-1), /owned by uid/);
  fs.chmodSync(real, 0o750);
  t.same(read(real), [], 'a directory with group bits is refused');
  t.match(warnings.at(-1), /group\/other permissions/);
});

t.test('a file planted where an exec would reuse its file: refused, the target untouched', async (t) => {
  for (const plant of ['symlink', 'foreign-owned file'] as const) {
    if (plant === 'foreign-owned file' && !isRoot) {
      t.skip('foreign-owned file: needs root to chown', () => undefined);
      continue;
    }
    const dir = tmpDir('plant');
    const victim = path.join(tmpDir('victim'), 'victim');
    const victimData = makeShimFile({ pid: 1, start: 1 }); // valid-looking, to tempt a careless writer
    fs.writeFileSync(victim, victimData, { mode: 0o600 });
    const prog = new Prog(built.netprog, ['pause-exec'], shimEnv(built.shim, dir));
    await prog.waitLines(/^READY$/, 1);
    const pid = prog.child.pid!;
    const file = path.join(dir, shmFileName(pid, startTimeOf(pid)));
    t.ok(fs.existsSync(file), 'the process has its file');
    fs.unlinkSync(file);
    const planted = makeShimFile({ pid, start: startTimeOf(pid) });
    if (plant === 'symlink') {
      fs.symlinkSync(victim, file);
    } else {
      fs.writeFileSync(file, planted, { mode: 0o600 });
      fs.chownSync(file, NOBODY, NOBODY);
    }
    const warnings: string[] = [];
    const reader = new ShimReader({ dirs: [{ path: dir, uid }], gc: false, warn: (m) => warnings.push(m) });
    t.same(reader.read().procs, [], `${plant}: the reader ignores it`);
    t.equal(warnings.length, 1, `${plant}: with one warning`);
    prog.send('\n'); // exec: same pid, same start time, same file name
    const exit = await prog.finish();
    t.same({ ...exit, out: prog.lines.at(-1), err: prog.stderr }, { code: 0, signal: null, out: 'OK', err: '' }, `${plant}: the exec'd program runs normally`);
    t.same(fs.readFileSync(victim), victimData, `${plant}: the target is untouched`);
    if (plant === 'foreign-owned file') t.same(fs.readFileSync(file), planted, 'the planted file is untouched (not reused)');
    reader.close();
  }
});

/** A fake /proc: fixture pids whose start time and owner the test chooses. */
function fakeProc(): { root: string; add: (pid: number, start: number, owner?: number) => void; kill: (pid: number) => void } {
  const root = tmpDir('proc');
  const template = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = template.slice(template.lastIndexOf(')') + 2).trim().split(' ');
  return {
    root,
    add(pid, start, owner = uid) {
      fs.mkdirSync(path.join(root, String(pid)), { recursive: true });
      const f = [...fields];
      f[19] = String(start);
      const file = path.join(root, String(pid), 'stat');
      fs.writeFileSync(file, `${pid} (fake) ${f.join(' ')}\n`);
      if (owner !== uid) fs.chownSync(file, owner, owner);
    },
    kill(pid) {
      // Emptied first: the reader's kept fd still reads an unlinked file (real /proc gives ESRCH instead).
      fs.writeFileSync(path.join(root, String(pid), 'stat'), '');
      fs.rmSync(path.join(root, String(pid)), { recursive: true });
    },
  };
}

t.test('bogus counter files: ignored with one warning each, never a crash', async (t) => {
  const proc = fakeProc();
  const dir = tmpDir('bogus');
  const write = (pid: number, start: number, data: Buffer, mode = 0o600): string => {
    const f = path.join(dir, shmFileName(pid, start));
    fs.writeFileSync(f, data, { mode });
    return f;
  };
  let pid = 1000;
  const cases: { label: string; pid: number; expectWarning: RegExp | null }[] = [];
  const add = (label: string, expectWarning: RegExp | null, make: (pid: number, start: number) => void, owner?: number) => {
    pid++;
    proc.add(pid, 5000 + pid, owner);
    make(pid, 5000 + pid);
    cases.push({ label, pid, expectWarning });
  };
  const valid = (p: number, s: number, extra: Parameters<typeof makeShimFile>[0] extends infer O ? Partial<O> : never = {}) =>
    makeShimFile({ pid: p, start: s, counters: { [ioBytes(0, 0)]: 1234 }, ...extra });

  add('valid', null, (p, s) => write(p, s, valid(p, s)));
  add('counters above 2^53', null, (p, s) => write(p, s, valid(p, s, { counters: { [ioBytes(0, 0)]: 2n ** 60n + 1n } })));
  add('wrong magic', /bad magic/, (p, s) => {
    const b = valid(p, s);
    b.write('NOTVIGIL', 0);
    write(p, s, b);
  });
  add('short', /size 4096/, (p, s) => write(p, s, valid(p, s).subarray(0, 4096)));
  add('long', /size 8193/, (p, s) => write(p, s, Buffer.concat([valid(p, s), Buffer.from([0])])));
  add('wrong version', /layout version 99/, (p, s) => {
    const b = valid(p, s);
    b.writeUInt32LE(99, HDR.version);
    write(p, s, b);
  });
  add('wrong counter count', /table sizes/, (p, s) => {
    const b = valid(p, s);
    b.writeUInt32LE(NCOUNTERS + 1, HDR.ncounters);
    write(p, s, b);
  });
  add('pid inside differs from the name', /pid \d+ does not match/, (p, s) => write(p, s, valid(p + 1, s)));
  add('start time inside differs', /start time/, (p, s) => write(p, s, valid(p, s + 1)));
  add('a destination with a bad family', /family 7/, (p, s) => write(p, s, valid(p, s, { dests: [{ family: 7 as 2, addr: [1, 2, 3, 4], port: 80 }] })));
  add('exec_pending of 7', /exec_pending/, (p, s) => {
    const b = valid(p, s);
    b.writeUInt32LE(7, HDR.exec_pending);
    write(p, s, b);
  });
  add('group-readable file is fine if owned right', null, (p, s) => write(p, s, valid(p, s), 0o640));
  add('hard link', /2 links/, (p, s) => {
    const f = write(p, s, valid(p, s));
    fs.linkSync(f, path.join(tmpDir('hardlink'), 'other'));
  });
  add('a FIFO with a shim name (no hang)', /not a regular file/, (p, s) => spawnSync('mkfifo', [path.join(dir, shmFileName(p, s))]));
  add('a symlink with a shim name', /symbolic link/, (p, s) => {
    const target = path.join(tmpDir('target'), 'valid');
    fs.writeFileSync(target, valid(p, s));
    fs.symlinkSync(target, path.join(dir, shmFileName(p, s)));
  });
  if (isRoot) {
    add('file owned by another user', /owned by uid 65534/, (p, s) => fs.chownSync(write(p, s, valid(p, s)), NOBODY, NOBODY));
    add("process owned by another user", /belongs to uid 65534/, (p, s) => write(p, s, valid(p, s)), NOBODY);
  }
  add('all zero for longer than a creator needs', /no header yet/, (p, s) => write(p, s, Buffer.alloc(SHM_SIZE)));
  // Names that are not the shim's are not looked at at all.
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  fs.writeFileSync(path.join(dir, '123.shm'), 'x');
  fs.writeFileSync(path.join(dir, '0-1.shm'), 'x');

  const warnings: string[] = [];
  const reader = new ShimReader({ dirs: [{ path: dir, uid }], procRoot: proc.root, warn: (m) => warnings.push(m) });
  const ok = new Set(cases.filter((c) => c.expectWarning === null).map((c) => c.pid));
  const t0 = process.hrtime.bigint();
  const first = reader.read(t0);
  t.same(first.procs.map((p) => p.pid).sort(), [...ok].sort(), 'only the valid files are read');
  const big = first.procs.find((p) => p.pid === cases[1].pid)!;
  t.equal(big.io.tcp.send.bytes, 2n ** 60n + 1n, 'a counter above 2^53 is exact (bigint)');
  // Reading again (and past the grace period for a half-created file) warns no more than once per file.
  reader.read(t0 + 100_000_000n);
  reader.read(t0 + 3_000_000_000n);
  for (const c of cases) {
    const mine = warnings.filter((w) => w.includes(`${shmFileName(c.pid, 5000 + c.pid)}`));
    if (c.expectWarning === null) t.same(mine, [], `${c.label}: accepted`);
    else {
      t.equal(mine.length, 1, `${c.label}: one warning`);
      t.match(mine[0], c.expectWarning, `${c.label}: says why`);
    }
  }
  t.equal(warnings.filter((w) => /notes|123\.shm|0-1\.shm/.test(w)).length, 0, 'foreign names are not warned about');

  // Counters going down: accepted, then refused from the regression on.
  pid++;
  const p = pid;
  const s = 5000 + p;
  proc.add(p, s);
  write(p, s, valid(p, s, { counters: { [C.LAT_COUNT]: 10 } }));
  t.ok(reader.read().procs.some((x) => x.pid === p), 'first read accepted');
  write(p, s, valid(p, s, { counters: { [C.LAT_COUNT]: 9 } }));
  t.notOk(reader.read().procs.some((x) => x.pid === p), 'a counter that went down: ignored');
  write(p, s, valid(p, s, { counters: { [C.LAT_COUNT]: 11 } }));
  t.notOk(reader.read().procs.some((x) => x.pid === p), 'and stays ignored');
  t.equal(warnings.filter((w) => w.includes(shmFileName(p, s))).length, 1, 'one warning');
  t.match(warnings.at(-1), /went down/);

  // A pid namespace other than the reader's: skipped quietly, never removed (its pids are not ours to check).
  fs.mkdirSync(path.join(proc.root, 'self', 'ns'), { recursive: true });
  fs.writeFileSync(path.join(proc.root, 'self', 'ns', 'pid'), '');
  const nsDir = tmpDir('ns');
  const nsReader = new ShimReader({ dirs: [{ path: nsDir, uid }], procRoot: proc.root, warn: (m) => warnings.push(m) });
  pid++;
  proc.add(pid, 5000 + pid);
  const nsFile = path.join(nsDir, shmFileName(pid, 5000 + pid));
  fs.writeFileSync(nsFile, valid(pid, 5000 + pid, { pidns: 1 }), { mode: 0o600 });
  const before = warnings.length;
  t.notOk(nsReader.read().procs.some((x) => x.pid === pid), 'another namespace: skipped');
  t.equal(warnings.length, before, 'quietly');
  proc.kill(pid);
  nsReader.read();
  t.ok(fs.existsSync(nsFile), 'and not garbage-collected');

  // Garbage collection: a dead pid's file goes, so does one whose pid now names another process.
  proc.kill(cases[0].pid);
  proc.add(cases[1].pid, 1); // pid reused by a process with another start time
  const deadFile = path.join(dir, shmFileName(cases[0].pid, 5000 + cases[0].pid));
  const reusedFile = path.join(dir, shmFileName(cases[1].pid, 5000 + cases[1].pid));
  const last = reader.read();
  const final = last.procs.filter((x) => x.exited).map((x) => x.pid).sort();
  t.same(final, [cases[0].pid, cases[1].pid].sort(), 'their last counts are returned once, marked exited');
  t.notOk(fs.existsSync(deadFile), 'the dead process file is removed');
  t.notOk(fs.existsSync(reusedFile), 'the reused pid file is removed');
  t.ok(fs.existsSync(path.join(dir, 'notes.txt')), 'files that are not the shim’s are never removed');
  const stale = write(7777, 1, valid(7777, 1)); // never seen alive
  reader.read();
  t.notOk(fs.existsSync(stale), 'a file whose process is gone before it is first seen is removed too');
  reader.close();
  nsReader.close();
});

t.test('exec_pending that stays set means the new image runs without the shim', async (t) => {
  const proc = fakeProc();
  const dir = tmpDir('pending');
  proc.add(42, 4242);
  fs.writeFileSync(path.join(dir, shmFileName(42, 4242)), makeShimFile({ pid: 42, start: 4242, execPending: true }), { mode: 0o600 });
  const reader = new ShimReader({ dirs: [{ path: dir, uid }], procRoot: proc.root });
  const attached = (): boolean | undefined => reader.read().procs.find((p: ShimProcSample) => p.pid === 42)?.attached;
  t.equal(attached(), true, 'one read: may be an exec in progress');
  t.equal(attached(), false, 'two reads: n/a');
  const b = fs.readFileSync(path.join(dir, shmFileName(42, 4242)));
  b.writeUInt32LE(0, HDR.exec_pending);
  b.writeBigUInt64LE(2n, HDR.attaches);
  fs.writeFileSync(path.join(dir, shmFileName(42, 4242)), b);
  t.equal(attached(), true, 'the new image attached');
  t.equal(counterToNumber(reader.read().procs[0].attaches), 2);
  reader.close();
});

t.test('without vigil running, the shim itself removes files of processes that no longer exist', async (t) => {
  const dir = tmpDir('sweep');
  const deadPid = 4194303; // pid_max's last value: not in use on a machine this size
  t.equal(fs.existsSync(`/proc/${deadPid}`), false, 'the "dead" pid really does not exist');
  const keep = [shmFileName(process.pid, 5), shmFileName(1, 1), 'notes.txt', `${deadPid}-1.shm.bak`];
  for (const f of [...keep, shmFileName(deadPid, 1), shmFileName(deadPid, 2)]) fs.writeFileSync(path.join(dir, f), 'x');
  // VIGIL_SHIM_SWEEP=1 sweeps on every attach; by default 1 attach in 64 does.
  const r = spawnSync('/bin/true', [], { env: shimEnv(built.shim, dir, { VIGIL_SHIM_SWEEP: '1' }) });
  t.equal(r.status, 0);
  const left = fs.readdirSync(dir);
  t.same(left.filter((f) => f.startsWith(`${deadPid}-`) && f.endsWith('.shm')), [], 'dead pids: removed');
  for (const f of keep) t.ok(left.includes(f), `kept: ${f}`);
  t.equal(left.length, keep.length + 1, "and /bin/true's own file");
});
