/**
 * The process table's rows: sorted, filtered, as a tree, following one process. Pure functions over the
 * latest ProcSnap list; the pane formats only the rows that are on screen.
 */
import type { ProcSnap } from '../model';
import { PROC_FIELDS, ProcColumnId } from '../model/fields/proc';
import { cgroupName } from '../model/cgroup-name';

/** The process table's columns, from the process field table (src/model/fields/proc.ts). */
export type ColumnKey = ProcColumnId;

/** A process's identity: pid alone can be reused. */
export interface ProcId {
  pid: number;
  start_time: number;
}

export interface TableState {
  sortKey: ColumnKey;
  descending: boolean;
  /** Case-insensitive substring of the command line or the user name; '' shows everything. */
  filter: string;
  tree: boolean;
  /** Show only this process and its descendants. */
  follow: ProcId | null;
}

export interface Row {
  proc: ProcSnap;
  /** Tree drawing before the command ('' when flat). */
  prefix: string;
}

export const sameProc = (a: ProcId | null, b: ProcId | null): boolean => a !== null && b !== null && a.pid === b.pid && a.start_time === b.start_time;

/** What the command column shows: argv, or [comm] for kernel threads and processes without a cmdline. */
export function commandOf(p: ProcSnap): string {
  if (p.kthread || p.cmdline === '') return p.state === 'Z' ? `[${p.comm}] <defunct>` : `[${p.comm}]`;
  return p.cmdline;
}

/** Columns that sort by something other than their field's value. */
const SORT_BY: Partial<{ [K in ColumnKey]: (p: ProcSnap) => number | string | null }> = {
  user: (p) => p.user ?? (p.uid === null ? null : String(p.uid)),
  // MEM% is rss over one MemTotal: sorting by the bytes gives the same order without rounding ties.
  mem: (p) => p.rss_bytes,
  command: (p) => commandOf(p).toLowerCase(),
  cgroup: (p) => (p.cgroup === null ? null : cgroupName(p.cgroup).toLowerCase()),
};

/** Sort keys: numbers sort numerically with "no value" below every number; text sorts by locale. */
export const SORT_VALUE = Object.fromEntries(
  PROC_FIELDS.flatMap((f) => ('pane' in f ? [[f.pane.id, SORT_BY[f.pane.id] ?? ((p: ProcSnap) => p[f.key] as number | string | null)]] : [])),
) as { [K in ColumnKey]: (p: ProcSnap) => number | string | null };

/** Two sort values in compare()'s order: "no value" below every number; numbers numerically; text by code unit. */
function compareValues(x: number | string | null, y: number | string | null): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : 1;
}

/** The reference order: the sort value read at every comparison (sortProcs reads it once per process). */
export function compare(key: ColumnKey, descending: boolean): (a: ProcSnap, b: ProcSnap) => number {
  const get = SORT_VALUE[key];
  // compareValues written out: this comparator runs n log n times a sort, ten sorts a second.
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    let c: number;
    if (x === y) c = 0;
    else if (x === null) c = -1;
    else if (y === null) c = 1;
    else if (typeof x === 'number' && typeof y === 'number') c = x - y;
    else c = String(x) < String(y) ? -1 : 1;
    if (descending) c = -c;
    // Ties by pid, so the order is stable from one frame to the next.
    return c !== 0 ? c : a.pid - b.pid;
  };
}

/** Sort keys whose value is made at each read (a lower-cased command line, a cgroup's name): read once per process instead. */
const MADE: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['command', 'cgroup']);
/** Scratch for sortProcs, kept from sort to sort. */
const values: (number | string | null)[] = [];
const order: number[] = [];

/**
 * `list` in compare()'s order; sorts in place and returns `list`. A value read off a field is compared
 * as it is (V8 inlines that comparison; a sort of indices over copied values measured 1.5-5 times slower
 * for numbers). A value that is made (COMMAND lower-cases the command line) is made once per process,
 * not at each of its log n comparisons.
 */
