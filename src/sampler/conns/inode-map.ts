import * as fs from 'fs';
import { isDenied, isGone } from '../procfile';
import { pidOf } from '../pid';
import { socketInode } from './proc-net';

/**
 * The native core's fd scan (native/sampler/fdsocks.c): the same stat and the same readdir + readlink as
 * this file's TypeScript path, without a string or a Stats object per call.
 */
export interface FdScanNative {
  /** 0: out = [st_ino, st_size]; 1: gone; 2: another error. */
  fdStat(dir: string, out: Float64Array): number;
  /**
   * The table as (fd, socket inode or 0) pairs, fds ascending; an fd in prev's first nPrev pairs keeps its
   * inode unread. n >= 0: out[0] = links read, out[1..2n] the pairs; -1 denied; -2 gone; -3 another
   * error; -(4 + need): out holds fewer than need pairs.
   */
  fdTable(dir: string, prev: Float64Array, nPrev: number, out: Float64Array): number;
  /**
   * The links of the first n fd numbers of fds, without listing the directory: out[i] = socket inode, 0 for
   * another file, -1 for no such fd. Returns the links read; -1 denied; -2 gone; -3 another error. Absent
   * from addons built before it (the TypeScript readlinks then).
   */
  fdProbe?(dir: string, fds: Float64Array, n: number, out: Float64Array): number;
}

export interface InodeMapOptions {
  procRoot?: string;
  /** Do the fd scan's I/O in the native core; null or absent: in TypeScript (the reference, VIGIL_SAMPLER=ts). */
  native?: FdScanNative | null;
  /** A process holding sockets has its fd links re-read at least this often even if its fd count did not move. */
  fullEveryMs?: number;
}

/** What vigil knows of one process's fd table. */
interface PidEntry {
  pid: number;
  /**
   * st_ino of /proc/PID/fd. A new process under a reused pid gets a new proc inode, so a change means
   * "read again" (an evicted and re-created dentry also changes it: a harmless extra read).
   */
  fdIno: number;
  /** Open fds as stat reports them (st_size of /proc/PID/fd on Linux 6.2+), or by counting the directory. */
  fdCount: number;
  /** Socket inodes among the fds at the last read. */
  socks: number[];
  comm: string;
  denied: boolean;
  readAtNs: bigint;
  /** Bumped when /proc/PID/fd's inode changes: possibly another process under the same pid. */
  epoch: number;
  /** The table at its last read: (fd, socket inode or 0) pairs, fds ascending; null before one or when denied. */
  table: Float64Array | null;
  /** When the table was last read whole. */
  fullAtNs: bigint;
  /** Read in part (only fds with new numbers) since it was last read whole. */
  partial: boolean;
  /** The fd count at the last stat (fdCount is the one at the last read): a table put off keeps both. */
  statCount: number;
  /** Reads of this process's fd table (each lists the directory), whole or in part, since it was first seen. */
  listings: number;
}

/**
 * A table of at least this many fds whose count moved has only its new fd numbers read. The rest of its
 * links are what they were, unless a number was closed and reused in between: such a table is read whole
 * once fullEveryMs has passed, and at once when a new connection is found nowhere else (ConnsReader).
 * Smaller tables are always read whole. A table of 1,000 fds costs about 3 ms whole (3 µs a link).
 */
export const PARTIAL_MIN_FDS = 256;
const NO_TABLE = new Float64Array(0);

export interface RefreshResult {
  /** The sweep reached the end of its process list (for checkHolders: every holder was checked). */
  complete: boolean;
  /** Processes whose fd links were (re-)read this call. */
  reread: number;
  /** readlink calls made. */
  links: number;
  /** fd tables read (each a listing of the directory: getdents), and the fds in them. */
  listings: number;
  listed: number;
}

