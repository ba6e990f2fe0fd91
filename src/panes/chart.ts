import { areaChart, ChartMemo, chartMemo, ChartOptions } from '../render/braille';
import type { HistoryWindow } from '../store/window';
import type { Colour, Theme } from '../render/theme';

/** A chart's last lines (areaChart's memo) and what they were drawn as: the coloured line, and the label it carried. */
interface LabelledMemo {
  chart: ChartMemo;
  theme: Theme | null;
  colour: Colour | null;
  raw: string[];
  out: string[];
  tag: string;
  labelRow: number;
}

/** Per chart (`id`): ten frames a second, each line that did not move is the string it was. */
const memos = new Map<string, LabelledMemo>();

/**
 * A braille area chart with a small label in its top-left corner, coloured. `id` names the chart on
 * screen ('cpu 60s'): its lines that did not change since its last frame are given back as the same
 * strings (then the pane compares them by reference and does not read them again).
 */
export function labelledChart(
  values: ArrayLike<number | null>,
  width: number,
  height: number,
  label: string,
  colour: Colour,
  theme: Theme,
  opts: ChartOptions = {},
  id?: string,
): string[] {
  if (width <= 0 || height <= 0) return [];
  let memo = id === undefined ? undefined : memos.get(id);
  if (id !== undefined && memo === undefined) memos.set(id, (memo = { chart: chartMemo(), theme: null, colour: null, raw: [], out: [], tag: '', labelRow: 0 }));
  const { lines } = areaChart(values, width, height, opts, memo?.chart);
  const tag = ` ${label} `.slice(0, width);
  const labelRow = opts.down ? lines.length - 1 : 0;
  if (memo !== undefined && (memo.theme !== theme || memo.colour !== colour || memo.labelRow !== labelRow)) {
    memo.theme = theme;
    memo.colour = colour;
    memo.labelRow = labelRow;
    memo.raw = [];
  }
  const out = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (memo !== undefined && memo.raw[i] === l && (i !== labelRow || memo.tag === tag)) {
      out[i] = memo.out[i];
      continue;
    }
    out[i] = i === labelRow ? theme.fg('gray', tag) + theme.fg(colour, l.slice(tag.length)) : theme.fg(colour, l);
    if (memo !== undefined) {
      memo.raw[i] = l;
      memo.out[i] = out[i];
    }
  }
  if (memo !== undefined) {
    memo.tag = tag;
    memo.raw.length = memo.out.length = lines.length;
  }
  return out;
}

/** Appends `more` to `lines` in place (no spread, no iterator: views run ten times a second). */
export function append(lines: string[], more: readonly string[]): void {
  for (let i = 0; i < more.length; i++) lines.push(more[i]);
}

const memo = new WeakMap<object, Map<string, { atMs: number; values: Float64Array }>>();

/**
 * A long chart (an hour in a few hundred points: seconds per point) recomputed at most once per `everyMs`
 * of history: between two recomputations the points could not visibly move, and walking an hour of
 * buckets ten times a second is work for nothing. Cleared with the window (replay seeks). The values
 * (NaN: no data) are rewritten in place when recomputed: callers draw them at once and keep nothing.
 */
export function slowChart(history: HistoryWindow, series: Parameters<HistoryWindow['chart']>[0], subject: string, seconds: number, points: number, everyMs = 1000): Float64Array {
  const latest = history.extent()?.latest_mono_ms ?? -Infinity;
  let m = memo.get(history);
  if (m === undefined) {
    m = new Map();
    memo.set(history, m);
  }
  const key = `${series}\0${subject}\0${seconds}\0${points}`;
  const hit = m.get(key);
  if (hit !== undefined && latest >= hit.atMs && latest - hit.atMs < everyMs) return hit.values;
  const values = history.chartInto(series, subject, seconds, points, hit?.values);
  if (hit !== undefined) {
    hit.atMs = latest;
    hit.values = values;
  } else m.set(key, { atMs: latest, values });
  return values;
}
