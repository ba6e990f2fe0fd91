/**
 * Rule evaluation: Snapshots (and the history window they were pushed into) in, breach events out. No
 * I/O, no clock of its own: time is the Snapshot's (mono_ms orders and measures, t labels).
 *
 * Per rule and subject, each evaluation compares the window average over `window` ending now:
 *
 *   idle ──holds──▶ pending ──held for `for`──▶ active ──past `clear`──▶ clearing ──`for` without holding──▶ ended
 *                      │ stops holding: idle        ▲                       │
 *                      ▼                            └──────holds again───────┘  (same breach, same row)
 *
 * A breach starts when the condition began to hold (start_t) and is reported once it has held for `for`
 * (fired_t). It ends when the value is past `clear` (hysteresis), but is only closed after `for` more
 * without holding again: a value that flaps around the threshold makes one long breach, not thousands.
 * A subject that goes away (a process exits, an interface disappears) ends its breach at once.
 */
import type { ProcSnap, Snapshot } from '../../model';
import { HistoryWindow, PROC_SERIES, procSubject } from '../window';
import type { SubjectKind } from '../window';
import { SUBJECT_KINDS, SubjectRef } from './metrics';
import type { Op, Rule } from './rules';
import type { BreachRecord, EndReason } from './table';

/** A breach as the engine holds it: the stored record and what the screen and --on-alert also want. */
export interface Breach extends BreachRecord {
  kind: SubjectKind;
  unit: string;
  clear: number;
  for_ms: number;
  window_ms: number;
  /** The latest evaluated value (a window average). */
  value: number | null;
  /** Past `clear`, waiting `for` to see whether it comes back (the row is still open). */
  clearing: boolean;
}

export type BreachEventType = 'start' | 'update' | 'end';

export interface BreachEvent {
  type: BreachEventType;
  /** A copy as of the event: later evaluations do not change it. */
  breach: Breach;
}

/** Share of a sampling interval by which `for` may be short when checked (tick jitter). */
const JITTER_SHARE = 0.25;

/** While a breach lasts, its row's figures are refreshed this often (so a crash leaves recent ones). */
export const UPDATE_EVERY_MS = 10_000;

interface Acc {
  peak: number;
  sum: number;
  n: number;
}

type Phase = 'pending' | 'active' | 'clearing';

interface Track {
  /** The window subject (also the key in RuleState.tracks). */
  key: string;
  /** Process rules: the process, to find its track by pid without building its subject string. */
  pid: number;
  start_time: number;
  phase: Phase;
  start_mono: number;
  start_t: number;
  acc: Acc;
  /** Values seen while clearing: they join the breach if it comes back. */
  clearAcc: Acc;
  clear_mono: number;
  clear_t: number;
  last_t: number;
  last_update_mono: number;
  gen: number;
  breach: Breach | null;
}

const holds = (op: Op, v: number, x: number): boolean => (op === '>' ? v > x : op === '>=' ? v >= x : op === '<' ? v < x : v <= x);
/** Past the clear threshold: below it for > and >=, above it for < and <=. */
const cleared = (op: Op, v: number, clear: number): boolean => (op === '>' || op === '>=' ? v < clear : v > clear);
const worse = (op: Op, a: number, b: number): number => (op === '>' || op === '>=' ? Math.max(a, b) : Math.min(a, b));

const newAcc = (): Acc => ({ peak: NaN, sum: 0, n: 0 });

function add(op: Op, acc: Acc, v: number): void {
  acc.peak = acc.n === 0 ? v : worse(op, acc.peak, v);
  acc.sum += v;
  acc.n++;
}

function merge(op: Op, into: Acc, from: Acc): void {
  if (from.n === 0) return;
  into.peak = into.n === 0 ? from.peak : worse(op, into.peak, from.peak);
  into.sum += from.sum;
  into.n += from.n;
}

/** Matching is cached per name: 1000 processes share a few hundred comms, and a regex test is the dearest step. */
class MatchCache {
  private readonly seen = new Map<string, boolean>();
  constructor(private readonly re: RegExp) {}
  test(name: string): boolean {
    let r = this.seen.get(name);
    if (r === undefined) {
      if (this.seen.size >= 4096) this.seen.clear();
      this.re.lastIndex = 0;
      r = this.re.test(name);
      this.seen.set(name, r);
    }
    return r;
  }
}

function newTrack(key: string, p: ProcSnap | null, snap: Snapshot, gen: number): Track {
  return {
    key, pid: p?.pid ?? -1, start_time: p?.start_time ?? -1,
    phase: 'pending', start_mono: snap.mono_ms, start_t: snap.t, acc: newAcc(), clearAcc: newAcc(),
    clear_mono: 0, clear_t: 0, last_t: snap.t, last_update_mono: snap.mono_ms, gen, breach: null,
  };
}

