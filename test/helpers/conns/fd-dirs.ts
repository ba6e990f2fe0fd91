import * as fs from 'fs';
import * as path from 'path';

/** A fake /proc/PID/fd: `fds` maps fd numbers to link targets (`socket:[N]`, a path), plus /proc/PID/comm. */
export function setFds(root: string, pid: number, fds: Record<number, string>): void {
  // The directory is kept (its inode number is the process's identity to the map); its links replaced.
  const dir = path.join(root, String(pid), 'fd');
  fs.mkdirSync(dir, { recursive: true });
  for (const old of fs.readdirSync(dir)) fs.unlinkSync(path.join(dir, old));
  fs.writeFileSync(path.join(root, String(pid), 'comm'), `p${pid}\n`);
  for (const [fd, target] of Object.entries(fds)) fs.symlinkSync(target, path.join(dir, fd));
}

/** A table of n fds, /dev/null apart from the sockets given (fd number → socket inode). */
export function bigTable(n: number, socks: Record<number, number>): Record<number, string> {
  const fds: Record<number, string> = {};
  for (let fd = 0; fd < n; fd++) fds[fd] = socks[fd] !== undefined ? `socket:[${socks[fd]}]` : '/dev/null';
  return fds;
}
