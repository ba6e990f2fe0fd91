/**
 * How many fds a process holds. Linux 6.2+ reports the count as the size of /proc/PID/fd: one stat, where
 * a listing walks every entry (the kernel looks each fd up: milliseconds for vigil's own table of kept
 * fds). Older kernels report 0, and a fixture root has plain directories: there, a listing.
 */
import * as fs from 'fs';

/** Whether /proc/PID/fd's size is its fd count under this root (only the real /proc on 6.2+). */
export function probeFdCountBySize(root: string): boolean {
  try {
    const size = fs.statSync(`${root}/self/fd`).size;
    // A real /proc/self/fd has at least stdin..stderr open; a kernel before 6.2 reports 0.
    return size > 0 && fs.readdirSync(`${root}/self/fd`).length > 0 && size < 1 << 20 && root === '/proc';
  } catch {
    return false;
  }
}

/** The entries of an fd directory (throws as fs does when it is gone or denied). */
export function countFds(dir: string, bySize: boolean): number {
  return bySize ? fs.statSync(dir).size : fs.readdirSync(dir).length;
}
