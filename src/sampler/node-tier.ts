/**
 * The node tier: the files only a Prometheus exporter wants (src/model/node.ts), read synchronously from
 * Sampler.sample() at most once per `everyMs` (1 s) and only when the sampler was asked for them
 * (`node: true`, which `vigil serve` and `vigil record --listen` set). A TUI or a plain `record` never
 * opens them. Between reads, samples carry the same NodeSample object.
 *
 * Why not at scrape time, as node_exporter does: a scrape only reads memory in vigil (family.ts), so that a
 * burst of scrapes costs no /proc reads and every family of a scrape describes the same tick.
 */
import * as fs from 'fs';
import type { FsStatus, NetClassSample, NetDevFull, NodeSample, UdpQueues } from '../model/node';
import { KeptFile, ReadBuf, readOnce } from './procfile';
import { nodeExporterIgnoresDisk, parseDiskstatsFull } from './parse/diskstats';
import { parseConntrackStat } from './parse/conntrack';
import { parseIntrTotal } from './parse/intr';
import { parseMeminfoAll } from './parse/meminfo-all';
import { NETCLASS_ATTRS, NetClassAttr, parseNetClass, sysfsInt } from './parse/netclass';
import { SysfsAttrs } from './sysfs-attrs';
import { SHARED_SYSTEM_FILES, SharedSystemFile } from './system';
import { parseNetDevFull } from './parse/netdev';
import { parseNetstat, parseSnmp6 } from './parse/netstat';
import { parseArp, parseFileNr, parseOneInt, parseUdevProps, parseUdpQueues, parseVmstatAll } from './parse/node-files';
import { parseSockstat } from './parse/sockstat';
import { parseSoftnet } from './parse/softnet';

export const NODE_TIER_MS = 1000;
const NOHANDLER = ['statistics/rx_nohandler'] as const;

/** The /proc files of the node tier, relative to procRoot. */
export const NODE_PROC_FILES = {
  meminfo: 'meminfo',
  netdev: 'net/dev',
  sockstat: 'net/sockstat',
  sockstat6: 'net/sockstat6',
  netstat: 'net/netstat',
  snmp: 'net/snmp',
  snmp6: 'net/snmp6',
  vmstat: 'vmstat',
  softnet: 'net/softnet_stat',
  filenr: 'sys/fs/file-nr',
  entropyAvail: 'sys/kernel/random/entropy_avail',
  entropyPool: 'sys/kernel/random/poolsize',
  conntrackCount: 'sys/net/netfilter/nf_conntrack_count',
  conntrackMax: 'sys/net/netfilter/nf_conntrack_max',
  conntrackStat: 'net/stat/nf_conntrack',
  arp: 'net/arp',
  udp: 'net/udp',
  udp6: 'net/udp6',
  stat: 'stat',
  diskstats: 'diskstats',
} as const;
type NodeFile = keyof typeof NODE_PROC_FILES;

/** The node_exporter collector each file belongs to: what `--no-collector.X` (or vigil's equivalent) turns off. */
export const NODE_FILE_COLLECTOR: Record<NodeFile, string> = {
  meminfo: 'meminfo', netdev: 'netdev', sockstat: 'sockstat', sockstat6: 'sockstat', netstat: 'netstat', snmp: 'netstat', snmp6: 'netstat',
  vmstat: 'vmstat', softnet: 'softnet', filenr: 'filefd', entropyAvail: 'entropy', entropyPool: 'entropy', conntrackCount: 'conntrack',
  conntrackMax: 'conntrack', conntrackStat: 'conntrack', arp: 'arp', udp: 'udp_queues', udp6: 'udp_queues', stat: 'stat', diskstats: 'diskstats',
};
/** Every collector the node tier reads for (the files above, netclass's sysfs, the filesystem tier's flags). */
export const NODE_COLLECTORS = [...new Set([...Object.values(NODE_FILE_COLLECTOR), 'netclass', 'filesystem'])];

/** The node tier's collectors not to read when only `served` are served (`--collectors`; null: all are). */
export function nodeDisabledFor(served: ReadonlySet<string> | null): ReadonlySet<string> {
  return new Set(served === null ? [] : NODE_COLLECTORS.filter((c) => !served.has(c)));
}

