/**
 * Soak runs kept out of `npm test` for their length: the LD_PRELOAD shim in ordinary programs, 100 runs
 * of each (test/system/shim/preload.test.ts with VIGIL_SOAK=1). Prints tap's summary and the time taken.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export async function benchSoak(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const file = path.join(root, 'dist', 'test', 'system', 'shim', 'preload.test.js');
  // `npm run bench` builds src/ and bench/; the tests are compiled apart.
  const build = spawnSync(process.execPath, [path.join(root, 'test', 'compile.js')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('soak: compiling the tests failed');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '.bin', 'tap'), file, '--disable-coverage', '--allow-incomplete-coverage'], {
    cwd: root, env: { ...process.env, VIGIL_SOAK: '1' }, encoding: 'utf8',
  });
  const summary = (r.stdout.match(/^# \{.*\}$/m) ?? ['(no summary)'])[0];
  console.log(`soak: shim preload, 100 runs per program: ${summary} in ${((Date.now() - t0) / 1000).toFixed(1)} s (exit ${r.status})`);
  if (r.status !== 0) process.exitCode = 1;
}
