/**
 * Reading the window: time-weighted average, min, max and (for rates) the quantity moved, over the last
 * N seconds. A window is N whole 1 s buckets ending with the newest (still open) one; a missing bucket
 * (a gap) adds nothing — neither zeros nor time — and the answer says how many seconds of data it covers.
 * Process series older than the fine horizon sit in coarse buckets: one counts only if it lies wholly
 * inside the window, so the answer never includes data from before the window (coverage says what's in).
 */
import { Acc, CELL, MAX, S, W } from './cells';
import { isSeriesName, SERIES, SeriesName } from './series';
import type { WindowState } from './state';

/** A value and how much time it rests on. value is null exactly when there is no data (seconds = 0). */
export interface Covered {
  value: number | null;
  /** Seconds of data inside the window (Σ sample weights), ≤ the window asked for, up to rounding. */
  seconds: number;
}

export interface WindowStats {
  avg: number;
  min: number;
  max: number;
  seconds: number;
}

export const NO_DATA: Readonly<Covered> = Object.freeze({ value: null, seconds: 0 });

/** Where a (series, subject)'s cells are: a system slot, or an offset into process arrays. */
export interface Target {
  proc: boolean;
  /** Offset of the cell in each bucket's sys or proc array. */
  base: number;
  /** System slot (for running sums); -1 for processes. */
  slot: number;
}

/**
 * System targets found, by series then subject, while the slot table's generation holds (a slot freed
 * bumps it): the views and the alert rules ask the same few series ten times a second, and each asking
 * built a key string and a Target. A Target handed out is never changed.
 */
const sysTargets = new WeakMap<WindowState, { gen: number; bySeries: Map<string, Map<string, Target>> }>();

export function resolve(st: WindowState, series: SeriesName, subject: string): Target | null {
  let cache = sysTargets.get(st);
  if (cache === undefined || cache.gen !== st.sysSlots.generation) {
    cache = { gen: st.sysSlots.generation, bySeries: new Map() };
    sysTargets.set(st, cache);
  }
  const hit = cache.bySeries.get(series)?.get(subject);
  if (hit !== undefined) return hit;
  const t = resolveAfresh(st, series, subject);
  if (t !== null && !t.proc) {
    let m = cache.bySeries.get(series);
    if (m === undefined) cache.bySeries.set(series, (m = new Map()));
    m.set(subject, t);
  }
  return t;
}

function resolveAfresh(st: WindowState, series: SeriesName, subject: string): Target | null {
  if (!isSeriesName(series)) return null;
  const info = SERIES[series];
  if (info.family === 'proc') {
    const slot = st.procSlots.get(subject);
    const m = st.procIndex.get(series);
    if (slot === undefined || m === undefined) return null;
    return { proc: true, base: (slot * st.pm + m) * CELL, slot: -1 };
  }
  const slot = st.sysSlots.get(`${series}\0${subject}`);
  return slot === undefined ? null : { proc: false, base: slot * CELL, slot };
}

/** Buckets in the window of `seconds`: N = ⌈seconds⌉ clamped to [1, horizon]; null when unanswerable. */
export function windowLength(st: WindowState, seconds: number): number | null {
  if (st.list.tail === null || !Number.isFinite(seconds) || seconds <= 0) return null;
  return Math.min(st.opt.horizonSeconds, Math.max(1, Math.ceil(seconds)));
}

/** Accumulates every cell of target inside [from, now] into acc. */
export function walk(st: WindowState, t: Target, from: number, acc: Acc): Acc {
  acc.reset();
  if (!t.proc) {
    for (let b = st.list.tail; b !== null && b.sec >= from; b = b.prev) {
      if (t.base < b.sys.length) acc.addCell(b.sys, t.base);
    }
    return acc;
  }
  const fineFrom = Math.max(from, st.fineFrom);
  for (let b = st.list.tail; b !== null && b.sec >= fineFrom; b = b.prev) {
    if (b.proc !== null && t.base < b.proc.length) acc.addCell(b.proc, t.base);
  }
  for (let c = st.coarse.tail; c !== null && c.sec >= from; c = c.prev) {
    if (t.base < c.proc.length) acc.addCell(c.proc, t.base);
  }
  return acc;
}

const scratch = new Acc();

/** sums()'s answer: Σw, Σv·w (a scratch pair read at once by the caller, not a tuple per query). */
const SUMS = new Float64Array(2);

/** Σw and Σv·w of the window into SUMS, from running sums when the window is tracked, else by walking; false: no data. */
function sums(st: WindowState, series: SeriesName, subject: string, seconds: number): boolean {
  const n = windowLength(st, seconds);
  const t = resolve(st, series, subject);
  if (n === null || t === null) return false;
  const j = t.proc ? -1 : st.running.index(n);
  if (j >= 0) {
    const tail = st.list.tail as NonNullable<typeof st.list.tail>;
    st.running.ensure(tail, st.sysSlots.highWater);
    st.running.read(j, t.slot, tail, SUMS);
    const inTail = t.base < tail.sys.length;
    SUMS[0] += inTail ? tail.sys[t.base + W] : 0;
    SUMS[1] += inTail ? tail.sys[t.base + S] : 0;
    return true;
  }
  const acc = walk(st, t, st.now - n + 1, scratch);
  SUMS[0] = acc.weight;
  SUMS[1] = acc.sum;
  return true;
}

