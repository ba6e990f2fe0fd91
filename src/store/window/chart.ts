/**
 * Chart series: the last `seconds` ending at the newest sample, cut into `points` equal columns, each the
 * time-weighted average of the data overlapping it, or null where there is none (a gap shows as a gap).
 * Each piece of data is spread over the time it covers — a raw sample over its interval, a bucket over
 * its second (or a coarse bucket over its width) — so columns narrower than a bucket draw a step rather
 * than holes, and columns wider than a sample average rather than pick one.
 *
 * Columns sit at fixed places in time (column c covers (c·w, (c+1)·w] ms of monotonic time, w the column
 * width), not at places relative to the newest sample: a column, once complete, keeps its value, and the
 * chart moves one column at a time, as btop's and htop's do, instead of every column being re-cut and
 * shimmering at each sample. The newest column holds what has arrived of it so far.
 *
 * System series come from the raw ring while it holds the whole span (the last minute at 100 ms by
 * default), otherwise from the 1 s buckets; process series from fine then coarse buckets. A ring chart
 * asked for again (the same series, subjects, span and points: a pane redrawn each frame) is kept and
 * brought up to date with the rows added since, instead of walking the minute of rows again.
 */
import type { SecondBucket } from './bucket-list';
import { S, W } from './cells';
import { resolve, type Target } from './query';
import type { RawRing } from './raw-ring';
import type { SeriesName } from './series';
import type { WindowState } from './state';

export class Columns {
  readonly cw: Float64Array;
  readonly cs: Float64Array;
  /** Absolute index of the newest column. */
  last: number;

  constructor(public step: number, readonly n: number, end: number) {
    this.cw = new Float64Array(n);
    this.cs = new Float64Array(n);
    this.last = Math.ceil(end / step) - 1;
  }

  /** As new Columns(step, this.n, end), in place. */
  reset(step: number, end: number): this {
    this.step = step;
    this.cw.fill(0);
    this.cs.fill(0);
    this.last = Math.ceil(end / step) - 1;
    return this;
  }

  /** Start of the oldest column, ms. */
  get start(): number {
    return (this.last - this.n + 1) * this.step;
  }

  /** Moves the newest column to the one holding `end`; columns entering start empty. */
  advance(end: number): void {
    const to = Math.ceil(end / this.step) - 1;
    if (!(to > this.last)) return;
    for (let c = Math.max(this.last + 1, to - this.n + 1); c <= to; c++) {
      const i = this.slot(c);
      this.cw[i] = 0;
      this.cs[i] = 0;
    }
    this.last = to;
  }

  private slot(c: number): number {
    const m = c % this.n;
    return m < 0 ? m + this.n : m;
  }

  /** Data of weight w and weighted sum s spread uniformly over [x0, x1). */
  add(x0: number, x1: number, w: number, s: number): void {
    const { step, last } = this;
    const first = last - this.n + 1;
    if (x1 <= x0) {
      const c = Math.ceil(x0 / step) - 1;
      if (c >= first && c <= last) this.put(c, w, s);
      return;
    }
    const span = x1 - x0;
    const hiCol = Math.min(last, Math.ceil(x1 / step) - 1);
    for (let c = Math.max(first, Math.floor(x0 / step)); c <= hiCol; c++) {
      const ov = Math.min(x1, (c + 1) * step) - Math.max(x0, c * step);
      if (ov > 0) this.put(c, (w * ov) / span, (s * ov) / span);
    }
  }

  private put(c: number, w: number, s: number): void {
    const i = this.slot(c);
    this.cw[i] += w;
    this.cs[i] += s;
  }

  values(): (number | null)[] {
    const out = new Array<number | null>(this.n);
    const first = this.last - this.n + 1;
    for (let k = 0; k < this.n; k++) {
      const i = this.slot(first + k);
      out[k] = this.cw[i] > 0 ? this.cs[i] / this.cw[i] : null;
    }
    return out;
  }

  /** values() written into `out` (length n), NaN for null: no array of boxed numbers per call. */
  valuesInto(out: Float64Array): void {
    const first = this.last - this.n + 1;
    for (let k = 0; k < this.n; k++) {
      const i = this.slot(first + k);
      out[k] = this.cw[i] > 0 ? this.cs[i] / this.cw[i] : NaN;
    }
  }
}

