import type { Val } from './codec';

/**
 * An empty row of values, of the one elements kind every row shares (V8's PACKED_ELEMENTS: a literal
 * holding null, emptied). Rows built as `[]` or by `.map` start as small-integer, double or holey arrays
 * and change kind as values arrive, so encodeRow, which reads the rows of every series, saw half a dozen
 * array maps and was recompiled a dozen times in the first minute. Every row handed to a SeriesWriter is
 * built from this (or from an array literal that holds a non-number, which is of the same kind).
 */
export function newRow(): Val[] {
  const r: Val[] = [null];
  r.pop();
  return r;
}

/** The values of `fields` of `o`, in order, as a row (see newRow). */
export function pick<T>(o: T, fields: readonly (keyof T)[]): Val[] {
  const r = newRow();
  for (let i = 0; i < fields.length; i++) r.push(o[fields[i]] as Val);
  return r;
}

/** A copy of xs of the same elements kind as newRow's (for arrays read beside the rows: a tick's clocks). */
export function packed<T>(xs: readonly T[]): T[] {
  const r = [null] as unknown as T[];
  r.pop();
  for (let i = 0; i < xs.length; i++) r.push(xs[i]);
  return r;
}
