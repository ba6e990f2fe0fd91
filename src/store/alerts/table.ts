/**
 * The `alert` table: one row per breach, the same in a recording and in the alert log (alerts.db), so
 * `vigil alerts` and `vigil export --table alerts` read either with the same queries. A breach is upserted
 * by (rule, subject, start_t): written when it fires, updated while it lasts and when it ends.
 */
import type Database from 'better-sqlite3';

export type EndReason = 'clear' | 'gone' | 'stop';

/** A breach as stored. Times are wall-clock ms since the epoch (labels); the engine measures spans on the monotonic clock. */
export interface BreachRecord {
  /** The rule's name (its `name` field, or `metric op threshold` [~match]). */
  rule: string;
  metric: string;
  op: string;
  /** 'host' for system-wide metrics, else the core, interface, device, mount point, or `pid:start_time`. */
  subject: string;
  /** Process subjects only: pid, start time (clock ticks after boot), comm and user as last seen. */
  pid: number | null;
  start_time: number | null;
  comm: string | null;
  user: string | null;
  /** When the condition began to hold (the breach's start), and when it had held for `for` (the row appeared). */
  start_t: number;
  fired_t: number;
  /** When the value went back past `clear` (or the subject went away, or vigil stopped); null while active. */
  end_t: number | null;
  end_reason: EndReason | null;
  /** The most extreme and the mean of the evaluated values (each a window average), and how many there were. */
  peak: number | null;
  average: number | null;
  threshold: number;
  samples: number;
  /**
   * Alert log only: 'restart' when a later vigil closed the breach because the vigil that opened it was no
   * longer running (it crashed, or the log was locked when it stopped); null otherwise.
   */
  closed_by?: ClosedBy | null;
}

export type ClosedBy = 'restart';

export const ALERT_COLUMNS = [
  'rule', 'metric', 'op', 'subject', 'pid', 'start_time', 'comm', 'user', 'start_t', 'fired_t', 'end_t', 'end_reason',
  'peak', 'average', 'threshold', 'samples',
] as const satisfies readonly (keyof BreachRecord)[];

export const ALERT_TABLE_SQL = [
  `CREATE TABLE alert(
     id INTEGER PRIMARY KEY, rule TEXT NOT NULL, metric TEXT NOT NULL, op TEXT NOT NULL, subject TEXT NOT NULL,
     pid INTEGER, start_time INTEGER, comm TEXT, user TEXT,
     start_t INTEGER NOT NULL, fired_t INTEGER NOT NULL, end_t INTEGER, end_reason TEXT,
     peak REAL, average REAL, threshold REAL NOT NULL, samples INTEGER NOT NULL DEFAULT 0,
     UNIQUE(rule, subject, start_t))`,
  `CREATE INDEX alert_start ON alert(start_t)`,
];

/** The upsert of a breach row; `extra` columns (the alert log's `writer`) are written and updated too. */
export function upsertAlertSql(extra: readonly string[] = []): string {
  const cols = [...ALERT_COLUMNS, ...extra];
  return `INSERT INTO alert (${cols.join(', ')})
  VALUES (${cols.map((c) => `@${c}`).join(', ')})
  ON CONFLICT (rule, subject, start_t) DO UPDATE SET comm = excluded.comm, user = excluded.user,
    end_t = excluded.end_t, end_reason = excluded.end_reason, peak = excluded.peak, average = excluded.average,
    threshold = excluded.threshold, samples = excluded.samples${extra.map((c) => `, ${c} = excluded.${c}`).join('')}`;
}

export const UPSERT_ALERT_SQL = upsertAlertSql();

/**
 * Recordings only (schema 3): a breach's running figures after every evaluation while it was open, so that
 * replay shows them as they stood at the replayed moment (the `alert` row keeps only the latest). A row
 * per evaluation whose figures changed: `t` the Snapshot's wall time, `value` the evaluated window
 * average, `peak`/`average`/`samples` over the evaluations from the breach's start to then, `clearing` 1
 * while past `clear` waiting out `for`.
 */
export const ALERT_STEP_SQL = `CREATE TABLE alert_step(
     alert INTEGER NOT NULL, t INTEGER NOT NULL, value REAL, peak REAL, average REAL, samples INTEGER NOT NULL,
     clearing INTEGER NOT NULL, PRIMARY KEY (alert, t)) WITHOUT ROWID`;

