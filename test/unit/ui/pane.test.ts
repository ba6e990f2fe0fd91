/**
 * BoxPane in a blessed screen held in memory (no terminal): what it leaves in the screen's cell buffer,
 * and which rows it marks for the diff.
 */
import t from 'tap';
import type * as blessed from 'blessed';
import { BoxPane } from '../../../src/panes/pane';
import { cellsOf, memoryScreen, rowText, type Cells } from '../../helpers/screen';

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
  // (A paint through blessed would also mark row 0: it draws the top border over the label, then the
  // label again. Content alone goes through the CellPainter, which leaves border and label alone.)
  t.same(dirtyRowsOfNextRender(s), [2], 'the second content row (screen row 2) alone');
  pane.update({ label: 'p', lines: ['one', 'TWO', 'three', 'four'] });
  t.same(dirtyRowsOfNextRender(s), [], 'unchanged content: nothing to diff');
});

t.test('a new label repaints the top border row alone, and leaves it as blessed would', async (t) => {
  const s = memoryScreen(40, 8);
  t.teardown(() => s.destroy());
  const pane = new BoxPane(s, { left: 0, top: 0, width: 30, height: 6 });
  const lines = ['one', 'two', 'three', 'four'];
  pane.update({ label: 'processes 120/120', lines });
  s.render();
  pane.update({ label: 'processes 9/9', lines });
  t.same(dirtyRowsOfNextRender(s), [0], 'the border row alone');
  t.equal(rowText(s, 0, 0, 30), '┌─ processes 9/9 ────────────┐', 'the shorter label, the border line after it');
  const fresh = memoryScreen(40, 8);
  t.teardown(() => fresh.destroy());
  const ref = new BoxPane(fresh, { left: 0, top: 0, width: 30, height: 6 });
  ref.update({ label: 'processes 9/9', lines });
  fresh.render();
  t.same(cellsOf(s), cellsOf(fresh), 'the cells of a box painted whole with that label');
});
