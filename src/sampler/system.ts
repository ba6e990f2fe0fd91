import * as fs from 'fs';
import type { DiskSample, LoadSample, MemSample, NetDevSample, PsiResource, PsiSample, SnmpSample, StatSample, SystemSample, VmstatSample } from '../model';
import { KeptFile, ReadBuf, readOnce } from './procfile';
import { isPseudoDisk, parseDiskstats } from './parse/diskstats';
import { parseLoadavg } from './parse/loadavg';
import { parseMeminfo } from './parse/meminfo';
import { parseNetDev } from './parse/netdev';
import { parsePressure } from './parse/pressure';
import { parseSnmp } from './parse/snmp';
import { parseStat } from './parse/stat';
import { parseUptime } from './parse/uptime';
import { parseVmstat } from './parse/vmstat';
import { Timings } from './timings';

export type DiskKind = 'disk' | 'partition' | 'virtual';

export interface SystemReaderOptions {
  procRoot?: string;
  sysRoot?: string;
  timings?: Timings | null;
}

/** The files read every tick, relative to procRoot (the benchmarks time these same reads). */
export const SYSTEM_FILES = {
  stat: 'stat',
  meminfo: 'meminfo',
  loadavg: 'loadavg',
  psiCpu: 'pressure/cpu',
  psiMemory: 'pressure/memory',
  psiIo: 'pressure/io',
  netdev: 'net/dev',
  snmp: 'net/snmp',
  vmstat: 'vmstat',
  diskstats: 'diskstats',
  uptime: 'uptime',
} as const;

/**
 * The system files the node tier (node-tier.ts) also wants, whole: it takes this tick's text from the
 * system tier (text()) instead of reading them a second time.
 */
export const SHARED_SYSTEM_FILES = ['stat', 'meminfo', 'netdev', 'snmp', 'vmstat', 'diskstats'] as const;
export type SharedSystemFile = (typeof SHARED_SYSTEM_FILES)[number];

const EMPTY_PSI: PsiSample = { cpu: null, memory: null, io: null };
const IFINDEX_EVERY_NS = 1_000_000_000n;

/**
 * A kept system file and what its last bytes parsed to. Much of /proc reads the same from one 100 ms tick
 * to the next (loadavg moves every 5 s; PSI, snmp, diskstats and net/dev only with stalls, traffic and
 * I/O), and the same bytes parse to the same value: a compare (a memcmp) instead of a decode and a parse,
 * and derive sees the very same object twice.
 */
class ParsedFile<T> {
  private readonly file: KeptFile;
  private last = Buffer.alloc(0);
  private lastLen = -1;
  private value: T | null = null;
  /** `last` holds the bytes of the latest read (it failed otherwise). */
  private fresh = false;

  constructor(
    readonly name: string,
    path: string,
    private readonly parse: (buf: Buffer) => T,
  ) {
    this.file = new KeptFile(path);
  }

  read(rb: ReadBuf): T | null {
    this.fresh = false;
    const n = this.file.read(rb);
    if (n === null) return null;
    if (n === this.lastLen && rb.buf.compare(this.last, 0, n, 0, n) === 0) {
      this.fresh = true;
      return this.value;
    }
    this.value = this.parse(rb.buf.subarray(0, n));
    if (this.last.length < n) this.last = Buffer.allocUnsafe(Math.max(n, 2 * this.last.length));
    rb.buf.copy(this.last, 0, 0, n);
    this.lastLen = n;
    this.fresh = true;
    return this.value;
  }

  /** The text of the latest read, or null when it failed. */
  text(): string | null {
    return this.fresh ? this.last.toString('utf8', 0, this.lastLen) : null;
  }

  close(): void {
    this.file.close();
  }
}

/** Reads the system-wide /proc files every tick through kept fds. Owns no policy beyond what to read. */
export class SystemReader {
  private readonly procRoot: string;
  private readonly sysRoot: string;
  private readonly rb = new ReadBuf(65536);
  private readonly files: {
    stat: ParsedFile<StatSample>;
    meminfo: ParsedFile<MemSample>;
    loadavg: ParsedFile<LoadSample | null>;
    psiCpu: ParsedFile<PsiResource>;
    psiMemory: ParsedFile<PsiResource>;
    psiIo: ParsedFile<PsiResource>;
    netdev: ParsedFile<NetDevSample[]>;
    snmp: ParsedFile<SnmpSample>;
    vmstat: ParsedFile<VmstatSample>;
    diskstats: ParsedFile<DiskSample[]>;
    uptime: ParsedFile<number | null>;
  };
  private readonly diskKinds = new Map<string, DiskKind>();
  private readonly ifindex = new Map<string, number | null>();
  private ifindexAt = -1n;
  private readonly timings: Timings | null;