/**
 * Process rules: when each process last had a value from which the threshold could be reached (a
 * value not clearly below it), by pid with its start time. Kept only while such a value can still be in
 * the rule's window: most processes never have one, and then cost a map lookup instead of a walk of
 * their window (see stepProcs).
 */
interface High {
  start_time: number;
  mono: number;
}

class RuleState {
  readonly tracks = new Map<string, Track>();
  readonly highs = new Map<number, High>();
  /** mono_ms of the first process table this rule saw (everything pushed since, it saw too). */
  since: number | null = null;
  /** Process rules: the same tracks by pid (two processes of one pid can overlap for one step: see procTrack). */
  readonly byPid = new Map<number, Track>();
  readonly match: MatchCache | null;
  gen = 0;
  constructor(readonly rule: Rule) {
    this.match = rule.match ? new MatchCache(rule.match) : null;
  }
}

/** The track of process p, if any (by pid, confirmed by start time: a reused pid is another subject). */
function procTrack(st: RuleState, p: ProcSnap): Track | undefined {
  const tr = st.byPid.get(p.pid);
  if (tr !== undefined && tr.start_time === p.start_time) return tr;
  // Every entry of byPid is a track; a track may lack one when another process of its pid took the
  // entry (a reused pid: the old track lives until this step's sweep). Only then is the subject looked up.
  if (tr === undefined && st.tracks.size === st.byPid.size) return undefined;
  return st.tracks.get(procSubject(p.pid, p.start_time));
}

function dropTrack(st: RuleState, tr: Track): void {
  st.tracks.delete(tr.key);
  if (st.byPid.get(tr.pid) === tr) st.byPid.delete(tr.pid);
}

export class Evaluator {
  private readonly states: RuleState[];
  /** Evaluations done (rule × subject), for the benchmark. */
  evaluations = 0;
  /**
   * The caller pushes every Snapshot into the window, into a window that was empty, and steps on each
   * one right after pushing it: then each process rule's own record of high values (RuleState.highs)
   * covers everything in the window. See seesEveryPush().
   */
  private everyPush = false;
  /** Window walks left out by the record of high values (for tests and the benchmark). */
  skippedWalks = 0;

  constructor(readonly rules: readonly Rule[]) {
    this.states = rules.map((r) => new RuleState(r));
  }

  /**
   * Says that every Snapshot pushed into the window (empty until the first step) is stepped on, right
   * after its push, and nothing else is pushed: the pipeline that owns its window (serve, record). Then a
   * process rule can tell from its own record of high values, without walking the process's window, that
   * none of its values in the window reach the threshold.
   */
  seesEveryPush(): void {
    this.everyPush = true;
  }

  /**
   * Evaluates every rule against the newest Snapshot. `window` must already hold `snap` (push first).
   * Process rules run only on Snapshots that carry a process table.
   */
  step(snap: Snapshot, window: HistoryWindow): BreachEvent[] {
    const out: BreachEvent[] = [];
    for (const st of this.states) {
      const rule = st.rule;
      if (rule.def.subject === 'proc' && rule.subject === null) {
        if (snap.procs === null) continue;
        this.stepProcs(st, snap, snap.procs, window, out);
        continue;
      }
      const list = SUBJECT_KINDS[rule.def.subject].list(snap);
      if (list === null) continue;
      const gen = ++st.gen;
      const seconds = rule.window_ms / 1000;
      for (const ref of list) {
        if (!this.selected(st, ref)) continue;
        this.evaluations++;
        const v = window.avgValue(rule.metric, ref.key, seconds);
        let tr = st.tracks.get(ref.key);
        if (tr === undefined) {
          if (v === null || !holds(rule.op, v, rule.threshold)) continue;
          tr = newTrack(ref.key, ref.proc, snap, gen);
          st.tracks.set(ref.key, tr);
        }
        this.visit(st, tr, ref.proc, v, snap, gen, out);
      }
      this.sweep(st, gen, out);
    }
    return out;
  }

