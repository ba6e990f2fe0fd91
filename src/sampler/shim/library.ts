/**
 * Where the built shim is: native/build/ of the installed package (native/build.js puts it there at
 * `npm install`). Absent when the machine had no C compiler: vigil then runs without it.
 */
import * as fs from 'fs';
import * as path from 'path';

export const SHIM_LIB = 'vigil-preload.so';
export const SHIM_LIB_ALLOC = 'vigil-preload-alloc.so';

/** The package root: the nearest directory above this file holding native/preload.c (src/ or dist/src/). */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'native', 'preload.c'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(from, '..', '..', '..');
    dir = up;
  }
}

/** Absolute path of the built shim (the --alloc variant if asked), or null if it was not built. */
export function shimLibraryPath(alloc: boolean, root: string = packageRoot()): string | null {
  const p = path.resolve(root, 'native', 'build', alloc ? SHIM_LIB_ALLOC : SHIM_LIB);
  try {
    return fs.statSync(p).isFile() ? p : null;
  } catch {
    return null;
  }
}
