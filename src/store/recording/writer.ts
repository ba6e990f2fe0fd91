/**
 * RecordingWriter: Samples in, SQLite out. WAL with synchronous=NORMAL and one transaction per second, so
 * a crash (SIGKILL included) loses at most the last second and leaves a file that passes integrity_check.
 * Samples are kept in memory until the second is complete, then written in one transaction.
 */
import * as fs from 'fs';
import * as os from 'os';
import Database from 'better-sqlite3';
import { EXIT, VigilError } from '../../infra/errors';
import type { HostInfo, ProcSample, Sample } from '../../model';
import { primeEncoder, rowClocks, Val } from './codec';
import { newRow } from './new-row';
import type { ConnsSample } from '../../model/conns';
import {
  advanceEpoch, flattenCores, flattenDisks, flattenFs, flattenNet, flattenProc, flattenSockProcs, flattenSocks, flattenSys, Item, noSocketTcpVals,
  ProcItem, sameVals, TcpEpoch,
} from './flatten';
import { cannotCreate, RecordingLock } from './lock';
import { planUpgrade, Upgrade } from './migrate';
import { CGROUPS_KEYFRAME_MS, KEY_CGROUPS } from './schema';
import { flattenCgroups } from './cgroup-cols';
import type { CgroupTable } from '../../model/cgroups';
import { APPLICATION_ID, CONNS_KEYFRAME_MS, KEY_CONNS, KEY_PROCS, KEY_SYS, PROC_KEYFRAME_MS, schemaSql, SCHEMA_VERSION, SYS_KEYFRAME_MS } from './schema';
import { SERIES, SERIES_NAMES, SeriesName, splitSys } from './series';
import { SeriesWriter } from './series-writer';
import { flattenShim, NO_SHIM_VALS } from './shim-cols';
import { sqliteCode, writeError } from './sqlite-error';
import { breachKey, BreachRecord, BreachStep, toRow, UPSERT_ALERT_SQL } from '../alerts/table';

export interface WriterOptions {
  host: HostInfo;
  intervalMs: number;
  procIntervalMs: number;
  vigilVersion: string;
  /** Longest span of samples held before a transaction (default 1 s less half a tick, so jitter never makes it 2 ticks). */
  flushEveryMs?: number;
  /** SQLite's max_page_count: a size limit (tests use it to simulate a full disk). */
  maxPageCount?: number;
}

/** A threshold breach as the alerts code hands it over; upserted by (rule, subject, start_t). */
export type { BreachRecord };

const NS_PER_MS = 1_000_000n;
// Keyframe spacings in ns, computed once rather than as BigInts on every tick.
const SYS_KEY_NS = BigInt(SYS_KEYFRAME_MS) * NS_PER_MS;
const PROC_KEY_NS = BigInt(PROC_KEYFRAME_MS) * NS_PER_MS;
const CONNS_KEY_NS = BigInt(CONNS_KEYFRAME_MS) * NS_PER_MS;
const CGROUPS_KEY_NS = BigInt(CGROUPS_KEYFRAME_MS) * NS_PER_MS;
const NO_IDENT: Val[] = newRow();
/** The writer connection's page cache (see the constructor). */
export const WRITER_CACHE_KIB = 1024;

interface PendingStep {
  key: string;
  t: number;
  step: BreachStep;
}

/** A process as the last tick flattened it, and its proc_io item (keyed by its entity id). */
interface ProcFlat {
  item: ProcItem;
  io: Item & { e: number };
}

