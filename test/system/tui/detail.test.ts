/**
 * The detail view (Enter on a process), live and in replay, as a terminal shows it: a whole box with its
 * title in the top border, the figures, and four charts with their scales and time axes; no stray
 * escape pieces ("[3undefinedm"), no "undefined", no NaN.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { child } from '../../helpers/proc';
import { FIXTURES } from '../../helpers/paths';
import { Tui } from '../../helpers/tui';

const MARK = `vigildet${process.pid}`;
const COLS = 120;
const ROWS = 40;
/** In colour (tap runs tests with NO_COLOR=1; an empty one does not count): the charts' colours were the defect. */
const ENV = { NO_COLOR: '' };

/** The detail box as the screen shows it: its rows from the top border to the bottom one. */
function detailBox(screen: string): string[] {
  const rows = screen.split('\n');
  const top = rows.findIndex((r) => /^┌─ process \d+ · last 10 min · Esc closes ─+┐$/.test(r));
  const bottom = rows.findIndex((r, i) => i > top && /^└─+┘$/.test(r));
  return top >= 0 && bottom > top ? rows.slice(top, bottom + 1) : [];
}

/** Waits for the detail view with its charts drawn, and checks it. */
async function checkDetail(t: Test, tui: Tui, what: string): Promise<string[]> {
  const screen = await tui.waitFor((s) => {
    const box = detailBox(s);
    return box.length > 0 && box.some((r) => /-10m\s+-5m\s+now/.test(r)) && box.some((r) => /page faults/.test(r));
  });
  const box = detailBox(screen);
  t.equal(box[0].length, COLS, `${what}: the top border spans the screen, with the title in it`);
  t.ok(
    box.slice(1, -1).every((r) => r.startsWith('│') && r.endsWith('│') && r.length === COLS),
    `${what}: every row has its left and right border`,
  );
  t.match(box[1], /^│\d+ {2}\S/, `${what}: the first row is the pid and the name`);
  const inside = box.map((r) => r.slice(1, -1)).join('\n');
  t.notMatch(inside, /undefined|NaN|Infinity/, `${what}: no undefined, NaN or Infinity`);
  // The text rows may quote a command line or a kernel thread's name; the title and the charts have no '['.
  const charts = box.slice(box.findIndex((r) => r.includes('CPU %')));
  t.notMatch([box[0], ...charts].join('\n'), /\[/, `${what}: no stray '[' (escape pieces) in the title and the charts`);
  for (const title of ['CPU %', 'RSS', 'I/O read + write', 'page faults minor + major']) t.match(inside, title, `${what}: the ${title} chart`);
  t.equal((inside.match(/-10m\s+-5m\s+now/g) ?? []).length, 4, `${what}: four time axes`);
  t.ok((inside.match(/ 0┤/g) ?? []).length === 4, `${what}: four scales from 0`);
  t.match(inside, /\d(?:\.\d)?%┤/, `${what}: the CPU scale's top in %`);
  return box;
}

t.test('live: Enter opens a whole detail view with four charts', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-detail-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sleeper = path.join(dir, `${MARK}-sleep`);
  fs.symlinkSync('/bin/sleep', sleeper);
  child(t, sleeper, ['300']);
  const tui = new Tui(['--proc-interval', '200'], { cols: COLS, rows: ROWS, env: ENV });
  t.teardown(() => tui.kill());
  await tui.waitFor(/processes \d+/);
  tui.keys(`/${MARK}`);
  await tui.waitFor(/filter: vigildet/);
  tui.keys('\r');
  await tui.waitFor((s) => /processes 1\/\d+ · filter/.test(s) && !/filter: /.test(s));
  tui.keys('\r');
  const box = await checkDetail(t, tui, 'live');
  t.match(box.join('\n'), new RegExp(`command\\s+\\S*${MARK}-sleep 300`), 'the selected process');
  tui.keys('\x1b');
  await tui.waitFor((s) => detailBox(s).length === 0 && /processes 1\//.test(s));
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('replay: the detail view over a recording', async (t) => {
  const tui = new Tui(['replay', path.join(FIXTURES, 'recordings', 'schema-v2.vigil')], { cols: COLS, rows: ROWS, env: ENV });
  t.teardown(() => tui.kill());
  await tui.waitFor(/REPLAY .*\n[\s\S]*processes [1-9]\d*\/\d+/);
  tui.keys('\r');
  await checkDetail(t, tui, 'replay');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