  /**
   * A process rule over a process table: what step() does for any subject kind, without a SubjectRef
   * per process and, unless a track is created, without its subject string (the window finds the
   * process's slot by its index in the table it was pushed). Hundreds of processes every second, almost
   * all far below the threshold and without a track.
   */
  private stepProcs(st: RuleState, snap: Snapshot, procs: readonly ProcSnap[], window: HistoryWindow, out: BreachEvent[]): void {
    const rule = st.rule;
    const gen = ++st.gen;
    const seconds = rule.window_ms / 1000;
    const under = rule.op === '>' || rule.op === '>=' ? rule.threshold - 1e-9 * Math.max(1, Math.abs(rule.threshold)) : null;
    // The record of high values (see seesEveryPush): a value pushed at mono x is in the window's buckets
    // only while x > now - (ceil(seconds) + 1) s; one more second of margin.
    const get = this.everyPush && under !== null ? (PROC_SERIES as Record<string, { get(p: ProcSnap): number | null } | undefined>)[rule.metric]?.get ?? null : null;
    const horizon = snap.mono_ms - (Math.ceil(seconds) + 2) * 1000;
    st.since ??= snap.mono_ms;
    const sure = get !== null && st.since < horizon;
    if (get !== null) {
      for (const [pid, h] of st.highs) if (h.mono < horizon) st.highs.delete(pid);
      // Every listed process, before the rule's filters: a comm that changes (exec) may match later.
      for (let i = 0; i < procs.length; i++) {
        const p = procs[i];
        const v = get(p);
        // Anything not clearly below (NaN included) counts as high: the record may only err that way.
        if (v === null || v === undefined || v < (under as number)) continue;
        const h = st.highs.get(p.pid);
        if (h === undefined || h.start_time !== p.start_time) st.highs.set(p.pid, { start_time: p.start_time, mono: snap.mono_ms });
        else h.mono = snap.mono_ms;
      }
    }
    for (let i = 0; i < procs.length; i++) {
      const p = procs[i];
      if (st.match !== null && !st.match.test(p.comm)) continue;
      if (rule.user !== null && p.user !== rule.user) continue;
      this.evaluations++;
      let tr = st.tracks.size === 0 ? undefined : procTrack(st, p);
      // Without a track, only "does the average pass the threshold" matters: a process whose every value in
      // the window lies clearly below it (an average is never above the largest value) cannot, and its
      // window is not walked. The margin covers the average's rounding. With the record of high values,
      // a process without one is known to be such a process (its values since `since` were all seen here,
      // and the window holds nothing older); one with an entry of another start time is not known.
      if (tr === undefined && sure && st.highs.get(p.pid) === undefined) {
        this.skippedWalks++;
        continue;
      }
      if (tr === undefined && under !== null) {
        const max = window.procMaxAt(rule.metric, procs, i, seconds);
        if (max === null || (max !== undefined && max < under)) continue;
      }
      const v = window.procAvgAt(rule.metric, procs, i, seconds);
      if (tr === undefined) {
        if (v === null || !holds(rule.op, v, rule.threshold)) continue;
        const key = procSubject(p.pid, p.start_time);
        tr = newTrack(key, p, snap, gen);
        st.tracks.set(key, tr);
        st.byPid.set(p.pid, tr);
      }
      this.visit(st, tr, p, v, snap, gen, out);
    }
    this.sweep(st, gen, out);
  }

  /** One subject's evaluation on its track; an empty pending track is dropped. */
  private visit(st: RuleState, tr: Track, p: ProcSnap | null, v: number | null, snap: Snapshot, gen: number, out: BreachEvent[]): void {
    tr.gen = gen;
    tr.last_t = snap.t;
    this.advance(st.rule, tr, p, v, snap, out);
    if (tr.phase === 'pending' && tr.acc.n === 0) dropTrack(st, tr);
  }

  /** Subjects not listed this time are gone (or no longer match): their breaches end now. */
  private sweep(st: RuleState, gen: number, out: BreachEvent[]): void {
    for (const tr of st.tracks.values()) {
      if (tr.gen === gen) continue;
      dropTrack(st, tr);
      if (tr.breach !== null) out.push(this.close(tr, tr.phase === 'clearing' ? 'clear' : 'gone'));
    }
  }

  /** Ends every open breach (vigil is stopping): end_t is the last time each was evaluated. */
  stopAll(): BreachEvent[] {
    const out: BreachEvent[] = [];
    for (const st of this.states) {
      for (const tr of st.tracks.values()) if (tr.breach !== null) out.push(this.close(tr, tr.phase === 'clearing' ? 'clear' : 'stop'));
      st.tracks.clear();
      st.byPid.clear();
    }
    return out;
  }

  /** The breaches open now (active or clearing), oldest first. */
  open(): Breach[] {
    const out: Breach[] = [];
    for (const st of this.states) for (const tr of st.tracks.values()) if (tr.breach !== null) out.push(tr.breach);
    return out.sort((a, b) => a.start_t - b.start_t || a.rule.localeCompare(b.rule));
  }

  private selected(st: RuleState, ref: SubjectRef): boolean {
    const rule = st.rule;
    if (rule.subject !== null && ref.key !== rule.subject) return false;
    if (st.match !== null && !st.match.test(ref.name)) return false;
    if (rule.user !== null && ref.proc?.user !== rule.user) return false;
    return true;
  }

