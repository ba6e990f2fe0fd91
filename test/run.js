#!/usr/bin/env node
'use strict';
/**
 * `npm test`: builds, compiles the tests once (test/compile.js), runs tap with whatever arguments were
 * given (`npm test -- -R tap`), and ends by saying how long each part took, so that the suite's time is
 * seen on every run (issue 19 wants the whole of it under 8 minutes on a 2-core machine). The exit code is
 * tap's (or the build's). CI reads tap's own summary line and prints `N passed, N failed` itself
 * (.ci/run); the line printed here is neither.
 */
const { spawn } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Ctrl-C reaches the whole process group: tap stops its tests and exits, and this waits for it.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => {});

function step(cmd, args) {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    c.on('error', (err) => {
      process.stderr.write(`npm test: cannot run ${cmd}: ${err.message}\n`);
      resolve(1);
    });
    c.on('close', (code, signal) => resolve(code ?? (signal ? 128 + (require('os').constants.signals[signal] ?? 0) : 1)));
  });
}

const fmt = (ms) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
};

(async () => {
  const t0 = Date.now();
  let code = await step(npm, ['run', 'build']);
  if (code === 0) code = await step(process.execPath, [path.join(__dirname, 'compile.js')]);
  const built = code === 0;
  const t1 = Date.now();
  if (built) code = await step(path.join(root, 'node_modules', '.bin', 'tap'), process.argv.slice(2));
  const t2 = Date.now();
  const parts = built ? `build ${fmt(t1 - t0)}, tests ${fmt(t2 - t1)}` : 'the build failed';
  process.stdout.write(`npm test took ${fmt(t2 - t0)} (${parts})\n`);
  process.exitCode = code;
})();