export interface SweepOptions {
  /** Start a new pass over a fresh listing of /proc instead of continuing the current one. */
  fresh?: boolean;
  /** Check at most this many processes in this call (a rolling sweep spread over several ticks). */
  maxPids?: number;
  /**
   * Read whole every table read in part since its last whole read, and every table read (ConnsReader's
   * last resort for a new connection found nowhere else).
   */
  whole?: boolean;
  /**
   * Skip the processes already read at this same `nowNs` (by checkHolders or an earlier slice of the same
   * read): their tables were read after the dump that asks, so a second read finds no socket of it.
   */
  once?: boolean;
  /**
   * What to do with a large table (PARTIAL_MIN_FDS+) whose count moved and that would be read in part
   * (a listing of the whole directory and the links of its new fd numbers):
   *   'now' (the default): read it in part when the pass reaches it;
   *   'due': leave it unread until its last read is fullEveryMs old (the background sweep: with every socket
   *          of the dump attributed, such a read can only bring UDP and Unix counts, and the reader's chase
   *          reads it when a new TCP socket needs it);
   *   'last': read it after every other process of the pass, those whose count grew first, newest (highest
   *          pid) first, stopping as soon as `until` says so (the chase: a new client socket is most often a
   *          new or small process's, and a listing of a big table costs as much as a few hundred stats).
   */
  big?: 'now' | 'due' | 'last';
  /** With big: 'last', checked after each large table read or probed: true ends the call (the pass stays open). */
  until?: () => boolean;
  /**
   * With big: 'last', the sockets of the dump: the large tables put off are first probed (see probePids),
   * grown and newest first, before any of them is listed.
   */
  live?: (inode: number) => boolean;
}

/** Fd numbers probed per table: the lowest free ones below its highest, and as many above it. */
const PROBE_HOLES = 8;
/** ...and at most this many fds whose socket left the dump. */
const PROBE_DEAD = 48;

/** check()'s answer for a large changed table that `big` put off. */
const PUT_OFF = 1;

/**
 * socket inode → the pids holding it, kept up to date incrementally. Checking a process costs one
 * stat of /proc/PID/fd (its size is the fd count, its inode number changes with a reused pid); its
 * fd links are read again only when it is new, its count or inode changed, or it holds sockets (or was
 * read in part) and was last read whole `fullEveryMs` ago (an fd closed and another opened between two
 * checks leave the count unchanged). A large table is read in part (see PARTIAL_MIN_FDS), or put off (see
 * SweepOptions.big). ss -p instead reads every fd link of every process on every call. An inode may belong
 * to several pids (fork, SCM_RIGHTS). The caller decides what to check when: see ConnsReader.
 */
export class InodeMap {
  private readonly root: string;
  private readonly fullEveryNs: bigint;
  private readonly bySize: boolean;
  private readonly native: FdScanNative | null;
  private readonly st = new Float64Array(2);
  private tableOut = new Float64Array(1 + 2 * 256);
  private readonly entries = new Map<number, PidEntry>();
  private readonly owners = new Map<number, number[]>();
  /** The current pass: a sorted listing of /proc and how far it got. */
  private pass: number[] | null = null;
  private cursor = 0;
  /** The current pass's large changed tables put off to its end (big: 'last'), and how far their reading got. */
  private later: PidEntry[] = [];
  private laterCursor = -1;
  /** hrtime of the current (or last) pass's listing of /proc: a process started after it is not in the pass. */
  passListedNs = -1n;
  /** Processes whose fd table was read since the last takeReread(). */
  private rereadPids: number[] = [];

  constructor(opts: InodeMapOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.fullEveryNs = BigInt(Math.round((opts.fullEveryMs ?? 30_000) * 1e6));
    this.bySize = probeFdCountBySize(this.root);
    const n = opts.native;
    this.native = n && typeof n.fdStat === 'function' && typeof n.fdTable === 'function' ? n : null;
  }

  /** The pids holding a socket inode (sorted; never mutated afterwards), or undefined when no visible process holds it. */
  pidsOf(inode: number): readonly number[] | undefined {
    return this.owners.get(inode);
  }

  /** Identity of the process behind a pid as far as this map can tell (see PidEntry.epoch); -1 if unknown. */
  epochOf(pid: number): number {
    return this.entries.get(pid)?.epoch ?? -1;
  }

