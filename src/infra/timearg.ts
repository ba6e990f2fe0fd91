/**
 * Time arguments of export (--from/--to), record (--duration) and replay's `g`:
 *   HH:MM[:SS[.mmm]]          the first time at or after `ctx.day` (the recording's start) that the local
 *                             clock shows this: 01:00 in a recording begun at 23:00 is the next day's
 *   2024-05-01, 2024-05-01T12:00:00[.mmm][Z|±HH:MM], or a space instead of T   (no zone: local time)
 *   1714557600000             Unix epoch milliseconds (12 digits or more)
 *   -5m, +30s, -1h30m, +250ms relative: '+' from ctx.plus, '-' from ctx.minus (export: from the start and
 *                             from the end of the recording; replay: both are the current position)
 */
export interface TimeContext {
  /** Base of '+' offsets, ms since the epoch. */
  plus: number;
  /** Base of '-' offsets. */
  minus: number;
  /** A clock time is its first occurrence at or after this instant (pass the recording's start). */
  day: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "1h30m", "500ms", "10m", "2.5s": a duration in ms, or null if the text is not one. A bare number is seconds. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (m === null) return null;
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = re.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : null;
}

export class TimeArgError extends Error {
  override name = 'TimeArgError';
}

function bad(text: string): TimeArgError {
  return new TimeArgError(
    `cannot read time '${text}' (use HH:MM:SS, an ISO date like 2024-05-01T12:00:00, epoch milliseconds, or -5m / +30s)`,
  );
}

/** Parses one time argument into ms since the epoch; throws TimeArgError with a one-line message. */
export function parseTimeArg(text: string, ctx: TimeContext): number {
  const s = text.trim();
  if (s === '') throw bad(text);
  if (s[0] === '+' || s[0] === '-') {
    const d = parseDuration(s.slice(1));
    if (d === null || /^\d+(\.\d+)?$/.test(s.slice(1).trim())) throw bad(text); // a unit is required here
    return s[0] === '+' ? ctx.plus + d : ctx.minus - d;
  }
  if (/^\d+$/.test(s)) {
    if (s.length < 12) throw new TimeArgError(`'${text}' is not epoch milliseconds (too small; epoch seconds? append 000)`);
    return Number(s);
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(s);
  if (clock !== null) {
    const [h, mi, se] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    const ms = Number((clock[4] ?? '0').padEnd(3, '0'));
    if (h > 23 || mi > 59 || se > 59) throw bad(text);
    const d = new Date(ctx.day);
    const t = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, mi, se, ms);
    // A recording that crosses midnight: 01:00 after a start at 23:00 is the next day's.
    if (t.getTime() < ctx.day) t.setDate(t.getDate() + 1);
    return t.getTime();
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (iso !== null) {
    const [y, mo, da] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const [h, mi, se] = [Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0)];
    const ms = Number((iso[7] ?? '0').padEnd(3, '0'));
    if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59 || se > 59) throw bad(text);
    const zone = iso[8];
    if (zone === undefined) {
      const t = new Date(y, mo - 1, da, h, mi, se, ms);
      if (t.getDate() !== da) throw bad(text); // 2024-02-31
      return t.getTime();
    }
    let off = 0;
    if (zone !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone) as RegExpExecArray;
      off = (z[1] === '+' ? 1 : -1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    }
    const t = Date.UTC(y, mo - 1, da, h, mi, se, ms) - off;
    if (new Date(Date.UTC(y, mo - 1, da)).getUTCDate() !== da) throw bad(text);
    return t;
  }
  throw bad(text);
}
