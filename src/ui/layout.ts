import type { StripSection } from '../panes/meters';
import type { Rect } from '../panes/view';

/**
 * Where each pane goes for a terminal size: a pure function, so every size can be tested without a
 * terminal. The process table keeps at least PROC_ROWS rows where the terminal has them: when the panes
 * would leave it fewer, the net and disk panes fold into a line of meters, then the cpu and memory panes
 * too (htop's header: `CPU[|||  23%]`, `Mem[||  1.4G/23.5G]`, load, rates), never squeezed into
 * garbage; below MIN_COLS × MIN_ROWS there is only a "terminal too small" notice.
 */
export type PaneKind = 'header' | 'meters' | 'cpu' | 'memory' | 'net' | 'disk' | 'processes' | 'footer';

export type Layout =
  | { tooSmall: true }
  | {
      tooSmall: false;
      panes: Partial<Record<PaneKind, Rect>>;
      /** What each line of the meter strip shows (panes.meters), when panes were folded into it. */
      strip: StripSection[][];
    };

/** Process rows the table keeps before the panes above it fold into meters (htop shows 16 at 80x24). */
export const PROC_ROWS = 14;
/** The process pane's height for PROC_ROWS: its border and its column header take three lines. */
const PROC_PANE_H = PROC_ROWS + 3;

export const MIN_COLS = 20;
export const MIN_ROWS = 5;

export interface LayoutOptions {
  /** Panes switched off in the config. */
  hidden?: ReadonlySet<PaneKind>;
  /** Extra header lines (active alerts). */
  headerLines?: number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));

export function layout(cols: number, rows: number, opts: LayoutOptions = {}): Layout {
  const c = Number.isFinite(cols) ? Math.floor(cols) : 0;
  const r = Number.isFinite(rows) ? Math.floor(rows) : 0;
  if (c < MIN_COLS || r < MIN_ROWS) return { tooSmall: true };
  const shown = (k: PaneKind): boolean => !(opts.hidden?.has(k) ?? false);
  const headerH = 1 + (opts.headerLines ?? 0);
  const footerH = r >= 8 ? 1 : 0;
  const frame = (): Partial<Record<PaneKind, Rect>> => ({
    header: { left: 0, top: 0, width: c, height: headerH },
    ...(footerH ? { footer: { left: 0, top: r - 1, width: c, height: 1 } } : {}),
  });
  const body = r - headerH - footerH;
  const full = panesLayout(c, r, headerH, body, shown, frame());
  const procsH = full.processes?.height ?? 0;
  if (!shown('processes') || procsH >= PROC_PANE_H) return { tooSmall: false, panes: full, strip: [] };

  // Net and disk fold into one line of meters below full cpu and memory panes.
  const rates = (['net', 'disk'] as const).filter(shown);
  const wantTop = shown('cpu') || shown('memory');
  const topH = Math.min(clamp(Math.round(body * 0.3), 6, 14), body - (rates.length > 0 ? 1 : 0) - PROC_PANE_H);
  if (wantTop && topH >= 6) {
    const panes = frame();
    const row = topRow(c, shown);
    placeRow(panes, row, headerH, topH, c, [0.6, 0.4]);
    const strip: StripSection[][] = rates.length > 0 ? [rates] : [];
    return { tooSmall: false, ...stripAndTable(panes, strip, headerH + topH, body - topH, c) };
  }

  // Everything folds: a line of CPU meters, a line of memory, load and rates.
  const strip: StripSection[][] = [];
  if (shown('cpu')) strip.push(['cpu']);
  const rest: StripSection[] = [...(shown('memory') ? ['memory' as const] : []), 'load', ...rates];
  strip.push(rest);
  // The strip gives way to the table on the very shortest terminals: the table needs 3 lines to show a row.
  while (strip.length > 0 && body - strip.length < 4) strip.shift();
  return { tooSmall: false, ...stripAndTable(frame(), strip, headerH, body, c) };
}

/** The meter strip's lines at `top`, the process table under them. */
function stripAndTable(panes: Partial<Record<PaneKind, Rect>>, strip: StripSection[][], top: number, avail: number, c: number): { panes: Partial<Record<PaneKind, Rect>>; strip: StripSection[][] } {
  if (strip.length > 0) panes.meters = { left: 0, top, width: c, height: strip.length };
  if (avail - strip.length >= 3) panes.processes = { left: 0, top: top + strip.length, width: c, height: avail - strip.length };
  return { panes, strip };
}

function topRow(c: number, shown: (k: PaneKind) => boolean): PaneKind[] {
  const row = [shown('cpu') ? 'cpu' : null, shown('memory') && c >= 80 ? 'memory' : null].filter((x): x is PaneKind => x !== null);
  if (row.length === 0 && shown('memory')) row.push('memory');
  return row;
}

/** Every pane in full: cpu and memory, then net and disk, then the table in what is left. */
function panesLayout(c: number, r: number, headerH: number, body: number, shown: (k: PaneKind) => boolean, panes: Partial<Record<PaneKind, Rect>>): Partial<Record<PaneKind, Rect>> {
  let top = headerH;
  let avail = body;
  const procsMin = shown('processes') ? 6 : 0;

  // CPU and memory side by side (stacked when narrow: memory is dropped below 80 columns).
  const wantTop = shown('cpu') || shown('memory');
  if (wantTop && avail - procsMin >= 6) {
    const h = shown('processes') ? clamp(Math.round(avail * 0.3), 6, 14) : avail;
    placeRow(panes, topRow(c, shown), top, h, c, [0.6, 0.4]);
    top += h;
    avail -= h;
  }
  // Network and disk side by side, only when the table keeps a useful height.
  const wantMid = (shown('net') || shown('disk')) && r >= 24;
  if (wantMid && avail - procsMin >= 6) {
    const h = shown('processes') ? clamp(Math.round(avail * 0.3), 6, 10) : avail;
    const row = [shown('net') ? 'net' : null, shown('disk') && c >= 60 ? 'disk' : null].filter((x): x is PaneKind => x !== null);
    if (row.length === 0 && shown('disk')) row.push('disk');
    placeRow(panes, row, top, h, c, [0.5, 0.5]);
    top += h;
    avail -= h;
  }
  if (shown('processes') && avail >= 3) panes.processes = { left: 0, top, width: c, height: avail };
  return panes;
}

function placeRow(panes: Partial<Record<PaneKind, Rect>>, row: PaneKind[], top: number, height: number, cols: number, shares: number[]): void {
  if (row.length === 1) {
    panes[row[0]] = { left: 0, top, width: cols, height };
    return;
  }
  const w0 = Math.round(cols * shares[0]);
  panes[row[0]] = { left: 0, top, width: w0, height };
  panes[row[1]] = { left: w0, top, width: cols - w0, height };
}
