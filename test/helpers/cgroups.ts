/**
 * Real cgroups for tests (root only): a group made under one or more hierarchies, tasks moved into it,
 * and removed at the end (tasks moved out first, then rmdir, retried while a killed task is still exiting).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { detectLayout, Hierarchy } from '../../src/sampler/cgroups/layout';

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** The hierarchy holding `controller` (v1), or the unified one ('unified'); null when this machine has none. */
export function hierarchyOf(controller: string): Hierarchy | null {
  const { hierarchies } = detectLayout(CGROUP_ROOT);
  return hierarchies.find((h) => (controller === 'unified' ? h.v2 : h.controllers.has(controller))) ?? null;
}

/** Why real-cgroup tests cannot run here, or null. */
export function cgroupSkipReason(controllers: string[]): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  // Pure v2 puts every controller on the unified tree: these tests make v1 groups (and a hybrid unified one).
  for (const c of controllers) if (c !== 'unified' && hierarchyOf(c)?.v2 === true) return `${c} is on the unified hierarchy (pure v2)`;
  const { layout } = detectLayout(CGROUP_ROOT);
  if (layout === 'none') return 'no cgroup hierarchy mounted at /sys/fs/cgroup';
  for (const c of controllers) {
    const h = hierarchyOf(c);
    if (h === null) return `no ${c} hierarchy (layout ${layout})`;
    try {
      fs.accessSync(h.dir, fs.constants.W_OK);
    } catch {
      return `${h.dir} is not writable`;
    }
  }
  return null;
}

export class TestGroup {
  /** The group's directory in each hierarchy. */
  readonly dirs: string[];
  /** The path vigil reports for it (the same in every hierarchy). */
  readonly path: string;
  private readonly roots: string[];

  constructor(hierarchies: Hierarchy[], name: string) {
    this.path = '/' + name;
    this.roots = hierarchies.map((h) => h.dir);
    this.dirs = this.roots.map((r) => path.join(r, name));
    for (const d of this.dirs) fs.mkdirSync(d);
  }

  write(file: string, value: string): void {
    for (const d of this.dirs) if (fs.existsSync(path.join(d, file))) fs.writeFileSync(path.join(d, file), value);
  }

  /** The file from the first hierarchy that has it. */
  read(file: string): string {
    for (const d of this.dirs) if (fs.existsSync(path.join(d, file))) return fs.readFileSync(path.join(d, file), 'utf8');
    throw new Error(`no ${file} in ${this.dirs.join(', ')}`);
  }

  /**
   * A child whose first act is to join the group (in every hierarchy), then exec `script`: nothing it does
   * happens outside the group.
   */
  spawnIn(script: string): ChildProcess {
    const joins = this.dirs.map((d) => `echo $$ > '${d}/cgroup.procs'`).join(' && ');
    // A process group of its own, so that killAndWait ends the pipeline's children too.
    return spawn('sh', ['-c', `${joins} && exec ${script}`], { stdio: 'ignore', detached: true });
  }

  /** Moves every task back to the root and removes the directories. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      let left = 0;
      for (let i = 0; i < this.dirs.length; i++) {
        const d = this.dirs[i];
        if (!fs.existsSync(d)) continue;
        try {
          for (const pid of fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
            try {
              fs.writeFileSync(path.join(this.roots[i], 'cgroup.procs'), pid);
            } catch {
              // exiting: gone by the next attempt
            }
          }
          fs.rmdirSync(d);
        } catch {
          left++;
        }
      }
      if (left === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`could not remove ${this.dirs.join(', ')}`);
  }
}

/** SIGKILL a child spawnIn started, with its process group (its own children), and wait until it is reaped. */
export async function killAndWait(c: ChildProcess): Promise<void> {
  const done = c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r()));
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    // the group is gone already
  }
  await done;
}

/** A name no other run uses: the test's pid and a counter. */
let seq = 0;
export const groupName = (what: string): string => `vigil-test-${what}-${process.pid}-${seq++}`;
