import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { ROOT, tmpDir } from '../../helpers/shim';

const script = path.join(ROOT, 'native', 'build.js');

t.test('without a C compiler the install step succeeds, says so once, and builds nothing', async (t) => {
  const out = tmpDir('nocc');
  const env = { PATH: tmpDir('emptypath') }; // no cc, gcc or clang anywhere
  const r = spawnSync(process.execPath, [script, '--out', out], { env, encoding: 'utf8' });
  t.equal(r.status, 0, 'npm install is not failed by a missing compiler');
  t.match(r.stderr, /shim was not built: no C compiler found/);
  t.match(r.stderr, /n\/a/);
  t.same(fs.readdirSync(out), []);
});

t.test('a compiler that fails: install still succeeds, with the reason, and no half-written library', async (t) => {
  const out = tmpDir('badcc');
  const bin = tmpDir('badbin');
  const cc = path.join(bin, 'cc');
  fs.writeFileSync(cc, '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho "cc: internal error" >&2\nexit 1\n', { mode: 0o755 });
  const r = spawnSync(process.execPath, [script, '--out', out, '--cc', cc], { encoding: 'utf8' });
  t.equal(r.status, 0);
  t.match(r.stderr, /cc: internal error/);
  t.same(fs.readdirSync(out), [], 'no library, not even a temporary one');
});

t.test('with the compiler: both variants, as shared objects exporting the hooks', async (t) => {
  const out = tmpDir('cc');
  const r = spawnSync(process.execPath, [script, '--out', out], { encoding: 'utf8' });
  t.equal(r.status, 0);
  t.equal(r.stderr, '', 'no compiler warning (-Wall -Wextra)');
  // Both shim variants, and the native sampler core built beside them.
  t.same(fs.readdirSync(out).sort(), ['vigil-preload-alloc.so', 'vigil-preload.so', 'vigil-sampler.node']);
  const syms = (f: string) => spawnSync('nm', ['-D', '--defined-only', path.join(out, f)], { encoding: 'utf8' }).stdout;
  t.match(syms('vigil-preload.so'), /\bT sendmmsg\b/);
  t.notMatch(syms('vigil-preload.so'), /\bT malloc\b/, 'the default shim leaves malloc alone');
  t.match(syms('vigil-preload-alloc.so'), /\bT malloc\b/);
  t.notMatch(syms('vigil-preload.so'), /\bT (attach|classify|count_io)\b/, 'internals are hidden');
});
