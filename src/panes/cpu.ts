import type { CoreSnap } from '../model';
import { bar } from '../render/braille';
import { joinFit } from '../render/width';
import { labelledChart, slowChart } from './chart';
import * as format from '../render/format';
import type { PaneView, ViewInput } from './view';

/** Charts: the last minute from the window's raw ring (100 ms resolution), the last hour from its buckets. */
const RECENT_S = 60;
const HOUR_S = 3600;

const avg = (input: ViewInput, seconds: number): string => format.pct(input.history.avgValue('cpu.total_pct', '', seconds));

/** One core: "  3 ██████▍    45.2" (bar width adapts), or a single block when space is short. */
function coreCell(c: CoreSnap, barW: number, input: ViewInput): string {
  const num = String(c.cpu).padStart(3);
  if (!c.online) return `${num} ${input.theme.fg('gray', 'offline'.padEnd(barW + 6).slice(0, barW + 6))}`;
  const p = c.cpu_pct;
  return `${num} ${input.theme.level(p, bar(p === null ? null : p / 100, barW))} ${format.pct(p).padStart(5)}`;
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';
function coreBlock(c: CoreSnap, input: ViewInput): string {
  if (!c.online || c.cpu_pct === null) return input.theme.fg('gray', '·');
  return input.theme.level(c.cpu_pct, BLOCKS[Math.round((Math.min(100, c.cpu_pct) / 100) * 8)]);
}

/** A core's bar widths, widest first, until the columns fit. */
const BAR_WIDTHS = [10, 6, 3];

/** Per-core list laid out in as many columns as the rows require, each `cellW` wide. */
function coreColumns(input: ViewInput, rows: number, maxWidth: number): { lines: string[]; width: number } {
  const cores = input.snap.cores;
  if (cores.length === 0 || rows <= 0) return { lines: [], width: 0 };
  for (let w = 0; w < BAR_WIDTHS.length; w++) {
    const barW = BAR_WIDTHS[w];
    const cellW = 3 + 1 + barW + 1 + 5 + 1;
    const cols = Math.ceil(cores.length / rows);
    if (cols * cellW <= maxWidth) {
      const lines: string[] = [];
      for (let r = 0; r < Math.min(rows, cores.length); r++) {
        const cells: string[] = [];
        for (let k = 0; k < cols; k++) {
          const c = cores[k * rows + r];
          if (c) cells.push(coreCell(c, barW, input));
        }
        lines.push(cells.join(' '));
      }
      return { lines, width: cols * cellW };
    }
  }
  return coreBlocks(input, rows, maxWidth);
}

/**
 * Hundreds of cores: one block character per core, as many per line as fit. Its own function: its closure
 * over `input`, inside coreColumns, made V8 allocate a context for every call of coreColumns.
 */
function coreBlocks(input: ViewInput, rows: number, maxWidth: number): { lines: string[]; width: number } {
  const cores = input.snap.cores;
  const per = Math.max(1, maxWidth - 1);
  const lines: string[] = [];
  for (let i = 0; i < cores.length && lines.length < rows; i += per) lines.push(cores.slice(i, i + per).map((c) => coreBlock(c, input)).join(''));
  return { lines, width: Math.min(per, cores.length) + 1 };
}

/** The last minute's values, rewritten each frame (drawn at once, never kept): no array of boxed numbers per frame. */
let recent: Float64Array = new Float64Array(0);

function chartLines(input: ViewInput, seconds: number, width: number, height: number, label: string): string[] {
  if (height <= 0 || width <= 0) return [];
  let values: ArrayLike<number | null>;
  if (seconds > RECENT_S) values = slowChart(input.history, 'cpu.total_pct', '', seconds, width * 2);
  else values = recent = input.history.chartInto('cpu.total_pct', '', seconds, width * 2, recent);
  return labelledChart(values, width, height, label, 'green', input.theme, { max: 100 }, `cpu ${label}`);
}

export function cpuView(input: ViewInput): PaneView {
  const { snap, width, height, theme } = input;
  const c = snap.cpu;
  const stats = joinFit([
    `${theme.bold(format.pct(c.cpu_pct))}%`,
    `usr ${format.pct(c.user_pct)}`,
    `sys ${format.pct(c.system_pct)}`,
    `wait ${format.pct(c.iowait_pct)}`,
    `steal ${format.pct(c.steal_pct)}`,
    `avg ${avg(input, 60)} ${avg(input, 300)} ${avg(input, 900)}`,
  ], width);
  const chartRows = Math.max(0, height - 1);
  const cores = width >= 40 ? coreColumns(input, chartRows, Math.floor(width * 0.45)) : { lines: [], width: 0 };
  const chartW = Math.max(0, width - (cores.width > 0 ? cores.width + 1 : 0));
  const recentH = chartRows >= 6 ? Math.ceil(chartRows / 2) : chartRows;
  const hourH = chartRows - recentH;
  const charts = chartLines(input, RECENT_S, chartW, recentH, '60s').concat(chartLines(input, HOUR_S, chartW, hourH, '1h'));
  const lines: string[] = [];
  // A chart line mostly stays the string it was while its core's figures move: the two as segments.
  const segs: (string[] | null)[] = [];
  for (let r = 0; r < chartRows; r++) {
    const left = charts[r] ?? ' '.repeat(chartW);
    const right = cores.lines[r];
    lines.push(right === undefined ? left : `${left} ${right}`);
    segs.push(right === undefined ? null : [left, ' ', right]);
  }
  lines.push(stats);
  segs.push(null);
  let online = 0;
  for (let i = 0; i < snap.cores.length; i++) if (snap.cores[i].online) online++;
  return { label: `cpu ${online}/${snap.cores.length} cores`, lines, segs };
}
