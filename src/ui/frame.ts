/**
 * What the screen's own lines show for a UiState: the footer, and the dialogs that open over the panes
 * (help, the kill menu and its confirmation) with where they stand. Pure: state in, tagged text out; the
 * panes' views live in src/panes/.
 */
import { PROC_FIELDS } from '../model/fields/proc';
import { COLUMN_ORDER, COLUMNS } from '../panes/processes';
import type { ColumnKey } from '../panes/proctable';
import type { PaneView, Rect } from '../panes/view';
import { sanitizeTagged } from '../render/sanitize';
import type { Theme } from '../render/theme';
import { SIGNALS } from './actions';
import { footerKeys, helpLines, KeySet } from './keys';
import { menuUsers, Mode, rowsOf, searchMatches, selectedIndex, targets, UiState } from './state';

export interface FooterInput {
  theme: Theme;
  keys: KeySet;
  /** A message still within its few seconds, or null. */
  status: string | null;
  /** --debug-timings: the parse and render times line (asked only when the footer shows it). */
  timings?: () => string;
  /** Replay: where the shown moment stands in the recording (ms since the epoch). */
  position?: { t: number; start: number; end: number } | null;
}

/** Replay's position and length: `▕████░░░░▏ 12:04:31 / 1h02m`. */
export function positionBar(p: { t: number; start: number; end: number }, width = 12): string {
  const len = Math.max(0, p.end - p.start);
  const at = len > 0 ? Math.max(0, Math.min(1, (p.t - p.start) / len)) : 1;
  const full = Math.round(at * width);
  const d = new Date(p.t);
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
  return `▕${'█'.repeat(full)}${'░'.repeat(width - full)}▏ ${hms} / ${span(len)}`;
}

