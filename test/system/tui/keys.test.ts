/**
 * htop's and btop's keys in a real terminal: the F-keys as a terminal sends them (xterm sequences), the
 * help overlay at 80x24, the tree's folds, the pause, the sort menu, the refresh interval, tags, nice.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { child, sleep } from '../../helpers/proc';
import { Tui } from '../../helpers/tui';

const F = { f1: '\x1bOP', f3: '\x1bOR', f4: '\x1bOS', f5: '\x1b[15~', f6: '\x1b[17~', f7: '\x1b[18~', f8: '\x1b[19~', f9: '\x1b[20~', f10: '\x1b[21~' };
const PGDN = '\x1b[6~';
const END = '\x1b[F';

const MARK = `vigilkey${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-keys-'));
fs.chmodSync(dir, 0o755);
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
/** `sleep`, under a name of our choosing. */
function named(name: string): string {
  const p = path.join(dir, name);
  if (!fs.existsSync(p)) fs.symlinkSync('/bin/sleep', p);
  return p;
}
function startTui(t: Test, args: string[], size: { cols: number; rows: number }): Tui {
  const tui = new Tui(args, { ...size });
  t.teardown(() => tui.kill());
  return tui;
}
/** The lines of the bordered box whose top border carries `label`. */
function box(screen: string, label: RegExp): string[] {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => label.test(l));
  if (top < 0) return [];
  const x = lines[top].lastIndexOf('┌', lines[top].search(label));
  // Up to the top right corner: what lies beside the box (the meter strip on a short terminal) is not its.
  const right = lines[top].indexOf('┐', x);
  const out: string[] = [];
  for (let i = top; i < lines.length; i++) {
    out.push(lines[i].slice(x, right < 0 ? undefined : right + 1));
    if (i > top && lines[i][x] === '└') break;
  }
  return out;
}

t.test('80x24: F1 help fits, names keys as users read them and scrolls; F5 tree folds; z freezes; F6 sorts; { } pace; F10 quits', async (t) => {
  const sleeper = named(`${MARK}-sleep`);
  // Its own process group, so that the sleeper goes with the shell at the end.
  const parent = child(t, 'sh', ['-c', `${sleeper} 300 & wait`], { detached: true });
  t.teardown(() => {
    try {
      process.kill(-parent.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  const tui = startTui(t, [], { cols: 80, rows: 24 });
  await tui.waitFor(/processes \d+/);

  // F1: the help, inside the screen, every line closed by its border, no raw key names.
  tui.keys(F.f1);
  let s = await tui.waitFor(/─ keys /);
  let help = box(s, /─ keys /);
  t.ok(help.length >= 5, 'the help box is on screen');
  const width = help[0].length;
  t.ok(help.every((l) => l.length === width && /[│┐┘]$/.test(l)), 'every line of the help ends at its border (nothing cut)');
  t.ok(width <= 80, `as wide as the screen at most (${width})`);
  const pages: string[] = [help.join('\n')];
  t.match(help[0], /keys 1–\d+\/\d+ · ↑↓ PgUp PgDn scroll/, 'it says it scrolls');
  tui.keys(PGDN);
  s = await tui.waitFor((x) => !box(x, /─ keys /)[0]?.includes('keys 1–'));
  pages.push(box(s, /─ keys /).join('\n'));
  tui.keys(END);
  s = await tui.waitFor((x) => /Home\s+the start|Esc\s+close a view/.test(box(x, /─ keys /).join('\n')));
  pages.push(box(s, /─ keys /).join('\n'));
  const all = pages.join('\n');
  t.notMatch(all, /pageup|pagedown|escape|\bf1\b/, 'no pageup, escape or f1');
  t.match(all, /PgUp/);
  t.match(all, /Esc\s/);
  t.match(all, /Space/);
  t.match(all, /F1/);
  tui.keys('x');
  await tui.waitFor((x) => !/─ keys /.test(x));

  // Room for long commands: 300 columns, since the tree indents the sleeper by every ancestor of this test
  // (CI's shell, npm, the test runner, tap...), which a 200-column command column could cut. F4 filters to
  // the test's processes (the tree keeps their ancestors), F5 the tree, F3 finds the shell (first in tree
  // order, before its sleeper), - folds it, + unfolds it.
  tui.resize(300, 50);
  tui.keys(F.f4);
  await tui.waitFor(/filter: ▏/);
  tui.keys(`${MARK}\r`);
  await tui.waitFor(/filter "vigilkey/);
  tui.keys(F.f5);
  await tui.waitFor(/processes \d+\/\d+ · filter "vigilkey\d+" · tree/);
  tui.keys(F.f3);
  await tui.waitFor(/search: ▏/);
  tui.keys(`${MARK}-sleep 300 & wait`.slice(0, 12));
  s = await tui.waitFor(/search: vigilkey/);
  tui.keys('\r');
  await tui.waitFor((x) => !/search:/.test(x));
  // The shell is selected; the tree shows its sleeper under it with a - marker on the shell.
  const sleepRow = new RegExp(`└─\\S*${MARK}-sleep 300`);
  s = await tui.waitFor((x) => x.includes(`${parent.pid} `) && sleepRow.test(x));
  t.match(s, new RegExp(`${parent.pid} .*- sh -c`), 'an open branch: -');
  tui.keys('-');
  s = await tui.waitFor((x) => new RegExp(`${parent.pid} .*\\+ sh -c`).test(x));
  t.notMatch(s, sleepRow, 'folded: the sleeper is hidden');
  tui.keys('+');
  await tui.waitFor((x) => sleepRow.test(x));
  t.pass('unfolded: the sleeper is back');
  tui.keys('t');
  await tui.waitFor((x) => !/· tree/.test(x));
  tui.keys('\x1b');
  await tui.waitFor((x) => !/filter "/.test(x));

  // z: PAUSED, and the header (its clock ticks every second) holds still; z again: it moves on.
  tui.keys('z');
  s = await tui.waitFor(/PAUSED/);
  const head = s.split('\n')[0];
  await sleep(1500);
  t.equal(tui.text().split('\n')[0], head, 'paused: the header did not change in 1.5 s');
  tui.keys('z');
  await tui.waitFor((x) => !/PAUSED/.test(x) && x.split('\n')[0] !== head);
  t.pass('resumed: the screen moves again');

  // F6: the sort menu; Down, Enter: the column after CPU%.
  tui.keys(F.f6);
  await tui.waitFor(/sort by · Enter picks/);
  tui.keys('\x1b[B');
  await sleep(100);
  tui.keys('\r');
  s = await tui.waitFor((x) => !/sort by ·/.test(x) && /MEM%▼/.test(x));
  t.pass('F6, Down, Enter: sorted by MEM%');
  tui.keys('P');
  await tui.waitFor(/CPU%▼/);
  tui.keys('M');
  await tui.waitFor(/RSS▼|MEM%/);

  // } and {: the refresh interval, in the status line and the header.
  tui.keys('}');
  await tui.waitFor(/refresh interval 50 ms/);
  t.match(tui.text().split('\n')[0], /50ms\//, 'the header shows the new interval');
  tui.keys('{');
  tui.keys('{');
  await tui.waitFor(/refresh interval 200 ms/);

  tui.keys(F.f10);
  t.equal((await tui.exit()).exitCode, 0, 'F10 quits');
});

