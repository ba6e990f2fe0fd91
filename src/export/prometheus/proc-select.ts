/**
 * Which processes get per-process series. A host runs hundreds to thousands of processes and each one's
 * series is a new time series in Prometheus, so the exported set is bounded:
 *   top `top` by CPU (cpu_pct of the latest process-tier interval, > 0 only),
 *   ∪ top `top` by resident memory (rss > 0 only),
 *   ∪ every process whose comm or command line matches `match`.
 * Ties break by pid so that a scrape is deterministic. Processes with no CPU use are never picked for the
 * CPU set: among thousands of idle processes any choice would be arbitrary and would churn series.
 *
 * One walk over the table per scrape, keeping the N best of each set as it goes: no row object, no sort
 * of the whole table (a scrape of a 1,700-process host used to build, filter and sort 1,700 rows twice).
 */
import type { ProcSample, ProcSnap } from '../../model';

export interface ProcSelectOptions {
  /** N for each of the two top sets; 0 keeps only --proc-match. */
  top: number;
  match: RegExp | null;
}

export interface ProcRow {
  proc: ProcSample;
  /** The derived row of the same process (same pid and start time), when known. */
  snap: ProcSnap | null;
}

export const DEFAULT_PROC_TOP = 20;

/** The derived row of the i-th process of the table, or null (unknown, or another process under the pid). */
export type SnapOf = (proc: ProcSample, i: number) => ProcSnap | null;

/**
 * The `n` best indices by key (descending, then pid ascending), key > 0 only, as a sorted insertion into
 * a list of at most n: the same heads as sorting everything, in O(table × n) worst case and about one
 * comparison per process when the table holds few large keys (the usual case: most processes are idle).
 */
class TopN {
  readonly idx: number[] = [];
  private readonly keys: number[] = [];
  private readonly pids: number[] = [];

  constructor(private readonly n: number) {}

  offer(i: number, key: number, pid: number): void {
    if (!(key > 0) || this.n <= 0) return;
    const len = this.idx.length;
    // Worse than (or tied with, by a larger pid) the last kept of a full list: out.
    if (len === this.n && (key < this.keys[len - 1] || (key === this.keys[len - 1] && pid > this.pids[len - 1]))) return;
    let at = len;
    while (at > 0 && (key > this.keys[at - 1] || (key === this.keys[at - 1] && pid < this.pids[at - 1]))) at--;
    this.idx.splice(at, 0, i);
    this.keys.splice(at, 0, key);
    this.pids.splice(at, 0, pid);
    if (this.idx.length > this.n) {
      this.idx.pop();
      this.keys.pop();
      this.pids.pop();
    }
  }
}

/**
 * The exported rows, in pid order, from the table and each process's derived row (`snapOf`; a derived
 * row whose start time differs from the process's is not used).
 */
export function selectRows(procs: readonly ProcSample[], snapOf: SnapOf, opts: ProcSelectOptions): ProcRow[] {
  const cpu = new TopN(opts.top);
  const rss = new TopN(opts.top);
  const chosen = new Set<number>();
  for (let i = 0; i < procs.length; i++) {
    const p = procs[i];
    const own = ownSnap(p, snapOf(p, i));
    if (own !== null) cpu.offer(i, own.cpu_pct ?? 0, p.pid);
    rss.offer(i, p.rss_bytes, p.pid);
  }
  for (const i of cpu.idx) chosen.add(i);
  for (const i of rss.idx) chosen.add(i);
  if (opts.match !== null) {
    const re = opts.match;
    for (let i = 0; i < procs.length; i++) {
      const p = procs[i];
      // A user's regex with the g or y flag would carry lastIndex from one test to the next.
      re.lastIndex = 0;
      const byComm = re.test(p.comm);
      re.lastIndex = 0;
      if (byComm || (p.cmdline !== '' && re.test(p.cmdline))) chosen.add(i);
    }
  }
  const rows: ProcRow[] = [];
  for (const i of chosen) rows.push({ proc: procs[i], snap: ownSnap(procs[i], snapOf(procs[i], i)) });
  return rows.sort((a, b) => a.proc.pid - b.proc.pid);
}

function ownSnap(p: ProcSample, s: ProcSnap | null): ProcSnap | null {
  return s !== null && s.start_time === p.start_time ? s : null;
}

/** selectRows with the derived rows by pid. */
export function selectProcs(procs: readonly ProcSample[], snaps: ReadonlyMap<number, ProcSnap>, opts: ProcSelectOptions): ProcRow[] {
  return selectRows(procs, (p) => snaps.get(p.pid) ?? null, opts);
}
