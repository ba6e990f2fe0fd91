/**
 * What `vigil run` prints when it ends: the shim's counters of CMD and the processes it started, summed
 * over their whole lives. Fed every read of the shim's files (Sampler.onShimRead), including the final
 * read the reader takes of a process after it exited, which no process table (and so no recording or
 * screen) holds: the summary counts the last partial second too.
 *
 * Which processes: CMD's pid, and every process whose parent (as /proc/PID/stat said when its shim file was
 * first read) is one of them. Other programs of the same user that run with the shim are left out.
 */
import { Counter, counterToNumber } from '../model/counter';
import { histQuantileMs } from '../derive/shim';
import { bytes as fmtBytes } from '../render/format';
import { sanitize } from '../render/sanitize';
import { CLASSES, FNS, NET_CLASSES, NTX, ShimClass } from '../sampler/shim/layout';
import { shimKey, ShimProcSample, ShimTable } from '../model/shim';

export interface RunTotals {
  /** Processes of the run that were read under the shim. */
  processes: number;
  /** IP sockets (TCP, UDP, other IP): bytes and calls that moved bytes, sent and received. */
  tx_bytes: number;
  rx_bytes: number;
  tx_calls: number;
  rx_calls: number;
  /** Unix-domain sockets (local IPC). */
  unix_tx_bytes: number;
  unix_rx_bytes: number;
  connects: number;
  connect_fails: number;
  /** TCP connects that completed: how many, mean, and the upper edges of the p50 and p99 histogram buckets. */
  latency_count: number;
  latency_avg_ms: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  /** Distinct peers over all processes, busiest (bytes both ways) first. */
  peers: { peer: string; tx_bytes: number; rx_bytes: number }[];
  /** The most heap the run's processes held at once (sum over them at one read); null without --alloc. */
  peak_heap_bytes: number | null;
}

const n = (c: Counter): number => counterToNumber(c);
const TX = FNS.slice(0, NTX);
const RX = FNS.slice(NTX);

function io(s: ShimProcSample, classes: readonly ShimClass[], fns: readonly (typeof FNS)[number][], what: 'bytes' | 'calls'): number {
  let v = 0;
  for (const c of classes) for (const f of fns) v += n(s.io[c][f][what]);
  return v;
}

function heap(s: ShimProcSample): number | null {
  const a = s.alloc;
  if (a === null || !s.attached) return null;
  return Math.max(0, n(a.inherited_bytes) + n(a.alloc_bytes) - n(a.free_bytes));
}

export class RunTally {
  /** The latest read of each process of the run (counters only grow: the latest holds its life). */
  private readonly latest = new Map<string, ShimProcSample>();
  private readonly parent = new Map<number, number>();
  private peakHeap: number | null = null;
  private rootFinal = false;
  private waiters: (() => void)[] = [];

  constructor(readonly root: number) {}

  private inRun(pid: number): boolean {
    for (let p = pid, depth = 0; depth < 64; depth++) {
      if (p === this.root) return true;
      const up = this.parent.get(p);
      if (up === undefined || up === p) return false;
      p = up;
    }
    return false;
  }

