/**
 * Min/max per pixel column: what the report's page hands to a chart instead of every point, so that a
 * 24-hour series at 100 ms draws as fast as a minute of it and no spike is lost. The visible range
 * [x0, x1] is cut into `cols` equal columns; a column with more than two points gives two: its first and
 * its last timestamp, carrying the column's minimum and maximum in the order they occurred (per series).
 * Columns with one or two points, and the nearest point beyond each end (so lines reach the edges), pass
 * through as they are. Values are NaN for "no value"; the output has null there, which charts draw as a gap.
 *
 * Runs in the page: inlined there by its source text (page.ts), so it must stay self-contained.
 */
export interface Columns {
  x: number[];
  y: (number | null)[][];
}

export function minMaxColumns(xs: ArrayLike<number>, ys: ArrayLike<number>[], x0: number, x1: number, cols: number): Columns {
  const n = xs.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (xs[m] < x0) lo = m + 1;
    else hi = m;
  }
  const a = Math.max(0, lo - 1);
  lo = a;
  hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (xs[m] <= x1) lo = m + 1;
    else hi = m;
  }
  const b = Math.min(n, lo + 1);
  const outX: number[] = [];
  const outY: (number | null)[][] = ys.map(() => []);
  const raw = (i: number): void => {
    outX.push(xs[i]);
    for (let k = 0; k < ys.length; k++) {
      const v = ys[k][i];
      outY[k].push(v === v ? v : null);
    }
  };
  const width = (x1 - x0) / cols;
  if (!(width > 0) || b - a <= 2 * cols) {
    for (let i = a; i < b; i++) raw(i);
    return { x: outX, y: outY };
  }
  const col = (x: number): number => (x < x0 || x > x1 ? -1 : Math.min(cols - 1, Math.floor((x - x0) / width)));
  let i = a;
  while (i < b) {
    const c = col(xs[i]);
    let j = i + 1;
    if (c >= 0) while (j < b && col(xs[j]) === c) j++;
    if (j - i <= 2) {
      for (let k = i; k < j; k++) raw(k);
      i = j;
      continue;
    }
    outX.push(xs[i], xs[j - 1]);
    for (let k = 0; k < ys.length; k++) {
      const y = ys[k];
      let iMin = -1;
      let iMax = -1;
      for (let p = i; p < j; p++) {
        const v = y[p];
        if (v !== v) continue;
        if (iMin < 0 || v < y[iMin]) iMin = p;
        if (iMax < 0 || v > y[iMax]) iMax = p;
      }
      if (iMin < 0) outY[k].push(null, null);
      else if (iMin <= iMax) outY[k].push(y[iMin], y[iMax]);
      else outY[k].push(y[iMax], y[iMin]);
    }
    i = j;
  }
  return { x: outX, y: outY };
}
