/**
 * What the screen asks of its feed, by capability, never by kind: the keys that apply, what the header
 * says of it, and the keys that move it (replay's controls, live's refresh interval).
 */
import type { Feed, ReplayControls } from '../feed/types';
import type { HeaderState } from '../panes/header';
import type { Action, KeySet } from './keys';

/** The refresh intervals { and } step through, ms (within --interval's 50 ms … limits). */
export const PACE_STEPS = [50, 100, 200, 500, 1000, 2000, 5000];

const MINUTE_MS = 60_000;

/** The next step from `ms` in direction dir (+1 longer, -1 shorter); an interval between steps moves to the nearest one that way. */
export function nextPace(ms: number, dir: 1 | -1): number {
  if (dir > 0) return PACE_STEPS.find((x) => x > ms) ?? Math.max(ms, PACE_STEPS[PACE_STEPS.length - 1]);
  return [...PACE_STEPS].reverse().find((x) => x < ms) ?? Math.min(ms, PACE_STEPS[0]);
}

/** Replay's controls take the place of kill and paging where the feed plays a recording. */
export function keySetOf(feed: Feed): KeySet {
  return feed.replay ? 'replay' : 'live';
}

/** The sampling intervals, or where and how fast the recording plays. */
export function headerMode(feed: Feed): HeaderState['mode'] {
  const r = feed.replay;
  if (r) return { kind: 'replay', t: r.now(), speed: r.speed, paused: r.paused, intervalMs: feed.intervalMs };
  // The process table is read on a tick: never more often than the system tier.
  return { kind: 'live', intervalMs: feed.intervalMs, procIntervalMs: Math.max(feed.procIntervalMs, feed.intervalMs) };
}

/** Replay's keys, each as what it asks of the recording's controls. */
const REPLAY_KEYS: Partial<Record<Action, (r: ReplayControls) => void>> = {
  playPause: (r) => r.togglePause(),
  stepForward: (r) => r.step(1),
  stepBack: (r) => r.step(-1),
  minuteForward: (r) => r.skip(MINUTE_MS),
  minuteBack: (r) => r.skip(-MINUTE_MS),
  start: (r) => r.toEnd(-1),
  finish: (r) => r.toEnd(1),
  faster: (r) => r.changeSpeed(1),
  slower: (r) => r.changeSpeed(-1),
};

/** A key for the feed; true if the feed took it. { and }: the interval one step longer or shorter, from the next tick on. */
export function feedAction(feed: Feed, a: Action): boolean {
  if (feed.setInterval && (a === 'paceUp' || a === 'paceDown')) {
    const ms = nextPace(feed.intervalMs, a === 'paceUp' ? -1 : 1);
    if (ms !== feed.intervalMs) feed.setInterval(ms);
    return true;
  }
  const move = REPLAY_KEYS[a];
  if (feed.replay === undefined || move === undefined) return false;
  move(feed.replay);
  return true;
}