/** What a breach's step holds: its figures as of one evaluation. */
export interface BreachStep {
  value: number | null;
  peak: number | null;
  average: number | null;
  samples: number;
  clearing: boolean;
}

/** An active breach as of a moment: its figures then (all null when the file kept no steps: older files). */
export type BreachAsOf = BreachRecord & { value: number | null; clearing: boolean };

export const breachKey = (b: Pick<BreachRecord, 'rule' | 'subject' | 'start_t'>): string => `${b.rule}\0${b.subject}\0${b.start_t}`;

const SELECT = `SELECT id, ${ALERT_COLUMNS.join(', ')} FROM alert`;

type Row = BreachRecord & { id: number };

/** Gates every value into the table: better-sqlite3 would store NaN as NULL without a word. */
export function toRow(b: BreachRecord): BreachRecord {
  const fin = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
  return { ...b, peak: fin(b.peak), average: fin(b.average), samples: Math.max(0, Math.floor(b.samples)) };
}

function fromRow(r: Row): BreachRecord {
  const { id: _id, ...rest } = r;
  return rest;
}

/**
 * Breaches that overlap [fromT, toT] (ms), in the order they began, paged so a big table is never read whole.
 * `closedBy`: the table has the alert log's closed_by column (version 2 on); rows carry it.
 */
export function* breachesOverlapping(db: Database.Database, fromT = -Infinity, toT = Infinity, closedBy = false): Generator<BreachRecord> {
  const st = db.prepare(
    `${closedBy ? SELECT.replace(' FROM', ', closed_by FROM') : SELECT} WHERE (start_t > @t OR (start_t = @t AND id > @id)) AND start_t <= @hi AND (end_t IS NULL OR end_t >= @lo)
     ORDER BY start_t, id LIMIT 500`,
  );
  const hi = Number.isFinite(toT) ? toT : Number.MAX_SAFE_INTEGER;
  const lo = Number.isFinite(fromT) ? fromT : -Number.MAX_SAFE_INTEGER;
  let t = -Number.MAX_SAFE_INTEGER;
  let id = 0;
  for (;;) {
    const page = st.all({ t, id, hi, lo }) as Row[];
    if (page.length === 0) return;
    for (const r of page) {
      t = r.start_t;
      id = r.id;
      yield fromRow(r);
    }
  }
}

/**
 * The breaches as they stood at time t: active (fired at or before t, not ended by t) and the `recent` that
 * had ended by t, newest end first. A breach that had begun but not yet held for `for` at t is not there yet.
 */
export function breachesAsOf(db: Database.Database, t: number, recent: number): { active: BreachAsOf[]; recent: BreachRecord[] } {
  const rows = db.prepare(`${SELECT} WHERE start_t <= @t AND fired_t <= @t AND (end_t IS NULL OR end_t > @t) ORDER BY start_t, id`).all({ t }) as Row[];
  const hasSteps = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'alert_step'").get() !== undefined;
  const step = hasSteps
    ? db.prepare('SELECT value, peak, average, samples, clearing FROM alert_step WHERE alert = ? AND t <= ? ORDER BY t DESC LIMIT 1')
    : null;
  // The row's peak, average and samples are the final ones: an active breach shows its latest step at or
  // before t instead, and unknown figures when the file has none (kept from schema 3 on).
  const active = rows.map((r): BreachAsOf => {
    const st = step?.get(r.id, t) as { value: number | null; peak: number | null; average: number | null; samples: number; clearing: number } | undefined;
    // Not ended yet at t: the row's end (and why) are the future's, as its final figures are.
    const base = { ...fromRow(r), end_t: null, end_reason: null };
    if (st === undefined) return { ...base, peak: null, average: null, samples: 0, value: null, clearing: false };
    return { ...base, peak: st.peak, average: st.average, samples: st.samples, value: st.value, clearing: st.clearing === 1 };
  });
  const ended = recent > 0
    ? (db.prepare(`${SELECT} WHERE end_t IS NOT NULL AND end_t <= @t AND fired_t <= @t ORDER BY end_t DESC, id DESC LIMIT @n`).all({ t, n: Math.floor(recent) }) as Row[]).map(fromRow)
    : [];
  return { active, recent: ended };
}