/** Adds ring rows [0, rows) (0 = newest) that end inside the columns: Σ of the slots' values per row. */
function addRows(cols: Columns, ring: RawRing, ts: readonly Target[], rows: number): void {
  const start = cols.start;
  for (let i = 0; i < rows; i++) {
    const row = ring.rowAt(i);
    const m = ring.mono[row];
    if (m <= start) break;
    let sum = 0;
    let any = false;
    for (let k = 0; k < ts.length; k++) {
      const v = ring.vals[row * ring.cols + ts[k].slot];
      if (v === v) {
        // NaN: no value for this slot in this sample
        sum += v;
        any = true;
      }
    }
    if (!any) continue;
    const w = ring.wt[row];
    cols.add(m - w, m, w, sum * w);
  }
}

/** Columns of the bucket charts, read before the call returns: one pair of arrays per width, not per call. */
const scratch = new Map<number, Columns>();

function scratchColumns(step: number, n: number, end: number): Columns {
  const c = scratch.get(n);
  if (c !== undefined) return c.reset(step, end);
  if (scratch.size >= MAX_LIVE) scratch.clear();
  const fresh = new Columns(step, n, end);
  scratch.set(n, fresh);
  return fresh;
}

/** A ring chart kept between calls. */
interface LiveChart {
  cols: Columns;
  /** The ring's `written` and `epoch` when last brought up to date. */
  written: number;
  epoch: number;
  /** cols.values(), made when chart() first asks after a change: the array handed out never changes. */
  values: (number | null)[] | null;
}

const MAX_LIVE = 32;
const live = new WeakMap<RawRing, Map<string, LiveChart>>();

/** The chart of Σ slots from the ring, the one from the previous call brought up to date where it can. */
function ringChart(ring: RawRing, ts: readonly Target[], end: number, step: number, n: number): LiveChart {
  let charts = live.get(ring);
  if (charts === undefined) live.set(ring, (charts = new Map()));
  const key = `${ts.length === 1 ? ts[0].slot : ts.map((t) => t.slot).join(',')}/${step}/${n}`;
  const c = charts.get(key);
  const added = c === undefined ? Infinity : ring.written - c.written;
  if (c !== undefined && c.epoch === ring.epoch && added < ring.count) {
    if (added === 0 && Math.ceil(end / step) - 1 === c.cols.last) return c;
    c.cols.advance(end);
    addRows(c.cols, ring, ts, added);
    c.written = ring.written;
    c.values = null;
    return c;
  }
  const cols = new Columns(step, n, end);
  addRows(cols, ring, ts, ring.count);
  if (charts.size >= MAX_LIVE) charts.clear();
  const fresh: LiveChart = { cols, written: ring.written, epoch: ring.epoch, values: null };
  charts.set(key, fresh);
  return fresh;
}

function span(seconds: number, points: number): { n: number; step: number } | null {
  const n = Number.isFinite(points) ? Math.max(0, Math.floor(points)) : 0;
  if (n === 0 || !Number.isFinite(seconds) || seconds <= 0) return null;
  const step = (seconds * 1000) / n;
  return step > 0 && Number.isFinite(step) ? { n, step } : null;
}

/** How many values a chart of `points` has. */
const countOf = (points: number): number => (Number.isFinite(points) ? Math.max(0, Math.floor(points)) : 0);

const nulls = (points: number): (number | null)[] => new Array<number | null>(countOf(points)).fill(null);

/** System series from buckets: Σ of the targets' bucket averages, weighted by the most-covered target. */
function sysFromBuckets(st: WindowState, ts: readonly Target[], cols: Columns, end: number): void {
  const start = cols.start;
  for (let b: SecondBucket | null = st.list.tail; b !== null && (b.sec + 1) * 1000 > start; b = b.prev) {
    let sum = 0;
    let w = 0;
    for (let k = 0; k < ts.length; k++) {
      const base = ts[k].base;
      const bw = base < b.sys.length ? b.sys[base + W] : 0;
      if (bw > 0) {
        sum += b.sys[base + S] / bw;
        if (bw > w) w = bw;
      }
    }
    if (w > 0) cols.add(b.sec * 1000, Math.min((b.sec + 1) * 1000, end), w, sum * w);
  }
}

/** A system chart's columns: kept between calls (from the ring) or made for this call (from buckets); null: all null. */
function sysColumns(st: WindowState, ts: readonly Target[], seconds: number, points: number): LiveChart | Columns | null {
  const sp = span(seconds, points);
  if (sp === null || ts.length === 0 || st.list.tail === null) return null;
  const end = st.latestMono;
  const ring = st.ring;
  const start = (Math.ceil(end / sp.step) - sp.n) * sp.step;
  if (ring.count > 0 && ring.coveredFrom <= start) return ringChart(ring, ts, end, sp.step, sp.n);
  const cols = scratchColumns(sp.step, sp.n, end);
  sysFromBuckets(st, ts, cols, end);
  return cols;
}

