/**
 * Synthetic Samples with the shape of a real machine, for the 24-hour seek benchmark and for tests that
 * need counters /proc rarely shows (above 2^53, u64 sentinels, resets). Deterministic (seeded PRNG).
 */
import type { Counter } from '../src/counter';
import type { CpuTimes, HostInfo, ProcSample, ProcTable, Sample } from '../src/model';

export const SYNTH_HOST: HostInfo = { hostname: 'synth', kernel: '6.1.0-synth', clk_tck: 100, page_size: 4096, ncpu: 4, boot_time_s: 1_700_000_000 };

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export interface SynthOptions {
  cores?: number;
  procs?: number;
  /** Processes that change between process ticks (the rest are idle). */
  busyProcs?: number;
  intervalMs?: number;
  procEvery?: number;
  seed?: number;
  startT?: number;
}

interface ProcState {
  pid: number;
  start: number;
  utime: number;
  run: number;
  wait: number;
  minflt: number;
  rchar: number;
  vol: number;
}

/** An endless stream of Samples, one per call, advancing time by intervalMs. */
export class SynthSource {
  private i = 0;
  private readonly r: () => number;
  private readonly cores: number;
  private cpu: number[][];
  private net = [0, 0, 0, 0];
  private disk = [0, 0, 0];
  private procs: ProcState[] = [];
  private table: ProcTable | null = null;
  private prevSlow = new Map<number, ProcSample['slow']>();
  private nextPid = 1000;
  constructor(private readonly o: SynthOptions = {}) {
    this.r = rng(o.seed ?? 42);
    this.cores = o.cores ?? 4;
    this.cpu = Array.from({ length: this.cores }, () => [1e6, 1e3, 5e5, 1e8, 1e4, 0, 1e3, 0, 0, 0]);
    for (let p = 0; p < (o.procs ?? 300); p++) this.procs.push(this.newProc());
  }

  private newProc(): ProcState {
    return { pid: this.nextPid++, start: 1000 + this.i, utime: 0, run: 0, wait: 0, minflt: 0, rchar: 0, vol: 0 };
  }

  next(): Sample {
    const iv = this.o.intervalMs ?? 100;
    const mono = BigInt(this.i) * BigInt(iv) * 1_000_000n + 1_000_000_000n;
    const t = (this.o.startT ?? 1_700_000_000_000) + this.i * iv;
    const ticks = iv / 10;
    for (const c of this.cpu) {
      const busy = Math.floor(this.r() * ticks);
      c[0] += busy;
      c[2] += Math.floor(this.r() * 2);
      c[3] += ticks - busy;
    }
    this.net[0] += Math.floor(this.r() * 5000);
    this.net[1] += Math.floor(this.r() * 10);
    this.net[2] += Math.floor(this.r() * 3000);
    this.net[3] += Math.floor(this.r() * 8);
    if (this.r() < 0.2) this.disk[0] += 8;
    const cores: CpuTimes[] = this.cpu.map((c) => ({
      user: c[0], nice: c[1], system: c[2], idle: c[3], iowait: c[4], irq: c[5], softirq: c[6], steal: c[7], guest: c[8], guest_nice: c[9],
    }));
    const sum = (k: number): number => this.cpu.reduce((a, c) => a + c[k], 0);
    const total: CpuTimes = {
      user: sum(0), nice: sum(1), system: sum(2), idle: sum(3), iowait: sum(4), irq: sum(5), softirq: sum(6), steal: sum(7), guest: sum(8), guest_nice: sum(9),
    };
    const procEvery = this.o.procEvery ?? 10;
    if (this.i % procEvery === 0) this.table = this.readProcs(mono);
    const free = 8e9 + Math.floor(this.r() * 1e6) * 4096;
    const s: Sample = {
      mono_ns: mono,
      t,
      sys: {
        stat: { total, cores, ctxt: 1e7 + this.i * 500, processes: 5e4 + this.i, procs_running: 1 + Math.floor(this.r() * 3), procs_blocked: 0, btime: SYNTH_HOST.boot_time_s },
        mem: { total: 16e9, free, available: free + 2e9, buffers: 1e8, cached: 3e9, swap_cached: 0, swap_total: 0, swap_free: 0, shmem: 1e7, sreclaimable: 2e8, dirty: 4096 * Math.floor(this.r() * 100), writeback: 0 },
        load: { load1: Math.round(this.r() * 200) / 100, load5: 0.5, load15: 0.25, running: 2, total: 400 },
        psi: {
          cpu: { some: { avg10: 0.12, avg60: 0.05, avg300: 0.01, total: 1e6 + this.i * 30 }, full: null },
          memory: { some: { avg10: 0, avg60: 0, avg300: 0, total: 5000 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 4000 } },
          io: null,
        },
        net: [
          { iface: 'lo', ifindex: 1, rx_bytes: 1e6, rx_packets: 1e4, rx_errs: 0, rx_drop: 0, tx_bytes: 1e6, tx_packets: 1e4, tx_errs: 0, tx_drop: 0 },
          { iface: 'eth0', ifindex: 2, rx_bytes: this.net[0], rx_packets: this.net[1], rx_errs: 0, rx_drop: 0, tx_bytes: this.net[2], tx_packets: this.net[3], tx_errs: 0, tx_drop: 0 },
        ],
        snmp: null,
        vmstat: { pgfault: 1e8 + this.i * 300, pgmajfault: 1000, pswpin: 0, pswpout: 0 },
        disks: [{
          device: 'vda', major: 254, minor: 0, reads: 5e4, reads_merged: 1e4, read_sectors: 3e6, read_ms: 1e4, writes: 9e3 + this.disk[0], writes_merged: 1e5,
          write_sectors: 4e6 + this.disk[0] * 8, write_ms: 2e4, in_flight: 0, io_ms: 5000 + this.disk[0], weighted_io_ms: 3e4, discards: 0, discard_sectors: 0, flushes: 100,
        }],
        fs: [{ mount: '/', source: '/dev/vda', fstype: 'ext4', size_bytes: 2.5e11, free_bytes: 1e11, avail_bytes: 9e10, files: 1e7, files_free: 9e6 }],
        uptime_s: 1000 + (this.i * iv) / 1000,
      },
      procs: this.table,
      conns: null,
    };
    this.i++;
    return s;
  }

