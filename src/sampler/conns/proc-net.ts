/**
 * Pure parsers for the socket tables vigil reads as text: the inode column of /proc/net/udp, udp6 and
 * unix, and the `socket:[INODE]` target of a /proc/PID/fd link.
 */

/** /proc/net/udp and udp6: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...". */
export const UDP_INODE_FIELD = 9;
/** /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". */
export const UNIX_INODE_FIELD = 6;

/**
 * Adds the inode of every table row to `out`. The header row is recognised by not being a number in
 * that column; a short or garbled row is skipped. Works on bytes: /proc/net/unix can be large.
 */
export function collectInodes(b: Buffer, len: number, field: number, out: Set<number>): number {
  let added = 0;
  let i = 0;
  const end = Math.min(len, b.length);
  while (i < end) {
    let f = 0;
    let inField = false;
    let v = -1;
    // One line: find the start of field `field`, then read its digits.
    for (; i < end && b[i] !== 10; i++) {
      const c = b[i];
      const space = c === 32 || c === 9;
      if (space) {
        if (inField) {
          inField = false;
          f++;
        }
        continue;
      }
      if (!inField) inField = true;
      if (f === field) {
        const d = c - 48;
        if (v === -2) continue;
        if (d < 0 || d > 9) v = -2;
        else v = (v < 0 ? 0 : v) * 10 + d;
      }
    }
    if (v >= 0 && v <= 0xffffffff) {
      out.add(v);
      added++;
    }
    i++;
  }
  return added;
}

/** The inode of a `socket:[12345]` link target, or 0 for anything else (files, pipes, anon inodes). */
export function socketInode(link: string): number {
  if (link.length < 10 || !link.startsWith('socket:[') || link.charCodeAt(link.length - 1) !== 93) return 0;
  let v = 0;
  for (let i = 8; i < link.length - 1; i++) {
    const d = link.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    v = v * 10 + d;
  }
  return v <= 0xffffffff ? v : 0;
}