function sysChart(st: WindowState, ts: readonly Target[], seconds: number, points: number): (number | null)[] {
  const c = sysColumns(st, ts, seconds, points);
  if (c === null) return nulls(points);
  if (c instanceof Columns) return c.values();
  return (c.values ??= c.cols.values());
}

/**
 * chart(), written into a Float64Array the caller keeps (NaN where chart() has null) and returned; a new
 * one when `out` is not `points` long. For a view that draws the values at once, ten times a second:
 * chart()'s answer is an array of boxed numbers made new whenever a sample arrives, as it must be (its
 * callers may keep it); this one is the caller's own, and rewriting it allocates nothing.
 */
export function chartInto(st: WindowState, series: SeriesName, subject: string, seconds: number, points: number, out?: Float64Array): Float64Array {
  const n = countOf(points);
  const o = out !== undefined && out.length === n ? out : new Float64Array(n);
  const t = resolve(st, series, subject);
  if (t === null) return o.fill(NaN);
  if (t.proc) {
    const v = chart(st, series, subject, seconds, points);
    for (let k = 0; k < n; k++) o[k] = v[k] ?? NaN;
    return o;
  }
  return sysInto(sysColumns(st, [t], seconds, points), o);
}

/** chartSum() into the caller's Float64Array, as chartInto(). */
export function chartSumInto(st: WindowState, series: SeriesName, subjects: readonly string[], seconds: number, points: number, out?: Float64Array): Float64Array {
  const n = countOf(points);
  const o = out !== undefined && out.length === n ? out : new Float64Array(n);
  return sysInto(sysColumns(st, sumTargets(st, series, subjects), seconds, points), o);
}

function sysInto(c: LiveChart | Columns | null, o: Float64Array): Float64Array {
  if (c === null) return o.fill(NaN);
  (c instanceof Columns ? c : c.cols).valuesInto(o);
  return o;
}

export function chart(st: WindowState, series: SeriesName, subject: string, seconds: number, points: number): (number | null)[] {
  const t = resolve(st, series, subject);
  if (t === null) return nulls(points);
  if (!t.proc) return sysChart(st, [t], seconds, points);
  const sp = span(seconds, points);
  if (sp === null || st.list.tail === null) return nulls(points);
  const end = st.latestMono;
  const cols = scratchColumns(sp.step, sp.n, end);
  const start = cols.start;
  const fineFrom = st.fineFrom;
  for (let b: SecondBucket | null = st.list.tail; b !== null && b.sec >= fineFrom && (b.sec + 1) * 1000 > start; b = b.prev) {
    const a = b.proc;
    if (a !== null && t.base < a.length && a[t.base + W] > 0) {
      cols.add(b.sec * 1000, Math.min((b.sec + 1) * 1000, end), a[t.base + W], a[t.base + S]);
    }
  }
  const C = st.opt.procCoarseSeconds;
  for (let c = st.coarse.tail; c !== null; c = c.prev) {
    // An open coarse bucket holds only the seconds already folded: those before fineFrom.
    const e = Math.min(c.sec + C, fineFrom) * 1000;
    if (e <= start) break;
    if (t.base < c.proc.length && c.proc[t.base + W] > 0) cols.add(c.sec * 1000, e, c.proc[t.base + W], c.proc[t.base + S]);
  }
  return cols.values();
}

/**
 * The sum over several subjects of a system series (all interfaces' received bytes/s): one column is
 * the time-weighted average of Σ subjects, a subject without a value at some moment adding nothing then.
 * One walk for all subjects, where summing per-subject charts walked the ring once per subject.
 */
export function chartSum(st: WindowState, series: SeriesName, subjects: readonly string[], seconds: number, points: number): (number | null)[] {
  return sysChart(st, sumTargets(st, series, subjects), seconds, points);
}

function sumTargets(st: WindowState, series: SeriesName, subjects: readonly string[]): Target[] {
  const ts: Target[] = [];
  for (let i = 0; i < subjects.length; i++) {
    const t = resolve(st, series, subjects[i]);
    if (t !== null && !t.proc) ts.push(t);
  }
  return ts;
}
