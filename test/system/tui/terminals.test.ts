/**
 * The screen on the terminals people run monitors in: tmux and screen get 256 colours (blessed cannot
 * read their ncurses-6 entries), 8-colour terminals never draw gray as black, the column header and the
 * selected row look different, and a locale that is not UTF-8 gets ASCII, not '?'.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { THEMES } from '../../../src/render/theme';
import { isOneLineError, vigil } from '../../helpers/cli';
import { child } from '../../helpers/proc';
import { Tui } from '../../helpers/tui';

const MARK = `vigilterm${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-term-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

/** tap runs tests with NO_COLOR=1: colour is asked for here (an empty NO_COLOR does not count). */
function start(t: Test, env: NodeJS.ProcessEnv, args: string[] = [], cols = 120): Tui {
  const tui = new Tui(args, { cols, rows: 36, env: { COLORTERM: '', NO_COLOR: '', ...env } });
  t.teardown(() => tui.kill());
  return tui;
}

/** The SGR sequences written, as lists of parameters. */
function sgrs(raw: string): string[][] {
  return [...raw.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1].split(';'));
}

/** Black foreground (30) on no background of its own: text that vanishes on a dark terminal. */
function blackOnNothing(raw: string): string[] {
  const out: string[] = [];
  for (const p of sgrs(raw)) {
    let fgBlack = false;
    let bg = false;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === '38' || p[i] === '48') {
        if (p[i] === '48') bg = true;
        i += 2;
      } else if (p[i] === '30') fgBlack = true;
      else if (/^(4[0-7]|10[0-7])$/.test(p[i])) bg = true;
    }
    if (fgBlack && !bg) out.push(p.join(';'));
  }
  return out;
}

interface CellStyle {
  fg: number | 'default';
  bg: number | 'default';
  bold: boolean;
  underline: boolean;
  inverse: boolean;
}

function cellAt(tui: Tui, x: number, y: number): CellStyle {
  const cell = tui.term.buffer.active.getLine(y)!.getCell(x)!;
  return {
    fg: cell.isFgDefault() ? 'default' : cell.getFgColor(),
    bg: cell.isBgDefault() ? 'default' : cell.getBgColor(),
    bold: cell.isBold() !== 0,
    underline: cell.isUnderline() !== 0,
    inverse: cell.isInverse() !== 0,
  };
}

/** The process table's header row and its selected row (the one styled as selected), by screen row. */
function tableRows(screen: string): { header: number; x: number } {
  const rows = screen.split('\n');
  const header = rows.findIndex((r) => /PID USER/.test(r));
  return { header, x: rows[header].indexOf('PID') };
}