export interface NodeTierOptions {
  procRoot?: string;
  sysRoot?: string;
  /** udev's database, for node_disk_info's labels. */
  udevRoot?: string;
  everyMs?: number;
  /** The filesystem tier's view of its mounts (readonly, device_error), if it runs. */
  fsStatus?: () => FsStatus[];
  /** node_exporter collector names (NODE_COLLECTORS) whose files are not read at all. */
  disabled?: ReadonlySet<string>;
  /**
   * This tick's text of the files the system tier reads too (SHARED_SYSTEM_FILES), so that each is read
   * once; null for one it could not read, which is then read here. Absent: every file is read here.
   */
  systemText?: (file: SharedSystemFile) => string | null;
}

const SHARED: ReadonlySet<string> = new Set(SHARED_SYSTEM_FILES);
const isShared = (f: NodeFile): f is NodeFile & SharedSystemFile => SHARED.has(f);

export class NodeTier {
  private readonly sysRoot: string;
  private readonly udevRoot: string;
  private readonly everyNs: bigint;
  private readonly rb = new ReadBuf(65536);
  private readonly sysfs = new SysfsAttrs(this.rb);
  private readonly files: Record<NodeFile, KeptFile>;
  private readonly fsStatus: () => FsStatus[];
  private readonly disabled: ReadonlySet<string>;
  private readonly systemText: ((file: SharedSystemFile) => string | null) | null;
  private last: NodeSample | null = null;

  constructor(opts: NodeTierOptions = {}) {
    const procRoot = opts.procRoot ?? '/proc';
    this.sysRoot = opts.sysRoot ?? '/sys';
    this.udevRoot = opts.udevRoot ?? '/run/udev/data';
    this.everyNs = BigInt(Math.round((opts.everyMs ?? NODE_TIER_MS) * 1e6));
    this.fsStatus = opts.fsStatus ?? (() => []);
    this.disabled = opts.disabled ?? new Set();
    this.systemText = opts.systemText ?? null;
    this.files = Object.fromEntries(
      Object.entries(NODE_PROC_FILES).map(([k, rel]) => [k, new KeptFile(`${procRoot}/${rel}`)]),
    ) as Record<NodeFile, KeptFile>;
  }

  /** The latest NodeSample, re-read when the last one is `everyMs` old (half a tick early, as the process tier). */
  sample(nowNs: bigint, tickNs: bigint): NodeSample {
    if (this.last !== null && nowNs - this.last.mono_ns >= 0n && nowNs - this.last.mono_ns < this.everyNs - tickNs / 2n) return this.last;
    this.last = this.read(nowNs);
    return this.last;
  }

  /**
   * The file's text, or null when the kernel does not have it (no IPv6, no conntrack) or a read fails: these
   * files only add families, and a failing one must not stop the sampler (its families have no series).
   */
  private text(f: NodeFile): string | null {
    if (this.disabled.has(NODE_FILE_COLLECTOR[f])) return null;
    if (this.systemText !== null && isShared(f)) {
      const shared = this.systemText(f);
      if (shared !== null) return shared;
    }
    let n: number | null;
    try {
      n = this.files[f].read(this.rb);
    } catch {
      n = null;
    }
    return n === null ? null : this.rb.buf.toString('utf8', 0, n);
  }

  private parsed<T>(f: NodeFile, parse: (text: string) => T): T | null {
    const t = this.text(f);
    return t === null ? null : parse(t);
  }

