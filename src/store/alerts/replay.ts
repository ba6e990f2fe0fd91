/**
 * Replay's side of alerts: the breaches of a recording as they stood at the replayed moment, read-only.
 * A breach shows as active from the moment it fired (not from when its condition began: live did not
 * know yet) until its end. An active breach's figures (value, peak, average, samples, clearing) are those
 * the recorder's evaluator held after its last evaluation at or before that moment (the alert_step table:
 * exact, the same numbers live showed then); a file without steps (schema < 3) shows them as unknown
 * rather than the final ones. An ended breach shows its final figures.
 */
import type { Recording } from '../recording/reader';
import { parseMetric } from '../window';
import type { Breach } from './evaluator';
import { ALERT_METRICS } from './metrics';
import type { BreachAsOf, BreachRecord } from './table';

/** A stored row as the views take it (kind and unit from the metric; an unknown metric is shown as system-wide). */
export function breachFromRecord(r: BreachRecord | BreachAsOf): Breach {
  const m = parseMetric(r.metric);
  const def = m === null ? null : ALERT_METRICS[m.series];
  const asOf = 'value' in r;
  return {
    ...r, kind: def?.subject ?? 'none', unit: def?.unit ?? '', clear: r.threshold, for_ms: 0, window_ms: 0,
    value: asOf ? r.value : r.average, clearing: asOf ? r.clearing : false,
  };
}

/** The breaches active at time t (ms) and the `recent` that had ended by then, newest end first. */
export function breachesAt(rec: Recording, t: number, recent = 20): { active: Breach[]; recent: Breach[] } {
  const r = rec.alertsAsOf(t, recent);
  return { active: r.active.map(breachFromRecord), recent: r.recent.map(breachFromRecord) };
}
