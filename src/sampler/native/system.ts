/**
 * The system tier over the native core: one addon call reads and parses every system file into typed
 * arrays; this side builds the same SystemSample the TypeScript SystemReader builds (src/sampler/system.ts),
 * and only for the files whose bytes changed (the others keep their last objects, as ParsedFile does).
 */
import * as fs from 'fs';
import * as os from 'os';
import type { CpuTimes, DiskSample, LoadSample, MemSample, NetDevSample, PsiLine, PsiResource, PsiSample, SnmpSample, StatSample, SystemSample, VmstatSample } from '../../model';
import { classifyDisk, DiskKind, SharedSystemFile } from '../system';
import { Timings } from '../timings';
import type { NativeAddon } from './load';
import {
  C_PRESENT, C_VALUES, counterAt, D_MAJOR, D_MINOR, D_NAME_ID, D_VALUES, N_NAME_ID, N_VALUES, NCPU_COLS, NDISK_COLS,
  NNET_COLS, NSCALARS, NSYS_FILES, numberAt, R_MISSING_SHIFT, R_OVERFLOW, S,
} from './layout';

const EMPTY_PSI: PsiSample = { cpu: null, memory: null, io: null };
const IFINDEX_EVERY_NS = 1_000_000_000n;
const F = { stat: 0, meminfo: 1, loadavg: 2, psiCpu: 3, psiMemory: 4, psiIo: 5, netdev: 6, snmp: 7, vmstat: 8, diskstats: 9, uptime: 10 } as const;
const MEM_KEYS = ['total', 'free', 'available', 'buffers', 'cached', 'swap_cached', 'swap_total', 'swap_free', 'shmem', 'sreclaimable', 'dirty', 'writeback'] as const;

class Table {
  f: Float64Array;
  u: BigUint64Array;
  constructor(
    readonly cols: number,
    public cap: number,
  ) {
    this.f = new Float64Array(cols * cap);
    this.u = new BigUint64Array(cols * cap);
  }
  grow(rows: number): void {
    this.cap = Math.max(rows, this.cap * 2);
    this.f = new Float64Array(this.cols * this.cap);
    this.u = new BigUint64Array(this.cols * this.cap);
  }
}

export interface NativeSystemOptions {
  procRoot?: string;
  sysRoot?: string;
  timings?: Timings | null;
}

export class NativeSystemReader {
  private readonly h: unknown;
  private readonly sysRoot: string;
  private readonly timings: Timings | null;
  private readonly scal = new Table(1, NSCALARS);
  private readonly cpu = new Table(NCPU_COLS, os.cpus().length + 2);
  private readonly net = new Table(NNET_COLS, 32);
  private readonly disk = new Table(NDISK_COLS, 128);
  private arena = new Uint8Array(65536);
  private arenaBuf = Buffer.from(this.arena.buffer);
  private readonly netNames: string[] = [];
  private readonly diskNames: string[] = [];
  private readonly diskKinds = new Map<string, DiskKind>();
  private readonly ifindex = new Map<string, number | null>();
  private ifindexAt = -1n;
  /** The last value of each file (null: unavailable), as ParsedFile keeps it. */
  private stat: StatSample | null = null;
  private mem: MemSample | null = null;
  private load: LoadSample | null = null;
  private psi: (PsiResource | null)[] = [null, null, null];
  private netdev: NetDevSample[] | null = null;
  private snmp: SnmpSample | null = null;
  private vmstat: VmstatSample | null = null;
  private disks: DiskSample[] | null = null;
  private uptime: number | null = null;

  constructor(
    private readonly addon: NativeAddon,
    opts: NativeSystemOptions = {},
  ) {
    this.h = addon.sysCreate(opts.procRoot ?? '/proc');
    this.sysRoot = opts.sysRoot ?? '/sys';
    this.timings = opts.timings ?? null;
    this.bind();
  }

  private bind(): void {
    const { scal, cpu, net, disk } = this;
    this.addon.sysBind(this.h, scal.f, scal.u, cpu.f, cpu.u, net.f, net.u, disk.f, disk.u, this.arena);
  }

