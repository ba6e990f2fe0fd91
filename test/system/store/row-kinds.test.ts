/**
 * Every row the recording writer hands to the codec is an array of one elements kind (PACKED_ELEMENTS,
 * see src/store/recording/new-row.ts): rows of mixed kinds made V8 recompile encodeRow a dozen times in a
 * recorder's first minutes (issue 16). Checked with V8's own predicates in a child process run with
 * --allow-natives-syntax, on real Samples of this machine (system, processes, connections, cgroups).
 */
import { spawnSync } from 'child_process';
import t from 'tap';
import { tmpDir } from '../../helpers/tmp';

t.test('rows, previous rows and clocks reach encodeRow as PACKED_ELEMENTS arrays', async (t) => {
  const dir = tmpDir(t);
  const r = spawnSync(process.execPath, [...process.execArgv, '--allow-natives-syntax', require.resolve('./row-kinds-child'), dir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { checked: number; bad: Record<string, number> };
  t.ok(out.checked > 100, `the codec saw the rows (${out.checked})`);
  t.same(out.bad, {}, 'no row of another elements kind');
});
