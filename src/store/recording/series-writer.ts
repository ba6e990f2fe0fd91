import type { Database, Statement } from 'better-sqlite3';
import { Col, encodeRow, NO_CLOCKS, RowClocks, sameShapeCols, Val } from './codec';
import type { Item } from './flatten';
import type { SeriesSpec } from './series';

interface Live {
  e: number;
  ident: Val[];
  vals: Val[];
  /** A difference row was written since the latest absolute row: the next keyframe needs a new one. */
  dirty: boolean;
  /** The sample of the latest absolute row. */
  absS: number;
  /** The last write() that had this entity (a counter, so that no set of keys is built per tick). */
  seen: number;
}

function sameIdent(a: Val[], b: Val[]): boolean {
  if (a === b) return true; // an idle process's cached item: the very array written last
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An entity carried over keyframe s, and the sample of its absolute row. */
export type Carried = [e: number, absS: number];

/**
 * keyframe_carry.es at keyframe s: entries `E:B` by ascending entity id, E the id (the first) or its
 * difference from the previous one, B how many samples before s its absolute row is, left out when it
 * is the previous entry's B ("16:600,1,1,2:1200,1" = 16 and 17 and 18 at s − 600, 20 and 21 at s − 1200).
 */
export function carryList(carried: Carried[], s: number): string {
  carried.sort((a, b) => a[0] - b[0]);
  const out = new Array<string>(carried.length);
  let prevB = -1;
  for (let i = 0; i < carried.length; i++) {
    const d = i === 0 ? carried[0][0] : carried[i][0] - carried[i - 1][0];
    const b = s - carried[i][1];
    out[i] = b === prevB ? String(d) : `${d}:${b}`;
    prevB = b;
  }
  return out.join(',');
}

export function parseCarryList(text: string, s: number): Carried[] {
  const out: Carried[] = [];
  let e = 0;
  let b = -1;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?::(\d+))?$/.exec(part);
    if (m === null || (m[2] === undefined && b < 0)) throw new Error(`bad keyframe_carry list at ${s}`);
    e = out.length === 0 ? Number(m[1]) : e + Number(m[1]);
    if (m[2] !== undefined) b = Number(m[2]);
    out.push([e, s - b]);
  }
  return out;
}

/**
 * Writes one series: an entity row when an entity first appears (or its identity changes: an exec, a
 * re-created interface), its last sample when it disappears, and a value row only when something changed
 * (absolute for new entities and at keyframes, a difference otherwise). At a keyframe an entity that has
 * not changed since its latest absolute row gets no row: it is listed in keyframe_carry instead, so idle
 * processes cost nothing once written. A series of another series' entities (spec.owner) is keyed by
 * the ids its items carry and has no entity table of its own.
 */
export class SeriesWriter {
  private live = new Map<string, Live>();
  private lastTick: number | null = null;
  private writes = 0;
  private readonly insertRow: Statement;
  private readonly insertEntity: Statement | null;
  private readonly closeEntity: Statement | null;
  private readonly insertCarry: Statement;
  private readonly keyed: boolean;
  /** spec.values in one object shape (see sameShapeCols: encodeRow met the three one by one, a recompile each). */
  private readonly cols: Col[];
  rows = 0;

  constructor(db: Database, private readonly spec: SeriesSpec) {
    const q = (n: number): string => new Array(n).fill('?').join(', ');
    this.keyed = spec.entity !== null || spec.owner !== undefined;
    this.cols = sameShapeCols(spec.values);
    // Columns by name: a file whose columns are in another order, or that gained columns this vigil does
    // not know, is written correctly (see columns.ts for the reading side).
    const names = [...(this.keyed ? ['s', 'e', 'k'] : ['s', 'k']), ...spec.values.map((c) => c.name)];
    this.insertRow = db.prepare(`INSERT INTO ${spec.table} (${names.join(', ')}) VALUES (${q(names.length)})`);
    this.insertCarry = db.prepare('INSERT INTO keyframe_carry (s, tbl, es) VALUES (?, ?, ?)');
    if (spec.entity === null) {
      this.insertEntity = this.closeEntity = null;
    } else {
      const ent = spec.entity;
      this.insertEntity = db.prepare(`INSERT INTO ${ent.table} (${ent.columns.map((c) => c.name).join(', ')}, first_s) VALUES (${q(ent.columns.length + 1)})`);
      this.closeEntity = db.prepare(`UPDATE ${ent.table} SET last_s = ? WHERE e = ?`);
    }
  }

