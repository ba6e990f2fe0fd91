/**
 * The shim in ordinary programs, many times: each run must exit 0 with an empty stderr, exactly as
 * without it. Runs go in small concurrent batches to stay quick on two cores.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import t from 'tap';
import { ShimReader } from '../../../src/sampler/shim/reader';
import { buildAll, shimEnv, tmpDir } from '../../helpers/shim';

const built = buildAll();
const BATCH = 8;
t.setTimeout(240_000);

// The interpreter itself, not a version manager's wrapper script around it (pyenv's costs 4x the run).
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/**
 * Runs per program: enough in `npm test` to meet the races (a run's exit against another's sweep of the
 * counter directory, batches of 8 at once); VIGIL_SOAK=1 (`npm run bench -- soak`) runs the long version,
 * 100 of each (30 of the interpreters under --alloc, the costly runs), as it ran before it moved there.
 */
const SOAK = process.env.VIGIL_SOAK === '1';
const PROGRAMS: { label: string; cmd: string; args: string[]; runs: number; allocRuns: number }[] = [
  { label: '/bin/true', cmd: '/bin/true', args: [], runs: SOAK ? 100 : 40, allocRuns: SOAK ? 100 : 40 },
  { label: 'python3 -c pass', cmd: python, args: ['-c', 'pass'], runs: SOAK ? 100 : 16, allocRuns: SOAK ? 30 : 8 },
  { label: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], runs: SOAK ? 100 : 16, allocRuns: SOAK ? 30 : 8 },
  { label: "sh -c 'ls | wc'", cmd: 'sh', args: ['-c', 'ls | wc'], runs: SOAK ? 100 : 40, allocRuns: SOAK ? 100 : 40 },
];

function runOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('error', (err) => resolve({ code: null, signal: null, stderr: String(err) }));
    c.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

for (const [variant, lib] of [
  ['shim', built.shim],
  ['shim --alloc', built.shimAlloc],
] as const) {
  t.test(`LD_PRELOAD=${variant}: each program many times, all exit 0 with nothing on stderr`, async (t) => {
    const dir = tmpDir('preload');
    const env = shimEnv(lib, dir);
    let total = 0;
    for (const p of PROGRAMS) {
      const RUNS = lib === built.shim ? p.runs : p.allocRuns;
      total += RUNS;
      const bad: string[] = [];
      for (let done = 0; done < RUNS; done += BATCH) {
        const n = Math.min(BATCH, RUNS - done);
        const results = await Promise.all(Array.from({ length: n }, () => runOnce(p.cmd, p.args, env)));
        for (const r of results) {
          if (r.code !== 0 || r.stderr !== '') bad.push(`code ${r.code} signal ${r.signal} stderr ${JSON.stringify(r.stderr.slice(0, 200))}`);
        }
      }
      t.same(bad.slice(0, 3), [], `${p.label}: ${RUNS} clean runs`);
    }
    // Not one file per run: 1 attach in 64 sweeps away the files of runs already gone (counts.test.ts
    // proves each process attaches). The sweeps ran concurrently with other runs here, unnoticed.
    t.ok(fs.readdirSync(dir).length > 0, `the runs had counter files (${total} runs)`);
    // They have all exited: one read removes every file.
    const reader = new ShimReader({ dirs: [{ path: dir, uid: process.geteuid!() }] });
    reader.read();
    reader.close();
    t.same(fs.readdirSync(dir), [], 'and the reader collects them all');
  });
}
