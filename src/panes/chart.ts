import { areaChart, ChartOptions } from '../render/braille';
import type { HistoryWindow } from '../store/window';
import type { Colour, Theme } from '../render/theme';

/** A braille area chart with a small label in its top-left corner, coloured. */
export function labelledChart(
  values: (number | null)[],
  width: number,
  height: number,
  label: string,
  colour: Colour,
  theme: Theme,
  opts: ChartOptions = {},
): string[] {
  if (width <= 0 || height <= 0) return [];
  const { lines } = areaChart(values, width, height, opts);
  const tag = ` ${label} `.slice(0, width);
  const labelRow = opts.down ? lines.length - 1 : 0;
  return lines.map((l, i) => (i === labelRow ? theme.fg('gray', tag) + theme.fg(colour, l.slice(tag.length)) : theme.fg(colour, l)));
}

/** Appends `more` to `lines` in place (no spread, no iterator: views run ten times a second). */
export function append(lines: string[], more: readonly string[]): void {
  for (let i = 0; i < more.length; i++) lines.push(more[i]);
}

const memo = new WeakMap<object, Map<string, { atMs: number; values: (number | null)[] }>>();

/**
 * A long chart (an hour in a few hundred points: seconds per point) recomputed at most once per `everyMs`
 * of history: between two recomputations the points could not visibly move, and walking an hour of
 * buckets ten times a second is work for nothing. Cleared with the window (replay seeks).
 */
export function slowChart(history: HistoryWindow, series: Parameters<HistoryWindow['chart']>[0], subject: string, seconds: number, points: number, everyMs = 1000): (number | null)[] {
  const latest = history.extent()?.latest_mono_ms ?? -Infinity;
  let m = memo.get(history);
  if (m === undefined) {
    m = new Map();
    memo.set(history, m);
  }
  const key = `${series}\0${subject}\0${seconds}\0${points}`;
  const hit = m.get(key);
  if (hit !== undefined && latest >= hit.atMs && latest - hit.atMs < everyMs) return hit.values;
  const values = history.chart(series, subject, seconds, points);
  m.set(key, { atMs: latest, values });
  return values;
}
