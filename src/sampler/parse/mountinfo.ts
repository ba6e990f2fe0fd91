import { asText, ProcText } from './text';

export interface MountEntry {
  mountId: number;
  majorMinor: string;
  root: string;
  mountPoint: string;
  fstype: string;
  source: string;
  /** Per-mount options (field 6). */
  options: string;
  /** The superblock's options, after the source: `ro` here with `rw` above is a read-only filesystem too. */
  superOptions: string;
}

/**
 * Decodes the octal escapes the kernel writes for space, tab, newline and backslash (\040 \011 \012 \134);
 * a backslash not followed by three octal digits is kept as it is.
 */
export function unescapeOctal(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * /proc/self/mountinfo: "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
 * The optional fields end at a lone "-"; fstype and source follow it.
 */
export function parseMountinfo(input: ProcText): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of asText(input).split('\n')) {
    const f = line.split(' ');
    if (f.length < 10) continue;
    const dash = f.indexOf('-', 6);
    if (dash < 0 || dash + 2 >= f.length) continue;
    const mountId = Number(f[0]);
    if (!Number.isSafeInteger(mountId)) continue;
    out.push({
      mountId,
      majorMinor: f[2],
      root: unescapeOctal(f[3]),
      mountPoint: unescapeOctal(f[4]),
      options: f[5],
      fstype: unescapeOctal(f[dash + 1]),
      source: unescapeOctal(f[dash + 2]),
      superOptions: f[dash + 3] ?? '',
    });
  }
  return out;
}

/**
 * Filesystems that hold user data on a local device: these get statfs'd by default. Network and FUSE
 * filesystems can hang statfs in D state, and pseudo filesystems (proc, sysfs, cgroup, ...) have no space.
 */
const LOCAL_FS = new Set([
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'jfs', 'reiserfs', 'vfat', 'exfat', 'ntfs', 'ntfs3',
  'zfs', 'bcachefs', 'hfsplus', 'nilfs2', 'udf', 'iso9660', 'squashfs', 'erofs', 'tmpfs',
]);
export function isLocalDataFs(fstype: string): boolean {
  return LOCAL_FS.has(fstype);
}