  constructor(opts: SystemReaderOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.sysRoot = opts.sysRoot ?? '/sys';
    this.timings = opts.timings ?? null;
    const p = <T>(name: keyof typeof SYSTEM_FILES, parse: (buf: Buffer) => T): ParsedFile<T> =>
      new ParsedFile(name, `${this.procRoot}/${SYSTEM_FILES[name]}`, parse);
    this.files = {
      stat: p('stat', parseStat),
      meminfo: p('meminfo', parseMeminfo),
      loadavg: p('loadavg', parseLoadavg),
      psiCpu: p('psiCpu', parsePressure),
      psiMemory: p('psiMemory', parsePressure),
      psiIo: p('psiIo', parsePressure),
      netdev: p('netdev', parseNetDev),
      snmp: p('snmp', parseSnmp),
      vmstat: p('vmstat', parseVmstat),
      // Whole disks only, decided once per set of bytes.
      diskstats: p('diskstats', (buf) => parseDiskstats(buf).filter((d) => this.diskKind(d) === 'disk')),
      uptime: p('uptime', parseUptime),
    };
  }

  /** Reads one file and parses it if its bytes changed, timing both when --debug-timings is on. */
  private take<T>(f: ParsedFile<T>): T | null {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    const out = f.read(this.rb);
    if (this.timings) this.timings.add(f.name, process.hrtime.bigint() - t0);
    return out;
  }

  read(nowNs: bigint): Omit<SystemSample, 'fs'> {
    const stat = this.take(this.files.stat);
    const mem = this.take(this.files.meminfo);
    const psi: PsiSample = {
      cpu: this.take(this.files.psiCpu),
      memory: this.take(this.files.psiMemory),
      io: this.take(this.files.psiIo),
    };
    const net = this.take(this.files.netdev) ?? [];
    this.attachIfindex(net, nowNs);
    return {
      stat: stat ?? { total: null, cores: [], ctxt: null, processes: null, procs_running: null, procs_blocked: null, btime: null },
      mem: mem ?? parseMeminfo(''),
      load: this.take(this.files.loadavg),
      psi: psi.cpu || psi.memory || psi.io ? psi : EMPTY_PSI,
      net,
      snmp: this.take(this.files.snmp),
      vmstat: this.take(this.files.vmstat),
      disks: this.take(this.files.diskstats) ?? [],
      uptime_s: this.take(this.files.uptime),
    };
  }

  /** What `file` read at the last read(), whole, or null when it was unavailable (see SHARED_SYSTEM_FILES). */
  text(file: SharedSystemFile): string | null {
    return this.files[file].text();
  }

  /**
   * A re-created interface (VPN, veth) keeps its name but gets a new ifindex and restarts its counters at 0;
   * the index lets derive tell that from a wrap. It changes rarely, so it is re-read once a second.
   */
  private attachIfindex(net: NetDevSample[], nowNs: bigint): void {
    const refresh = this.ifindexAt < 0n || nowNs - this.ifindexAt >= IFINDEX_EVERY_NS;
    if (refresh) {
      this.ifindexAt = nowNs;
      this.ifindex.clear();
    }
    for (const n of net) {
      let idx = this.ifindex.get(n.iface);
      if (idx === undefined) {
        const len = readOnce(`${this.sysRoot}/class/net/${n.iface}/ifindex`, this.rb, 64);
        const v = len === null ? NaN : Number(this.rb.buf.toString('latin1', 0, len).trim());
        idx = Number.isSafeInteger(v) ? v : null;
        this.ifindex.set(n.iface, idx);
      }
      n.ifindex = idx;
    }
  }

  /**
   * Whole disks only by default: a partition double-counts its disk, and loop, RAM and device-mapper
   * devices are views of other devices. /sys/block lists whole devices; the ones with a `device` link are
   * backed by hardware (or a hypervisor's virtual disk). Without /sys (a fixture root) the name decides.
   */
  diskKind(d: DiskSample): DiskKind {
    const key = `${d.device} ${d.major}:${d.minor}`;
    let kind = this.diskKinds.get(key);
    if (kind === undefined) {
      kind = classifyDisk(this.sysRoot, d.device);
      this.diskKinds.set(key, kind);
    }
    return kind;
  }

  close(): void {
    for (const f of Object.values(this.files)) f.close();
  }
}

export function classifyDisk(sysRoot: string, name: string): DiskKind {
  if (isPseudoDisk(name)) return 'virtual';
  const sysName = name.replace(/\//g, '!'); // cciss/c0d0 is cciss!c0d0 in sysfs
  if (fs.existsSync(`${sysRoot}/block`)) {
    if (!fs.existsSync(`${sysRoot}/block/${sysName}`)) return 'partition';
    return fs.existsSync(`${sysRoot}/block/${sysName}/device`) ? 'disk' : 'virtual';
  }
  if (/^(dm-|md)\d/.test(name)) return 'virtual';
  if (/^(sd|vd|xvd|hd)[a-z]+\d+$/.test(name) || /^(nvme\d+n\d+|mmcblk\d+)p\d+$/.test(name)) return 'partition';
  return 'disk';
}
