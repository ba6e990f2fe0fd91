/**
 * Rebuilds Samples from the file: starts from the keyframes at or before a sample, adds the rows up to
 * it, then moves forward one sample at a time. Every Sample it hands out is a fresh object that is never
 * changed afterwards (a ProcTable, and a ConnsSample, is shared between consecutive Samples until the
 * next tick of its tier, exactly as the live sampler shares it).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { CpuTimes, DiskSample, FsSample, NetDevSample, ProcSample, ProcTable, Sample } from '../../model';
import type { ConnsProcSample, ConnsSample, TcpSockSample } from '../../model/conns';
import { NO_CLOCKS, RowClocks, Stored, Val } from './codec';
import { buildCpu, buildDisk, buildFs, buildNet, buildProc, buildSock, buildSockProc, buildSys, noSocketTcpVals, TcpEpoch } from './flatten';
import { FileColumns } from './columns';
import { RowSource } from './rows';
import { buildShim } from './shim-cols';
import { KEY_CGROUPS, KEY_CONNS, KEY_PROCS, KEY_SYS } from './schema';
import { buildCgroup } from './cgroup-cols';
import type { CgroupLayout, CgroupSample, CgroupTable } from '../../model/cgroups';
import { joinSys, SERIES, SeriesName, SeriesSpec } from './series';
import { alive, EntityCache, SeriesState } from './series-state';
import { parseCarryList } from './series-writer';

const SYS_TIER: SeriesName[] = ['sys', 'sysAvg', 'snmp', 'cpu', 'net', 'disk', 'fs'];
const PROC_TIER: SeriesName[] = ['proc', 'procIo', 'procTcp', 'procShim'];
const CONNS_TIER: SeriesName[] = ['sock', 'sockProc'];
const CGROUP_TIER: SeriesName[] = ['cgroup'];
const NO_EPOCH: TcpEpoch = { c1: null, c2: null };
const CHUNK = 600;
/**
 * The cgroup series' chunk, in sample ids: a group's counters move on every read, so a sample can hold a
 * row per group (1000 at most), and a seek that read 600 samples ahead decoded up to 600 000 rows of
 * which it used a few (replay's cgroups view: 1.6 s a seek at 500 groups; 64 samples cover a keyframe
 * interval of 1 s reads).
 */
const CGROUP_CHUNK = 64;

/** Statements and caches shared by every walker of one open recording. */
export class Tables {
  readonly caches: Partial<Record<SeriesName, EntityCache>> = {};
  readonly range: Record<string, Statement> = {};
  readonly sysKeyAtOrBefore: Statement;
  readonly procKeyAtOrBefore: Statement;
  readonly procTickAtOrBefore: Statement;
  readonly procTickBefore: Statement;
  readonly firstConnsProcTick: Statement;
  readonly connsTickAfter: Statement;
  readonly procTickAtOrAfter: Statement;
  readonly connsKeyAtOrBefore: Statement;
  readonly connsTickAtOrBefore: Statement;
  readonly cgroupKeyAtOrBefore: Statement;
  readonly cgroupTickAtOrBefore: Statement;
  readonly carryAt: Statement;
  /** Per keyed series: one row by (s, e) (for entities carried over a keyframe). */
  readonly rowAt: Partial<Record<SeriesName, Statement>> = {};
  readonly procClock: Statement;

