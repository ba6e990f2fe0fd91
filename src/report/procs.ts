/**
 * The report's processes: every process seen in the range, with its figures at each read of the process
 * table (derive()'s ProcSnap: see src/model/fields/proc.ts for each figure's /proc source and formula) and
 * totals over the range. Only the top ones by each measure reach the page, with their series.
 *
 * Totals over the range come from the cumulative counters, not from rates: last read − first read, or
 * last read − 0 for a process born inside the range (all it did, it did there; its first read has no
 * rate yet). CPU seconds: (utime + stime) / CLK_TCK (cpu_time_s); disk bytes: /proc/PID/io read_bytes,
 * write_bytes; faults: /proc/PID/stat minflt, majflt. Network bytes have no counter of the process's life:
 * Σ rate × the interval it covers, each connections-tier interval once (the shim's rates: the process tier's).
 */
import type { ProcSample, ProcSnap } from '../model';
import { Counter, counterToNumber } from '../model/counter';
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

/** A cumulative figure: its value at the first read (the baseline) and at the latest. */
interface Cum {
  base: number | null;
  last: number | null;
}

function cumulate(c: Cum, v: Counter | number | null | undefined, born: boolean): void {
  if (v === null || v === undefined) return;
  const n = typeof v === 'number' ? v : counterToNumber(v);
  if (!Number.isFinite(n)) return;
  c.base ??= born ? 0 : n;
  c.last = n;
}

const total = (c: Cum): number => (c.base === null || c.last === null ? 0 : Math.max(0, c.last - c.base));

interface Acc {
  pid: number;
  start_time: number;
  rawComm: string | null;
  rawCmdline: string | null;
  rawUser: string | null;
  comm: string;
  cmdline: string;
  user: string | null;
  kthread: boolean;
  /** Index on the process axis of its first read. */
  at: number;
  enc: Record<ProcSeriesName, SeriesEncoder>;
  totals: ProcTotals;
  born: boolean;
  cpu: Cum;
  rd: Cum;
  wr: Cum;
  minflt: Cum;
  majflt: Cum;
  /** The connections-tier read whose interval was last added to the network totals. */
  tcpNs: bigint | null;
}

/** The command line as the page shows it (a title on hover): at most this many characters. */
const CMDLINE_CHARS = 300;

export class ProcCollector {
  private readonly procs = new Map<string, Acc>();
  private readonly times = new SeriesEncoder(1);
  /** Reads of the process table so far. */
  n = 0;

  /** `rangeStart`: wall time (ms) of the range's first sample; a process that started after it was born in the range. */
  constructor(private readonly rangeStart: number) {}

  /**
   * One read of the process table at wall time t: derive()'s figures (rates over intervalMs) and the
   * Samples they came from, in the same order (raw[i] is procs[i]'s; derive keeps the table's order).
   */
  add(t: number, intervalMs: number | null, procs: readonly ProcSnap[], raw: readonly ProcSample[]): void {
    this.times.push(t);
    const k = this.n++;
    const dt = intervalMs !== null && intervalMs > 0 ? intervalMs / 1000 : 0;
    for (let i = 0; i < procs.length; i++) {
      const p = procs[i];
      const r = raw[i]?.pid === p.pid ? raw[i] : undefined;
      const key = `${p.pid}:${p.start_time}`;
      let a = this.procs.get(key);
      if (a === undefined) {
        a = {
          pid: p.pid, start_time: p.start_time, rawComm: null, rawCmdline: null, rawUser: null, comm: '', cmdline: '', user: null, kthread: p.kthread, at: k,
          enc: Object.fromEntries(NAMES.map((n) => [n, new SeriesEncoder(PROC_SERIES[n].scale)])) as Record<ProcSeriesName, SeriesEncoder>,
          totals: { cpu_s: 0, cpu_peak_pct: 0, rss_peak_bytes: 0, read_bytes: 0, write_bytes: 0, rx_bytes: 0, tx_bytes: 0, minflt: 0, majflt: 0 },
          born: p.start_ms !== null && p.start_ms > this.rangeStart,
          cpu: { base: null, last: null }, rd: { base: null, last: null }, wr: { base: null, last: null },
          minflt: { base: null, last: null }, majflt: { base: null, last: null }, tcpNs: null,
        };
        this.procs.set(key, a);
      }
      // Names as last seen (a process may exec), shown escaped like on the terminal; escaped again only
      // when they change (this runs for every process at every read).
      if (p.comm !== a.rawComm || p.cmdline !== a.rawCmdline || p.user !== a.rawUser) {
        a.rawComm = p.comm;
        a.rawCmdline = p.cmdline;
        a.rawUser = p.user;
        a.comm = sanitize(p.comm);
        a.cmdline = sanitize(p.cmdline.slice(0, CMDLINE_CHARS));
        a.user = p.user === null ? null : sanitize(p.user);
      }
      for (const n of NAMES) {
        const e = a.enc[n];
        e.pad(k - a.at - e.count);
        e.push(PROC_SERIES[n].of(p));
      }
      const tt = a.totals;
      tt.cpu_peak_pct = Math.max(tt.cpu_peak_pct, p.cpu_pct ?? 0);
      tt.rss_peak_bytes = Math.max(tt.rss_peak_bytes, p.rss_bytes);
      cumulate(a.cpu, p.cpu_time_s, a.born);
      cumulate(a.rd, r?.slow?.read_bytes, a.born);
      cumulate(a.wr, r?.slow?.write_bytes, a.born);
      cumulate(a.minflt, r?.minflt, a.born);
      cumulate(a.majflt, r?.majflt, a.born);
      // Network: the shim's rates cover this tick; TCP's the connections tier's interval, added once.
      let netS = 0;
      if (p.net_source === 'shim') netS = dt;
      else if (p.net_source === 'tcp' && r?.tcp && r.tcp_prev && r.tcp.mono_ns !== a.tcpNs) {
        netS = Number(r.tcp.mono_ns - r.tcp_prev.mono_ns) / 1e9;
        a.tcpNs = r.tcp.mono_ns;
      }
      const add = (v: number | null): number => (v !== null && Number.isFinite(v) && v > 0 && netS > 0 ? v * netS : 0);
      tt.rx_bytes += add(p.net_rx_bytes_per_s);
      tt.tx_bytes += add(p.net_tx_bytes_per_s);
    }
  }

  private settle(a: Acc): void {
    a.totals.cpu_s = total(a.cpu);
    a.totals.read_bytes = total(a.rd);
    a.totals.write_bytes = total(a.wr);
    a.totals.minflt = total(a.minflt);
    a.totals.majflt = total(a.majflt);
  }

  /** A gap on the process axis (between sessions): lines break there. */
  gap(t: number): void {
    this.times.push(t);
    this.n++;
  }

  /** The top `n` by each ranking (only processes with something to rank), their series in the block. */
  write(block: Block, n: number): { t: SeriesRef; list: ProcEntry[]; tops: Record<Ranking, number[]> } {
    const all = [...this.procs.values()];
    for (const a of all) this.settle(a);
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