  private readProcs(mono: bigint): ProcTable {
    const busy = this.o.busyProcs ?? 20;
    // A little churn: a short-lived process now and then.
    if (this.r() < 0.05) this.procs.splice(Math.floor(this.r() * this.procs.length), 1);
    if (this.r() < 0.05) this.procs.push(this.newProc());
    const out: ProcSample[] = [];
    for (let k = 0; k < this.procs.length; k++) {
      const p = this.procs[k];
      if (k < busy) {
        p.utime += Math.floor(this.r() * 5);
        p.run += Math.floor(this.r() * 5e7);
        p.wait += Math.floor(this.r() * 1e6);
        p.minflt += Math.floor(this.r() * 20);
        p.rchar += Math.floor(this.r() * 4096);
        p.vol += Math.floor(this.r() * 10);
      }
      const slow: ProcSample['slow'] = {
        mono_ns: mono, rchar: p.rchar, wchar: 100, read_bytes: 0, write_bytes: 0, fds: 12,
      };
      const prev = this.prevSlow.get(p.pid) ?? null;
      this.prevSlow.set(p.pid, slow);
      out.push({
        pid: p.pid, start_time: p.start, ppid: 1, pgrp: p.pid, comm: `worker${p.pid % 50}`, cmdline: `/usr/bin/worker --id ${p.pid}`,
        cmdline_truncated: false, state: 'S', kthread: false, uid: 1000, user: 'app', nice: 0, priority: 20, threads: 1, processor: p.pid % this.cores,
        vsize_bytes: 2e8, rss_bytes: 5e7, minflt: p.minflt, majflt: 0, utime: p.utime, stime: 10, run_ns: p.run, wait_ns: p.wait, timeslices: p.vol,
        swap_bytes: 0, vol_ctxsw: p.vol, invol_ctxsw: 3, slow, slow_prev: prev, tcp: null, tcp_prev: null, shim: null,
      });
    }
    return { mono_ns: mono, procs: out };
  }
}

/** A counter value near or above 2^53, and the u64 maximum that /proc uses as a sentinel. */
export const BIG: Counter[] = [2n ** 53n + 1n, 2n ** 63n + 5n, 2n ** 64n - 1n];
