/**
 * --from / --to of the commands that read a recording (export, report): times read against the
 * recording (see src/infra/timearg.ts: '+' from its start, '-' from its end, a clock time on the day it
 * began), and the sample ids that bound them. A bad time is a usage error (2) naming the option.
 */
import { usageError } from '../infra/errors';
import { parseTimeArg, TimeArgError } from '../infra/timearg';
import type { Recording } from '../store/recording/reader';

export interface SampleRange {
  /** Wall-clock bounds, ms (±Infinity when not given). */
  fromT: number;
  toT: number;
  /** First and last sample id inside them; null when no sample is. */
  fromS: number | null;
  toS: number | null;
}

/** null: the recording has no samples at all. */
export function sampleRange(rec: Recording, from: string | undefined, to: string | undefined): SampleRange | null {
  const first = rec.first();
  const last = rec.last();
  if (first === null || last === null) return null;
  const ctx = { plus: first.t, minus: last.t, day: first.t };
  const time = (name: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    try {
      return parseTimeArg(v, ctx);
    } catch (err) {
      if (err instanceof TimeArgError) throw usageError(`--${name}: ${err.message}`);
      throw err;
    }
  };
  const fromT = time('from', from, -Infinity);
  const toT = time('to', to, Infinity);
  let fromS = Number.isFinite(fromT) ? rec.atOrAfter(fromT) : first.s;
  let toS = Number.isFinite(toT) ? rec.atOrBefore(toT) : last.s;
  if (fromS === null || toS === null || fromS > toS) fromS = toS = null;
  return { fromT, toT, fromS, toS };
}
