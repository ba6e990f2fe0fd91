/**
 * Alert rules: the `alerts` array of the config file, checked field by field. A bad rule is refused with
 * one line naming the rule (its index and metric), the field and what was expected, exit 2; an unknown
 * metric gets a "did you mean". Fields of your own are allowed (a "note", a "severity"), except ones that
 * look like a typo of a known field ("windw"), which are refused with a "did you mean".
 */
import { configError, didYouMean, distance } from '../../config';
import { EXIT, VigilError } from '../../infra/errors';
import { parseDuration } from '../../infra/timearg';
import { parseMetric } from '../window';
import { ALERT_METRIC_NAMES, ALERT_METRICS, AlertMetric, AlertMetricDef } from './metrics';

export const OPS = ['>', '>=', '<', '<='] as const;
export type Op = (typeof OPS)[number];

export interface Rule {
  /** Position in the config's `alerts` array (or in DEFAULT_RULES). */
  index: number;
  name: string;
  /** The series the window keeps (`cpu.3.user_pct` is series cpu.core.user_pct with subject '3'). */
  metric: AlertMetric;
  /** The metric as written in the config. */
  written: string;
  def: AlertMetricDef;
  op: Op;
  threshold: number;
  /** Hysteresis: a breach ends when the value is past this (below it for > and >=, above it for < and <=). */
  clear: number;
  /** The value compared is the window average over this many ms, ending now. */
  window_ms: number;
  /** The condition must hold this long before the breach counts; an end followed by a restart within it continues the breach. */
  for_ms: number;
  match: RegExp | null;
  /** Process rules: only this user's processes. */
  user: string | null;
  /** A metric written with its subject (`cpu.3.total_pct`): only that subject. */
  subject: string | null;
}

/** What ships: used when the config file has no `alerts` (an empty array turns alerts off). */
export const DEFAULT_RULES: readonly Record<string, unknown>[] = [
  { metric: 'cpu.total_pct', op: '>', threshold: 90, window: '10s', for: '30s', clear: 80 },
  { metric: 'mem.used_pct', op: '>', threshold: 90, window: '10s', for: '30s', clear: 85 },
  { metric: 'swap.used_pct', op: '>', threshold: 50, window: '10s', for: '10s', clear: 45 },
  { metric: 'fs.used_pct', op: '>', threshold: 95, window: '10s', for: '10s', clear: 94 },
  { metric: 'proc.cpu_pct', op: '>', threshold: 95, window: '10s', for: '60s', clear: 80 },
  { metric: 'cpu.iowait_pct', op: '>', threshold: 50, window: '10s', for: '30s', clear: 40 },
];

const FIELDS = ['name', 'metric', 'op', 'threshold', 'window', 'for', 'clear', 'match', 'user'] as const;
const DEFAULT_WINDOW_MS = 5_000;
const MAX_WINDOW_MS = 3_600_000;
const MAX_FOR_MS = 86_400_000;

/** An unknown field that is one edit from a known one (two for long names) is a typo, not a field of your own. */
function typoOf(key: string): string | null {
  for (const f of FIELDS) {
    const d = distance(key.toLowerCase(), f);
    if (d > 0 && (d <= 1 || (d <= 2 && key.length >= 6 && f.length >= 6))) return f;
  }
  return null;
}