/** A length of time as few characters: 45s, 12m30s, 1h02m, 3d04h. */
export function span(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** The bottom line: the prompt being typed, a message, the timings, or the main keys; PAUSED before them while paused. */
export function footerLine(s: UiState, f: FooterInput): string {
  const t = f.theme;
  if (s.mode === 'filter') return `${t.bold('filter:')} ${sanitizeTagged(s.table.filter)}▏  ${t.fg('gray', 'Enter keeps · Esc clears')}`;
  if (s.mode === 'search') {
    const sel = rowsOf(s)[selectedIndex(s)];
    const miss = s.searchText !== '' && (sel === undefined || !searchMatches(sel.proc, s.searchText));
    return `${t.bold('search:')} ${sanitizeTagged(s.searchText)}▏  ${miss ? t.fg('red', 'no match') + '  ' : ''}${t.fg('gray', 'F3 next · Enter or Esc closes')}`;
  }
  if (s.mode === 'goto') return `${t.bold('go to:')} ${sanitizeTagged(s.gotoText)}▏  ${t.fg('gray', '14:05:00 · 2024-05-01T14:05 · -5m · +30s · Esc cancels')}`;
  // Marks that stay whatever else the line says: PAUSED, and replay's position.
  const lead = (s.paused ? `${t.inverse(t.fg('yellow', ' PAUSED '))} ${t.fg('gray', 'z resumes')}  ` : '') + (f.position ? `${positionBar(f.position)}  ` : '');
  if (f.status !== null) return lead + sanitizeTagged(f.status);
  if (f.timings) return lead + f.timings();
  return lead + keysLine(f.keys, t);
}

/** The keys line, made once per key set and theme: the footer is asked for it every frame. */
const keysLines = new WeakMap<Theme, Partial<Record<KeySet, string>>>();
function keysLine(keys: KeySet, t: Theme): string {
  let byKeys = keysLines.get(t);
  if (byKeys === undefined) keysLines.set(t, (byKeys = {}));
  return (byKeys[keys] ??= footerKeys(keys).map(([k, v]) => `${t.bold(sanitizeTagged(k))} ${t.fg('gray', v)}`).join('  '));
}

/** The widest the help overlay gets. */
const HELP_WIDTH = 78;

/** Where an overlay stands: centred in the body, sized for what it holds (the help and the menus scroll when it is more). */
export function overlayRect(mode: Mode, keys: KeySet, body: Rect, s?: UiState): Rect {
  const w = Math.min(body.width, mode === 'alerts' ? 120 : mode === 'help' ? HELP_WIDTH : mode === 'sort' || mode === 'user' ? 40 : 72);
  const content =
    mode === 'help' ? helpLines(keys, w - 2).length + 2
    : mode === 'alerts' ? 22
    : mode === 'sort' || mode === 'setup' ? COLUMN_ORDER.length
    : mode === 'user' ? (s ? menuUsers(s).length : 10)
    : SIGNALS.length + 2;
  const h = Math.min(body.height, content + 2);
  return { left: Math.max(0, Math.floor((body.width - w) / 2)), top: body.top + Math.max(0, Math.floor((body.height - h) / 2)), width: w, height: h };
}

/** A list cut to `height` lines around the highlighted one, which is drawn inverse. */
function menu(items: string[], index: number, height: number, theme: Theme): string[] {
  const top = Math.max(0, Math.min(index - Math.floor(height / 2), items.length - height));
  return items.slice(top, top + Math.max(1, height)).map((x, i) => (i + top === index ? theme.inverse(` ${x} `) : ` ${x} `));
}

/**
 * The help overlay, the sort and user menus, the kill menu or its confirmation (the alerts overlay is the
 * alerts pane's view). `inner` is the overlay's inside; the help returns where its scrolling stopped.
 */
export function dialogView(s: UiState, theme: Theme, keys: KeySet, inner: { width: number; height: number } = { width: HELP_WIDTH - 2, height: 100 }): PaneView & { top?: number } {
  if (s.mode === 'help') {
    const lines = ['', ...helpLines(keys, inner.width), ''];
    const fits = lines.length <= inner.height;
    const top = fits ? 0 : Math.max(0, Math.min(s.helpTop, lines.length - inner.height));
    const label = fits ? 'keys · any key closes' : `keys ${top + 1}–${Math.min(lines.length, top + inner.height)}/${lines.length} · ↑↓ PgUp PgDn scroll · any other key closes`;
    return { label, lines: lines.slice(top, top + inner.height), top };
  }
  if (s.mode === 'sort') {
    const items = COLUMN_ORDER.map((k) => (k === s.table.sortKey ? `${COLUMNS[k].title} ${s.table.descending ? '▼' : '▲'}` : COLUMNS[k].title));
    return { label: 'sort by · Enter picks · Esc cancels', lines: menu(items, s.menuIndex, inner.height, theme) };
  }
  if (s.mode === 'user') {
    const items = menuUsers(s).map((u) => (u === null ? 'all users' : sanitizeTagged(u)));
    return { label: 'show the processes of · Enter picks', lines: menu(items, s.menuIndex, inner.height, theme) };
  }
  const t = targets(s);
  const who = t.length === 1 ? `${t[0].pid} ${sanitizeTagged(t[0].comm)}` : t.length === 0 ? '?' : `${t.length} tagged processes`;
  if (s.mode === 'kill') {
    const lines = SIGNALS.map((sig, i) => (i === s.killIndex ? theme.selected(` ${i + 1} ${sig} `) : ` ${i + 1} ${sig} `));
    return { label: `send a signal to ${who} · Enter picks · Esc cancels`, lines };
  }
  return { label: 'confirm', lines: ['', `  Send ${SIGNALS[s.killIndex]} to ${who}?   ${theme.bold('y')} yes · ${theme.bold('n')} no`] };
}

/** What each column holds, from the process field table: the chooser's second column. */
const COLUMN_HELP = Object.fromEntries(PROC_FIELDS.flatMap((f) => ('pane' in f ? [[f.pane.id, f.help]] : []))) as Record<ColumnKey, string>;

/**
 * The column chooser (F2): every column with a checkbox, the highlighted one inverted; scrolled to keep
 * the highlight in `height` lines.
 */
export function setupView(s: UiState, theme: Theme, height: number): PaneView {
  const lines = COLUMN_ORDER.map((k, i) => {
    const line = ` [${s.columns.includes(k) ? 'x' : ' '}] ${COLUMNS[k].title.padEnd(9)} ${COLUMN_HELP[k]} `;
    return i === s.setupIndex ? theme.inverse(line) : line;
  });
  const h = Math.max(1, height);
  const top = Math.max(0, s.setupIndex - h + 1);
  return { label: 'columns · ↑↓ move · Space toggles · Esc closes', lines: lines.slice(top, top + h) };
}
