/**
 * The cgroup tier on this machine's real cgroups, against ground truth. The test makes its own groups (a
 * v1 cpu/cpuacct group with a 50% quota, a v1 memory group with a limit, a group in the hybrid unified
 * tree), puts known work in them, and reads the groups' own counter files right before and right after
 * each of vigil's reads: a counter vigil read lies between the two, so its figure over the interval is
 * bounded exactly, whatever the load. Skipped with the reason where the machine cannot do it.
 */
import * as fs from 'fs';
import t from 'tap';
import type { CgroupSnap } from '../../../src/model/cgroups';
import type { Sample } from '../../../src/model';
import { derive } from '../../../src/derive/derive';
import { detectLayout } from '../../../src/sampler/cgroups/layout';
import { Sampler } from '../../../src/sampler/sampler';
import { CGROUP_ROOT, cgroupSkipReason, groupName, hierarchyOf, killAndWait, TestGroup } from '../../helpers/cgroups';
import { sleep } from '../../helpers/proc';

const MiB = 1024 * 1024;

function newSampler(t: { teardown(fn: () => void): void }): Sampler {
  const s = new Sampler({ procs: false, filesystems: false, connections: false, shim: false, cgroups: true });
  t.teardown(() => s.close());
  return s;
}

const snapOf = (prev: Sample, curr: Sample, s: Sampler, path: string): CgroupSnap => {
  const snap = derive(prev, curr, s.host).cgroups?.find((g) => g.path === path);
  if (snap === undefined) throw new Error(`no ${path} in the cgroup table`);
  return snap;
};

const keyed = (text: string): Map<string, bigint> =>
  new Map(text.split('\n').map((l) => l.split(' ')).filter((w) => w.length === 2).map(([k, v]) => [k, BigInt(v)]));

