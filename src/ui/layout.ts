import type { Rect } from '../panes/view';

/**
 * Where each pane goes for a terminal size: a pure function, so every size can be tested without a
 * terminal. Panes are dropped in reverse order of importance when space runs out (disk, network, memory,
 * CPU; the process table goes last), never squeezed into garbage; below MIN_COLS × MIN_ROWS there is
 * only a "terminal too small" notice.
 */
export type PaneKind = 'header' | 'cpu' | 'memory' | 'net' | 'disk' | 'processes' | 'footer';

export type Layout = { tooSmall: true } | { tooSmall: false; panes: Partial<Record<PaneKind, Rect>> };

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
  const panes: Partial<Record<PaneKind, Rect>> = {};
  const headerH = 1 + (opts.headerLines ?? 0);
  panes.header = { left: 0, top: 0, width: c, height: headerH };
  const footerH = r >= 8 ? 1 : 0;
  if (footerH) panes.footer = { left: 0, top: r - 1, width: c, height: 1 };
  let top = headerH;
  let avail = r - headerH - footerH;
  const procsMin = shown('processes') ? 6 : 0;

  // CPU and memory side by side (stacked when narrow: memory is dropped below 80 columns).
  const wantTop = shown('cpu') || shown('memory');
  if (wantTop && avail - procsMin >= 6) {
    const h = shown('processes') ? clamp(Math.round(avail * 0.3), 6, 14) : avail;
    const row = [shown('cpu') ? 'cpu' : null, shown('memory') && c >= 80 ? 'memory' : null].filter((x): x is PaneKind => x !== null);
    if (row.length === 0 && shown('memory')) row.push('memory');
    placeRow(panes, row, top, h, c, [0.6, 0.4]);
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
  return { tooSmall: false, panes };
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
