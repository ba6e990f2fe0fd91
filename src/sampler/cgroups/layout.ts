import * as fs from 'fs';
import * as path from 'path';
import type { CgroupLayout } from '../../model/cgroups';

/** One mounted hierarchy: the unified (v2) one, or a v1 one with its controllers (a directory per mount). */
export interface Hierarchy {
  dir: string;
  v2: boolean;
  /** v1: the controllers its directory name lists (`cpu,cpuacct` → cpu and cpuacct; `systemd` is name=systemd). */
  controllers: ReadonlySet<string>;
}

/** The v1 hierarchies vigil reads: the ones with figures, and name=systemd for the tree users know. */
const V1_WANTED = new Set(['cpu', 'cpuacct', 'memory', 'pids', 'blkio', 'systemd']);

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * The layout under `root` (normally /sys/fs/cgroup), found from the directories themselves, so a fixture
 * tree is detected the same way as the machine:
 *   v2:     root/cgroup.controllers exists (the unified hierarchy is mounted at the root);
 *   hybrid: v1 hierarchies in subdirectories, and root/unified/cgroup.controllers (systemd's hybrid mode);
 *   v1:     only v1 hierarchies: root/<controllers>/cgroup.procs, e.g. cpu,cpuacct/ or memory/.
 * Symbolic links (cpu -> cpu,cpuacct) are skipped so that a hierarchy is read once.
 */
export function detectLayout(root: string): { layout: CgroupLayout; hierarchies: Hierarchy[] } {
  if (isFile(path.join(root, 'cgroup.controllers'))) return { layout: 'v2', hierarchies: [{ dir: root, v2: true, controllers: new Set() }] };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return { layout: 'none', hierarchies: [] };
  }
  const out: Hierarchy[] = [];
  let unified = false;
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!e.isDirectory()) continue;
    const dir = path.join(root, e.name);
    if (e.name === 'unified' && isFile(path.join(dir, 'cgroup.controllers'))) {
      unified = true;
      out.push({ dir, v2: true, controllers: new Set() });
      continue;
    }
    const controllers = e.name.split(',').filter((c) => V1_WANTED.has(c));
    if (controllers.length === 0 || !isFile(path.join(dir, 'cgroup.procs'))) continue;
    out.push({ dir, v2: false, controllers: new Set(controllers) });
  }
  const v1 = out.some((h) => !h.v2);
  return { layout: v1 && unified ? 'hybrid' : v1 ? 'v1' : unified ? 'v2' : 'none', hierarchies: out };
}
