/**
 * The JSON config file (`--config FILE`, default $XDG_CONFIG_HOME/vigil/config.json; a missing default
 * file means the defaults). A bad file is refused with one line naming the field, what was expected and
 * what was found, exit 2; an unknown key is an error with a "did you mean" (a typo must not be ignored).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COLLECTORS, parseCollectors } from './export/prometheus/collectors';
import { EXIT, VigilError } from './infra/errors';
import { PROC_FIELDS, ProcColumnId } from './model/fields/proc';
import { THEME_NAMES, ThemeName } from './render/theme';

export const CONFIG_PANES = ['cpu', 'memory', 'net', 'disk', 'processes'] as const;
export type ConfigPane = (typeof CONFIG_PANES)[number];

/** The process table's column names, left to right (from the process field table). */
export const CONFIG_COLUMNS: readonly ProcColumnId[] = PROC_FIELDS.flatMap((f) => ('pane' in f ? [f.pane] : []))
  .sort((a, b) => a.at - b.at)
  .map((c) => c.id);

export interface Config {
  /** Where it was read from, or null for the built-in defaults. */
  path: string | null;
  interval_ms: number | null;
  proc_interval_ms: number | null;
  color: boolean | null;
  /** The screen's colours: dark (the default), light or mono; null when the file does not say. */
  theme: ThemeName | null;
  panes: Record<ConfigPane, boolean>;
  /** Raw alert rules; validated by the alerts layer, which knows the metrics. */
  alerts: unknown[] | null;
  /** The process table's columns (F2 saves them here); null: all of them. */
  columns: ProcColumnId[] | null;
  /** The node_exporter collectors `vigil serve` / `record --listen` serve; null: all. */
  collectors: ReadonlySet<string> | null;
}

/** One hour: the longest sampling interval (the window holds an hour; setTimeout overflows past 2^31 ms). */
export const MAX_INTERVAL_MS = 3_600_000;

/** The config file's top-level keys: an unknown one is refused; docs/config.md documents each (test/unit/docs.test.ts). */
export const TOP_KEYS = ['interval_ms', 'proc_interval_ms', 'color', 'theme', 'panes', 'alerts', 'columns', 'collectors'];

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'vigil', 'config.json');
}

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

export function didYouMean(word: string, choices: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const c of choices) {
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) {
      best = c;
      bestD = dd;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/**
 * The value a message quotes, cut to 60 characters. JSON.stringify recurses: a value nested 100k deep (a
 * hostile file) would overflow the stack, so an array or object that deep is described, not quoted.
 */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = Array.isArray(v) ? 'an array nested too deep to show' : 'an object nested too deep to show';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function configError(file: string, field: string, expected: string, got: unknown, hint = ''): VigilError {
  return new VigilError(`config ${file}: ${field}: expected ${expected}, got ${show(got)}${hint}`, EXIT.USAGE);
}

/** Parses and checks config text. `file` only labels the messages. */
export function parseConfig(text: string, file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VigilError(`config ${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`, EXIT.USAGE);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw configError(file, '(top level)', 'an object', raw);
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!TOP_KEYS.includes(k)) throw new VigilError(`config ${file}: unknown field '${k}'${didYouMean(k, TOP_KEYS)}`, EXIT.USAGE);
  }
  const interval = (k: 'interval_ms' | 'proc_interval_ms', min: number): number | null => {
    const v = obj[k];
    if (v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_INTERVAL_MS) {
      throw configError(file, k, `an integer from ${min} to ${MAX_INTERVAL_MS} (ms)`, v);
    }
    return v;
  };
  const panes = Object.fromEntries(CONFIG_PANES.map((p) => [p, true])) as Record<ConfigPane, boolean>;
  if (obj.panes !== undefined) {
    if (obj.panes === null || typeof obj.panes !== 'object' || Array.isArray(obj.panes)) throw configError(file, 'panes', `an object like {"disk": false}`, obj.panes);
    for (const [k, v] of Object.entries(obj.panes as Record<string, unknown>)) {
      if (!(CONFIG_PANES as readonly string[]).includes(k)) {
        throw new VigilError(`config ${file}: unknown pane 'panes.${k}'${didYouMean(k, CONFIG_PANES)} (panes: ${CONFIG_PANES.join(', ')})`, EXIT.USAGE);
      }
      if (typeof v !== 'boolean') throw configError(file, `panes.${k}`, 'true or false', v);
      panes[k as ConfigPane] = v;
    }
  }
  if (obj.color !== undefined && typeof obj.color !== 'boolean') throw configError(file, 'color', 'true or false', obj.color);
  if (obj.theme !== undefined && !(THEME_NAMES as readonly unknown[]).includes(obj.theme)) {
    const hint = typeof obj.theme === 'string' ? didYouMean(obj.theme, THEME_NAMES) : '';
    throw configError(file, 'theme', `one of ${THEME_NAMES.map((n) => `"${n}"`).join(', ')}`, obj.theme, hint);
  }
  if (obj.alerts !== undefined && !Array.isArray(obj.alerts)) throw configError(file, 'alerts', 'an array of rules', obj.alerts);
  let columns: ProcColumnId[] | null = null;
  if (obj.columns !== undefined) {
    if (!Array.isArray(obj.columns) || obj.columns.length === 0) throw configError(file, 'columns', 'a non-empty array of column names like ["pid", "cpu", "command"]', obj.columns);
    for (const [i, c] of (obj.columns as unknown[]).entries()) {
      if (typeof c !== 'string') throw configError(file, `columns[${i}]`, 'a column name', c);
      if (!(CONFIG_COLUMNS as readonly string[]).includes(c)) {
        throw new VigilError(`config ${file}: unknown column '${c}' in columns${didYouMean(c, CONFIG_COLUMNS)} (columns: ${CONFIG_COLUMNS.join(', ')})`, EXIT.USAGE);
      }
    }
    columns = obj.columns as ProcColumnId[];
  }
  let collectors: ReadonlySet<string> | null = null;
  if (obj.collectors !== undefined) {
    const c = obj.collectors;
    if (!(typeof c === 'string' || (Array.isArray(c) && c.every((x) => typeof x === 'string')))) {
      throw configError(file, 'collectors', `a string like "-netstat,-softnet" or an array like ["cpu", "meminfo"] (collectors: ${COLLECTORS.join(', ')})`, c);
    }
    collectors = parseCollectors(c as string | string[], `config ${file}: collectors`);
  }
  return {
    path: file,
    interval_ms: interval('interval_ms', 50),
    proc_interval_ms: interval('proc_interval_ms', 100),
    color: (obj.color as boolean | undefined) ?? null,
    theme: (obj.theme as ThemeName | undefined) ?? null,
    panes,
    alerts: (obj.alerts as unknown[] | undefined) ?? null,
    columns,
    collectors,
  };
}

