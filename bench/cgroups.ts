/**
 * What the cgroup tier costs per read at 50 and 500 cgroups: real groups made under a parent this bench
 * owns (in every hierarchy the tier reads that is writable: on v1/hybrid the cpu, cpuacct, memory, pids
 * and blkio hierarchies and the unified tree), removed afterwards. Needs root; says so and skips otherwise.
 *   npm run build && node dist/bench/run.js cgroups
 * Figures: median ms per read (the whole tree: the machine's own groups plus the bench's), and CPU % of one
 * core at the default 1 s process interval; for the TypeScript reader and the native one (cgroup.c), in
 * the same run, with their ratio.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CGROUP_REWALK_EVERY, CgroupReader, CgroupTierOptions } from '../src/sampler/cgroups/tier';
import { cgroupNativeOf, NativeCgroupReader } from '../src/sampler/native/cgroups';
import { loadNative } from '../src/sampler/native/load';
import { detectLayout } from '../src/sampler/cgroups/layout';
import { FdBudget } from '../src/sampler/fdbudget';
import { median } from './util';

const ROOT = '/sys/fs/cgroup';

function parents(): string[] {
  const { hierarchies } = detectLayout(ROOT);
  return hierarchies
    .filter((h) => h.v2 || ['cpu', 'cpuacct', 'memory', 'pids', 'blkio'].some((c) => h.controllers.has(c)))
    .map((h) => h.dir)
    .filter((d) => {
      try {
        fs.accessSync(d, fs.constants.W_OK);
        return true;
      } catch {
        return false;
      }
    });
}

interface Timed {
  listing: number;
  mean: number;
  groups: number;
  fds: number;
}

/**
 * Median ms of a read that lists the tree (rewalkEvery and listEvery 1), and the mean over whole 5-read
 * cycles as the tier runs (after one warm-up read, which opens the kept fds; every 5th read looks at the
 * tree, which is listed only when it changed). `maxKeptFds` 0 is the tier without kept
 * fds (open + read + close per file), for the comparison in the same run.
 */
type Make = (o: CgroupTierOptions) => CgroupReader;
const tsReader: Make = (o) => new CgroupReader(o);

function timeReads(n: number, maxKeptFds?: number, make: Make = tsReader): Timed {
  let groups = 0;
  const lister = make({ rewalkEvery: 1, listEvery: 1, maxKeptFds });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    groups = lister.read().groups.length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  lister.close();
  const tier = make({ maxKeptFds });
  tier.read();
  // CPU time of whole 5-read cycles (user + system of this process): other work on a busy machine does not count.
  const cycles = Math.max(4, Math.round(n / CGROUP_REWALK_EVERY));
  const perCycle: number[] = [];
  for (let c = 0; c < cycles; c++) {
    const u0 = process.cpuUsage();
    for (let i = 0; i < CGROUP_REWALK_EVERY; i++) tier.read();
    const u = process.cpuUsage(u0);
    perCycle.push((u.user + u.system) / 1000 / CGROUP_REWALK_EVERY);
  }
  const mean = median(perCycle);
  const fds = tier.keptFds;
  tier.close();
  return { listing: median(times), mean, groups, fds };
}

/** Each mode ROUNDS times, the modes taking turns (one reader open at a time: the fds stay within the limit); medians. */
const ROUNDS = 3;
function timeModes(n: number, modes: [string, number | undefined, Make][]): Timed[] {
  const runs: Timed[][] = modes.map(() => []);
  for (let r = 0; r < ROUNDS; r++) modes.forEach(([, max, make], i) => runs[i].push(timeReads(n, max, make)));
  return runs.map((rs) => ({ listing: median(rs.map((x) => x.listing)), mean: median(rs.map((x) => x.mean)), groups: rs[0].groups, fds: rs[0].fds }));
}

export async function benchCgroups(): Promise<void> {
  console.log('\n== cgroups: the cgroup tier, one read of the whole tree');
  if (process.getuid?.() !== 0) {
    console.log('skipped: making cgroups needs root');
    return;
  }
  const dirs = parents();
  if (dirs.length === 0) {
    console.log(`skipped: no writable cgroup hierarchy under ${ROOT}`);
    return;
  }
  const name = `vigil-bench-${process.pid}`;
  const made: string[] = [];
  try {
    for (const d of dirs) {
      fs.mkdirSync(path.join(d, name));
      made.push(path.join(d, name));
    }
    // Each figure as the tier runs (kept fds) and without kept fds (open + read + close per file), interleaved.
    // A third mode: the tier's cap of 16384 fds, which it keeps wherever RLIMIT_NOFILE is 65792 or more
    // (systemd's default hard limit is 524288, and Node raises the soft limit to it), bounded here by this
    // machine's own limit less room for the rest.
    const big = Math.min(16384, new FdBudget().limit - 768);
    const fns = cgroupNativeOf(loadNative().addon);
    const native: Make | null = fns ? (o) => new NativeCgroupReader(fns, o) : null;
    const modes: [string, number | undefined, Make][] = [['kept fds', undefined, tsReader], ['open+read+close', 0, tsReader], [`kept fds, budget ${big}`, big, tsReader]];
    if (native) modes.splice(1, 0, ['native (cgroup.c), kept fds', undefined, native]);
    if (native) modes.push([`native (cgroup.c), kept fds, budget ${big}`, big, native]);
    else console.log('the native reader is not available (no cgroup.c in the addon): TypeScript only');
    const base = timeModes(30, modes);
    console.log(`layout ${detectLayout(ROOT).layout}, hierarchies ${dirs.map((d) => path.basename(d)).join(' ')}; the tree is looked at every ${CGROUP_REWALK_EVERY}th read and listed when it changed`);
    modes.forEach(([mode], i) => console.log(
      `this machine alone (${base[i].groups} groups), ${mode}: ${base[i].mean.toFixed(3)} ms CPU per read (median of 5-read cycles), ${base[i].listing.toFixed(2)} ms for a read that lists the tree`,
    ));
    if (native) console.log(`  native / TypeScript: ${(base[1].mean / base[0].mean).toFixed(2)}× (kept fds), ${(base[4].mean / base[3].mean).toFixed(2)}× (budget ${big})`);
    let have = 0;
    for (const n of [50, 500]) {
      for (; have < n; have++) for (const p of made) fs.mkdirSync(path.join(p, `g${have}`));
      const rs = timeModes(n >= 500 ? 15 : 30, modes);
      modes.forEach(([mode], i) => {
        const r = rs[i];
        console.log(
          `+${n} cgroups (${r.groups} in all), ${mode}: ${r.mean.toFixed(3)} ms CPU per read (${(((r.mean - base[i].mean) / n) * 1000).toFixed(0)} µs per added group), ` +
          `${r.listing.toFixed(2)} ms for a read that lists the tree; ${((100 * r.mean) / 1000).toFixed(3)}% of a core at the 1 s process interval; ${r.fds} fds kept`,
        );
      });
      if (native) console.log(`  native / TypeScript at +${n}: ${(rs[1].mean / rs[0].mean).toFixed(2)}× (kept fds), ${(rs[4].mean / rs[3].mean).toFixed(2)}× (budget ${big})`);
    }
  } finally {
    for (const p of made) {
      for (const e of fs.readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) fs.rmdirSync(path.join(p, e.name));
      fs.rmdirSync(p);
    }
  }
}
