import * as fs from 'fs';
import type { CgroupLayout, CgroupSample, CgroupTable } from '../../model/cgroups';
import type { FdBudget } from '../fdbudget';
import { ReadBuf, readOnce } from '../procfile';
import { cgroupFdBudget, DIR_FD, DirFds, dropAll, dropFd, isCgroupFs, readKept, subdirCount } from './keptfds';
import { sampleGroup } from './group';
import { detectLayout, Hierarchy } from './layout';

/**
 * The walk's budget: breadth-first from the root, at most MAX_DEPTH levels below it and MAX_GROUPS groups
 * in all (the union of every hierarchy's paths). What lies beyond is left out and the table says so
 * (truncated): the top of the tree, where services, containers and sessions sit, is always read.
 */
export const CGROUP_MAX_DEPTH = 8;
export const CGROUP_MAX_GROUPS = 1000;
/**
 * Reads between two looks at the tree. Listing costs a readdir per group and hierarchy (as much as
 * reading a third of its files, measured here); groups come and go seldom, so every 5th read (a new group
 * shows within 5 s at the default interval) the tree is checked, and listed again only if it changed: on
 * a cgroup filesystem, where each directory's link count is 2 + its subgroups (one fstat of a kept fd)
 * and a v2 group's files follow its cgroup.controllers (one pread), a look costs a tenth of a listing. It
 * is listed at once after a group it read has gone, and in full every CGROUP_LIST_EVERY reads whatever
 * the checks say.
 */
export const CGROUP_REWALK_EVERY = 5;
export const CGROUP_LIST_EVERY = 60;

export interface CgroupTierOptions {
  /** Where the hierarchies are mounted (default /sys/fs/cgroup): a fixture tree in tests. */
  root?: string;
  maxDepth?: number;
  maxGroups?: number;
  /** USER_HZ, for v1 cpuacct.stat (only read when cpuacct.usage_user is absent). */
  clkTck?: number;
  /** Reads between two listings of the tree (default CGROUP_REWALK_EVERY; 1 lists it at every read). */
  rewalkEvery?: number;
  /** Reads between two full listings (default CGROUP_LIST_EVERY; 1 lists the tree at every look). */
  listEvery?: number;
  /** How many fds the tier may keep open (default: cgroupFdBudget()); 0 reads every file with open + read + close. */
  maxKeptFds?: number;
}

export interface CgroupNode {
  path: string;
  depth: number;
  /** The hierarchies this path exists in. */
  in: Hierarchy[];
  /**
   * The files of its directory in each hierarchy, from the listing the walk makes anyway: a file the
   * group lacks (a controller not enabled for it, an older kernel) is never opened, which on a hybrid
   * layout is most of the unified tree's files.
   */
  files: Map<Hierarchy, Set<string>>;
  /** Kept fds of its files, per hierarchy on a cgroup filesystem (keptfds.ts); carried over to the next listing. */
  fds: Map<Hierarchy, DirFds>;
  /** Per hierarchy, the subdirectories the listing saw (kept or left out by the budget alike). */
  subdirs: Map<Hierarchy, number>;
  /** Per v2 hierarchy, its cgroup.controllers when listed: which controllers' files the directory has. */
  controllers: Map<Hierarchy, string | null>;
  /** A file the listing named could not be read: the group has gone since. */
  gone?: boolean;
}

/**
 * Reads the cgroup tree: every group's CPU, throttling, memory, I/O, pids and pressure files, as raw
 * counters, through kept fds on a cgroup filesystem (keptfds.ts). The layout is detected once; the tree
 * is looked at every `rewalkEvery` reads and listed again when it changed, after a group has gone (groups
 * come and go with services and containers) and every `listEvery` reads. Missing or unreadable files give
 * null figures, never a throw.
 */
export class CgroupReader {
  readonly root: string;
  readonly layout: CgroupLayout;
  readonly maxDepth: number;
  readonly maxGroups: number;
  protected readonly hierarchies: Hierarchy[];
  protected readonly clkTck: number;
  private readonly rb = new ReadBuf(8192);
  private readonly rewalkEvery: number;
  private readonly listEvery: number;
  /** Hierarchies on a real cgroup filesystem: their files are read through kept fds. */
  protected readonly keep: Set<Hierarchy>;
  protected readonly budget: FdBudget;
  private tree: { nodes: CgroupNode[]; truncated: boolean } | null = null;
  private sinceWalk = 0;
  private sinceList = 0;

