/**
 * The blessed screen and the widgets it holds, made once: a box per pane, the overlay (dialogs, help,
 * alerts), the connections view and the "terminal too small" note. Panes are placed by the layout later.
 */
import * as blessed from 'blessed';
import { BoxPane } from '../panes/pane';
import { memoizeCharWidth } from './char-width';
import { CellDraw } from './draw';
import { asciiTable } from '../render/glyphs';
import type { Theme } from '../render/theme';
import type { PaneKind } from './layout';
import type { termCaps } from './termcaps';
import type { TerminalOutput } from './terminal';

export interface Widgets {
  screen: blessed.Widgets.Screen;
  panes: Record<PaneKind, BoxPane>;
  overlay: BoxPane;
  connsPane: BoxPane;
  tooSmall: blessed.Widgets.BoxElement;
}

export function makeWidgets(out: TerminalOutput, input: NodeJS.ReadStream, theme: Theme, caps: ReturnType<typeof termCaps>): Widgets {
  memoizeCharWidth((blessed as unknown as { unicode: Parameters<typeof memoizeCharWidth>[0] }).unicode);
  const screen = blessed.screen({
    output: out as unknown as NodeJS.WritableStream,
    input,
    smartCSR: true,
    fullUnicode: true,
    autoPadding: false,
    warnings: false,
    title: 'vigil',
    terminal: caps.blessedTerminal,
    // blessed's own guess reads LANG, LANGUAGE, LC_ALL and LC_CTYPE together; setlocale's order decides here.
    forceUnicode: caps.unicode,
  } as unknown as blessed.Widgets.IScreenOptions);
  fitTerminal(screen, caps);
  // vigil draws blessed's cell buffer itself (draw.ts), unless VIGIL_DRAW=blessed asks for blessed's own draw.
  if (process.env.VIGIL_DRAW !== 'blessed' && CellDraw.fits(screen)) new CellDraw(screen, (buf, n) => out.writeBytes(buf, n)).install();
  const mk = (border: boolean): BoxPane => new BoxPane(screen, { left: 0, top: 0, width: 1, height: 1 }, { border, borderFg: theme.ink('gray') });
  const panes = { header: mk(false), meters: mk(false), cpu: mk(true), memory: mk(true), net: mk(true), disk: mk(true), processes: mk(true), footer: mk(false) };
  const overlay = mk(true);
  overlay.place(undefined);
  const connsPane = mk(true);
  connsPane.place(undefined);
  const tooSmall = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', hidden: true, content: 'terminal too small' });
  return { screen, panes, overlay, connsPane, tooSmall };
}

/**
 * blessed's terminal after termcaps chose it: the colour count blessed draws with, its name (blessed
 * tells terminals apart by it, and a bundled entry is given as a path), and under a locale that is not
 * UTF-8, ASCII for every glyph (blessed would send '?' for any it has no stand-in for, and sends
 * UTF-8 anyway to a terminal whose entry claims it, as linux's does).
 */
function fitTerminal(screen: blessed.Widgets.Screen, caps: ReturnType<typeof termCaps>): void {
  const program = screen.program as unknown as { _terminal: string; tput: { colors: number; unicode: boolean; numbers: Record<string, number>; utoa: Record<string, string> } };
  program._terminal = caps.term;
  program.tput.colors = caps.colours;
  if (!caps.unicode) {
    program.tput.unicode = false;
    program.tput.numbers = { ...program.tput.numbers, U8: 0 };
    program.tput.utoa = { ...program.tput.utoa, ...asciiTable() };
  }
}
