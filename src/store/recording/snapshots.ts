/**
 * Where a recording's Samples become Snapshots: the one replay-side derive (the live one is src/feed/live.ts).
 * The replay cursor, the replay screen's history window and `vigil export` all take their Snapshots from
 * here, so a replayed or exported rate is the rate live showed over the same two samples.
 */
import { derive } from '../../derive/derive';
import type { Sample, Snapshot } from '../../model';
import type { SamplePair } from './reader';

/** derive(prev, curr) of a pair; null at the first sample of a session (nothing to take a rate against). */
export function snapshotOf(p: SamplePair): Snapshot | null {
  return p.prev === null ? null : derive(p.prev, p.curr, p.host);
}

/**
 * What the screen shows at a session's first sample: the gauges of that sample and no rates (an
 * interval of zero gives every rate as "no value", never 0 or NaN).
 */
export function gaugesOf(p: SamplePair): Snapshot {
  return snapshotOf(p) ?? derive(p.curr, p.curr, p.host);
}

/** Every pair with its Snapshot, in order; a session's first sample is skipped (it has no rates). */
export function* snapshots(pairs: Iterable<SamplePair>): Generator<{ pair: SamplePair; snap: Snapshot }> {
  for (const pair of pairs) {
    const snap = snapshotOf(pair);
    if (snap !== null) yield { pair, snap };
  }
}

const MINUTE_MS = 60_000;
const SECOND_NS = 1_000_000_000n;

/**
 * The Snapshots that rebuild the history window, as it held them at a moment `endT`: every sample of the
 * last minute before endT, and older ones one per second of recording, each derived against the previous
 * one taken (the rates of that whole second: derive over a longer interval is the average rate of the
 * samples inside it). Pairs must come in order; a pair already taken (by sample id) is ignored.
 */
export class HistoryThinner {
  private takenS = -1;
  private takenLast: Sample | null = null;

  /** Forget what was taken (after a jump, the window starts over). */
  reset(): void {
    this.takenS = -1;
    this.takenLast = null;
  }

  /** The Snapshot the window takes for this pair, or null: skipped, or a session starts. */
  take(pair: SamplePair, endT = Infinity): Snapshot | null {
    if (pair.s <= this.takenS) return null;
    this.takenS = pair.s;
    if (pair.prev === null) {
      this.takenLast = pair.curr;
      return null;
    }
    const last = this.takenLast ?? pair.prev;
    const recent = pair.curr.t >= endT - MINUTE_MS;
    if (!recent && pair.curr.mono_ns - last.mono_ns < SECOND_NS) return null;
    this.takenLast = pair.curr;
    return derive(recent ? pair.prev : last, pair.curr, pair.host);
  }
}
