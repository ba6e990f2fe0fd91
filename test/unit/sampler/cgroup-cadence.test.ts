/**
 * The cgroup tier's cadence: on process ticks, at most once a second (CGROUP_MIN_INTERVAL_MS), with the
 * start-up pair kept so that groups have rates at once. Fixture /proc and cgroup trees, a fixture clock.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { CGROUP_MIN_INTERVAL_MS, Sampler } from '../../../src/sampler/sampler';
import { FIXTURES } from '../../helpers/paths';

const MS = 1_000_000n;

function reads(procIntervalMs: number, ticks: number): { procs: bigint[]; cgroups: bigint[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cg-cadence-'));
  try {
    fs.cpSync(path.join(FIXTURES, 'proc', 'debian12-6.18'), path.join(dir, 'proc'), { recursive: true });
    const passwd = path.join(dir, 'passwd');
    fs.writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\n');
    const s = new Sampler({
      procRoot: path.join(dir, 'proc'), sysRoot: path.join(dir, 'no-sys'), passwdPath: passwd, filesystems: false, connections: false,
      intervalMs: 100, procIntervalMs, cgroups: true, cgroupRoot: path.join(FIXTURES, 'cgroup', 'v2'),
    });
    const procs = new Set<bigint>();
    const cgroups = new Set<bigint>();
    try {
      for (let i = 0; i < ticks; i++) {
        const x = s.sample(1_000n * MS + BigInt(i) * 100n * MS, i === 1);
        if (x.procs) procs.add(x.procs.mono_ns);
        if (x.cgroups) cgroups.add(x.cgroups.mono_ns);
      }
    } finally {
      s.close();
    }
    return { procs: [...procs], cgroups: [...cgroups] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const gaps = (xs: bigint[]): number[] => xs.slice(1).map((x, i) => Number(x - xs[i]) / 1e6);

t.test('at --proc-interval 100 the tier reads once a second, after the start-up pair', async (t) => {
  const r = reads(100, 50);
  t.ok(r.procs.length >= 45, `the process tier read on ${r.procs.length} of 50 ticks`);
  // 0 ms, the forced second read at 100 ms, then every second: 1100, 2100, 3100, 4100.
  t.ok(r.cgroups.length >= 5 && r.cgroups.length <= 7, `${r.cgroups.length} cgroup reads in 5 s`);
  const g = gaps(r.cgroups);
  t.ok(g[0] <= 200, `the start-up pair is ${g[0]} ms apart`);
  t.ok(g.slice(1).every((x) => x >= CGROUP_MIN_INTERVAL_MS - 100 && x <= CGROUP_MIN_INTERVAL_MS + 100), `then about a second apart: ${g.slice(1).join(', ')}`);
  // Every cgroup read falls on a process tick.
  const ticks = new Set(r.procs);
  t.ok(r.cgroups.every((c) => ticks.has(c)), 'on process ticks');
});

t.test('at --proc-interval 2000 it keeps the process tier\'s ticks', async (t) => {
  const r = reads(2000, 70);
  t.same(r.cgroups, r.procs, 'the same ticks as the process table');
});
