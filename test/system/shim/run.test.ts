/**
 * vigil run, headless: the environment it prepares, exit codes, signal forwarding, and counters read from
 * a command it started.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { exitCodeFrom, forwardedSignals, preloadable, preloadPath, runCommand, runEnv, startRun } from '../../../src/commands/run';
import { counterToNumber } from '../../../src/model/counter';
import { VigilError } from '../../../src/infra/errors';
import { ownShimDirs, runShimDir } from '../../../src/sampler/shim/dirs';
import { packageRoot, shimLibraryPath } from '../../../src/sampler/shim/library';
import { ShimReader } from '../../../src/sampler/shim/reader';
import { buildAll, tmpDir } from '../../helpers/shim';

const built = buildAll();

t.test('the environment: shim appended to LD_PRELOAD, a vigil shim already there replaced, the directory set', async (t) => {
  t.same(runEnv({ A: '1' }, '/opt/v/vigil-preload.so', '/d'), { A: '1', VIGIL_SHIM_DIR: '/d', LD_PRELOAD: '/opt/v/vigil-preload.so' });
  t.equal(runEnv({ LD_PRELOAD: '/lib/other.so' }, '/opt/v/vigil-preload.so', '/d').LD_PRELOAD, '/lib/other.so:/opt/v/vigil-preload.so', 'appended after what was there');
  t.equal(runEnv({ LD_PRELOAD: ' /a.so  /b.so:/c.so ' }, '/s/vigil-preload.so', '/d').LD_PRELOAD, '/a.so:/b.so:/c.so:/s/vigil-preload.so', 'spaces and colons both separate');
  t.equal(
    runEnv({ LD_PRELOAD: '/x/vigil-preload.so:/lib/other.so' }, '/y/vigil-preload-alloc.so', '/d').LD_PRELOAD,
    '/lib/other.so:/y/vigil-preload-alloc.so',
    'vigil run inside vigil run: one shim, the one asked for',
  );
  t.same(runEnv({ LD_PRELOAD: '/lib/other.so' }, null, '/d'), { LD_PRELOAD: '/lib/other.so', VIGIL_SHIM_DIR: '/d' }, 'no shim: LD_PRELOAD untouched');
  t.ok(preloadable('/opt/vigil/native/build/vigil-preload.so'));
  t.notOk(preloadable('/opt/my vigil/vigil-preload.so'), 'a space cannot be escaped in LD_PRELOAD');
  t.notOk(preloadable('/opt/a:b/vigil-preload.so'));
  t.notOk(preloadable('relative/vigil-preload.so'));
});

t.test('the shim directory agrees with the reader and the shim', async (t) => {
  t.same(ownShimDirs({ VIGIL_SHIM_DIR: '/x/y' }, 1000), [{ path: '/x/y', uid: 1000 }]);
  t.same(ownShimDirs({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000), [
    { path: '/run/user/1000/vigil', uid: 1000 },
    { path: '/dev/shm/vigil-1000', uid: 1000 },
  ]);
  t.same(ownShimDirs({ XDG_RUNTIME_DIR: 'relative' }, 7), [{ path: '/dev/shm/vigil-7', uid: 7 }], 'a relative XDG_RUNTIME_DIR is ignored, as the shim does');
  t.equal(runShimDir({}, 3), '/dev/shm/vigil-3');
  t.equal(runShimDir({ VIGIL_SHIM_DIR: 'rel/dir' }, 3), path.resolve('rel/dir'), 'a relative VIGIL_SHIM_DIR is resolved: the shim takes only absolute paths');
});

t.test('where the built shim is', async (t) => {
  const root = tmpDir('pkg');
  fs.mkdirSync(path.join(root, 'native', 'build'), { recursive: true });
  fs.writeFileSync(path.join(root, 'native', 'preload.c'), '');
  t.equal(shimLibraryPath(false, root), null, 'not built: null');
  fs.writeFileSync(path.join(root, 'native', 'build', 'vigil-preload.so'), '');
  t.equal(shimLibraryPath(false, root), path.join(root, 'native', 'build', 'vigil-preload.so'));
  t.equal(shimLibraryPath(true, root), null, 'the --alloc variant is a separate file');
  t.equal(packageRoot(path.join(root, 'dist', 'src', 'sampler', 'shim')), root, 'found from dist/ as from src/');
  const installed = shimLibraryPath(false);
  if (installed) t.equal(preloadPath(false), installed, '--print-preload prints the absolute path');
  else t.throws(() => preloadPath(false), VigilError, 'not built: a one-line error');
});

t.test('exit codes: the command’s own, or 128 + N for signal N', async (t) => {
  const opts = { shimPath: built.shim, shimDir: tmpDir('rc'), stdio: 'ignore' as const, forward: [] };
  t.equal(await runCommand(['sh', '-c', 'exit 0'], opts), 0);
  t.equal(await runCommand(['sh', '-c', 'exit 3'], opts), 3);
  t.equal(await runCommand(['sh', '-c', 'kill -TERM $$'], opts), 143);
  t.equal(await runCommand(['sh', '-c', 'kill -KILL $$'], opts), 137);
  t.equal(exitCodeFrom(null, 'SIGINT'), 130);
  await t.rejects(runCommand(['/nonexistent/command'], opts), { exitCode: 127, message: /command not found/ });
  const notExec = path.join(tmpDir('noexec'), 'script');
  fs.writeFileSync(notExec, '#!/bin/sh\n', { mode: 0o644 });
  t.match(await runCommand([notExec], opts).catch((e: unknown) => e), { exitCode: 126 });
  t.match(await runCommand([], opts).catch((e: unknown) => e), { exitCode: 2 });
});

t.test('the command sees the shim and the directory', async (t) => {
  const out = path.join(tmpDir('env'), 'env.txt');
  const dir = tmpDir('envdir');
  const code = await runCommand(['sh', '-c', `printf '%s|%s' "$LD_PRELOAD" "$VIGIL_SHIM_DIR" > ${out}`], {
    shimPath: built.shim,
    shimDir: dir,
    env: { ...process.env, LD_PRELOAD: built.shimAlloc.replace('vigil-preload-alloc.so', 'libnothing.so') },
    stdio: 'ignore',
    forward: [],
  });
  t.equal(code, 0);
  // ld.so warns about the missing library on stderr; what matters is the order and the directory.
  t.equal(fs.readFileSync(out, 'utf8'), `${built.shimAlloc.replace('vigil-preload-alloc.so', 'libnothing.so')}:${built.shim}|${dir}`);
});

t.test('signals are passed on (SIGINT only without a terminal, where Ctrl-C reaches CMD itself)', async (t) => {
  t.same(forwardedSignals(true), ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']);
  t.same(forwardedSignals(false), ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGINT', 'SIGQUIT']);
  for (const [sig, code] of [
    ['SIGTERM', 7],
    ['SIGINT', 8],
    ['SIGHUP', 9],
  ] as const) {
    const script = `trap 'exit ${code}' ${sig.slice(3)}; echo ready; while :; do sleep 0.05; done`;
    const harness = spawn(process.execPath, [...process.execArgv, require.resolve('./run-harness'), built.shim, tmpDir('sig'), '--', 'sh', '-c', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((res) => harness.stdout.once('data', () => res()));
    harness.kill(sig);
    const rc = await new Promise<number | null>((res) => harness.once('exit', (code) => res(code)));
    t.equal(rc, code, `${sig} reached the command, and vigil exited with its code`);
  }
});

t.test('headless: counters of a command started by startRun, read with the reader', async (t) => {
  const dir = tmpDir('headless');
  const h = await startRun([built.netprog, 'threads', '2', '100'], { shimPath: built.shim, shimDir: dir, stdio: ['pipe', 'ignore', 'ignore'], forward: [] });
  t.equal(h.shimPath, built.shim);
  const reader = new ShimReader({ dirs: [{ path: dir, uid: process.geteuid!() }] });
  let sendto = 0;
  // By deadline, not a count of tries: 150 tries of 20 ms (3 s) were not enough once in CI.
  const end = Date.now() + 30_000;
  while (Date.now() < end && sendto < 200) {
    const s = reader.read().procs.find((p) => p.pid === h.pid);
    sendto = s ? counterToNumber(s.io.udp.sendto.calls) : 0;
    if (sendto < 200) await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(sendto, 200, "the command's UDP sends, counted under its pid");
  h.child.stdin!.end();
  t.equal(await h.exited, 0);
  reader.read();
  t.same(fs.readdirSync(dir), [], 'its file is collected after it exits');
  reader.close();
});
