/**
 * Reading a recording: the Sample at any sample id together with the one before it, so that replay and
 * export derive rates with the same derive(prev, curr, host) as live. Seeks go through indexes and add up
 * at most one keyframe interval of rows; nothing is ever loaded whole.
 */
import type { HostInfo, Sample } from '../../model';
import type { Stored } from './codec';
import { BreachAsOf, BreachRecord, breachesAsOf, breachesOverlapping } from '../alerts/table';
import { openForReading, OpenedDb } from './open';
import { readError } from './sqlite-error';
import { Tables, Walker, WalkerOptions } from './walker';

export interface SessionInfo {
  id: number;
  first_s: number;
  /** Last sample of the session (null: no samples). */
  last_s: number | null;
  started_t: number;
  host: HostInfo;
  interval_ms: number;
  proc_interval_ms: number;
  vigil_version: string;
}

export interface SampleRef {
  s: number;
  /** Wall clock, ms since the epoch. */
  t: number;
  mono_ns: bigint;
}

/** A sample with the one before it in the same session (null at the start of a session). */
export interface SamplePair {
  s: number;
  prev: Sample | null;
  curr: Sample;
  host: HostInfo;
  session: SessionInfo;
}

/** One row of the alert table: a breach as the alerts code handed it to the writer. */
export type AlertRow = BreachRecord;

export interface IterateOptions {
  /** Rebuild process tables (default true). */
  procs?: boolean;
  /** Rebuild the connections tier's samples (default: as procs). */
  conns?: boolean;
  /** Rebuild the cgroup tier's tables (default false). */
  cgroups?: boolean;
}

export class Recording {
  private readonly tables: Tables;
  readonly sessions: SessionInfo[];
  private readonly lastS: number | null;
  readonly meta: Record<string, unknown>;

  private constructor(
    readonly file: string,
    private readonly opened: OpenedDb,
  ) {
    const db = opened.db;
    this.tables = new Tables(db);
    this.meta = {};
    for (const r of db.prepare('SELECT key, value FROM meta').all() as { key: string; value: unknown }[]) this.meta[r.key] = r.value;
    const rows = db.prepare('SELECT * FROM session ORDER BY first_s').all() as Record<string, number | string | null>[];
    const maxS = this.maxS();
    this.lastS = maxS;
    this.sessions = rows.map((r, i) => {
      const next = i + 1 < rows.length ? Number(rows[i + 1].first_s) - 1 : maxS;
      const first = Number(r.first_s);
      return {
        id: Number(r.id),
        first_s: first,
        last_s: next !== null && next >= first ? next : null,
        started_t: Number(r.started_t),
        host: {
          hostname: String(r.hostname),
          kernel: String(r.kernel),
          clk_tck: Number(r.clk_tck),
          page_size: Number(r.page_size),
          ncpu: Number(r.ncpu),
          boot_time_s: r.boot_time_s === null ? null : Number(r.boot_time_s),
        },
        interval_ms: Number(r.interval_ms),
        proc_interval_ms: Number(r.proc_interval_ms),
        vigil_version: String(r.vigil_version),
      };
    });
  }

  /** Opens and validates FILE; throws a VigilError (65 bad, 66 missing) with one line. */
  static open(file: string): Recording {
    const opened = openForReading(file);
    try {
      return new Recording(file, opened);
    } catch (err) {
      opened.close();
      throw readError(file, err);
    }
  }

  close(): void {
    this.opened.close();
  }

  /** Runs fn, turning SQLite's complaints about a damaged file into exit 65. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw readError(this.file, err);
    }
  }

  private maxS(): number | null {
    const r = this.opened.db.prepare('SELECT max(s) FROM sample').raw(true).get() as [number | null];
    return r[0] === null ? null : Number(r[0]);
  }

  ref(s: number): SampleRef | null {
    const r = this.opened.db.prepare('SELECT s, t, mono_ns FROM sample WHERE s = ?').raw(true).safeIntegers(true).get(s) as Stored[] | undefined;
    return r === undefined ? null : { s: Number(r[0]), t: Number(r[1]), mono_ns: r[2] as bigint };
  }

  first(): SampleRef | null {
    return this.guard(() => {
      const r = this.opened.db.prepare('SELECT min(s) FROM sample').raw(true).get() as [number | null];
      return r[0] === null ? null : this.ref(Number(r[0]));
    });
  }

  /**
   * The last sample as of open(): a Recording reads the file as it stood then (its sessions end there), so
   * that last() and pairAt(last().s) agree while a recorder is still appending. Open it again to see more.
   */
  last(): SampleRef | null {
    return this.guard(() => (this.lastS === null ? null : this.ref(this.lastS)));
  }

