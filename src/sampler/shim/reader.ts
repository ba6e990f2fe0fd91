/**
 * Reads the shim's per-process files each tick, the way the process reader reads /proc: each file and its
 * process's /proc/PID/stat are opened once and re-read with pread. Everything is validated (see
 * openEntry and tick) and what does not fit is ignored with one warning. Files of processes that have
 * exited are read one last time and removed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { closeQuietly, isDenied, isGone, preadAll, ReadBuf } from '../procfile';
import { parsePidStat } from '../parse/pid-stat';
import { allUsersShimDirs, checkShimDir, ownShimDirs, ShimDir } from './dirs';
import { SHM_NAME_RE, SHM_SIZE } from './layout';
import { firstRegression, parseShimFile, ShimExpect } from './parse';
import { shimKey, ShimProcSample, ShimTable } from '../../model/shim';

export interface ShimReaderOptions {
  /** Directories to scan. Default: the user's own (ownShimDirs), plus every user's when running as root. */
  dirs?: ShimDir[];
  procRoot?: string;
  /** Remove files whose process has exited (default true). */
  gc?: boolean;
  /** Called once per problem: a refused directory, an invalid file. Default: silent. */
  warn?: (message: string) => void;
}

/** A file without a header after this long is not being created: it is broken. */
const NOT_READY_GRACE_NS = 2_000_000_000n;
/** exec_pending seen on this many consecutive reads: the new image runs without the shim. */
const DETACHED_AFTER_READS = 2;
/** How often a root reader looks for new users' directories. */
const REDISCOVER_NS = 5_000_000_000n;

const O_SHM = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

type State = 'pending' | 'ok' | 'bad' | 'foreign';

interface Entry {
  dir: ShimDir;
  key: string;
  path: string;
  /** The read() that last listed the file. */
  gen: number;
  pid: number;
  start: number;
  fd: number | null;
  statFd: number | null;
  state: State;
  firstNs: bigint;
  /** The last accepted read (for the monotonic check) and a scratch buffer to read into. */
  prev: Buffer | null;
  scratch: Buffer;
  execPendingReads: number;
  /** The sample decoded from prev: reused while the file's bytes do not change (an idle process). */
  last: ShimProcSample | null;
  /** Its parent when the file was opened (null: unknown). */
  ppid: number | null;
}

export class ShimReader {
  private readonly procRoot: string;
  private readonly gc: boolean;
  private readonly warnFn: (message: string) => void;
  private readonly fixedDirs: ShimDir[] | null;
  private dirs: ShimDir[] = [];
  private discoveredAt = -REDISCOVER_NS;
  private readonly entries = new Map<string, Entry>();
  private gen = 0;
  private readonly warned = new Set<string>();
  private readonly statRb = new ReadBuf(16384); // one pread per file: see preadAll
  private readonly pidns: number | null;

  constructor(opts: ShimReaderOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.gc = opts.gc ?? true;
    this.warnFn = opts.warn ?? (() => undefined);
    this.fixedDirs = opts.dirs ?? null;
    let ns: number | null = null;
    try {
      ns = fs.statSync(path.join(this.procRoot, 'self/ns/pid')).ino;
    } catch {
      ns = null;
    }
    this.pidns = ns;
  }

