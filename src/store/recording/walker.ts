/**
 * Rebuilds Samples from the file: starts from the keyframes at or before a sample, adds the rows up to
 * it, then moves forward one sample at a time. Every Sample it hands out is a fresh object that is never
 * changed afterwards (a ProcTable is shared between consecutive Samples until the next process tick,
 * exactly as the live sampler shares it).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { CpuTimes, DiskSample, FsSample, NetDevSample, ProcSample, ProcTable, Sample } from '../../model';
import type { Stored, Val } from './codec';
import { buildCpu, buildDisk, buildFs, buildNet, buildProc, buildSys } from './flatten';
import { RowSource } from './rows';
import { KEY_PROCS, KEY_SYS } from './schema';
import { SERIES, SeriesName } from './series';
import { alive, EntityCache, SeriesState } from './series-state';

const SYS_TIER: SeriesName[] = ['sys', 'cpu', 'net', 'disk', 'fs'];
const CHUNK = 600;

/** Statements and caches shared by every walker of one open recording. */
export class Tables {
  readonly caches: Partial<Record<SeriesName, EntityCache>> = {};
  readonly range: Record<string, Statement> = {};
  readonly sysKeyAtOrBefore: Statement;
  readonly procKeyAtOrBefore: Statement;
  readonly procTickAtOrBefore: Statement;

  constructor(readonly db: Database) {
    const prep = (sql: string): Statement => db.prepare(sql).raw(true).safeIntegers(true);
    for (const name of Object.keys(SERIES) as SeriesName[]) {
      const spec = SERIES[name];
      const order = spec.entity === null ? 's' : 's, e';
      this.range[name] = prep(`SELECT * FROM ${spec.table} WHERE s BETWEEN ? AND ? ORDER BY ${order}`);
      if (spec.entity !== null) this.caches[name] = new EntityCache(db, spec.entity.table, spec.entity.columns.length);
    }
    this.range.sample = prep('SELECT s, t, mono_ns FROM sample WHERE s BETWEEN ? AND ? ORDER BY s');
    this.range.keyframe = prep('SELECT s, what FROM keyframe WHERE s BETWEEN ? AND ? ORDER BY s');
    this.range.proc_tick = prep('SELECT s, age_ns FROM proc_tick WHERE s BETWEEN ? AND ? ORDER BY s');
    this.sysKeyAtOrBefore = prep(`SELECT s FROM keyframe WHERE s <= ? AND (what & ${KEY_SYS}) != 0 ORDER BY s DESC LIMIT 1`);
    this.procKeyAtOrBefore = prep(`SELECT s FROM keyframe WHERE s <= ? AND (what & ${KEY_PROCS}) != 0 ORDER BY s DESC LIMIT 1`);
    this.procTickAtOrBefore = prep('SELECT s FROM proc_tick WHERE s <= ? ORDER BY s DESC LIMIT 1');
  }

  scalar(st: Statement, s: number): number | null {
    const r = st.get(s) as Stored[] | undefined;
    return r === undefined ? null : Number(r[0]);
  }
}

export interface WalkerOptions {
  /** First sample of the walker's session: nothing before it is used. */
  sessionFirst: number;
  /** Last sample the walker may reach. */
  to: number;
  /** Rebuild process tables (export of system tables does without). */
  procs: boolean;
}

export class Walker {
  private readonly states = {} as Record<SeriesName, SeriesState>;
  private readonly src = {} as Record<string, RowSource>;
  /** The sample the walker stands on (after step), or start − 1 before the first step. */
  s: number;
  private t = 0;
  private mono = 0n;
  private sysReady = false;
  private procReady = false;
  private readonly sysKey: number;
  private readonly procKey: number | null;
  private procTick: { s: number; mono: bigint } | null = null;
  private table: ProcTable | null = null;
  private tableDirty = false;

  /** Prepares to walk to `target`: the first step() lands on the keyframe that starts the rebuild. */
  constructor(private readonly tb: Tables, target: number, private readonly opts: WalkerOptions) {
    const first = opts.sessionFirst;
    this.sysKey = Math.max(first, tb.scalar(tb.sysKeyAtOrBefore, target) ?? first);
    let start = this.sysKey;
    this.procKey = null;
    if (opts.procs) {
      const tick = tb.scalar(tb.procTickAtOrBefore, target);
      if (tick !== null && tick >= first) {
        const pk = tb.scalar(tb.procKeyAtOrBefore, tick);
        this.procKey = pk !== null && pk >= first ? pk : first;
        start = Math.min(start, this.procKey);
      }
    }
    for (const name of Object.keys(SERIES) as SeriesName[]) {
      this.states[name] = new SeriesState(SERIES[name]);
      this.src[name] = new RowSource(tb.range[name], opts.to, CHUNK);
    }
    for (const k of ['sample', 'keyframe', 'proc_tick']) this.src[k] = new RowSource(tb.range[k], opts.to, CHUNK);
    this.s = start - 1;
  }

