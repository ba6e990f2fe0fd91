import type { HostInfo, Sample } from '../model';
import type { Recording, SamplePair } from '../store/recording/reader';
import type { Breach } from '../store/alerts/evaluator';
import { breachesAt } from '../store/alerts/replay';
import { ReplayCursor } from '../store/recording/cursor';
import { gaugesOf, HistoryThinner } from '../store/recording/snapshots';
import type { HistoryWindow } from '../store/window';
import { parseTimeArg, TimeArgError } from '../infra/timearg';
import type { Feed, FeedTick, ReplayControls } from './types';

/** Playback speeds, recording time per real second. */
export const SPEEDS = [1, 10, 60, 600];
const FRAME_MS = 100;
/** Work per frame on rebuilding the history window after a seek, so the screen stays responsive. */
const REFILL_BUDGET_MS = 30;
/** Work per frame on playback; at 600× more samples pass than can be decoded, and playback falls behind. */
const PLAY_BUDGET_MS = 40;
const HOUR_MS = 3_600_000;

/**
 * A recording as a Feed: the same Snapshots live showed (derive over the recorded Samples), at a
 * chosen speed, with seek, step and pause (its ReplayControls). The history window is rebuilt after every
 * jump to hold what it held at that moment: the last minute at full resolution and the hour before it one
 * derive per second (rates over a second are the average of that second's samples; gauges are that
 * second's value). The rebuild runs a slice per frame, so a seek answers at once and the charts fill in
 * behind it.
 */
export class ReplayFeed implements Feed, ReplayControls {
  readonly host: HostInfo;
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  readonly replay: ReplayControls = this;
  private readonly cursor: ReplayCursor;
  private onTick: ((tick: FeedTick) => void) | null = null;
  private onError: (err: unknown) => void = () => undefined;
  private history: HistoryWindow | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  paused = false;
  private speedAt = 0;
  private lastFrame = 0;
  /** Recording time playback has reached (may run ahead of the last decoded sample). */
  private playT = 0;
  private refill: { gen: Generator<SamplePair>; endT: number; lastPushed: Sample | null; upTo: number } | null = null;
  /** What the window was fed, so that feeding during playback continues where the refill ended. */
  private readonly thinner = new HistoryThinner();
  private note: string | null = null;
  /** The recording holds the cgroup tier (schema 4 on, recorded with it): the cgroups view shows it. */
  readonly hasCgroups: boolean;
  /**
   * The cgroup tier is rebuilt once the view has opened: walking it costs a seek about 0.5–0.7 ms per group
   * whose counters move (at 500 groups read every second ~400 ms against ~80 ms; `npm run bench --
   * replay-cgroups`), and the window's rebuild ~9× as much, which a replay that never shows the view should not pay.
   */
  private cgroupsOn = false;

  constructor(private readonly rec: Recording) {
    this.hasCgroups = rec.hasCgroups();
    this.cursor = new ReplayCursor(rec);
    const ses = rec.sessions[0];
    this.host = ses?.host ?? { hostname: '?', kernel: '?', clk_tck: 100, page_size: 4096, ncpu: 1, boot_time_s: null };
    this.intervalMs = ses?.interval_ms ?? 100;
    this.procIntervalMs = ses?.proc_interval_ms ?? 1000;
  }

  /** The cgroups view opened: from now on the cursor and the window rebuild the cgroup tier, starting here. */
  showCgroups(): void {
    if (!this.hasCgroups || this.cgroupsOn) return;
    this.cgroupsOn = true;
    this.cursor.withCgroups();
    const at = this.cursor.current;
    if (at !== null) this.jump(() => this.cursor.seek(at.s));
  }

  keepWindow(window: HistoryWindow): void {
    this.history = window;
  }

  /** Shows the first sample at once, then plays on a frame timer (paused or not: the window's rebuild goes on). */
  start(onTick: (tick: FeedTick) => void, onError: (err: unknown) => void): void {
    if (this.stopped || this.onTick !== null) return;
    this.onTick = onTick;
    this.onError = onError;
    this.jump(() => this.cursor.first());
    this.lastFrame = Date.now();
    this.timer = setInterval(() => {
      try {
        this.frame();
      } catch (err) {
        this.stop();
        this.onError(err);
      }
    }, FRAME_MS);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.rec.close();
  }

  takeTimings(): Record<string, number> | null {
    return null;
  }

  warnings(): string[] {
    const n = this.note;
    this.note = null;
    return n === null ? [] : [n];
  }

  /** A recording does not hold cwds. */
  cwd(): string {
    return '(not recorded)';
  }

  now(): number {
    return this.cursor.current?.curr.t ?? 0;
  }

  get speed(): number {
    return SPEEDS[this.speedAt];
  }

  private alertCache: { t: number; at: { active: Breach[]; recent: Breach[] } } | null = null;

  /**
   * The recording's breaches as they stood at t, figures included (see store/alerts/replay.ts): a few
   * indexed queries per replayed moment, at most once per frame.
   */
  alertsAt(t: number): { active: readonly Breach[]; recent: readonly Breach[] } {
    if (this.alertCache?.t !== t) this.alertCache = { t, at: breachesAt(this.rec, t, 20) };
    return this.alertCache.at;
  }

  /** The recording's first and last sample times, read once (a Recording reads the file as it stood at open). */
  private span: { start: number; end: number } | null | undefined;