export class RecordingWriter {
  private readonly series: Record<SeriesName, SeriesWriter>;
  private readonly insertSample: Database.Statement;
  private readonly insertKeyframe: Database.Statement;
  private readonly insertProcTick: Database.Statement;
  private readonly insertConnsTick: Database.Statement;
  private readonly insertCgroupTick: Database.Statement;
  private lastCgroupNs: bigint | null = null;
  private cgroupKeyNs: bigint | null = null;
  private readonly upsertAlert: Database.Statement;
  private readonly insertStep: Database.Statement;
  private buffered: Sample[] = [];
  private pendingAlerts: BreachRecord[] = [];
  private pendingSteps: PendingStep[] = [];
  /** writeBatch in a transaction, made once (better-sqlite3 builds four wrapper functions per call). */
  private readonly commit: (batch: Sample[], alerts: BreachRecord[], steps: PendingStep[]) => void;
  /** The row id of each open breach this session wrote (steps refer to it), by breachKey. */
  private readonly alertIds = new Map<string, number>();
  /** Each open breach's last step written: an evaluation that changed nothing gets no row. */
  private readonly lastSteps = new Map<string, BreachStep>();
  private lastS: number;
  private firstOfSession = true;
  private lastProcNs: bigint | null = null;
  /** The connections read the previous process tick was joined with (its clock; see codec RowClocks). */
  private lastProcConnsNs: bigint | null = null;
  private lastConnsNs: bigint | null = null;
  private lastDenied: string | null = null;
  private connsKeyNs: bigint | null = null;
  /** Per live process entity: the connections reads it was first given (see noSocketTcpVals). */
  private tcpEpochs = new Map<number, TcpEpoch>();
  /**
   * Each ProcSample as it was flattened, by object. The readers hand back the very same object for a
   * process that has not run since its last read (most of them, on an idle machine), so its arrays are
   * reused instead of rebuilt each tick: their values are equal, which is all the codec looks at.
   */
  private flat = new WeakMap<ProcSample, ProcFlat>();
  /** noSocketTcpVals of the last epoch asked for: consecutive processes mostly share one. */
  private noSock: { has: boolean; c1: bigint | null; c2: bigint | null; vals: Val[] } | null = null;
  private sysKeyNs: bigint | null = null;
  private procKeyNs: bigint | null = null;
  private lastFlushNs: bigint | null = null;
  private readonly flushNs: bigint;
  private closed = false;
  private failed = false;
  /** Samples written (committed or in the current transaction) and samples handed over. */
  samples = 0;
  added = 0;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private readonly lock: RecordingLock,
    opts: WriterOptions,
  ) {
    this.flushNs = BigInt(Math.round(opts.flushEveryMs ?? 1000 - opts.intervalMs / 2)) * NS_PER_MS;
    this.series = {} as Record<SeriesName, SeriesWriter>;
    for (const name of SERIES_NAMES) this.series[name] = new SeriesWriter(db, SERIES[name]);
    this.insertSample = db.prepare('INSERT INTO sample (s, t, mono_ns) VALUES (?, ?, ?)');
    this.insertKeyframe = db.prepare('INSERT INTO keyframe (s, what) VALUES (?, ?)');
    this.insertProcTick = db.prepare('INSERT INTO proc_tick (s, age_ns, conns_age_ns) VALUES (?, ?, ?)');
    this.insertConnsTick = db.prepare(
      'INSERT INTO conns_tick (s, age_ns, t, denied, scan_incomplete, malformed, cost_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertCgroupTick = db.prepare('INSERT INTO cgroup_tick (s, age_ns, layout, truncated) VALUES (?, ?, ?, ?)');
    this.upsertAlert = db.prepare(`${UPSERT_ALERT_SQL} RETURNING id`);
    this.insertStep = db.prepare(
      'INSERT OR REPLACE INTO alert_step (alert, t, value, peak, average, samples, clearing) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // SQLite's page cache for this connection, in KiB. better-sqlite3 builds SQLite with 16 MB, and a
    // recorder that only appends kept every page it ever wrote until the cache was full: up to 16 MB of
    // resident memory after an hour (issue 16's budget for all of record is 50 MB). What appending needs
    // is the path to the last page of each table and index, a few hundred KiB; a page evicted and needed
    // again is one pread from the OS's cache.
    db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    if (opts.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(opts.maxPageCount)}`);
    this.lastS = Number((db.prepare('SELECT coalesce(max(s), 0) AS m FROM sample').get() as { m: number }).m);
    primeOnce();
    this.commit = db.transaction((batch: Sample[], alerts: BreachRecord[], steps: PendingStep[]) => this.writeBatch(batch, alerts, steps));
    this.startSession(opts);
  }

  /**
   * Opens FILE for recording, creating it or appending to it. Throws a VigilError before anything is
   * sampled: 73 (directory missing or read-only, or FILE is something else), 75 (another recorder), 74.
   */
  static open(file: string, opts: WriterOptions): RecordingWriter {
    const lock = RecordingLock.acquire(file);
    let db: Database.Database | null = null;
    try {
      const exists = fileSize(file);
      if (exists !== null && exists > 0) db = openExisting(file, opts.host);
      else {
        db = new Database(file);
        create(db, opts);
      }
      return new RecordingWriter(file, db, lock, opts);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // already failing
      }
      lock.release(true);
      if (err instanceof VigilError) throw err;
      if (sqliteCode(err).startsWith('SQLITE_CANTOPEN')) throw cannotCreate(file, { code: 'EACCES' });
      throw writeError(file, err);
    }
  }

  /** Queues a sample; writes the gathered second in one transaction when it is complete. */
  add(sample: Sample): void {
    if (this.closed || this.failed) throw new VigilError(`recording to ${this.file} has stopped`, EXIT.IOERR);
    this.buffered.push(sample);
    this.added++;
    // Measured from the last sample committed: a kill just before a commit loses less than flushNs.
    if (this.lastFlushNs === null || sample.mono_ns - this.lastFlushNs >= this.flushNs) {
      this.lastFlushNs = sample.mono_ns;
      this.flush();
    }
  }

  /** Hands over a breach (begun, updated or ended); it is written with the next second's samples. */
  addBreach(b: BreachRecord): void {
    this.pendingAlerts.push(b);
  }

  /**
   * Hands over an open breach's figures after an evaluation at Snapshot time t (written with the next
   * second's samples, after the breach's own row). Only changes make a row.
   */
  addBreachStep(b: BreachRecord & { value: number | null; clearing: boolean }, t: number): void {
    const fin = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
    const step: BreachStep = { value: fin(b.value), peak: fin(b.peak), average: fin(b.average), samples: Math.max(0, Math.floor(b.samples)), clearing: b.clearing };
    const key = breachKey(b);
    const last = this.lastSteps.get(key);
    if (last !== undefined && last.value === step.value && last.peak === step.peak && last.average === step.average && last.samples === step.samples && last.clearing === step.clearing) return;
    this.lastSteps.set(key, step);
    this.pendingSteps.push({ key, t, step });
  }

  flush(): void {
    if (this.buffered.length === 0 && this.pendingAlerts.length === 0 && this.pendingSteps.length === 0) return;
    const batch = this.buffered;
    const alerts = this.pendingAlerts;
    const steps = this.pendingSteps;
    this.buffered = [];
    this.pendingAlerts = [];
    this.pendingSteps = [];
    try {
      this.commit(batch, alerts, steps);
    } catch (err) {
      this.failed = true;
      throw writeError(this.file, err);
    }
  }

  /** One second's rows: its samples, then the breaches handed over with it and their steps. */
  private writeBatch(batch: Sample[], alerts: BreachRecord[], steps: PendingStep[]): void {
    for (const s of batch) this.writeOne(s);
    for (const a of alerts) {
      const { id } = this.upsertAlert.get(toRow(a)) as { id: number };
      this.alertIds.set(breachKey(a), id);
    }
    for (const { key, t, step } of steps) {
      const id = this.alertIds.get(key);
      if (id !== undefined) this.insertStep.run(id, t, step.value, step.peak, step.average, step.samples, step.clearing ? 1 : 0);
    }
    // Ended breaches take no more steps.
    for (const a of alerts) {
      if (a.end_t === null) continue;
      this.alertIds.delete(breachKey(a));
      this.lastSteps.delete(breachKey(a));
    }
  }

  /** Bytes on disk: the database and its WAL. */
  size(): number {
    return (fileSize(this.file) ?? 0) + (fileSize(`${this.file}-wal`) ?? 0);
  }

  /**
   * A clean end: the last samples, every live entity marked as last seen, then the WAL folded into the
   * file and the file switched to a rollback journal, so that it can be read from a read-only place.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.failed) {
        this.flush();
        this.db.transaction(() => {
          for (const name of SERIES_NAMES) this.series[name].closeAll();
        })();
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        try {
          this.db.pragma('journal_mode = DELETE');
        } catch (err) {
          // A reader has the file open: it stays in WAL mode, still complete and valid.
          if (sqliteCode(err) !== 'SQLITE_BUSY') throw err;
        }
      }
    } catch (err) {
      this.failed = true;
      throw writeError(this.file, err);
    } finally {
      try {
        this.db.close();
      } catch {
        // nothing more can be done; committed data is safe
      }
      this.lock.release();
    }
  }

  /** After a failure: close without writing anything more. */
  abort(): void {
    this.failed = true;
    this.close();
  }

  private startSession(opts: WriterOptions): void {
    const h = opts.host;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO session (first_s, started_t, hostname, kernel, boot_time_s, clk_tck, page_size, ncpu, interval_ms,
             proc_interval_ms, vigil_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(this.lastS + 1, Date.now(), h.hostname, h.kernel, h.boot_time_s, h.clk_tck, h.page_size, h.ncpu, opts.intervalMs, opts.procIntervalMs, opts.vigilVersion);
      setMeta(this.db, {
        kernel: h.kernel,
        boot_time_s: h.boot_time_s,
        interval_ms: opts.intervalMs,
        proc_interval_ms: opts.procIntervalMs,
        vigil_version: opts.vigilVersion,
      });
    })();
  }

  private writeOne(sample: Sample): void {
    const s = ++this.lastS;
    this.insertSample.run(s, sample.t, sample.mono_ns);
    const procs = sample.procs;
    const procTick = procs !== null && procs.mono_ns !== this.lastProcNs;
    const conns = sample.conns;
    const connsTick = conns !== null && conns.mono_ns !== this.lastConnsNs;
    const sysKey = this.firstOfSession || this.sysKeyNs === null || sample.mono_ns - this.sysKeyNs >= SYS_KEY_NS;
    const procKey = procTick && (this.procKeyNs === null || procs.mono_ns - this.procKeyNs >= PROC_KEY_NS);
    const connsKey = connsTick && (this.connsKeyNs === null || conns.mono_ns - this.connsKeyNs >= CONNS_KEY_NS);
    const cg = sample.cgroups ?? null;
    const cgTick = cg !== null && cg.mono_ns !== this.lastCgroupNs;
    const cgKey = cgTick && (this.cgroupKeyNs === null || cg.mono_ns - this.cgroupKeyNs >= CGROUPS_KEY_NS);
    const what = (sysKey ? KEY_SYS : 0) | (procKey ? KEY_PROCS : 0) | (connsKey ? KEY_CONNS : 0) | (cgKey ? KEY_CGROUPS : 0);
    if (what !== 0) this.insertKeyframe.run(s, what);
    if (sysKey) this.sysKeyNs = sample.mono_ns;
    this.firstOfSession = false;
    this.writeSys(s, sample.sys, sysKey);
    if (procTick) this.writeProcs(s, sample.mono_ns, procs, conns, procKey);
    if (connsTick) this.writeConns(s, sample.mono_ns, conns, connsKey);
    if (cgTick) this.writeCgroups(s, sample.mono_ns, cg, cgKey);
    this.samples++;
  }

  /*
   * writeOne's parts are methods of their own: writeOne runs ten times a second and the process tier once,
   * and V8 compiled a writeOne holding everything before the process paths had run, then threw it away
   * when they did (four compiles in the first minute). Each part is now compiled for its own feedback.
   */

  /** The machine-wide series: one row each (or one per core, interface, disk, mount) when it changed. */
  private writeSys(s: number, sys: Sample['sys'], sysKey: boolean): void {
    const [main, avg, snmp] = splitSys(flattenSys(sys));
    this.series.sys.write(s, [{ key: '', ident: NO_IDENT, vals: main }], sysKey);
    this.series.sysAvg.write(s, [{ key: '', ident: NO_IDENT, vals: avg }], sysKey);
    this.series.snmp.write(s, [{ key: '', ident: NO_IDENT, vals: snmp }], sysKey);
    this.series.cpu.write(s, flattenCores(sys.stat.cores), sysKey);
    this.series.net.write(s, flattenNet(sys.net), sysKey);
    this.series.disk.write(s, flattenDisks(sys.disks), sysKey);
    this.series.fs.write(s, flattenFs(sys.fs), sysKey);
  }

  /** One read of the process table: its tick row, then each series of the processes that changed. */
  private writeProcs(s: number, sampleNs: bigint, procs: NonNullable<Sample['procs']>, conns: ConnsSample | null, procKey: boolean): void {
    // The table's clock, and the connections read it was joined with (the table's own when there is none).
    const connsNs = conns?.mono_ns ?? procs.mono_ns;
    this.insertProcTick.run(s, sampleNs - procs.mono_ns, conns === null ? null : procs.mono_ns - conns.mono_ns);
    if (procKey) this.procKeyNs = procs.mono_ns;
    const gap = this.lastProcNs === null ? 0 : Number(procs.mono_ns - this.lastProcNs);
    const connsGap = this.lastProcConnsNs === null ? 0 : Number(connsNs - this.lastProcConnsNs);
    this.lastProcNs = procs.mono_ns;
    this.lastProcConnsNs = connsNs;
    const n = procs.procs.length;
    const items = new Array<ProcItem>(n);
    const flats = new Array<ProcFlat | undefined>(n);
    for (let i = 0; i < n; i++) {
      const p = procs.procs[i];
      flats[i] = this.flat.get(p);
      items[i] = flats[i]?.item ?? flattenProc(p);
    }
    const clocks = rowClocks([procs.mono_ns, connsNs], [gap, connsGap]);
    const es = this.series.proc.write(s, items, procKey, clocks);
    const io = new Array<Item>(n);
    for (let i = 0; i < n; i++) {
      let f = flats[i];
      if (f === undefined || f.io.e !== es[i]) {
        f = { item: items[i], io: { key: String(es[i]), ident: NO_IDENT, vals: items[i].io, e: es[i] } };
        this.flat.set(procs.procs[i], f);
      }
      flats[i] = f;
      io[i] = f.io;
    }
    this.series.procIo.write(s, io, procKey, clocks);
    // A process that has held no socket, not written yet, stays without a proc_tcp row (see noSocketTcpVals).
    const epochs = new Map<number, TcpEpoch>();
    const tcp: Item[] = [];
    for (let i = 0; i < n; i++) {
      const ep = this.tcpEpochs.get(es[i]) ?? { c1: null, c2: null };
      advanceEpoch(ep, conns === null ? null : connsNs);
      epochs.set(es[i], ep);
      const key = flats[i]!.io.key;
      if (!this.series.procTcp.has(key) && sameVals(items[i].tcp, this.noSocketVals(conns !== null, ep))) continue;
      tcp.push({ key, ident: NO_IDENT, vals: items[i].tcp, e: es[i] });
    }
    this.tcpEpochs = epochs;
    this.series.procTcp.write(s, tcp, procKey, clocks);
    // Only processes that run with the vigil run shim have proc_shim rows; one whose file went away while
    // it lived gets a row of NULLs (it reads as having no shim again).
    const shim: Item[] = [];
    for (let i = 0; i < n; i++) {
      const sh = procs.procs[i].shim;
      const key = flats[i]!.io.key;
      if (sh === null && !this.series.procShim.has(key)) continue;
      shim.push({ key, ident: NO_IDENT, vals: sh === null ? [...NO_SHIM_VALS] : flattenShim(sh), e: es[i] });
    }
    this.series.procShim.write(s, shim, procKey, clocks);
  }

  /** noSocketTcpVals(has, ep), built once per distinct epoch (only compared, never stored or changed). */
  private noSocketVals(has: boolean, ep: TcpEpoch): Val[] {
    const m = this.noSock;
    if (m !== null && m.has === has && m.c1 === ep.c1 && m.c2 === ep.c2) return m.vals;
    this.noSock = { has, c1: ep.c1, c2: ep.c2, vals: noSocketTcpVals(has, ep) };
    return this.noSock.vals;
  }

  /** One read of the cgroup tier: its tick row, then the groups that changed. */
  private writeCgroups(s: number, sampleNs: bigint, cg: CgroupTable, key: boolean): void {
    if (key) this.cgroupKeyNs = cg.mono_ns;
    this.lastCgroupNs = cg.mono_ns;
    this.insertCgroupTick.run(s, sampleNs - cg.mono_ns, cg.layout, cg.truncated ? 1 : 0);
    this.series.cgroup.write(s, flattenCgroups(cg), key);
  }

  /** One read of the connections tier: its tick row, then the sockets and processes that changed. */
  private writeConns(s: number, sampleNs: bigint, conns: ConnsSample, key: boolean): void {
    if (key) this.connsKeyNs = conns.mono_ns;
    this.lastConnsNs = conns.mono_ns;
    // Denied pids are usually the same list read after read: stored only when it changes (NULL: unchanged).
    const denied = conns.denied.join(',');
    const deniedCol = key || denied !== this.lastDenied ? denied : null;
    this.lastDenied = denied;
    this.insertConnsTick.run(s, sampleNs - conns.mono_ns, conns.t, deniedCol, conns.scan_incomplete ? 1 : 0, conns.malformed, Number.isFinite(conns.cost_ms) ? conns.cost_ms : 0);
    this.series.sock.write(s, flattenSocks(conns.tcp), key);
    this.series.sockProc.write(s, flattenSockProcs(conns.procs), key);
  }
}

let primed = false;

/** The codec primed once per process (see primeEncoder), by the first writer. */
function primeOnce(): void {
  if (primed) return;
  primed = true;
  primeEncoder();
}

function fileSize(p: string): number | null {
  try {
    return fs.statSync(p).size;
  } catch {
    return null;
  }
}

function setMeta(db: Database.Database, kv: Record<string, unknown>): void {
  const st = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  // meta.value has no type affinity: integers are bound as BigInt so that they are stored as INTEGER, not REAL.
  for (const [k, v] of Object.entries(kv)) {
    st.run(k, v === null || v === undefined ? null : typeof v === 'number' ? (Number.isSafeInteger(v) ? BigInt(v) : v) : String(v));
  }
}

function create(db: Database.Database, opts: WriterOptions): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.transaction(() => {
    db.exec(schemaSql());
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    setMeta(db, {
      schema_version: SCHEMA_VERSION,
      application: 'vigil',
      host: opts.host.hostname,
      created_t: Date.now(),
      created_by: opts.vigilVersion,
    });
  })();
}

/**
 * Appends only to a vigil recording of this host with this schema or an older one (which is upgraded
 * first: see upgrade()); anything else, a newer schema included, is refused untouched.
 */
function openExisting(file: string, host: HostInfo): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw refuse(file, `cannot open it (${sqliteCode(err) || (err as Error).message})`);
  }
  try {
    let appId: number;
    try {
      appId = Number(db.pragma('application_id', { simple: true }));
    } catch (err) {
      const code = sqliteCode(err);
      throw refuse(file, code === 'SQLITE_NOTADB' ? 'it is not a SQLite database' : `it is damaged (${code})`);
    }
    if (appId !== APPLICATION_ID) throw refuse(file, 'it is not a vigil recording');
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw refuse(file, `it was recorded by a newer vigil (schema version ${version}; this vigil writes version ${SCHEMA_VERSION})`);
    }
    if (version < 1) throw refuse(file, `it has an unknown schema version ${version}`);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'host'").get() as { value: unknown } | undefined;
    if (row === undefined) throw refuse(file, 'it has no meta table entry for its host');
    if (String(row.value) !== host.hostname) throw refuse(file, `it was recorded on host '${String(row.value)}', this is '${os.hostname()}'`);
    upgrade(file, db, version);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A previous session that crashed left its entities open: they were last seen on its last sample.
    db.transaction(() => {
      const last = db.prepare('SELECT max(s) AS m FROM sample').get() as { m: number | null };
      for (const name of SERIES_NAMES) {
        const ent = SERIES[name].entity;
        if (ent !== null) db.prepare(`UPDATE ${ent.table} SET last_s = ? WHERE last_s IS NULL`).run(last.m ?? 0);
      }
    })();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * An older file (or one that lost a column) gets what this vigil's schema adds, in one transaction
 * (migrate.ts); a file of this version with every column is left as it is.
 */
function upgrade(file: string, db: Database.Database, version: number): void {
  let plan: Upgrade;
  try {
    plan = planUpgrade(db);
  } catch (err) {
    throw refuse(file, `it has schema version ${version} and cannot be upgraded to ${SCHEMA_VERSION}: ${(err as Error).message}`);
  }
  if (plan.statements.length === 0 && version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const sql of plan.statements) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    const meta: Record<string, unknown> = { schema_version: SCHEMA_VERSION };
    if (version !== SCHEMA_VERSION) meta.upgraded_from = version;
    setMeta(db, meta);
  })();
}

function refuse(file: string, why: string): VigilError {
  return new VigilError(`refusing to append to ${file}: ${why}`, EXIT.CANTCREAT);
}
