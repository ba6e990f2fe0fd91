import { Counter, parseCounter } from '../../model/counter';
import type { DiskSample } from '../../model';
import type { DiskFull } from '../../model/node';
import { asText, ProcText, words } from './text';

/**
 * /proc/diskstats: "major minor name" and 11 (kernel < 4.18), 15 (+discards) or 17 (+flushes, 5.5+)
 * counters. Which devices count as disks is the reader's call (it needs /sys); this parser keeps every row.
 */
function diskstatsRows(input: ProcText): { device: string; major: number; minor: number; v: Counter[] }[] {
  const out: { device: string; major: number; minor: number; v: Counter[] }[] = [];
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
    if (ok) out.push({ device: f[2], major, minor, v });
  }
  return out;
}

function diskSample(device: string, major: number, minor: number, v: Counter[]): DiskSample {
  return {
    device,
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
  };
}

export function parseDiskstats(input: ProcText): DiskSample[] {
  return diskstatsRows(input).map((r) => diskSample(r.device, r.major, r.minor, r.v));
}

/**
 * Every column, for node_disk_*: also discards merged (field 13), discard time (15) and flush time (17).
 * The udev labels are the reader's to fill.
 */
export function parseDiskstatsFull(input: ProcText): DiskFull[] {
  return diskstatsRows(input).map((r) => ({
    ...diskSample(r.device, r.major, r.minor, r.v),
    discards_merged: r.v.length >= 15 ? r.v[12] : null,
    discard_ms: r.v.length >= 15 ? r.v[14] : null,
    flush_ms: r.v.length >= 17 ? r.v[16] : null,
    path: '', wwn: '', model: '', serial: '', revision: '',
  }));
}

/** node_exporter 1.5's default --collector.diskstats.ignored-devices: partitions, RAM disks, loop and floppy. */
export function nodeExporterIgnoresDisk(name: string): boolean {
  return /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/.test(name);
}

/** Devices that are never disks: loop devices, RAM disks and compressed RAM swap. */
export function isPseudoDisk(name: string): boolean {
  return /^(loop|ram|zram)\d/.test(name);
}
