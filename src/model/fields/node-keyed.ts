/**
 * Families whose names come from the kernel's files: one family per /proc/meminfo line, per /proc/vmstat
 * counter, per /proc/net/{netstat,snmp,snmp6} statistic and per /proc/net/sockstat{,6} pair. Which ones
 * exist depends on the kernel and its config, so these are rules (name, type, unit, filter) rather than
 * rows; each names node_exporter 1.5's collector whose output it reproduces.
 */
import type { HostInfo } from '../index';
import type { NodeSample, SockstatSample } from '../node';

export interface KeyedSeries {
  name: string;
  type: 'gauge' | 'untyped';
  help: string;
  value: number;
}

export interface KeyedRule {
  /** node_exporter's collector, and the file. */
  readonly collector: string;
  readonly source: string;
  /** The name patterns, comma-separated, for the docs. */
  readonly pattern: string;
  readonly type: 'gauge' | 'untyped';
  /** Which entries are exported, for the docs ('all' or node_exporter's default filter). */
  readonly filter: string;
  readonly series: (n: NodeSample, h: HostInfo) => Iterable<KeyedSeries>;
}

/** node_exporter's default --collector.vmstat.fields. */
export const VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;
/** node_exporter's default --collector.netstat.fields. */
export const NETSTAT_FIELDS =
  /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

/** `Active(anon)` is node_memory_Active_anon_bytes, `HugePages_Total` (no unit) node_memory_HugePages_Total. */
export function meminfoName(key: string, kb: boolean): string {
  return `node_memory_${key.replace(/\((.*)\)/, '_$1')}${kb ? '_bytes' : ''}`;
}

function* sockstat(s: SockstatSample | null, pageSize: number): Iterable<KeyedSeries> {
  if (s === null) return;
  for (const e of s.entries) {
    yield { name: `node_sockstat_${e.proto}_${e.field}`, type: 'gauge', help: `Number of ${e.proto} sockets in state ${e.field}.`, value: e.value };
    // `mem` is in pages; node_exporter adds it in bytes.
    if (e.field === 'mem') yield { name: `node_sockstat_${e.proto}_mem_bytes`, type: 'gauge', help: `Number of ${e.proto} sockets in state mem_bytes.`, value: e.value * pageSize };
  }
}

export const KEYED_RULES: readonly KeyedRule[] = [
  {
    collector: 'meminfo', source: '/proc/meminfo (kB × 1024 as _bytes; lines without a unit, HugePages_*, as counts)', pattern: 'node_memory_<Field>_bytes, node_memory_<Field>',
    type: 'gauge', filter: 'all',
    *series(n) {
      for (const e of n.meminfo) {
        const name = meminfoName(e.key, e.kb);
        yield { name, type: 'gauge', help: `Memory information field ${name.slice('node_memory_'.length)}.`, value: e.kb ? e.value * 1024 : e.value };
      }
    },
  },
  {
    collector: 'vmstat', source: '/proc/vmstat', pattern: 'node_vmstat_<field>', type: 'untyped', filter: VMSTAT_FIELDS.source,
    *series(n) {
      for (const [k, v] of n.vmstat) if (VMSTAT_FIELDS.test(k)) yield { name: `node_vmstat_${k}`, type: 'untyped', help: `/proc/vmstat information field ${k}.`, value: v };
    },
  },
  {
    collector: 'netstat', source: '/proc/net/netstat, /proc/net/snmp, /proc/net/snmp6', pattern: 'node_netstat_<Proto>_<Field>', type: 'untyped',
    filter: NETSTAT_FIELDS.source,
    *series(n) {
      for (const e of n.netstat) {
        const key = `${e.proto}_${e.field}`;
        if (NETSTAT_FIELDS.test(key)) yield { name: `node_netstat_${key}`, type: 'untyped', help: `Statistic ${e.proto}${e.field}.`, value: e.value };
      }
    },
  },
  {
    collector: 'sockstat', source: '/proc/net/sockstat, /proc/net/sockstat6 (mem in pages; _mem_bytes is mem × page size)', pattern: 'node_sockstat_<PROTO>_<field>, node_sockstat_<PROTO>_mem_bytes, node_sockstat_sockets_used',
    type: 'gauge', filter: 'all',
    *series(n, h) {
      if (n.sockstat?.sockets_used != null) yield { name: 'node_sockstat_sockets_used', type: 'gauge', help: 'Number of IPv4 sockets in use.', value: n.sockstat.sockets_used };
      yield* sockstat(n.sockstat, h.page_size);
      yield* sockstat(n.sockstat6, h.page_size);
    },
  },
];
