import { Counter, parseCounter } from '../../model/counter';
import type { SnmpSample } from '../../model';
import { asText, lineAt, lineStarting, ProcText, words } from './text';

/**
 * One protocol's row of /proc/net/snmp, which comes in pairs of lines per protocol: a header of names
 * and a row of values, both prefixed "Tcp:" (or "Udp:", ...). Columns are matched by name, never by
 * position. Only the two lines of the protocol asked for are split (the file has a dozen, read ten times
 * a second).
 */
function snmpRow(text: string, proto: string): Map<string, string> | undefined {
  const prefix = proto + ':';
  for (let at = lineStarting(text, prefix, 0); at >= 0; ) {
    const line = lineAt(text, at);
    const head = words(line);
    const next = lineStarting(text, prefix, at + line.length + 1);
    if (next < 0) return undefined;
    // A header row has names and the line right after it the values: a value row pairs with no header.
    if (next === at + line.length + 1 && head.length >= 2 && head[0] === prefix && parseCounter(head[1]) === null) {
      const vals = words(lineAt(text, next));
      const row = new Map<string, string>();
      for (let k = 1; k < head.length && k < vals.length; k++) row.set(head[k], vals[k]);
      return row;
    }
    at = next;
  }
  return undefined;
}

export function parseSnmpTable(input: ProcText): Map<string, Map<string, string>> {
  const lines = asText(input).split('\n');
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = words(lines[i]);
    const vals = words(lines[i + 1]);
    if (head.length < 2 || head[0] !== vals[0] || !head[0].endsWith(':')) continue;
    // A header row has names, the value row numbers; skip a value row pairing with the next header.
    if (parseCounter(head[1]) !== null) continue;
    const row = new Map<string, string>();
    for (let k = 1; k < head.length && k < vals.length; k++) row.set(head[k], vals[k]);
    out.set(head[0].slice(0, -1), row);
    i++;
  }
  return out;
}

export function parseSnmp(input: ProcText): SnmpSample {
  const text = asText(input);
  const tcp = snmpRow(text, 'Tcp');
  const udp = snmpRow(text, 'Udp');
  const c = (row: Map<string, string> | undefined, k: string): Counter | null => {
    const v = row?.get(k);
    if (v === undefined) return null;
    const n = parseCounter(v);
    // Counters never go negative; MaxConn is -1 but is not one we keep.
    return n === null || (typeof n === 'number' && n < 0) ? null : n;
  };
  const estab = c(tcp, 'CurrEstab');
  return {
    tcp_active_opens: c(tcp, 'ActiveOpens'),
    tcp_passive_opens: c(tcp, 'PassiveOpens'),
    tcp_attempt_fails: c(tcp, 'AttemptFails'),
    tcp_estab_resets: c(tcp, 'EstabResets'),
    tcp_curr_estab: estab === null ? null : Number(estab),
    tcp_in_segs: c(tcp, 'InSegs'),
    tcp_out_segs: c(tcp, 'OutSegs'),
    tcp_retrans_segs: c(tcp, 'RetransSegs'),
    tcp_in_errs: c(tcp, 'InErrs'),
    tcp_out_rsts: c(tcp, 'OutRsts'),
    udp_in_datagrams: c(udp, 'InDatagrams'),
    udp_out_datagrams: c(udp, 'OutDatagrams'),
    udp_in_errors: c(udp, 'InErrors'),
    udp_no_ports: c(udp, 'NoPorts'),
  };
}
