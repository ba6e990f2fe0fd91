/**
 * What the TUI shows of alerts, as pure functions of breaches (live: engine.active()/recent(); replay:
 * breachesAt()): header lines for active breaches, the `a` overlay (active first, then recent), and marks
 * for pane and process rows. Strings from outside (comm, interface and mount names, rule names) are
 * escaped for the terminal (and tag braces for blessed) after measuring; the results are tagged text, like
 * every pane view.
 */
import type { AlertNote } from '../store/alerts/engine';
import type { Breach } from '../store/alerts/evaluator';
import { ALERT_METRICS, AlertPane } from '../store/alerts/metrics';
import { parseMetric, SubjectKind } from '../store/window';
import { escapeTags, sanitize } from '../render/sanitize';
import type { Theme } from '../render/theme';
import { fit } from '../render/width';

/** A value with its unit, for messages and the screen: "96.3%", "1.5 GiB", "12.0 MB/s", "3.2/s". */
export function formatValue(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const num = (x: number): string => (Math.abs(x) >= 100 || Number.isInteger(x) ? String(Math.round(x)) : x.toFixed(1));
  switch (unit) {
    case '%':
      return `${num(v)}%`;
    case 'B':
    case 'B/s': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
      let x = Math.abs(v);
      let i = 0;
      while (x >= 1024 && i < units.length - 1) {
        x /= 1024;
        i++;
      }
      const body = i === 0 ? String(Math.round(x)) : x.toFixed(1);
      return `${v < 0 ? '-' : ''}${body} ${units[i]}${unit === 'B/s' ? '/s' : ''}`;
    }
    case '':
      return num(v);
    default:
      return `${num(v)}${unit.startsWith('/') ? '' : ' '}${unit}`;
  }
}

/** A breach's subject for people: "host", "eth0", "/home", "sda", "core 3", "pid 4242 burner". */
export function subjectText(b: Pick<Breach, 'kind' | 'subject' | 'pid' | 'comm'>): string {
  if (b.kind === 'proc') return b.pid === null ? b.subject : `pid ${b.pid} ${b.comm ?? ''}`.trimEnd();
  if (b.kind === 'core') return `core ${b.subject}`;
  return b.subject;
}

/** "45s", "12m05s", "3h02m". */
export function span(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

/** Escaped for the terminal first (escapes are wider than what they replace), then cut to width, then tag braces escaped. */
function cell(text: string, width: number): string {
  return escapeTags(fit(sanitize(text), width).trimEnd());
}

/** One line for a breach: "cpu.total_pct > 90  host  96.3%  for 1m12s  peak 99.1%". Plain text, not yet escaped. */
function breachLine(b: Breach, now: number): string {
  const value = formatValue(b.value ?? b.peak, b.unit);
  const dur = b.end_t === null ? `for ${span(now - b.start_t)}` : `lasted ${span(b.end_t - b.start_t)}`;
  const clearing = b.clearing ? ' (clearing)' : '';
  return `${b.rule}  ${subjectText(b)}  ${value}  ${dur}  peak ${formatValue(b.peak, b.unit)}${clearing}`;
}

/**
 * Lines for the header: one per active breach, at most `max` (the last says how many more there are).
 * `now` is the Snapshot's wall time (live) or the replayed moment. The header view highlights them.
 */
export function alertHeaderLines(active: readonly Breach[], now: number, max = 3, width = 200): string[] {
  const cap = Math.max(0, Math.floor(max));
  if (cap === 0 || active.length === 0) return [];
  const shown = active.length > cap ? active.slice(0, cap - 1) : active;
  const out = shown.map((b) => cell(breachLine(b, now), Math.max(10, width - 4)));
  if (shown.length < active.length) out.push(`+${active.length - shown.length} more alerts (a: list)`);
  return out;
}

export interface AlertsViewInput {
  active: readonly Breach[];
  recent: readonly Breach[];
  notes?: readonly AlertNote[];
  /** The Snapshot's wall time, or the replayed moment. */
  now: number;
  theme: Theme;
  /** Inner size of the overlay. */
  width: number;
  height: number;
}

/** The `a` overlay: active breaches first (newest start last), then recent ones (newest end first), then notes. */
export function alertsView(input: AlertsViewInput): { label: string; lines: string[] } {
  const { theme: t, width, now } = input;
  const w = Math.max(10, width);
  const row = (text: string): string => cell(text, w);
  const lines: string[] = [];
  lines.push(t.bold(`Active (${input.active.length})`));
  if (input.active.length === 0) lines.push(t.fg('gray', '  none'));
  for (const b of input.active) lines.push(t.fg('red', row(`  ${clock(b.start_t)}  ${breachLine(b, now)}`)));
  lines.push('');
  lines.push(t.bold('Recent'));
  if (input.recent.length === 0) lines.push(t.fg('gray', '  none'));
  for (const b of input.recent) {
    const why = b.end_reason === 'gone' ? ' (subject gone)' : b.end_reason === 'stop' ? ' (vigil stopped)' : '';
    lines.push(row(`  ${clock(b.start_t)}–${clock(b.end_t ?? now)}  ${breachLine(b, now)}${why}`));
  }
  const notes = input.notes ?? [];
  if (notes.length > 0) {
    lines.push('');
    lines.push(t.bold('Notes'));
    for (const n of notes.slice(-10)) lines.push(t.fg('yellow', row(`  ${clock(n.t)}  ${n.text}`)));
  }
  const h = Math.max(1, input.height);
  if (lines.length > h) {
    lines.length = h;
    lines[h - 1] = t.fg('gray', '  …');
  }
  return { label: 'alerts · any key closes', lines };
}

/** Which pane rows carry a mark: per pane, the subjects in breach ('host' for system-wide metrics). */
export interface AlertMarks {
  /** Panes with at least one active breach. */
  panes: ReadonlySet<AlertPane>;
  /** Whether a subject of a kind is in breach: ('proc', 'pid:start_time'), ('iface', 'eth0'), ('mount', '/'). */
  has(kind: SubjectKind, subject: string): boolean;
  /** The metrics in breach for a subject (e.g. to colour one figure of a row). */
  metrics(kind: SubjectKind, subject: string): readonly string[];
}

/** The marks with no breach open: every frame asks, and most have none. */
const NO_MARKS: AlertMarks = { panes: new Set(), has: () => false, metrics: () => [] };

export function alertMarks(active: readonly Breach[]): AlertMarks {
  if (active.length === 0) return NO_MARKS;
  const panes = new Set<AlertPane>();
  const by = new Map<string, string[]>();
  for (const b of active) {
    const m = parseMetric(b.metric);
    if (m !== null) panes.add(ALERT_METRICS[m.series].pane);
    const key = `${b.kind}\0${b.subject}`;
    const list = by.get(key);
    if (list === undefined) by.set(key, [b.metric]);
    else if (!list.includes(b.metric)) list.push(b.metric);
  }
  return {
    panes,
    has: (kind, subject) => by.has(`${kind}\0${kind === 'none' ? 'host' : subject}`),
    metrics: (kind, subject) => by.get(`${kind}\0${kind === 'none' ? 'host' : subject}`) ?? [],
  };
}

/** The mark to put in front of a marked row or pane label: one cell wide. */
export const ALERT_MARK = '!';

/** A pane label with the mark in front when the pane has an active breach. */
export function markLabel(label: string, marked: boolean, theme: Theme): string {
  return marked ? `${theme.fg('red', ALERT_MARK)} ${label}` : label;
}