  read(nowNs: bigint): Omit<SystemSample, 'fs'> {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    let missing = 0;
    for (let attempt = 0; ; attempt++) {
      const mask = this.addon.sysRead(this.h);
      missing = (mask >>> R_MISSING_SHIFT) & ((1 << NSYS_FILES) - 1);
      this.take(mask);
      if ((mask & R_OVERFLOW) === 0 || attempt >= 3) break;
      // A table was too small: the files that overflowed were not remembered and parse again into bigger ones.
      const sf = this.scal.f;
      if (sf[S.CPU_ROWS] > this.cpu.cap) this.cpu.grow(sf[S.CPU_ROWS]);
      if (sf[S.NET_ROWS] > this.net.cap) this.net.grow(sf[S.NET_ROWS]);
      if (sf[S.DISK_ROWS] > this.disk.cap) this.disk.grow(sf[S.DISK_ROWS]);
      if (sf[S.ARENA_NEED] > this.arena.length) {
        this.arena = new Uint8Array(Math.max(sf[S.ARENA_NEED], 2 * this.arena.length));
        this.arenaBuf = Buffer.from(this.arena.buffer);
      }
      this.bind();
    }
    const gone = (file: number): boolean => (missing & (1 << file)) !== 0;
    const psi: PsiSample = {
      cpu: gone(F.psiCpu) ? null : this.psi[0],
      memory: gone(F.psiMemory) ? null : this.psi[1],
      io: gone(F.psiIo) ? null : this.psi[2],
    };
    const net = gone(F.netdev) ? [] : (this.netdev ?? []);
    this.attachIfindex(net, nowNs);
    const out = {
      stat: (gone(F.stat) ? null : this.stat) ?? { total: null, cores: [], ctxt: null, processes: null, procs_running: null, procs_blocked: null, btime: null },
      mem: (gone(F.meminfo) ? null : this.mem) ?? emptyMem(),
      load: gone(F.loadavg) ? null : this.load,
      psi: psi.cpu || psi.memory || psi.io ? psi : EMPTY_PSI,
      net,
      snmp: gone(F.snmp) ? null : this.snmp,
      vmstat: gone(F.vmstat) ? null : this.vmstat,
      disks: (gone(F.diskstats) ? null : this.disks) ?? [],
      uptime_s: gone(F.uptime) ? null : this.uptime,
    };
    if (this.timings) this.timings.add('system', process.hrtime.bigint() - t0);
    return out;
  }

  /** As SystemReader.text: what `file` read at the last read(), kept by the core (sys_text in system.c). */
  text(file: SharedSystemFile): string | null {
    return this.addon.sysText(this.h, F[file]);
  }

  /** Builds the values of the files whose bytes changed in this read. */
  private take(mask: number): void {
    const sf = this.scal.f;
    const su = this.scal.u;
    if (mask & (1 << F.stat)) this.stat = this.buildStat();
    if (mask & (1 << F.meminfo)) {
      const m = {} as Record<(typeof MEM_KEYS)[number], number | null>;
      for (let i = 0; i < MEM_KEYS.length; i++) m[MEM_KEYS[i]] = numberAt(sf, S.MEM + i);
      this.mem = m;
    }
    if (mask & (1 << F.loadavg)) {
      const b = S.LOAD;
      this.load = sf[b] === 1 ? { load1: sf[b + 1], load5: sf[b + 2], load15: sf[b + 3], running: sf[b + 4], total: sf[b + 5] } : null;
    }
    for (let r = 0; r < 3; r++) {
      if ((mask & (1 << (F.psiCpu + r))) === 0) continue;
      const line = (l: number): PsiLine | null => {
        const b = S.PSI + r * 10 + l * 5;
        return sf[b] === 1 ? { avg10: sf[b + 1], avg60: sf[b + 2], avg300: sf[b + 3], total: counterAt(sf, su, b + 4)! } : null;
      };
      this.psi[r] = { some: line(0), full: line(1) };
    }
    if (mask & (1 << F.netdev)) this.netdev = this.buildNet();
    if (mask & (1 << F.snmp)) {
      const c = (i: number) => counterAt(sf, su, S.SNMP + i);
      this.snmp = {
        tcp_active_opens: c(0), tcp_passive_opens: c(1), tcp_attempt_fails: c(2), tcp_estab_resets: c(3),
        tcp_curr_estab: numberAt(sf, S.SNMP + 4), tcp_in_segs: c(5), tcp_out_segs: c(6), tcp_retrans_segs: c(7),
        tcp_in_errs: c(8), tcp_out_rsts: c(9), udp_in_datagrams: c(10), udp_out_datagrams: c(11), udp_in_errors: c(12),
        udp_no_ports: c(13),
      };
    }
    if (mask & (1 << F.vmstat)) {
      const c = (i: number) => counterAt(sf, su, S.VMSTAT + i);
      this.vmstat = { pgfault: c(0), pgmajfault: c(1), pswpin: c(2), pswpout: c(3) };
    }
    if (mask & (1 << F.diskstats)) this.disks = this.buildDisks();
    if (mask & (1 << F.uptime)) this.uptime = numberAt(sf, S.UPTIME);
  }

