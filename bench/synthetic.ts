/**
 * Synthetic Samples with the shape of a real machine, for the 24-hour seek benchmark and for tests that
 * need counters /proc rarely shows (above 2^53, u64 sentinels, resets). Deterministic (seeded PRNG).
 */
import { Counter, counterAdd } from '../src/model/counter';
import type { CpuTimes, HostInfo, ProcSample, ProcTable, ProcTcp, Sample } from '../src/model';
import type { ConnsProcSample, ConnsSample, TcpSockSample } from '../src/model/conns';
import { PROC_RAW_BLANK } from '../src/model/fields/proc';
import { CLASSES, FNS, NHIST } from '../src/sampler/shim/layout';
import type { ShimProcSample } from '../src/model/shim';
import type { CgroupSample, CgroupTable } from '../src/model/cgroups';

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
  /**
   * A connections tier: this many TCP sockets (held by the first processes), read every `connsEvery`
   * samples (default 10; not a multiple of procEvery makes the two tiers slip against each other).
   */
  socks?: number;
  connsEvery?: number;
  /** Chance per process tick that a process exits, and that one starts (default 0.05 each). */
  churn?: number;
  /**
   * The first this many processes run under the vigil run shim (default 0): traffic, peers (one IPv6, one
   * inbound), a counter above 2^53; the first with --alloc heap counters; the second loses its shim file
   * for a while (process ticks 40–49), the third runs an image without the shim from tick 70 on.
   */
  shimProcs?: number;
  /**
   * A cgroup tier read with the process table (default 0: none): the root, a slice and this many services
   * under it, with a 50% quota on the first, a memory limit on every other one, a u64-scale counter, two
   * devices, PSI; service 2 is removed from process tick 30 to 39 (its group closes and comes back).
   */
  cgroups?: number;
}

interface SockState {
  sk: TcpSockSample;
  /** Bytes per read while busy, 0 when idle. */
  rate: number;
  /** Read before: the next read takes a delta, not the socket's whole life. */
  seen: boolean;
}

interface Acc {
  since: bigint | null;
  tx: Counter | null;
  rx: Counter | null;
  re: Counter | null;
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
  private socks: SockState[] = [];
  private nextCookie = 5000;
  private accs = new Map<number, Acc>();
  private conns: ConnsSample | null = null;
  private prevConnsNs: bigint | null = null;
  private tcpHist = new Map<number, { start: number; cur: ProcTcp; prev: ProcTcp | null }>();
  private shims = new Map<number, ShimProcSample>();
  private procTicks = 0;
  private cgTable: CgroupTable | null = null;
  private readonly cgR: () => number;
  private readonly cgAcc = new Map<string, number[]>();
  constructor(private readonly o: SynthOptions = {}) {
    this.r = rng(o.seed ?? 42);
    // Its own generator: a source without cgroups draws the same numbers as before.
    this.cgR = rng((o.seed ?? 42) + 7);
    this.cores = o.cores ?? 4;
    this.cpu = Array.from({ length: this.cores }, () => [1e6, 1e3, 5e5, 1e8, 1e4, 0, 1e3, 0, 0, 0]);
    for (let p = 0; p < (o.procs ?? 300); p++) this.procs.push(this.newProc());
    for (let k = 0; k < (o.socks ?? 0); k++) this.socks.push(this.newSock(k));
  }

