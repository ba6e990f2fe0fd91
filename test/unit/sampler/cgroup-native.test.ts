/**
 * The native cgroup reader (native/sampler/cgroup.c through src/sampler/native/cgroups.ts) against the
 * TypeScript reference (src/sampler/cgroups/tier.ts + group.ts): the same CgroupTable, field by field, on
 * the fixture trees (v1, v2, hybrid, hostile files), on generated trees (counters near and past 2^64,
 * `max`, unknown keys, truncated lines, empty and missing files, nested groups, a group that vanishes
 * between the listing and the read), on random file contents, and on this machine's /sys/fs/cgroup.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import t, { Test } from 'tap';
import type { CgroupSample, CgroupTable } from '../../../src/model/cgroups';
import { CgroupReader, CgroupTierOptions } from '../../../src/sampler/cgroups/tier';
import { cgroupNativeOf, cgroupReaderFor, NativeCgroupReader } from '../../../src/sampler/native/cgroups';
import { loadNative } from '../../../src/sampler/native/load';
import { FIXTURES } from '../../helpers/paths';
import { tmpDir } from '../../helpers/tmp';

const fns = cgroupNativeOf(loadNative().addon);
const skip = fns ? false : 'the native sampler core (with cgroup.c) is not built here';
const CG = path.join(FIXTURES, 'cgroup');

const json = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

function pair(opts: CgroupTierOptions): { ts: CgroupReader; nat: NativeCgroupReader } {
  return { ts: new CgroupReader(opts), nat: new NativeCgroupReader(fns!, opts) };
}

/** Both readers on the same tree, `reads` times; every table equal. Returns the last native table. */
function same(t: Test, opts: CgroupTierOptions, name: string, reads = 2): { tab: CgroupTable; raw: number } {
  const { ts, nat } = pair(opts);
  let tab: CgroupTable | null = null;
  let raw = 0;
  for (let i = 0; i < reads; i++) {
    const a = ts.read(1n);
    tab = nat.read(1n);
    raw = nat.rawRows;
    t.same(JSON.parse(json(tab)), JSON.parse(json(a)), `${name}, read ${i + 1}`);
  }
  ts.close();
  nat.close();
  return { tab: tab!, raw };
}

t.test('the fixture trees: v2, v1, hybrid (with their hostile files)', { skip }, async (t) => {
  for (const layout of ['v2', 'v1', 'hybrid']) {
    const { tab } = same(t, { root: path.join(CG, layout) }, layout, 3);
    t.ok(tab.groups.length > 2, `${layout}: ${tab.groups.length} groups`);
  }
  const { tab } = same(t, { root: path.join(CG, 'v2'), maxDepth: 1, maxGroups: 3 }, 'v2 within a walk budget');
  t.equal(tab.truncated, true);
});

const write = (dir: string, files: Record<string, string>): void => {
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
};

const V2_GOOD: Record<string, string> = {
  'cgroup.controllers': 'cpu io memory pids\n',
  'cgroup.procs': '',
  'cpu.stat': 'usage_usec 18446744073709551615\nuser_usec 9007199254740993\nsystem_usec 9007199254740991\nnr_periods 5\nnr_throttled 1\nthrottled_usec 7\nnr_bursts 0\n',
  'cpu.max': 'max 100000\n',
  'memory.current': '18446744073709551614\n',
  'memory.peak': '9007199254740993\n',
  'memory.max': 'max\n',
  'memory.high': '4611686018427387903\n',
  'memory.stat': 'anon 1\nfile 2\nkernel_stack 9007199254740993\nslab 9007199254740993\nunknown_key 5\ninactive_file 4\nanon 99\n',
  'memory.events': 'low 0\nhigh 0\nmax 0\noom 18446744073709551615\noom_kill 3\noom_group_kill 0\n',
  'io.stat': '8:0 rbytes=18446744073709551615 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n259:0 rbytes=1 wbytes=1 rios=1 wios=1\n8:16 rbytes=5 wbytes=6 rios=7\n8:32 rbytes=5 rbytes=6 wbytes=1 rios=2 wios=3 x=y =5\n',
  'pids.current': '7\n',
  'pids.max': 'max\n',
  'cpu.pressure': 'some avg10=0.10 avg60=2.50 avg300=99.99 total=18446744073709551615\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
  'memory.pressure': 'some avg10=1.00 avg60=1.00 avg300=1.00 total=1\n',
  'io.pressure': 'full avg10=0.00 avg60=0.00 avg300=0.00 total=9\nsome avg10=5 avg60=.5 avg300=5. total=3\n',
};