  constructor(readonly db: Database) {
    const prep = (sql: string): Statement => db.prepare(sql).raw(true).safeIntegers(true);
    // Every statement names its columns (columns.ts): rows come back in the order of series.ts whatever
    // the file's column order, with NULL for a column the file lacks. Built once per open.
    const fc = new FileColumns(db);
    for (const name of Object.keys(SERIES) as SeriesName[]) {
      const spec: SeriesSpec = SERIES[name];
      const keyed = spec.entity !== null || spec.owner !== undefined;
      const key = keyed ? ['s', 'e', 'k'] : ['s', 'k'];
      const sel = fc.select(spec.table, [...key, ...spec.values.map((c) => c.name)], key);
      this.range[name] = prep(`${sel} WHERE s BETWEEN ? AND ? ORDER BY ${keyed ? 's, e' : 's'}`);
      if (spec.entity !== null) {
        const ent = spec.entity;
        const entSel = fc.select(ent.table, ['e', ...ent.columns.map((c) => c.name), 'first_s', 'last_s'], ['e', 'first_s', 'last_s']);
        this.caches[name] = new EntityCache(prep(`${entSel} WHERE e = ?`), ent.columns.length);
      }
      if (keyed) this.rowAt[name] = prep(`${sel} WHERE s = ? AND e = ?`);
    }
    this.carryAt = prep(`${fc.select('keyframe_carry', ['tbl', 'es', 's'], ['tbl', 'es', 's'])} WHERE s = ?`);
    const tick = (table: string, columns: string[], required: string[]): Statement =>
      prep(`${fc.select(table, columns, required)} WHERE s BETWEEN ? AND ? ORDER BY s`);
    this.range.sample = tick('sample', ['s', 't', 'mono_ns'], ['s', 't', 'mono_ns']);
    this.range.keyframe = tick('keyframe', ['s', 'what'], ['s', 'what']);
    this.range.proc_tick = tick('proc_tick', ['s', 'age_ns', 'conns_age_ns'], ['s', 'age_ns']);
    this.range.conns_tick = tick('conns_tick', ['s', 'age_ns', 't', 'denied', 'scan_incomplete', 'malformed', 'cost_ms'], ['s', 'age_ns', 't']);
    this.range.cgroup_tick = tick('cgroup_tick', ['s', 'age_ns', 'layout', 'truncated'], ['s', 'age_ns']);
    this.cgroupKeyAtOrBefore = prep(`SELECT s FROM keyframe WHERE s <= ? AND (what & ${KEY_CGROUPS}) != 0 ORDER BY s DESC LIMIT 1`);
    this.cgroupTickAtOrBefore = prep(`${fc.select('cgroup_tick', ['s'], ['s'])} WHERE s <= ? ORDER BY s DESC LIMIT 1`);
    this.procClock = prep('SELECT t.age_ns, t.conns_age_ns, x.mono_ns FROM proc_tick t JOIN sample x USING (s) WHERE s = ?');
    this.sysKeyAtOrBefore = prep(`SELECT s FROM keyframe WHERE s <= ? AND (what & ${KEY_SYS}) != 0 ORDER BY s DESC LIMIT 1`);
    this.procKeyAtOrBefore = prep(`SELECT s FROM keyframe WHERE s <= ? AND (what & ${KEY_PROCS}) != 0 ORDER BY s DESC LIMIT 1`);
    this.procTickAtOrBefore = prep('SELECT s FROM proc_tick WHERE s <= ? ORDER BY s DESC LIMIT 1');
    this.procTickBefore = prep('SELECT s FROM proc_tick WHERE s < ? ORDER BY s DESC LIMIT 1');
    // A process tick's connections clock is its sample's mono_ns − age_ns − conns_age_ns.
    this.firstConnsProcTick = prep(
      'SELECT t.s, x.mono_ns - t.age_ns - t.conns_age_ns FROM proc_tick t JOIN sample x USING (s) WHERE t.s >= ? AND t.conns_age_ns IS NOT NULL ORDER BY t.s LIMIT 1',
    );
    this.connsTickAfter = prep('SELECT s FROM conns_tick WHERE s > ? ORDER BY s LIMIT 1');
    this.procTickAtOrAfter = prep(
      'SELECT t.s, x.mono_ns - t.age_ns - t.conns_age_ns FROM proc_tick t JOIN sample x USING (s) WHERE t.s >= ? ORDER BY t.s LIMIT 1',
    );
    this.connsKeyAtOrBefore = prep(`SELECT s FROM keyframe WHERE s <= ? AND (what & ${KEY_CONNS}) != 0 ORDER BY s DESC LIMIT 1`);
    this.connsTickAtOrBefore = prep('SELECT s FROM conns_tick WHERE s <= ? ORDER BY s DESC LIMIT 1');
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
  /** Rebuild the connections tier's samples (default: as procs). */
  conns?: boolean;
  /** Rebuild the cgroup tier's tables (schema 4; default false: Samples then carry no `cgroups`). */
  cgroups?: boolean;
}

/** What a conns_tick row says of one read of the connections tier. */
interface ConnsTick {
  s: number;
  mono: bigint;
  t: number;
  denied: number[];
  scan_incomplete: boolean;
  malformed: number;
  cost_ms: number;
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
  private procTick: { s: number; mono: bigint; connsMono: bigint; hasConns: boolean } | null = null;
  /**
   * Per process entity without proc_tcp rows: its first two connections reads and the process ticks that
   * first had them (kept once both are known; a live file may not have the second yet).
   */
  private readonly epochs = new Map<number, { c1: bigint; c2: bigint; p2: number }>();
  /** The clocks of the session's process tick before the walk's first one (its gaps are taken from there). */
  private procBefore: { mono: bigint; connsMono: bigint } | null = null;
  private table: ProcTable | null = null;
  private tableDirty = false;
  private readonly conns: boolean;
  private connsReady = false;
  private readonly connsKey: number | null;
  private connsTick: ConnsTick | null = null;
  private connsSample: ConnsSample | null = null;
  private connsDirty = false;
  private readonly cgroups: boolean;
  private cgroupReady = false;
  private readonly cgroupKey: number | null = null;
  private cgroupTick: { s: number; mono: bigint; layout: CgroupLayout; truncated: boolean } | null = null;
  private cgroupTable: CgroupTable | null = null;
  private cgroupDirty = false;

