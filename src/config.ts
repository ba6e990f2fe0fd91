/**
 * The JSON config file (`--config FILE`, default $XDG_CONFIG_HOME/vigil/config.json; a missing default
 * file means the defaults). A bad file is refused with one line naming the field, what was expected and
 * what was found, exit 2; an unknown key is an error with a "did you mean" (a typo must not be ignored).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, VigilError } from './errors';
import type { PaneKind } from './ui/layout';
import { THEME_NAMES, ThemeName } from './render/theme';

export const CONFIG_PANES = ['cpu', 'memory', 'net', 'disk', 'processes'] as const;
export type ConfigPane = (typeof CONFIG_PANES)[number];

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
}

/** One hour: the longest sampling interval (the window holds an hour; setTimeout overflows past 2^31 ms). */
export const MAX_INTERVAL_MS = 3_600_000;

const TOP_KEYS = ['interval_ms', 'proc_interval_ms', 'color', 'theme', 'panes', 'alerts'];

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
  return {
    path: file,
    interval_ms: interval('interval_ms', 50),
    proc_interval_ms: interval('proc_interval_ms', 100),
    color: (obj.color as boolean | undefined) ?? null,
    theme: (obj.theme as ThemeName | undefined) ?? null,
    panes,
    alerts: (obj.alerts as unknown[] | undefined) ?? null,
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
      return { path: null, interval_ms: null, proc_interval_ms: null, color: null, theme: null, panes: parseConfig('{}', '').panes, alerts: null };
    }
    throw new VigilError(`config ${file}: cannot read it (${code ?? 'error'})`, EXIT.USAGE);
  }
  return parseConfig(text, file);
}

export function hiddenPanes(c: Config): Set<PaneKind> {
  return new Set(CONFIG_PANES.filter((p) => !c.panes[p]));
}