const V1_GOOD: Record<string, Record<string, string>> = {
  'cpu,cpuacct': {
    'cgroup.procs': '',
    'cpuacct.usage': '18446744073709551615\n',
    'cpuacct.usage_user': '9007199254740991999\n',
    'cpuacct.usage_sys': '4503599627370495999\n',
    'cpu.stat': 'nr_periods 1\nnr_throttled 0\nthrottled_time 18446744073709551615\n',
    'cpu.cfs_quota_us': '-1\n',
    'cpu.cfs_period_us': '100000\n',
  },
  memory: {
    'cgroup.procs': '',
    'memory.usage_in_bytes': '123\n',
    'memory.max_usage_in_bytes': '18446744073709551615\n',
    'memory.limit_in_bytes': '9223372036854771712\n',
    'memory.stat': 'cache 1\nrss 2\ninactive_file 3\ntotal_rss 20\ntotal_cache 10\n',
    'memory.kmem.usage_in_bytes': '4096\n',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
  },
  pids: { 'cgroup.procs': '', 'pids.current': '3\n', 'pids.max': '4194304\n' },
  blkio: {
    'cgroup.procs': '',
    'blkio.throttle.io_service_bytes': '8:16 Read 5\n8:16 Write 6\n8:0 Read 18446744073709551615\n8:0 Write 1\n8:0 Sync 9\n8:0 Read 7\nTotal 12\n',
    'blkio.throttle.io_serviced': '8:0 Read 1\n8:0 Write 2\n253:1 Read 3\n',
  },
};

t.test('generated trees: huge counters, max, unknown keys, truncated lines, empty and missing files, nesting', { skip }, async (t) => {
  const v2 = tmpDir(t);
  write(v2, V2_GOOD);
  write(path.join(v2, 'a.slice'), { ...V2_GOOD, 'cpu.max': '50000 100000', 'memory.max': '1073741824', 'pids.max': '0' });
  write(path.join(v2, 'a.slice', 'b.service'), {
    'cgroup.procs': '', 'cpu.stat': 'usage_usec 1\nuser_usec', 'memory.current': '', 'memory.stat': 'anon 1\nfile',
    'io.stat': '8:0 rbytes=1 wbytes=2 rios=3 wi', 'cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 tot', 'pids.max': 'ma',
  });
  write(path.join(v2, 'a.slice', 'b.service', 'c.scope'), { 'cgroup.procs': '', 'memory.stat': 'kernel_stack 5\nslab 6\n' });
  write(path.join(v2, 'empty.slice'), { 'cgroup.procs': '' });
  const r2 = same(t, { root: v2 }, 'v2');
  t.equal(r2.raw, 0, 'no group needed the reference: the C parsers took every file');
  t.equal(r2.tab.groups.length, 5);

  const v1 = tmpDir(t);
  for (const [h, files] of Object.entries(V1_GOOD)) {
    write(path.join(v1, h), files);
    write(path.join(v1, h, 'svc'), { ...files, 'cpuacct.usage_sys': '', 'cpu.cfs_quota_us': '50000', 'memory.limit_in_bytes': '1048576' });
    write(path.join(v1, h, 'svc', 'old'), { 'cgroup.procs': '', 'cpuacct.stat': 'user 1844674407370955\nsystem 5\n', 'cpuacct.usage': '1' });
  }
  write(path.join(v1, 'systemd'), { 'cgroup.procs': '' });
  const r1 = same(t, { root: v1, clkTck: 100 }, 'v1');
  t.equal(r1.raw, 0, 'no group needed the reference');
  const svc = r1.tab.groups.find((g) => g.path === '/svc')!;
  t.match(svc, { cpu_quota_usec: 50000, mem_max_bytes: 1048576, mem_limited: true }, 'the figures are the files\'');

  const hy = tmpDir(t);
  for (const [h, files] of Object.entries(V1_GOOD)) write(path.join(hy, h), files);
  write(path.join(hy, 'unified'), V2_GOOD);
  write(path.join(hy, 'unified', 'x.slice'), V2_GOOD);
  write(path.join(hy, 'memory', 'x.slice'), V1_GOOD.memory);
  t.equal(same(t, { root: hy }, 'hybrid').raw, 0);
});

