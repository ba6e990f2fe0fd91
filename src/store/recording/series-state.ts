import type { Statement } from 'better-sqlite3';
import { fromBig } from '../../model/counter';
import { decodeRow, NO_CLOCKS, RowClocks, Stored, Val } from './codec';
import type { SeriesSpec } from './series';

export interface Entity {
  e: number;
  ident: Val[];
  first_s: number;
  last_s: number | null;
}

/**
 * Identity rows of one entity table, looked up by e and cached. An entity whose last_s is still NULL may be
 * closed later by a live recorder, so those entries are dropped by refresh().
 */
export class EntityCache {
  private readonly byE = new Map<number, Entity>();

  /**
   * `get`: the entity's row by e as [e, ...identity columns (`width` of them), first_s, last_s], raw,
   * with safe integers (walker.ts Tables names these columns: see columns.ts).
   */
  constructor(
    private readonly get: Statement,
    private readonly width: number,
  ) {}

  entity(e: number): Entity {
    let ent = this.byE.get(e);
    if (ent === undefined) {
      const r = this.get.get(e) as Stored[] | undefined;
      if (r === undefined) throw new Error(`missing entity ${e}`);
      // Integers as Counters: exact (a socket cookie can pass 2^53), numbers for everything that fits.
      const ident = r.slice(1, 1 + this.width).map((v) => (typeof v === 'bigint' ? fromBig(v) : (v as Val)));
      const last = r[2 + this.width];
      ent = { e, ident, first_s: Number(r[1 + this.width]), last_s: last === null ? null : Number(last) };
      if (this.byE.size > 100_000) this.byE.clear();
      this.byE.set(e, ent);
    }
    return ent;
  }

  refresh(): void {
    for (const [e, ent] of this.byE) if (ent.last_s === null) this.byE.delete(e);
  }
}

export function alive(ent: Entity, s: number): boolean {
  return ent.first_s <= s && (ent.last_s === null || ent.last_s >= s);
}

/** The decoded current values of every entity of one series, as rows are applied in order. */
export class SeriesState {
  readonly vals = new Map<number, Val[]>();
  readonly offset: number;

  constructor(readonly spec: SeriesSpec) {
    // Stored rows are [s, k, ...] for sys and [s, e, k, ...] for entity series and their parts.
    this.offset = spec.entity === null && spec.owner === undefined ? 2 : 3;
  }

  clear(): void {
    this.vals.clear();
  }

  apply(row: Stored[], clocks: RowClocks = NO_CLOCKS): void {
    const e = this.offset === 2 ? 0 : Number(row[1]);
    const abs = Number(row[this.offset - 1]) === 1;
    const prev = this.vals.get(e) ?? null;
    const out: Val[] = new Array(this.spec.values.length);
    decodeRow(this.spec.values, row, this.offset, abs, prev, out, clocks);
    this.vals.set(e, out);
  }
}
