import * as fs from 'fs';
import type { FsSample } from '../model';
import type { FsStatus } from '../model/node';
import { isLocalDataFs, MountEntry, parseMountinfo } from './parse/mountinfo';

export interface FsUsageOptions {
  procRoot?: string;
  /** How often statfs runs per mount. */
  intervalMs?: number;
  /** How often mountinfo is re-read for new or removed mounts. */
  mountsEveryMs?: number;
  /** A statfs outstanding longer than this marks the mount stalled until it answers. */
  timeoutMs?: number;
  /** Also statfs network and FUSE filesystems (they can hang). */
  includeRemote?: boolean;
  /** The statfs to call (tests pass one that never answers, as a dead NFS server's does). */
  statfs?: typeof fs.statfs;
}

interface MountState {
  entry: MountEntry;
  pending: boolean;
  sentAt: number;
  last: FsSample | null;
  /** The last statfs failed (node_filesystem_device_error). */
  error: boolean;
}

/**
 * Filesystem usage on its own asynchronous tier. statfs on a dead NFS or FUSE mount blocks in D state,
 * and Node's async fs runs on four libuv threads, so: only local data filesystems by default, at most
 * one call in flight per mount, and a mount whose call has not come back is left out of the samples
 * (never waited for) until it does. Sampling itself never awaits this.
 */
export class FsUsage {
  private readonly mountinfoPath: string;
  private readonly intervalMs: number;
  private readonly mountsEveryMs: number;
  private readonly timeoutMs: number;
  private readonly includeRemote: boolean;
  private readonly statfs: typeof fs.statfs;
  private mounts = new Map<string, MountState>();
  private mountsReadAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: FsUsageOptions = {}) {
    this.mountinfoPath = `${opts.procRoot ?? '/proc'}/self/mountinfo`;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.mountsEveryMs = opts.mountsEveryMs ?? 10_000;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.includeRemote = opts.includeRemote ?? false;
    this.statfs = opts.statfs ?? fs.statfs;
  }

  start(): void {
    if (this.timer) return;
    this.poll();
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The latest answer of every mount that is answering. */
  latest(): FsSample[] {
    const out: FsSample[] = [];
    const now = Date.now();
    for (const m of this.mounts.values()) {
      if (m.last === null) continue;
      if (m.pending && now - m.sentAt > this.timeoutMs) continue; // stalled: say nothing rather than stale
      out.push(m.last);
    }
    return out;
  }

  /**
   * node_filesystem_readonly and node_filesystem_device_error of each mount that has answered (a stalled
   * one is left out, as node_exporter leaves out its stuck mounts): `ro` among the mount's or its
   * superblock's options, and whether its last statfs failed.
   */
  status(): FsStatus[] {
    const now = Date.now();
    const out: FsStatus[] = [];
    for (const m of this.mounts.values()) {
      if ((m.last === null && !m.error) || (m.pending && now - m.sentAt > this.timeoutMs)) continue;
      const { mountPoint: mount, source, fstype, options, superOptions } = m.entry;
      // /proc/mounts (node_exporter's source) says ro when either the mount or its superblock is read-only.
      const readonly = options.split(',').includes('ro') || superOptions.split(',').includes('ro');
      out.push({ mount, source, fstype, readonly, device_error: m.error });
    }
    return out;
  }

  /** Mounts whose statfs has been outstanding past the timeout. */
  stalled(): string[] {
    const now = Date.now();
    return [...this.mounts.values()].filter((m) => m.pending && now - m.sentAt > this.timeoutMs).map((m) => m.entry.mountPoint);
  }

  /** One round: refresh the mount list if due, then statfs every mount that has no call in flight. */
  poll(): void {
    const now = Date.now();
    if (now - this.mountsReadAt >= this.mountsEveryMs) {
      this.mountsReadAt = now;
      this.refreshMounts();
    }
    for (const m of this.mounts.values()) {
      if (m.pending) continue;
      m.pending = true;
      m.sentAt = now;
      this.statfs(m.entry.mountPoint, (err, st) => {
        m.pending = false;
        m.error = Boolean(err);
        if (err || st.bsize <= 0) {
          m.last = null;
          return;
        }
        // f_blocks, f_bfree (root's view) and f_bavail (users' view), in f_bsize units; df reports the same.
        m.last = {
          mount: m.entry.mountPoint,
          source: m.entry.source,
          fstype: m.entry.fstype,
          size_bytes: st.blocks * st.bsize,
          free_bytes: st.bfree * st.bsize,
          avail_bytes: st.bavail * st.bsize,
          files: st.files,
          files_free: st.ffree,
        };
      });
    }
  }

  private refreshMounts(): void {
    let entries: MountEntry[];
    try {
      entries = parseMountinfo(fs.readFileSync(this.mountinfoPath));
    } catch {
      entries = [];
    }
    const chosen = selectMounts(entries, this.includeRemote);
    const next = new Map<string, MountState>();
    for (const e of chosen) {
      const old = this.mounts.get(e.mountPoint);
      next.set(e.mountPoint, old && old.entry.majorMinor === e.majorMinor ? old : { entry: e, pending: false, sentAt: 0, last: null, error: false });
    }
    this.mounts = next;
  }
}

/**
 * Which mounts to show, as df does: local data filesystems, nothing under /proc or /sys, and one mount
 * per device (bind mounts repeat a device; the shortest mount point stands for it). A later mount on the
 * same mount point hides an earlier one.
 */
export function selectMounts(entries: MountEntry[], includeRemote: boolean): MountEntry[] {
  const byPoint = new Map<string, MountEntry>();
  for (const e of entries) byPoint.set(e.mountPoint, e);
  const byDevice = new Map<string, MountEntry>();
  for (const e of byPoint.values()) {
    if (e.mountPoint.startsWith('/proc/') || e.mountPoint.startsWith('/sys/') || e.mountPoint === '/proc' || e.mountPoint === '/sys') continue;
    if (!isLocalDataFs(e.fstype) && !(includeRemote && /^(nfs|nfs4|cifs|smb3|fuse\..*|9p|ceph|glusterfs)$/.test(e.fstype))) continue;
    const prev = byDevice.get(e.majorMinor);
    if (prev === undefined || e.mountPoint.length < prev.mountPoint.length) byDevice.set(e.majorMinor, e);
  }
  // In code-unit order (strcmp's, for ASCII paths), not the locale's: the collator's first use maps about
  // 2.7 MB of ICU data, and it came in the middle of `vigil record`'s start-up peak (issue 16).
  return [...byDevice.values()].sort((a, b) => (a.mountPoint < b.mountPoint ? -1 : a.mountPoint > b.mountPoint ? 1 : 0));
}
