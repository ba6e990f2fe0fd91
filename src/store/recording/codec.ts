/**
 * How one value is stored. A row is either absolute (k = 1) or the difference from the same series's
 * previous row (k = 0); each column's kind says what "difference" means for it:
 *
 *   c   cumulative counter, u64: stored curr − prev modulo 2^64 as a signed 64-bit integer, so that even
 *       a u64 sentinel (2^64 − 1) or a reset round-trips exactly. Values are kept as Counter (number below
 *       2^53, bigint above); negative counters do not exist in /proc and would come back as u64.
 *   g   gauge (bytes, counts): stored curr − prev.
 *   f   two-decimal gauge (load, PSI averages, uptime) in hundredths: the kernel prints two decimals, and
 *       k / 100 is exactly the double that parsing "k/100" gives. A value with more decimals is stored as
 *       the REAL itself, in an absolute row.
 *   r   raw integer, always absolute, and left out of change detection (values that jitter).
 *   ra  a monotonic time (bigint ns), stored as its age: the row's clock minus the time. Left out of
 *       change detection; decoded back to the time itself, so a row skipped as unchanged keeps the exact
 *       time of the read it was written for (which is what its values belong to).
 *   rg  a gap in ns, like r, but in difference rows stored minus the tick's own gap on the column's
 *       clock (the process table's interval), which makes the usual value 0: the distance back to the
 *       previous slow-tier or connections-tier read.
 *   t   text: absolute in absolute rows; in difference rows NULL means unchanged.
 *   pc, pg  a value stored relative to another column of the same row (`ref`): base − value, or the value
 *       itself when the base is null. Used for the process's previous slow-tier read.
 *
 * Reading uses `.safeIntegers()`: integers come back as bigint, REALs as number.
 */
import { Counter, fromBig } from '../../model/counter';
import { newRow, packed } from './new-row';

export type Kind = 'c' | 'g' | 'f' | 'r' | 'ra' | 'rg' | 't' | 'pc' | 'pg';
export interface Col {
  name: string;
  kind: Kind;
  /** For pc/pg: index of the base column in the same row. */
  ref?: number;
  /** For ra/rg: which of the row's clocks (RowClocks) the value is stored against; default 0. */
  clock?: number;
}

/**
 * The times of one tick that ra and rg columns are stored against, one per clock (the process table's
 * read; the connections-tier read the table was joined with): `base` for ra, `gap` (ns since the
 * series's previous tick on the same clock) for rg.
 */
export interface RowClocks {
  base: readonly bigint[];
  gap: readonly number[];
}
export const NO_CLOCKS: RowClocks = rowClocks([], []);

/** A tick's clocks, in arrays of one elements kind whatever they hold (see new-row.ts). */
export function rowClocks(base: readonly bigint[], gap: readonly number[]): RowClocks {
  return { base: packed(base), gap: packed(gap) };
}

/** A value as the model holds it. */
export type Val = Counter | string | null;
/** A value as SQLite hands it back with safeIntegers on. */
export type Stored = bigint | number | string | null | Buffer;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/** curr − prev as stored for a counter: exact, wrapping modulo 2^64. */
function counterDiff(curr: Counter, prev: Counter): number | bigint {
  if (typeof curr === 'number' && typeof prev === 'number') return curr - prev;
  return BigInt.asIntN(64, BigInt(curr) - BigInt(prev));
}

/** prev + d for a counter, back in the u64 range, canonical Counter. */
function counterApply(prev: Counter, d: bigint | number): Counter {
  if (typeof prev === 'number') {
    const dn = typeof d === 'number' ? d : d >= -MAX_SAFE_BIG && d <= MAX_SAFE_BIG ? Number(d) : NaN;
    const r = prev + dn;
    if (r >= 0 && r <= MAX_SAFE) return r;
  }
  return fromBig(BigInt.asUintN(64, BigInt(prev) + BigInt(d)));
}

/** A u64 counter as an int64 for binding. */
function counterBind(v: Counter): number | bigint {
  if (typeof v === 'number') return v;
  return BigInt.asIntN(64, v);
}