  /** How many times the fd directory of pid was listed since this map first saw it; -1 for a pid it does not know. */
  listingsOf(pid: number): number {
    return this.entries.get(pid)?.listings ?? -1;
  }

  /** Processes whose fd directory is not readable by us (other users' processes without root), sorted. */
  denied(): number[] {
    const out: number[] = [];
    for (const e of this.entries.values()) if (e.denied) out.push(e.pid);
    return out.sort((a, b) => a - b);
  }

  /** Every process with at least one socket: pid, comm and its socket inodes. */
  *holders(): IterableIterator<{ pid: number; comm: string; socks: readonly number[] }> {
    for (const e of this.entries.values()) if (e.socks.length > 0) yield e;
  }

  /** The pids whose fd tables were read since the last call (their socket lists changed or were confirmed). */
  takeReread(): number[] {
    const r = this.rereadPids;
    this.rereadPids = [];
    return r;
  }

  /**
   * Checks the processes already known to hold sockets: where a new connection most often belongs (a
   * server accepting). No listing of /proc. Stops once `deadlineNs` has passed. `whole`: as SweepOptions.whole.
   * `skipBig`: a large table that would be read in part is not read (a sweep with big: 'last' reads it last).
   */
  checkHolders(nowNs: bigint, deadlineNs: bigint, whole = false, skipBig = false): RefreshResult {
    const res: RefreshResult = { complete: true, reread: 0, links: 0, listings: 0, listed: 0 };
    const holders: PidEntry[] = [];
    for (const e of this.entries.values()) if (e.socks.length > 0) holders.push(e);
    for (let k = 0; k < holders.length; k++) {
      if (k > 0 && process.hrtime.bigint() > deadlineNs) {
        res.complete = false;
        break;
      }
      this.check(holders[k], nowNs, res, whole, skipBig ? 'last' : 'now');
    }
    return res;
  }

  /**
   * Checks the given pids (those this map knows), their changed tables read whole. With `live`, each table
   * is read whether its count moved or not (a server that closed a connection and accepted another keeps
   * its count), and a large one in part: its new fd numbers, and the fds whose socket `live` does not
   * have any more (a number closed and reused for the new socket), the rest unread.
   */
  checkPids(pids: Iterable<number>, nowNs: bigint, live?: (inode: number) => boolean): RefreshResult {
    const res: RefreshResult = { complete: true, reread: 0, links: 0, listings: 0, listed: 0 };
    for (const pid of pids) {
      const e = this.entries.get(pid);
      if (e !== undefined) this.check(e, nowNs, res, live === undefined, 'now', live);
    }
    return res;
  }

  /**
   * Probes the large tables (PARTIAL_MIN_FDS+) of the given pids (those this map knows, read before, same
   * process since): only the
   * fd numbers a new socket most likely took are read, with no listing of the directory: the fds whose
   * socket `live` (the dump's sockets) does not have any more, the lowest numbers free at the last read,
   * and the numbers above its highest. What a probe finds is true at that moment and goes into the table
   * (read in part since: its whole read follows fullEveryMs after the last). A socket it misses is left to
   * the reads that list.
   */
  probePids(pids: Iterable<number>, live: (inode: number) => boolean): RefreshResult {
    const res: RefreshResult = { complete: true, reread: 0, links: 0, listings: 0, listed: 0 };
    for (const pid of pids) {
      const e = this.entries.get(pid);
      if (e !== undefined) this.probe(e, live, res);
    }
    return res;
  }