  /** Every valid file's counters, keyed in the result by (pid, start_time). */
  read(now: bigint = process.hrtime.bigint()): ShimTable {
    const procs: ShimProcSample[] = [];
    const parents = new Map<string, number>();
    const gen = ++this.gen;
    for (const dir of this.currentDirs(now)) {
      const problem = checkShimDir(dir);
      if (problem === 'missing') continue;
      if (problem !== null) {
        this.warnOnce(`dir:${dir.path}:${problem}`, `shim directory ${dir.path} ${problem}: ignored`);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(dir.path);
      } catch (err) {
        if (!isGone(err) && !isDenied(err)) throw err;
        continue;
      }
      for (const name of names) {
        // Keyed by directory and name: a known file costs a Map lookup, not a regex and a path.join.
        const key = `${dir.path}\0${name}`;
        let e = this.entries.get(key);
        if (!e) {
          const m = SHM_NAME_RE.exec(name);
          if (!m) continue; // not a file the shim makes (a temp file, an editor's backup): none of our business
          const pid = Number(m[1]);
          const start = Number(m[2]);
          if (!Number.isSafeInteger(start) || pid > 0x7fffffff) continue;
          const opened = this.openEntry(dir, key, path.join(dir.path, name), pid, start, now);
          if (!opened) continue;
          e = opened;
          this.entries.set(key, e);
        }
        e.gen = gen;
        const ppid = e.ppid;
        const s = this.tick(e, now);
        if (s) {
          procs.push(s);
          if (ppid !== null) parents.set(shimKey(s.pid, s.start_time), ppid);
        }
      }
    }
    for (const e of this.entries.values()) {
      if (e.gen !== gen) this.drop(e, false); // removed by someone else
    }
    return { mono_ns: now, procs, parents };
  }

  close(): void {
    for (const e of this.entries.values()) this.drop(e, false);
  }

  private currentDirs(now: bigint): ShimDir[] {
    if (this.fixedDirs) return this.fixedDirs;
    if (now - this.discoveredAt >= REDISCOVER_NS) {
      this.discoveredAt = now;
      const dirs = ownShimDirs();
      if (typeof process.geteuid === 'function' && process.geteuid() === 0) dirs.push(...allUsersShimDirs());
      const byPath = new Map<string, ShimDir>();
      for (const d of dirs) if (!byPath.has(d.path)) byPath.set(d.path, d);
      this.dirs = [...byPath.values()];
    }
    return this.dirs;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnFn(message);
  }

  private refuse(e: Entry, reason: string): void {
    e.state = 'bad';
    closeQuietly(e.fd);
    e.fd = null;
    e.prev = null;
    e.last = null;
    this.warnOnce(`file:${e.path}`, `shim file ${e.path}: ${reason}: ignored`);
  }

  /** The process's start time from its kept /proc/PID/stat fd; null when it has gone. */
  private liveStart(e: Entry): number | null {
    return this.liveStat(e)?.starttime ?? null;
  }

  private liveStat(e: Entry): ReturnType<typeof parsePidStat> {
    if (e.statFd === null) return null;
    let n: number;
    try {
      n = preadAll(e.statFd, this.statRb);
    } catch (err) {
      if (isGone(err) || isDenied(err)) return null;
      throw err;
    }
    return parsePidStat(this.statRb.buf, n);
  }