  /** Socket k: held by process k % 8 (two held by two processes, one by none, one a listener, one with a u64 cookie). */
  private newSock(k: number): SockState {
    // Owners move round as sockets are replaced, so processes stop and start holding sockets (their
    // accumulators start over).
    const owner = this.procs[(k + this.nextCookie) % Math.min(8, this.procs.length)]?.pid ?? 1000;
    const cookie: Counter = k === 1 ? 2n ** 64n - 3n : this.nextCookie++;
    const pids = k === 2 ? [] : k === 3 ? [owner, owner + 1] : [owner];
    const listen = k === 4;
    const port = 40000 + this.nextCookie;
    const sk: TcpSockSample = {
      cookie, inode: 9000 + this.nextCookie, uid: 1000, family: k % 3 === 0 ? 6 : 4, state: listen ? 'LISTEN' : 'ESTABLISHED',
      local: k % 3 === 0 ? `[::1]:${port}` : `127.0.0.1:${port}`, remote: listen ? '0.0.0.0:0' : `10.0.0.${k % 250}:443`,
      local_port: port, remote_port: listen ? 0 : 443, rqueue: 0, wqueue: 0, rtt_us: 200 + k, rttvar_us: 50, cwnd: 10,
      bytes_acked: k === 5 ? 2n ** 53n + 7n : 0, bytes_received: 0, total_retrans: 0, pids,
    };
    return { sk, rate: listen ? 0 : Math.floor(this.r() * 3) * 20_000, seen: false };
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
    if (this.socks.length > 0 && this.i % (this.o.connsEvery ?? 10) === 3 % (this.o.connsEvery ?? 10)) this.conns = this.readConns(mono - 2_000_000n, t - 2);
    if (this.i % procEvery === 0) this.table = this.readProcs(mono);
    if (this.i % procEvery === 0 && (this.o.cgroups ?? 0) > 0) this.cgTable = this.readCgroups(mono, this.i / procEvery);
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
      conns: this.conns,
    };
    if ((this.o.cgroups ?? 0) > 0) s.cgroups = this.cgTable;
    this.i++;
    return s;
  }

  private readCgroups(mono: bigint, tick: number): CgroupTable {
    const n = this.o.cgroups ?? 0;
    const paths = ['/', '/system.slice', ...Array.from({ length: n }, (_, k) => `/system.slice/svc${k}.service`)]
      .filter((p) => !(p === '/system.slice/svc2.service' && tick >= 30 && tick < 40));
    const groups = paths.map((path, k): CgroupSample => {
      let acc = this.cgAcc.get(path);
      if (acc === undefined) this.cgAcc.set(path, (acc = [k * 1e6, 0, 0, 0, 0, 0]));
      const busy = Math.floor(this.cgR() * 500_000);
      acc[0] += busy; // usage µs
      acc[1] += 10; // periods
      acc[2] += k === 2 ? Math.floor(this.cgR() * 10) : 0; // throttled
      acc[3] += Math.floor(this.cgR() * 4096) * 16; // read bytes
      acc[4] += this.cgR() < 0.02 ? 1 : 0; // OOM kills
      acc[5] += 1;
      const limited = k % 2 === 0 && k > 0;
      return {
        path, depth: path === '/' ? 0 : path.split('/').length - 1,
        cpu_usage_usec: acc[0], cpu_user_usec: Math.floor(acc[0] * 0.75), cpu_system_usec: acc[0] - Math.floor(acc[0] * 0.75),
        nr_periods: acc[1], nr_throttled: acc[2], throttled_usec: acc[2] * 1000, cpu_quota_usec: k === 2 ? 50_000 : null, cpu_period_usec: 100_000,
        mem_current_bytes: 1e8 + Math.floor(this.cgR() * 1e6) * 4096, mem_peak_bytes: 9e8, mem_max_bytes: limited ? 1e9 : null, mem_high_bytes: null,
        mem_limited: path === '/' ? null : limited, mem_anon_bytes: 5e7, mem_file_bytes: 4e7, mem_kernel_bytes: 1e6, mem_inactive_file_bytes: 1e7,
        oom: acc[4], oom_kill: acc[4],
        io: k === 3 ? null : [
          { dev: '8:0', rbytes: acc[3], wbytes: acc[5] * 4096, rios: acc[5], wios: acc[5] },
          { dev: '259:0', rbytes: k === 1 ? 2n ** 60n + BigInt(acc[5]) : 0, wbytes: 0, rios: 0, wios: 0 },
        ],
        pids_current: 3 + k, pids_max: limited ? 100 : null,
        psi: {
          cpu: { some: { avg10: 0.25, avg60: 0.5, avg300: 0.75, total: acc[0] >> 3 }, full: { avg10: 0, avg60: 0, avg300: 0, total: acc[0] >> 5 } },
          memory: k === 0 ? null : { some: { avg10: 0, avg60: 0, avg300: 0, total: 10 }, full: null },
          io: null,
        },
      };
    });
    return { mono_ns: mono, layout: 'v2', groups, truncated: false };
  }

  private readProcs(mono: bigint): ProcTable {
    const busy = this.o.busyProcs ?? 20;
    // A little churn: a short-lived process now and then.
    const churn = this.o.churn ?? 0.05;
    if (this.r() < churn) this.procs.splice(Math.floor(this.r() * this.procs.length), 1);
    if (this.r() < churn) this.procs.push(this.newProc());
    const out: ProcSample[] = [];
    this.procTicks++;
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
        ...PROC_RAW_BLANK,
        pid: p.pid, start_time: p.start, ppid: 1, pgrp: p.pid, comm: `worker${p.pid % 50}`, cmdline: `/usr/bin/worker --id ${p.pid}`,
        cmdline_truncated: false, state: 'S', kthread: false, uid: 1000, user: 'app',
        // Processes move between services now and then, each at its own moment: a text column is kept only as it changes.
        cgroup: `/system.slice/app${Math.floor((Number(mono / 1_000_000_000n) + p.pid * 13) / 90) % 4}.service`, nice: 0, priority: 20, threads: 1, processor: p.pid % this.cores,
        vsize_bytes: 2e8, rss_bytes: 5e7, minflt: p.minflt, majflt: 0, utime: p.utime, stime: 10, run_ns: p.run, wait_ns: p.wait, timeslices: p.vol,
        swap_bytes: 0, vol_ctxsw: p.vol, invol_ctxsw: 3, slow, slow_prev: prev, tcp: null, tcp_prev: null,
        shim: k < (this.o.shimProcs ?? 0) ? this.shimOf(p, k) : null,
      });
    }
    if (this.conns !== null) this.attachTcp(out, this.conns);
    return { mono_ns: mono, procs: out };
  }

  /** Process k's shim counters this tick (see SynthOptions.shimProcs); a fresh object each tick, as the reader gives. */
  private shimOf(p: ProcState, k: number): ShimProcSample | null {
    const tick = this.procTicks;
    if (k === 1 && tick >= 40 && tick < 50) return null;
    let s = this.shims.get(p.pid);
    if (s === undefined || s.start_time !== p.start) {
      const io = {} as ShimProcSample['io'];
      for (const c of CLASSES) {
        io[c] = {} as ShimProcSample['io'][typeof c];
        for (const f of FNS) io[c][f] = { calls: 0, bytes: 0 };
      }
      const connect = {} as ShimProcSample['connect'];
      for (const c of CLASSES) connect[c] = { attempts: 0, failures: 0 };
      s = {
        pid: p.pid, start_time: p.start, attached: true, exited: false, attaches: 1, io, connect,
        connect_latency: { count: 0, sum_ns: 0, hist: new Array<Counter>(NHIST).fill(0) }, untracked_calls: 0,
        dests: [
          { family: 6, addr: '2001:db8::1', port: 443, inbound: false, tx_bytes: 0, tx_calls: 0, rx_bytes: 0, rx_calls: 0 },
          { family: 4, addr: '10.1.2.3', port: 0, inbound: true, tx_bytes: 0, tx_calls: 0, rx_bytes: 0, rx_calls: 0 },
        ],
        dest_overflow: { tx_bytes: 0, tx_calls: 0, rx_bytes: 0, rx_calls: 0 },
        alloc: k === 0 ? { malloc_calls: 0, calloc_calls: 0, realloc_calls: 0, memalign_calls: 0, free_calls: 0, alloc_bytes: 0, free_bytes: 0, inherited_bytes: 4096 } : null,
      };
      // A counter past 2^53: stored and read back exactly.
      if (k === 0) s.io.udp.sendto.bytes = 2n ** 53n + 11n;
    }
    // Detached (it exec'd a program without the shim): the counters stand still, as the reader gives them.
    if (k === 2 && tick >= 70) return { ...s, attached: false };
    const tx = Math.floor(this.r() * 50_000);
    const rx = Math.floor(this.r() * 80_000);
    const n = structuredClone(s);
    n.io.tcp.send = { calls: counterAdd(n.io.tcp.send.calls, tx > 0 ? 1 : 0), bytes: counterAdd(n.io.tcp.send.bytes, tx) };
    n.io.tcp.recv = { calls: counterAdd(n.io.tcp.recv.calls, rx > 0 ? 1 : 0), bytes: counterAdd(n.io.tcp.recv.bytes, rx) };
    n.io.unix.write.bytes = counterAdd(n.io.unix.write.bytes, 100);
    n.dests[0].tx_bytes = counterAdd(n.dests[0].tx_bytes, tx);
    n.dests[1].rx_bytes = counterAdd(n.dests[1].rx_bytes, rx);
    if (tick % 7 === 0) {
      n.connect.tcp.attempts = counterAdd(n.connect.tcp.attempts, 1);
      n.connect_latency.count = counterAdd(n.connect_latency.count, 1);
      n.connect_latency.sum_ns = counterAdd(n.connect_latency.sum_ns, 300_000);
      n.connect_latency.hist[8] = counterAdd(n.connect_latency.hist[8], 1);
    }
    if (n.alloc !== null) {
      n.alloc.malloc_calls = counterAdd(n.alloc.malloc_calls, 3);
      n.alloc.alloc_bytes = counterAdd(n.alloc.alloc_bytes, 3 * 512);
      n.alloc.free_calls = counterAdd(n.alloc.free_calls, 2);
      n.alloc.free_bytes = counterAdd(n.alloc.free_bytes, 2 * 512);
    }
    this.shims.set(p.pid, n);
    return { ...n };
  }

  /** One read of a synthetic connections tier, with the accumulators' rules of the real reader. */
  private readConns(mono: bigint, t: number): ConnsSample {
    const tcp: TcpSockSample[] = [];
    const moved = new Map<number, [number, number, number]>();
    for (let k = 0; k < this.socks.length; k++) {
      let st = this.socks[k];
      // Churn: a socket closes and another opens (its owner's accumulators may start over).
      if (k > 5 && this.r() < 0.08) st = this.socks[k] = this.newSock(k);
      const old = st.sk;
      const fresh = !st.seen;
      st.seen = true;
      const busy = st.rate > 0 && this.r() < 0.7;
      const tx = busy ? Math.floor(this.r() * st.rate) : 0;
      const rx = busy ? Math.floor(this.r() * st.rate * 2) : 0;
      const re = busy && this.r() < 0.1 ? 1 : 0;
      const sk: TcpSockSample = {
        ...old,
        bytes_acked: counterAdd(old.bytes_acked ?? 0, tx),
        bytes_received: counterAdd(old.bytes_received ?? 0, rx),
        total_retrans: (old.total_retrans ?? 0) + re,
        rtt_us: busy ? 150 + Math.floor(this.r() * 200) : old.rtt_us,
        wqueue: busy ? Math.floor(this.r() * 4096) : 0,
      };
      st.sk = sk;
      tcp.push(sk);
      for (const pid of sk.pids) {
        const m = moved.get(pid) ?? [0, 0, 0];
        // A new socket counts from zero: all it moved, it moved since the previous read.
        m[0] += fresh ? counterToNum(sk.bytes_acked) : tx;
        m[1] += fresh ? counterToNum(sk.bytes_received) : rx;
        m[2] += re;
        moved.set(pid, m);
      }
    }
    const procs: ConnsProcSample[] = [];
    const holders = new Set<number>(moved.keys());
    // Two processes with Unix sockets only: holders with no TCP counter (null, not 0).
    for (const p of this.procs.slice(8, Math.floor(this.i / 50) % 2 === 0 ? 10 : 9)) holders.add(p.pid);
    for (const pid of [...holders].sort((a, b) => a - b)) {
      let a = this.accs.get(pid);
      if (a === undefined) this.accs.set(pid, (a = { since: this.prevConnsNs, tx: null, rx: null, re: null }));
      const m = moved.get(pid);
      if (m) {
        a.tx = counterAdd(a.tx ?? 0, m[0]);
        a.rx = counterAdd(a.rx ?? 0, m[1]);
        a.re = counterAdd(a.re ?? 0, m[2]);
      }
      const nTcp = tcp.filter((k) => k.pids.includes(pid));
      procs.push({
        pid, comm: `worker${pid % 50}`, tcp: nTcp.filter((k) => k.state !== 'LISTEN').length, tcp_listen: nTcp.filter((k) => k.state === 'LISTEN').length,
        udp: pid % 3 === 0 ? 1 : 0, unix: 2, tcp_tx_bytes: a.tx, tcp_rx_bytes: a.rx, tcp_retrans: a.re, since_ns: a.since,
      });
    }
    for (const pid of this.accs.keys()) if (!holders.has(pid)) this.accs.delete(pid);
    this.prevConnsNs = mono;
    const phase = Math.floor(this.i / 200) % 3;
    return {
      mono_ns: mono, t, tcp, procs, denied: phase === 1 ? [77, 78] : phase === 2 ? [77] : [], scan_incomplete: this.r() < 0.05,
      malformed: 0, cost_ms: Math.round(this.r() * 1e6) / 1e5,
    };
  }

  /**
   * The sampler's rule (src/sampler/attach.ts, Attachments): each process gets the latest and previous reads
   * it was given; one that held no socket at its last two reads keeps that zero pair.
   */
  private attachTcp(table: ProcSample[], conns: ConnsSample): void {
    const byPid = new Map(conns.procs.map((p) => [p.pid, p]));
    const idle = (t: ProcTcp): boolean => t.conns === 0 && t.since_ns === null && t.tx_bytes === 0 && t.rx_bytes === 0 && t.retrans === 0;
    for (const p of table) {
      if (conns.denied.includes(p.pid % 100)) continue;
      let h = this.tcpHist.get(p.pid);
      if (h !== undefined && h.start !== p.start_time) h = undefined;
      if (h === undefined || h.cur.mono_ns !== conns.mono_ns) {
        const c = byPid.get(p.pid);
        if (c === undefined && h !== undefined && h.prev !== null && idle(h.cur) && idle(h.prev)) {
          p.tcp = h.cur;
          p.tcp_prev = h.prev;
          continue;
        }
        const cur: ProcTcp = c
          ? { mono_ns: conns.mono_ns, since_ns: c.since_ns, tx_bytes: c.tcp_tx_bytes, rx_bytes: c.tcp_rx_bytes, retrans: c.tcp_retrans, conns: c.tcp }
          : { mono_ns: conns.mono_ns, since_ns: null, tx_bytes: 0, rx_bytes: 0, retrans: 0, conns: 0 };
        h = { start: p.start_time, cur, prev: h?.cur ?? null };
        this.tcpHist.set(p.pid, h);
      }
      p.tcp = h.cur;
      p.tcp_prev = h.prev;
    }
  }
}

function counterToNum(c: Counter | null): number {
  return c === null ? 0 : Number(c);
}

/** A counter value near or above 2^53, and the u64 maximum that /proc uses as a sentinel. */
export const BIG: Counter[] = [2n ** 53n + 1n, 2n ** 63n + 5n, 2n ** 64n - 1n];
