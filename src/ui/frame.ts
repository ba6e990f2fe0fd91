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
import { helpLines, KeySet } from './keys';
import { Mode, selectedProc, UiState } from './state';

const FOOTER_KEYS: { [K in KeySet]: string[][] } = {
  live: [['q', 'quit'], ['?', 'help'], ['/', 'filter'], ['t', 'tree'], ['f', 'follow'], ['⏎', 'details'], ['k', 'kill'], ['c', 'connections'], ['<>', 'sort']],
  replay: [['space', 'play/pause'], ['←→', 'step'], ['PgUp/PgDn', '±1 min'], ['g', 'go to'], ['+-', 'speed'], ['/', 'filter'], ['⏎', 'details'], ['?', 'help'], ['q', 'quit']],
};

export interface FooterInput {
  theme: Theme;
  keys: KeySet;
  /** A message still within its few seconds, or null. */
  status: string | null;
  /** --debug-timings: the parse and render times line (asked only when the footer shows it). */
  timings?: () => string;
}

/** The bottom line: the prompt being typed, a message, the timings, or the main keys. */
export function footerLine(s: UiState, f: FooterInput): string {
  const t = f.theme;
  if (s.mode === 'filter') return `${t.bold('filter:')} ${sanitizeTagged(s.table.filter)}▏  ${t.fg('gray', 'Enter keeps · Esc clears')}`;
  if (s.mode === 'goto') return `${t.bold('go to:')} ${sanitizeTagged(s.gotoText)}▏  ${t.fg('gray', '14:05:00 · 2024-05-01T14:05 · -5m · +30s · Esc cancels')}`;
  if (f.status !== null) return sanitizeTagged(f.status);
  if (f.timings) return f.timings();
  return FOOTER_KEYS[f.keys].map(([k, v]) => `${t.bold(k)} ${t.fg('gray', v)}`).join('  ');
}

/** Where an overlay stands: centred in the body, sized for what it holds. */
export function overlayRect(mode: Mode, keys: KeySet, body: Rect): Rect {
  const w = Math.min(body.width, mode === 'alerts' ? 120 : 72);
  const h = Math.min(body.height, mode === 'help' ? helpLines(keys).length + 4 : mode === 'alerts' ? 24 : mode === 'setup' ? COLUMN_ORDER.length + 2 : SIGNALS.length + 4);
  return { left: Math.max(0, Math.floor((body.width - w) / 2)), top: body.top + Math.max(0, Math.floor((body.height - h) / 2)), width: w, height: h };
}

/** The help overlay, the kill menu or its confirmation (the alerts overlay is the alerts pane's view). */
export function dialogView(s: UiState, theme: Theme, keys: KeySet): PaneView {
  if (s.mode === 'help') return { label: 'keys · any key closes', lines: ['', ...helpLines(keys), ''] };
  const target = selectedProc(s);
  const who = target ? `${target.pid} ${sanitizeTagged(target.comm)}` : '?';
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
