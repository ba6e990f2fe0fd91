import type { HostInfo, ProcTable, Sample } from '../model';
import { Attachments } from './attach';
import { ConnsTier } from './conns/tier';
import { ShimReader } from './shim/reader';
import type { ShimTable } from '../model/shim';
import { FsUsage } from './fsusage';
import { readHostInfo } from './host';
import { chooseSampler, loadNative, noteOnce, SamplerKind } from './native/load';
import { NativeProcReader } from './native/procs';
import { NativeSystemReader } from './native/system';
import { NodeTier } from './node-tier';
import { ProcReader } from './procs';
import { SystemReader } from './system';
import { Timings } from './timings';
import type { CgroupReader } from './cgroups/tier';
import { cgroupReaderFor } from './native/cgroups';
import { cgroupFdBudget } from './cgroups/keptfds';
import { FdBudget } from './fdbudget';
import type { CgroupTable } from '../model/cgroups';
import { DEFAULT_INTERVAL_MS, DEFAULT_PROC_INTERVAL_MS, MIN_PROC_INTERVAL_MS, samplerIntervals } from './intervals';

export interface SamplerOptions {
  procRoot?: string;
  sysRoot?: string;
  passwdPath?: string;
  /** System tier, ms (default 100). */
  intervalMs?: number;
  /** Process tier, ms (default 1000, minimum 100). */
  procIntervalMs?: number;
  /** Skip the process tier entirely (a consumer that shows no processes). */
  procs?: boolean;
  /** Run the filesystem (statfs) tier. */
  filesystems?: boolean;
  /** Run the connections tier (sock_diag, per-process TCP); needs the process tier. */
  connections?: boolean;
  /** Connections tier interval, ms (default 1000). */
  connsIntervalMs?: number;
  /**
   * Run the cgroup tier (src/sampler/cgroups): the cgroup tree's CPU, throttling, memory, I/O, pids and
   * PSI, read when the process tier is (or alone at the process interval when there is no process tier).
   */
  cgroups?: boolean;
  /** Where the cgroup hierarchies are mounted (default /sys/fs/cgroup): a fixture tree in tests. */
  cgroupRoot?: string;
  /**
   * Run the node tier (src/sampler/node-tier.ts): the files only node_exporter-compatible families need,
   * at most once a second. For `vigil serve` and `record --listen`; off by default.
   */
  node?: boolean;
  /** node_exporter collector names whose node-tier files are not read (see NODE_COLLECTORS). */
  nodeDisabled?: ReadonlySet<string>;
  /** Read each process's cgroup path (default true; see ProcReaderOptions.cgroupPaths). */
  procCgroupPaths?: boolean;
  /** Read the counter files of processes running with the vigil run shim. */
  shim?: boolean;
  debugTimings?: boolean;
  host?: HostInfo;
  /** The native core or the TypeScript parsers; default: VIGIL_SAMPLER, else native when the addon loaded. */
  sampler?: SamplerKind;
}

/** The cgroup tier's shortest interval: it reads on process ticks at least this far apart. */
export const CGROUP_MIN_INTERVAL_MS = 1000;

export { DEFAULT_INTERVAL_MS, DEFAULT_PROC_INTERVAL_MS, MIN_PROC_INTERVAL_MS, samplerIntervals };

/**
 * The sampler owns all I/O on /proc. sample() is synchronous and cheap: system files every call, the
 * process table when its tier is due; filesystem usage arrives on its own async tier and is attached as
 * last seen. It keeps no history and computes no rates: that is derive's job.
 */
export class Sampler {
  readonly host: HostInfo;
  readonly intervalMs: number;
  readonly procIntervalMs: number;
  readonly timings: Timings | null;
  /** Which reader runs the system and process tiers. */
  readonly kind: SamplerKind;
  private readonly system: Pick<SystemReader, 'read' | 'text' | 'close'>;
  private readonly procs: Pick<ProcReader, 'discover' | 'read' | 'close'> | null;
  private readonly fsUsage: FsUsage | null;
  private readonly conns: ConnsTier | null;
  private readonly shim: ShimReader | null;
  private readonly node: NodeTier | null;
  private lastProcs: ProcTable | null = null;
  private readonly cgroupReader: CgroupReader | null;
  private lastCgroups: CgroupTable | null = null;
  /**
   * Sees every read of the shim's files, including the final read of a process that has exited (which no
   * process table holds): what `vigil run` sums for its summary.
   */
  onShimRead: ((table: ShimTable) => void) | null = null;
  /** What the process readers attach to each process besides /proc (src/sampler/attach.ts). */
  private readonly attachments = new Attachments();
  private readonly procDueNs: bigint;
  private readonly cgroupDueNs: bigint;