const procTarget: Target = { proc: true, base: 0, slot: -1 };

/**
 * average()'s value for process slot `slot` (the same walk, so the same bits), without the subject string,
 * its lookup and the answer object: the alert rules ask this of every process every second.
 */
export function procAverage(st: WindowState, series: SeriesName, slot: number, seconds: number): number | null {
  const n = windowLength(st, seconds);
  const m = st.procIndex.get(series);
  if (n === null || m === undefined) return null;
  procTarget.base = (slot * st.pm + m) * CELL;
  const acc = walk(st, procTarget, st.now - n + 1, scratch);
  return acc.weight >= 0.5 ? acc.sum / acc.weight : null;
}

/**
 * The largest value of process slot `slot`'s series over the window (every cell's MAX), or null when it
 * has no data there. The part before the newest bucket cannot change until the next second: it is walked
 * once a second per slot and kept, and only the newest bucket's cell is read each time. The alert rules
 * use it to pass over, exactly, a process whose every value lay below a threshold (an average is never
 * above the largest value averaged), instead of walking its window ten times a second.
 */
export function procMax(st: WindowState, series: SeriesName, slot: number, seconds: number): number | null {
  const n = windowLength(st, seconds);
  const m = st.procIndex.get(series);
  if (n === null || m === undefined) return null;
  const key = m * 100_000 + n;
  let c = closedMax.get(st);
  if (c === undefined) closedMax.set(st, (c = new Map()));
  let e = c.get(key);
  if (e === undefined) c.set(key, (e = { tail: null, gen: -1, max: new Float64Array(0) }));
  const tail = st.list.tail as NonNullable<typeof st.list.tail>;
  if (e.tail !== tail || e.gen !== st.procSlots.generation || e.max.length < st.procSlots.cap) {
    e.tail = tail;
    e.gen = st.procSlots.generation;
    if (e.max.length < st.procSlots.cap) e.max = new Float64Array(st.procSlots.cap);
    e.max.fill(NaN);
  }
  const base = (slot * st.pm + m) * CELL;
  let closed = e.max[slot];
  if (closed !== closed) {
    // Every cell of the window but the newest bucket's: fine buckets, then coarse ones, as walk() reads them.
    const from = st.now - n + 1;
    closed = -Infinity;
    for (let b = tail.prev; b !== null && b.sec >= Math.max(from, st.fineFrom); b = b.prev) {
      if (b.proc !== null && base < b.proc.length && b.proc[base + W] !== 0 && b.proc[base + MAX] > closed) closed = b.proc[base + MAX];
    }
    for (let k = st.coarse.tail; k !== null && k.sec >= from; k = k.prev) {
      if (base < k.proc.length && k.proc[base + W] !== 0 && k.proc[base + MAX] > closed) closed = k.proc[base + MAX];
    }
    e.max[slot] = closed;
  }
  let max = closed;
  // The newest bucket, when it lies inside the window (it always does: it is "now").
  if (tail.sec >= st.fineFrom && tail.proc !== null && base < tail.proc.length && tail.proc[base + W] !== 0 && tail.proc[base + MAX] > max) max = tail.proc[base + MAX];
  return max === -Infinity ? null : max;
}

/** procMax's closed parts, per window state, per (metric, window length). */
const closedMax = new WeakMap<WindowState, Map<number, { tail: object | null; gen: number; max: Float64Array }>>();

export function average(st: WindowState, series: SeriesName, subject: string, seconds: number): Covered {
  // Weights are ≥ 1 ms per sample: a positive total is real data, not rounding left by subtraction.
  if (!sums(st, series, subject, seconds) || !(SUMS[0] >= 0.5)) return NO_DATA;
  return { value: SUMS[1] / SUMS[0], seconds: SUMS[0] / 1000 };
}

/** average()'s value alone (the same bits), without the answer object: views and alert rules, ten times a second. */
export function averageValue(st: WindowState, series: SeriesName, subject: string, seconds: number): number | null {
  if (!sums(st, series, subject, seconds) || !(SUMS[0] >= 0.5)) return null;
  return SUMS[1] / SUMS[0];
}

/** Σ rate × time: e.g. bytes moved in the window (rates are per second, weights in ms). */
export function integral(st: WindowState, series: SeriesName, subject: string, seconds: number): Covered {
  if (!sums(st, series, subject, seconds) || !(SUMS[0] >= 0.5)) return NO_DATA;
  return { value: SUMS[1] / 1000, seconds: SUMS[0] / 1000 };
}

export function stats(st: WindowState, series: SeriesName, subject: string, seconds: number): WindowStats | null {
  const n = windowLength(st, seconds);
  const t = resolve(st, series, subject);
  if (n === null || t === null) return null;
  const acc = walk(st, t, st.now - n + 1, scratch);
  if (acc.weight === 0) return null;
  return { avg: acc.sum / acc.weight, min: acc.min, max: acc.max, seconds: acc.weight / 1000 };
}
