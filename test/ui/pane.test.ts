/**
 * BoxPane in a blessed screen held in memory (no terminal): what it leaves in the screen's cell buffer,
 * and which rows it marks for the diff.
 */
import t from 'tap';
import { PassThrough } from 'stream';
import * as blessed from 'blessed';
import { BoxPane } from '../../src/panes/pane';

function memoryScreen(cols: number, rows: number): blessed.Widgets.Screen {
  const output = Object.assign(new PassThrough(), { columns: cols, rows, isTTY: true });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  output.resume();
  return blessed.screen({ input, output, terminal: 'xterm-256color', warnings: false, fullUnicode: true });
}

type Cells = [number, string][][];
const cellsOf = (s: blessed.Widgets.Screen): Cells => (s as unknown as { lines: Cells }).lines;
const rowText = (s: blessed.Widgets.Screen, y: number, x0: number, x1: number): string => cellsOf(s)[y].slice(x0, x1).map((c) => c[1]).join('');

/** Rows marked dirty when the screen diffs them against the terminal. */
function dirtyRowsOfNextRender(s: blessed.Widgets.Screen): number[] {
  const screen = s as unknown as { draw(a: number, b: number): void; lines: (Cells[number] & { dirty?: boolean })[] };
  const draw = screen.draw.bind(screen);
  const dirty: number[] = [];
  screen.draw = (a, b) => {
    screen.lines.forEach((l, y) => l.dirty && dirty.push(y));
    draw(a, b);
  };
  s.render();
  screen.draw = draw;
  return dirty;
}

t.test('shorter content leaves no old characters behind', async (t) => {
  const s = memoryScreen(40, 8);
  t.teardown(() => s.destroy());
  const pane = new BoxPane(s, { left: 0, top: 0, width: 20, height: 5 });
  pane.update({ label: 'p', lines: ['abcdefghijklmnop', '{green-fg}0123456789{/green-fg}', 'third'] });
  s.render();
  t.equal(rowText(s, 1, 1, 19), 'abcdefghijklmnop  ');
  pane.update({ label: 'p', lines: ['ab', ''] });
  s.render();
  t.equal(rowText(s, 1, 1, 19), 'ab'.padEnd(18), 'first line cut to its new length');
  t.equal(rowText(s, 2, 1, 19), ' '.repeat(18), 'emptied line blank');
  t.equal(rowText(s, 3, 1, 19), ' '.repeat(18), 'dropped line blank');
  t.equal(cellsOf(s)[2][1][0], cellsOf(s)[3][1][0], 'the colour went with the text');
});

t.test('a content change marks only the rows whose cells changed', async (t) => {
  const s = memoryScreen(40, 8);
  t.teardown(() => s.destroy());
  const pane = new BoxPane(s, { left: 0, top: 0, width: 30, height: 6 });
  const lines = ['one', 'two', 'three', 'four'];
  pane.update({ label: 'p', lines });
  s.render();
  pane.update({ label: 'p', lines: ['one', 'TWO', 'three', 'four'] });
  // blessed draws the top border over the label and the label again on every paint: row 0 always differs.
  t.same(dirtyRowsOfNextRender(s), [0, 2], 'the second content row (screen row 2), and the label row');
  pane.update({ label: 'p', lines: ['one', 'TWO', 'three', 'four'] });
  t.same(dirtyRowsOfNextRender(s), [], 'unchanged content: nothing to diff');
});
