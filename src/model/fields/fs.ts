/**
 * The filesystem family: statfs(2) of each local mount (a slower tier; a hung mount is left out, not
 * waited for). Raw rows are recorded and exported as node_filesystem_* (labels device, fstype,
 * mountpoint); figures are `vigil export --table fs`, the `fs.*` window series and the disk pane's mounts.
 */
import type { FsSample, FsSnap, HostInfo } from '../index';
import { scalar } from './field';
import type { NumericKey, RawField, SysField } from './field';

const row = <K extends NumericKey<FsSample>>(key: K, unit: 'B' | '', source: string, name: string, help: string) => ({
  key, kind: 'gauge', unit, source: `statfs ${source}`,
  prom: [scalar<FsSample, HostInfo>(name, 'gauge', help, (f) => f[key])],
} as const satisfies RawField<FsSample, HostInfo>);

/** FsSample's values, in recording order. */
export const FS_RAW = [
  row('size_bytes', 'B', 'f_blocks × f_bsize', 'node_filesystem_size_bytes', 'Filesystem size in bytes (statfs f_blocks × f_bsize).'),
  row('free_bytes', 'B', 'f_bfree × f_bsize', 'node_filesystem_free_bytes', 'Filesystem free space in bytes, root\'s reserve included (f_bfree).'),
  row('avail_bytes', 'B', 'f_bavail × f_bsize', 'node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes (f_bavail).'),
  row('files', '', 'f_files', 'node_filesystem_files', 'Filesystem total file nodes (f_files).'),
  row('files_free', '', 'f_ffree', 'node_filesystem_files_free', 'Filesystem free file nodes (f_ffree).'),
] as const;

/** FsSnap, in `vigil export --table fs` column order. */
export const FS_FIELDS = [
  { key: 'mount', kind: 'label', unit: 'text', source: '/proc/self/mountinfo', formula: 'the mount point, \\040 and \\012 unescaped',
    help: 'mount point', raw: [], exported: true, pane: 'disk pane: mount' },
  { key: 'source', kind: 'label', unit: 'text', source: '/proc/self/mountinfo', formula: 'the mounted device', help: 'device', raw: [], exported: true },
  { key: 'fstype', kind: 'label', unit: 'text', source: '/proc/self/mountinfo', formula: 'the filesystem type', help: 'filesystem type', raw: [], exported: true },
  { key: 'size_bytes', kind: 'gauge', unit: 'B', source: 'statfs', formula: 'f_blocks × f_bsize', help: 'size', raw: ['size_bytes'], exported: true },
  { key: 'used_bytes', kind: 'gauge', unit: 'B', source: 'statfs', formula: 'size − free (f_blocks − f_bfree)',
    help: 'bytes used', raw: ['size_bytes', 'free_bytes'], exported: true, series: 'fs.used_bytes', pane: 'disk pane: used' },
  { key: 'avail_bytes', kind: 'gauge', unit: 'B', source: 'statfs', formula: 'f_bavail × f_bsize',
    help: 'bytes available to unprivileged users', raw: ['avail_bytes'], exported: true, series: 'fs.avail_bytes' },
  { key: 'used_pct', kind: 'gauge', unit: '%', source: 'statfs', formula: '100 × used / (used + avail), as df Use%; none when size is 0',
    help: 'used / (used + avail), as df Use%', raw: ['size_bytes', 'free_bytes', 'avail_bytes'], exported: true, series: 'fs.used_pct', pane: 'disk pane: mount bar' },
] as const satisfies readonly SysField<FsSnap>[];