  constructor(opts: CgroupTierOptions = {}) {
    this.root = opts.root ?? '/sys/fs/cgroup';
    this.maxDepth = opts.maxDepth ?? CGROUP_MAX_DEPTH;
    this.maxGroups = opts.maxGroups ?? CGROUP_MAX_GROUPS;
    this.clkTck = opts.clkTck ?? 100;
    this.rewalkEvery = Math.max(1, opts.rewalkEvery ?? CGROUP_REWALK_EVERY);
    this.listEvery = Math.max(1, opts.listEvery ?? CGROUP_LIST_EVERY);
    ({ layout: this.layout, hierarchies: this.hierarchies } = detectLayout(this.root));
    this.budget = cgroupFdBudget(opts.maxKeptFds);
    this.keep = new Set(this.hierarchies.filter((h) => isCgroupFs(h.dir)));
  }

  /** Fds this reader keeps open (for tests and the benchmark). */
  get keptFds(): number {
    return this.budget.inUse;
  }

  /** Closes every kept fd. The reader may be used again: it lists the tree afresh. */
  close(): void {
    for (const n of this.tree?.nodes ?? []) for (const fds of n.fds.values()) dropAll(fds, this.budget);
    this.tree = null;
  }

  read(nowNs: bigint = process.hrtime.bigint()): CgroupTable {
    if (this.tree === null || this.sinceWalk >= this.rewalkEvery) {
      if (this.tree === null || this.sinceList >= this.listEvery || !this.unchanged(this.tree.nodes)) {
        this.tree = this.walk(this.tree?.nodes ?? []);
        this.listed(this.tree.nodes);
        this.sinceList = 0;
      }
      this.sinceWalk = 0;
    }
    this.sinceWalk++;
    this.sinceList++;
    const { nodes, truncated } = this.tree;
    const groups = this.readGroups(nodes);
    if (!nodes.some((n) => n.gone === true)) return { mono_ns: nowNs, layout: this.layout, groups, truncated };
    // A group went away between the listing and this read: left out now, and the tree listed afresh next
    // time (the listing closes the fds of what has gone).
    this.sinceWalk = this.rewalkEvery;
    this.sinceList = this.listEvery;
    return { mono_ns: nowNs, layout: this.layout, groups: groups.filter((_, i) => nodes[i].gone !== true), truncated };
  }

  /**
   * Breadth-first over the union of the hierarchies' directories, within the depth and count budget. A
   * group listed before keeps its fds (of the files still listed); the fds of groups no longer listed are
   * closed.
   */
  private walk(before: CgroupNode[]): { nodes: CgroupNode[]; truncated: boolean } {
    const tree = this.list();
    const kept = new Map(before.map((n) => [n.path, n.fds]));
    for (const n of tree.nodes) {
      const fds = kept.get(n.path);
      if (fds === undefined) continue;
      kept.delete(n.path);
      for (const [h, dir] of fds) {
        const files = n.files.get(h);
        if (files === undefined || !n.in.includes(h)) {
          dropAll(dir, this.budget);
          continue;
        }
        for (const f of [...dir.keys()]) if (f !== DIR_FD && !files.has(f)) dropFd(dir, f, this.budget);
        n.fds.set(h, dir);
      }
    }
    for (const fds of kept.values()) for (const dir of fds.values()) dropAll(dir, this.budget);
    return tree;
  }

