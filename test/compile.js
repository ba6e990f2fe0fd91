#!/usr/bin/env node
'use strict';
/**
 * Compiles the tests once, for `npm test` and `npm run test:unit` (tap then runs dist/test/**\/*.test.js,
 * with no TypeScript loader in each test process):
 *   1. empties dist/test/, so a test removed or moved since the last build cannot run from a stale .js;
 *   2. runs tsc on test/tsconfig.json (test/ with src/ and bench/, source maps on: coverage and stack
 *      traces point into the .ts files);
 *   3. links every other file under test/ (fixtures, C sources, plain .js helpers) at the same place
 *      under dist/test/, so a path a test builds from __dirname finds the file there too.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const out = path.join(__dirname, '..', 'dist', 'test');
fs.rmSync(out, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const OWN = new Set(['tsconfig.json', 'compile.js']);
(function mirror(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, e.name);
    const rel = path.relative(__dirname, from);
    if (e.isDirectory()) mirror(from);
    else if (!e.name.endsWith('.ts') && !OWN.has(rel)) {
      const to = path.join(out, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      // A fixture that is itself a symbolic link (a /proc fd) keeps its own target text.
      fs.symlinkSync(e.isSymbolicLink() ? fs.readlinkSync(from) : from, to);
    }
  }
})(__dirname);
