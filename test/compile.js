#!/usr/bin/env node
'use strict';
/**
 * Compiles the tests once, for `npm test` and `npm run test:unit` (tap then runs dist/test/**\/*.test.js:
 * nothing is transpiled per test file):
 *   1. tsc compiles test/ with src/ and bench/ (test/tsconfig.json; source maps on, so coverage and stack
 *      traces point into the .ts files);
 *   2. every other file under test/ (fixtures, C sources, plain .js helpers) is copied to the same place
 *      under dist/test/, so a path a test builds from __dirname finds the file there too. Copies, not
 *      links: a test that copies a fixture tree and edits its copy must not write through a link into
 *      test/fixtures/;
 *   3. whatever in dist/test/ no longer has a source under test/ (a test removed or moved) is deleted, so
 *      it cannot run from a stale .js.
 * dist/test/ is updated in place, not emptied first: in a checkout shared by several people, one run's
 * build must not pull the files from under another run.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const out = path.join(__dirname, '..', 'dist', 'test');
const OWN = new Set(['tsconfig.json', 'compile.js', 'run.js', 'coverage-map.js']);

// Incremental: an unchanged tree is checked in seconds (the build info sits beside the output, so that
// removing dist/ starts afresh). dist/src is emitted here too, the same files `npm run build` writes.
const info = path.join(out, '..', '.test.tsbuildinfo');
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', info], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

(function mirror(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, e.name);
    const rel = path.relative(__dirname, from);
    if (e.isDirectory()) mirror(from);
    else if (!e.name.endsWith('.ts') && !OWN.has(rel)) {
      const to = path.join(out, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      // Made under another name and renamed over: another build may be writing the same file, and a run
      // may be reading it. A fixture that is itself a symbolic link (a /proc fd) stays a link, same target.
      const tmp = `${to}.${process.pid}.tmp`;
      fs.rmSync(tmp, { force: true });
      if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), tmp);
      else fs.copyFileSync(from, tmp);
      fs.renameSync(tmp, to);
    }
  }
})(__dirname);

const exists = (p) => {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};
(function prune(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, e.name);
    const rel = path.relative(out, at);
    if (e.isDirectory()) {
      prune(at);
      if (fs.readdirSync(at).length === 0) fs.rmSync(at, { recursive: true, force: true });
    } else if (e.name.endsWith('.tmp')) {
      // another build's file, about to be renamed into place
    } else if (!exists(path.join(__dirname, rel)) && !(/\.js(\.map)?$/.test(rel) && exists(path.join(__dirname, rel.replace(/\.js(\.map)?$/, '.ts'))))) {
      fs.rmSync(at, { force: true });
    }
  }
})(out);
