/**
 * The unit folder in two processes instead of one per file. tap starts every test file in a node of its
 * own with its loaders (ts-node, its mock hooks, process info): about 1.2 s of CPU before a line of the
 * test runs, more than most unit files take. test/bundles/unit-*.test.ts each require a share of
 * test/unit/**\/*.test.* here, so their subtests register on the one root tap object and run in order,
 * one file after another. Unit tests share nothing between files (no globals, no env, nothing at the root
 * but t.test); a failure still names its file and line. Each file still runs alone too:
 * `npx tap dist/test/unit/counter.test.js`. A file named *.solo.test.* keeps a process of its own (package.json's
 * tap.include and test:unit name those): window-long.solo runs without coverage (test/coverage-map.js), which
 * tap decides per process.
 */
import * as fs from 'fs';
import * as path from 'path';

const UNIT = path.join(__dirname, '..', 'unit');
const EXT = path.extname(__filename); // .js compiled, .ts under ts-node

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The unit test files, sorted, every `shares`-th from `share`. */
export function unitShare(share: number, shares: number): string[] {
  return walk(UNIT)
    .filter((f) => f.endsWith(`.test${EXT}`) && !f.endsWith(`.solo.test${EXT}`))
    .sort()
    .filter((_, i) => i % shares === share);
}

export function runUnitShare(share: number, shares: number): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const f of unitShare(share, shares)) require(f);
}
