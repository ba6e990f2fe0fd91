/**
 * Chart series: the last `seconds` ending at the newest sample, cut into `points` equal columns, each the
 * time-weighted average of the data overlapping it, or null where there is none (a gap shows as a gap).
 * Each piece of data is spread over the time it covers — a raw sample over its interval, a bucket over
 * its second (or a coarse bucket over its width) — so columns narrower than a bucket draw a step rather
 * than holes, and columns wider than a sample average rather than pick one.
 *
 * System series come from the raw ring while it holds the whole span (the last minute at 100 ms by
 * default), otherwise from the 1 s buckets; process series from fine then coarse buckets.
 */
import type { SecondBucket } from './bucket-list';
import { S, W } from './cells';
import { resolve, type Target } from './query';
import type { SeriesName } from './series';
import type { WindowState } from './state';

export class Columns {
  readonly cw: Float64Array;
  readonly cs: Float64Array;
  private readonly step: number;

  constructor(readonly start: number, readonly end: number, readonly n: number) {
    this.cw = new Float64Array(n);
    this.cs = new Float64Array(n);
    this.step = (end - start) / n;
  }

  /** Data of weight w and weighted sum s spread uniformly over [x0, x1). */
  add(x0: number, x1: number, w: number, s: number): void {
    const { start, end, step, n } = this;
    if (!(step > 0)) {
      if (x1 >= start) this.put(n - 1, w, s);
      return;
    }
    if (x1 <= x0) {
      if (x0 < start || x0 > end) return;
      this.put(Math.min(n - 1, Math.floor((x0 - start) / step)), w, s);
      return;
    }
    const lo = Math.max(x0, start);
    const hi = Math.min(x1, end);
    if (hi <= lo) return;
    const span = x1 - x0;
    for (let i = Math.min(n - 1, Math.floor((lo - start) / step)); i < n; i++) {
      const c0 = start + i * step;
      const c1 = i === n - 1 ? end : c0 + step;
      const ov = Math.min(hi, c1) - Math.max(lo, c0);
      if (ov > 0) this.put(i, (w * ov) / span, (s * ov) / span);
      if (c1 >= hi) break;
    }
  }

  private put(i: number, w: number, s: number): void {
    this.cw[i] += w;
    this.cs[i] += s;
  }

  values(): (number | null)[] {
    const out = new Array<number | null>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.cw[i] > 0 ? this.cs[i] / this.cw[i] : null;
    return out;
  }
}

export function chart(st: WindowState, series: SeriesName, subject: string, seconds: number, points: number): (number | null)[] {
  const n = Number.isFinite(points) ? Math.max(0, Math.floor(points)) : 0;
  const t = resolve(st, series, subject);
  if (n === 0 || t === null || st.list.tail === null || !Number.isFinite(seconds) || seconds <= 0) {
    return new Array<number | null>(n).fill(null);
  }
  const end = st.latestMono;
  const start = end - seconds * 1000;
  const cols = new Columns(start, end, n);
  if (!t.proc) {
    const ring = st.ring;
    if (ring.count > 0 && ring.coveredFrom <= start) {
      for (let i = 0; i < ring.count; i++) {
        const row = ring.rowAt(i);
        const m = ring.mono[row];
        if (m <= start) break;
        const v = ring.vals[row * ring.cols + t.slot];
        if (v !== v) continue; // NaN: no value for this slot in this sample
        const w = ring.wt[row];
        cols.add(m - w, m, w, v * w);
      }
      return cols.values();
    }
    for (let b: SecondBucket | null = st.list.tail; b !== null && (b.sec + 1) * 1000 > start; b = b.prev) {
      if (t.base < b.sys.length && b.sys[t.base + W] > 0) {
        cols.add(b.sec * 1000, Math.min((b.sec + 1) * 1000, end), b.sys[t.base + W], b.sys[t.base + S]);
      }
    }
    return cols.values();
  }
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
  const n = Number.isFinite(points) ? Math.max(0, Math.floor(points)) : 0;
  const ts: Target[] = [];
  for (const s of subjects) {
    const t = resolve(st, series, s);
    if (t !== null && !t.proc) ts.push(t);
  }
  if (n === 0 || ts.length === 0 || st.list.tail === null || !Number.isFinite(seconds) || seconds <= 0) {
    return new Array<number | null>(n).fill(null);
  }
  const end = st.latestMono;
  const start = end - seconds * 1000;
  const cols = new Columns(start, end, n);
  const ring = st.ring;
  if (ring.count > 0 && ring.coveredFrom <= start) {
    for (let i = 0; i < ring.count; i++) {
      const row = ring.rowAt(i);
      const m = ring.mono[row];
      if (m <= start) break;
      let sum = 0;
      let any = false;
      for (let k = 0; k < ts.length; k++) {
        const v = ring.vals[row * ring.cols + ts[k].slot];
        if (v === v) {
          sum += v;
          any = true;
        }
      }
      if (!any) continue;
      const w = ring.wt[row];
      cols.add(m - w, m, w, sum * w);
    }
    return cols.values();
  }
  // From buckets: a bucket's sum is Σ of its subjects' averages, weighted by the most-covered subject.
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
  return cols.values();
}
