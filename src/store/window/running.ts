/**
 * Running sums (Σw and Σv·w per system slot) over the closed buckets of a few fixed windows (10 s, 1 min,
 * 5 min, 15 min, 1 h by default), so that the averages alerts and panes ask for every frame cost O(1)
 * instead of a walk over up to 3600 buckets. Each window keeps a cursor on its oldest included bucket:
 * when a second closes it is added, and buckets that slid out are subtracted as the cursor moves on.
 * Sums are compensated (Neumaier) and recomputed from the buckets every `recomputeEvery` seconds, so
 * after hours of adding and subtracting they still match a fresh sum to a few ulps.
 *
 * Compensation is not exact: its error grows with the mass that went through (Σ|x| added and
 * subtracted), not with the result. When a burst of 1e12 B/s has slid out and only small values
 * remain, the result can be 15 orders of magnitude below that mass; then the slot is repaired on read
 * by summing its buckets afresh. `mag` tracks that mass per slot.
 */
import type { SecondBucket } from './bucket-list';
import { Acc, CELL, nAdd, S, W } from './cells';

const scratch = new Acc();

export class RunningSums {
  /** Per tracked window j, per slot: Σw, its compensation, Σv·w, its compensation. */
  private w: Float64Array[];
  private wc: Float64Array[];
  private s: Float64Array[];
  private sc: Float64Array[];
  /** Σ|x| that went into w and s since they were last computed from scratch. */
  private magW: Float64Array[];
  private magS: Float64Array[];
  /** Oldest closed bucket inside window j, or null when only the open tail bucket is inside. */
  private start: (SecondBucket | null)[];
  private rolls = 0;
  /** Set by bulk loads, which skip the per-second bookkeeping; the next read or live roll rebuilds. */
  private stale = false;

  constructor(readonly windows: readonly number[], private cap: number, private readonly recomputeEvery: number) {
    this.w = windows.map(() => new Float64Array(cap));
    this.wc = windows.map(() => new Float64Array(cap));
    this.s = windows.map(() => new Float64Array(cap));
    this.sc = windows.map(() => new Float64Array(cap));
    this.magW = windows.map(() => new Float64Array(cap));
    this.magS = windows.map(() => new Float64Array(cap));
    this.start = windows.map(() => null);
  }

  /** Index of the tracked window of n seconds, or -1. */
  index(n: number): number {
    return this.windows.indexOf(n);
  }

  /**
   * [Σw, Σv·w] of slot over window j's closed buckets. When cancellation has eaten the precision (the
   * result is ≤ 1e-12 of the mass that went through), the slot is summed afresh from its buckets.
   */
  read(j: number, slot: number, tail: SecondBucket, out: Float64Array): void {
    if (slot >= this.cap) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    let w = this.w[j][slot] + this.wc[j][slot];
    let s = this.s[j][slot] + this.sc[j][slot];
    if (Math.abs(w) < 1e-12 * this.magW[j][slot] || Math.abs(s) < 1e-12 * this.magS[j][slot]) {
      this.repair(j, slot, tail);
      w = this.w[j][slot];
      s = this.s[j][slot];
    }
    out[0] = w;
    out[1] = s;
  }

  private repair(j: number, slot: number, tail: SecondBucket): void {
    const base = slot * CELL;
    const acc = scratch.reset();
    let mass = 0;
    for (let b = this.start[j]; b !== null && b !== tail; b = b.next) {
      if (base >= b.sys.length) continue;
      acc.addCell(b.sys, base);
      mass += Math.abs(b.sys[base + S]);
    }
    this.w[j][slot] = acc.weight;
    this.wc[j][slot] = 0;
    this.s[j][slot] = acc.sum;
    this.sc[j][slot] = 0;
    this.magW[j][slot] = acc.weight;
    this.magS[j][slot] = mass;
  }

