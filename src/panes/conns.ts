import type { ConnSnap, RetransEvent } from '../model/conns';
import * as format from '../render/format';
import type { Theme } from '../render/theme';
import { fit, safeFit } from '../render/width';

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
  /** Some processes' sockets could not be attributed (another user's fds). */
  partial: boolean;
}

const throughput = (c: ConnSnap): number => (c.tx_bytes_per_s ?? 0) + (c.rx_bytes_per_s ?? 0);

export function sortConns(conns: ConnSnap[], sort: ConnsSort): ConnSnap[] {
  const key = sort === 'throughput' ? throughput : (c: ConnSnap): number => (c.retrans_per_s ?? 0) * 1e12 + (c.retrans_total ?? 0);
  return [...conns].sort((a, b) => key(b) - key(a) || (a.pid ?? 0) - (b.pid ?? 0));
}

/** One connection: "  1234 nginx        10.0.0.1:443  → 10.0.0.9:51234  ESTABLISHED  1.2M/s 30K/s  retr 3  rtt 0.4". */
function connLine(c: ConnSnap, width: number, theme: Theme): string {
  const addrW = Math.max(12, Math.floor((width - 62) / 2));
  const retr = c.retrans_per_s !== null && c.retrans_per_s > 0 ? theme.fg('yellow', format.count(c.retrans_total).padStart(6)) : format.count(c.retrans_total).padStart(6);
  return [
    fit(c.pid === null ? '-' : String(c.pid), 7, 'right'),
    safeFit(c.comm ?? '-', 12),
    safeFit(c.local, addrW),
    safeFit(c.remote, addrW),
    fit(c.state, 11),
    fit(format.byteRate(c.tx_bytes_per_s), 8, 'right'),
    fit(format.byteRate(c.rx_bytes_per_s), 8, 'right'),
    retr,
    fit(c.rtt_ms === null ? '-' : c.rtt_ms.toFixed(1), 7, 'right'),
  ].join(' ');
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
  const addrW = Math.max(12, Math.floor((width - 62) / 2));
  const head = theme.header(
    [fit('PID', 7, 'right'), fit('COMMAND', 12), fit('LOCAL', addrW), fit('REMOTE', addrW), fit('STATE', 11), fit(input.sort === 'throughput' ? 'TX/s▼' : 'TX/s', 8, 'right'), fit('RX/s', 8, 'right'), fit(input.sort === 'retrans' ? 'RETR▼' : 'RETR', 6, 'right'), fit('RTT ms', 7, 'right')].join(' '),
  );
  const events = input.events.slice(-Math.max(0, Math.floor(height / 3))).reverse();
  const evH = events.length > 0 ? events.length + 1 : 0;
  const rowsH = Math.max(0, height - 1 - evH);
  const lines = [head, ...list.slice(0, rowsH).map((c) => connLine(c, width, theme))];
  while (lines.length < height - evH) lines.push('');
  if (evH > 0) lines.push(theme.bold('retransmits'), ...events.map((e) => eventLine(e, theme)));
  const parts = [`connections ${list.length}`, `sorted by ${input.sort} (s toggles)`];
  if (input.partial) parts.push("some processes' sockets are not visible without root");
  return { label: parts.join(' · '), lines: lines.slice(0, height) };
}
