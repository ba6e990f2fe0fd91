import type { Statement } from 'better-sqlite3';
import type { Stored } from './codec';

/**
 * Rows of one table in sample order, fetched in bounded chunks of sample ids: memory stays flat whatever
 * the length of the recording, and no read transaction outlives a chunk (a long one would keep a live
 * recorder from checkpointing). better-sqlite3 allows one running iterator per connection, so each chunk
 * is drained before the next table is asked.
 */
export class RowSource {
  private buf: Stored[][] = [];
  private i = 0;
  private loadedTo = -1;

  constructor(
    private readonly stmt: Statement,
    private readonly to: number,
    private readonly chunk: number,
  ) {}

  /** Calls fn for every row of sample s, in key order. s must not decrease between calls. */
  take(s: number, fn: (row: Stored[]) => void): void {
    for (;;) {
      if (this.i < this.buf.length) {
        const row = this.buf[this.i];
        const rs = Number(row[0]);
        if (rs > s) return;
        this.i++;
        if (rs === s) fn(row);
        continue;
      }
      if (s <= this.loadedTo || s > this.to) return;
      const from = s;
      const upTo = Math.min(this.to, from + this.chunk - 1);
      this.buf = [];
      this.i = 0;
      for (const r of this.stmt.iterate(from, upTo)) this.buf.push(r as Stored[]);
      this.loadedTo = upTo;
    }
  }
}
