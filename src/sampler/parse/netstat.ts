import type { NetstatEntry } from '../../model/node';
import { parseSnmpTable } from './snmp';
import { asText, ProcText, words } from './text';

const NAME = /^[A-Za-z0-9_]+$/;

/** A value of a network statistic: an integer (Ip: Forwarding is 1 or 2; Tcp: MaxConn is -1). */
function statValue(s: string): number | null {
  if (!/^-?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * /proc/net/netstat and /proc/net/snmp: pairs of lines per protocol, a header of names and a row of
 * values ("TcpExt: SyncookiesSent ..." / "TcpExt: 0 ..."), matched by name. Every entry, in file order.
 */
export function parseNetstat(input: ProcText): NetstatEntry[] {
  const out: NetstatEntry[] = [];
  for (const [proto, row] of parseSnmpTable(input)) {
    if (!NAME.test(proto)) continue;
    for (const [field, v] of row) {
      const value = statValue(v);
      if (value !== null && NAME.test(field)) out.push({ proto, field, value });
    }
  }
  return out;
}

/**
 * /proc/net/snmp6: one "Ip6InReceives   123" per line. The protocol is the name up to and including its
 * first '6' (Ip6, Icmp6, Udp6, UdpLite6), as node_exporter splits it; a name without a '6' is skipped.
 */
export function parseSnmp6(input: ProcText): NetstatEntry[] {
  const out: NetstatEntry[] = [];
  for (const line of asText(input).split('\n')) {
    const f = words(line);
    if (f.length !== 2) continue;
    const six = f[0].indexOf('6');
    if (six < 0 || six + 1 >= f[0].length) continue;
    const proto = f[0].slice(0, six + 1);
    const field = f[0].slice(six + 1);
    const value = statValue(f[1]);
    if (value !== null && NAME.test(proto) && NAME.test(field)) out.push({ proto, field, value });
  }
  return out;
}