function counterFromStored(v: bigint | number): Counter {
  if (typeof v === 'number') return v;
  if (v >= 0n && v <= MAX_SAFE_BIG) return Number(v);
  return fromBig(BigInt.asUintN(64, v));
}

function num(v: bigint | number): number {
  return typeof v === 'number' ? v : Number(v);
}

/** Finite or null: NaN and Infinity never reach the file (better-sqlite3 would store NaN as NULL silently). */
function gate(v: Val): Val {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

function baseOf(clocks: RowClocks, col: Col): bigint {
  const b = clocks.base[col.clock ?? 0];
  if (b === undefined) throw new Error(`no clock for column ${col.name}`);
  return b;
}

/** v in hundredths when that is exact, else null. */
function centi(v: number): number | null {
  const c = Math.round(v * 100);
  return c / 100 === v ? c : null;
}

/**
 * Columns with every property present, in one order: one object shape for encodeRow to read (the series'
 * column literals, with and without `ref` and `clock`, are three).
 */
export function sameShapeCols(cols: readonly Col[]): Col[] {
  return cols.map((c) => ({ name: c.name, kind: c.kind, ref: c.ref, clock: c.clock }));
}

/**
 * Runs every branch of encodeRow a few times (absolute and difference rows, nulls, small and large
 * numbers, BigInts, text), with rows of the writer's own kinds. A recorder meets some branches only
 * minutes in (a counter past 2^53, a first two-decimal value, a column appearing), and each one met after
 * V8 optimised encodeRow threw the optimised code away: six to twelve compiles in the first minutes.
 * Primed, it is optimised once with feedback for every branch. Costs well under a millisecond, once.
 */
export function primeEncoder(): void {
  const kinds: Kind[] = ['c', 'g', 'f', 'r', 'ra', 'rg', 't', 'pc', 'pg'];
  const cols = sameShapeCols(kinds.map((kind) => (kind === 'pc' || kind === 'pg' ? { name: kind, kind, ref: 0 } : { name: kind, kind })));
  const clocks = rowClocks([1n << 40n], [1e9]);
  const rows: Val[][] = [
    [1, 2, 0.25, 3, 5n, 7, 'a', 0, 1],
    [2 ** 40, 2 ** 40, 0.5, 2 ** 40, 6n, 1e9, 'b', 2 ** 40, 2 ** 40 - 5],
    [2n ** 60n, 3, 0.125, 2n ** 60n, 7n, 1e9 + 1, 'b', 2n ** 60n, 1],
    [null, null, null, null, null, null, null, null, null],
    [3, 4, 1.5, 4, 8n, 9, 'c', 3, 2],
    [null, 4, 1.5, 4, 8n, 9, 'c', 3, 2], // a relative column without its base
  ].map((r) => packed(r));
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < rows.length; i++) {
      const prev = rows[(i + rows.length - 1) % rows.length];
      encodeRow(cols, rows[i], null, true, clocks);
      encodeRow(cols, rows[i], prev, false, clocks);
      encodeRow(cols, rows[i], rows[i], false, clocks);
      encodeRow(cols, rows[i], prev, true, clocks);
    }
  }
}

/**
 * Encodes one row. Returns null when the row may be skipped: not forced absolute and nothing that matters
 * changed since `prev`. A difference row is impossible when a counter or gauge appears (null → value):
 * then the row is absolute.
 */
