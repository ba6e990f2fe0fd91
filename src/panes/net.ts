import type { NetSnap } from '../model';
import * as format from '../render/format';
import { columnWidth, fit, safeFit } from '../render/width';
import { append, labelledChart } from './chart';
import { RowMemo } from './row-memo';
import type { Theme } from '../render/theme';
import type { PaneView, ViewInput } from './view';

const RECENT_S = 60;

/** Interfaces whose traffic the chart sums: all but loopback, unless loopback is all there is. */
function charted(net: NetSnap[]): string[] {
  const real = net.filter((n) => n.iface !== 'lo').map((n) => n.iface);
  return real.length > 0 ? real : net.map((n) => n.iface);
}

/** The charts' values, rewritten each frame (drawn at once, never kept): no arrays of boxed numbers per frame. */
let rxVals: Float64Array = new Float64Array(0);
let txVals: Float64Array = new Float64Array(0);

/** The lines last made, by the figures they show (ten frames a second, most rows show what they showed). */
const HEAD = new RowMemo();
const ROWS = new RowMemo();
const TCP = new RowMemo();

function ifaceRow(n: NetSnap, i: number, nameW: number, theme: Theme): string {
  const errs = n.rx_errs_per_s === null || n.tx_errs_per_s === null ? null : n.rx_errs_per_s + n.tx_errs_per_s;
  const drops = n.rx_drop_per_s === null || n.tx_drop_per_s === null ? null : n.rx_drop_per_s + n.tx_drop_per_s;
  const kept = ROWS.get(i, theme, nameW, n.iface, n.rx_bytes_per_s, n.tx_bytes_per_s, n.rx_packets_per_s, n.tx_packets_per_s, errs, drops);
  if (kept !== null) return kept;
  const bad = (v: number | null, s: string): string => (v !== null && v > 0 ? theme.fg('red', s) : s);
  return ROWS.set(i, `${safeFit(n.iface, nameW)} ${format.byteRate(n.rx_bytes_per_s).padStart(7)} ${format.byteRate(n.tx_bytes_per_s).padStart(7)} ${format.count(n.rx_packets_per_s).padStart(7)} ${format.count(n.tx_packets_per_s).padStart(7)} ${bad(errs, format.count(errs).padStart(6))} ${bad(drops, format.count(drops).padStart(6))}`);
}

/**
 * Per interface: received and sent bytes/s and packets/s, errors and drops per second; a chart of the
 * last minute, received above the middle line and sent below it (as btop draws it); TCP retransmits/s.
 */
export function netView(input: ViewInput): PaneView {
  const { snap, width, height, theme } = input;
  const nameW = columnWidth(snap.net.map((n) => n.iface), 'iface'.length, 15);
  const head = HEAD.get(0, theme, nameW) ?? HEAD.set(0, theme.fg('gray', `${fit('iface', nameW)} ${'rx/s'.padStart(7)} ${'tx/s'.padStart(7)} ${'rx pk/s'.padStart(7)} ${'tx pk/s'.padStart(7)} ${'err/s'.padStart(6)} ${'drop/s'.padStart(6)}`));
  const tableH = Math.min(snap.net.length + 1, Math.max(2, height - 1 - 2));
  const chartH = height - tableH - 1;
  const lines: string[] = [];
  if (chartH >= 2) {
    const ifaces = charted(snap.net);
    const up = Math.ceil(chartH / 2);
    const rx = (rxVals = input.history.chartSumInto('net.rx_bytes_per_s', ifaces, RECENT_S, width * 2, rxVals));
    const tx = (txVals = input.history.chartSumInto('net.tx_bytes_per_s', ifaces, RECENT_S, width * 2, txVals));
    // One scale for both halves, so that up and down compare (NaN, no data, is never > max).
    let max = 1024;
    for (let i = 0; i < rx.length; i++) if (rx[i] > max) max = rx[i];
    for (let i = 0; i < tx.length; i++) if (tx[i] > max) max = tx[i];
    let rxNow = 0;
    let txNow = 0;
    for (const n of snap.net) {
      if (!ifaces.includes(n.iface)) continue;
      rxNow += n.rx_bytes_per_s ?? 0;
      txNow += n.tx_bytes_per_s ?? 0;
    }
    append(lines, labelledChart(rx, width, up, `rx ${format.byteRate(rxNow)}`, 'blue', theme, { max }, 'net rx'));
    append(lines, labelledChart(tx, width, chartH - up, `tx ${format.byteRate(txNow)}`, 'magenta', theme, { max, down: true }, 'net tx'));
  }
  lines.push(head);
  for (let i = 0; i < snap.net.length && i < tableH - 1; i++) lines.push(ifaceRow(snap.net[i], i, nameW, theme));
  const t = snap.tcp;
  if (lines.length < height) {
    lines.push(
      TCP.get(0, theme, t.retrans_per_s, t.curr_estab, t.active_opens_per_s) ??
        TCP.set(0, `tcp retrans/s ${t.retrans_per_s !== null && t.retrans_per_s > 0 ? theme.fg('yellow', format.count(t.retrans_per_s)) : format.count(t.retrans_per_s)}  estab ${format.count(t.curr_estab)}  opens/s ${format.count(t.active_opens_per_s)}`),
    );
  }
  return { label: 'net', lines: lines.slice(0, height) };
}
