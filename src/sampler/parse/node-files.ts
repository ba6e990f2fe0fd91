import { asText, ProcText, words } from './text';

// The small files of the node tier (src/model/node.ts): file-nr, arp, udp queues, vmstat, udev records.

/** A file holding one non-negative integer (/proc/sys/kernel/random/entropy_avail, nf_conntrack_max). */
export function parseOneInt(input: ProcText): number | null {
  const f = words(asText(input).trim());
  if (f.length !== 1 || !/^\d+$/.test(f[0])) return null;
  const n = Number(f[0]);
  return Number.isSafeInteger(n) ? n : null;
}

/** /proc/sys/fs/file-nr: "allocated  unused  maximum". */
export function parseFileNr(input: ProcText): { allocated: number; maximum: number } | null {
  const f = words(asText(input).trim());
  if (f.length !== 3 || !f.every((x) => /^\d+$/.test(x))) return null;
  const [allocated, , maximum] = f.map(Number);
  return Number.isSafeInteger(allocated) && Number.isSafeInteger(maximum) ? { allocated, maximum } : null;
}

/**
 * /proc/net/arp: a header, then "IP  HW-type  Flags  HW-address  Mask  Device" per entry. Entries per
 * device, as node_arp_entries counts them (every row, whatever its flags, as node_exporter 1.5 does).
 */
export function parseArp(input: ProcText): Map<string, number> {
  const out = new Map<string, number>();
  const lines = asText(input).split('\n');
  for (const line of lines.slice(1)) {
    const f = words(line);
    if (f.length !== 6) continue;
    out.set(f[5], (out.get(f[5]) ?? 0) + 1);
  }
  return out;
}

/**
 * /proc/net/udp or udp6: per socket "sl local rem st tx_queue:rx_queue ...". Sums the two queues (bytes,
 * hex) over every socket: node_udp_queues. null when no line parses and the header is missing too.
 */
export function parseUdpQueues(input: ProcText): { tx: number; rx: number } | null {
  const lines = asText(input).split('\n');
  if (!/^\s*sl\s/.test(lines[0] ?? '')) return null;
  let tx = 0;
  let rx = 0;
  for (const line of lines.slice(1)) {
    const f = words(line);
    if (f.length < 5) continue;
    const m = /^([0-9A-Fa-f]{1,13}):([0-9A-Fa-f]{1,13})$/.exec(f[4]);
    if (m === null) continue;
    tx += parseInt(m[1], 16);
    rx += parseInt(m[2], 16);
  }
  return { tx, rx };
}

/** /proc/vmstat, every "name value" line (node_vmstat_* filters them). */
export function parseVmstatAll(input: ProcText): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of asText(input).split('\n')) {
    const f = words(line);
    if (f.length !== 2 || !/^[a-z0-9_]+$/.test(f[0]) || !/^\d+$/.test(f[1]) || out.has(f[0])) continue;
    const n = Number(f[1]);
    if (Number.isFinite(n)) out.set(f[0], n);
  }
  return out;
}

/**
 * udev's record of a block device (/run/udev/data/bMAJ:MIN): "E:KEY=value" lines. The properties
 * node_disk_info carries, '' when absent (as node_exporter).
 */
export function parseUdevProps(input: ProcText): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of asText(input).split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq < 3) continue;
    out.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return out;
}
