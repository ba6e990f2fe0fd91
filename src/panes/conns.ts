import type { ConnSnap, RetransEvent } from '../model/conns';
import * as format from '../render/format';
import type { Theme } from '../render/theme';
import { columnWidth, fit, joinFit, safeFit } from '../render/width';

export type ConnsSort = 'throughput' | 'retrans';

export interface ConnsInput {
  conns: ConnSnap[];
  events: RetransEvent[];
  sort: ConnsSort;
  /** Only these pids (the detail view), or every connection. */
  pids?: ReadonlySet<number>;
  width: number;
  height: number;
  theme: Theme;
  /** Some processes' sockets could not be attributed (another user's fds, or links refused). */
  partial: boolean;
  /** vigil runs as root: a refusal is then not about root (pid 1 of some VMs refuses every fd link). */
  asRoot?: boolean;
}

/** What the label and the screen's note say when some processes' sockets could not be read. */
export function partialText(asRoot: boolean): string {
  return asRoot ? "some processes' fd links are refused, even to root" : "some processes' sockets are not visible without root";
}

const throughput = (c: ConnSnap): number => (c.tx_bytes_per_s ?? 0) + (c.rx_bytes_per_s ?? 0);

export function sortConns(conns: ConnSnap[], sort: ConnsSort): ConnSnap[] {
  const key = sort === 'throughput' ? throughput : (c: ConnSnap): number => (c.retrans_per_s ?? 0) * 1e12 + (c.retrans_total ?? 0);
  return [...conns].sort((a, b) => key(b) - key(a) || (a.pid ?? 0) - (b.pid ?? 0));
}

/** A column of the connections view. */
interface ConnColumn {
  key: 'pid' | 'comm' | 'local' | 'remote' | 'state' | 'tx' | 'rx' | 'retr' | 'rtt';
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (c: ConnSnap, theme: Theme, width: number) => string;
}

/** The longest an address needs: "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535". */
const ADDR_MAX = 47;
const ADDR_MIN = 12;
/** TASK_COMM_LEN - 1: the longest comm the kernel keeps. */
const COMM_MAX = 15;

const FIXED: ConnColumn[] = [
  { key: 'pid', title: 'PID', width: 7, align: 'right', cell: (c, _t, w) => fit(c.pid === null ? '-' : String(c.pid), w, 'right') },
  { key: 'comm', title: 'COMMAND', width: 12, align: 'left', cell: (c, _t, w) => safeFit(c.comm ?? '-', w) },
  { key: 'local', title: 'LOCAL', width: 0, align: 'left', cell: (c, _t, w) => safeFit(c.local, w) },
  { key: 'remote', title: 'REMOTE', width: 0, align: 'left', cell: (c, _t, w) => safeFit(c.remote, w) },
  { key: 'state', title: 'STATE', width: 11, align: 'left', cell: (c, _t, w) => fit(c.state, w) },
  { key: 'tx', title: 'TX/s', width: 8, align: 'right', cell: (c, _t, w) => fit(format.byteRate(c.tx_bytes_per_s), w, 'right') },
  { key: 'rx', title: 'RX/s', width: 8, align: 'right', cell: (c, _t, w) => fit(format.byteRate(c.rx_bytes_per_s), w, 'right') },
  {
    key: 'retr', title: 'RETR', width: 6, align: 'right',
    cell: (c, t, w) => {
      const s = fit(format.count(c.retrans_total), w, 'right');
      return c.retrans_per_s !== null && c.retrans_per_s > 0 ? t.fg('yellow', s) : s;
    },
  },
  // tcpi_rtt (µs) / 1000: the kernel's smoothed round-trip time.
  { key: 'rtt', title: 'RTT ms', width: 7, align: 'right', cell: (c, _t, w) => fit(c.rtt_ms === null ? '-' : c.rtt_ms.toFixed(1), w, 'right') },
];

/** Dropped first to last when even the shortest addresses do not fit: never the sort column. */
const DROP_ORDER: ConnColumn['key'][] = ['rtt', 'state', 'retr', 'rx', 'comm'];

