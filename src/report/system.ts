/**
 * The report's system series: one value per sample of a Snapshot (derive()'s figures; each one's /proc
 * source and formula is in its field table under src/model/fields/), under an id the charts name.
 * Scales: percentages in hundredths, bytes in KiB (meminfo's own unit), rates of bytes in whole B/s,
 * other rates in hundredths per second.
 */
import type { Snapshot } from '../model';
import { sanitize } from '../render/sanitize';
import type { SeriesSet } from './series-set';

const PCT = 100;
const KIB = 1 / 1024;
const BPS = 1;
const PER_S = 100;

export const PSI_SERIES = [
  ['cpu', 'some'],
  ['memory', 'some'],
  ['memory', 'full'],
  ['io', 'some'],
  ['io', 'full'],
] as const;

/** The entities seen, in the order they first appeared: the charts' series follow it. */
export interface Entities {
  cores: Set<number>;
  net: Set<string>;
  disk: Set<string>;
  fs: Set<string>;
}

export function noEntities(): Entities {
  return { cores: new Set(), net: new Set(), disk: new Set(), fs: new Set() };
}

/** The current sample's values of every system series. */
export function putSystem(set: SeriesSet, seen: Entities, s: Snapshot): void {
  // CPU: shares of the interval, /proc/stat (cpu_pct = 100 − idle − iowait).
  set.put('cpu.total', s.cpu.cpu_pct, PCT);
  set.put('cpu.user', s.cpu.user_pct, PCT);
  set.put('cpu.system', s.cpu.system_pct, PCT);
  set.put('cpu.iowait', s.cpu.iowait_pct, PCT);
  set.put('cpu.steal', s.cpu.steal_pct, PCT);
  for (const c of s.cores) {
    if (!c.online) continue;
    seen.cores.add(c.cpu);
    set.put(`core.${c.cpu}`, c.cpu_pct, PCT);
  }
  // Memory: /proc/meminfo (used = MemTotal − MemAvailable; cache = Cached + SReclaimable; swap = SwapTotal − SwapFree).
  set.put('mem.used', s.mem.mem_used_bytes, KIB);
  set.put('mem.cache', s.mem.mem_cache_bytes, KIB);
  set.put('mem.swap', s.mem.swap_used_bytes, KIB);
  // PSI: share of the interval with tasks stalled, Δtotal µs / Δt (/proc/pressure/*).
  for (const [res, kind] of PSI_SERIES) set.put(`psi.${res}.${kind}`, s.psi[res]?.[kind === 'some' ? 'some_pct' : 'full_pct'] ?? null, PCT);
  // Network: /proc/net/dev bytes per second; TCP retransmitted segments per second, /proc/net/snmp RetransSegs.
  for (const n of s.net) {
    const name = sanitize(n.iface);
    seen.net.add(name);
    set.put(`net.${name}.rx`, n.rx_bytes_per_s, BPS);
    set.put(`net.${name}.tx`, n.tx_bytes_per_s, BPS);
  }
  set.put('tcp.retrans', s.tcp.retrans_per_s, PER_S);
  // Disks: /proc/diskstats (sectors × 512 per second, completed I/Os per second, io_ticks share).
  for (const d of s.disks) {
    const name = sanitize(d.device);
    seen.disk.add(name);
    set.put(`disk.${name}.read`, d.read_bytes_per_s, BPS);
    set.put(`disk.${name}.write`, d.write_bytes_per_s, BPS);
    set.put(`disk.${name}.riops`, d.read_iops, PER_S);
    set.put(`disk.${name}.wiops`, d.write_iops, PER_S);
    set.put(`disk.${name}.util`, d.util_pct, PCT);
  }
  // Filesystems: statfs, used / (used + avail) as df's Use%.
  for (const f of s.fs) {
    const name = sanitize(f.mount);
    seen.fs.add(name);
    set.put(`fs.${name}.used`, f.used_pct, PCT);
  }
}
