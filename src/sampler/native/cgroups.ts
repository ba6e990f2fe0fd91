/**
 * The cgroup tier over the native core (native/sampler/cgroup.c): the TypeScript tier still lists the tree
 * (rarely: tier.ts looks at it every 5th read and lists it when it changed) and hands each new listing to
 * the core; every read is then one addon call, which reads every file of every group through kept fds and
 * parses it into one row per group. This side builds the same CgroupSample the TypeScript reader builds,
 * field by field, from the rows: no text crosses, and a group's path is the listing's own string.
 *
 * A row the core marks raw (a file held text its parsers do not copy exactly: nothing the kernel writes)
 * comes back as the texts it read, and sampleGroup (group.ts), the reference, parses them.
 */
import type { CgroupIoDev, CgroupSample } from '../../model/cgroups';
import type { PsiLine, PsiResource } from '../../model';
import { sampleGroup } from '../cgroups/group';
import { CgroupNode, CgroupReader, CgroupTierOptions } from '../cgroups/tier';
import type { Hierarchy } from '../cgroups/layout';
import { counterAt, numberAt, V_BIG } from './layout';

/** The addon's cgroup functions (absent from addons built before them). */
export interface CgroupNative {
  cgLayout(): Record<string, number>;
  cgCreate(dirs: string[], kinds: number[], clkTck: number): unknown;
  cgTree(h: unknown, paths: string[], masks: Uint32Array, subdirs: Int32Array, controllers: (string | null)[], maxKept: number): void;
  cgBind(h: unknown, gf: Float64Array, gu: BigUint64Array, iof: Float64Array, iou: BigUint64Array): void;
  cgRead(h: unknown): number;
  cgCheck(h: unknown): number;
  cgRaw(h: unknown, row: number): Buffer | null;
  cgKept(h: unknown): number;
  cgClose(h: unknown): void;
}

/** The files by id (cgroup.h's enum cg_file): bit i of a directory's mask is CG_FILE_NAMES[i]. */
export const CG_FILE_NAMES = [
  'cpu.stat', 'cpu.max', 'memory.current', 'memory.peak', 'memory.max', 'memory.high', 'memory.stat', 'memory.events',
  'io.stat', 'pids.current', 'pids.max', 'cpu.pressure', 'memory.pressure', 'io.pressure',
  'cpuacct.usage', 'cpuacct.usage_user', 'cpuacct.usage_sys', 'cpuacct.stat', 'cpu.cfs_quota_us', 'cpu.cfs_period_us',
  'memory.usage_in_bytes', 'memory.max_usage_in_bytes', 'memory.limit_in_bytes', 'memory.kmem.usage_in_bytes',
  'memory.oom_control', 'blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced', 'cgroup.controllers',
] as const;
/** Bit 31 of a mask: the group is in this hierarchy. */
const CG_IN = 2 ** 31;
const FILE_BIT = new Map<string, number>(CG_FILE_NAMES.map((f, i) => [f, 1 << i]));

/** cgroup.h's enum cg_col and enum cg_io_col. */
const C = {
  FLAGS: 0, USAGE: 1, USER: 2, SYSTEM: 3, PERIODS: 4, THROTTLED: 5, THROTTLED_US: 6, QUOTA: 7, PERIOD: 8,
  MEM_CUR: 9, MEM_PEAK: 10, MEM_MAX: 11, MEM_HIGH: 12, MEM_LIMITED: 13, ANON: 14, FILE: 15, KERNEL: 16, INACTIVE: 17,
  OOM: 18, OOM_KILL: 19, IO_N: 20, IO_FIRST: 21, PIDS_CUR: 22, PIDS_MAX: 23, PSI: 24,
} as const;
const NCG_COLS = C.PSI + 24;
const NCIO_COLS = 6;
const CGF_GONE = 1;
const CGF_RAW = 2;
const EXPECTED: Record<string, number> = {
  NCG_FILES: CG_FILE_NAMES.length, NCG_COLS, NCIO_COLS, CG_PSI: C.PSI, CG_PIDS_MAX: C.PIDS_MAX, CIO_WIOS: 5, CF_BLKIO_IOS: 26, CF_CONTROLLERS: 27,
};

/** Hierarchy kinds for cgCreate (cgroup.c's HK_*). */
const HK_V2 = 1;
const HK_KEEP = 2;
const HK_CONTROLLERS: [string, number][] = [['cpu', 4], ['cpuacct', 8], ['memory', 16], ['pids', 32], ['blkio', 64]];

