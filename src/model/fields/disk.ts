/**
 * The disk family: /proc/diskstats per whole disk (the sampler leaves out partitions, loop, ram and
 * device-mapper views of other disks). Raw rows are recorded and exported as node_disk_* (label device);
 * figures are `vigil export --table disk`, the `disk.*` window series and the disk pane.
 */
import { counterToNumber } from '../counter';
import type { Counter } from '../counter';
import type { DiskSample, DiskSnap, HostInfo } from '../index';
import { scalar } from './field';
import type { PromValue, RawField, SysField } from './field';

/** /proc/diskstats counts 512-byte sectors whatever the device's real sector size. */
const SECTOR_BYTES = 512;
const ms = (v: Counter | null): number | null => (v === null ? null : counterToNumber(v) / 1000);

const row = <K extends keyof DiskSample & string>(
  key: K, unit: RawField<DiskSample, HostInfo>['unit'], kind: 'counter' | 'gauge', name: string, help: string, value: (d: DiskSample) => PromValue,
) => ({
  key, kind, unit, source: `/proc/diskstats ${key}`,
  prom: [scalar<DiskSample, HostInfo>(name, kind, kind === 'counter' ? `${help} (/proc/diskstats)` : help, value)],
} as const satisfies RawField<DiskSample, HostInfo>);

/** DiskSample's values, in recording order. */
export const DISK_RAW = [
  row('reads', '', 'counter', 'node_disk_reads_completed_total', 'Reads completed.', (d) => d.reads),
  row('reads_merged', '', 'counter', 'node_disk_reads_merged_total', 'Reads merged.', (d) => d.reads_merged),
  row('read_sectors', 'sectors', 'counter', 'node_disk_read_bytes_total', 'Bytes read (sectors × 512).', (d) => counterToNumber(d.read_sectors) * SECTOR_BYTES),
  row('read_ms', 'ms', 'counter', 'node_disk_read_time_seconds_total', 'Seconds spent by all reads (ms / 1000).', (d) => ms(d.read_ms)),
  row('writes', '', 'counter', 'node_disk_writes_completed_total', 'Writes completed.', (d) => d.writes),
  row('writes_merged', '', 'counter', 'node_disk_writes_merged_total', 'Writes merged.', (d) => d.writes_merged),
  row('write_sectors', 'sectors', 'counter', 'node_disk_written_bytes_total', 'Bytes written (sectors × 512).', (d) => counterToNumber(d.write_sectors) * SECTOR_BYTES),
  row('write_ms', 'ms', 'counter', 'node_disk_write_time_seconds_total', 'Seconds spent by all writes (ms / 1000).', (d) => ms(d.write_ms)),
  row('in_flight', '', 'gauge', 'node_disk_io_now', 'I/Os currently in progress (/proc/diskstats).', (d) => d.in_flight),
  row('io_ms', 'ms', 'counter', 'node_disk_io_time_seconds_total', 'Seconds the device had I/O in flight (io_ticks ms / 1000).', (d) => ms(d.io_ms)),
  row('weighted_io_ms', 'ms', 'counter', 'node_disk_io_time_weighted_seconds_total', 'Weighted seconds spent doing I/O (ms / 1000).', (d) => ms(d.weighted_io_ms)),
  row('discards', '', 'counter', 'node_disk_discards_completed_total', 'Discards completed (kernel 4.18+).', (d) => d.discards),
  row('discard_sectors', 'sectors', 'counter', 'node_disk_discarded_sectors_total', 'Sectors discarded (kernel 4.18+).', (d) => d.discard_sectors),
  row('flushes', '', 'counter', 'node_disk_flush_requests_total', 'Flush requests completed (kernel 5.5+).', (d) => d.flushes),
] as const;

/** DiskSnap, in `vigil export --table disk` column order. */
export const DISK_FIELDS = [
  { key: 'device', kind: 'label', unit: 'text', source: '/proc/diskstats', formula: 'field 3', help: 'device', raw: [], exported: true, pane: 'disk pane: disk' },
  { key: 'read_bytes_per_s', kind: 'rate', unit: 'B/s', source: '/proc/diskstats', formula: 'Δread_sectors × 512 / Δt',
    help: 'bytes read per second', raw: ['read_sectors'], exported: true, series: 'disk.read_bytes_per_s', pane: 'disk pane: read/s' },
  { key: 'write_bytes_per_s', kind: 'rate', unit: 'B/s', source: '/proc/diskstats', formula: 'Δwrite_sectors × 512 / Δt',
    help: 'bytes written per second', raw: ['write_sectors'], exported: true, series: 'disk.write_bytes_per_s', pane: 'disk pane: write/s' },
  { key: 'read_iops', kind: 'rate', unit: '/s', source: '/proc/diskstats', formula: 'Δreads / Δt',
    help: 'reads completed per second', raw: ['reads'], exported: true, series: 'disk.read_iops', pane: 'disk pane: r/s' },
  { key: 'write_iops', kind: 'rate', unit: '/s', source: '/proc/diskstats', formula: 'Δwrites / Δt',
    help: 'writes completed per second', raw: ['writes'], exported: true, series: 'disk.write_iops', pane: 'disk pane: w/s' },
  { key: 'util_pct', kind: 'gauge', unit: '%', source: '/proc/diskstats', formula: '100 × Δio_ms / Δt_ms, at most 100',
    help: 'share of time with I/O in flight (iostat %util)', raw: ['io_ms'], exported: true, series: 'disk.util_pct', pane: 'disk pane: util' },
  { key: 'await_ms', kind: 'gauge', unit: 'ms', source: '/proc/diskstats', formula: 'Δ(read_ms + write_ms) / Δ(reads + writes)',
    help: 'mean time per completed I/O', raw: ['read_ms', 'write_ms', 'reads', 'writes'], exported: true, series: 'disk.await_ms' },
  { key: 'in_flight', kind: 'gauge', unit: '', source: '/proc/diskstats', formula: 'as given', help: 'I/Os in flight',
    raw: ['in_flight'], exported: true, series: 'disk.in_flight' },
] as const satisfies readonly SysField<DiskSnap>[];