  /** See probePids. */
  private probe(e: PidEntry, live: (inode: number) => boolean, res: RefreshResult): void {
    const table = e.table;
    // A small table is read whole as cheaply (a listing and a link per fd): only large ones are probed.
    if (table === null || e.denied || table.length < 2 * PARTIAL_MIN_FDS) return;
    const dir = `${this.root}/${e.pid}/fd`;
    // Another process under the pid since: nothing to probe (the next check reads it whole).
    let ino: number;
    if (this.native !== null) {
      if (this.native.fdStat(dir, this.st) !== 0) return;
      ino = this.st[0];
    } else {
      try {
        ino = fs.statSync(dir).ino;
      } catch {
        return;
      }
    }
    if (ino !== e.fdIno) return;
    const fds = probeCandidates(table, live);
    const got = new Float64Array(fds.length);
    let links: number;
    if (this.native !== null && typeof this.native.fdProbe === 'function') links = this.native.fdProbe(dir, fds, fds.length, got);
    else links = tsProbe(dir, fds, got);
    if (links < 0) return; // denied or gone: the next check says which
    res.links += links;
    // The table with what the probe found: fds closed dropped, the others' links replaced.
    const m = new Map<number, number>();
    for (let i = 0; i < table.length; i += 2) m.set(table[i], table[i + 1]);
    let moved = false;
    for (let i = 0; i < fds.length; i++) {
      const was = m.get(fds[i]);
      if (got[i] < 0) {
        if (was !== undefined) m.delete(fds[i]);
      } else if (was !== got[i]) m.set(fds[i], got[i]);
      else continue;
      moved = true;
    }
    if (!moved) return;
    const order = [...m.keys()].sort((a, b) => a - b);
    const next = new Float64Array(2 * order.length);
    for (let i = 0; i < order.length; i++) {
      next[2 * i] = order[i];
      next[2 * i + 1] = m.get(order[i]) as number;
    }
    e.table = next;
    e.partial = true;
    const socks: number[] = [];
    for (let i = 1; i < next.length; i += 2) if (next[i] !== 0) socks.push(next[i]);
    socks.sort((a, b) => a - b);
    this.setSocks(e, dedupSorted(socks));
    this.rereadPids.push(e.pid);
  }

  /**
   * Continues the pass over every process (or starts one on a fresh listing of /proc), stopping once
   * `deadlineNs` has passed or `maxPids` were checked; a process in progress is finished (its table
   * is read whole or not at all). `complete` says the pass reached its end; the next call starts anew.
   */
  sweep(nowNs: bigint, deadlineNs: bigint, opts: SweepOptions = {}): RefreshResult {
    const res: RefreshResult = { complete: false, reread: 0, links: 0, listings: 0, listed: 0 };
    if (opts.fresh || this.pass === null) this.startPass();
    const pass = this.pass as number[];
    const max = opts.maxPids ?? Infinity;
    const big = opts.big ?? 'now';
    const whole = opts.whole === true;
    let k = 0;
    for (; this.cursor < pass.length; k++) {
      if (k > 0 && (k >= max || process.hrtime.bigint() > deadlineNs)) return res;
      const e = this.entries.get(pass[this.cursor++]);
      if (e && !(opts.once && e.readAtNs === nowNs && (!whole || e.fullAtNs === nowNs))) {
        if (this.check(e, nowNs, res, whole, big) === PUT_OFF) this.later.push(e);
      }
    }
    // Those put off by big: 'last', in the order a new socket is likeliest in: grown tables first, newest first.
    // (A pass started by one kind of sweep and ended by another reads them only under 'last'.)
    // With `live`, they are all probed first (a few links each, no listing), then read in the same order.
    if (big === 'last' && this.later.length > 0) {
      const n = this.later.length;
      if (this.laterCursor < 0) {
        this.later.sort((a, b) => Number(b.statCount > b.fdCount) - Number(a.statCount > a.fdCount) || b.pid - a.pid);
        this.laterCursor = opts.live === undefined ? n : 0;
      }
      for (; this.laterCursor < 2 * n; k++) {
        if (k > 0 && (k >= max || process.hrtime.bigint() > deadlineNs)) return res;
        const i = this.laterCursor++;
        const e = this.later[i % n];
        if (this.entries.get(e.pid) !== e) continue; // gone since
        const before = res.reread + res.links;
        if (i < n) this.probe(e, opts.live!, res);
        else this.check(e, nowNs, res, whole, 'now');
        if (res.reread + res.links > before && opts.until?.() === true) return res;
      }
    }
    res.complete = true;
    this.pass = null;
    return res;
  }

