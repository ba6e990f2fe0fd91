import type { Database, Statement } from 'better-sqlite3';
import { encodeRow, NO_CLOCKS, RowClocks, Val } from './codec';
import type { Item } from './flatten';
import type { SeriesSpec } from './series';

interface Live {
  e: number;
  ident: Val[];
  vals: Val[];
}

function sameIdent(a: Val[], b: Val[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes one series: an entity row when an entity first appears (or its identity changes: an exec, a
 * re-created interface), its last sample when it disappears, and a value row only when something changed
 * (absolute at keyframes and for new entities, a difference otherwise).
 */
export class SeriesWriter {
  private live = new Map<string, Live>();
  private lastTick: number | null = null;
  private readonly insertRow: Statement;
  private readonly insertEntity: Statement | null;
  private readonly closeEntity: Statement | null;
  rows = 0;

  constructor(db: Database, private readonly spec: SeriesSpec) {
    const nv = spec.values.length;
    const q = (n: number): string => new Array(n).fill('?').join(', ');
    if (spec.entity === null) {
      this.insertRow = db.prepare(`INSERT INTO ${spec.table} VALUES (?, ?, ${q(nv)})`);
      this.insertEntity = this.closeEntity = null;
    } else {
      const ent = spec.entity;
      this.insertRow = db.prepare(`INSERT INTO ${spec.table} VALUES (?, ?, ?, ${q(nv)})`);
      this.insertEntity = db.prepare(`INSERT INTO ${ent.table} (${ent.columns.map((c) => c.name).join(', ')}, first_s) VALUES (${q(ent.columns.length + 1)})`);
      this.closeEntity = db.prepare(`UPDATE ${ent.table} SET last_s = ? WHERE e = ?`);
    }
  }

  /** Forget all entities: a new session starts from scratch. */
  reset(): void {
    this.live.clear();
    this.lastTick = null;
  }

  /** `clocks`: the tick's times that ra and rg columns are stored against (process tables: see codec). */
  write(s: number, items: Item[], keyframe: boolean, clocks: RowClocks = NO_CLOCKS): void {
    const seen = new Set<string>();
    for (const it of items) {
      seen.add(it.key);
      let l = this.live.get(it.key);
      if (l !== undefined && !sameIdent(l.ident, it.ident)) {
        this.close(l);
        l = undefined;
      }
      if (l === undefined) {
        const e = this.insertEntity === null ? 0 : Number(this.insertEntity.run(...it.ident.map(bindIdent), s).lastInsertRowid);
        l = { e, ident: it.ident, vals: it.vals };
        this.live.set(it.key, l);
        this.put(s, l.e, encodeRow(this.spec.values, it.vals, null, true, clocks));
        continue;
      }
      const row = encodeRow(this.spec.values, it.vals, l.vals, keyframe, clocks);
      if (row !== null) this.put(s, l.e, row);
      l.vals = it.vals;
    }
    if (this.live.size !== seen.size) {
      for (const [key, l] of this.live) {
        if (seen.has(key)) continue;
        this.close(l);
        this.live.delete(key);
      }
    }
    this.lastTick = s;
  }

  /** At a clean end: every entity still alive was last seen on the last tick. */
  closeAll(): void {
    for (const l of this.live.values()) this.close(l);
    this.live.clear();
  }

  private close(l: Live): void {
    if (this.closeEntity !== null && this.lastTick !== null) this.closeEntity.run(this.lastTick, l.e);
  }

  private put(s: number, e: number, row: { k: 0 | 1; vals: unknown[] } | null): void {
    if (row === null) return;
    if (this.spec.entity === null) this.insertRow.run(s, row.k, ...row.vals);
    else this.insertRow.run(s, e, row.k, ...row.vals);
    this.rows++;
  }
}

function bindIdent(v: Val): unknown {
  return typeof v === 'bigint' ? BigInt.asIntN(64, v) : v;
}