  /** Forget all entities: a new session starts from scratch. */
  reset(): void {
    this.live.clear();
    this.lastTick = null;
  }

  /**
   * `clocks`: the tick's times that ra and rg columns are stored against (process tables: see codec).
   * Returns the entity id of each item, in order (for the series that share these entities).
   */
  write(s: number, items: Item[], keyframe: boolean, clocks: RowClocks = NO_CLOCKS): number[] {
    const w = ++this.writes;
    let seen = 0;
    const es = new Array<number>(items.length);
    const carried: Carried[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      let l = this.live.get(it.key);
      if (l !== undefined && l.seen !== w) {
        l.seen = w;
        seen++;
      }
      if (l !== undefined && !sameIdent(l.ident, it.ident)) {
        this.close(l);
        l = undefined;
      }
      if (l === undefined) {
        let e = it.e ?? 0;
        if (this.insertEntity !== null) e = Number(this.insertEntity.run(...it.ident.map(bindIdent), s).lastInsertRowid);
        // Replacing an entity of the same key seen earlier in this write leaves the count as it was.
        if (!this.live.has(it.key)) seen++;
        l = { e, ident: it.ident, vals: it.vals, dirty: false, absS: s, seen: w };
        this.live.set(it.key, l);
        this.put(s, l.e, encodeRow(this.cols, it.vals, null, true, clocks));
        es[i] = e;
        continue;
      }
      es[i] = l.e;
      if (it.vals === l.vals) {
        // The very array written last (an idle process's cached row: see RecordingWriter.flat), so nothing
        // changed: encodeRow would return null. Only a keyframe may still want a row, or a carry entry.
        if (!keyframe) continue;
        if (this.keyed && !l.dirty) {
          carried.push([l.e, l.absS]);
          continue;
        }
      }
      if (keyframe && this.keyed && !l.dirty) {
        // Unchanged since its latest absolute row: carried, unless it changed now (then that row is absolute).
        const row = encodeRow(this.cols, it.vals, l.vals, false, clocks);
        if (row === null) carried.push([l.e, l.absS]);
        else {
          this.put(s, l.e, encodeRow(this.cols, it.vals, null, true, clocks));
          l.absS = s;
        }
        l.vals = it.vals;
        continue;
      }
      const row = encodeRow(this.cols, it.vals, l.vals, keyframe, clocks);
      if (row !== null) {
        this.put(s, l.e, row);
        l.dirty = row.k === 0;
        if (row.k === 1) l.absS = s;
      }
      l.vals = it.vals;
    }
    if (carried.length > 0) this.insertCarry.run(s, this.spec.table, carryList(carried, s));
    if (this.live.size !== seen) {
      for (const [key, l] of this.live) {
        if (l.seen === w) continue;
        this.close(l);
        this.live.delete(key);
      }
    }
    this.lastTick = s;
    return es;
  }

  /** Whether the entity of this key has rows (is being written). */
  has(key: string): boolean {
    return this.live.has(key);
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
    if (this.keyed) this.insertRow.run(s, e, row.k, ...row.vals);
    else this.insertRow.run(s, row.k, ...row.vals);
    this.rows++;
  }
}

function bindIdent(v: Val): unknown {
  return typeof v === 'bigint' ? BigInt.asIntN(64, v) : v;
}