  read(nowNs: bigint): NodeSample {
    const netdev = this.parsed('netdev', parseNetDevFull) ?? [];
    const netstat = [
      ...(this.parsed('netstat', parseNetstat) ?? []),
      ...(this.parsed('snmp', parseNetstat) ?? []),
      ...(this.parsed('snmp6', parseSnmp6) ?? []),
    ];
    const conntrackCount = this.parsed('conntrackCount', parseOneInt);
    const conntrackMax = this.parsed('conntrackMax', parseOneInt);
    const udp: UdpQueues[] = [];
    for (const [f, ip] of [['udp', 'v4'], ['udp6', 'v6']] as const) {
      const q = this.parsed(f, parseUdpQueues);
      if (q !== null) udp.push({ ip, ...q });
    }
    const avail = this.parsed('entropyAvail', parseOneInt);
    const pool = this.parsed('entropyPool', parseOneInt);
    this.attachNohandler(netdev);
    const netclass = this.netclass();
    // The kept sysfs fds of interfaces that are gone are closed.
    this.sysfs.keepOnly(new Set([...netdev.map((n) => this.ifaceDir(n.iface)), ...netclass.map((c) => this.ifaceDir(c.iface))]));
    return {
      mono_ns: nowNs,
      meminfo: this.parsed('meminfo', parseMeminfoAll) ?? [],
      netdev,
      netclass,
      sockstat: this.parsed('sockstat', parseSockstat),
      sockstat6: this.parsed('sockstat6', parseSockstat),
      netstat,
      vmstat: this.parsed('vmstat', parseVmstatAll) ?? new Map(),
      softnet: this.parsed('softnet', parseSoftnet) ?? [],
      filefd: this.parsed('filenr', parseFileNr),
      entropy: avail === null && pool === null ? null : { available: avail, pool_size: pool },
      conntrack: conntrackCount === null && conntrackMax === null ? null : {
        entries: conntrackCount, entries_limit: conntrackMax, stat: this.parsed('conntrackStat', parseConntrackStat),
      },
      arp: this.parsed('arp', parseArp),
      udp,
      intr: this.parsed('stat', parseIntrTotal),
      disks: this.disks(),
      fs: this.disabled.has('filesystem') ? [] : this.fsStatus(),
    };
  }

  /** A whole file read once (a udev record), or null when absent or unreadable. */
  private attr(path: string): string | null {
    try {
      const n = readOnce(path, this.rb);
      return n === null ? null : this.rb.buf.toString('utf8', 0, n);
    } catch {
      return null;
    }
  }

  private netclass(): NetClassSample[] {
    if (this.disabled.has('netclass')) return [];
    let names: string[];
    try {
      names = fs.readdirSync(`${this.sysRoot}/class/net`).filter((n) => !n.startsWith('.'));
    } catch {
      names = [];
    }
    const dirs = names.map((n) => this.ifaceDir(n));
    const out: NetClassSample[] = [];
    for (let i = 0; i < names.length; i++) {
      const c = parseNetClass(names[i], this.sysfs.read(dirs[i], NETCLASS_ATTRS) as ReadonlyMap<NetClassAttr, string | null>);
      // Not an interface (bonding_masters is a file beside them), or one that went away while being read.
      if (c.ifindex === null) this.sysfs.forget(dirs[i]);
      else out.push(c);
    }
    return out;
  }

  private attachNohandler(netdev: NetDevFull[]): void {
    for (const n of netdev) {
      if (n.iface.includes('/') || n.iface === '.' || n.iface === '..') continue;
      n.rx_nohandler = sysfsInt(this.sysfs.read(this.ifaceDir(n.iface), NOHANDLER).get(NOHANDLER[0]));
    }
  }

  private ifaceDir(iface: string): string {
    return `${this.sysRoot}/class/net/${iface}`;
  }

  /** node_exporter's set of devices (its default ignore pattern), with udev's labels for node_disk_info. */
  private disks(): NodeSample['disks'] {
    const disks = (this.parsed('diskstats', parseDiskstatsFull) ?? []).filter((d) => !nodeExporterIgnoresDisk(d.device));
    for (const d of disks) {
      const rec = this.attr(`${this.udevRoot}/b${d.major}:${d.minor}`);
      if (rec === null) continue;
      const p = parseUdevProps(rec);
      d.path = p.get('ID_PATH') ?? '';
      d.wwn = p.get('ID_WWN') ?? '';
      d.model = p.get('ID_MODEL') ?? '';
      d.serial = p.get('ID_SERIAL_SHORT') ?? '';
      d.revision = p.get('ID_REVISION') ?? '';
    }
    return disks;
  }

  close(): void {
    for (const f of Object.values(this.files)) f.close();
    this.sysfs.close();
  }
}