async function waitFor(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const member = (g: TestGroup, pid: number): boolean => g.read('cgroup.procs').split('\n').includes(String(pid));

t.test('layout of this machine', async (t) => {
  const { layout } = detectLayout(CGROUP_ROOT);
  const s = newSampler(t);
  const table = s.sample(process.hrtime.bigint(), true).cgroups!;
  t.equal(table.layout, layout, `layout ${layout}`);
  t.ok(table.groups.length >= 1 && table.groups[0].path === '/', 'the root first');
  t.ok(table.groups.every((g) => g.depth <= 8), 'within the depth budget');
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8');
  t.ok(own.length > 0, 'this process has a cgroup file');
});

const cpuSkip = cgroupSkipReason(['cpu', 'cpuacct']) ?? false;
t.test('v1 cpu,cpuacct group with a 50% quota: CPU % and throttled % against its own counters', { skip: cpuSkip }, async (t) => {
  const hs = [...new Set([hierarchyOf('cpu')!, hierarchyOf('cpuacct')!])];
  const g = new TestGroup(hs, groupName('cpu'));
  const burner = g.spawnIn(`sh -c 'while :; do :; done'`);
  t.teardown(async () => {
    await killAndWait(burner);
    await g.remove();
  });
  g.write('cpu.cfs_period_us', '100000');
  g.write('cpu.cfs_quota_us', '50000');
  await waitFor('the burner to join', () => member(g, burner.pid!));
  await sleep(300);
  const truth = (): { usageNs: bigint; periods: bigint; throttled: bigint } => {
    const st = keyed(g.read('cpu.stat'));
    return { usageNs: BigInt(g.read('cpuacct.usage').trim()), periods: st.get('nr_periods')!, throttled: st.get('nr_throttled')! };
  };
  const s = newSampler(t);
  s.sample(process.hrtime.bigint(), true);
  const b1 = truth();
  const n1 = process.hrtime.bigint();
  const s1 = s.sample(n1, true);
  const a1 = truth();
  await sleep(2000);
  const b2 = truth();
  const n2 = process.hrtime.bigint();
  const s2 = s.sample(n2, true);
  const a2 = truth();
  const snap = snapOf(s1, s2, s, g.path);
  const dtUs = Number(n2 - n1) / 1e3;
  // vigil's µs of CPU over its interval, and the bounds the group's own counter puts on it.
  const used = (snap.cpu_pct! * dtUs) / 100;
  const lo = Number(b2.usageNs - a1.usageNs) / 1e3 - 2;
  const hi = Number(a2.usageNs - b1.usageNs) / 1e3 + 2;
  t.ok(used >= lo && used <= hi, `CPU ${snap.cpu_pct!.toFixed(2)}%: ${used.toFixed(0)} µs within the group's own [${lo.toFixed(0)}, ${hi.toFixed(0)}]`);
  // The quota itself: at most 50 ms per 100 ms period, plus one period's worth at the interval's edges.
  t.ok(snap.cpu_pct! <= 50 * (1 + 200_000 / dtUs) + 1, `at most the 50% quota (${snap.cpu_pct!.toFixed(1)}%)`);
  t.equal(snap.cpu_limit_cores, 0.5, 'limit 0.5 cores from cfs_quota_us / cfs_period_us');
  // Throttled %: vigil's share lies between the shares the bracketing reads allow.
  const pLo = Number(b2.periods - a1.periods);
  const pHi = Number(a2.periods - b1.periods);
  const thLo = Number(b2.throttled - a1.throttled);
  const thHi = Number(a2.throttled - b1.throttled);
  t.ok(pHi > 0, `the group ran: ${pLo}..${pHi} periods`);
  if (pLo > 0) {
    const min = (100 * thLo) / pHi;
    const max = Math.min(100, (100 * thHi) / pLo);
    t.ok(snap.cpu_throttled_pct! >= min - 1e-9 && snap.cpu_throttled_pct! <= max + 1e-9,
      `throttled ${snap.cpu_throttled_pct!.toFixed(1)}% within [${min.toFixed(1)}, ${max.toFixed(1)}] (${thLo}..${thHi} of ${pLo}..${pHi} periods)`);
  }
});

const memSkip = cgroupSkipReason(['memory']) ??
  (/^oom_kill /m.test(fs.readFileSync(`${hierarchyOf('memory')!.dir}/memory.oom_control`, 'utf8')) ? false : 'memory.oom_control has no oom_kill count (kernel before 4.13)');
t.test('v1 memory group with a limit: current / limit, and an OOM kill counted once', { skip: memSkip }, async (t) => {
  const mem = hierarchyOf('memory')!;
  const g = new TestGroup([mem], groupName('mem'));
  const kids: ReturnType<TestGroup['spawnIn']>[] = [];
  t.teardown(async () => {
    for (const k of kids) await killAndWait(k);
    await g.remove();
  });
  const limit = 64 * MiB;
  g.write('memory.limit_in_bytes', String(limit));
  // With swap, the group would swap rather than be killed: cap memory+swap at the same figure.
  if (fs.existsSync(`${g.dirs[0]}/memory.memsw.limit_in_bytes`)) g.write('memory.memsw.limit_in_bytes', String(limit));
  // tail of a stream without newlines keeps all of it: 32 MiB held until the sleep ends.
  const holder = g.spawnIn(`sh -c '(head -c ${32 * MiB} /dev/zero; sleep 120) | tail -n 1'`);
  kids.push(holder);
  const usage = (): number => Number(g.read('memory.usage_in_bytes').trim());
  await waitFor('32 MiB charged to the group', () => usage() >= 32 * MiB, 20_000);
  const s = newSampler(t);
  const s0 = s.sample(process.hrtime.bigint(), true);
  await sleep(200);
  const before = usage();
  const s1 = s.sample(process.hrtime.bigint(), true);
  const after = usage();
  const snap = snapOf(s0, s1, s, g.path);
  t.equal(snap.mem_max_bytes, limit, 'the limit as written');
  t.ok(snap.mem_current_bytes! >= Math.min(before, after) - MiB && snap.mem_current_bytes! <= Math.max(before, after) + MiB,
    `current ${snap.mem_current_bytes} as the group's usage_in_bytes says (${before}, ${after})`);
  t.ok(snap.mem_current_bytes! >= 32 * MiB && snap.mem_current_bytes! <= limit, 'between what is held and the limit');
  t.equal(snap.mem_used_pct_of_limit, (100 * snap.mem_current_bytes!) / limit, 'used % of limit = 100 × current / limit');
  await killAndWait(holder);

  const oomKills = (): bigint => keyed(g.read('memory.oom_control')).get('oom_kill')!;
  const k0 = oomKills();
  const s2 = s.sample(process.hrtime.bigint(), true);
  // tail of /dev/zero grows without bound: the group's limit kills it.
  const oomer = g.spawnIn('tail /dev/zero');
  kids.push(oomer);
  const exit = await new Promise<string | null>((r) => oomer.once('exit', (_c, sig) => r(sig)));
  t.equal(exit, 'SIGKILL', 'the OOM killer ended the allocator');
  await waitFor('the kill to be counted', () => oomKills() > k0, 5000);
  const s3 = s.sample(process.hrtime.bigint(), true);
  await sleep(100);
  const s4 = s.sample(process.hrtime.bigint(), true);
  const truthKills = Number(oomKills() - k0);
  t.equal(truthKills, 1, 'the group counted one kill');
  const seen = snapOf(s2, s3, s, g.path).oom_kills! + snapOf(s3, s4, s, g.path).oom_kills!;
  t.equal(seen, truthKills, 'vigil counts it once over the two intervals');
});

t.test('a group in the unified tree: CPU from cpu.stat, and its pressure', { skip: cgroupSkipReason(['unified']) ?? false }, async (t) => {
  const u = hierarchyOf('unified')!;
  const g = new TestGroup([u], groupName('unified'));
  const burner = g.spawnIn(`sh -c 'while :; do :; done'`);
  t.teardown(async () => {
    await killAndWait(burner);
    await g.remove();
  });
  await waitFor('the burner to join', () => member(g, burner.pid!));
  const usage = (): bigint => keyed(g.read('cpu.stat')).get('usage_usec')!;
  const s = newSampler(t);
  const b1 = usage();
  const n1 = process.hrtime.bigint();
  const s1 = s.sample(n1, true);
  const a1 = usage();
  await sleep(1000);
  const b2 = usage();
  const n2 = process.hrtime.bigint();
  const s2 = s.sample(n2, true);
  const a2 = usage();
  const snap = snapOf(s1, s2, s, g.path);
  const used = (snap.cpu_pct! * Number(n2 - n1)) / 1e3 / 100;
  const lo = Number(b2 - a1) - 1;
  const hi = Number(a2 - b1) + 1;
  t.ok(used >= lo && used <= hi, `CPU ${snap.cpu_pct!.toFixed(1)}%: ${used.toFixed(0)} µs within [${lo}, ${hi}]`);
  // Loose: vigil's stamp and its read of the file can be apart by a stall on a loaded machine (the bracket above is exact).
  t.ok(snap.cpu_pct! <= 125, 'one sh loop: about one core at most');
  if (fs.existsSync(`${g.dirs[0]}/cpu.pressure`)) t.ok(snap.psi.cpu !== null && snap.psi.cpu.some_avg10 !== null, 'cpu.pressure read');
  t.equal(s2.cgroups!.layout, detectLayout(CGROUP_ROOT).layout);
});
