import type { SockstatEntry, SockstatSample } from '../../model/node';
import { asText, ProcText, words } from './text';

/**
 * /proc/net/sockstat and sockstat6: "sockets: used N", then one line per protocol of name/value pairs
 * ("TCP: inuse 5 orphan 0 tw 2 alloc 6 mem 1"). Pairs are taken as they come (the kernel adds fields over
 * time); a value that is not a non-negative integer ends its line, and a protocol or field name that could
 * not be part of a metric name is skipped.
 */
export function parseSockstat(input: ProcText): SockstatSample {
  let socketsUsed: number | null = null;
  const entries: SockstatEntry[] = [];
  for (const line of asText(input).split('\n')) {
    const f = words(line);
    if (f.length < 3 || !f[0].endsWith(':')) continue;
    const proto = f[0].slice(0, -1);
    if (!/^[A-Za-z0-9_]+$/.test(proto)) continue;
    for (let i = 1; i + 1 < f.length; i += 2) {
      if (!/^[A-Za-z0-9_]+$/.test(f[i]) || !/^\d+$/.test(f[i + 1])) break;
      const value = Number(f[i + 1]);
      if (!Number.isSafeInteger(value)) break;
      if (proto === 'sockets' && f[i] === 'used') socketsUsed = value;
      else if (proto !== 'sockets') entries.push({ proto, field: f[i], value });
    }
  }
  return { sockets_used: socketsUsed, entries };
}