/** The cgroup functions of this addon, or null: an addon built before them, or of another layout. */
export function cgroupNativeOf(addon: object | null): CgroupNative | null {
  const a = addon as Partial<CgroupNative> | null;
  if (!a || typeof a.cgLayout !== 'function' || typeof a.cgRead !== 'function' || typeof a.cgCheck !== 'function') return null;
  const got = a.cgLayout();
  return Object.keys(EXPECTED).every((k) => got[k] === EXPECTED[k]) ? (a as CgroupNative) : null;
}

/** A gauge cell: exact up to 2^53, Number(value) above (as parseGauge's Number(bigint)). */
function gaugeAt(f: Float64Array, u: BigUint64Array, i: number): number | null {
  const v = f[i];
  if (v >= 0) return v;
  return v === V_BIG ? Number(u[i]) : null;
}

export class NativeCgroupReader extends CgroupReader {
  private readonly h: unknown;
  private cap = 0;
  private gf = new Float64Array(0);
  private gu = new BigUint64Array(0);
  private iocap = 16;
  private iof = new Float64Array(NCIO_COLS * 16);
  private iou = new BigUint64Array(NCIO_COLS * 16);
  private bound = false;
  private readonly devNames = new Map<number, string>();
  /** Rows of the last read the reference parsed (CGF_RAW): 0 on anything the kernel writes (for tests). */
  rawRows = 0;

  constructor(
    private readonly fns: CgroupNative,
    opts: CgroupTierOptions = {},
  ) {
    super(opts);
    const kinds = this.hierarchies.map((h) => {
      let k = (h.v2 ? HK_V2 : 0) | (this.keep.has(h) ? HK_KEEP : 0);
      for (const [c, bit] of HK_CONTROLLERS) if (h.controllers.has(c)) k |= bit;
      return k;
    });
    this.h = fns.cgCreate(this.hierarchies.map((h) => h.dir), kinds, this.clkTck);
  }

  /** Every fd the tier keeps is the core's: the files, and the directories and cgroup.controllers it looks at. */
  override get keptFds(): number {
    return this.fns.cgKept(this.h);
  }

  override close(): void {
    super.close();
    this.fns.cgClose(this.h);
    this.bound = false;
  }

  protected override unchanged(): boolean {
    return this.fns.cgCheck(this.h) === 1;
  }

  protected override listed(nodes: CgroupNode[]): void {
    const nh = this.hierarchies.length;
    const masks = new Uint32Array(nodes.length * nh);
    const subdirs = new Int32Array(nodes.length * nh);
    const controllers: (string | null)[] = new Array(nodes.length * nh).fill(null);
    nodes.forEach((n, i) => {
      for (const h of n.in) {
        const k = i * nh + this.hierarchies.indexOf(h);
        let m = CG_IN;
        for (const f of n.files.get(h) ?? []) m |= FILE_BIT.get(f) ?? 0;
        masks[k] = m >>> 0;
        subdirs[k] = n.subdirs.get(h) ?? -1;
        controllers[k] = n.controllers.get(h) ?? null;
      }
    });
    if (nodes.length > this.cap || !this.bound) {
      this.cap = Math.max(nodes.length, this.cap, 16);
      this.gf = new Float64Array(NCG_COLS * this.cap);
      this.gu = new BigUint64Array(NCG_COLS * this.cap);
      this.bind();
    }
    this.fns.cgTree(this.h, nodes.map((n) => n.path), masks, subdirs, controllers, this.budget.limit);
  }

  private bind(): void {
    this.fns.cgBind(this.h, this.gf, this.gu, this.iof, this.iou);
    this.bound = true;
  }

  protected override readGroups(nodes: CgroupNode[]): CgroupSample[] {
    let need = this.fns.cgRead(this.h);
    while (need > this.iocap) {
      // More device lines than the io table holds: grown, and the tree read again (seldom: once).
      this.iocap = Math.max(need, this.iocap * 2);
      this.iof = new Float64Array(NCIO_COLS * this.iocap);
      this.iou = new BigUint64Array(NCIO_COLS * this.iocap);
      this.bind();
      need = this.fns.cgRead(this.h);
    }
    const out: CgroupSample[] = new Array(nodes.length);
    this.rawRows = 0;
    for (let i = 0; i < nodes.length; i++) {
      const flags = this.gf[i];
      if (flags & CGF_GONE) nodes[i].gone = true;
      out[i] = flags & CGF_RAW ? this.rawGroup(nodes[i], i) : this.row(nodes[i], i);
    }
    return out;
  }