  /** One read of every shim file. */
  add(table: ShimTable): void {
    for (const [key, ppid] of table.parents ?? []) this.parent.set(Number(key.split(':')[0]), ppid);
    let heapNow: number | null = null;
    for (const s of table.procs) {
      if (!this.inRun(s.pid)) continue;
      this.latest.set(shimKey(s.pid, s.start_time), s);
      const h = heap(s);
      if (h !== null) heapNow = (heapNow ?? 0) + h;
      if (s.pid === this.root && s.exited) this.rootFinal = true;
    }
    if (heapNow !== null && (this.peakHeap === null || heapNow > this.peakHeap)) this.peakHeap = heapNow;
    if (this.rootFinal) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once CMD's final read (after it exited) is in, or after `ms` (a reader that never had its file). */
  final(ms: number): Promise<void> {
    if (this.rootFinal) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  totals(): RunTotals {
    const all = [...this.latest.values()];
    const sum = (f: (s: ShimProcSample) => number): number => all.reduce((a, s) => a + f(s), 0);
    const hist: number[] = [];
    for (const s of all) s.connect_latency.hist.forEach((c, i) => (hist[i] = (hist[i] ?? 0) + n(c)));
    const latCount = sum((s) => n(s.connect_latency.count));
    const latSum = sum((s) => n(s.connect_latency.sum_ns));
    const peers = new Map<string, { peer: string; tx_bytes: number; rx_bytes: number }>();
    for (const s of all) {
      for (const d of s.dests) {
        const peer = d.inbound ? `${d.addr} (in)` : d.family === 6 ? `[${d.addr}]:${d.port}` : `${d.addr}:${d.port}`;
        const p = peers.get(peer) ?? { peer, tx_bytes: 0, rx_bytes: 0 };
        p.tx_bytes += n(d.tx_bytes);
        p.rx_bytes += n(d.rx_bytes);
        peers.set(peer, p);
      }
    }
    return {
      processes: all.length,
      tx_bytes: sum((s) => io(s, NET_CLASSES, TX, 'bytes')),
      rx_bytes: sum((s) => io(s, NET_CLASSES, RX, 'bytes')),
      tx_calls: sum((s) => io(s, NET_CLASSES, TX, 'calls')),
      rx_calls: sum((s) => io(s, NET_CLASSES, RX, 'calls')),
      unix_tx_bytes: sum((s) => io(s, ['unix'], TX, 'bytes')),
      unix_rx_bytes: sum((s) => io(s, ['unix'], RX, 'bytes')),
      connects: sum((s) => CLASSES.reduce((a, c) => a + n(s.connect[c].attempts), 0)),
      connect_fails: sum((s) => CLASSES.reduce((a, c) => a + n(s.connect[c].failures), 0)),
      latency_count: latCount,
      // Mean = Σ latency ns / Σ completed connects; percentiles from the summed log2 histogram.
      latency_avg_ms: latCount > 0 ? latSum / latCount / 1e6 : null,
      latency_p50_ms: histQuantileMs(hist, 0.5),
      latency_p99_ms: histQuantileMs(hist, 0.99),
      peers: [...peers.values()].sort((a, b) => b.tx_bytes + b.rx_bytes - (a.tx_bytes + a.rx_bytes) || a.peer.localeCompare(b.peer)),
      peak_heap_bytes: this.peakHeap,
    };
  }
}

export interface SummaryContext {
  command: string;
  exitCode: number;
  /** Whether CMD ran with the shim at all (it is not built, or its path cannot go in LD_PRELOAD). */
  shim: boolean;
  alloc: boolean;
  recording: string | null;
  /** CMD's output log; null: its output went to the terminal. */
  log: string | null;
}

/** "1048576 B (1.0M)": the exact count, for scripts and for checking, then the readable one. */
const b = (v: number): string => (v < 1000 ? `${v} B` : `${v} B (${fmtBytes(v)})`);
const ms = (v: number | null): string => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));

/** The summary, one screen at most (10 lines). */
export function summaryText(t: RunTotals, c: SummaryContext): string {
  const lines = [`vigil run: ${sanitize(c.command)} exited with code ${c.exitCode}`];
  if (!c.shim) lines.push('  traffic     n/a: the command ran without the shim');
  else if (t.processes === 0) lines.push('  traffic     n/a: no process of the command was read under the shim (a static, setuid or Go program?)');
  else {
    lines.push(`  processes   ${t.processes} under the shim`);
    lines.push(`  network     sent ${b(t.tx_bytes)} in ${t.tx_calls} calls, received ${b(t.rx_bytes)} in ${t.rx_calls} calls (TCP, UDP, other IP)`);
    if (t.unix_tx_bytes + t.unix_rx_bytes > 0) lines.push(`  unix        sent ${b(t.unix_tx_bytes)}, received ${b(t.unix_rx_bytes)}`);
    const top = t.peers.slice(0, 3).map((p) => `${sanitize(p.peer)} (sent ${fmtBytes(p.tx_bytes)}, received ${fmtBytes(p.rx_bytes)})`);
    lines.push(`  peers       ${t.peers.length}${top.length > 0 ? `: ${top.join(', ')}${t.peers.length > 3 ? ', ...' : ''}` : ''}`);
    lines.push(
      `  connects    ${t.connects} (${t.connect_fails} failed)` +
        (t.latency_count > 0 ? `, latency avg ${ms(t.latency_avg_ms)} ms, p50 <= ${ms(t.latency_p50_ms)} ms, p99 <= ${ms(t.latency_p99_ms)} ms` : ''),
    );
    lines.push(`  peak heap   ${t.peak_heap_bytes !== null ? b(t.peak_heap_bytes) : c.alloc ? 'n/a (no heap read)' : 'n/a (vigil run --alloc counts the heap)'}`);
  }
  lines.push(`  recording   ${c.recording === null ? 'none (vigil run --record FILE keeps one)' : sanitize(c.recording)}`);
  lines.push(`  output      ${c.log === null ? 'went to this terminal' : sanitize(c.log)}`);
  return lines.join('\n') + '\n';
}