  position(): { t: number; start: number; end: number } | null {
    if (this.span === undefined) {
      const first = this.rec.first();
      const last = this.rec.last();
      this.span = first === null || last === null ? null : { start: first.t, end: last.t };
    }
    return this.span === null ? null : { t: this.now(), ...this.span };
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) this.playT = this.cursor.current?.curr.t ?? 0;
  }

  step(n: 1 | -1): void {
    this.paused = true;
    if (n > 0) this.advance(1);
    else this.jump(() => this.cursor.step(-1));
  }

  skip(ms: number): void {
    const n = Math.max(1, Math.round(Math.abs(ms) / this.intervalMs));
    this.jump(() => this.cursor.step(ms < 0 ? -n : n));
  }

  toEnd(which: -1 | 1): void {
    this.jump(() => (which < 0 ? this.cursor.first() : this.cursor.last()));
  }

  changeSpeed(dir: 1 | -1): void {
    this.speedAt = Math.min(SPEEDS.length - 1, Math.max(0, this.speedAt + dir));
  }

  /** `g`: HH:MM:SS, a date, epoch ms, or -5m / +30s from the current position. Returns an error or null. */
  goTo(text: string): string | null {
    const now = this.cursor.current?.curr.t ?? 0;
    const first = this.rec.first();
    let t: number;
    try {
      t = parseTimeArg(text, { plus: now, minus: now, day: first?.t ?? now });
    } catch (err) {
      if (err instanceof TimeArgError) return err.message;
      throw err;
    }
    this.jump(() => this.cursor.seekTime(t));
    return null;
  }

  /** Moves the cursor anywhere, shows that moment, and starts rebuilding the window behind it. */
  private jump(move: () => SamplePair | null): void {
    const pair = move();
    if (pair === null) return;
    this.playT = pair.curr.t;
    const from = this.rec.atOrBefore(pair.curr.t - HOUR_MS) ?? this.rec.first()?.s ?? pair.s;
    this.history?.clear();
    this.thinner.reset();
    this.refill = { gen: this.rec.pairs(from, pair.s, { procs: true, cgroups: this.cgroupsOn }), endT: pair.curr.t, lastPushed: null, upTo: pair.s };
    this.emit(true);
  }

  /** Shows the cursor's moment: its Snapshot, with the process list as of the latest table read. */
  private emit(withProcs: boolean): void {
    const pair = this.cursor.current;
    if (pair === null || this.onTick === null) return;
    const shown = gaugesOf(pair);
    // After a jump: the process list, connections and cgroups as of the latest reads at or before this
    // moment; no cgroup read yet there: none (an empty list, so the view does not keep another moment's).
    const snap = withProcs
      ? { ...shown, procs: this.cursor.procs() ?? shown.procs, conns: this.cursor.conns() ?? shown.conns, ...(this.cgroupsOn ? { cgroups: this.cursor.cgroups() ?? [] } : {}) }
      : shown;
    this.onTick({ sample: pair.curr, snap });
  }

  private frame(): void {
    const now = Date.now();
    const realMs = now - this.lastFrame;
    this.lastFrame = now;
    this.continueRefill();
    if (this.paused) return;
    const cur = this.cursor.current;
    if (cur === null) return;
    this.playT += realMs * SPEEDS[this.speedAt];
    const t0 = Date.now();
    let moved = 0;
    while ((this.cursor.current?.curr.t ?? Infinity) < this.playT && Date.now() - t0 < PLAY_BUDGET_MS) {
      if (!this.advance(1, false)) {
        this.paused = true;
        this.note = 'end of the recording (Home: back to the start)';
        this.emit(false); // the header must say "paused"
        break;
      }
      moved++;
    }
    // Fell behind (600× on a big recording): do not let the target run away from what is shown.
    if (moved > 0 && (this.cursor.current?.curr.t ?? 0) < this.playT - 10 * FRAME_MS * SPEEDS[this.speedAt]) this.playT = this.cursor.current!.curr.t;
    if (moved > 0) this.emit(false);
  }

  /** One sample forward, fed to the window once any rebuild has caught up. false at the end. */
  private advance(n: number, show = true): boolean {
    for (let i = 0; i < n; i++) {
      const pair = this.cursor.next();
      if (pair === null) return false;
      if (this.refill === null) this.toWindow(pair);
    }
    if (show) this.emit(false);
    return true;
  }

  /** Feeds one pair to the window, thinned as the window held it at endT (see HistoryThinner). */
  private toWindow(pair: SamplePair, endT = Infinity): void {
    const h = this.history;
    if (h === null) return;
    const snap = this.thinner.take(pair, endT);
    if (snap === null) return;
    // A later session after a reboot has a monotonic clock that starts over: its history starts over too.
    if (!h.push(snap)) {
      h.clear();
      h.push(snap);
    }
  }

  private continueRefill(): void {
    const r = this.refill;
    if (r === null) return;
    const t0 = Date.now();
    // The charts grow as the window fills: show each slice, paused or not.
    this.emit(false);
    while (Date.now() - t0 < REFILL_BUDGET_MS) {
      const next = r.gen.next();
      if (next.done) {
        // Playback may have moved on while the window was rebuilt: catch up to the cursor, then feed live.
        const cur = this.cursor.current;
        if (cur !== null && cur.s > r.upTo) {
          this.refill = { gen: this.rec.pairs(r.upTo + 1, cur.s, { procs: true, cgroups: this.cgroupsOn }), endT: cur.curr.t, lastPushed: null, upTo: cur.s };
        } else this.refill = null;
        return;
      }
      this.toWindow(next.value, r.endT);
    }
  }
}