  /** The texts the core read for row i, parsed by the reference. */
  private rawGroup(n: CgroupNode, i: number): CgroupSample {
    this.rawRows++;
    const buf = this.fns.cgRaw(this.h, i) ?? Buffer.alloc(0);
    const texts = new Map<string, string>();
    for (let at = 0; at + 6 <= buf.length; ) {
      const len = buf.readUInt32LE(at + 2);
      texts.set(`${buf[at]}/${CG_FILE_NAMES[buf[at + 1]]}`, buf.toString('utf8', at + 6, at + 6 + len));
      at += 6 + len;
    }
    const index = (h: Hierarchy): number => this.hierarchies.indexOf(h);
    return sampleGroup(n.path, n.depth, n.in, (h, f) => texts.get(`${index(h)}/${f}`) ?? null, this.clkTck);
  }

  private row(n: CgroupNode, i: number): CgroupSample {
    const { gf: f, gu: u, cap } = this;
    const at = (col: number): number => col * cap + i;
    const limited = f[at(C.MEM_LIMITED)];
    return {
      path: n.path, depth: n.depth,
      cpu_usage_usec: counterAt(f, u, at(C.USAGE)), cpu_user_usec: counterAt(f, u, at(C.USER)), cpu_system_usec: counterAt(f, u, at(C.SYSTEM)),
      nr_periods: counterAt(f, u, at(C.PERIODS)), nr_throttled: counterAt(f, u, at(C.THROTTLED)), throttled_usec: counterAt(f, u, at(C.THROTTLED_US)),
      cpu_quota_usec: numberAt(f, at(C.QUOTA)), cpu_period_usec: numberAt(f, at(C.PERIOD)),
      mem_current_bytes: gaugeAt(f, u, at(C.MEM_CUR)), mem_peak_bytes: gaugeAt(f, u, at(C.MEM_PEAK)),
      mem_max_bytes: gaugeAt(f, u, at(C.MEM_MAX)), mem_high_bytes: gaugeAt(f, u, at(C.MEM_HIGH)),
      mem_limited: limited < 0 ? null : limited === 1,
      mem_anon_bytes: gaugeAt(f, u, at(C.ANON)), mem_file_bytes: gaugeAt(f, u, at(C.FILE)),
      mem_kernel_bytes: gaugeAt(f, u, at(C.KERNEL)), mem_inactive_file_bytes: gaugeAt(f, u, at(C.INACTIVE)),
      oom: counterAt(f, u, at(C.OOM)), oom_kill: counterAt(f, u, at(C.OOM_KILL)),
      io: this.io(f[at(C.IO_N)], f[at(C.IO_FIRST)]),
      pids_current: gaugeAt(f, u, at(C.PIDS_CUR)), pids_max: gaugeAt(f, u, at(C.PIDS_MAX)),
      psi: { cpu: this.psi(at(C.PSI)), memory: this.psi(at(C.PSI + 8)), io: this.psi(at(C.PSI + 16)) },
    };
  }

  private io(count: number, first: number): CgroupIoDev[] | null {
    if (count < 0) return null;
    const { iof: f, iou: u, iocap: cap } = this;
    const out: CgroupIoDev[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const r = first + k;
      out[k] = {
        dev: this.devName(f[r], f[cap + r]),
        rbytes: counterAt(f, u, 2 * cap + r)!, wbytes: counterAt(f, u, 3 * cap + r)!,
        rios: counterAt(f, u, 4 * cap + r)!, wios: counterAt(f, u, 5 * cap + r)!,
      };
    }
    return out;
  }

  /** "major:minor", made once per device. */
  private devName(major: number, minor: number): string {
    if (major >= 2 ** 20 || minor >= 2 ** 32) return `${major}:${minor}`;
    const key = major * 2 ** 32 + minor;
    let s = this.devNames.get(key);
    if (s === undefined) this.devNames.set(key, (s = `${major}:${minor}`));
    return s;
  }

  /** A resource's two lines from 8 cells (per line: avg10 avg60 avg300 total; avg10 absent = no line). */
  private psi(at: number): PsiResource | null {
    const some = this.psiLine(at);
    const full = this.psiLine(at + 4 * this.cap);
    return some === null && full === null ? null : { some, full };
  }

  private psiLine(at: number): PsiLine | null {
    const { gf: f, gu: u, cap } = this;
    const avg10 = f[at];
    if (avg10 < 0) return null;
    return { avg10, avg60: f[at + cap], avg300: f[at + 2 * cap], total: counterAt(f, u, at + 3 * cap)! };
  }
}

/**
 * The native cgroup reader when the addon has it, else the TypeScript one (also when the core refuses the
 * layout: more than 16 hierarchies, which no machine mounts).
 */
export function cgroupReaderFor(addon: object | null, opts: CgroupTierOptions): CgroupReader {
  const fns = cgroupNativeOf(addon);
  if (fns) {
    try {
      return new NativeCgroupReader(fns, opts);
    } catch {
      // the TypeScript reader reads any layout
    }
  }
  return new CgroupReader(opts);
}
