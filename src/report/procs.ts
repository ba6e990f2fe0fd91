/**
 * The report's processes: every process seen in the range, with its figures at each read of the process
 * table (derive()'s ProcSnap: see src/model/fields/proc.ts for each figure's /proc source and formula) and
 * totals over the range. Only the top ones by each measure reach the page, with their series.
 *
 * Totals integrate a rate over the process tier's interval: CPU seconds = Σ cpu_pct / 100 × interval,
 * bytes = Σ (B/s) × interval, faults = Σ (faults/s) × interval. I/O and TCP rates are over their own
 * tiers' intervals and repeat between their reads, so each read's rate stands for the time until the next.
 */
import type { ProcSnap } from '../model';
import { sanitize } from '../render/sanitize';
import { SeriesEncoder } from './encode';
import { Block, SeriesRef } from './series-set';

/** A process's series on the page, and the scale each is quantised with. */
export const PROC_SERIES = {
  cpu: { scale: 100, of: (p: ProcSnap) => p.cpu_pct },
  rss: { scale: 1 / 1024, of: (p: ProcSnap) => p.rss_bytes },
  rd: { scale: 1, of: (p: ProcSnap) => p.read_bytes_per_s },
  wr: { scale: 1, of: (p: ProcSnap) => p.write_bytes_per_s },
  rx: { scale: 1, of: (p: ProcSnap) => p.net_rx_bytes_per_s },
  tx: { scale: 1, of: (p: ProcSnap) => p.net_tx_bytes_per_s },
  minflt: { scale: 100, of: (p: ProcSnap) => p.minflt_per_s },
  majflt: { scale: 100, of: (p: ProcSnap) => p.majflt_per_s },
} as const;
export type ProcSeriesName = keyof typeof PROC_SERIES;
const NAMES = Object.keys(PROC_SERIES) as ProcSeriesName[];

export const RANKINGS = ['cpu', 'mem', 'io', 'net', 'faults'] as const;
export type Ranking = (typeof RANKINGS)[number];

/** Totals over the range. */
export interface ProcTotals {
  cpu_s: number;
  cpu_peak_pct: number;
  rss_peak_bytes: number;
  read_bytes: number;
  write_bytes: number;
  rx_bytes: number;
  tx_bytes: number;
  minflt: number;
  majflt: number;
}

const RANK_OF: { [K in Ranking]: (t: ProcTotals) => number } = {
  cpu: (t) => t.cpu_s,
  mem: (t) => t.rss_peak_bytes,
  io: (t) => t.read_bytes + t.write_bytes,
  net: (t) => t.rx_bytes + t.tx_bytes,
  faults: (t) => t.minflt + t.majflt,
};

export interface ProcEntry {
  pid: number;
  start_time: number;
  comm: string;
  cmdline: string;
  user: string | null;
  kthread: boolean;
  totals: ProcTotals;
  series: Record<ProcSeriesName, SeriesRef>;
}

interface Acc {
  pid: number;
  start_time: number;
  comm: string;
  cmdline: string;
  user: string | null;
  kthread: boolean;
  /** Index on the process axis of its first read. */
  at: number;
  enc: Record<ProcSeriesName, SeriesEncoder>;
  totals: ProcTotals;
}

/** The command line as the page shows it (a title on hover): at most this many characters. */
const CMDLINE_CHARS = 300;

export class ProcCollector {
  private readonly procs = new Map<string, Acc>();
  private readonly times = new SeriesEncoder(1);
  /** Reads of the process table so far. */
  n = 0;

  /** One read of the process table at wall time t, its rates over intervalMs. */
  add(t: number, intervalMs: number | null, procs: readonly ProcSnap[]): void {
    this.times.push(t);
    const k = this.n++;
    const dt = intervalMs !== null && intervalMs > 0 ? intervalMs / 1000 : 0;
    for (const p of procs) {
      const key = `${p.pid}:${p.start_time}`;
      let a = this.procs.get(key);
      if (a === undefined) {
        a = {
          pid: p.pid, start_time: p.start_time, comm: '', cmdline: '', user: null, kthread: p.kthread, at: k,
          enc: Object.fromEntries(NAMES.map((n) => [n, new SeriesEncoder(PROC_SERIES[n].scale)])) as Record<ProcSeriesName, SeriesEncoder>,
          totals: { cpu_s: 0, cpu_peak_pct: 0, rss_peak_bytes: 0, read_bytes: 0, write_bytes: 0, rx_bytes: 0, tx_bytes: 0, minflt: 0, majflt: 0 },
        };
        this.procs.set(key, a);
      }
      // Names as last seen (a process may exec), shown escaped like on the terminal.
      a.comm = sanitize(p.comm);
      a.cmdline = sanitize(p.cmdline.slice(0, CMDLINE_CHARS));
      a.user = p.user === null ? null : sanitize(p.user);
      for (const n of NAMES) {
        const e = a.enc[n];
        e.pad(k - a.at - e.count);
        e.push(PROC_SERIES[n].of(p));
      }
      const tt = a.totals;
      const add = (v: number | null): number => (v !== null && Number.isFinite(v) && v > 0 ? v * dt : 0);
      tt.cpu_s += add(p.cpu_pct) / 100;
      tt.cpu_peak_pct = Math.max(tt.cpu_peak_pct, p.cpu_pct ?? 0);
      tt.rss_peak_bytes = Math.max(tt.rss_peak_bytes, p.rss_bytes);
      tt.read_bytes += add(p.read_bytes_per_s);
      tt.write_bytes += add(p.write_bytes_per_s);
      tt.rx_bytes += add(p.net_rx_bytes_per_s);
      tt.tx_bytes += add(p.net_tx_bytes_per_s);
      tt.minflt += add(p.minflt_per_s);
      tt.majflt += add(p.majflt_per_s);
    }
  }

  /** A gap on the process axis (between sessions): lines break there. */
  gap(t: number): void {
    this.times.push(t);
    this.n++;
  }

  /** The top `n` by each ranking (only processes with something to rank), their series in the block. */
  write(block: Block, n: number): { t: SeriesRef; list: ProcEntry[]; tops: Record<Ranking, number[]> } {
    const all = [...this.procs.values()];
    const chosen = new Map<Acc, number>();
    const list: ProcEntry[] = [];
    const tops = {} as Record<Ranking, number[]>;
    for (const r of RANKINGS) {
      const score = RANK_OF[r];
      const best = all.filter((a) => score(a.totals) > 0).sort((x, y) => score(y.totals) - score(x.totals) || x.pid - y.pid).slice(0, n);
      tops[r] = best.map((a) => {
        let i = chosen.get(a);
        if (i === undefined) {
          i = list.length;
          chosen.set(a, i);
          const series = Object.fromEntries(NAMES.map((name) => [name, block.add(a.enc[name], a.at)])) as Record<ProcSeriesName, SeriesRef>;
          list.push({ pid: a.pid, start_time: a.start_time, comm: a.comm, cmdline: a.cmdline, user: a.user, kthread: a.kthread, totals: a.totals, series });
        }
        return i;
      });
    }
    return { t: block.add(this.times), list, tops };
  }
}
