/**
 * The cgroups view in replay (C; g stays go-to), in a real terminal, over the schema-v4 synthetic fixture
 * (a root, a slice and five services read every second): the tree's rows and their figures at a moment
 * against what `vigil export --table cgroups` gives for that moment, a step moving them to the next read,
 * a group's detail (its processes against `export --table procs`, charts from the replay window), a go-to
 * from inside the detail keeping it open; and, over a schema-v3 fixture, the one line that says there is
 * no cgroup data.
 */
import * as path from 'path';
import t from 'tap';
import * as format from '../../../src/render/format';
import { vigil } from '../../helpers/cli';
import { FIXTURES } from '../../helpers/paths';
import { Tui } from '../../helpers/tui';

const V4 = path.join(FIXTURES, 'recordings', 'schema-v4-synth.vigil');
const V3 = path.join(FIXTURES, 'recordings', 'schema-v3.vigil');
/** Moments of the synthetic fixture (1 s samples from 1700000000000): a cgroup read at each. */
const T1 = 1_700_000_060_000;
const T2 = T1 + 1000;
const T3 = 1_700_000_100_000;

interface CgRow {
  t: number;
  path: string;
  name: string;
  cpu_pct: number | null;
  mem_current_bytes: number | null;
  mem_max_bytes: number | null;
}

const pause = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The view's box label. */
const label = (s: string): string => s.split('\n').find((l) => /^┌─ (cgroups|cgroup )/.test(l)) ?? '';

