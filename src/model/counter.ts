/**
 * Cumulative kernel counters are unsigned 64-bit. JavaScript numbers are exact only up to 2^53, so a
 * Counter is a number while it is at most Number.MAX_SAFE_INTEGER and a bigint above it. The form is
 * canonical (never a bigint that would fit a number), so equal counters compare equal, and every
 * subtraction goes through counterDelta, which is exact in both forms. This keeps the hot path free of
 * BigInt allocations (nearly every counter fits) without ever rounding one that does not.
 */
export type Counter = number | bigint;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_32 = 4294967296;
const TWO_31 = 2147483648;

/** Canonical Counter from a bigint. */
export function fromBig(v: bigint): Counter {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

/**
 * Parses a run of decimal digits (an optional leading '-' is accepted for the few signed fields).
 * Returns null for anything that is not a plain integer: an empty string, a sign alone, letters.
 */
export function parseCounter(s: string): Counter | null {
  const n = s.length;
  if (n === 0) return null;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45 /* - */) {
    neg = true;
    i = 1;
    if (n === 1) return null;
  }
  // 15 digits are always below 2^53: fold them into a number directly.
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) return null;
  }
  return fromBig(BigInt(s));
}

/** Counter as a number for display of a gauge; loses precision above 2^53, which a gauge can afford. */
export function counterToNumber(c: Counter): number {
  return typeof c === 'number' ? c : Number(c);
}

/**
 * curr − prev, exact, as a number (a delta within one interval is far below 2^53).
 * Returns null when the counter went backwards (reset: interface re-created, device re-added, pid reused):
 * that interval has no rate, never a negative one.
 */
export function counterDelta(prev: Counter, curr: Counter): number | null {
  if (typeof prev === 'number' && typeof curr === 'number') {
    const d = curr - prev;
    return d >= 0 ? d : null;
  }
  const d = BigInt(curr) - BigInt(prev);
  return d >= 0n ? Number(d) : null;
}

/**
 * Like counterDelta, but recognises a 32-bit wrap (drivers and 32-bit kernels that keep 32-bit counters):
 * the value fell, the previous value sat in the top half of the 32-bit range, and the caller has evidence
 * the source was not reset (`sourceAlive`, e.g. the interface's packet counter still rose). This is
 * sysstat's rule; anything else that goes backwards is a reset and gives no value.
 */
export function counterDeltaWrap(prev: Counter, curr: Counter, sourceAlive: boolean): number | null {
  const d = counterDelta(prev, curr);
  if (d !== null) return d;
  if (sourceAlive && typeof prev === 'number' && typeof curr === 'number' && prev < TWO_32 && prev >= TWO_31) {
    return curr + TWO_32 - prev;
  }
  return null;
}

/** a + b, exact and canonical. */
export function counterAdd(a: Counter, b: Counter): Counter {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return fromBig(BigInt(a) + BigInt(b));
}

/** a > b, exact. */
export function counterGreater(a: Counter, b: Counter): boolean {
  return typeof a === 'number' && typeof b === 'number' ? a > b : BigInt(a) > BigInt(b);
}