  /** Prepares to walk to `target`: the first step() lands on the keyframe that starts the rebuild. */
  constructor(private readonly tb: Tables, target: number, private readonly opts: WalkerOptions) {
    const first = opts.sessionFirst;
    this.sysKey = Math.max(first, tb.scalar(tb.sysKeyAtOrBefore, target) ?? first);
    let start = this.sysKey;
    this.procKey = null;
    if (opts.procs) {
      this.procKey = this.keyAt(tb.procTickAtOrBefore, tb.procKeyAtOrBefore, target);
      if (this.procKey !== null) {
        start = Math.min(start, this.procKey);
        const before = tb.scalar(tb.procTickBefore, this.procKey);
        if (before !== null && before >= first) {
          const c = this.procClocksAt(before, new Map());
          this.procBefore = { mono: c.base[0], connsMono: c.base[1] };
        }
      }
      // No table read yet at the target: the session's first one, whenever the walk meets it, is a keyframe.
      else this.procReady = true;
    }
    this.conns = opts.conns ?? opts.procs;
    this.connsKey = null;
    if (this.conns) {
      this.connsKey = this.keyAt(tb.connsTickAtOrBefore, tb.connsKeyAtOrBefore, target);
      if (this.connsKey !== null) start = Math.min(start, this.connsKey);
      else this.connsReady = true;
    }
    this.cgroups = opts.cgroups === true;
    if (this.cgroups) {
      this.cgroupKey = this.keyAt(tb.cgroupTickAtOrBefore, tb.cgroupKeyAtOrBefore, target);
      if (this.cgroupKey !== null) start = Math.min(start, this.cgroupKey);
      else this.cgroupReady = true;
    }
    for (const name of Object.keys(SERIES) as SeriesName[]) {
      this.states[name] = new SeriesState(SERIES[name]);
      this.src[name] = new RowSource(tb.range[name], opts.to, CGROUP_TIER.includes(name) ? CGROUP_CHUNK : CHUNK);
    }
    for (const k of ['sample', 'keyframe', 'proc_tick', 'conns_tick', 'cgroup_tick']) this.src[k] = new RowSource(tb.range[k], opts.to, CHUNK);
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
      if (what & KEY_SYS) this.loadCarried(x, SYS_TIER);
    }
    if (this.opts.procs) {
      if (x === this.procKey) this.procReady = true;
      let tick: Stored[] | null = null;
      this.src.proc_tick.take(x, (r) => (tick = r));
      if (tick !== null && this.procReady) {
        const r = tick as Stored[];
        const mono = this.mono - BigInt(r[1] as bigint);
        const connsMono = r[2] === null ? mono : mono - BigInt(r[2] as bigint);
        // Gaps from the session's previous process tick, as the writer took them.
        const last = this.procTick ?? this.procBefore;
        const clocks = {
          base: [mono, connsMono],
          gap: last === null ? [0, 0] : [Number(mono - last.mono), Number(connsMono - last.connsMono)],
        };
        for (const name of PROC_TIER) {
          const st = this.states[name];
          if (what & KEY_PROCS) st.clear();
          this.src[name].take(x, (row) => st.apply(row, clocks));
        }
        if (what & KEY_PROCS) this.loadCarried(x, PROC_TIER);
        this.procTick = { s: x, mono, connsMono, hasConns: r[2] !== null };
        this.tableDirty = true;
      }
    }
    if (this.conns) {
      if (x === this.connsKey) this.connsReady = true;
      let tick: Stored[] | null = null;
      this.src.conns_tick.take(x, (r) => (tick = r));
      if (tick !== null && this.connsReady) {
        const r = tick as Stored[];
        for (const name of CONNS_TIER) {
          const st = this.states[name];
          if (what & KEY_CONNS) st.clear();
          this.src[name].take(x, (row) => st.apply(row));
        }
        if (what & KEY_CONNS) this.loadCarried(x, CONNS_TIER);
        // denied NULL: the same list as the previous read (always written at a keyframe, where the walk starts).
        const denied = r[3] === null ? (this.connsTick?.denied ?? []) : String(r[3]) === '' ? [] : String(r[3]).split(',').map(Number);
        this.connsTick = {
          s: x, mono: this.mono - BigInt(r[1] as bigint), t: Number(r[2]), denied,
          scan_incomplete: Number(r[4]) === 1, malformed: Number(r[5]), cost_ms: Number(r[6]),
        };
        this.connsDirty = true;
      }
    }
    if (this.cgroups) {
      if (x === this.cgroupKey) this.cgroupReady = true;
      let tick: Stored[] | null = null;
      this.src.cgroup_tick.take(x, (r) => (tick = r));
      if (tick !== null && this.cgroupReady) {
        const r = tick as Stored[];
        const st = this.states.cgroup;
        if (what & KEY_CGROUPS) st.clear();
        this.src.cgroup.take(x, (row) => st.apply(row));
        if (what & KEY_CGROUPS) this.loadCarried(x, CGROUP_TIER);
        const layout = String(r[2]);
        this.cgroupTick = {
          s: x, mono: this.mono - BigInt(r[1] as bigint),
          layout: layout === 'v2' || layout === 'v1' || layout === 'hybrid' ? layout : 'none', truncated: Number(r[3]) === 1,
        };
        this.cgroupDirty = true;
      }
    }
    return true;
  }