  /**
   * `closed` stopped being the tail; `tail` (second `now`) is the new one. Adds closed to the windows
   * it falls in, then moves each cursor past buckets older than now − N + 1.
   */
  roll(closed: SecondBucket | null, tail: SecondBucket, slots: number, bulk = false): void {
    if (bulk) {
      this.stale = true;
      return;
    }
    if (this.stale) {
      this.rebuild(tail, slots);
      return;
    }
    const now = tail.sec;
    for (let j = 0; j < this.windows.length; j++) {
      const from = now - this.windows[j] + 1;
      if (closed !== null && closed.sec >= from) {
        this.addBucket(j, closed, slots, 1);
        if (this.start[j] === null) this.start[j] = closed;
      }
      let b = this.start[j];
      while (b !== null && b !== tail && b.sec < from) {
        this.addBucket(j, b, slots, -1);
        b = b.next;
      }
      if (b === tail || b === null) {
        // Nothing closed is inside: the exact sum is zero, whatever rounding the subtractions left.
        this.zeroWindow(j);
        b = null;
      }
      this.start[j] = b;
    }
    if (++this.rolls >= this.recomputeEvery) this.recompute(tail, slots);
  }

  /** Before a read: catch up after a bulk load (cursors found by walking back from the tail). */
  ensure(tail: SecondBucket, slots: number): void {
    if (this.stale) this.rebuild(tail, slots);
  }

  private rebuild(tail: SecondBucket, slots: number): void {
    this.stale = false;
    for (let j = 0; j < this.windows.length; j++) {
      const from = tail.sec - this.windows[j] + 1;
      let start: SecondBucket | null = null;
      for (let b = tail.prev; b !== null && b.sec >= from; b = b.prev) start = b;
      this.start[j] = start;
    }
    this.recompute(tail, slots);
  }

  /** Recomputes every window from its buckets, discarding accumulated rounding. */
  recompute(tail: SecondBucket, slots: number): void {
    this.rolls = 0;
    for (let j = 0; j < this.windows.length; j++) {
      this.zeroWindow(j);
      for (let b = this.start[j]; b !== null && b !== tail; b = b.next) this.addBucket(j, b, slots, 1);
    }
  }

  private addBucket(j: number, b: SecondBucket, slots: number, sign: 1 | -1): void {
    const a = b.sys;
    const n = Math.min(slots, this.cap, a.length / CELL);
    const w = this.w[j];
    const wc = this.wc[j];
    const s = this.s[j];
    const sc = this.sc[j];
    const mw = this.magW[j];
    const ms = this.magS[j];
    for (let slot = 0; slot < n; slot++) {
      const base = slot * CELL;
      const cw = a[base + W];
      if (cw === 0) continue;
      const cs = a[base + S];
      nAdd(w, wc, slot, sign * cw);
      nAdd(s, sc, slot, sign * cs);
      mw[slot] += cw;
      ms[slot] += Math.abs(cs);
    }
  }

  private zeroWindow(j: number): void {
    this.w[j].fill(0);
    this.wc[j].fill(0);
    this.s[j].fill(0);
    this.sc[j].fill(0);
    this.magW[j].fill(0);
    this.magS[j].fill(0);
  }

  grow(cap: number): void {
    if (cap <= this.cap) return;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.w = this.w.map(g);
    this.wc = this.wc.map(g);
    this.s = this.s.map(g);
    this.sc = this.sc.map(g);
    this.magW = this.magW.map(g);
    this.magS = this.magS.map(g);
    this.cap = cap;
  }

  /** A recycled slot starts from exact zeros (its data has left every window already). */
  zero(slot: number): void {
    for (let j = 0; j < this.windows.length; j++) {
      this.w[j][slot] = 0;
      this.wc[j][slot] = 0;
      this.s[j][slot] = 0;
      this.sc[j][slot] = 0;
      this.magW[j][slot] = 0;
      this.magS[j][slot] = 0;
    }
  }

  clear(): void {
    for (let j = 0; j < this.windows.length; j++) {
      this.zeroWindow(j);
      this.start[j] = null;
    }
    this.rolls = 0;
    this.stale = false;
  }

  get bytes(): number {
    return this.windows.length * 6 * this.cap * 8;
  }
}