export function sortProcs(list: ProcSnap[], key: ColumnKey, descending: boolean): ProcSnap[] {
  const n = list.length;
  if (n < 2) return list;
  if (!MADE.has(key)) return list.sort(compare(key, descending));
  const get = SORT_VALUE[key];
  values.length = n;
  order.length = n;
  for (let i = 0; i < n; i++) {
    values[i] = get(list[i]);
    order[i] = i;
  }
  const sign = descending ? -1 : 1;
  order.sort((a, b) => {
    const c = sign * compareValues(values[a], values[b]);
    return c !== 0 ? c : list[a].pid - list[b].pid;
  });
  const from = list.slice();
  for (let i = 0; i < n; i++) list[i] = from[order[i]];
  return list;
}

export function matchesFilter(p: ProcSnap, filter: string): boolean {
  if (filter === '') return true;
  const f = filter.toLowerCase();
  return commandOf(p).toLowerCase().includes(f) || p.comm.toLowerCase().includes(f) || (p.user ?? '').toLowerCase().includes(f);
}

/** The followed process and every descendant of it (by ppid), as pids. */
export function descendants(procs: ProcSnap[], root: ProcId): Set<number> {
  const out = new Set<number>();
  const top = procs.find((p) => p.pid === root.pid && p.start_time === root.start_time);
  if (top === undefined) return out;
  const children = new Map<number, ProcSnap[]>();
  for (const p of procs) {
    if (p.pid === p.ppid) continue;
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const stack = [top];
  while (stack.length > 0) {
    const p = stack.pop() as ProcSnap;
    if (out.has(p.pid)) continue;
    out.add(p.pid);
    for (const c of children.get(p.pid) ?? []) {
      // A child started before its parent is a pid-reuse artefact, not a descendant.
      if (c.start_time >= p.start_time) stack.push(c);
    }
  }
  return out;
}

/** Rows in display order. */
export function tableRows(procs: ProcSnap[], state: TableState): Row[] {
  let set = procs;
  if (state.follow !== null) {
    const keep = descendants(procs, state.follow);
    set = set.filter((p) => keep.has(p.pid));
  }
  const matching = state.filter === '' ? null : new Set(set.filter((p) => matchesFilter(p, state.filter)).map((p) => p.pid));
  if (!state.tree) {
    const flat = matching === null ? [...set] : set.filter((p) => matching.has(p.pid));
    return sortProcs(flat, state.sortKey, state.descending).map((proc) => ({ proc, prefix: '' }));
  }
  // Tree: matches keep their ancestors, so that the structure stays readable.
  const byPid = new Map(set.map((p) => [p.pid, p]));
  let shown = set;
  if (matching !== null) {
    const keep = new Set<number>();
    for (const pid of matching) {
      for (let p = byPid.get(pid); p !== undefined && !keep.has(p.pid); p = byPid.get(p.ppid)) keep.add(p.pid);
    }
    shown = set.filter((p) => keep.has(p.pid));
  }
  const children = new Map<number, ProcSnap[]>();
  const roots: ProcSnap[] = [];
  const shownPids = new Set(shown.map((p) => p.pid));
  for (const p of shown) {
    if (p.ppid !== p.pid && shownPids.has(p.ppid)) {
      const list = children.get(p.ppid);
      if (list) list.push(p);
      else children.set(p.ppid, [p]);
    } else roots.push(p);
  }
  const out: Row[] = [];
  const seen = new Set<number>();
  const walk = (p: ProcSnap, lead: string, last: boolean, depth: number): void => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    out.push({ proc: p, prefix: depth === 0 ? '' : `${lead}${last ? '└─' : '├─'}` });
    const kids = sortProcs(children.get(p.pid) ?? [], state.sortKey, state.descending);
    const nextLead = depth === 0 ? '' : `${lead}${last ? '  ' : '│ '}`;
    kids.forEach((k, i) => walk(k, nextLead, i === kids.length - 1, depth + 1));
  };
  sortProcs(roots, state.sortKey, state.descending).forEach((r, i) => walk(r, '', i === roots.length - 1, 0));
  // A parent loop (two reads straddling a pid's reuse can produce one) has no root: show it flat.
  for (const p of shown) if (!seen.has(p.pid)) walk(p, '', true, 0);
  return out;
}
