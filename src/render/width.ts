import * as blessed from 'blessed';
import { escapeTags, sanitize } from './sanitize';

// blessed's unicode tables are public at runtime but missing from @types/blessed.
const unicode = (blessed as unknown as { unicode: { strWidth(s: string): number } }).unicode;

/**
 * Display width in terminal cells (wide CJK characters take two, combining marks none), measured with
 * the same tables blessed lays out with, so a truncated name never overruns its column.
 */
export function displayWidth(s: string): number {
  // Pure ASCII is the common case: one cell per character.
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(s) ? s.length : unicode.strWidth(s);
}

/** s cut to at most `width` cells (with … when cut) and padded with spaces to exactly `width`. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  let w = displayWidth(s);
  if (w > width) {
    let out = '';
    w = 0;
    for (const ch of s) {
      const cw = displayWidth(ch);
      if (w + cw > width - 1) break;
      out += ch;
      w += cw;
    }
    s = out + '…';
    w += 1;
  }
  const pad = ' '.repeat(Math.max(0, width - w));
  return align === 'left' ? s + pad : pad + s;
}

/**
 * A string from outside, made safe and fitted to a column: escaped first (an escape shown as "\\e" takes
 * two cells), then cut to width, then its tag braces escaped for blessed.
 */
export function safeFit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  return escapeTags(fit(sanitize(s), width, align));
}

/** Parts joined by `sep` for as long as they fit `width` (measured without blessed tags): the rest is left out whole. */
export function joinFit(parts: string[], width: number, sep = '  '): string {
  let out = '';
  let w = 0;
  for (const p of parts) {
    const pw = displayWidth(p.replace(/\{[^{}]*\}/g, (m) => (m === '{open}' || m === '{close}' ? 'x' : '')));
    const add = out === '' ? pw : pw + sep.length;
    if (w + add > width) break;
    out += out === '' ? p : sep + p;
    w += add;
  }
  return out;
}

/** Widest display width of these outside strings once escaped, within [min, max]. */
export function columnWidth(names: string[], min: number, max: number): number {
  return Math.min(max, Math.max(min, ...names.map((n) => displayWidth(sanitize(n)))));
}
