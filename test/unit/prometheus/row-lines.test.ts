/**
 * The per-entity families' own listing (row-lines.ts: vigil_process_*, container_*) must write what
 * renderFamily writes from series(), which is prom-client's text byte for byte: held equal to
 * prom-client over scrapes of churning process tables with hostile names, reused and duplicated rows,
 * values that are not exportable, and families whose extra labels collide with the row's own.
 */
import t from 'tap';
import type { CgroupSample } from '../../../src/model/cgroups';
import { Registry } from 'prom-client';
import { registerFamily, renderRegistry } from '../../../src/export/prometheus/family';
import { CGROUP_FAMILIES, CgroupState } from '../../../src/export/prometheus/cgroup-families';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import type { ProcSample } from '../../../src/model';
import { HOST, proc, procSnap, sample, snapshot } from '../../helpers/prometheus';

let seed = 2101;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const COMMS = ['a', 'b', '', 'q"uote', 'back\\slash', 'new\nline', 'a) R 1 (b', 'é ∪ 🙂', '",user="x', 'x\0'];
const USERS: (string | null)[] = ['alice', '', null, 'b"ob', 'new\nline'];

function randomProc(pid: number): ProcSample {
  return proc(pid, {
    comm: pick(COMMS), user: pick(USERS), uid: rnd() < 0.2 ? null : 1000,
    rss_bytes: Math.floor(rnd() * 1e6), utime: BigInt(Math.floor(rnd() * 1e4)), stime: Math.floor(rnd() * 1e4),
    threads: rnd() < 0.1 ? NaN : 1 + Math.floor(rnd() * 4), vsize_bytes: rnd() < 0.1 ? -1 : 1e7,
    swap_bytes: rnd() < 0.5 ? null : 4096,
  });
}

t.test('process families: the same bytes as prom-client, scrape after scrape', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 5 });
  // Extension families: one with extra labels in either order and some missing, one naming a row label.
  m.addProcFamily({
    name: 'vigil_process_test_extra', help: 'h', type: 'gauge', extraLabels: ['mode', 'dir'],
    series: ({ proc: p }) => [[{ mode: 'a', dir: 'r' }, p.pid], [{ dir: 'r', mode: 'a' }, 1], [{ mode: 'b' }, 2], [{ dir: 'w', mode: p.comm }, 3], [{}, 4]],
  });
  m.addProcFamily({
    name: 'vigil_process_test_clash', help: 'h', type: 'gauge', extraLabels: ['comm'],
    series: ({ proc: p }) => (p.pid % 3 === 0 ? [[{}, 1], [{ comm: 'other' }, 2], [{ comm: p.comm }, 3]] : [[{}, 5]]),
  });
  let procs: ProcSample[] = [];
  let next = 1;
  for (let round = 0; round < 200; round++) {
    // Most processes stay (the same sample objects, as the reader hands back an idle one), some change,
    // some leave, some come; now and then one is listed twice.
    procs = procs.filter(() => rnd() < 0.85).map((p) => (rnd() < 0.3 ? randomProc(p.pid) : p));
    while (procs.length < 25) procs.push(randomProc(next++));
    if (rnd() < 0.2) procs.push(pick(procs));
    const snaps = procs.map((p) => procSnap(p, rnd() < 0.3 ? 0 : Math.floor(rnd() * 100)));
    m.update(sample({ procs }), snapshot(snaps));
    const mine = await m.metrics();
    const theirs = await m.registry.metrics();
    const steady = (s: string): string => s.replace(/^(node_scrape_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 X');
    if (steady(mine) !== steady(theirs)) {
      t.equal(steady(mine), steady(theirs), `round ${round}`);
      return;
    }
  }
  t.pass('200 scrapes equal');
});

function group(path: string): CgroupSample {
  const n = Math.floor(rnd() * 1e6);
  return {
    path, cpu_usage_us: BigInt(n), cpu_user_us: n, cpu_system_us: rnd() < 0.2 ? null : n, mem_current_bytes: n, mem_peak_bytes: null,
    psi: { cpu: { some: { total: n }, full: null }, memory: null, io: null },
  } as unknown as CgroupSample;
}

t.test('container families: the same bytes as prom-client', async (t) => {
  const PATHS = ['/', '/system.slice/nginx.service', '/a"b', '/new\nline', '/back\\slash', '/docker-0123456789abcdef0123456789abcdef.scope'];
  const r = new Registry();
  let rows: CgroupState['rows'] = [];
  for (const spec of CGROUP_FAMILIES) registerFamily(r, spec, () => ({ rows }));
  for (let round = 0; round < 50; round++) {
    rows = rows.filter(() => rnd() < 0.8).map((x) => (rnd() < 0.5 ? { group: group(x.group.path), snap: null } : x));
    while (rows.length < 4) rows.push({ group: group(pick(PATHS)), snap: null });
    const mine = await renderRegistry(r);
    const theirs = await r.metrics();
    if (mine !== theirs) {
      t.equal(mine, theirs, `round ${round}`);
      return;
    }
  }
  t.pass('50 scrapes equal');
});
