import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh temporary directory, removed when the test ends. */
export function tmpDir(t: { teardown(fn: () => void): void }, prefix = 'vigil-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
