import { Counter, parseCounter } from '../../model/counter';
import type { DiskSample } from '../../model';
import { asText, ProcText, words } from './text';

/**
 * /proc/diskstats: "major minor name" and 11 (kernel < 4.18), 15 (+discards) or 17 (+flushes, 5.5+)
 * counters. Which devices count as disks is the reader's call (it needs /sys); this parser keeps every row.
 */
export function parseDiskstats(input: ProcText): DiskSample[] {
  const out: DiskSample[] = [];
  for (const line of asText(input).split('\n')) {
    const f = words(line);
    if (f.length !== 14 && f.length !== 18 && f.length !== 20) continue;
    const major = Number(f[0]);
    const minor = Number(f[1]);
    if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor)) continue;
    const v: Counter[] = [];
    let ok = true;
    for (let i = 3; i < f.length; i++) {
      const c = parseCounter(f[i]);
      if (c === null || (typeof c === 'number' && c < 0)) {
        ok = false;
        break;
      }
      v.push(c);
    }
    if (!ok) continue;
    out.push({
      device: f[2],
      major,
      minor,
      reads: v[0],
      reads_merged: v[1],
      read_sectors: v[2],
      read_ms: v[3],
      writes: v[4],
      writes_merged: v[5],
      write_sectors: v[6],
      write_ms: v[7],
      in_flight: Number(v[8]),
      io_ms: v[9],
      weighted_io_ms: v[10],
      discards: v.length >= 15 ? v[11] : null,
      discard_sectors: v.length >= 15 ? v[13] : null,
      flushes: v.length >= 17 ? v[15] : null,
    });
  }
  return out;
}

/** Devices that are never disks: loop devices, RAM disks and compressed RAM swap. */
export function isPseudoDisk(name: string): boolean {
  return /^(loop|ram|zram)\d/.test(name);
}
