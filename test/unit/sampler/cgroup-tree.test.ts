/**
 * The cgroup tier on fixture trees (test/fixtures/cgroup/{v2,v1,hybrid}): layout detection, the merged
 * tree, every figure from its file, hostile files, the walk's budget, and derive over two reads.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import type { CgroupSample, CgroupTable } from '../../../src/model/cgroups';
import { deriveCgroups } from '../../../src/derive/cgroups';
import { detectLayout } from '../../../src/sampler/cgroups/layout';
import { CgroupReader } from '../../../src/sampler/cgroups/tier';
import { FIXTURES } from '../../helpers/paths';
import { tmpDir } from '../../helpers/tmp';

const CG = path.join(FIXTURES, 'cgroup');
const byPath = (tab: CgroupTable): Map<string, CgroupSample> => new Map(tab.groups.map((g) => [g.path, g]));
const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

t.test('layout detection', async (t) => {
  t.equal(detectLayout(path.join(CG, 'v2')).layout, 'v2');
  const v1 = detectLayout(path.join(CG, 'v1'));
  t.equal(v1.layout, 'v1');
  t.same(v1.hierarchies.map((h) => path.basename(h.dir)), ['blkio', 'cpu,cpuacct', 'memory', 'pids', 'systemd'],
    'the cpu and cpuacct symlinks are not read twice; freezer has no figures');
  t.equal(detectLayout(path.join(CG, 'hybrid')).layout, 'hybrid');
  t.equal(detectLayout(path.join(CG, 'does-not-exist')).layout, 'none');
  t.same(new CgroupReader({ root: path.join(CG, 'does-not-exist') }).read(1n).groups, [], 'no cgroups: an empty table, no throw');
});

t.test('v2: a limited service', async (t) => {
  const tab = new CgroupReader({ root: path.join(CG, 'v2') }).read(1n);
  t.equal(tab.layout, 'v2');
  t.equal(tab.truncated, false);
  const g = byPath(tab);
  t.same([...g.keys()], [
    '/', '/empty.slice', '/kubepods.slice', '/system.slice',
    '/kubepods.slice/kubepods-burstable.slice', '/system.slice/hostile.service', '/system.slice/nginx.service',
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8695_a4b3c2d1e0f9.slice',
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8695_a4b3c2d1e0f9.slice/cri-containerd-3f9a2b7c1d4e5f60718293a4b5c6d7e8f9011223344556677889900aabbccdd.scope',
  ], 'breadth first, sorted by name within a level');
  const n = g.get('/system.slice/nginx.service')!;
  t.match(n, {
    depth: 2, cpu_usage_usec: 2500000, cpu_user_usec: 2000000, cpu_system_usec: 500000,
    nr_periods: 1000, nr_throttled: 250, throttled_usec: 1200000, cpu_quota_usec: 50000, cpu_period_usec: 100000,
    mem_current_bytes: 67108864, mem_peak_bytes: 100663296, mem_max_bytes: 268435456, mem_high_bytes: 201326592, mem_limited: true,
    mem_anon_bytes: 41943040, mem_file_bytes: 20971520, mem_kernel_bytes: 4194304, mem_inactive_file_bytes: 16777216,
    oom: 2, oom_kill: 1, pids_current: 3, pids_max: 100,
  });
  t.same(n.io, [
    { dev: '8:0', rbytes: 4096000, wbytes: 8192000, rios: 100, wios: 200 },
    { dev: '259:0', rbytes: 1000, wbytes: 0, rios: 1, wios: 0 },
  ]);
  t.same(n.psi.cpu, { some: { avg10: 1.5, avg60: 0.5, avg300: 0.1, total: 123456 }, full: { avg10: 0.5, avg60: 0.2, avg300: 0.05, total: 23456 } });
  const s = g.get('/system.slice')!;
  t.match(s, { cpu_quota_usec: null, cpu_period_usec: 100000, mem_max_bytes: null, mem_high_bytes: null, mem_limited: false, pids_max: null },
    '`max` everywhere: no limits, and known to be none');
  const e = g.get('/empty.slice')!;
  t.match(e, { cpu_usage_usec: null, mem_current_bytes: null, mem_limited: null, io: null, pids_current: null, psi: { cpu: null, memory: null, io: null } },
    'a group with no controller files: every figure unknown');
  const r = g.get('/')!;
  t.match(r, { depth: 0, cpu_usage_usec: 9000000000, mem_current_bytes: null, mem_anon_bytes: 1000000 }, 'the root has no memory.current');
});

t.test('v2: hostile files give nulls, never 2^63 or NaN', async (t) => {
  const h = byPath(new CgroupReader({ root: path.join(CG, 'v2') }).read(1n)).get('/system.slice/hostile.service')!;
  t.match(h, {
    cpu_usage_usec: 18446744073709551615n, cpu_user_usec: null, cpu_system_usec: null, nr_periods: null, nr_throttled: null,
    throttled_usec: 99999999999999999999999n,
    cpu_quota_usec: null, cpu_period_usec: null, // `max 0`: not a cpu.max
    mem_max_bytes: null, mem_limited: null, // banana
    mem_high_bytes: null, // the v1 sentinel: none
    mem_anon_bytes: null, mem_file_bytes: null, oom: null, oom_kill: null, pids_current: null, pids_max: null,
    psi: { cpu: null },
  });
  t.same(h.io, [], 'no whole device line');
  t.equal(h.mem_current_bytes, 18446744073709551615, 'a u64 level is a finite number');
});

t.test('v1: cpu,cpuacct + memory + pids + blkio merged by path', async (t) => {
  const tab = new CgroupReader({ root: path.join(CG, 'v1'), clkTck: 100 }).read(1n);
  t.equal(tab.layout, 'v1');
  const g = byPath(tab);
  t.ok(g.has('/system.slice/cron.service'), 'the name=systemd tree is part of the walk');
  t.notOk(g.has('/cpu'), 'no symlinked hierarchy shows as a group');
  const d = g.get(`/docker/${ID}`)!;
  t.match(d, {
    cpu_usage_usec: 3000000, cpu_user_usec: 2000000, cpu_system_usec: 1000000,
    nr_periods: 100, nr_throttled: 20, throttled_usec: 5000000, cpu_quota_usec: 50000, cpu_period_usec: 100000,
    mem_current_bytes: 314572800, mem_peak_bytes: 419430400, mem_max_bytes: 536870912, mem_limited: true,
    mem_anon_bytes: 209715200, mem_file_bytes: 104857600, mem_kernel_bytes: 8388608, mem_inactive_file_bytes: 52428800,
    oom: null, oom_kill: 3, pids_current: 12, pids_max: 512,
  });
  t.same(d.io, [{ dev: '8:0', rbytes: 4096, wbytes: 8192, rios: 1, wios: 2 }, { dev: '8:16', rbytes: 100, wbytes: 0, rios: 0, wios: 0 }]);
  t.match(g.get('/unlimited')!, { mem_max_bytes: null, mem_limited: false, oom_kill: null }, 'limit_in_bytes 9223372036854771712: none');
  t.match(g.get('/')!, { mem_max_bytes: null, cpu_quota_usec: null, cpu_period_usec: 100000 });
  t.match(g.get('/old')!, { cpu_usage_usec: 250000, cpu_user_usec: 200000, cpu_system_usec: 50000, cpu_quota_usec: null, cpu_period_usec: null },
    'cpuacct.stat ticks × 10⁶ / USER_HZ; a garbage quota is no quota read');
});

t.test('hybrid: v1 figures, unified PSI and usage where v1 has none', async (t) => {
  const tab = new CgroupReader({ root: path.join(CG, 'hybrid') }).read(1n);
  t.equal(tab.layout, 'hybrid');
  const g = byPath(tab);
  t.same([...g.keys()], ['/', '/batch', '/process_api', '/process_api/abc123']);
  t.match(g.get('/batch')!, {
    cpu_usage_usec: 1500000, cpu_user_usec: 1000000, nr_periods: 40, nr_throttled: 10, throttled_usec: 2000,
    cpu_quota_usec: 150000, psi: { cpu: { some: { total: 123456 } }, io: { some: { avg10: 1.5 } }, memory: null },
  }, 'cpuacct (v1) wins over unified cpu.stat; pressure comes from unified');
  t.match(g.get('/')!, { cpu_usage_usec: 7000000 }, 'v1 root cpuacct.usage ns → µs');
  t.match(g.get('/process_api/abc123')!, { mem_current_bytes: 2048, mem_max_bytes: 4096 });
});

t.test('the walk budget: depth and count', async (t) => {
  const root = tmpDir(t, 'vigil-cgtree-');
  fs.writeFileSync(path.join(root, 'cgroup.controllers'), '');
  let deep = root;
  for (let i = 0; i < 12; i++) {
    deep = path.join(deep, `d${i}`);
    fs.mkdirSync(deep);
  }
  for (let i = 0; i < 30; i++) fs.mkdirSync(path.join(root, `w${String(i).padStart(2, '0')}`));
  const all = new CgroupReader({ root, maxDepth: 20, maxGroups: 1000 }).read(1n);
  t.equal(all.groups.length, 1 + 12 + 30);
  t.equal(all.truncated, false);
  const shallow = new CgroupReader({ root, maxDepth: 3 }).read(1n);
  t.equal(Math.max(...shallow.groups.map((g) => g.depth)), 3);
  t.equal(shallow.truncated, true, 'deeper groups left out, and said so');
  const few = new CgroupReader({ root, maxGroups: 10 }).read(1n);
  t.equal(few.groups.length, 10);
  t.equal(few.truncated, true);
  t.same(few.groups.slice(0, 3).map((g) => g.path), ['/', '/d0', '/w00'], 'breadth first: the top level comes before anything deeper');
});

t.test('the tree is listed again every 5th read, and at once after a group has gone', async (t) => {
  const root = tmpDir(t, 'vigil-cgwalk-');
  fs.writeFileSync(path.join(root, 'cgroup.controllers'), '');
  const mk = (name: string): void => {
    fs.mkdirSync(path.join(root, name));
    fs.writeFileSync(path.join(root, name, 'memory.current'), '4096\n');
  };
  mk('a');
  mk('b');
  const r = new CgroupReader({ root });
  const paths = (): string[] => r.read(1n).groups.map((g) => g.path);
  t.same(paths(), ['/', '/a', '/b']);
  mk('c');
  t.same(paths(), ['/', '/a', '/b'], 'a new group waits for the next listing');
  paths();
  paths();
  paths();
  t.same(paths(), ['/', '/a', '/b', '/c'], 'the 6th read lists the tree again');
  fs.rmSync(path.join(root, 'b'), { recursive: true });
  t.same(paths(), ['/', '/a', '/c'], 'a group gone since the listing is left out at once');
  mk('d');
  t.same(paths(), ['/', '/a', '/c', '/d'], 'and the next read lists the tree again');
  t.equal(r.keptFds, 0, 'no kept fds on a fixture tree: a deleted file\'s fd would still read its old text');
  t.same(new CgroupReader({ root, rewalkEvery: 1 }).read(1n).groups.length, 4);
});

t.test('derive over two reads', async (t) => {
  const reader = new CgroupReader({ root: path.join(CG, 'v2') });
  const a = reader.read(1_000_000_000n);
  const b = structuredClone(a);
  b.mono_ns = 2_000_000_000n; // one second later
  const n = b.groups.find((g) => g.path === '/system.slice/nginx.service')!;
  n.cpu_usage_usec = 2500000 + 400000; // 0.4 s of CPU in 1 s
  n.cpu_user_usec = 2000000 + 300000;
  n.cpu_system_usec = 500000 + 100000;
  n.nr_periods = 1010;
  n.nr_throttled = 254;
  n.oom_kill = 2;
  n.io = [{ dev: '8:0', rbytes: 4096000 + 1_000_000, wbytes: 8192000, rios: 110, wios: 200 }, { dev: '259:0', rbytes: 1000, wbytes: 500, rios: 1, wios: 5 }];
  n.psi.cpu = { some: { avg10: 1, avg60: 1, avg300: 1, total: 123456 + 250000 }, full: null };
  const h = b.groups.find((g) => g.path === '/system.slice/hostile.service')!;
  h.cpu_usage_usec = 5; // went backwards: re-created group
  const first = deriveCgroups(null, a);
  t.equal(first.find((s) => s.path === '/system.slice/nginx.service')!.cpu_pct, null, 'one read: levels, no rates');
  const snaps = new Map(deriveCgroups(a, b).map((s) => [s.path, s]));
  const s = snaps.get('/system.slice/nginx.service')!;
  t.equal(s.cpu_pct, 40);
  t.equal(s.cpu_user_pct, 30);
  t.equal(s.cpu_system_pct, 10);
  t.equal(s.cpu_throttled_pct, 40, '4 of 10 periods throttled');
  t.equal(s.cpu_limit_cores, 0.5);
  t.equal(s.mem_used_pct_of_limit, 25, '64 MiB of 256 MiB');
  t.equal(s.mem_working_set_bytes, 67108864 - 16777216, 'current − inactive_file');
  t.equal(s.oom_kills, 1);
  t.equal(s.io_read_bytes_per_s, 1_000_000);
  t.equal(s.io_write_bytes_per_s, 500);
  t.equal(s.io_read_ops_per_s, 10);
  t.equal(s.io_write_ops_per_s, 5);
  t.equal(s.psi.cpu!.some_pct, 25, '0.25 s stalled in 1 s');
  const sys = snaps.get('/system.slice')!;
  t.equal(sys.cpu_throttled_pct, null, 'no period elapsed: no share');
  t.equal(sys.mem_used_pct_of_limit, null, 'no limit: no share');
  t.equal(snaps.get('/system.slice/hostile.service')!.cpu_pct, null, 'a counter that went backwards: no rate');
  for (const snap of snaps.values()) {
    for (const [k, v] of Object.entries(snap)) if (typeof v === 'number') t.ok(Number.isFinite(v) && v >= 0, `${snap.path} ${k} finite`);
  }
  t.same(deriveCgroups({ ...a, mono_ns: b.mono_ns }, b).find((x) => x.path === '/system.slice/nginx.service')!.cpu_pct, null, 'Δt of 0: no rate');
});