  count(): number {
    return this.guard(() => Number((this.opened.db.prepare('SELECT count(*) FROM sample').raw(true).get() as [number])[0]));
  }

  /** The latest sample whose wall time is at or before tMs (by time, then by id); null if none. */
  atOrBefore(tMs: number): number | null {
    return this.guard(() => {
      const r = this.opened.db.prepare('SELECT s FROM sample WHERE t <= ? ORDER BY t DESC, s DESC LIMIT 1').raw(true).get(Math.floor(tMs)) as [number] | undefined;
      return r === undefined ? null : Number(r[0]);
    });
  }

  /** The earliest sample whose wall time is at or after tMs; null if none. */
  atOrAfter(tMs: number): number | null {
    return this.guard(() => {
      const r = this.opened.db.prepare('SELECT s FROM sample WHERE t >= ? ORDER BY t, s LIMIT 1').raw(true).get(Math.ceil(tMs)) as [number] | undefined;
      return r === undefined ? null : Number(r[0]);
    });
  }

  sessionOf(s: number): SessionInfo | null {
    let found: SessionInfo | null = null;
    for (const ses of this.sessions) if (ses.first_s <= s) found = ses;
    return found !== null && found.last_s !== null && s <= found.last_s ? found : null;
  }

  /** Sample s and the one before it: the pair replay hands to derive(). */
  pairAt(s: number, opts: IterateOptions = {}): SamplePair {
    return this.guard(() => {
      const ses = this.sessionOf(s);
      if (ses === null) throw new RangeError(`no sample ${s} in ${this.file}`);
      const hasPrev = s > ses.first_s;
      const procs = opts.procs !== false;
      const w = new Walker(this.tables, hasPrev ? s - 1 : s, { sessionFirst: ses.first_s, to: s, procs, conns: opts.conns ?? procs, cgroups: opts.cgroups });
      let prev: Sample | null = null;
      if (hasPrev) {
        w.walkTo(s - 1);
        prev = w.sample();
      }
      w.walkTo(s);
      return { s, prev, curr: w.sample(), host: ses.host, session: ses };
    });
  }

  /**
   * Every sample from `from` to `to` (ids, inclusive) with its predecessor, in order, in constant memory.
   * At the start of each session prev is null.
   */
  *pairs(from: number, to: number, opts: IterateOptions = {}): Generator<SamplePair> {
    const procs = opts.procs !== false;
    for (const ses of this.sessions) {
      if (ses.last_s === null || ses.last_s < from || ses.first_s > to) continue;
      const a = Math.max(from, ses.first_s);
      const b = Math.min(to, ses.last_s);
      const hasPrev = a > ses.first_s;
      const w = this.guard(() => new Walker(this.tables, hasPrev ? a - 1 : a, { sessionFirst: ses.first_s, to: b, procs, conns: opts.conns ?? procs, cgroups: opts.cgroups }));
      let prev: Sample | null = null;
      if (hasPrev) {
        this.guard(() => w.walkTo(a - 1));
        prev = this.guard(() => w.sample());
      }
      for (;;) {
        const more = this.guard(() => w.s < b && w.step());
        if (!more) break;
        if (w.s < a) continue;
        const curr = this.guard(() => w.sample());
        yield { s: w.s, prev, curr, host: ses.host, session: ses };
        prev = curr;
      }
    }
  }

  /**
   * Whether the file holds any read of the cgroup tier: a recording from before schema 4 has no
   * cgroup_tick table, and one made without the tier has an empty one.
   */
  hasCgroups(): boolean {
    return this.guard(() => {
      const db = this.opened.db;
      const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'cgroup_tick'").get();
      return table !== undefined && db.prepare('SELECT 1 FROM cgroup_tick LIMIT 1').get() !== undefined;
    });
  }

  /** Breaches that overlap [fromT, toT] (ms), in the order they began; fetched in pages. */
  *alerts(fromT = -Infinity, toT = Infinity): Generator<AlertRow> {
    const it = breachesOverlapping(this.opened.db, fromT, toT);
    for (;;) {
      const r = this.guard(() => it.next());
      if (r.done === true) return;
      yield r.value;
    }
  }

  /** The breaches as they stood at time t (ms): active ones, and up to `recent` that had ended, newest first. */
  alertsAsOf(t: number, recent = 20): { active: BreachAsOf[]; recent: AlertRow[] } {
    return this.guard(() => breachesAsOf(this.opened.db, t, recent));
  }

  /** A walker positioned to rebuild `target` (for the replay cursor). */
  walker(target: number, opts: WalkerOptions): Walker {
    return new Walker(this.tables, target, opts);
  }

  /** For a live file: forget cached entities that may have been closed since. */
  refresh(): void {
    for (const c of Object.values(this.tables.caches)) c?.refresh();
  }
}