export function encodeRow(
  cols: readonly Col[], curr: Val[], prev: Val[] | null, forceAbs: boolean, clocks: RowClocks = NO_CLOCKS,
): { k: 0 | 1; vals: unknown[] } | null {
  const n = cols.length;
  // Stored only when gated: a store on every value gave V8 new array maps to see (elements-kind
  // transitions), and encodeRow, which takes the rows of every series, was deoptimised over and over.
  for (let i = 0; i < n; i++) {
    const v = curr[i];
    if (typeof v === 'number' && !Number.isFinite(v)) curr[i] = gate(v);
  }
  let abs = forceAbs || prev === null;
  if (!abs) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const kind = cols[i].kind;
      const c = curr[i];
      const p = (prev as Val[])[i];
      if (kind !== 'r' && kind !== 'ra' && kind !== 'rg' && c !== p) changed = true;
      if ((kind === 'c' || kind === 'g' || kind === 'f') && p === null && c !== null) abs = true;
      if (kind === 'f' && c !== null && p !== null && (centi(c as number) === null || centi(p as number) === null)) abs = true;
    }
    if (!changed) return null;
  }
  // Pushed in column order into a newRow (one elements kind): stores into `new Array(n)` moved it from
  // small integers to doubles to anything, a new array map each time and a recompile of this function.
  const vals = newRow() as unknown[];
  for (let i = 0; i < n; i++) {
    const col = cols[i];
    const c = curr[i];
    if (c === null) {
      vals.push(null);
      continue;
    }
    switch (col.kind) {
      case 'c':
        vals.push(abs ? counterBind(c as Counter) : counterDiff(c as Counter, (prev as Val[])[i] as Counter));
        break;
      case 'g':
        vals.push(abs ? c : num(c as number) - num((prev as Val[])[i] as number));
        break;
      case 'f':
        vals.push(abs ? (centi(c as number) ?? c) : (centi(c as number) as number) - (centi((prev as Val[])[i] as number) as number));
        break;
      case 'r':
      case 'rg':
        vals.push(typeof c === 'bigint' ? BigInt.asIntN(64, c) : col.kind === 'rg' && !abs ? (c as number) - (clocks.gap[col.clock ?? 0] ?? 0) : c);
        break;
      case 'ra':
        vals.push(fromBig(baseOf(clocks, col) - BigInt(c as Counter)));
        break;
      case 't':
        vals.push(abs || c !== (prev as Val[])[i] ? c : null);
        break;
      case 'pc':
      case 'pg': {
        const base = curr[col.ref as number];
        if (base === null) vals.push(col.kind === 'pc' ? counterBind(c as Counter) : c);
        else vals.push(col.kind === 'pc' ? counterDiff(base as Counter, c as Counter) : num(base as number) - num(c as number));
        break;
      }
    }
  }
  return { k: abs ? 1 : 0, vals };
}

/**
 * Decodes one stored row into `out` (model values). `prev` is the series's previous decoded row, required
 * for a difference row (k = 0).
 */
export function decodeRow(
  cols: readonly Col[], stored: Stored[], offset: number, abs: boolean, prev: Val[] | null, out: Val[], clocks: RowClocks = NO_CLOCKS,
): void {
  const n = cols.length;
  if (!abs && prev === null) throw new Error('difference row without a base row');
  for (let i = 0; i < n; i++) {
    const col = cols[i];
    const v = stored[offset + i];
    if (v === null) {
      out[i] = col.kind === 't' && !abs ? (prev as Val[])[i] : null;
      continue;
    }
    if (Buffer.isBuffer(v)) throw new Error(`unexpected blob in column ${col.name}`);
    switch (col.kind) {
      case 'c':
        out[i] = abs ? counterFromStored(v as bigint) : counterApply((prev as Val[])[i] as Counter, v as bigint);
        break;
      case 'g':
        out[i] = abs ? num(v as bigint) : num((prev as Val[])[i] as number) + num(v as bigint);
        break;
      case 'f':
        if (typeof v !== 'bigint') out[i] = v as number;
        else out[i] = abs ? Number(v) / 100 : (Math.round(((prev as Val[])[i] as number) * 100) + Number(v)) / 100;
        break;
      case 'r':
        out[i] = fromBig(BigInt(v as bigint));
        break;
      case 'rg':
        out[i] = abs ? fromBig(BigInt(v as bigint)) : num(v as bigint) + (clocks.gap[col.clock ?? 0] ?? 0);
        break;
      case 'ra':
        out[i] = baseOf(clocks, col) - BigInt(v as bigint);
        break;
      case 't':
        out[i] = String(v);
        break;
      case 'pc':
      case 'pg': {
        const base = out[col.ref as number];
        if (base === null) out[i] = col.kind === 'pc' ? counterFromStored(v as bigint) : num(v as bigint);
        else if (col.kind === 'pc') out[i] = counterApply(base as Counter, -BigInt(v as bigint));
        else out[i] = num(base as number) - num(v as bigint);
        break;
      }
    }
  }
}
