/**
 * ReplayCursor: a position in a recording for `vigil replay`. Seeks rebuild from the nearest keyframes
 * (≤ 100 ms anywhere in a 24 h file); stepping forward continues the same walk (cheap, for playback);
 * stepping back is a seek. Every position is a SamplePair, so the TUI derives exactly what live showed.
 * Methods throw a VigilError (exit 65) if the file turns out to be damaged where they read.
 */
import type { ProcSnap, Sample, Snapshot } from '../../model';
import type { ConnsSnap } from '../../model/conns';
import type { CgroupSnap } from '../../model/cgroups';
import { deriveCgroups } from '../../derive/cgroups';
import { Recording, SamplePair, SessionInfo } from './reader';
import { snapshotOf } from './snapshots';
import { Walker } from './walker';

export class ReplayCursor {
  private walker: Walker | null = null;
  private pair: SamplePair | null = null;
  private procCache: { s: number; procs: ProcSnap[] | null } | null = null;
  private connsCache: { s: number; conns: ConnsSnap | null } | null = null;
  private cgCache: { s: number; cgroups: CgroupSnap[] | null } | null = null;

  /** Rebuild the cgroup tier's tables too (Samples then carry `cgroups`; schema 4 on). */
  private cgroupTier: boolean;

  constructor(readonly rec: Recording, opts: { cgroups?: boolean } = {}) {
    this.cgroupTier = opts.cgroups === true;
  }

  /** Rebuild the cgroup tier's tables from the next seek on. */
  withCgroups(): void {
    this.cgroupTier = true;
  }

  /** The current position; null only for a recording without samples. */
  get current(): SamplePair | null {
    return this.pair;
  }

  /** The Snapshot at the current position (derive over its pair); null at the first sample of a session. */
  snapshot(): Snapshot | null {
    return this.pair === null ? null : snapshotOf(this.pair);
  }

  /** Goes to sample id s (clamped to the recording). */
  seek(s: number): SamplePair | null {
    const first = this.rec.first();
    const last = this.rec.last();
    if (first === null || last === null) return null;
    let target = Math.min(Math.max(s, first.s), last.s);
    let ses = this.rec.sessionOf(target);
    // An id in a session without samples cannot happen with dense ids; fall back to the first sample.
    if (ses === null) {
      target = first.s;
      ses = this.rec.sessionOf(target) as SessionInfo;
    }
    const session = ses;
    this.pair = this.rec.guard(() => {
      const hasPrev = target > session.first_s;
      const w = this.rec.walker(hasPrev ? target - 1 : target, {
        sessionFirst: session.first_s, to: session.last_s as number, procs: true, cgroups: this.cgroupTier,
      });
      let prev: Sample | null = null;
      if (hasPrev) {
        w.walkTo(target - 1);
        prev = w.sample();
      }
      w.walkTo(target);
      this.walker = w;
      return { s: target, prev, curr: w.sample(), host: session.host, session };
    });
    return this.pair;
  }

  /** Goes to the latest sample at or before wall time tMs (the first sample if tMs is earlier). */
  seekTime(tMs: number): SamplePair | null {
    const s = this.rec.atOrBefore(tMs);
    return this.seek(s ?? this.rec.first()?.s ?? 0);
  }

  first(): SamplePair | null {
    return this.seek(this.rec.first()?.s ?? 0);
  }

  last(): SamplePair | null {
    return this.seek(this.rec.last()?.s ?? 0);
  }

  /** One sample forward (playback); null at the end, where the position stays. */
  next(): SamplePair | null {
    const p = this.pair;
    if (p === null) return this.first();
    const w = this.walker;
    const endOfSession = p.session.last_s === null || p.s >= p.session.last_s;
    if (w === null || endOfSession) {
      const last = this.rec.last();
      if (last === null || p.s >= last.s) return null;
      return this.seek(p.s + 1); // the next session starts afresh
    }
    this.pair = this.rec.guard(() => {
      w.step();
      return { s: w.s, prev: p.curr, curr: w.sample(), host: p.host, session: p.session };
    });
    return this.pair;
  }

  /** n samples forward (n > 0) or back (n < 0); clamps at the ends. */
  step(n: number): SamplePair | null {
    if (this.pair === null) return this.first();
    if (n === 1) return this.next() ?? this.pair;
    return this.seek(this.pair.s + n);
  }

  /**
   * The process list as of the latest process-table read at or before the current sample: what the
   * process pane shows between reads (live keeps the last one the same way).
   */
  procs(): ProcSnap[] | null {
    const w = this.walker;
    const tickS = w?.procTickS ?? null;
    if (tickS === null) return null;
    if (this.procCache?.s === tickS) return this.procCache.procs;
    const snap = this.pair !== null && this.pair.s === tickS ? this.snapshot() : null;
    let procs = snap?.procs ?? null;
    if (snap === null) {
      const at = this.rec.pairAt(tickS, { conns: false });
      procs = snapshotOf(at)?.procs ?? null;
    }
    this.procCache = { s: tickS, procs };
    return procs;
  }

  /**
   * Connections and retransmit events as of the latest connections-tier read at or before the current
   * sample (what the connections pane shows between reads): the ConnsSnap derive() made on the sample
   * where that read arrived. null before the session's second read.
   */
  conns(): ConnsSnap | null {
    const tickS = this.walker?.connsTickS ?? null;
    if (tickS === null) return null;
    if (this.connsCache?.s === tickS) return this.connsCache.conns;
    let conns: ConnsSnap | null;
    if (this.pair !== null && this.pair.s === tickS) conns = this.snapshot()?.conns ?? null;
    else {
      const at = this.rec.pairAt(tickS, { procs: false, conns: true });
      conns = snapshotOf(at)?.conns ?? null;
    }
    this.connsCache = { s: tickS, conns };
    return conns;
  }

  /**
   * The cgroup rows as of the latest cgroup-tier read at or before the current sample (what the cgroups
   * view shows between reads, as live keeps the last): derive over that read and the one before it, the
   * rows `vigil export --table cgroups` gives for it. null before the session's first read, or when the
   * cursor does not rebuild cgroups.
   */
  cgroups(): CgroupSnap[] | null {
    const tickS = this.walker?.cgroupTickS ?? null;
    if (tickS === null) return null;
    if (this.cgCache?.s === tickS) return this.cgCache.cgroups;
    const at = this.pair !== null && this.pair.s === tickS ? this.pair : this.rec.pairAt(tickS, { procs: false, conns: false, cgroups: true });
    const curr = at.curr.cgroups ?? null;
    // The session's first read has no read before it: gauges and no rates, as live shows it.
    const cgroups = curr === null ? null : deriveCgroups(at.prev?.cgroups ?? null, curr);
    this.cgCache = { s: tickS, cgroups };
    return cgroups;
  }
}
