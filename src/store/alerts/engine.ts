/**
 * AlertEngine: the evaluator plus what the TUI, record and serve need around it — the breaches active
 * now, the recent ones that ended, notes (failures worth showing), and sinks that persist or act on
 * breach events (the alert log, a recording, --on-alert). A failing sink never stops sampling: its error
 * becomes a note.
 *
 *   const engine = new AlertEngine(rules, { sinks: [logSink(log)] });
 *   window.push(snap); engine.onSnapshot(snap, window);      // every Snapshot, after the window has it
 *   engine.active(); engine.recent(20); engine.notes();
 *   await engine.stop();                                      // ends open breaches (reason 'stop')
 */
import type { DeriveParts } from '../../derive/derive';
import type { Snapshot } from '../../model';
import type { HistoryWindow, WindowOptions } from '../window';
import { Breach, BreachEvent, Evaluator } from './evaluator';
import type { AlertLog } from './log';
import type { OnAlertRunner } from './on-alert';
import type { Rule } from './rules';
import type { BreachRecord } from './table';

export interface BreachSink {
  /** `t`: the newest Snapshot's time, so the alert log knows how far its writer had got. */
  event(ev: BreachEvent, t: number): void;
  note?(t: number, text: string): void;
}

export interface AlertNote {
  t: number;
  text: string;
}

export interface EngineOptions {
  sinks?: BreachSink[];
  /** Ended breaches kept for recent() (default 100). */
  recentMax?: number;
  /** Notes kept (default 50). */
  notesMax?: number;
}

/** A sink that writes every event's row to the alert log. */
export function alertLogSink(log: AlertLog): BreachSink {
  return { event: (ev, t) => log.write(ev.breach, t), note: (t, text) => log.note(t, text) };
}

/** A sink that hands rows to a recording (written with the next second's samples, in the same transaction). */
export function recordingSink(writer: { addBreach(b: BreachRecord): void }): BreachSink {
  return { event: (ev) => writer.addBreach(ev.breach) };
}

/** --on-alert as a sink. */
export function onAlertSink(runner: OnAlertRunner): BreachSink {
  return { event: (ev) => runner.event(ev) };
}

export class AlertEngine {
  private readonly evaluator: Evaluator;
  private readonly sinks: BreachSink[];
  private readonly ended: Breach[] = [];
  private readonly noteList: AlertNote[] = [];
  private readonly recentMax: number;
  private readonly notesMax: number;
  private lastT = Date.now();
  private stopped = false;

  constructor(readonly rules: readonly Rule[], opts: EngineOptions = {}) {
    this.evaluator = new Evaluator(rules);
    this.sinks = [...(opts.sinks ?? [])];
    this.recentMax = opts.recentMax ?? 100;
    this.notesMax = opts.notesMax ?? 50;
  }

  addSink(s: BreachSink): void {
    this.sinks.push(s);
  }

  /** Evaluates the rules on the newest Snapshot (already pushed into `window`); returns what happened. */
  onSnapshot(snap: Snapshot, window: HistoryWindow): BreachEvent[] {
    if (this.stopped) return [];
    this.lastT = snap.t;
    const events = this.evaluator.step(snap, window);
    this.dispatch(events);
    return events;
  }

  /** See Evaluator.seesEveryPush: the caller owns the window and steps on every push. */
  seesEveryPush(): void {
    this.evaluator.seesEveryPush();
  }

  /** Window walks the evaluator left out (see Evaluator.skippedWalks). */
  get skippedWalks(): number {
    return this.evaluator.skippedWalks;
  }

  /** Breaches open now (clearing ones included: their rows are still open), oldest first. */
  active(): Breach[] {
    return this.evaluator.open();
  }

  /** The last n breaches that ended, newest first. */
  recent(n = 20): Breach[] {
    return this.ended.slice(-Math.max(0, n)).reverse();
  }

  /** Notes (failures of --on-alert, of the alert log), oldest first. */
  notes(): AlertNote[] {
    return [...this.noteList];
  }

  /** Records a note: kept for the TUI, and passed to sinks that log notes. */
  note(text: string, t = this.lastT): void {
    this.noteList.push({ t, text });
    if (this.noteList.length > this.notesMax) this.noteList.splice(0, this.noteList.length - this.notesMax);
    for (const s of this.sinks) {
      try {
        s.note?.(t, text);
      } catch {
        // a sink that cannot log a note has nothing better to do with it
      }
    }
  }

  /** Ends every open breach (reason 'stop', or 'clear' for those already past clear). Idempotent. */
  stop(): BreachEvent[] {
    if (this.stopped) return [];
    const events = this.evaluator.stopAll();
    this.dispatch(events);
    this.stopped = true;
    return events;
  }

  /** Evaluations so far (rule × subject), for benchmarks. */
  get evaluations(): number {
    return this.evaluator.evaluations;
  }

  private dispatch(events: BreachEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'end') {
        this.ended.push(ev.breach);
        if (this.ended.length > this.recentMax) this.ended.splice(0, this.ended.length - this.recentMax);
      }
      for (const s of this.sinks) {
        try {
          s.event(ev, this.lastT);
        } catch (err) {
          this.note(`alerts: ${(err as Error).message.split('\n')[0]}`, ev.breach.fired_t);
        }
      }
    }
  }
}

/**
 * History window options for a headless evaluator (record, serve): just enough history for the longest
 * rule window, so the window costs little memory; the TUI's own one-hour window serves as well.
 */
export function alertWindowOptions(rules: readonly Rule[], intervalMs: number, procIntervalMs: number): WindowOptions {
  const longest = Math.max(1, ...rules.map((r) => Math.ceil(r.window_ms / 1000)));
  const horizon = Math.max(3, longest + 2);
  return {
    horizonSeconds: horizon,
    procFineSeconds: horizon - 1,
    procCoarseSeconds: 1,
    rawSamples: 1,
    maxSampleMs: 1.5 * Math.max(intervalMs, procIntervalMs),
    trackedWindows: [...new Set(rules.map((r) => Math.ceil(r.window_ms / 1000)))],
    // The rules read their own series and nothing else: the others are not kept.
    series: [...new Set(rules.map((r) => r.metric))],
  };
}

/**
 * The families of a Snapshot the rules read: their subjects' lists (the evaluator lists a rule's subjects
 * from the Snapshot, then asks the window); system-wide series come from the scalar part, always derived.
 */
export function rulesParts(rules: readonly Rule[]): DeriveParts {
  const kinds = new Set(rules.map((r) => r.def.subject));
  return { cores: kinds.has('core'), net: kinds.has('iface'), disks: kinds.has('disk'), fs: kinds.has('mount'), procs: kinds.has('proc'), conns: false };
}