  /** A pass is under way (a sweep stopped before its end). */
  get inPass(): boolean {
    return this.pass !== null;
  }

  /** Processes in the current pass (for sizing a rolling sweep). */
  get passLength(): number {
    if (this.pass === null) this.startPass();
    return (this.pass as number[]).length;
  }

  /** Lists /proc: new pids get an entry (read on their first check), vanished ones are dropped. */
  private startPass(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      names = [];
    }
    const pids: number[] = [];
    for (const n of names) {
      const pid = pidOf(n);
      if (pid > 0) pids.push(pid);
    }
    pids.sort((a, b) => a - b);
    const live = new Set(pids);
    for (const e of this.entries.values()) if (!live.has(e.pid)) this.drop(e);
    for (const pid of pids) {
      if (!this.entries.has(pid)) {
        this.entries.set(pid, {
          pid,
          fdIno: -1,
          fdCount: -1,
          socks: [],
          comm: '',
          denied: false,
          readAtNs: 0n,
          epoch: 0,
          table: null,
          fullAtNs: 0n,
          partial: false,
          statCount: -1,
          listings: 0,
        });
      }
    }
    this.pass = pids;
    this.passListedNs = process.hrtime.bigint();
    this.cursor = 0;
    this.later = [];
    this.laterCursor = -1;
  }

  /**
   * `whole`: a table read (changed, due, or read in part since its last whole read) is read whole. `big`: see
   * SweepOptions.big; 'last' answers PUT_OFF instead of reading such a table.
   */
  private check(e: PidEntry, nowNs: bigint, res: RefreshResult, whole: boolean, big: 'now' | 'due' | 'last', live?: (inode: number) => boolean): number {
    const dir = `${this.root}/${e.pid}/fd`;
    let ino: number;
    let count: number;
    if (this.native !== null) {
      const r = this.native.fdStat(dir, this.st);
      if (r !== 0) {
        if (r === 1) this.drop(e);
        return 0;
      }
      ino = this.st[0];
      count = this.bySize ? this.st[1] : -1;
    } else {
      try {
        const st = fs.statSync(dir);
        ino = st.ino;
        count = this.bySize ? st.size : -1;
      } catch (err) {
        if (isGone(err)) this.drop(e);
        return 0;
      }
    }
    let names: string[] | null = null;
    if (!this.bySize && big === 'due' && this.putOffUncounted(e, ino, nowNs)) return 0;
    if (!this.bySize) {
      // Before Linux 6.2 the directory's size is 0: count its entries (one getdents, no readlink).
      try {
        names = fs.readdirSync(dir);
        count = names.length;
      } catch (err) {
        if (isGone(err)) {
          this.drop(e);
          return 0;
        }
        if (!isDenied(err)) throw err;
        count = -2;
      }
    }
    const reused = ino !== e.fdIno;
    const changed = reused || count !== e.fdCount;
    if (e.fdIno !== -1 && reused) e.epoch++;
    const due = (e.socks.length > 0 || e.partial) && nowNs - e.fullAtNs >= this.fullEveryNs;
    const finish = whole && e.partial;
    e.statCount = count;
    if (!changed && !due && !finish && live === undefined) return 0;
    let prev = whole || reused || due || e.table === null || count < PARTIAL_MIN_FDS ? NO_TABLE : e.table;
    if (live !== undefined && prev !== NO_TABLE) prev = keepLive(prev, live);
    if (prev !== NO_TABLE) {
      if (big === 'last') return PUT_OFF;
      if (big === 'due' && nowNs - e.readAtNs < this.fullEveryNs) return 0;
    }
    e.fdIno = ino;
    e.fdCount = count;
    e.readAtNs = nowNs;
    res.reread++;
    this.rereadPids.push(e.pid);
    // (Before Linux 6.2 every check lists the directory to count it; those listings are not counted here.)
    e.listings++;
    res.listings++;
    const table = this.native !== null ? this.nativeTable(dir, prev, res) : this.tsTable(dir, names, prev, res);
    if (table === 'gone') {
      this.drop(e);
      return 0;
    }
    if (table !== null) res.listed += table.length / 2;
    e.denied = table === null;
    e.table = table;
    e.partial = prev.length > 0;
    if (prev.length === 0) e.fullAtNs = nowNs;
    this.setRead(e, table);
    return 0;
  }

  /**
   * Before Linux 6.2 counting a table is a listing: under big: 'due', a large table of the same process
   * that is not due for a read would be put off whatever its count, so it is not counted either.
   */
  private putOffUncounted(e: PidEntry, ino: number, nowNs: bigint): boolean {
    if (e.table === null || e.fdCount < PARTIAL_MIN_FDS || ino !== e.fdIno) return false;
    const due = (e.socks.length > 0 || e.partial) && nowNs - e.fullAtNs >= this.fullEveryNs;
    return !due && nowNs - e.readAtNs < this.fullEveryNs;
  }

  /** The table of dir read in TypeScript (the reference): null when denied, 'gone' when the process is. */
  private tsTable(dir: string, listed: string[] | null, prev: Float64Array, res: RefreshResult): Float64Array | null | 'gone' {
    let names = listed;
    if (names === null) {
      try {
        names = fs.readdirSync(dir);
      } catch (err) {
        if (isGone(err)) return 'gone';
        if (!isDenied(err)) throw err;
        return null;
      }
    }
    const fds: number[] = [];
    const inos = new Map<number, number>();
    for (const n of names) {
      if (!/^\d+$/.test(n)) continue;
      const fd = Number(n);
      let ino = tableIno(prev, fd);
      if (ino < 0) {
        let link: string;
        try {
          link = fs.readlinkSync(`${dir}/${n}`);
        } catch (err) {
          // A refused link (a process that may be listed but not inspected) refuses them all: denied.
          if (isDenied(err)) return null;
          continue; // closed between readdir and readlink
        }
        res.links++;
        ino = socketInode(link);
      }
      fds.push(fd);
      inos.set(fd, ino);
    }
    fds.sort((a, b) => a - b);
    const table = new Float64Array(2 * fds.length);
    for (let i = 0; i < fds.length; i++) {
      table[2 * i] = fds[i];
      table[2 * i + 1] = inos.get(fds[i]) as number;
    }
    return table;
  }

  /** The table of dir through the native core: null when denied, 'gone' when the process is. */
  private nativeTable(dir: string, prev: Float64Array, res: RefreshResult): Float64Array | null | 'gone' {
    let n = this.native!.fdTable(dir, prev, prev.length / 2, this.tableOut);
    // More fds than room: again with room for twice as many (the table may still be growing).
    while (n <= -4) {
      this.tableOut = new Float64Array(1 + 4 * (-n - 4));
      n = this.native!.fdTable(dir, prev, prev.length / 2, this.tableOut);
    }
    if (n === -2) return 'gone';
    if (n === -1) return null;
    if (n === -3) throw new Error(`cannot read ${dir}`);
    res.links += this.tableOut[0];
    return this.tableOut.slice(1, 1 + 2 * n);
  }

  /** A process's fd table was read (or found denied: null): its sockets and its comm. */
  private setRead(e: PidEntry, table: Float64Array | null): void {
    const socks: number[] = [];
    if (table !== null) for (let i = 1; i < table.length; i += 2) if (table[i] !== 0) socks.push(table[i]);
    socks.sort((a, b) => a - b);
    this.setSocks(e, dedupSorted(socks));
    try {
      e.comm = fs.readFileSync(`${this.root}/${e.pid}/comm`, 'utf8').replace(/\n$/, '');
    } catch {
      // gone: the next sweep drops it
    }
  }

  /**
   * Replaces a process's socket list, touching only the inodes that came or went (both lists are
   * sorted). Owner arrays are never mutated, only replaced: samples hand them out as `pids`.
   */
  private setSocks(e: PidEntry, socks: number[]): void {
    const old = e.socks;
    let i = 0;
    let j = 0;
    while (i < old.length || j < socks.length) {
      if (j >= socks.length || (i < old.length && old[i] < socks[j])) this.removeOwner(old[i++], e.pid);
      else if (i >= old.length || socks[j] < old[i]) this.addOwner(socks[j++], e.pid);
      else {
        i++;
        j++;
      }
    }
    e.socks = socks;
  }

  private addOwner(ino: number, pid: number): void {
    const o = this.owners.get(ino);
    this.owners.set(ino, o === undefined ? [pid] : [...o, pid].sort((a, b) => a - b));
  }

  private removeOwner(ino: number, pid: number): void {
    const o = this.owners.get(ino);
    if (o === undefined) return;
    const rest = o.filter((p) => p !== pid);
    if (rest.length === 0) this.owners.delete(ino);
    else this.owners.set(ino, rest);
  }

  private drop(e: PidEntry): void {
    this.setSocks(e, []);
    this.entries.delete(e.pid);
  }
}

