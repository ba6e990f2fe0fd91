import { Counter, counterDelta } from '../model/counter';

/**
 * What one socket moved between two reads of a counter: the one rule of the connections tier, used
 * by the sampler (per-process accumulators) and by deriveConns (per-connection rates), so the two
 * cannot disagree.
 *   prev undefined: the socket is new since the earlier read. It counts from zero: everything it ever
 *     did, it did since then (its cookie is new, so it is a new socket).
 *   prev or curr null: the kernel does not report this counter (tcp_info too short): unknown.
 *   curr < prev: never seen for one cookie; no value rather than a negative one.
 */
export function sockDelta(prev: Counter | null | undefined, curr: Counter | null): number | null {
  if (curr === null) return null;
  if (prev === undefined) return counterDelta(0, curr);
  if (prev === null) return null;
  return counterDelta(prev, curr);
}
