/**
 * Where things are, wherever a test runs from: tests are compiled to dist/test/ (npm test), or run from
 * test/ by ts-node (`npx tap test/x.test.ts`). Paths built from `__dirname` differ between the two, so
 * tests name repository files through ROOT, and modules of their own (a helper spawned as a child) with
 * require.resolve('./x'), which finds the compiled .js or the .ts beside it.
 */
import * as fs from 'fs';
import * as path from 'path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The repository's root (where package.json is). */
export const ROOT = findRoot(__dirname);

/** test/fixtures/ of the source tree (fixtures are not copied to dist/). */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** The built CLI (npm test builds first). */
export const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
