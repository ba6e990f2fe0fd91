#!/usr/bin/env node
'use strict';
/**
 * Builds the LD_PRELOAD shim with the machine's C compiler: run by `npm install` (the "install" script)
 * and by `npm run build:native`. Nothing is downloaded. Without a compiler (or if the compile fails) it
 * says so in one line and exits 0: vigil installs and works without the shim, and shows "n/a" for the
 * per-process network columns.
 *
 * Two variants of the shim (native/*.c): vigil-preload.so (sockets) and vigil-preload-alloc.so (sockets and
 * the malloc family, for `vigil run --alloc`). Keeping the allocation hooks out of the default library
 * means a program traced without --alloc never has its malloc interposed at all.
 *
 * Each library is compiled to a temporary name and renamed into place: a running program that has the
 * old library mapped keeps its inode, where overwriting the file in place would crash it.
 *
 * Beside it, the sampler core (native/sampler/*.c, see layout.h) as vigil-sampler.node, an N-API addon built
 * against the headers of the npm package node-api-headers (no node-gyp, no header download, no
 * /usr/include/node). Without it vigil samples with its TypeScript parsers, and says so once.
 *
 * Usage: node native/build.js [--out DIR] [--cc CC] [--quiet]
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** The shim's files (shim.h says what each holds); alloc.c only in the --alloc variant. */
const SOURCES = ['preload.c', 'fdcache.c', 'dest.c', 'io.c', 'fds.c', 'exec.c'].map((f) => path.join(__dirname, f));
const VARIANTS = [
  { name: 'vigil-preload.so', defines: [], extra: [] },
  { name: 'vigil-preload-alloc.so', defines: ['-DVIGIL_ALLOC=1'], extra: [path.join(__dirname, 'alloc.c')] },
];
const FLAGS = [
  '-std=gnu11',
  '-O2',
  '-g',
  '-fPIC',
  '-shared',
  '-fvisibility=hidden',
  '-ftls-model=initial-exec',
  '-fno-strict-aliasing',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-D_GNU_SOURCE',
];
const LIBS = ['-ldl', '-pthread'];

function findCompiler(explicit) {
  const candidates = explicit ? [explicit] : [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean);
  for (const cc of candidates) {
    const r = spawnSync(cc, ['--version'], { stdio: 'ignore' });
    if (r.status === 0) return cc;
  }
  return null;
}

/**
 * Builds both variants into outDir. Returns { ok, cc, outputs, error, warnings }: never throws for a missing
 * compiler or a failed compile (the caller decides whether that is fatal).
 */
function buildShim(outDir, opts = {}) {
  const cc = findCompiler(opts.cc);
  if (!cc) return { ok: false, cc: null, outputs: [], error: 'no C compiler found (cc, gcc, clang)' };
  fs.mkdirSync(outDir, { recursive: true });
  const outputs = [];
  let warnings = '';
  for (const v of VARIANTS) {
    const dest = path.join(outDir, v.name);
    const tmp = `${dest}.tmp-${process.pid}`;
    const args = [...FLAGS, ...v.defines, '-I', __dirname, '-o', tmp, ...SOURCES, ...v.extra, ...LIBS];
    const r = spawnSync(cc, args, { encoding: 'utf8' });
    if (r.status !== 0) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // nothing was written
      }
      const msg = (r.stderr || r.error?.message || `exit ${r.status}`).trim();
      return { ok: false, cc, outputs, error: `${cc} failed building ${v.name}:\n${msg}` };
    }
    fs.renameSync(tmp, dest);
    outputs.push(dest);
    warnings += r.stderr || '';
  }
  return { ok: true, cc, outputs, error: null, warnings };
}

const SAMPLER_DIR = path.join(__dirname, 'sampler');
const SAMPLER_NAME = 'vigil-sampler.node';
/* N-API 8 (Node 12.22+, every Node vigil runs on): nothing newer is used. */
const SAMPLER_FLAGS = ['-std=gnu11', '-O2', '-g', '-fPIC', '-shared', '-fvisibility=hidden', '-fno-strict-aliasing', '-Wall', '-Wextra', '-Wno-unused-parameter', '-DNAPI_VERSION=8'];

function napiInclude() {
  try {
    return require('node-api-headers').include_dir;
  } catch {
    return null;
  }
}

/**
 * Builds the sampler core into outDir. Returns { ok, cc, output, error, warnings }; never throws for a
 * missing compiler, missing headers or a failed compile. Undefined symbols are left to the loader: N-API's
 * functions come from the node binary that loads the addon.
 */
function buildSampler(outDir, opts = {}) {
  const cc = findCompiler(opts.cc);
  if (!cc) return { ok: false, cc: null, output: null, error: 'no C compiler found (cc, gcc, clang)' };
  const include = napiInclude();
  if (!include) return { ok: false, cc, output: null, error: 'the node-api-headers package is not installed' };
  fs.mkdirSync(outDir, { recursive: true });
  const sources = fs.readdirSync(SAMPLER_DIR).filter((f) => f.endsWith('.c')).sort().map((f) => path.join(SAMPLER_DIR, f));
  const dest = path.join(outDir, SAMPLER_NAME);
  const tmp = `${dest}.tmp-${process.pid}`;
  const r = spawnSync(cc, [...SAMPLER_FLAGS, '-I', include, '-I', SAMPLER_DIR, '-o', tmp, ...sources], { encoding: 'utf8' });
  if (r.status !== 0) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    const msg = (r.stderr || r.error?.message || `exit ${r.status}`).trim();
    return { ok: false, cc, output: null, error: `${cc} failed building ${SAMPLER_NAME}:\n${msg}` };
  }
  fs.renameSync(tmp, dest);
  return { ok: true, cc, output: dest, error: null, warnings: r.stderr || '' };
}

module.exports = { buildShim, buildSampler, VARIANTS, SAMPLER_NAME };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
  };
  const quiet = argv.includes('--quiet');
  const outDir = path.resolve(opt('--out') ?? path.join(__dirname, 'build'));
  const res = buildShim(outDir, { cc: opt('--cc') });
  if (res.ok) {
    if (res.warnings && !quiet) process.stderr.write(res.warnings);
    if (!quiet) process.stdout.write(`vigil: built ${res.outputs.map((o) => path.relative(process.cwd(), o)).join(', ')} with ${res.cc}\n`);
  } else {
    process.stderr.write(
      `vigil: the LD_PRELOAD shim was not built: ${res.error}\n` +
        `vigil: everything else works; per-process network columns will show n/a ('npm run build:native' to retry)\n`,
    );
  }
  const core = buildSampler(outDir, { cc: opt('--cc') });
  if (core.ok) {
    if (core.warnings && !quiet) process.stderr.write(core.warnings);
    if (!quiet) process.stdout.write(`vigil: built ${path.relative(process.cwd(), core.output)} with ${core.cc}\n`);
  } else {
    process.stderr.write(`vigil: the native sampler core was not built (${core.error.split('\n')[0]}); vigil samples with its TypeScript parsers\n`);
  }
  process.exit(0);
}