  /**
   * A new file. Its process must be alive with the same start time (else the file is stale: removed), and
   * the file must be a regular file (O_NOFOLLOW: a planted symlink fails to open) of exactly SHM_SIZE
   * bytes, one link, owned by the directory's user, who must also own the process.
   */
  private openEntry(dir: ShimDir, key: string, file: string, pid: number, start: number, now: bigint): Entry | null {
    const e: Entry = {
      dir,
      key,
      path: file,
      gen: 0,
      pid,
      start,
      fd: null,
      statFd: null,
      state: 'pending',
      firstNs: now,
      prev: null,
      scratch: Buffer.allocUnsafeSlow(SHM_SIZE + 1),
      execPendingReads: 0,
      last: null,
      ppid: null,
    };
    try {
      e.statFd = fs.openSync(path.join(this.procRoot, String(pid), 'stat'), fs.constants.O_RDONLY);
    } catch (err) {
      if (!isGone(err) && !isDenied(err)) throw err;
      if (isGone(err)) this.remove(file);
      return null;
    }
    const st0 = this.liveStat(e);
    e.ppid = st0?.ppid ?? null;
    if (st0?.starttime !== start) {
      // This pid is gone or is now another process: the file's writer has exited.
      closeQuietly(e.statFd);
      this.remove(file);
      return null;
    }
    const procUid = fs.fstatSync(e.statFd).uid;
    let fd: number;
    try {
      fd = fs.openSync(file, O_SHM);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        closeQuietly(e.statFd);
        return null;
      }
      this.refuse(e, code === 'ELOOP' ? 'is a symbolic link' : `cannot open (${code ?? 'error'})`);
      return e;
    }
    e.fd = fd;
    const st = fs.fstatSync(fd);
    if (!st.isFile()) this.refuse(e, 'is not a regular file');
    else if (st.size !== SHM_SIZE) this.refuse(e, `size ${st.size}, expected ${SHM_SIZE}`);
    else if (st.uid !== dir.uid) this.refuse(e, `owned by uid ${st.uid}, not ${dir.uid}`);
    else if (st.nlink !== 1) this.refuse(e, `has ${st.nlink} links`);
    else if (procUid !== dir.uid) this.refuse(e, `process ${pid} belongs to uid ${procUid}, not ${dir.uid}`);
    return e;
  }

  private tick(e: Entry, now: bigint): ShimProcSample | null {
    const live = this.liveStart(e) === e.start;
    if (!live) {
      // Exited (or its pid now names another process). The file holds its final counts: one last read.
      const last = e.state === 'ok' ? this.readFile(e, now) : null;
      this.drop(e, true);
      if (last) last.exited = true;
      return last;
    }
    if (e.state === 'bad' || e.state === 'foreign') return null;
    return this.readFile(e, now);
  }

  private readFile(e: Entry, now: bigint): ShimProcSample | null {
    if (e.fd === null) return null;
    let n: number;
    try {
      n = fs.readSync(e.fd, e.scratch, 0, e.scratch.length, 0);
    } catch (err) {
      this.refuse(e, `read failed (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return null;
    }
    if (e.last && e.prev && n === SHM_SIZE && e.scratch.compare(e.prev, 0, SHM_SIZE, 0, SHM_SIZE) === 0) {
      // Not a byte changed (most processes, most ticks): same counters, already validated.
      if (e.execPendingReads > 0) e.execPendingReads++;
      e.last.attached = e.execPendingReads < DETACHED_AFTER_READS;
      return { ...e.last };
    }
    const expect: ShimExpect = { pid: e.pid, start_time: e.start, pidns: this.pidns };
    const r = parseShimFile(e.scratch, n, expect);
    if (!r.ok) {
      if (r.foreign) {
        e.state = 'foreign';
      } else if (r.notReady && e.prev === null && now - e.firstNs < NOT_READY_GRACE_NS) {
        // Its creator is between creating and publishing it.
      } else {
        this.refuse(e, r.reason);
      }
      return null;
    }
    if (e.prev) {
      const why = firstRegression(e.prev, e.scratch);
      if (why) {
        this.refuse(e, `${why} (counters never go down)`);
        return null;
      }
      const t = e.prev;
      e.prev = e.scratch;
      e.scratch = t;
    } else {
      e.prev = e.scratch;
      e.scratch = Buffer.allocUnsafeSlow(SHM_SIZE + 1);
    }
    e.state = 'ok';
    e.execPendingReads = r.execPending ? e.execPendingReads + 1 : 0;
    r.sample.attached = e.execPendingReads < DETACHED_AFTER_READS;
    e.last = r.sample;
    return { ...r.sample };
  }

  private remove(file: string): void {
    if (!this.gc) return;
    try {
      fs.unlinkSync(file);
    } catch {
      // Already gone, or not ours to remove: either way nothing to do.
    }
  }

  private drop(e: Entry, gone: boolean): void {
    closeQuietly(e.fd);
    closeQuietly(e.statFd);
    e.fd = null;
    e.statFd = null;
    this.entries.delete(e.key);
    if (gone && e.state !== 'foreign') this.remove(e.path);
  }
}