  constructor(opts: SamplerOptions = {}) {
    ({ intervalMs: this.intervalMs, procIntervalMs: this.procIntervalMs } = samplerIntervals(opts));
    this.host = opts.host ?? readHostInfo(opts.procRoot);
    this.timings = opts.debugTimings ? new Timings() : null;
    const choice = chooseSampler(opts.sampler);
    noteOnce(choice.note);
    this.kind = choice.kind;
    const addon = choice.kind === 'native' ? loadNative().addon! : null;
    const sysOpts = { procRoot: opts.procRoot, sysRoot: opts.sysRoot, timings: this.timings };
    this.system = addon ? new NativeSystemReader(addon, sysOpts) : new SystemReader(sysOpts);
    // The cgroup tier's kept fds come out of the process tier's budget: together they stay within
    // RLIMIT_NOFILE less 256.
    const cgroupFds = opts.cgroups ? cgroupFdBudget().limit : 0;
    const procOpts = {
      procRoot: opts.procRoot,
      passwdPath: opts.passwdPath,
      pageSize: this.host.page_size,
      procIntervalMs: this.procIntervalMs,
      timings: this.timings,
      maxKeptFds: opts.cgroups ? Math.max(0, new FdBudget().limit - cgroupFds) : undefined,
      cgroupPaths: opts.procCgroupPaths,
    };
    this.procs = opts.procs === false ? null : addon ? new NativeProcReader(addon, procOpts) : new ProcReader(procOpts);
    this.fsUsage = opts.filesystems === false ? null : new FsUsage({ procRoot: opts.procRoot });
    this.fsUsage?.start();
    this.conns = opts.connections === false || this.procs === null ? null : new ConnsTier({ procRoot: opts.procRoot, intervalMs: opts.connsIntervalMs, native: addon });
    this.conns?.start();
    this.node = opts.node === true
      ? new NodeTier({
        procRoot: opts.procRoot, sysRoot: opts.sysRoot, disabled: opts.nodeDisabled, fsStatus: () => this.fsUsage?.status() ?? [],
        // The node tier reads in sample() right after the system tier: the same tick's text, read once.
        systemText: (f) => this.system.text(f),
      })
      : null;
    this.shim = opts.shim === false || this.procs === null ? null : new ShimReader({ procRoot: opts.procRoot });
    this.cgroupReader = opts.cgroups ? cgroupReaderFor(addon, { root: opts.cgroupRoot, clkTck: this.host.clk_tck, maxKeptFds: cgroupFds }) : null;
    // Due half a system tick early, so that timer jitter never pushes a read to the next tick.
    this.procDueNs = BigInt(Math.round((this.procIntervalMs - this.intervalMs / 2) * 1e6));
    this.cgroupDueNs = BigInt(Math.round((Math.max(this.procIntervalMs, CGROUP_MIN_INTERVAL_MS) - this.intervalMs / 2) * 1e6));
  }

  /**
   * One Sample. `forceProcs` reads the process table even if its tier is not due: a monitor that starts
   * takes its second table on the first tick, so that processes have rates within 100 ms of starting
   * rather than after a whole process interval.
   */
  sample(nowNs: bigint = process.hrtime.bigint(), forceProcs = false): Sample {
    const procsDue = this.procs !== null && (forceProcs || this.lastProcs === null || nowNs - this.lastProcs.mono_ns >= this.procDueNs);
    if (procsDue) {
      // New processes are opened before the stamp, which moves by the time that took (nowNs may be a
      // fixture's clock: only the real duration is added).
      const t0 = process.hrtime.bigint();
      this.procs!.discover(nowNs);
      nowNs += process.hrtime.bigint() - t0;
    }
    const sys = this.system.read(nowNs);
    const conns = this.conns?.latest() ?? null;
    if (procsDue) {
      const shims = this.shim?.read(nowNs) ?? null;
      if (shims !== null) this.onShimRead?.(shims);
      this.lastProcs = this.procs!.read(nowNs, this.attachments.prepare(conns, shims));
    }
    // The cgroup tier reads on the process tier's ticks (on its own when there is none), at most once a
    // second like the slow per-process files: at --proc-interval 100 ten reads a second of every group's
    // cpu.stat, memory.stat, io.stat and pressure were 0.6-1 % of a core, for aggregates nobody reads at
    // 10 Hz (systemd-cgtop's default is 1 s). The start-up read pair is kept, so rates come at once.
    const cgTick = procsDue || this.procs === null;
    const cgDue = this.cgroupReader !== null && cgTick && (forceProcs || this.lastCgroups === null || nowNs - this.lastCgroups.mono_ns >= this.cgroupDueNs);
    if (cgDue) {
      const t0 = this.timings === null ? 0n : process.hrtime.bigint();
      this.lastCgroups = this.cgroupReader!.read(nowNs);
      if (this.timings !== null) this.timings.add('cgroups', process.hrtime.bigint() - t0);
    }
    const out: Sample = { mono_ns: nowNs, t: Date.now(), sys: { ...sys, fs: this.fsUsage?.latest() ?? [] }, procs: this.lastProcs, conns };
    if (this.cgroupReader !== null) out.cgroups = this.lastCgroups;
    if (this.node !== null) out.node = this.node.sample(nowNs, BigInt(this.intervalMs) * 1_000_000n);
    return out;
  }

  /** Why the connections tier is not running, or null (shown once by the UI). */
  connsUnavailable(): string | null {
    return this.conns?.unavailable() ?? null;
  }

  /** Mount points whose statfs is hanging (shown once as a warning by the UI). */
  stalledMounts(): string[] {
    return this.fsUsage?.stalled() ?? [];
  }

  close(): void {
    this.fsUsage?.stop();
    this.conns?.stop();
    this.shim?.close();
    this.node?.close();
    this.system.close();
    this.procs?.close();
    this.cgroupReader?.close();
  }
}
