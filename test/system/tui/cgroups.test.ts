/**
 * The cgroups view (g) in a real terminal: the tree with its header, a group the test made with a memory
 * limit shown against that limit, sorting, the filter and follow keys, Enter for a group's detail with
 * its processes and charts, Esc back, g closing; and the process detail naming its cgroup.
 */
import t from 'tap';
import { cgroupSkipReason, groupName, hierarchyOf, killAndWait, TestGroup } from '../../helpers/cgroups';
import { Tui } from '../../helpers/tui';

const COLS = 140;
const ROWS = 32;
const pause = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The view's box: its label line. */
const label = (s: string): string => s.split('\n').find((l) => /^┌─ (cgroups|filter:|cgroup )/.test(l)) ?? '';

t.test('the cgroups view', async (t) => {
  const why = cgroupSkipReason(['memory']);
  let group: TestGroup | null = null;
  let holder: ReturnType<TestGroup['spawnIn']> | null = null;
  const MiB = 1024 * 1024;
  if (why === null) {
    // A group with a 64 MiB limit holding 16 MiB: its row must show the limit as written.
    group = new TestGroup([hierarchyOf('memory')!], groupName('tui'));
    group.write('memory.limit_in_bytes', String(64 * MiB));
    holder = group.spawnIn(`sh -c '(head -c ${16 * MiB} /dev/zero; sleep 120) | tail -n 1'`);
    t.teardown(async () => {
      await killAndWait(holder!);
      await group!.remove();
    });
  } else t.comment(`no test group: ${why}`);
  const tui = new Tui([], { cols: COLS, rows: ROWS, env: { NO_COLOR: '' } });
  t.teardown(() => tui.kill());
  await tui.waitFor(/CPU%/);
  tui.keys('g');
  let s = await tui.waitFor((x) => /CGROUP\s+CPU%▼ LIMIT\s+THR% MEM used\/limit\s+IO\/s\s+PIDS\s+PSI/.test(x) && /│\/\s/.test(x));
  t.match(label(s), /cgroups \d+\/\d+ · sorted by cpu/, 'the label counts the groups');
  t.notMatch(s, /NaN|undefined|Infinity/, 'no NaN, undefined or Infinity');
  if (group !== null) {
    const name = group.path.slice(1);
    tui.keys('/');
    await pause();
    tui.keys(name);
    const rowOf = (x: string): string | undefined => x.split('\n').find((l) => l.startsWith('│') && l.includes(name.slice(0, 20)) && /\/64M/.test(l));
    s = await tui.waitFor((x) => label(x).includes(`filter "${name}"`) && rowOf(x) !== undefined);
    const row = rowOf(s)!;
    t.match(row, /\/64M/, `the group's row shows its 64 MiB limit: ${row.trim()}`);
    t.match(row, /█/, 'and the share of it in use as a bar');
    tui.keys('\r');
    await pause();
    // Follow the selected group: the root first, so step down to the test's group.
    tui.keys('\x1b[F');
    await pause();
    tui.keys('f');
    s = await tui.waitFor((x) => label(x).includes('follow /'));
    t.match(label(s), new RegExp(`follow /${name.slice(0, 20)}`), 'f follows the selected group');
    tui.keys('\r');
    s = await tui.waitFor((x) => /┌─ cgroup .* · last 10 min · Esc closes/.test(x) && /-10m\s+-5m\s+now/.test(x));
    t.match(s, /limits\s+cpu - · mem 64M/, 'the detail names the limits');
    t.match(s, new RegExp(`processes\\s+[1-9]\\d*:`), 'and the processes in the group');
    t.match(s, /memory in use/, 'with the charts');
    tui.keys('\x1b');
    await tui.waitFor((x) => /CGROUP\s+CPU%/.test(x));
    await pause();
    tui.keys('\x1b');
    s = await tui.waitFor((x) => !label(x).includes('follow') && !label(x).includes('filter'));
    t.pass('Esc clears the filter and the follow before it closes the view');
  }
  await pause();
  tui.keys('>');
  s = await tui.waitFor((x) => /LIMIT\s+THR%▼/.test(x));
  t.match(label(s), /sorted by throttled/, '> sorts by the next column');
  await pause();
  tui.keys('g');
  s = await tui.waitFor((x) => /COMMAND/.test(x) && !/CGROUP\s+CPU%/.test(x));
  t.pass('g closes the view');
  // The process detail names the process's cgroup.
  tui.keys('\r');
  s = await tui.waitFor((x) => /┌─ process \d+ · last 10 min/.test(x));
  t.match(s, /cgroup {5}\S/, 'the process detail has a cgroup line');
  tui.keys('\x1b');
  await pause();
  tui.keys('q');
  const r = await tui.exit();
  t.equal(r.exitCode, 0);
});