t.test('colours by TERM: 256 in tmux and screen, and gray never black', async (t) => {
  const terms = [
    { term: 'tmux-256color', colours: 256 },
    { term: 'screen-256color', colours: 256 },
    { term: 'xterm-256color', colours: 256 },
    { term: 'xterm', colours: 8 },
    { term: 'linux', colours: 8 },
  ];
  const gray = THEMES.dark.colours.gray!;
  // In parallel: each waits for a full frame with a process table.
  await Promise.all(
    terms.map(async ({ term, colours }) => {
      // 160 columns: the header keeps the kernel string (read below) even when a load of 10+ widens the
      // load field; at 120 it is the first field dropped then.
      const tui = start(t, { TERM: term }, [], 160);
      const screen = await tui.waitFor((s) => /processes \d+\/\d+/.test(s) && /PID USER/.test(s) && /lo\s+\S+\/s/.test(s));
      t.notMatch(tui.raw, /Error on|Terminfo/, `${term}: nothing from blessed's terminfo parser on the screen`);
      t.same(blackOnNothing(tui.raw), [], `${term}: no black text without a background`);
      const extended = sgrs(tui.raw).filter((p) => p.includes('38') && p[p.indexOf('38') + 1] === '5');
      // The kernel string in the header is gray: its first cell.
      const rows = screen.split('\n');
      const kernel = os.release();
      const kx = rows[0].indexOf(kernel);
      t.ok(kx >= 0, `${term}: the kernel string is in the header: ${rows[0]}`);
      const style = cellAt(tui, Math.max(0, kx), 0);
      if (colours === 256) {
        t.ok(extended.length > 0, `${term}: 256-colour sequences (ESC[38;5;…m)`);
        t.equal(style.fg, gray, `${term}: gray is palette ${gray}`);
      } else {
        t.same(extended, [], `${term}: no 256-colour sequences on an 8-colour terminal`);
        t.equal(style.fg, 'default', `${term}: gray is the default foreground`);
      }
      const { header, x } = tableRows(screen);
      const head = cellAt(tui, x, header);
      const sel = cellAt(tui, x, header + 1);
      if (colours === 256) {
        t.same([head.fg, head.bg], [THEMES.dark.header.fg, THEMES.dark.header.bg], `${term}: the header is black on green`);
        t.same([sel.fg, sel.bg], [THEMES.dark.selected.fg, THEMES.dark.selected.bg], `${term}: the selected row is black on cyan`);
      } else {
        t.same([head.fg, head.bg], [0, 2], `${term}: the header is black on green`);
        t.same([sel.fg, sel.bg], [0, 6], `${term}: the selected row is black on cyan`);
      }
      const below = cellAt(tui, x, header + 2);
      t.equal(below.bg, 'default', `${term}: the rows below the selection have no background`);
      tui.keys('q');
      t.equal((await tui.exit()).exitCode, 0);
    }),
  );
});

t.test('without colour (NO_COLOR), the header and the selected row still differ', async (t) => {
  const tui = start(t, { NO_COLOR: '1' });
  const screen = await tui.waitFor((s) => /processes \d+\/\d+/.test(s) && /PID USER/.test(s));
  const { header, x } = tableRows(screen);
  const head = cellAt(tui, x, header);
  const sel = cellAt(tui, x, header + 1);
  t.same(head, { fg: 'default', bg: 'default', bold: true, underline: true, inverse: false }, 'header: bold and underlined');
  t.same(sel, { fg: 'default', bg: 'default', bold: false, underline: false, inverse: true }, 'selection: inverse');
  t.same(sgrs(tui.raw).filter((p) => p.some((v) => /^(3[0-7]|4[0-7]|38|48|9[0-7])$/.test(v))), [], 'no colour at all');
  tui.keys('q');
  await tui.exit();
});

t.test('the config file picks the theme: light, mono; a bad name is one line, exit 2', async (t) => {
  const config = (theme: unknown): string => {
    const file = path.join(dir, `theme-${String(theme)}.json`);
    fs.writeFileSync(file, JSON.stringify({ theme }));
    return file;
  };
  const light = start(t, {}, ['--config', config('light')]);
  const mono = start(t, {}, ['--config', config('mono')]);
  for (const [tui, check] of [
    [light, (h: CellStyle, s: CellStyle) => t.same([h.bg, s.bg, s.fg], [THEMES.light.header.bg, THEMES.light.selected.bg, THEMES.light.selected.fg], 'light: its own header and selection')],
    [mono, (h: CellStyle, s: CellStyle) => t.same([h.underline, h.bg, s.inverse, s.bg], [true, 'default', true, 'default'], 'mono: attributes, no colour')],
  ] as const) {
    const screen = await tui.waitFor((x) => /processes \d+\/\d+/.test(x) && /PID USER/.test(x));
    const { header, x } = tableRows(screen);
    check(cellAt(tui, x, header), cellAt(tui, x, header + 1));
    tui.keys('q');
    await tui.exit();
  }
  t.same(
    sgrs(mono.raw).filter((p) => p.some((v) => /^(3[0-7]|4[0-7]|38|48|9[0-7])$/.test(v))),
    [],
    'mono sends no colour',
  );
  const bad = await vigil(['--config', config('solarized')]);
  t.equal(bad.code, 2);
  t.ok(isOneLineError(bad.stderr), bad.stderr);
  t.match(bad.stderr, /theme: expected one of "dark", "light", "mono", got "solarized"/);
});

