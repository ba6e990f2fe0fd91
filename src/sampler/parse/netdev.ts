import { Counter, parseCounter } from '../../model/counter';
import type { NetDevSample } from '../../model';
import type { NetDevFull } from '../../model/node';
import { asText, ProcText, words } from './text';

/**
 * /proc/net/dev. A name of 15 characters touches the colon ("abcdefghijklmno:123 ..."), so a line is split
 * on its first ':' rather than on spaces; names are taken as the kernel gives them (they may hold bytes
 * that are not UTF-8). The two header lines are recognised by content ('|'), not skipped by count.
 */
function netDevRows(input: ProcText): { iface: string; v: Counter[] }[] {
  const out: { iface: string; v: Counter[] }[] = [];
  for (const line of asText(input).split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const iface = line.slice(0, colon).replace(/^ +/, '');
    const f = words(line.slice(colon + 1));
    if (iface.length === 0 || f.length < 16) continue;
    const v: Counter[] = [];
    let ok = true;
    for (let i = 0; i < 16; i++) {
      const c = parseCounter(f[i]);
      if (c === null || (typeof c === 'number' && c < 0)) {
        ok = false;
        break;
      }
      v.push(c);
    }
    if (ok) out.push({ iface, v });
  }
  return out;
}

export function parseNetDev(input: ProcText): NetDevSample[] {
  const out: NetDevSample[] = [];
  for (const { iface, v } of netDevRows(input)) {
    // Receive: bytes packets errs drop fifo frame compressed multicast; Transmit: bytes packets errs drop ...
    out.push({
      iface,
      ifindex: null,
      rx_bytes: v[0],
      rx_packets: v[1],
      rx_errs: v[2],
      rx_drop: v[3],
      tx_bytes: v[8],
      tx_packets: v[9],
      tx_errs: v[10],
      tx_drop: v[11],
    });
  }
  return out;
}

/**
 * Every column of /proc/net/dev, for node_network_*: receive bytes packets errs drop fifo frame compressed
 * multicast, transmit bytes packets errs drop fifo colls carrier compressed. rx_nohandler is not in the
 * file; the reader adds it from sysfs.
 */
export function parseNetDevFull(input: ProcText): NetDevFull[] {
  return netDevRows(input).map(({ iface, v }) => ({
    iface,
    rx_bytes: v[0], rx_packets: v[1], rx_errs: v[2], rx_drop: v[3], rx_fifo: v[4], rx_frame: v[5], rx_compressed: v[6], rx_multicast: v[7],
    tx_bytes: v[8], tx_packets: v[9], tx_errs: v[10], tx_drop: v[11], tx_fifo: v[12], tx_colls: v[13], tx_carrier: v[14], tx_compressed: v[15],
    rx_nohandler: null,
  }));
}
