/**
 * A cell summarises one series over one bucket in four float64s of a family's Float64Array:
 *   [W, S, MIN, MAX] = [Σw, Σv·w, min v, max v], w = the time each sample speaks for, in ms.
 * W = 0 means "no data" (fresh arrays are all zeros, so an untouched cell is empty for free).
 * Average = S / W is time-weighted; for a per-second rate, S / 1000 is the quantity moved.
 * Only finite values of plausible size enter a cell, so a cell can never hold NaN or ±Infinity.
 */
export const CELL = 4;
export const W = 0;
export const S = 1;
export const MIN = 2;
export const MAX = 3;

/** Beyond this |value| a product v·w or a sum of 36 000 of them could overflow: not a measurement. */
export const MAX_ABS_VALUE = 1e200;

export function acceptable(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_ABS_VALUE;
}

/** Adds one sample (value v held for w ms) to the cell at base. */
export function addSample(a: Float64Array, base: number, v: number, w: number): void {
  if (a[base + W] === 0) {
    a[base + W] = w;
    a[base + S] = v * w;
    a[base + MIN] = v;
    a[base + MAX] = v;
    return;
  }
  a[base + W] += w;
  a[base + S] += v * w;
  if (v < a[base + MIN]) a[base + MIN] = v;
  if (v > a[base + MAX]) a[base + MAX] = v;
}

/** dst cell += src cell (merging 1 s buckets into a coarser one). */
export function mergeCell(dst: Float64Array, d: number, src: Float64Array, s: number): void {
  const w = src[s + W];
  if (w === 0) return;
  if (dst[d + W] === 0) {
    dst[d + W] = w;
    dst[d + S] = src[s + S];
    dst[d + MIN] = src[s + MIN];
    dst[d + MAX] = src[s + MAX];
    return;
  }
  dst[d + W] += w;
  dst[d + S] += src[s + S];
  if (src[s + MIN] < dst[d + MIN]) dst[d + MIN] = src[s + MIN];
  if (src[s + MAX] > dst[d + MAX]) dst[d + MAX] = src[s + MAX];
}

/**
 * Neumaier's compensated sum over arrays: sum[i] + comp[i] is the running total. Error stays near one
 * rounding of the result however many terms (and subtractions) went in, where a plain running sum over
 * 36 000 updates an hour drifts.
 */
export function nAdd(sum: Float64Array, comp: Float64Array, i: number, x: number): void {
  const s = sum[i];
  const t = s + x;
  comp[i] += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
  sum[i] = t;
}

/** The same compensated sum, for a query's walk over cells; also tracks min and max. */
export class Acc {
  w = 0;
  wc = 0;
  s = 0;
  sc = 0;
  min = Infinity;
  max = -Infinity;

  reset(): this {
    this.w = 0;
    this.wc = 0;
    this.s = 0;
    this.sc = 0;
    this.min = Infinity;
    this.max = -Infinity;
    return this;
  }

  addCell(a: Float64Array, base: number): void {
    const w = a[base + W];
    if (w === 0) return;
    let t = this.w + w;
    this.wc += Math.abs(this.w) >= w ? (this.w - t) + w : (w - t) + this.w;
    this.w = t;
    const x = a[base + S];
    t = this.s + x;
    this.sc += Math.abs(this.s) >= Math.abs(x) ? (this.s - t) + x : (x - t) + this.s;
    this.s = t;
    if (a[base + MIN] < this.min) this.min = a[base + MIN];
    if (a[base + MAX] > this.max) this.max = a[base + MAX];
  }

  get weight(): number {
    return this.w + this.wc;
  }

  get sum(): number {
    return this.s + this.sc;
  }
}
