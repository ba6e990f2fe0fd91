/** The container_* families over the v2 fixture tree: cAdvisor names, raw counters in base units, no series for "no limit", bounded. */
import * as path from 'path';
import t from 'tap';
import { deriveCgroups } from '../../../src/derive/cgroups';
import { selectCgroups } from '../../../src/export/prometheus/cgroup-families';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { CgroupReader } from '../../../src/sampler/cgroups/tier';
import { FIXTURES } from '../../helpers/paths';
import { find, HOST, parseExposition, sample, snapshot, valueOf } from '../../helpers/prometheus';

const NGINX = '/system.slice/nginx.service';

function tables() {
  const r = new CgroupReader({ root: path.join(FIXTURES, 'cgroup', 'v2') });
  const a = r.read(1_000_000_000n);
  const b = structuredClone(r.read(2_000_000_000n));
  const n = b.groups.find((g) => g.path === NGINX)!;
  n.cpu_usage_usec = 2_500_000 + 300_000; // the busiest group by CPU over the interval
  return { a, b, snaps: deriveCgroups(a, b) };
}

t.test('families', async (t) => {
  const { b, snaps } = tables();
  const m = new PrometheusMetrics({ host: HOST, cgroups: true });
  m.update({ ...sample(), cgroups: b }, { ...snapshot(null), cgroups: snaps });
  const e = parseExposition(await m.metrics());
  const l = { id: NGINX, name: 'nginx.service' };
  t.equal(valueOf(e, 'container_cpu_usage_seconds_total', l), 2.8);
  t.equal(valueOf(e, 'container_cpu_cfs_periods_total', l), 1000);
  t.equal(valueOf(e, 'container_cpu_cfs_throttled_periods_total', l), 250);
  t.equal(valueOf(e, 'container_cpu_cfs_throttled_seconds_total', l), 1.2);
  t.equal(valueOf(e, 'container_spec_cpu_quota', l), 50000);
  t.equal(valueOf(e, 'container_spec_memory_limit_bytes', l), 268435456);
  t.equal(valueOf(e, 'container_memory_working_set_bytes', l), 67108864 - 16777216);
  t.equal(valueOf(e, 'container_memory_usage_bytes', l), 67108864);
  t.equal(valueOf(e, 'container_oom_events_total', l), 1);
  t.equal(valueOf(e, 'container_threads_max', l), 100);
  t.equal(valueOf(e, 'container_fs_reads_bytes_total', { ...l, device: '8:0' }), 4096000);
  t.equal(valueOf(e, 'container_pressure_cpu_waiting_seconds_total', l), 0.123456);
  const slice = { id: '/system.slice', name: 'system.slice' };
  t.equal(valueOf(e, 'container_memory_usage_bytes', slice), 104857600, 'a group picked by memory');
  t.same(find(e, 'container_spec_memory_limit_bytes', slice), [], '`max`: no limit series, never 2^63 or 0');
  t.same(find(e, 'container_spec_cpu_quota', slice), []);
  t.same(find(e, 'container_threads_max', slice), []);
  t.equal(e.types.get('container_cpu_usage_seconds_total'), 'counter');
  t.equal(e.types.get('container_memory_working_set_bytes'), 'gauge');
  const ids = new Set(find(e, 'container_cpu_usage_seconds_total').map((s) => s.labels.id));
  t.notOk(ids.has('/empty.slice'), 'a group with no CPU and no memory is not selected');
});

t.test('without the tier: no container_* families at all', async (t) => {
  const m = new PrometheusMetrics({ host: HOST });
  t.notMatch(await m.metrics(), /container_/);
});

t.test('the bound', async (t) => {
  const { b, snaps } = tables();
  const one = selectCgroups(b, snaps, 1).map((r) => r.group.path);
  // hostile.service's memory.current is u64 max: the top by memory.
  t.same(one, ['/', '/system.slice/hostile.service', NGINX], 'root, top 1 by CPU, top 1 by memory');
  t.same(selectCgroups(b, snaps, 0).map((r) => r.group.path), ['/'], '--proc-top 0: the root only');
  t.same(selectCgroups(null, null, 20), []);
});
