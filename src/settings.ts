/**
 * Where every sampling command gets its intervals: the flag if given, else the config file's field, else
 * the command's default (flags > config > defaults). `vigil`, `record`, `run`, `serve` and `sample` all
 * resolve here, so the config file means the same to each of them.
 */
import { Config, MAX_INTERVAL_MS } from './config';
import { usageError } from './infra/errors';
import { DEFAULT_INTERVAL_MS, DEFAULT_PROC_INTERVAL_MS, MIN_PROC_INTERVAL_MS } from './sampler/intervals';

export const MIN_INTERVAL_MS = 50;
export { MAX_INTERVAL_MS };

export interface SamplingFlags {
  /** As yargs gives them: undefined when not on the command line, an array when repeated. */
  interval?: number | number[];
  'proc-interval'?: number | number[];
}

export interface Sampling {
  intervalMs: number;
  /** Never shorter than intervalMs: the process tier runs on the system tier's ticks. */
  procIntervalMs: number;
}

export function checkInterval(flag: string, v: unknown, min: number): number {
  if (Array.isArray(v)) throw usageError(`--${flag} given more than once`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_INTERVAL_MS) {
    throw usageError(`--${flag} must be an integer from ${min} to ${MAX_INTERVAL_MS} (ms), got ${String(v)}`);
  }
  return v;
}

export function resolveSampling(flags: SamplingFlags, config: Config, defaultIntervalMs = DEFAULT_INTERVAL_MS): Sampling {
  const intervalMs =
    flags.interval !== undefined ? checkInterval('interval', flags.interval, MIN_INTERVAL_MS) : (config.interval_ms ?? defaultIntervalMs);
  const proc =
    flags['proc-interval'] !== undefined
      ? checkInterval('proc-interval', flags['proc-interval'], MIN_PROC_INTERVAL_MS)
      : (config.proc_interval_ms ?? DEFAULT_PROC_INTERVAL_MS);
  return { intervalMs, procIntervalMs: Math.max(proc, intervalMs) };
}
