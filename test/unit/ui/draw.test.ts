/**
 * vigil's draw (src/ui/draw.ts) against blessed's Screen.draw: two in-memory screens take the same
 * sequence of frames (panes painted by the CellPainter and by blessed, wide characters, colours, bold and
 * inverse, an overlay, the cursor shown and hidden, resizes, a full redraw after a forget); one draws with
 * blessed, one with vigil's draw. Each one's output goes to its own terminal emulator (@xterm/headless),
 * and after every frame the two terminals must show the same cells: character, width, colours and
 * attributes. Run with 256, 16 and 8 colours, with and without the line-drawing character set, and under
 * a locale that is not UTF-8.
 */
import { Terminal } from '@xterm/headless';
import * as blessed from 'blessed';
import fc from 'fast-check';
import t from 'tap';
import { BoxPane } from '../../../src/panes/pane';
import { asciiTable } from '../../../src/render/glyphs';
import { makeTheme } from '../../../src/render/theme';
import { CellDraw } from '../../../src/ui/draw';
import { memoryScreen } from '../../helpers/screen';

interface Config {
  colours: 256 | 16 | 8;
  /** The terminal's line-drawing set is used for box characters (blessed's default on xterm). */
  acs: boolean;
  /** The locale is not UTF-8: ASCII stand-ins (as widgets.ts's fitTerminal sets blessed up). */
  ascii: boolean;
}

type Step =
  | { kind: 'pane'; pane: number; label: number; lines: number[] }
  | { kind: 'wide'; text: number }
  | { kind: 'overlay'; on: boolean }
  | { kind: 'cursor'; shown: boolean }
  | { kind: 'resize'; cols: number; rows: number }
  | { kind: 'forget' }
  | { kind: 'raw'; attr: number };

const theme256 = makeTheme(true, { colours: 256 });
const theme16 = makeTheme(true, { colours: 16 });
/** Lines for vigil's panes: the theme's colours (palette numbers and ANSI names), bright ANSI colours, bold, inverse, charts. */
const POOL = [
  '',
  'plain text',
  theme256.fg('green', 'green') + ' and ' + theme256.fg('red', 'red') + ' ' + theme256.fg('gray', 'gray'),
  theme16.fg('yellow', 'ansi yellow') + ' {light-blue-fg}bright blue{/light-blue-fg} {light-red-bg}bright bg{/light-red-bg}',
  theme256.bold(theme256.fg('red', '!')) + ' warn ' + theme256.inverse(' sel '),
  theme256.header(' PID USER   CPU% ') + ' ' + theme256.selected(' 123 root  9.5 '),
  '{underline}under{/underline} {blue-bg}{white-fg}white on blue{/white-fg}{/blue-bg}',
  '{green-fg}⣿⣷⣶⣤⣀⡀ chart ▁▂▃▄▅▆▇█{/green-fg} ░▒▓ ─│┌┐',
  'x'.repeat(130),
  '{bold}{inverse}x{/bold}y{/inverse}z',
];
/** Text blessed paints itself: wide characters (CJK, an astral emoji), a combining mark, a wide one at a border. */
const WIDE = ['漢字のコマンド名', 'ok 日本 語', '🙂 smile', 'e\u0301 combining', '一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十', ''];
const LABELS = ['cpu', 'processes 121/121', '{red-fg}!{/red-fg} processes 9/12', 'mem'];

interface Side {
  screen: blessed.Widgets.Screen;
  term: Terminal;
  out: Buffer[];
  bytes: number;
}