  private buildStat(): StatSample {
    const sf = this.scal.f;
    const { f, u, cap } = this.cpu;
    const row = (r: number): CpuTimes => {
      const c = (i: number) => counterAt(f, u, (C_VALUES + i) * cap + r);
      return { user: c(0)!, nice: c(1)!, system: c(2)!, idle: c(3)!, iowait: c(4), irq: c(5), softirq: c(6), steal: c(7), guest: c(8), guest_nice: c(9) };
    };
    const rows = sf[S.CPU_ROWS];
    const cores: (CpuTimes | null)[] = [];
    for (let r = 1; r < rows; r++) cores.push(f[C_PRESENT * cap + r] === 1 ? row(r) : null);
    const su = this.scal.u;
    return {
      total: sf[S.TOTAL_PRESENT] === 1 ? row(0) : null,
      cores,
      ctxt: counterAt(sf, su, S.CTXT),
      processes: counterAt(sf, su, S.PROCESSES),
      procs_running: numberAt(sf, S.PROCS_RUNNING),
      procs_blocked: numberAt(sf, S.PROCS_BLOCKED),
      btime: numberAt(sf, S.BTIME),
    };
  }

  /** A row's name: decoded once per name the core has interned (id ≥ 0), else from its bytes each time. */
  private name(t: Table, idCol: number, r: number, cache: string[]): string {
    const id = t.f[idCol * t.cap + r];
    if (id >= 0 && cache[id] !== undefined) return cache[id];
    const off = t.f[(idCol + 1) * t.cap + r];
    const s = this.arenaBuf.toString('utf8', off, off + t.f[(idCol + 2) * t.cap + r]);
    if (id >= 0) cache[id] = s;
    return s;
  }

  private buildNet(): NetDevSample[] {
    const t = this.net;
    const { f, u, cap } = t;
    const out: NetDevSample[] = [];
    for (let r = 0; r < this.scal.f[S.NET_ROWS]; r++) {
      const c = (i: number) => counterAt(f, u, (N_VALUES + i) * cap + r)!;
      out.push({
        iface: this.name(t, N_NAME_ID, r, this.netNames), ifindex: null,
        rx_bytes: c(0), rx_packets: c(1), rx_errs: c(2), rx_drop: c(3), tx_bytes: c(4), tx_packets: c(5), tx_errs: c(6), tx_drop: c(7),
      });
    }
    return out;
  }

  private buildDisks(): DiskSample[] {
    const t = this.disk;
    const { f, u, cap } = t;
    const out: DiskSample[] = [];
    for (let r = 0; r < this.scal.f[S.DISK_ROWS]; r++) {
      const c = (i: number) => counterAt(f, u, (D_VALUES + i) * cap + r);
      const d: DiskSample = {
        device: this.name(t, D_NAME_ID, r, this.diskNames), major: f[D_MAJOR * cap + r], minor: f[D_MINOR * cap + r],
        reads: c(0)!, reads_merged: c(1)!, read_sectors: c(2)!, read_ms: c(3)!, writes: c(4)!, writes_merged: c(5)!,
        write_sectors: c(6)!, write_ms: c(7)!, in_flight: Number(c(8)), io_ms: c(9)!, weighted_io_ms: c(10)!,
        discards: c(11), discard_sectors: c(12), flushes: c(13),
      };
      if (this.diskKind(d) === 'disk') out.push(d);
    }
    return out;
  }

  /** As SystemReader.diskKind: decided once per device name and number. */
  private diskKind(d: DiskSample): DiskKind {
    const key = `${d.device} ${d.major}:${d.minor}`;
    let kind = this.diskKinds.get(key);
    if (kind === undefined) {
      kind = classifyDisk(this.sysRoot, d.device);
      this.diskKinds.set(key, kind);
    }
    return kind;
  }

  /** As SystemReader.attachIfindex: /sys/class/net/IFACE/ifindex, re-read once a second. */
  private attachIfindex(net: NetDevSample[], nowNs: bigint): void {
    if (this.ifindexAt < 0n || nowNs - this.ifindexAt >= IFINDEX_EVERY_NS) {
      this.ifindexAt = nowNs;
      this.ifindex.clear();
    }
    for (const n of net) {
      let idx = this.ifindex.get(n.iface);
      if (idx === undefined) {
        let v = NaN;
        try {
          v = Number(fs.readFileSync(`${this.sysRoot}/class/net/${n.iface}/ifindex`, 'latin1').slice(0, 64).trim());
        } catch {
          // No such interface in /sys (a fixture, a namespace): no index.
        }
        idx = Number.isSafeInteger(v) ? v : null;
        this.ifindex.set(n.iface, idx);
      }
      n.ifindex = idx;
    }
  }

  close(): void {
    this.addon.close(this.h);
  }
}

function emptyMem(): MemSample {
  return { total: null, free: null, available: null, buffers: null, cached: null, swap_cached: null, swap_total: null, swap_free: null, shmem: null, sreclaimable: null, dirty: null, writeback: null };
}