  /** The CgroupTable of the latest cgroup tick, built once per tick and shared until the next (as live). */
  private cgroupRead(): CgroupTable | null {
    const tick = this.cgroupTick;
    if (tick === null) return null;
    if (this.cgroupDirty || this.cgroupTable === null) {
      const groups: CgroupSample[] = [];
      this.each('cgroup', tick.s, (ident, v) => groups.push(buildCgroup(ident, v)));
      // The live walk's order: breadth first (by depth), by path within a level.
      groups.sort((a, b) => a.depth - b.depth || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      this.cgroupTable = { mono_ns: tick.mono, layout: tick.layout, groups, truncated: tick.truncated };
      this.cgroupDirty = false;
    }
    return this.cgroupTable;
  }

  /**
   * At keyframe x: the entities of these series that have no row there (unchanged since their latest
   * absolute row, listed in keyframe_carry) get that row.
   */
  private loadCarried(x: number, names: SeriesName[]): void {
    const lists = this.tb.carryAt.all(x) as Stored[][];
    if (lists.length === 0) return;
    const clockCache = new Map<number, RowClocks>();
    for (const [tbl, text] of lists) {
      const name = names.find((n) => SERIES[n].table === String(tbl));
      if (name === undefined) continue;
      const st = this.states[name];
      const rowAt = this.tb.rowAt[name] as Statement;
      const timed = name === 'procIo' || name === 'procTcp';
      for (const [e, absS] of parseCarryList(String(text), x)) {
        const row = rowAt.get(absS, e) as Stored[] | undefined;
        if (row === undefined || Number(row[2]) !== 1) throw new Error(`${String(tbl)}: no absolute row of entity ${e} at ${absS} (carried to ${x})`);
        st.apply(row, timed ? this.procClocksAt(absS, clockCache) : NO_CLOCKS);
      }
    }
  }

  /** The clocks of the process tick at sample s (what its rows' ra columns are stored against). */
  /**
   * The keyframe a tier's rebuild starts from for `target`: the last keyframe at or before the tier's
   * last read at or before it, never before the session's first row; null when the tier has no read yet.
   */
  private keyAt(tickAtOrBefore: Statement, keyAtOrBefore: Statement, target: number): number | null {
    const first = this.opts.sessionFirst;
    const tick = this.tb.scalar(tickAtOrBefore, target);
    if (tick === null || tick < first) return null;
    const k = this.tb.scalar(keyAtOrBefore, tick);
    return k !== null && k >= first ? k : first;
  }

  private procClocksAt(s: number, cache: Map<number, RowClocks>): RowClocks {
    let c = cache.get(s);
    if (c === undefined) {
      const r = this.tb.procClock.get(s) as Stored[] | undefined;
      if (r === undefined) throw new Error(`no process tick at sample ${s}`);
      const mono = BigInt(r[2] as bigint) - BigInt(r[0] as bigint);
      c = { base: [mono, r[1] === null ? mono : mono - BigInt(r[1] as bigint)], gap: [0, 0] };
      cache.set(s, c);
    }
    return c;
  }

  /** The sample whose process table the walker holds (null before the session's first process tick). */
  get procTickS(): number | null {
    return this.procTick?.s ?? null;
  }

  /** The sample whose connections read the walker holds (null before the session's first one). */
  get connsTickS(): number | null {
    return this.connsTick?.s ?? null;
  }

  /** The sample whose cgroup tier read the walker holds (null before the session's first one, or without cgroups). */
  get cgroupTickS(): number | null {
    return this.cgroupTick?.s ?? null;
  }

  /** Walks until standing on `s`. */
  walkTo(s: number): void {
    while (this.s < s) if (!this.step()) throw new Error(`sample ${s} is beyond the walk`);
  }

  /** The Sample the walker stands on. */
  sample(): Sample {
    const sysVals = this.states.sys.vals.get(0);
    if (sysVals === undefined) throw new Error(`no system row for sample ${this.s}`);
    const avgVals = this.states.sysAvg.vals.get(0);
    const snmpVals = this.states.snmp.vals.get(0);
    if (avgVals === undefined || snmpVals === undefined) throw new Error(`no sys_avg or snmp row for sample ${this.s}`);
    const base = buildSys(joinSys([sysVals, avgVals, snmpVals]));
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
    const out: Sample = { mono_ns: this.mono, t: this.t, sys: { ...base, net, disks, fs }, procs: this.procTable(), conns: this.connsRead() };
    if (this.cgroups) out.cgroups = this.cgroupRead();
    return out;
  }

  /** The ConnsSample of the latest connections tick, built once per tick and shared until the next. */
  private connsRead(): ConnsSample | null {
    const tick = this.connsTick;
    if (!this.conns || tick === null) return null;
    if (this.connsDirty || this.connsSample === null) {
      const tcp: TcpSockSample[] = [];
      this.each('sock', tick.s, (ident, v) => tcp.push(buildSock(ident, v)));
      const procs: ConnsProcSample[] = [];
      this.each('sockProc', tick.s, (ident, v) => procs.push(buildSockProc(ident, v)));
      procs.sort((a, b) => a.pid - b.pid);
      this.connsSample = {
        mono_ns: tick.mono, t: tick.t, tcp, procs, denied: tick.denied, scan_incomplete: tick.scan_incomplete,
        malformed: tick.malformed, cost_ms: tick.cost_ms,
      };
      this.connsDirty = false;
    }
    return this.connsSample;
  }

  private procTable(): ProcTable | null {
    if (!this.opts.procs || this.procTick === null) return null;
    if (this.tableDirty || this.table === null) {
      const tick = this.procTick;
      const procs: ProcSample[] = [];
      const io = this.states.procIo.vals;
      const tcp = this.states.procTcp.vals;
      const shim = this.states.procShim.vals;
      this.each('proc', tick.s, (ident, v, e, firstS) => {
        const a = io.get(e);
        if (a === undefined) throw new Error(`process entity ${e} has no proc_io row`);
        // No proc_tcp row: a process that has held no socket (see noSocketTcpVals).
        const b = tcp.get(e) ?? noSocketTcpVals(tick.hasConns, tick.hasConns ? this.epochOf(e, firstS, tick.s) : NO_EPOCH);
        const sh = shim.get(e);
        procs.push(buildProc(ident, v, a, b, sh === undefined ? null : buildShim(Number(ident[0]), Number(ident[1]), sh)));
      });
      procs.sort((a, b) => a.pid - b.pid);
      this.table = { mono_ns: tick.mono, procs };
      this.tableDirty = false;
    }
    return this.table;
  }

  /**
   * The first connections reads of process entity e (first seen at firstS) as of the process tick at
   * sample s, which has one: the read of its first process tick that had one (p1), and the read of the
   * first process tick at or after the next connections read (p2), if that is at or before s. Indexed
   * look-ups, however long ago the process started.
   */
  private epochOf(e: number, firstS: number, s: number): TcpEpoch {
    const known = this.epochs.get(e);
    if (known !== undefined) return known.p2 <= s ? known : { c1: known.c1, c2: null };
    const clock = (r: Stored[] | undefined): [number, bigint] | null => (r === undefined || r[1] === null ? null : [Number(r[0]), BigInt(r[1] as bigint)]);
    const p1 = clock(this.tb.firstConnsProcTick.get(firstS) as Stored[] | undefined);
    if (p1 === null || p1[0] > s) return NO_EPOCH;
    const q = this.tb.scalar(this.tb.connsTickAfter, p1[0]);
    const p2 = q === null ? null : clock(this.tb.procTickAtOrAfter.get(q) as Stored[] | undefined);
    if (p2 === null) return { c1: p1[1], c2: null };
    this.epochs.set(e, { c1: p1[1], c2: p2[1], p2: p2[0] });
    return p2[0] <= s ? { c1: p1[1], c2: p2[1] } : { c1: p1[1], c2: null };
  }

  /** Entities of a series alive at sample s, in the order they first appeared. */
  private each(name: SeriesName, s: number, fn: (ident: Val[], v: Val[], e: number, firstS: number) => void): void {
    const cache = this.tb.caches[name] as EntityCache;
    const st = this.states[name];
    const es = [...st.vals.keys()].sort((a, b) => a - b);
    for (const e of es) {
      const ent = cache.entity(e);
      if (alive(ent, s)) fn(ent.ident, st.vals.get(e)!, e, ent.first_s);
      else if (ent.last_s !== null && ent.last_s < s) {
        st.vals.delete(e);
        // The parts of a process in their own tables go with it.
        if (name === 'proc') {
          this.states.procIo.vals.delete(e);
          this.states.procTcp.vals.delete(e);
          this.states.procShim.vals.delete(e);
          this.epochs.delete(e);
        }
      }
    }
  }
}
