/**
 * `vigil alerts [FILE] [--since 1h] [--active] [--format table|json]`: the breaches in the alert log
 * (default $XDG_STATE_HOME/vigil/alerts.db) or in a recording, oldest first. Read-only: the file is never
 * changed, and a missing default log just means nothing has been logged yet.
 *
 * --since takes a duration (1h, 30m: back from now for the alert log, from the end of a recording) or a
 * time as `vigil export --from` takes it; a breach is listed if it was active at any moment since then.
 */
import { EXIT, usageError, VigilError } from '../infra/errors';
import { ALERT_LOG_KIND, defaultAlertLogPath } from '../store/alerts/log';
import { breachFromRecord } from '../store/alerts/replay';
import { BreachRecord, breachesOverlapping } from '../store/alerts/table';
import { formatValue, span, subjectText } from '../panes/alerts';
import { openForReading, RECORDING_KIND } from '../store/recording/open';
import { readError } from '../store/recording/sqlite-error';
import { parseDuration, parseTimeArg, TimeArgError } from '../infra/timearg';
import { sanitize } from '../render/sanitize';
import { displayWidth } from '../render/width';

export type AlertsFormat = 'table' | 'json';

export interface AlertsOptions {
  /** A recording or an alert log; undefined: the default alert log. */
  file?: string;
  since?: string;
  active: boolean;
  format: AlertsFormat;
  env?: NodeJS.ProcessEnv;
  /** "Now" for --since on the alert log and for the duration of active breaches (tests). */
  now?: number;
}

const COLUMNS = ['START', 'END', 'DURATION', 'RULE', 'SUBJECT', 'PEAK', 'AVERAGE', 'THRESHOLD', 'SAMPLES', 'ENDED'] as const;

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function sinceTime(text: string, ref: number): number {
  // A duration needs its unit here: a bare number is a time (epoch ms).
  const d = /^\s*\d+(\.\d+)?\s*$/.test(text) ? null : parseDuration(text);
  if (d !== null) return ref - d;
  try {
    return parseTimeArg(text, { plus: ref, minus: ref, day: ref - 86_400_000 });
  } catch (err) {
    if (err instanceof TimeArgError) throw usageError(`--since: ${err.message.replace(/ or -5m \/ \+30s\)$/, ' or a duration like 1h)')}`);
    throw err;
  }
}

/** The table's rows, plain text (escaped for a terminal). */
export function tableRows(rows: readonly BreachRecord[], now: number): string[][] {
  return rows.map((r) => {
    const b = breachFromRecord(r);
    const sameDay = r.end_t !== null && stamp(r.end_t).slice(0, 10) === stamp(r.start_t).slice(0, 10);
    const end = r.end_t === null ? 'active' : sameDay ? stamp(r.end_t).slice(11) : stamp(r.end_t);
    const why = r.closed_by === 'restart' ? 'restart' : r.end_reason === 'clear' ? 'cleared' : r.end_reason === 'gone' ? 'gone' : r.end_reason === 'stop' ? 'stopped' : '-';
    return [
      stamp(r.start_t), end, span((r.end_t ?? now) - r.start_t), sanitize(r.rule), sanitize(subjectText(b)),
      formatValue(r.peak, b.unit), formatValue(r.average, b.unit), formatValue(r.threshold, b.unit), String(r.samples), why,
    ];
  });
}

export function formatTable(rows: readonly string[][]): string {
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i]))));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - displayWidth(c)))).join('  ')).join('\n') + '\n';
}

export async function runAlerts(opts: AlertsOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const explicit = opts.file !== undefined;
  const file = opts.file ?? defaultAlertLogPath(opts.env);
  let opened;
  try {
    opened = openForReading(file, [ALERT_LOG_KIND, RECORDING_KIND]);
  } catch (err) {
    if (!explicit && err instanceof VigilError && err.exitCode === EXIT.NOINPUT) {
      if (opts.format === 'table') out.write(`no breaches: nothing has been logged yet (no alert log at ${file})\n`);
      return;
    }
    throw err;
  }
  try {
    const db = opened.db;
    const now = opts.now ?? Date.now();
    let ref = now;
    if (opened.kind === RECORDING_KIND) {
      const last = db.prepare('SELECT max(t) AS t FROM sample').get() as { t: number | null };
      ref = last.t ?? now;
    }
    const from = opts.since === undefined ? -Infinity : sinceTime(opts.since, ref);
    const rows: BreachRecord[] = [];
    // closed_by: alert logs from version 2 on; null elsewhere, so every JSON line has the same keys.
    const closedBy = opened.kind === ALERT_LOG_KIND && opened.schemaVersion >= 2;
    try {
      for (const r of breachesOverlapping(db, from, Infinity, closedBy)) if (!opts.active || r.end_t === null) rows.push({ ...r, closed_by: r.closed_by ?? null });
    } catch (err) {
      throw readError(file, err);
    }
    if (opts.format === 'json') {
      for (const r of rows) {
        out.write(JSON.stringify({ ...r, duration_ms: (r.end_t ?? ref) - r.start_t, active: r.end_t === null }) + '\n');
      }
      return;
    }
    if (rows.length === 0) {
      out.write(`no breaches${opts.active ? ' active' : ''}${opts.since !== undefined ? ` since ${stamp(from)}` : ''} in ${file}\n`);
      return;
    }
    out.write(formatTable(tableRows(rows, ref)));
  } finally {
    opened.close();
  }
}