  private list(): { nodes: CgroupNode[]; truncated: boolean } {
    if (this.hierarchies.length === 0) return { nodes: [], truncated: false };
    const nodes: CgroupNode[] = [this.node('/', 0, this.hierarchies)];
    let truncated = false;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      const children = new Map<string, Hierarchy[]>();
      for (const h of n.in) {
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(h.dir + (n.path === '/' ? '' : n.path), { withFileTypes: true });
        } catch {
          n.files.set(h, new Set());
          n.subdirs.set(h, -1); // never the count a check finds: listed again
          continue; // removed since its parent was listed
        }
        const files = new Set<string>();
        n.files.set(h, files);
        let subdirs = 0;
        for (const e of entries) {
          if (!e.isDirectory()) {
            files.add(e.name);
            continue;
          }
          subdirs++;
          const list = children.get(e.name);
          if (list) list.push(h);
          else children.set(e.name, [h]);
        }
        n.subdirs.set(h, subdirs);
        if (h.v2 && this.keep.has(h)) n.controllers.set(h, this.controllersOf(h, n, null));
      }
      if (children.size === 0) continue;
      // Past the depth budget the node is still read (its files are listed), its children are not.
      if (n.depth >= this.maxDepth) {
        truncated = true;
        continue;
      }
      for (const name of [...children.keys()].sort()) {
        if (nodes.length >= this.maxGroups) {
          truncated = true;
          break;
        }
        nodes.push(this.node((n.path === '/' ? '' : n.path) + '/' + name, n.depth + 1, children.get(name)!));
      }
    }
    return { nodes, truncated };
  }

  private node(path: string, depth: number, inH: Hierarchy[]): CgroupNode {
    return { path, depth, in: inH, files: new Map(), fds: new Map(), subdirs: new Map(), controllers: new Map() };
  }

  /** A v2 group's cgroup.controllers, through its kept fds (`fds`) or, when listing, open + read + close. */
  private controllersOf(h: Hierarchy, n: CgroupNode, fds: DirFds | null): string | null {
    if (n.files.get(h)?.has('cgroup.controllers') !== true) return null;
    const dir = `${h.dir}${n.path === '/' ? '' : n.path}`;
    const len = fds === null ? readOnce(`${dir}/cgroup.controllers`, this.rb) : readKept(dir, 'cgroup.controllers', fds, this.budget, this.rb);
    return len === null ? null : this.rb.buf.toString('latin1', 0, len);
  }

  /**
   * Whether the tree is as listed: every directory (in every hierarchy, on a cgroup filesystem) has as
   * many subdirectories as the listing saw, and every v2 group the same controllers (so the same files).
   * A group removed and another made in the same interval keeps the count: the removed one's files read
   * ENODEV at the next read, which lists the tree again. false (list it) when any directory cannot be
   * checked: no kept fd for it (a fixture tree, the fd budget spent).
   */
  protected unchanged(nodes: CgroupNode[]): boolean {
    for (const n of nodes) {
      for (const h of n.in) {
        if (!this.keep.has(h)) return false;
        let fds = n.fds.get(h);
        if (fds === undefined) n.fds.set(h, (fds = new Map()));
        const dir = `${h.dir}${n.path === '/' ? '' : n.path}`;
        // cgroup.controllers first: if its fd reads ENODEV (the group was made again), the directory's fd
        // goes with it and subdirCount opens the new directory.
        if (h.v2 && this.controllersOf(h, n, fds) !== n.controllers.get(h)) return false;
        if (subdirCount(dir, fds, this.budget) !== n.subdirs.get(h)) return false;
      }
    }
    return true;
  }

  private text(h: Hierarchy, n0: CgroupNode, file: string): string | null {
    if (n0.files.get(h)?.has(file) !== true) return null;
    const dir = `${h.dir}${n0.path === '/' ? '' : n0.path}`;
    let n: number | null;
    if (this.keep.has(h)) {
      let fds = n0.fds.get(h);
      if (fds === undefined) n0.fds.set(h, (fds = new Map()));
      n = readKept(dir, file, fds, this.budget, this.rb);
    } else {
      n = readOnce(`${dir}/${file}`, this.rb);
    }
    if (n === null) {
      // Unreadable (gone, or denied): gone only if its directory is.
      if (!fs.existsSync(dir)) n0.gone = true;
      return null;
    }
    return this.rb.buf.toString('utf8', 0, n);
  }

  /** A new listing (the native reader hands it to the core). */
  protected listed(_nodes: CgroupNode[]): void {}

  /** Reads every listed group, setting `gone` on those whose directory has gone (the native reader overrides this: src/sampler/native/cgroups.ts). */
  protected readGroups(nodes: CgroupNode[]): CgroupSample[] {
    return nodes.map((n) => sampleGroup(n.path, n.depth, n.in, (h, f) => this.text(h, n, f), this.clkTck));
  }
}