  /** Moves to the next sample; false at the end of the range. */
  step(): boolean {
    const x = this.s + 1;
    if (x > this.opts.to) return false;
    let found = false;
    this.src.sample.take(x, (r) => {
      found = true;
      this.t = Number(r[1]);
      this.mono = BigInt(r[2] as bigint);
    });
    if (!found) throw new Error(`sample ${x} is missing`);
    this.s = x;
    let what = 0;
    this.src.keyframe.take(x, (r) => (what = Number(r[1])));
    if (x === this.sysKey) this.sysReady = true;
    if (this.sysReady) {
      for (const name of SYS_TIER) {
        const st = this.states[name];
        if (what & KEY_SYS) st.clear();
        this.src[name].take(x, (row) => st.apply(row));
      }
    }
    if (this.opts.procs) {
      if (x === this.procKey) this.procReady = true;
      let age: bigint | null = null;
      this.src.proc_tick.take(x, (r) => (age = BigInt(r[1] as bigint)));
      if (age !== null && this.procReady) {
        const st = this.states.proc;
        if (what & KEY_PROCS) st.clear();
        const mono = this.mono - (age as bigint);
        // Difference rows only follow a tick this walk has seen (the walk starts at a keyframe).
        const gap = this.procTick === null ? 0 : Number(mono - this.procTick.mono);
        this.src.proc.take(x, (row) => st.apply(row, gap));
        this.procTick = { s: x, mono };
        this.tableDirty = true;
      }
    }
    return true;
  }

  /** The sample whose process table the walker holds (null before the session's first process tick). */
  get procTickS(): number | null {
    return this.procTick?.s ?? null;
  }

  /** Walks until standing on `s`. */
  walkTo(s: number): void {
    while (this.s < s) if (!this.step()) throw new Error(`sample ${s} is beyond the walk`);
  }

  /** The Sample the walker stands on. */
  sample(): Sample {
    const sysVals = this.states.sys.vals.get(0);
    if (sysVals === undefined) throw new Error(`no system row for sample ${this.s}`);
    const base = buildSys(sysVals);
    const x = this.s;
    const cores: (CpuTimes | null)[] = [];
    this.each('cpu', x, (ident, v) => (cores[ident[0] as number] = buildCpu(v)));
    for (let i = 0; i < cores.length; i++) if (cores[i] === undefined) cores[i] = null;
    base.stat.cores = cores;
    const net: NetDevSample[] = [];
    this.each('net', x, (ident, v) => net.push(buildNet(ident, v)));
    const disks: DiskSample[] = [];
    this.each('disk', x, (ident, v) => disks.push(buildDisk(ident, v)));
    const fs: FsSample[] = [];
    this.each('fs', x, (ident, v) => fs.push(buildFs(ident, v)));
    return { mono_ns: this.mono, t: this.t, sys: { ...base, net, disks, fs }, procs: this.procTable(), conns: null };
  }

  private procTable(): ProcTable | null {
    if (!this.opts.procs || this.procTick === null) return null;
    if (this.tableDirty || this.table === null) {
      const tick = this.procTick;
      const procs: ProcSample[] = [];
      this.each('proc', tick.s, (ident, v) => procs.push(buildProc(ident, v, tick.mono)));
      procs.sort((a, b) => a.pid - b.pid);
      this.table = { mono_ns: tick.mono, procs };
      this.tableDirty = false;
    }
    return this.table;
  }

  /** Entities of a series alive at sample s, in the order they first appeared. */
  private each(name: SeriesName, s: number, fn: (ident: Val[], v: Val[]) => void): void {
    const cache = this.tb.caches[name] as EntityCache;
    const st = this.states[name];
    const es = [...st.vals.keys()].sort((a, b) => a - b);
    for (const e of es) {
      const ent = cache.entity(e);
      if (alive(ent, s)) fn(ent.ident, st.vals.get(e)!);
      else if (ent.last_s !== null && ent.last_s < s) st.vals.delete(e);
    }
  }
}
