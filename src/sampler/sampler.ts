import type { HostInfo, ProcTable, Sample } from '../model';
import { FsUsage } from './fsusage';
import { readHostInfo } from './host';
import { ProcReader } from './procs';
import { SystemReader } from './system';
import { Timings } from './timings';

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
  debugTimings?: boolean;
  host?: HostInfo;
}

export const DEFAULT_INTERVAL_MS = 100;
export const DEFAULT_PROC_INTERVAL_MS = 1000;
export const MIN_PROC_INTERVAL_MS = 100;

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
  private readonly system: SystemReader;
  private readonly procs: ProcReader | null;
  private readonly fsUsage: FsUsage | null;
  private lastProcs: ProcTable | null = null;
  private readonly procDueNs: bigint;

  constructor(opts: SamplerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.procIntervalMs = Math.max(opts.procIntervalMs ?? DEFAULT_PROC_INTERVAL_MS, MIN_PROC_INTERVAL_MS, this.intervalMs);
    this.host = opts.host ?? readHostInfo(opts.procRoot);
    this.timings = opts.debugTimings ? new Timings() : null;
    this.system = new SystemReader({ procRoot: opts.procRoot, sysRoot: opts.sysRoot, timings: this.timings });
    this.procs =
      opts.procs === false
        ? null
        : new ProcReader({
            procRoot: opts.procRoot,
            passwdPath: opts.passwdPath,
            pageSize: this.host.page_size,
            procIntervalMs: this.procIntervalMs,
            timings: this.timings,
          });
    this.fsUsage = opts.filesystems === false ? null : new FsUsage({ procRoot: opts.procRoot });
    this.fsUsage?.start();
    // Due half a system tick early, so that timer jitter never pushes a read to the next tick.
    this.procDueNs = BigInt(Math.round((this.procIntervalMs - this.intervalMs / 2) * 1e6));
  }

  /**
   * One Sample. `forceProcs` reads the process table even if its tier is not due: a monitor that starts
   * takes its second table on the first tick, so that processes have rates within 100 ms of starting
   * rather than after a whole process interval.
   */
  sample(nowNs: bigint = process.hrtime.bigint(), forceProcs = false): Sample {
    const sys = this.system.read(nowNs);
    if (this.procs && (forceProcs || this.lastProcs === null || nowNs - this.lastProcs.mono_ns >= this.procDueNs)) {
      this.lastProcs = this.procs.read(nowNs);
    }
    return { mono_ns: nowNs, t: Date.now(), sys: { ...sys, fs: this.fsUsage?.latest() ?? [] }, procs: this.lastProcs };
  }

  /** Mount points whose statfs is hanging (shown once as a warning by the UI). */
  stalledMounts(): string[] {
    return this.fsUsage?.stalled() ?? [];
  }

  close(): void {
    this.fsUsage?.stop();
    this.system.close();
    this.procs?.close();
  }
}