function check(file: string, raw: unknown, index: number): Rule {
  const where = `alerts[${index}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(file, where, 'a rule object like {"metric": "cpu.total_pct", "op": ">", "threshold": 90}', raw);
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.metric !== 'string') throw configError(file, `${where}: metric`, 'an alert metric name like "cpu.total_pct"', r.metric);
  const parsed = parseMetric(r.metric);
  if (parsed === null) {
    throw new VigilError(`config ${file}: ${where}: metric: unknown metric '${r.metric}'${didYouMean(r.metric, ALERT_METRIC_NAMES)}`, EXIT.USAGE);
  }
  const written = r.metric;
  const at = `${where} (${written})`;
  const bad = (field: string, expected: string, got: unknown): VigilError => configError(file, `${at}: ${field}`, expected, got);
  for (const k of Object.keys(r)) {
    if ((FIELDS as readonly string[]).includes(k)) continue;
    const typo = typoOf(k);
    if (typo !== null) throw new VigilError(`config ${file}: ${at}: unknown field '${k}' (did you mean '${typo}'?)`, EXIT.USAGE);
  }
  const metric = parsed.series;
  const def = ALERT_METRICS[metric];
  const op = r.op === undefined ? '>' : r.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) throw bad('op', `one of ${OPS.map((o) => `"${o}"`).join(', ')}`, r.op);
  if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold)) throw bad('threshold', 'a number', r.threshold);
  const threshold = r.threshold;
  const duration = (field: 'window' | 'for', dflt: number, min: number, max: number): number => {
    const v = r[field];
    if (v === undefined) return dflt;
    const ms = typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) : typeof v === 'string' ? parseDuration(v) : null;
    const range = `between ${min > 0 ? `${min}ms` : '0s'} and ${max / 3_600_000}h`;
    if (ms === null || ms < min || ms > max) throw bad(field, `a duration like "30s", "5m" or "1h30m" (or a number of seconds) ${range}`, v);
    return ms;
  };
  const window_ms = duration('window', DEFAULT_WINDOW_MS, 1, MAX_WINDOW_MS);
  const for_ms = duration('for', 0, 0, MAX_FOR_MS);
  const above = op === '>' || op === '>=';
  let clear = threshold;
  if (r.clear !== undefined) {
    if (typeof r.clear !== 'number' || !Number.isFinite(r.clear) || (above ? r.clear > threshold : r.clear < threshold)) {
      throw bad('clear', `a number ${above ? 'at most' : 'at least'} the threshold (${threshold}): the breach ends once the value is ${above ? 'below' : 'above'} it`, r.clear);
    }
    clear = r.clear;
  }
  const subjectKind = def.subject;
  let match: RegExp | null = null;
  if (r.match !== undefined) {
    if (subjectKind === 'none' || parsed.subject !== '') throw bad('match', `no match: ${written} has a single subject`, r.match);
    if (typeof r.match !== 'string') throw bad('match', 'a regular expression (a string)', r.match);
    try {
      match = new RegExp(r.match);
    } catch (err) {
      throw bad('match', `a regular expression (${(err as Error).message})`, r.match);
    }
  }
  let user: string | null = null;
  if (r.user !== undefined) {
    if (subjectKind !== 'proc') throw bad('user', 'no user: only proc.* metrics have one', r.user);
    if (typeof r.user !== 'string' || r.user === '') throw bad('user', 'a user name', r.user);
    user = r.user;
  }
  let name = `${written} ${op} ${threshold}${r.match !== undefined ? ` ~${String(r.match)}` : ''}${user !== null ? ` @${user}` : ''}`;
  if (r.name !== undefined) {
    if (typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 200) throw bad('name', 'a non-empty string of at most 200 characters', r.name);
    name = r.name;
  }
  return {
    index, name, metric, written, def, op: op as Op, threshold, clear, window_ms, for_ms, match, user,
    subject: parsed.subject === '' ? null : parsed.subject,
  };
}

/**
 * The rules of a config's `alerts` (null: the defaults). `file` labels the messages. Throws a VigilError
 * (exit 2) for the first bad rule.
 */
export function compileRules(raw: readonly unknown[] | null, file: string | null): Rule[] {
  const label = file ?? '(defaults)';
  const rules = (raw ?? DEFAULT_RULES).map((r, i) => check(label, r, i));
  const seen = new Map<string, number>();
  for (const r of rules) {
    const other = seen.get(r.name);
    if (other !== undefined) {
      throw new VigilError(`config ${label}: alerts[${r.index}] (${r.written}): name: '${r.name}' is also the name of alerts[${other}]; give one of them a different "name"`, EXIT.USAGE);
    }
    seen.set(r.name, r.index);
  }
  return rules;
}

/** The rule as one line of JSON-like text, for help and messages: `cpu.total_pct > 90 over 10s for 30s (clear 80)`. */
export function describeRule(r: Rule): string {
  const s = (ms: number): string => (ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
  const extra = [r.match ? `match /${r.match.source}/` : '', r.user ? `user ${r.user}` : ''].filter(Boolean).join(', ');
  return `${r.written} ${r.op} ${r.threshold} over ${s(r.window_ms)} for ${s(r.for_ms)} (clear ${r.clear})${extra ? `, ${extra}` : ''}`;
}