function side(cfg: Config, vigil: boolean, cols: number, rows: number): Side {
  const screen = memoryScreen(cols, rows);
  const tput = (screen.program as unknown as { tput: { colors: number; brokenACS: boolean; unicode: boolean; numbers: Record<string, number>; utoa: Record<string, string> } }).tput;
  tput.colors = cfg.colours;
  tput.brokenACS = !cfg.acs;
  if (cfg.ascii) {
    tput.unicode = false;
    tput.numbers = { ...tput.numbers, U8: 0 };
    tput.utoa = { ...tput.utoa, ...asciiTable() };
  }
  const output = screen.program.output as unknown as NodeJS.ReadWriteStream;
  const s: Side = { screen, term: new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 }), out: [], bytes: 0 };
  output.on('data', (d: Buffer) => s.out.push(Buffer.from(d)));
  if (vigil) {
    if (!CellDraw.fits(screen)) throw new Error('CellDraw does not fit xterm-256color');
    new CellDraw(screen, (buf, n) => output.write(Buffer.from(buf.subarray(0, n)))).install();
  }
  return s;
}

/** What a terminal shows, cell by cell: character, width, colours and attributes. */
function picture(term: Terminal): string[] {
  const b = term.buffer.active;
  const rows: string[] = [];
  for (let y = 0; y < term.rows; y++) {
    const line = b.getLine(y);
    const cells: string[] = [];
    for (let x = 0; x < term.cols; x++) {
      const c = line?.getCell(x);
      if (c === undefined) {
        cells.push('?');
        continue;
      }
      const flags = [c.isBold(), c.isInverse(), c.isUnderline(), c.isBlink(), c.isInvisible(), c.isDim(), c.isItalic()].map(Number).join('');
      cells.push(`${JSON.stringify(c.getChars())}/${c.getWidth()}/${c.getFgColorMode()}:${c.getFgColor()}/${c.getBgColorMode()}:${c.getBgColor()}/${flags}`);
    }
    rows.push(cells.join(' '));
  }
  const core = (term as unknown as { _core?: { coreService?: { isCursorHidden?: boolean } } })._core;
  rows.push(`cursor hidden ${core?.coreService?.isCursorHidden}`);
  return rows;
}

/** The text a terminal shows (to check that a run showed what it was meant to). */
function text(term: Terminal): string {
  const b = term.buffer.active;
  return Array.from({ length: term.rows }, (_, y) => b.getLine(y)?.translateToString(true) ?? '').join('\n');
}

async function feed(s: Side): Promise<void> {
  await new Promise((r) => setImmediate(r));
  const data = Buffer.concat(s.out);
  s.out.length = 0;
  s.bytes += data.length;
  await new Promise<void>((r) => s.term.write(data, r));
}

/** The widgets, made the same way on each screen: vigil's panes, an overlay and a box blessed paints. */
function widgets(screen: blessed.Widgets.Screen): { panes: BoxPane[]; overlay: BoxPane; wide: blessed.Widgets.BoxElement } {
  const gray = theme256.ink('gray');
  const panes = [
    new BoxPane(screen, { left: 0, top: 0, width: 40, height: 8 }, { border: true, borderFg: gray }),
    new BoxPane(screen, { left: 40, top: 0, width: 40, height: 8 }, { border: true }),
    new BoxPane(screen, { left: 0, top: 8, width: 80, height: 3 }, { border: false }),
    new BoxPane(screen, { left: 0, top: 11, width: 80, height: 10 }, { border: true, borderFg: gray }),
  ];
  const overlay = new BoxPane(screen, { left: 10, top: 3, width: 30, height: 6 }, { border: true });
  overlay.place(undefined);
  const wide = blessed.box({ parent: screen, top: 21, left: 0, width: 39, height: 3, tags: true, border: { type: 'line' }, content: '' });
  return { panes, overlay, wide };
}

