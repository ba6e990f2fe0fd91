/**
 * Min/max per pixel column (the page's downsampler): for random series, gaps and ranges, every column of
 * the visible range keeps its minimum and its maximum (no spike is lost), nothing is invented (every
 * value out is a value of its column, at a time of that column), times stay in order, the output is at
 * most two points a column plus the two edge neighbours, and a range with few points passes through.
 */
import fc from 'fast-check';
import t from 'tap';
import { minMaxColumns } from '../../../src/report/downsample';

interface Case {
  xs: number[];
  ys: number[][];
  x0: number;
  x1: number;
  cols: number;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    steps: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 3000 }),
    series: fc.integer({ min: 1, max: 3 }),
    cols: fc.integer({ min: 1, max: 300 }),
    a: fc.double({ min: -0.2, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1.2, noNaN: true }),
    seed: fc.integer(),
  })
  .chain(({ steps, series, cols, a, b }) => {
    const xs: number[] = [];
    let x = 1_700_000_000_000;
    for (const s of steps) xs.push((x += s));
    const span = xs[xs.length - 1] - xs[0];
    const lo = xs[0] + Math.min(a, b) * span;
    const hi = xs[0] + Math.max(a, b) * span + 1;
    const v = fc.oneof({ weight: 1, arbitrary: fc.constant(NaN) }, { weight: 12, arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }) });
    return fc.array(fc.array(v, { minLength: xs.length, maxLength: xs.length }), { minLength: series, maxLength: series }).map((ys) => ({ xs, ys, x0: lo, x1: hi, cols }));
  });

function check(c: Case): boolean {
  const { xs, ys, x0, x1, cols } = c;
  const out = minMaxColumns(xs, ys, x0, x1, cols);
  const w = (x1 - x0) / cols;
  const col = (x: number): number => (x < x0 || x > x1 ? -1 : Math.min(cols - 1, Math.floor((x - x0) / w)));
  for (let i = 1; i < out.x.length; i++) if (!(out.x[i] >= out.x[i - 1])) throw new Error('times out of order');
  const inRange = xs.filter((x) => x >= x0 && x <= x1).length;
  if (out.x.length > 2 * cols + 2 && out.x.length > inRange + 2) throw new Error(`too many points: ${out.x.length} for ${cols} columns`);
  ys.forEach((y, k) => {
    // Per column: the input's values, and the output's values at times in that column.
    const inCol = new Map<number, number[]>();
    xs.forEach((x, i) => {
      const c = col(x);
      if (c >= 0 && !Number.isNaN(y[i])) (inCol.get(c) ?? inCol.set(c, []).get(c)!).push(y[i]);
    });
    const outCol = new Map<number, number[]>();
    out.x.forEach((x, i) => {
      const c = col(x);
      const v = out.y[k][i];
      if (c >= 0 && v !== null) (outCol.get(c) ?? outCol.set(c, []).get(c)!).push(v);
    });
    for (const [c, vals] of inCol) {
      const got = outCol.get(c) ?? [];
      const mn = Math.min(...vals);
      const mx = Math.max(...vals);
      if (!got.includes(mn) || !got.includes(mx)) throw new Error(`series ${k} column ${c}: min ${mn} / max ${mx} not both in ${got.slice(0, 6)}`);
      for (const v of got) if (!vals.includes(v)) throw new Error(`series ${k} column ${c}: ${v} is not one of its values`);
    }
    for (const c of outCol.keys()) if (!inCol.has(c)) throw new Error(`series ${k}: a value in empty column ${c}`);
  });
  // The nearest point beyond each end is kept, so lines reach the edges.
  const before = xs.filter((x) => x < x0).at(-1);
  const after = xs.find((x) => x > x1);
  if (before !== undefined && out.x[0] !== before) throw new Error('the point before the range is missing');
  if (after !== undefined && out.x[out.x.length - 1] !== after) throw new Error('the point after the range is missing');
  return true;
}

t.test('every column keeps its min and its max; nothing is invented', async (t) => {
  fc.assert(fc.property(caseArb, check), { numRuns: 300 });
  t.pass('300 random series, ranges and widths');
});

t.test('a single spike among a million flat points survives at 100 columns', async (t) => {
  const n = 1_000_000;
  const xs = new Float64Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = i * 100;
  y[654_321] = 99;
  y[123_456] = -5;
  const out = minMaxColumns(xs, [y], 0, xs[n - 1], 100);
  t.ok(out.x.length <= 200, `${out.x.length} points`);
  t.ok(out.y[0].includes(99), 'the spike is there');
  t.ok(out.y[0].includes(-5), 'the dip is there');
  t.equal(out.x[out.y[0].indexOf(99)], xs[Math.floor(654_321 / 10_000) * 10_000 + 9_999], 'at its column\'s last time (the max came after the min)');
});

t.test('few points pass through untouched; NaN becomes null', async (t) => {
  const out = minMaxColumns([1, 2, 3], [[5, NaN, 7]], 0, 10, 100);
  t.same(out, { x: [1, 2, 3], y: [[5, null, 7]] });
  t.same(minMaxColumns([], [[]], 0, 10, 10), { x: [], y: [[]] });
});

t.test('it runs in the page: its source is self-contained', async (t) => {
  // page.ts inlines it by its source text: evaluated alone, with nothing else in scope, it must work.
  const f = new Function(`return (${minMaxColumns.toString()})`)() as typeof minMaxColumns;
  const xs = Array.from({ length: 1000 }, (_, i) => i);
  const ys = [xs.map((i) => (i === 500 ? 1000 : i % 7))];
  t.same(f(xs, ys, 0, 999, 10), minMaxColumns(xs, ys, 0, 999, 10));
});
