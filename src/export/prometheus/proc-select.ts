/**
 * Which processes get per-process series. A host runs hundreds to thousands of processes and each one's
 * series is a new time series in Prometheus, so the exported set is bounded:
 *   top `top` by CPU (cpu_pct of the latest process-tier interval, > 0 only),
 *   ∪ top `top` by resident memory (rss > 0 only),
 *   ∪ every process whose comm or command line matches `match`.
 * Ties break by pid so that a scrape is deterministic. Processes with no CPU use are never picked for the
 * CPU set: among thousands of idle processes any choice would be arbitrary and would churn series.
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

function topBy(rows: ProcRow[], n: number, key: (r: ProcRow) => number): ProcRow[] {
  if (n <= 0) return [];
  const ranked = rows.filter((r) => key(r) > 0);
  ranked.sort((a, b) => key(b) - key(a) || a.proc.pid - b.proc.pid);
  return ranked.slice(0, n);
}

const cpuOf = (r: ProcRow): number => r.snap?.cpu_pct ?? 0;
const rssOf = (r: ProcRow): number => r.proc.rss_bytes;

/**
 * The exported rows, in pid order. `snaps` are the latest derived rows; a snap whose start time differs
 * from the process's (the pid was reused since) is not used.
 */
export function selectProcs(procs: readonly ProcSample[], snaps: ReadonlyMap<number, ProcSnap>, opts: ProcSelectOptions): ProcRow[] {
  const rows: ProcRow[] = procs.map((proc) => {
    const s = snaps.get(proc.pid);
    return { proc, snap: s !== undefined && s.start_time === proc.start_time ? s : null };
  });
  const chosen = new Set<ProcRow>([...topBy(rows, opts.top, cpuOf), ...topBy(rows, opts.top, rssOf)]);
  if (opts.match !== null) {
    const re = opts.match;
    for (const r of rows) {
      // A user's regex with the g or y flag would carry lastIndex from one test to the next.
      re.lastIndex = 0;
      const byComm = re.test(r.proc.comm);
      re.lastIndex = 0;
      if (byComm || (r.proc.cmdline !== '' && re.test(r.proc.cmdline))) chosen.add(r);
    }
  }
  return [...chosen].sort((a, b) => a.proc.pid - b.proc.pid);
}
