/**
 * A chart drawn with its memo (labelledChart's `id`, areaChart's ChartMemo) gives the lines it gives
 * without, frame after frame, whatever changes between frames: the values (a new newest point, a shift by
 * a column, gaps), the size, the label, the colour, the theme and the direction. And lines that did not
 * change are the same strings as the frame before.
 */
import fc from 'fast-check';
import t from 'tap';
import { labelledChart } from '../../../src/panes/chart';
import { areaChart, chartMemo } from '../../../src/render/braille';
import { makeTheme } from '../../../src/render/theme';

const themes = [makeTheme(true), makeTheme(false), makeTheme(true, { colours: 16 })];

const frame = fc.record({
  values: fc.array(fc.option(fc.double({ min: 0, max: 150, noNaN: true }), { nil: null }), { maxLength: 40 }),
  width: fc.integer({ min: 0, max: 20 }),
  height: fc.integer({ min: 0, max: 6 }),
  label: fc.constantFrom('60s', '1h', 'rx 1.2K/s', 'rx 1.3K/s', 'a long label for a small chart'),
  colour: fc.constantFrom('green' as const, 'blue' as const, 'magenta' as const),
  theme: fc.nat({ max: themes.length - 1 }),
  down: fc.boolean(),
  max: fc.option(fc.constantFrom(100, 1024, 50), { nil: undefined }),
});

t.test('labelledChart with a memo draws what it draws without one, frame after frame', async (t) => {
  fc.assert(
    fc.property(fc.array(frame, { minLength: 1, maxLength: 12 }), fc.boolean(), (frames, small) => {
      // A chart that moves little between frames (the common case), or one that jumps about.
      let values = frames[0].values;
      for (const [i, f] of frames.entries()) {
        values = small && i > 0 ? [...values.slice(1), f.values[0] ?? null] : f.values;
        const w = small ? frames[0].width : f.width;
        const h = small ? frames[0].height : f.height;
        const args = [values, w, h, f.label, f.colour, themes[f.theme], { max: f.max, down: f.down }] as const;
        const plain = labelledChart(...args);
        const kept = labelledChart(...args, `test ${small}`);
        if (JSON.stringify(plain) !== JSON.stringify(kept)) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('same lines for every sequence tried');
});

t.test('areaChart with a memo: the same lines, and a line that did not change is the same string', async (t) => {
  const memo = chartMemo();
  const before = [10, 20, 30, 40, 10, 20, 30, 0];
  const after = [10, 20, 30, 40, 10, 20, 30, 5];
  const a = areaChart(before, 4, 3, { max: 40 }, memo);
  t.same(a.lines, areaChart(before, 4, 3, { max: 40 }).lines, 'first frame: as without a memo');
  // Only the newest point moves, within the bottom row: the two rows above stay.
  const b = areaChart(after, 4, 3, { max: 40 }, memo);
  t.same(b.lines, areaChart(after, 4, 3, { max: 40 }).lines, 'second frame: as without a memo');
  t.not(b.lines[2], a.lines[2], 'the bottom row moved');
  t.ok(a.lines[0] === b.lines[0] && a.lines[1] === b.lines[1], 'the rows above are the same strings');
  // A new size starts the memo again.
  t.same(areaChart([5, 5], 2, 2, { max: 10 }, memo).lines, areaChart([5, 5], 2, 2, { max: 10 }).lines, 'after a resize: as without a memo');
});
