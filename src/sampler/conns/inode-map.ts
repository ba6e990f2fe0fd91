import * as fs from 'fs';
import { isDenied, isGone } from '../procfile';
import { pidOf } from '../procs';
import { socketInode } from './proc-net';

export interface InodeMapOptions {
  procRoot?: string;
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
  gen: number;
}

export interface RefreshResult {
  /** Every process was checked before the deadline. */
  complete: boolean;
  /** Processes whose fd links were (re-)read this call. */
  reread: number;
  /** readlink calls made. */
  links: number;
}

/**
 * socket inode → the pids holding it, kept up to date incrementally: every tick one stat of
 * /proc/PID/fd per process (its size is the fd count), and the fd links of a process are read again
 * only when it is new, its fd count changed, or it holds sockets and was last read `fullEveryMs` ago
 * (an fd closed and another opened within one tick leave the count unchanged). ss -p instead reads
 * every fd link of every process on every call. An inode may belong to several pids (fork, SCM_RIGHTS).
 */
export class InodeMap {
  private readonly root: string;
  private readonly fullEveryNs: bigint;
  private readonly bySize: boolean;
  private readonly entries = new Map<number, PidEntry>();
  private readonly owners = new Map<number, number[]>();
  private gen = 0;
  /** Where an unfinished sweep resumes: the next tick starts after this pid. */
  private resumeAfter = 0;

  constructor(opts: InodeMapOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.fullEveryNs = BigInt(Math.round((opts.fullEveryMs ?? 10_000) * 1e6));
    this.bySize = probeFdCountBySize(this.root);
  }

  /** The pids holding a socket inode (sorted), or undefined when no visible process holds it. */
  pidsOf(inode: number): readonly number[] | undefined {
    return this.owners.get(inode);
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

  /**
   * One sweep over /proc, stopping once `deadlineNs` has passed (a process in progress is finished:
   * its table is read whole or not at all). An unfinished sweep resumes where it stopped next time.
   */
  refresh(nowNs: bigint, deadlineNs: bigint): RefreshResult {
    const gen = ++this.gen;
    const res: RefreshResult = { complete: true, reread: 0, links: 0 };
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
    for (const pid of pids) {
      const e = this.entries.get(pid);
      if (e) e.gen = gen;
      else this.entries.set(pid, { pid, fdIno: -1, fdCount: -1, socks: [], comm: '', denied: false, readAtNs: 0n, gen });
    }
    for (const e of this.entries.values()) if (e.gen !== gen) this.drop(e);

    let start = pids.findIndex((p) => p > this.resumeAfter);
    if (start < 0) start = 0;
    for (let k = 0; k < pids.length; k++) {
      const pid = pids[(start + k) % pids.length];
      if (k > 0 && process.hrtime.bigint() > deadlineNs) {
        this.resumeAfter = pids[(start + k - 1) % pids.length];
        res.complete = false;
        break;
      }
      const e = this.entries.get(pid);
      if (e) this.check(e, nowNs, res);
    }
    if (res.complete) this.resumeAfter = 0;
    return res;
  }

  private check(e: PidEntry, nowNs: bigint, res: RefreshResult): void {
    const dir = `${this.root}/${e.pid}/fd`;
    let ino: number;
    let count: number;
    try {
      const st = fs.statSync(dir);
      ino = st.ino;
      count = this.bySize ? st.size : -1;
    } catch (err) {
      if (isGone(err)) this.drop(e);
      return;
    }
    let names: string[] | null = null;
    if (!this.bySize) {
      // Before Linux 6.2 the directory's size is 0: count its entries (one getdents, no readlink).
      try {
        names = fs.readdirSync(dir);
        count = names.length;
      } catch (err) {
        if (isGone(err)) return this.drop(e);
        if (!isDenied(err)) throw err;
        count = -2;
      }
    }
    const changed = ino !== e.fdIno || count !== e.fdCount;
    const due = e.socks.length > 0 && nowNs - e.readAtNs >= this.fullEveryNs;
    if (!changed && !due) return;
    e.fdIno = ino;
    e.fdCount = count;
    e.readAtNs = nowNs;
    res.reread++;
    this.reread(e, dir, names, res);
  }

  private reread(e: PidEntry, dir: string, listed: string[] | null, res: RefreshResult): void {
    let names = listed;
    if (names === null) {
      try {
        names = fs.readdirSync(dir);
      } catch (err) {
        if (isGone(err)) return this.drop(e);
        if (!isDenied(err)) throw err;
        names = null;
      }
    }
    const socks: number[] = [];
    e.denied = names === null;
    if (names !== null) {
      for (const n of names) {
        let link: string;
        try {
          link = fs.readlinkSync(`${dir}/${n}`);
        } catch {
          continue; // closed between readdir and readlink
        }
        res.links++;
        const ino = socketInode(link);
        if (ino !== 0) socks.push(ino);
      }
    }
    socks.sort((a, b) => a - b);
    this.setSocks(e, dedupSorted(socks));
    try {
      e.comm = fs.readFileSync(`${this.root}/${e.pid}/comm`, 'utf8').replace(/\n$/, '');
    } catch {
      // gone: the next sweep drops it
    }
  }

  private setSocks(e: PidEntry, socks: number[]): void {
    for (const ino of e.socks) this.removeOwner(ino, e.pid);
    for (const ino of socks) {
      const o = this.owners.get(ino);
      if (o === undefined) this.owners.set(ino, [e.pid]);
      else {
        o.push(e.pid);
        o.sort((a, b) => a - b);
      }
    }
    e.socks = socks;
  }

  private removeOwner(ino: number, pid: number): void {
    const o = this.owners.get(ino);
    if (o === undefined) return;
    const i = o.indexOf(pid);
    if (i >= 0) o.splice(i, 1);
    if (o.length === 0) this.owners.delete(ino);
  }

  private drop(e: PidEntry): void {
    this.setSocks(e, []);
    this.entries.delete(e.pid);
  }
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
