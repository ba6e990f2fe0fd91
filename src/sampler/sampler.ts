import type { HostInfo, ProcSample, ProcTable, ProcTcp, Sample } from '../model';
import type { ConnsSample } from '../model/conns';
import { ConnsTier } from './conns/tier';
import { ShimReader } from './shim/reader';
import { shimKey, ShimProcSample, ShimTable } from '../model/shim';
import { FsUsage } from './fsusage';
import { readHostInfo } from './host';
import { chooseSampler, loadNative, noteOnce, SamplerKind } from './native/load';
import { NativeProcReader } from './native/procs';
import { NativeSystemReader } from './native/system';
import { NodeTier } from './node-tier';
import { ProcExtras, ProcReader } from './procs';
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

/** A process's TCP counters at a read where it held no socket and had never moved a byte. */
function idleTcp(t: ProcTcp): boolean {
  return t.conns === 0 && t.since_ns === null && t.tx_bytes === 0 && t.rx_bytes === 0 && t.retrans === 0;
}

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
  /** Per pid: the connections-tier reads its ProcSamples carry as tcp and tcp_prev. */
  private readonly tcpHist = new Map<number, { start: number; cur: ProcTcp; prev: ProcTcp | null; stamp: number }>();
  private extrasStamp = 0;
  private connsIndex: { conns: ConnsSample; byPid: Map<number, ConnsSample['procs'][number]>; denied: Set<number> } | null = null;
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
    if (procsDue) this.lastProcs = this.procs!.read(nowNs, this.extrasFor(conns, nowNs));
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

  /**
   * What the process reader attaches to each process besides /proc: the connections tier's latest and
   * previous per-process TCP counters, and the shim's counter file. A process the tier saw no socket of
   * holds none (zero counters, a rate of 0); one whose fds it could not read gets null (unknown). Keyed by
   * pid and start time, so a reused pid starts afresh. The objects stay the same while nothing changed,
   * which lets the reader keep an idle process's previous sample.
   */
  private extrasFor(conns: ConnsSample | null, nowNs: bigint): ProcExtras {
    // Indexed once per read of the connections tier (once a second), not at every process tick.
    if (conns !== null && this.connsIndex?.conns !== conns) {
      this.connsIndex = { conns, byPid: new Map(conns.procs.map((p) => [p.pid, p])), denied: new Set(conns.denied) };
    }
    const byPid = conns === null ? null : this.connsIndex!.byPid;
    const denied = conns === null ? null : this.connsIndex!.denied;
    const shims = this.shim?.read(nowNs) ?? null;
    if (shims !== null) this.onShimRead?.(shims);
    const byKey = shims === null || shims.procs.length === 0 ? null : new Map(shims.procs.map((s) => [shimKey(s.pid, s.start_time), s]));
    // Entries the readers asked about this time are stamped; done() drops the rest. The answer is one
    // object, refilled at each call: the readers copy its three fields at once (no object, no set entry per
    // process per tick).
    const stamp = ++this.extrasStamp;
    const x: Pick<ProcSample, 'tcp' | 'tcp_prev' | 'shim'> = { tcp: null, tcp_prev: null, shim: null };
    const answer = (tcp: ProcTcp | null, prev: ProcTcp | null, shim: ShimProcSample | null): typeof x => {
      x.tcp = tcp;
      x.tcp_prev = prev;
      x.shim = shim;
      return x;
    };
    const extras: ProcExtras = (pid, start) => {
      let h = this.tcpHist.get(pid);
      if (h !== undefined) h.stamp = stamp;
      const shim = byKey?.get(shimKey(pid, start)) ?? null;
      if (conns === null || denied!.has(pid)) return answer(null, null, shim);
      if (h !== undefined && h.start !== start) h = undefined;
      if (h === undefined || h.cur.mono_ns !== conns.mono_ns) {
        const c = byPid!.get(pid);
        // Still no socket, as at the last two reads: the same zero pair (a rate of 0) keeps serving.
        if (c === undefined && h !== undefined && h.prev !== null && idleTcp(h.cur) && idleTcp(h.prev)) return answer(h.cur, h.prev, shim);
        const cur: ProcTcp = c
          ? { mono_ns: conns.mono_ns, since_ns: c.since_ns, tx_bytes: c.tcp_tx_bytes, rx_bytes: c.tcp_rx_bytes, retrans: c.tcp_retrans, conns: c.tcp }
          : { mono_ns: conns.mono_ns, since_ns: null, tx_bytes: 0, rx_bytes: 0, retrans: 0, conns: 0 };
        h = { start, cur, prev: h?.cur ?? null, stamp };
        this.tcpHist.set(pid, h);
      }
      return answer(h.cur, h.prev, shim);
    };
    extras.done = () => {
      // forEach, not for-of over entries: no [pid, h] pair per process per tick.
      this.tcpHist.forEach((h, pid, hist) => {
        if (h.stamp !== stamp) hist.delete(pid);
      });
    };
    return extras;
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
