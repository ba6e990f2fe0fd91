import { areaChart, ChartOptions } from '../ui/braille';
import type { Colour, Theme } from '../ui/theme';

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