async function exported(table: 'cgroups' | 'procs', at: number): Promise<Record<string, unknown>[]> {
  const r = await vigil(['export', V4, '--table', table, '--format', 'json', '--from', String(at), '--to', String(at)]);
  if (r.code !== 0) throw new Error(`export --table ${table}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>).filter((x) => x.t === at);
}

/** The tree's rows on screen: [name without the tree drawing, CPU% cell, MEM used/limit text]. */
function treeRows(s: string): { name: string; cpu: string; mem: string }[] {
  const lines = s.split('\n');
  const head = lines.findIndex((l) => /│CGROUP\s+CPU%/.test(l));
  const out: { name: string; cpu: string; mem: string }[] = [];
  for (const l of lines.slice(head + 1)) {
    const m = /^│([└├│─ ]*)(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+[█░]*\s*(\S+\/\S+)\s/.exec(l);
    if (m === null) break;
    out.push({ name: m[2], cpu: m[3], mem: m[6] });
  }
  return out;
}

/** What the tree must show for export's rows: the root, the slice, its services by CPU (descending), and each one's figures. */
function expectedRows(rows: CgRow[]): { name: string; cpu: string; mem: string }[] {
  const byCpu = (a: CgRow, b: CgRow): number => (b.cpu_pct ?? -1) - (a.cpu_pct ?? -1) || (a.path < b.path ? -1 : 1);
  const order = [...rows.filter((r) => r.path === '/'), ...rows.filter((r) => r.path === '/system.slice'), ...rows.filter((r) => r.path.startsWith('/system.slice/')).sort(byCpu)];
  return order.map((r) => ({
    name: r.name,
    cpu: format.pct(r.cpu_pct),
    mem: `${format.bytes(r.mem_current_bytes)}/${r.mem_max_bytes === null ? '-' : format.bytes(r.mem_max_bytes)}`,
  }));
}

t.test('replay: C shows the recorded cgroup tree at the replayed moment, as export gives it', async (t) => {
  const at1 = (await exported('cgroups', T1)) as unknown as CgRow[];
  const at2 = (await exported('cgroups', T2)) as unknown as CgRow[];
  const at3 = (await exported('cgroups', T3)) as unknown as CgRow[];
  t.equal(at1.length, 7, 'export has the root, the slice and five services at the moment');
  const procs = await exported('procs', T1);
  const inSlice = procs.filter((p) => typeof p.cgroup === 'string' && (p.cgroup === '/system.slice' || p.cgroup.startsWith('/system.slice/'))).length;
  t.ok(inSlice > 0, `export has ${inSlice} processes in /system.slice`);

  const tui = new Tui(['replay', V4], { cols: 150, rows: 44, env: { NO_COLOR: '' } });
  t.teardown(() => tui.kill());
  const footer = (x: string): string => x.split('\n').filter((l) => l.trim() !== '').pop() ?? '';
  let s = await tui.waitFor(/REPLAY .*×1/);
  t.match(footer(s), /C cgroups/, 'the footer names the key');
  tui.keys(' ');
  await tui.waitFor(/REPLAY .* paused/);
  tui.keys('g');
  await tui.waitFor(/go to:/);
  tui.keys(`${T1}\r`);
  await tui.waitFor((x) => x.includes(`REPLAY ${format.clock(T1)}`));
  tui.keys('C');
  const want1 = expectedRows(at1);
  s = await tui.waitFor((x) => /cgroups 7\/7 · sorted by cpu/.test(label(x)) && treeRows(x).length === 7);
  t.match(label(s), /Esc\/C closes/, 'the label names the key that closes it');
  t.same(treeRows(s), want1, `the rows, their order and figures are export's at ${T1}`);
  t.notMatch(s, /NaN|undefined|Infinity/);

  // A step: the next read's figures.
  tui.keys('\x1b[C');
  s = await tui.waitFor((x) => x.includes(`REPLAY ${format.clock(T2)}`) && treeRows(x).length === 7 && JSON.stringify(treeRows(x)) === JSON.stringify(expectedRows(at2)), 15000);
  t.pass(`→ steps the view to export's rows at ${T2}`);
  tui.keys('\x1b[D');
  s = await tui.waitFor((x) => x.includes(`REPLAY ${format.clock(T1)}`) && JSON.stringify(treeRows(x)) === JSON.stringify(want1));
  t.pass('← steps it back');

  // The slice's detail: its figures, its processes as export lists them, charts from the replay window.
  tui.keys('\x1b[B');
  await pause();
  tui.keys('\r');
  const slice1 = at1.find((r) => r.path === '/system.slice')!;
  // The charts hold the minute of history before the moment once the window's rebuild has reached it.
  const charted = (x: string): boolean => x.split('\n').filter((l) => /[⡀-⣿]/.test(l)).length >= 3;
  s = await tui.waitFor((x) => /┌─ cgroup system\.slice · last 10 min/.test(x) && /-10m\s+-5m\s+now/.test(x) && charted(x));
  t.match(s, new RegExp(`cpu {8}${format.pct(slice1.cpu_pct).replace('.', '\\.')}% \\(user`), `the detail's CPU is export's (${format.pct(slice1.cpu_pct)}%)`);
  t.match(s, new RegExp(`processes {2}${inSlice}:`), `its processes: the ${inSlice} export lists in it`);
  t.pass('the charts hold the history before the moment');

  // g inside the detail: a go-to that keeps the detail open, at the new moment.
  tui.keys('g');
  await tui.waitFor(/go to:/);
  tui.keys(`${T3}\r`);
  const slice3 = at3.find((r) => r.path === '/system.slice')!;
  s = await tui.waitFor((x) => x.includes(`REPLAY ${format.clock(T3)}`) && /┌─ cgroup system\.slice/.test(x) && x.includes(`cpu        ${format.pct(slice3.cpu_pct)}% (user`));
  t.pass(`g from the detail goes to ${T3} and keeps it open, with export's figure there`);
  tui.keys('\x1b');
  s = await tui.waitFor((x) => treeRows(x).length === 7);
  t.same(treeRows(s), expectedRows(at3), 'Esc: the tree at that moment');
  tui.keys('C');
  await tui.waitFor((x) => /COMMAND/.test(x) && !/CGROUP\s+CPU%/.test(x));
  t.pass('C closes the view');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('replay of a recording without cgroup data: one line says so', async (t) => {
  const tui = new Tui(['replay', V3], { cols: 150, rows: 40, env: { NO_COLOR: '' } });
  t.teardown(() => tui.kill());
  await tui.waitFor(/REPLAY/);
  tui.keys('C');
  let s = await tui.waitFor(/this recording has no cgroup data/);
  t.notMatch(s, /CGROUP\s+CPU%/, 'no empty tree');
  t.match(label(s), /^┌─ cgroups/);
  tui.keys('\r');
  await pause(500);
  s = await tui.waitFor(/this recording has no cgroup data/);
  t.notMatch(s, /┌─ cgroup /, 'Enter opens no detail');
  tui.keys('C');
  await tui.waitFor((x) => /COMMAND/.test(x) && !x.includes('no cgroup data'));
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