async function run(cfg: Config, steps: Step[]): Promise<{ same: boolean; detail: string; blessedBytes: number; vigilBytes: number; shown: string }> {
  let cols = 80;
  let rows = 24;
  const a = side(cfg, false, cols, rows);
  const b = side(cfg, true, cols, rows);
  const ws = [widgets(a.screen), widgets(b.screen)];
  try {
    for (const [i, st] of [{ kind: 'forget' } as Step, ...steps].entries()) {
      for (const [k, s] of [a, b].entries()) {
        const w = ws[k];
        switch (st.kind) {
          case 'pane':
            w.panes[st.pane].update({ label: st.pane === 2 ? '' : LABELS[st.label], lines: st.lines.map((l) => POOL[l]) });
            break;
          case 'wide':
            w.wide.setContent(WIDE[st.text]);
            break;
          case 'overlay':
            w.overlay.place(st.on ? { left: 10, top: 3, width: 30, height: 6 } : undefined);
            w.overlay.update({ label: 'menu', lines: [theme256.inverse(' 1 SIGTERM '), ' 2 SIGKILL', '日本'] });
            // As the app: with an overlay up or gone, every pane paints again.
            for (const p of [...w.panes, w.overlay]) p.touch();
            break;
          case 'cursor':
            if (st.shown) s.screen.program.showCursor();
            else s.screen.program.hideCursor();
            break;
          case 'resize': {
            const out = s.screen.program.output as unknown as { columns: number; rows: number; emit(e: string): void };
            out.columns = st.cols;
            out.rows = st.rows;
            s.term.resize(st.cols, st.rows);
            out.emit('resize');
            for (const p of w.panes) p.touch();
            break;
          }
          case 'raw': {
            // Cells written straight into the buffer, right of the blessed box: a wide character in the
            // row's last column, one before a line-drawing character and one before a space.
            const lines = (s.screen as unknown as { lines: ([number, string][] & { dirty?: boolean })[] }).lines;
            const row = lines[22];
            if (row === undefined || row.length < 60) break;
            const put = (x: number, ch: string): void => {
              row[x][0] = st.attr;
              row[x][1] = ch;
            };
            put(row.length - 1, '漢');
            put(45, '字');
            put(46, '│');
            put(50, '語');
            put(51, ' ');
            put(52, '─');
            row.dirty = true;
            break;
          }
          case 'forget':
            // As Screen.forget: what the terminal shows is forgotten, and every pane paints again.
            s.screen.alloc();
            for (const p of [...w.panes, w.overlay]) p.touch();
            break;
        }
        s.screen.render();
        await feed(s);
      }
      if (st.kind === 'resize') [cols, rows] = [st.cols, st.rows];
      const pa = picture(a.term);
      const pb = picture(b.term);
      const bad = pa.findIndex((r, y) => r !== pb[y]);
      if (bad >= 0) {
        return { same: false, detail: `step ${i} (${JSON.stringify(st)}), ${cols}x${rows}, row ${bad}:\nblessed ${pa[bad]}\nvigil   ${pb[bad]}`, blessedBytes: a.bytes, vigilBytes: b.bytes, shown: text(b.term) };
      }
      // The two draws must agree on what the terminal shows, cell for cell, in blessed's own memory of it too.
      const oa = JSON.stringify((a.screen as unknown as { olines: unknown }).olines);
      const ob = JSON.stringify((b.screen as unknown as { olines: unknown }).olines);
      if (oa !== ob) return { same: false, detail: `step ${i} (${JSON.stringify(st)}): olines differ`, blessedBytes: a.bytes, vigilBytes: b.bytes, shown: text(b.term) };
    }
    return { same: true, detail: '', blessedBytes: a.bytes, vigilBytes: b.bytes, shown: text(b.term) };
  } finally {
    a.screen.destroy();
    b.screen.destroy();
    a.term.dispose();
    b.term.dispose();
  }
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('pane' as const), pane: fc.nat({ max: 3 }), label: fc.nat({ max: LABELS.length - 1 }), lines: fc.array(fc.nat({ max: POOL.length - 1 }), { maxLength: 10 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wide' as const), text: fc.nat({ max: WIDE.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('overlay' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cursor' as const), shown: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resize' as const), cols: fc.integer({ min: 30, max: 100 }), rows: fc.integer({ min: 10, max: 30 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'forget' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), attr: fc.constantFrom(0x1ff | (0x1ff << 9), 0x1ff | (3 << 9) | (1 << 18), 200 | (0x1ff << 9)) }) },
);

const CONFIGS: Config[] = [
  { colours: 256, acs: true, ascii: false },
  { colours: 256, acs: false, ascii: false },
  { colours: 16, acs: true, ascii: false },
  { colours: 8, acs: false, ascii: false },
  { colours: 256, acs: true, ascii: true },
  { colours: 16, acs: false, ascii: true },
];

const label = (c: Config): string => `${c.colours} colours, ${c.acs ? 'line-drawing set' : 'UTF-8 box characters'}${c.ascii ? ', ASCII locale' : ''}`;

t.test('a fixed sequence: every kind of frame, the same picture as blessed draws, in fewer bytes', async (t) => {
  const steps: Step[] = [
    { kind: 'pane', pane: 0, label: 0, lines: [2, 3, 4, 7] },
    { kind: 'pane', pane: 1, label: 1, lines: [5, 6, 8, 9] },
    { kind: 'pane', pane: 2, label: 0, lines: [1, 2] },
    { kind: 'pane', pane: 3, label: 2, lines: [8, 7, 5, 4, 3] },
    { kind: 'wide', text: 0 },
    { kind: 'pane', pane: 0, label: 3, lines: [3, 2, 7] },
    { kind: 'wide', text: 4 },
    { kind: 'wide', text: 2 },
    { kind: 'overlay', on: true },
    { kind: 'cursor', shown: true },
    { kind: 'pane', pane: 1, label: 0, lines: [1] },
    { kind: 'overlay', on: false },
    { kind: 'cursor', shown: false },
    { kind: 'wide', text: 3 },
    { kind: 'resize', cols: 100, rows: 30 },
    { kind: 'pane', pane: 3, label: 1, lines: [9, 9, 2] },
    { kind: 'forget' },
    { kind: 'wide', text: 1 },
    { kind: 'resize', cols: 60, rows: 20 },
    { kind: 'pane', pane: 0, label: 0, lines: [7, 7, 7] },
    { kind: 'raw', attr: 0x1ff | (3 << 9) | (1 << 18) },
    { kind: 'resize', cols: 90, rows: 28 },
    { kind: 'wide', text: 0 },
    { kind: 'raw', attr: 0x1ff | (0x1ff << 9) },
    { kind: 'pane', pane: 1, label: 1, lines: [2] },
    { kind: 'raw', attr: 200 | (0x1ff << 9) },
  ];
  for (const cfg of CONFIGS) {
    const r = await run(cfg, steps);
    t.ok(r.same, `${label(cfg)}: same picture${r.same ? '' : `\n${r.detail}`}`);
    t.ok(r.vigilBytes <= r.blessedBytes, `${label(cfg)}: ${r.vigilBytes} bytes against blessed's ${r.blessedBytes}`);
    // The run showed what it was meant to: the content reached the terminal.
    t.match(r.shown, cfg.ascii ? /processes 121\/121/ : /漢字のコマンド名/, `${label(cfg)}: the frames reached the terminal`);
  }
});

t.test('random sequences of frames: the same picture as blessed draws after every frame', async (t) => {
  for (const cfg of CONFIGS) {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const r = await run(cfg, steps);
        if (!r.same) throw new Error(r.detail);
      }),
      { numRuns: 25 },
    );
    t.pass(`${label(cfg)}: same picture after every sequence tried`);
  }
});

t.test('a terminal whose cursor moves are not ANSI keeps blessed\'s draw', async (t) => {
  const s = memoryScreen(40, 10);
  try {
    t.ok(CellDraw.fits(s), 'xterm-256color fits');
    const tput = (s as unknown as { tput: { cup(y: number, x: number): string } }).tput;
    tput.cup = () => '\x1b=XY';
    t.notOk(CellDraw.fits(s), 'another cup does not');
  } finally {
    s.destroy();
  }
});
