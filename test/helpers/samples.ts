import type { Counter } from '../../src/model/counter';
import type { CpuTimes, DiskSample, HostInfo, NetDevSample, ProcSample, Sample } from '../../src/model';
import { PROC_RAW_BLANK } from '../../src/model/fields/proc';
import { parseMeminfo } from '../../src/sampler/parse/meminfo';

/** Synthetic Samples for derive tests: every field present, everything else zero. */
export const HOST: HostInfo = { hostname: 'test', kernel: '6.1.0', clk_tck: 100, page_size: 4096, ncpu: 2, boot_time_s: 1_700_000_000 };

export function cpu(user: Counter, system: Counter, idle: Counter, extra: Partial<CpuTimes> = {}): CpuTimes {
  return { user, nice: 0, system, idle, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guest_nice: 0, ...extra };
}

export function net(iface: string, rx: Counter, tx: Counter, extra: Partial<NetDevSample> = {}): NetDevSample {
  return { iface, ifindex: 1, rx_bytes: rx, rx_packets: 0, rx_errs: 0, rx_drop: 0, tx_bytes: tx, tx_packets: 0, tx_errs: 0, tx_drop: 0, ...extra };
}

export function disk(device: string, readSectors: Counter, writeSectors: Counter, ioMs: Counter, extra: Partial<DiskSample> = {}): DiskSample {
  return {
    device, major: 8, minor: 0, reads: 0, reads_merged: 0, read_sectors: readSectors, read_ms: 0, writes: 0, writes_merged: 0,
    write_sectors: writeSectors, write_ms: 0, in_flight: 0, io_ms: ioMs, weighted_io_ms: 0, discards: null, discard_sectors: null,
    flushes: null, ...extra,
  };
}

export function proc(pid: number, start: number, extra: Partial<ProcSample> = {}): ProcSample {
  return {
    ...PROC_RAW_BLANK,
    pid, start_time: start, ppid: 1, pgrp: pid, comm: `p${pid}`, cmdline: `p${pid} --x`, cmdline_truncated: false, state: 'S',
    kthread: false, uid: 0, user: 'root', cgroup: null, nice: 0, priority: 20, threads: 1, processor: 0, vsize_bytes: 0, rss_bytes: 4096,
    minflt: 0, majflt: 0, utime: 0, stime: 0, run_ns: 0, wait_ns: 0, timeslices: 0, swap_bytes: 0, vol_ctxsw: 0, invol_ctxsw: 0,
    slow: null, slow_prev: null, tcp: null, tcp_prev: null, shim: null, ...extra,
  };
}

export interface SampleParts {
  monoMs: number;
  total?: CpuTimes | null;
  cores?: (CpuTimes | null)[];
  mem?: string;
  net?: NetDevSample[];
  disks?: DiskSample[];
  procs?: { monoMs: number; list: ProcSample[] } | null;
  ctxt?: Counter | null;
}

export function sample(p: SampleParts): Sample {
  return {
    mono_ns: BigInt(Math.round(p.monoMs * 1e6)),
    t: 1_700_000_000_000 + p.monoMs,
    sys: {
      stat: { total: p.total ?? null, cores: p.cores ?? [], ctxt: p.ctxt ?? null, processes: null, procs_running: 1, procs_blocked: 0, btime: 1_700_000_000 },
      mem: parseMeminfo(p.mem ?? 'MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 600 kB\nBuffers: 10 kB\nCached: 100 kB\nSReclaimable: 20 kB\nSwapTotal: 100 kB\nSwapFree: 75 kB\n'),
      load: { load1: 1, load5: 1, load15: 1, running: 1, total: 10 },
      psi: { cpu: null, memory: null, io: null },
      net: p.net ?? [],
      snmp: null,
      vmstat: null,
      disks: p.disks ?? [],
      fs: [],
      uptime_s: 100,
    },
    procs: p.procs ? { mono_ns: BigInt(Math.round(p.procs.monoMs * 1e6)), procs: p.procs.list } : null,
    conns: null,
  };
}