/** Reads --config FILE (must exist), or the default path (may be missing: then the defaults). */
export function loadConfig(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const file = explicit ?? defaultConfigPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (explicit === undefined && code === 'ENOENT') {
      return { ...parseConfig('{}', ''), path: null };
    }
    throw new VigilError(`config ${file}: cannot read it (${code ?? 'error'})`, EXIT.USAGE);
  }
  return parseConfig(text, file);
}

export function hiddenPanes(c: Config): Set<ConfigPane> {
  return new Set(CONFIG_PANES.filter((p) => !c.panes[p]));
}

/** What the TUI needs of the config for its process table: the columns, and where F2 saves them. */
export interface TableConfig {
  columns: ProcColumnId[] | null;
  /** The file read (--config or the default path), or the default path when there was none. */
  file: string;
}

export function tableConfig(c: Config, env: NodeJS.ProcessEnv = process.env): TableConfig {
  return { columns: c.columns, file: c.path ?? defaultConfigPath(env) };
}

/**
 * Sets one top-level key of the config file, keeping every other key as the user wrote it: the file is
 * read again (it may have changed since start), the key set, and the result written to a temporary file
 * in the same directory and renamed over the old one, so that a crash never leaves half a config. A
 * missing file (and its directory) is created; a file that is not a JSON object is left alone (error).
 */
export function saveConfigKey(file: string, key: string, value: unknown): void {
  let obj: Record<string, unknown> = {};
  let mode = 0o644;
  // A config kept elsewhere and linked here (a dotfiles repository) is written where it lives.
  let target = file;
  try {
    target = fs.realpathSync(file);
    const text = fs.readFileSync(target, 'utf8');
    mode = fs.statSync(target).mode & 0o777;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new VigilError(`config ${file}: not valid JSON; not changed`, EXIT.USAGE);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new VigilError(`config ${file}: not a JSON object; not changed`, EXIT.USAGE);
    obj = raw as Record<string, unknown>;
  } catch (err) {
    if (err instanceof VigilError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new VigilError(`config ${file}: cannot read it (${code ?? 'error'})`, EXIT.USAGE);
    target = file;
  }
  obj[key] = value;
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify(obj, null, 2)}\n`, { mode });
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new VigilError(`config ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, EXIT.USAGE);
  }
}