/**
 * Widths for `width` cells: every fixed column, then LOCAL and REMOTE share what is left, each capped at
 * the longest address among `shown` (padding past that only pushed the last columns off the screen);
 * what the addresses leave widens COMMAND up to the longest comm. Below the minimum, whole columns go.
 */
export function connColumns(shown: readonly ConnSnap[], width: number, sort: ConnsSort): { col: ConnColumn; width: number }[] {
  let cols = [...FIXED];
  const fixedW = (cs: ConnColumn[]): number => cs.reduce((s, c) => s + c.width, 0) + cs.length - 1;
  for (const k of DROP_ORDER) {
    if ((width - fixedW(cols)) / 2 >= ADDR_MIN) break;
    if ((k === 'retr' && sort === 'retrans') || (k === 'tx' && sort === 'throughput')) continue;
    cols = cols.filter((c) => c.key !== k);
  }
  const room = Math.max(1, width - fixedW(cols));
  const need = (pick: (c: ConnSnap) => string, title: string): number => columnWidth(shown.map(pick), title.length, ADDR_MAX);
  const localNeed = need((c) => c.local, 'LOCAL');
  const remoteNeed = need((c) => c.remote, 'REMOTE');
  let localW = Math.min(localNeed, Math.max(1, Math.floor(room / 2)));
  const remoteW = Math.min(remoteNeed, Math.max(1, room - localW));
  localW = Math.min(localNeed, Math.max(1, room - remoteW));
  const spare = room - localW - remoteW;
  const commNeed = columnWidth(shown.map((c) => c.comm ?? '-'), 12, COMM_MAX);
  return cols.map((c) => ({
    col: c,
    width: c.key === 'local' ? localW : c.key === 'remote' ? remoteW : c.key === 'comm' ? c.width + Math.max(0, Math.min(spare, commNeed - c.width)) : c.width,
  }));
}

/** A retransmit event as systemtap's tcp_retransmit script prints it. */
export function eventLine(e: RetransEvent, theme: Theme): string {
  return `${format.clock(e.t)}  ${String(e.pid ?? '-').padStart(7)} ${safeFit(e.comm ?? '-', 12)} ${safeFit(e.local, 22)} → ${safeFit(e.remote, 22)}  ${theme.fg('yellow', `retrans ${e.retrans_total}`)} (+${e.retrans_new})`;
}

/**
 * The connections view: every TCP connection with its process, busiest (or most retransmitting) first;
 * below, the latest retransmit events, newest first.
 */
export function connsView(input: ConnsInput): { label: string; lines: string[] } {
  const { theme, width, height } = input;
  const list = sortConns(input.pids ? input.conns.filter((c) => c.pids.some((p) => input.pids!.has(p))) : input.conns, input.sort);
  const events = input.events.slice(-Math.max(0, Math.floor(height / 3))).reverse();
  const evH = events.length > 0 ? events.length + 1 : 0;
  const rowsH = Math.max(0, height - 1 - evH);
  const shown = list.slice(0, rowsH);
  const cols = connColumns(shown, width, input.sort);
  const mark = (k: ConnColumn['key']): string => ((k === 'tx' && input.sort === 'throughput') || (k === 'retr' && input.sort === 'retrans') ? '▼' : '');
  const head = theme.header(cols.map(({ col, width: w }) => fit(col.title + mark(col.key), w, col.align)).join(' '));
  const lines = [head, ...shown.map((c) => cols.map(({ col, width: w }) => col.cell(c, theme, w)).join(' '))];
  while (lines.length < height - evH) lines.push('');
  if (evH > 0) lines.push(theme.bold('retransmits'), ...events.map((e) => eventLine(e, theme)));
  const parts = [`connections ${list.length}`, `sorted by ${input.sort} (s toggles)`];
  if (input.partial) parts.push(partialText(input.asRoot ?? false));
  // Within the top border (corners and the label's own spaces aside): a part that does not fit is left out.
  return { label: joinFit(parts, width - 4, ' · '), lines: lines.slice(0, height) };
}