t.test('text the C parsers leave to the reference: the same table all the same', { skip }, async (t) => {
  const root = tmpDir(t);
  const odd: [string, string][] = [
    ['memory.current', '18446744073709551616\n'], // past 2^64
    ['memory.current', '-0\n'],
    ['memory.current', '12\u00a0\n'], // trim() takes the no-break space
    ['memory.current', '12\r\n'],
    ['cpu.stat', 'usage_usec -0\n'],
    ['cpu.pressure', 'some avg10=1e2 avg60=0x10 avg300=1 total=1\n'],
    ['cpu.pressure', 'some avg10=NaN avg60=Infinity avg300=x total=1\n'],
    ['cpu.pressure', 'some avg10=\t1 avg60=1 avg300=1 total=-5\n'],
    ['io.stat', '08:0 rbytes=1 wbytes=2 rios=3 wios=4\n'],
    ['io.stat', '8:0 rbytes=99999999999999999999999 wbytes=2 rios=3 wios=4\n'],
    ['cpu.max', '-0 100000\n'],
  ];
  write(root, { 'cgroup.controllers': 'cpu io memory pids\n', 'cgroup.procs': '' });
  odd.forEach(([file, text], i) => write(path.join(root, `g${String(i).padStart(2, '0')}`), { 'cgroup.procs': '', [file]: text }));
  const r = same(t, { root }, 'odd texts');
  t.ok(r.raw >= 8, `${r.raw} of ${odd.length} groups went to the reference`);
});

t.test('a group that vanishes between the listing and the read', { skip }, async (t) => {
  const root = tmpDir(t);
  write(root, V2_GOOD);
  for (const g of ['a', 'b', 'c']) write(path.join(root, g), V2_GOOD);
  const { ts, nat } = pair({ root });
  t.same(JSON.parse(json(nat.read(1n))), JSON.parse(json(ts.read(1n))), 'as listed');
  fs.rmSync(path.join(root, 'b'), { recursive: true });
  const a = ts.read(1n);
  const b = nat.read(1n);
  t.same(JSON.parse(json(b)), JSON.parse(json(a)), 'the vanished group is left out by both');
  t.same(b.groups.map((g) => g.path), ['/', '/a', '/c']);
  t.same(JSON.parse(json(nat.read(1n))), JSON.parse(json(ts.read(1n))), 'and the tree listed afresh');
  ts.close();
  nat.close();
});

/** Random contents for one file: lines of known and unknown keys, numbers near the edges, `max`, junk. */
const word = fc.oneof(
  fc.constantFrom('usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec', 'anon', 'file', 'kernel', 'kernel_stack',
    'slab', 'inactive_file', 'oom', 'oom_kill', 'total_rss', 'rss', 'cache', 'total_cache', 'user', 'system', 'throttled_time', 'max', 'some', 'full',
    'Read', 'Write', 'Total', '8:0', '259:1', '08:1', 'x', ''),
  fc.constantFrom('0', '1', '-1', '-0', '00', '100000', '9007199254740991', '9007199254740992', '4611686018427387904', '9223372036854771712',
    '18446744073709551615', '18446744073709551616', '1.5', '.5', '5.'),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.tuple(fc.constantFrom('avg10', 'avg60', 'avg300', 'total', 'rbytes', 'wbytes', 'rios', 'wios'), fc.constantFrom('=0.00', '=1', '=18446744073709551615', '=', '=x', '=1.25'))
    .map(([k, v]) => k + v),
);
const lineOf = fc.array(word, { maxLength: 7 }).chain((ws) => fc.constantFrom(' ', '\t', '  ').map((sep) => ws.join(sep)));
const fileText = fc.array(lineOf, { maxLength: 6 }).chain((ls) => fc.constantFrom('\n', '').map((end) => ls.join('\n') + end));

t.test('fuzz: random file contents read the same', { skip }, async (t) => {
  const v2 = tmpDir(t);
  const v1 = tmpDir(t);
  const v2Files = Object.keys(V2_GOOD).filter((f) => !f.startsWith('cgroup.'));
  const v1Files = Object.entries(V1_GOOD).flatMap(([h, fs_]) => Object.keys(fs_).filter((f) => !f.startsWith('cgroup.')).map((f) => [h, f] as const));
  write(v2, { 'cgroup.controllers': '', 'cgroup.procs': '' });
  for (const h of Object.keys(V1_GOOD)) write(path.join(v1, h), { 'cgroup.procs': '' });
  let raw = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.array(fileText, { minLength: v2Files.length, maxLength: v2Files.length }), fc.array(fileText, { minLength: v1Files.length, maxLength: v1Files.length }), (a, b) => {
      v2Files.forEach((f, i) => fs.writeFileSync(path.join(v2, f), a[i]));
      v1Files.forEach(([h, f], i) => fs.writeFileSync(path.join(v1, h, f), b[i]));
      let ok = true;
      for (const root of [v2, v1]) {
        const ts = new CgroupReader({ root });
        const nat = new NativeCgroupReader(fns!, { root });
        ok &&= json(ts.read(1n)) === json(nat.read(1n));
        raw += nat.rawRows;
        runs++;
        ts.close();
        nat.close();
      }
      return ok;
    }),
    { numRuns: 300 },
  );
  t.ok(raw < runs, `${runs - raw} of ${runs} random trees parsed in C, ${raw} by the reference`);
});

