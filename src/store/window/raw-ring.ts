/**
 * The last samples of the system family at full resolution (100 ms), for charts of the last minute that
 * 1 s buckets would blur. A ring of rows: one row per Snapshot (its monotonic end time, the ms it speaks
 * for, and one value per system slot). A slot without a value in a row holds NaN: an internal "absent"
 * marker that readers skip; it never reaches a bucket or an answer.
 */
export class RawRing {
  mono: Float64Array;
  wt: Float64Array;
  vals: Float64Array;
  /** Rows written and not overwritten. */
  count = 0;
  /** Rows ever written; with `epoch`, lets a reader take only the rows added since it last looked. */
  written = 0;
  /** Bumped whenever rows already written change or go (a reset, a slot cleared). */
  epoch = 0;
  /** Next row to write. */
  private next = 0;
  /** Monotonic ms before which the ring holds nothing (rows overwritten, or history bulk-loaded). */
  coveredFrom = -Infinity;

  constructor(readonly capacity: number, public cols: number) {
    this.mono = new Float64Array(capacity);
    this.wt = new Float64Array(capacity);
    this.vals = new Float64Array(capacity * cols).fill(NaN);
  }

  /** Starts a row for a sample ending at monoMs that speaks for w ms; returns the row index. */
  begin(monoMs: number, w: number): number {
    const row = this.next;
    if (this.count === this.capacity) {
      // The row about to be overwritten leaves the ring: nothing before its end is complete any more.
      this.coveredFrom = Math.max(this.coveredFrom, this.mono[row]);
    } else {
      this.count++;
    }
    this.next = (row + 1) % this.capacity;
    this.written++;
    this.mono[row] = monoMs;
    this.wt[row] = w;
    this.vals.fill(NaN, row * this.cols, (row + 1) * this.cols);
    return row;
  }

  /** Row index of the i-th newest row (0 = newest). */
  rowAt(i: number): number {
    return (this.next - 1 - i + 2 * this.capacity) % this.capacity;
  }

  /** Every row's value of one slot becomes "absent" (the slot is being given to another subject). */
  clearSlot(slot: number): void {
    for (let row = 0; row < this.capacity; row++) this.vals[row * this.cols + slot] = NaN;
    this.epoch++;
  }

  grow(cols: number): void {
    if (cols <= this.cols) return;
    const vals = new Float64Array(this.capacity * cols).fill(NaN);
    for (let row = 0; row < this.capacity; row++) {
      vals.set(this.vals.subarray(row * this.cols, (row + 1) * this.cols), row * cols);
    }
    this.vals = vals;
    this.cols = cols;
  }

  /** Forget every row (a seek, or buckets bulk-loaded up to monoMs). */
  reset(coveredFrom: number): void {
    this.epoch++;
    this.count = 0;
    this.next = 0;
    this.coveredFrom = coveredFrom;
  }
}
