import { bar } from '../render/braille';
import { joinFit } from '../render/width';
import { append, labelledChart, slowChart } from './chart';
import * as format from '../render/format';
import type { PaneView, ViewInput } from './view';

const HISTORY_S = 3600;

/** "used  ███████▍      12.3G  45.1%": one bar per share of MemTotal (or SwapTotal); no bar when narrow. */
function row(input: ViewInput, name: string, value: number | null, total: number | null, width: number): string[] {
  const frac = value !== null && total ? value / total : null;
  const pct = frac === null ? null : 100 * frac;
  const figures = `${format.bytes(value).padStart(6)} ${format.pct(pct).padStart(5)}%`;
  const barW = width - 6 - 1 - 1 - figures.length;
  if (barW < 3) return [joinFit([name.padEnd(6), figures.trim()], width, ' ')];
  // Segments (CellPainter): the bar mostly stays while the figures move.
  return [name.padEnd(6), ' ', input.theme.level(name === 'avail' ? null : pct, bar(frac, barW)), ' ', figures];
}

export function memoryView(input: ViewInput): PaneView {
  const { snap, width, height, theme } = input;
  const m = snap.mem;
  const parts = [
    row(input, 'used', m.mem_used_bytes, m.mem_total_bytes, width),
    row(input, 'avail', m.mem_available_bytes, m.mem_total_bytes, width),
    row(input, 'cache', m.mem_cache_bytes, m.mem_total_bytes, width),
    m.swap_total_bytes ? row(input, 'swap', m.swap_used_bytes, m.swap_total_bytes, width) : [joinFit(['swap'.padEnd(6), theme.fg('gray', 'none')], width, ' ')],
  ];
  const rows = parts.map((p) => p.join(''));
  const segs: (string[] | null)[] = parts.slice(0, Math.max(0, height)).map((p) => (p.length > 1 ? p : null));
  const psi = snap.psi.memory;
  const psiLine = psi ? joinFit([`PSI some ${format.pct(psi.some_avg10)}`, `full ${format.pct(psi.full_avg10)}`, '(avg10 %)'], width) : '';
  const lines = rows.slice(0, Math.max(0, height));
  let left = height - lines.length - (psiLine ? 1 : 0);
  if (left >= 2) {
    const values = slowChart(input.history, 'mem.used_pct', '', HISTORY_S, width * 2);
    append(lines, labelledChart(values, width, left, 'used 1h', 'cyan', theme, { max: 100 }, 'mem'));
    left = 0;
  }
  if (psiLine && lines.length < height) lines.push(psiLine);
  return { label: `mem ${format.bytes(m.mem_total_bytes)}`, lines, segs };
}