/**
 * A field of the native read against the reference's reads just before (a) and after (c). Counters only go
 * up: between the two. Gauges (memory, pids) go either way and may peak between the reads: within their
 * span widened by a fifth and 16 MiB. Nullness, strings and flags: as one of the two.
 */
const COUNTERS = new Set(['cpu_usage_usec', 'cpu_user_usec', 'cpu_system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec', 'oom', 'oom_kill']);
const agrees = (k: string, a: unknown, b: unknown, c: unknown): boolean => {
  if (typeof b === 'string' || typeof b === 'boolean') return b === a || b === c;
  if (a === null || b === null || c === null) return (a === null) === (b === null) || (c === null) === (b === null);
  const [x, y, z] = [Number(a), Number(b), Number(c)];
  const lo = Math.min(x, z);
  const hi = Math.max(x, z);
  if (COUNTERS.has(k)) return y >= lo && y <= hi;
  return y >= lo * 0.8 - 16 * 2 ** 20 && y <= hi * 1.2 + 16 * 2 ** 20;
};

t.test('live /sys/fs/cgroup: the native read sits between two reference reads', { skip }, async (t) => {
  const root = '/sys/fs/cgroup';
  const { ts, nat } = pair({ root });
  // Other work on this machine makes and removes groups: a round whose three reads saw different trees is
  // left out, and rounds go on until three compared (or 20 tried).
  let compared = 0;
  for (let round = 0; round < 20 && compared < 3; round++) {
    const a = ts.read(1n);
    const b = nat.read(1n);
    const c = ts.read(1n);
    t.equal(nat.rawRows, 0, 'every kernel file parsed in C');
    const paths = (x: CgroupTable): string => json(x.groups.map((g) => g.path));
    if (paths(a) !== paths(c) || paths(b) !== paths(a)) continue;
    compared++;
    t.equal(b.layout, a.layout);
    let bad = 0;
    b.groups.forEach((g, i) => {
      const ga = a.groups[i] as unknown as Record<string, unknown>;
      const gc = c.groups[i] as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(g as CgroupSample)) {
        if (k === 'io' || k === 'psi') {
          // Structure equal (devices, lines present); values move.
          const shape = (x: unknown): string => json(x).replace(/-?\d+(\.\d+)?n?/g, '0');
          if (shape(v) !== shape(ga[k]) && shape(v) !== shape(gc[k])) bad++;
        } else if (!agrees(k, ga[k], v, gc[k])) {
          bad++;
          t.comment(`${g.path} ${k}: ${json(ga[k])} ${json(v)} ${json(gc[k])}`);
        }
      }
    });
    t.equal(bad, 0, `round ${round}: every field of every group (${b.groups.length}) agrees`);
  }
  t.ok(compared > 0, `${compared} rounds compared`);
  ts.close();
  nat.close();
});

t.test('kept fds: the same files kept, and closed by close()', { skip }, async (t) => {
  const { ts, nat } = pair({ root: '/sys/fs/cgroup' });
  // The same tree in both reads (other work makes and removes groups): tried up to 10 times.
  for (let i = 0; i < 10; i++) {
    const a = ts.read(1n).groups.map((g) => g.path).join();
    const b = nat.read(1n).groups.map((g) => g.path).join();
    if (a !== b) continue;
    t.equal(nat.keptFds, ts.keptFds, `${nat.keptFds} fds kept by each`);
    break;
  }
  nat.close();
  ts.close();
  t.equal(nat.keptFds, 0);
  const again = nat.read(1n);
  t.ok(again.groups.length > 0, 'a closed reader reads again');
  nat.close();
});

t.test('feature detection: an addon without cgroup.c, or of another layout, gets the TypeScript reader', async (t) => {
  t.equal(cgroupNativeOf(null), null);
  t.equal(cgroupNativeOf({ layout: () => ({}) }), null, 'an addon built before cgroup.c');
  const other = { ...(fns ?? {}), cgLayout: () => ({ NCG_COLS: 1 }), cgRead: () => 0, cgCheck: () => 1 };
  t.equal(cgroupNativeOf(other), null, 'a layout that differs');
  const root = path.join(CG, 'v2');
  t.notOk(cgroupReaderFor(null, { root }) instanceof NativeCgroupReader, 'no addon (VIGIL_SAMPLER=ts): the TypeScript reader');
  if (fns) t.ok(cgroupReaderFor(loadNative().addon, { root }) instanceof NativeCgroupReader, 'this addon: the native reader');
});
