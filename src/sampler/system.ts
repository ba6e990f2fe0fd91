import * as fs from 'fs';
import type { DiskSample, NetDevSample, PsiSample, SystemSample } from '../model';
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

const EMPTY_PSI: PsiSample = { cpu: null, memory: null, io: null };
const IFINDEX_EVERY_NS = 1_000_000_000n;

/** Reads the system-wide /proc files every tick through kept fds. Owns no policy beyond what to read. */
export class SystemReader {
  private readonly procRoot: string;
  private readonly sysRoot: string;
  private readonly rb = new ReadBuf(65536);
  private readonly files: Record<string, KeptFile>;
  private readonly diskKinds = new Map<string, DiskKind>();
  private readonly ifindex = new Map<string, number | null>();
  private ifindexAt = -1n;
  private readonly timings: Timings | null;

  constructor(opts: SystemReaderOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.sysRoot = opts.sysRoot ?? '/sys';
    this.timings = opts.timings ?? null;
    const p = (rel: string): KeptFile => new KeptFile(`${this.procRoot}/${rel}`);
    this.files = {
      stat: p('stat'),
      meminfo: p('meminfo'),
      loadavg: p('loadavg'),
      psiCpu: p('pressure/cpu'),
      psiMemory: p('pressure/memory'),
      psiIo: p('pressure/io'),
      netdev: p('net/dev'),
      snmp: p('net/snmp'),
      vmstat: p('vmstat'),
      diskstats: p('diskstats'),
      uptime: p('uptime'),
    };
  }

  /** Reads one file and parses it, timing both when --debug-timings is on. */
  private take<T>(name: string, parse: (buf: Buffer) => T): T | null {
    const t0 = this.timings ? process.hrtime.bigint() : 0n;
    const n = this.files[name].read(this.rb);
    const out = n === null ? null : parse(this.rb.buf.subarray(0, n));
    if (this.timings) this.timings.add(name, process.hrtime.bigint() - t0);
    return out;
  }

  read(nowNs: bigint): Omit<SystemSample, 'fs'> {
    const stat = this.take('stat', parseStat);
    const mem = this.take('meminfo', parseMeminfo);
    const psi: PsiSample = {
      cpu: this.take('psiCpu', parsePressure),
      memory: this.take('psiMemory', parsePressure),
      io: this.take('psiIo', parsePressure),
    };
    const net = this.take('netdev', parseNetDev) ?? [];
    this.attachIfindex(net, nowNs);
    const disks = this.take('diskstats', parseDiskstats) ?? [];
    return {
      stat: stat ?? { total: null, cores: [], ctxt: null, processes: null, procs_running: null, procs_blocked: null, btime: null },
      mem: mem ?? parseMeminfo(''),
      load: this.take('loadavg', parseLoadavg),
      psi: psi.cpu || psi.memory || psi.io ? psi : EMPTY_PSI,
      net,
      snmp: this.take('snmp', parseSnmp),
      vmstat: this.take('vmstat', parseVmstat),
      disks: disks.filter((d) => this.diskKind(d) === 'disk'),
      uptime_s: this.take('uptime', parseUptime),
    };
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