/** A sleeper named with the marker (the filter finds it alone; tree mode shows it under its ancestors). */
function marked(t: Test): void {
  const sleeper = path.join(dir, `${MARK}-sleep`);
  if (!fs.existsSync(sleeper)) fs.symlinkSync('/bin/sleep', sleeper);
  child(t, sleeper, ['300']);
}

/** The screen in ASCII: nothing beyond ASCII, and (where every line on it is known) no '?' but the footer's "? help". */
function checkAscii(t: Test, screen: string, what: string, noQuestionMarks = true): void {
  t.same([...new Set(screen.match(/[^\x00-\x7f]/g) ?? [])], [], `${what}: no glyph beyond ASCII on screen`);
  if (noQuestionMarks) t.notMatch(screen.replace('? help', ''), /\?/, `${what}: no '?' in place of a glyph`);
}

/** Narrows the table to the marked sleeper: no other process's command line (which may hold a '?') is on screen. */
async function filterFamily(tui: Tui): Promise<string> {
  await tui.waitFor(/processes \d+\/\d+/);
  tui.keys(`/${MARK}\r`);
  return tui.waitFor((x) => /processes 1\/\d+ - filter/.test(x) && !/filter: /.test(x) && /lo\s+\S+\/s/.test(x) && /#/.test(x));
}

t.test('LANG=C: bars, charts, arrows and tree lines in ASCII', async (t) => {
  marked(t);
  const tui = start(t, { LANG: 'C' });
  let s = await filterFamily(tui);
  checkAscii(t, s, 'main screen');
  t.match(s, /CPU%v/, 'the sort arrow is a v');
  t.match(s, /\+-+ cpu \d+\/\d+ cores -+\+/, 'borders in ASCII');
  t.match(s, /\d+ +#+/, 'bars of #');
  tui.keys('t');
  // The filter keeps the marked process's ancestors in the tree (their command lines are the test
  // runner's, which may hold a '?'): the branches are there to see.
  s = await tui.waitFor((x) => / - tree/.test(x) && /\d+ \S+\s.*\s`-\S/.test(x));
  checkAscii(t, s, 'tree', false);
  t.pass('the tree branches are `-');
  tui.keys('t');
  await tui.waitFor((x) => !/ - tree/.test(x));
  tui.keys('\r');
  s = await tui.waitFor((x) => /last 10 min/.test(x) && /-10m\s+-5m\s+now/.test(x));
  checkAscii(t, s, 'detail view');
  t.match(s, /0\|\s/, 'the chart scale in ASCII');
  t.match(s, /\|[ .:']*[.:][ .:']*\s*\|/, "the charts are drawn with '.' and ':'");
  t.notMatch(tui.raw, /[^\x00-\x7f]/, 'not one byte beyond ASCII was sent');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('LC_ALL=C over a UTF-8 LANG, with the line-drawing character set: only ASCII is sent', async (t) => {
  marked(t);
  const tui = start(t, { LANG: 'en_US.UTF-8', LC_ALL: 'C', NCURSES_NO_UTF8_ACS: '0' });
  const s = await tui.waitFor((x) => /processes \d+\/\d+/.test(x) && /lo\s+\S+\/s/.test(x) && /#/.test(x));
  tui.keys(`/${MARK}\r`);
  const f = await tui.waitFor((x) => /processes 1\/\d+ . filter/.test(x) && !/filter: /.test(x));
  t.notMatch(tui.raw, /[^\x00-\x7f]/, 'not one byte beyond ASCII was sent');
  t.notMatch(f.replace('? help', ''), /\?/, "no '?' in place of a glyph");
  t.match(s, /┌─ cpu \d+\/\d+ cores ─+┐/, "borders through the terminal's line-drawing set, as ncurses does");
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
