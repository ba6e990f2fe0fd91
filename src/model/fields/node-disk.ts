/**
 * The diskstats and filesystem families of the node tier (src/model/node.ts) that vigil does not record:
 * discards merged and discard and flush time (DISK_RAW has the rest), node_disk_info, and the
 * filesystem's read-only and error flags. Exported only.
 */
import type { HostInfo } from '../index';
import { counterToNumber } from '../counter';
import type { DiskFull, FsStatus } from '../node';
import { scalar } from './field';
import type { RawField } from './field';

const disk = scalar<DiskFull, HostInfo>;
const secs = (v: DiskFull['discard_ms']): number | null => (v === null ? null : counterToNumber(v) / 1000);
const DISK_INFO_LABELS = ['major', 'minor', 'model', 'path', 'revision', 'serial', 'wwn'] as const;

export const DISK_EXTRA_RAW = [
  { key: 'discards_merged', kind: 'counter', unit: '', source: '/proc/diskstats field 13 (kernel 4.18+)',
    prom: [disk('node_disk_discards_merged_total', 'counter', 'The total number of discards merged.', (d) => d.discards_merged)] },
  { key: 'discard_ms', kind: 'counter', unit: 'ms', source: '/proc/diskstats field 15 (kernel 4.18+)',
    prom: [disk('node_disk_discard_time_seconds_total', 'counter', 'This is the total number of seconds spent by all discards.', (d) => secs(d.discard_ms))] },
  { key: 'flush_ms', kind: 'counter', unit: 'ms', source: '/proc/diskstats field 17 (kernel 5.5+)',
    prom: [disk('node_disk_flush_requests_time_seconds_total', 'counter', 'This is the total number of seconds spent by all flush requests.', (d) => secs(d.flush_ms))] },
  { key: 'major', kind: 'gauge', unit: '', source: '/proc/diskstats major, minor; udev ID_MODEL, ID_PATH, ID_REVISION, ID_SERIAL_SHORT, ID_WWN',
    prom: [{
      name: 'node_disk_info', type: 'gauge', help: 'Info of /sys/block/<block_device>.', extraLabels: DISK_INFO_LABELS,
      series: (d: DiskFull) => [[{ major: String(d.major), minor: String(d.minor), model: d.model, path: d.path, revision: d.revision, serial: d.serial, wwn: d.wwn }, 1]] as const,
    }] },
] as const;

export const FS_STATUS_RAW = [
  { key: 'readonly', kind: 'gauge', unit: '', source: '/proc/self/mountinfo: ro in the mount\'s or the superblock\'s options',
    prom: [scalar<FsStatus, HostInfo>('node_filesystem_readonly', 'gauge', 'Filesystem read-only status.', (f) => (f.readonly ? 1 : 0))] },
  { key: 'device_error', kind: 'gauge', unit: '', source: 'statfs(2) failed',
    prom: [scalar<FsStatus, HostInfo>('node_filesystem_device_error', 'gauge', 'Whether an error occurred while getting statistics for the given device.', (f) => (f.device_error ? 1 : 0))] },
] as const satisfies readonly RawField<FsStatus, HostInfo>[];