  private advance(rule: Rule, tr: Track, p: ProcSnap | null, v: number | null, snap: Snapshot, out: BreachEvent[]): void {
    const on = v !== null && holds(rule.op, v, rule.threshold);
    // Ticks jitter: "held for 2 s" on 1 s ticks must not wait a third tick because one came 3 ms early.
    const slack = JITTER_SHARE * (rule.def.subject === 'proc' ? snap.procs_interval_ms ?? snap.interval_ms : snap.interval_ms);
    const off = v !== null && cleared(rule.op, v, rule.clear);
    switch (tr.phase) {
      case 'pending':
        if (!on) {
          tr.acc = newAcc(); // no longer held: forgotten (the caller drops the track)
          return;
        }
        add(rule.op, tr.acc, v as number);
        if (snap.mono_ms - tr.start_mono >= rule.for_ms - slack) {
          tr.phase = 'active';
          tr.breach = this.fire(rule, tr, p, v as number, snap);
          tr.last_update_mono = snap.mono_ms;
          out.push({ type: 'start', breach: { ...tr.breach } });
        }
        return;
      case 'active':
        if (v !== null && !off) add(rule.op, tr.acc, v);
        this.refresh(tr, p, v);
        if (off) {
          tr.phase = 'clearing';
          tr.clear_mono = snap.mono_ms;
          tr.clear_t = snap.t;
          tr.clearAcc = newAcc();
          add(rule.op, tr.clearAcc, v as number);
          (tr.breach as Breach).clearing = true;
          if (rule.for_ms === 0) out.push(this.closeTrack(tr, 'clear'));
          return;
        }
        if (snap.mono_ms - tr.last_update_mono >= UPDATE_EVERY_MS) {
          tr.last_update_mono = snap.mono_ms;
          out.push({ type: 'update', breach: { ...(tr.breach as Breach) } });
        }
        return;
      case 'clearing':
        this.refresh(tr, p, v);
        if (on) {
          // Back within `for` of its end: the same breach goes on.
          merge(rule.op, tr.acc, tr.clearAcc);
          add(rule.op, tr.acc, v as number);
          tr.phase = 'active';
          (tr.breach as Breach).clearing = false;
          this.refresh(tr, p, v);
          return;
        }
        if (v !== null) add(rule.op, tr.clearAcc, v);
        if (snap.mono_ms - tr.clear_mono >= rule.for_ms - slack) out.push(this.closeTrack(tr, 'clear'));
        return;
    }
  }

  private fire(rule: Rule, tr: Track, p: ProcSnap | null, v: number, snap: Snapshot): Breach {
    const b: Breach = {
      rule: rule.name, metric: rule.written, op: rule.op,
      subject: rule.def.subject === 'none' ? SUBJECT_KINDS.none.label : tr.key,
      pid: p?.pid ?? null, start_time: p?.start_time ?? null, comm: p?.comm ?? null, user: p?.user ?? null,
      start_t: tr.start_t, fired_t: snap.t, end_t: null, end_reason: null,
      peak: null, average: null, threshold: rule.threshold, samples: 0,
      kind: rule.def.subject, unit: rule.def.unit, clear: rule.clear, for_ms: rule.for_ms, window_ms: rule.window_ms,
      value: v, clearing: false,
    };
    tr.breach = b;
    this.refresh(tr, p, v);
    return b;
  }

  /** Copies the running figures into the breach. */
  private refresh(tr: Track, p: ProcSnap | null, v: number | null): void {
    const b = tr.breach;
    if (b === null) return;
    b.peak = tr.acc.n > 0 ? tr.acc.peak : null;
    b.average = tr.acc.n > 0 ? tr.acc.sum / tr.acc.n : null;
    b.samples = tr.acc.n;
    if (v !== null) b.value = v;
    if (p !== null) {
      b.comm = p.comm;
      b.user = p.user;
    }
  }

  /** Ends a breach in the clearing phase at the time it cleared; the track is kept until the caller drops it. */
  private closeTrack(tr: Track, reason: EndReason): BreachEvent {
    const ev = this.close(tr, reason);
    tr.breach = null;
    tr.phase = 'pending';
    tr.acc = newAcc(); // the caller drops an empty pending track
    return ev;
  }

  private close(tr: Track, reason: EndReason): BreachEvent {
    const b = tr.breach as Breach;
    this.refresh(tr, null, null);
    b.end_t = reason === 'clear' ? tr.clear_t : tr.last_t;
    b.end_reason = reason;
    b.clearing = false;
    tr.breach = null;
    return { type: 'end', breach: { ...b } };
  }
}