/** The inode an (fd, inode) table holds for fd, or -1 when fd is not in it (fds ascending). */
function tableIno(table: Float64Array, fd: number): number {
  let lo = 0;
  let hi = table.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const f = table[2 * mid];
    if (f === fd) return table[2 * mid + 1];
    if (f < fd) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** The (fd, inode) pairs of table but those holding a socket that `live` does not have, which are read again. */
function keepLive(table: Float64Array, live: (inode: number) => boolean): Float64Array {
  let n = 0;
  const out = new Float64Array(table.length);
  for (let i = 0; i < table.length; i += 2) {
    if (table[i + 1] !== 0 && !live(table[i + 1])) continue;
    out[n++] = table[i];
    out[n++] = table[i + 1];
  }
  return n === table.length ? table : out.subarray(0, n);
}

/**
 * The fd numbers a new socket most likely took in a table read before (fds ascending): the fds whose socket
 * is not live any more (a closed connection's number, reused), the lowest numbers free at the read (the
 * kernel gives the lowest free number), and the numbers just above its highest.
 */
function probeCandidates(table: Float64Array, live: (inode: number) => boolean): Float64Array {
  const out: number[] = [];
  let dead = 0;
  let holes = 0;
  let next = 0;
  for (let i = 0; i < table.length; i += 2) {
    const fd = table[i];
    for (; next < fd && holes < PROBE_HOLES; next++, holes++) out.push(next);
    next = fd + 1;
    const ino = table[i + 1];
    if (ino !== 0 && !live(ino) && dead < PROBE_DEAD) {
      out.push(fd);
      dead++;
    }
  }
  for (let i = 0; i < PROBE_HOLES; i++) out.push(next + i);
  return Float64Array.from(out.sort((a, b) => a - b));
}

/** fdProbe in TypeScript (the reference): the same readlinks. */
function tsProbe(dir: string, fds: Float64Array, out: Float64Array): number {
  let links = 0;
  for (let i = 0; i < fds.length; i++) {
    let link: string;
    try {
      link = fs.readlinkSync(`${dir}/${fds[i]}`);
    } catch (err) {
      if (isDenied(err)) return -1;
      out[i] = -1;
      continue;
    }
    links++;
    out[i] = socketInode(link);
  }
  return links;
}

/** Two fds of one process can hold the same socket (dup): count it once. */
function dedupSorted(a: number[]): number[] {
  let w = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) a[w++] = a[i];
  a.length = w;
  return a;
}

/** Linux 6.2+ reports the number of open fds as the size of /proc/PID/fd; a fixture directory does not. */
function probeFdCountBySize(root: string): boolean {
  if (root !== '/proc') return false;
  try {
    // A real /proc/self/fd has at least stdin..stderr open; a kernel before 6.2 reports 0.
    const size = fs.statSync('/proc/self/fd').size;
    return size > 0 && size < 1 << 24;
  } catch {
    return false;
  }
}
