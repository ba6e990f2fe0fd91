import t, { Test } from 'tap';
import { parseConfig } from '../../../src/config';
import { collectorOf, COLLECTORS, parseCollectors } from '../../../src/export/prometheus/collectors';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { VigilError } from '../../../src/infra/errors';
import { scrapeSources } from '../../../src/sampler/self';
import { HOST, parseExposition, sample, valueOf } from '../../helpers/prometheus';

function usage(t: Test, fn: () => unknown, re: RegExp): void {
  try {
    fn();
    t.fail('no error');
  } catch (err) {
    t.ok(err instanceof VigilError, 'a VigilError (one line, no stack)');
    t.equal((err as VigilError).exitCode, 2, 'usage: exit 2');
    t.match((err as Error).message, re);
    t.notMatch((err as Error).message, /\n/, 'one line');
  }
}

t.test('families go to node_exporter\'s collectors by their longest prefix', async (t) => {
  const cases: [string, string | null][] = [
    ['node_cpu_seconds_total', 'cpu'], ['node_cpu_guest_seconds_total', 'cpu'],
    ['node_intr_total', 'stat'], ['node_context_switches_total', 'stat'], ['node_forks_total', 'stat'], ['node_boot_time_seconds', 'stat'], ['node_procs_running', 'stat'],
    ['node_load1', 'loadavg'], ['node_load15', 'loadavg'],
    ['node_time_seconds', 'time'], ['node_timex_status', 'timex'], ['node_timex_tick_seconds', 'timex'],
    ['node_network_receive_bytes_total', 'netdev'], ['node_network_transmit_colls_total', 'netdev'],
    ['node_network_transmit_queue_length', 'netclass'], ['node_network_up', 'netclass'], ['node_network_info', 'netclass'], ['node_network_speed_bytes', 'netclass'],
    ['node_memory_Slab_bytes', 'meminfo'], ['node_vmstat_oom_kill', 'vmstat'], ['node_netstat_TcpExt_SyncookiesSent', 'netstat'],
    ['node_sockstat_TCP_inuse', 'sockstat'], ['node_softnet_processed_total', 'softnet'], ['node_filefd_allocated', 'filefd'],
    ['node_entropy_available_bits', 'entropy'], ['node_nf_conntrack_entries', 'conntrack'], ['node_arp_entries', 'arp'],
    ['node_udp_queues', 'udp_queues'], ['node_disk_flush_requests_total', 'diskstats'], ['node_filesystem_readonly', 'filesystem'],
    ['node_pressure_cpu_waiting_seconds_total', 'pressure'], ['node_uname_info', 'uname'],
    ['vigil_processes', null], ['process_open_fds', null], ['vigil_alert_active', null],
  ];
  for (const [name, c] of cases) t.equal(collectorOf(name), c, `${name} → ${c}`);
});

t.test('every node_* family vigil serves belongs to a collector (a new family with an unknown prefix fails here)', async (t) => {
  const text = await new PrometheusMetrics({ host: HOST }).metrics();
  const names = [...parseExposition(text).types.keys()].filter((n) => n.startsWith('node_') && !n.startsWith('node_scrape_'));
  t.ok(names.length > 50, `${names.length} node_* families`);
  for (const n of names) t.ok(collectorOf(n) !== null, `${n}: ${collectorOf(n)}`);
});

t.test('--collectors syntax: names to keep, or -names to drop', async (t) => {
  t.same([...parseCollectors('cpu,meminfo')].sort(), ['cpu', 'meminfo'], 'only these');
  t.same([...parseCollectors(' cpu , meminfo ,')].sort(), ['cpu', 'meminfo'], 'spaces and a trailing comma are fine');
  const drop = parseCollectors('-netstat,-softnet');
  t.same([...drop].sort(), COLLECTORS.filter((c) => c !== 'netstat' && c !== 'softnet'), 'all but these');
  t.same([...parseCollectors(['-netstat', '-softnet'])].sort(), [...drop].sort(), 'an array (the config) means the same');
  usage(t, () => parseCollectors('cpu,-netstat'), /^--collectors: either names to keep \(cpu,meminfo\) or names to drop \(-netstat,-softnet\), not both$/);
  usage(t, () => parseCollectors('cpu,interrupts'), /^--collectors: unknown collector 'interrupts' \(collectors: arp, .*\bstat\b.*\)$/);
  usage(t, () => parseCollectors('-bogus'), /unknown collector 'bogus'/);
  usage(t, () => parseCollectors(' , '), /got nothing/);
  usage(t, () => parseCollectors('\x1b[2J'), /unknown collector/);
});

t.test('a turned-off collector\'s families are absent, not empty; the others stay', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, collectors: parseCollectors('-meminfo,-stat,-timex'), sources: scrapeSources(HOST) });
  m.update(sample(), null);
  const e = parseExposition(await m.metrics());
  const names = [...e.types.keys()];
  t.notOk(names.some((n) => n.startsWith('node_memory_')), 'no node_memory_* HELP/TYPE either');
  t.notOk(names.some((n) => n.startsWith('node_timex_')), 'no node_timex_*');
  t.notOk(names.includes('node_context_switches_total') || names.includes('node_procs_running'), 'no stat families');
  t.ok(names.includes('node_cpu_seconds_total') && names.includes('node_load1'), 'cpu and loadavg stay');
  t.ok(names.includes('vigil_processes') && names.includes('process_cpu_seconds_total'), 'vigil_* and process_* are always served');
  t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'meminfo' }), undefined, 'no scrape figures for a collector that is off');
  t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'cpu' }), 1);

  const only = new PrometheusMetrics({ host: HOST, collectors: parseCollectors('cpu') });
  only.update(sample(), null);
  const o = parseExposition(await only.metrics());
  t.same([...o.types.keys()].filter((n) => n.startsWith('node_') && !n.startsWith('node_scrape_')).sort(), ['node_cpu_guest_seconds_total', 'node_cpu_seconds_total']);
  t.same(o.series.filter((s) => s.name === 'node_scrape_collector_success').map((s) => s.labels.collector), ['cpu']);
  // A family added later (an extension) follows the same switch.
  only.addFamily({ name: 'node_memory_Slab_bytes', type: 'gauge', labelNames: [], help: 'x', series: () => [[{}, 1]] });
  t.notOk((await only.metrics()).includes('node_memory_Slab_bytes'), 'an added family of a collector that is off is left out');
});

t.test('node_scrape_collector_success says whether the collector had data; durations are this scrape\'s', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, collectors: parseCollectors('-timex') });
  let e = parseExposition(await m.metrics());
  t.equal(e.series.filter((s) => s.name.startsWith('node_scrape_')).length, 0, 'no Sample yet: nothing collected, nothing reported');
  m.update(sample(), null);
  e = parseExposition(await m.metrics());
  t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'cpu' }), 1);
  t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'pressure' }), 0, 'no PSI in the Sample: 0, as node_exporter says on a kernel without it');
  t.equal(e.types.get('node_scrape_collector_duration_seconds'), 'gauge');
  const durations = e.series.filter((s) => s.name === 'node_scrape_collector_duration_seconds');
  t.same(durations.map((s) => s.labels.collector), e.series.filter((s) => s.name === 'node_scrape_collector_success').map((s) => s.labels.collector), 'same collectors in both');
  t.ok(durations.every((s) => s.value >= 0 && s.value < 1), 'each a non-negative number of seconds');
  t.ok(durations.some((s) => s.value > 0), 'the clock ran in this scrape');
});

t.test('the config key "collectors": a string or an array, checked like the option', async (t) => {
  t.same([...parseConfig('{"collectors": "cpu,meminfo"}', 'c.json').collectors!].sort(), ['cpu', 'meminfo']);
  t.same([...parseConfig('{"collectors": ["-netstat"]}', 'c.json').collectors!].includes('netstat'), false);
  t.equal(parseConfig('{}', 'c.json').collectors, null, 'absent: all');
  usage(t, () => parseConfig('{"collectors": 3}', 'c.json'), /^config c\.json: collectors: expected a string like "-netstat,-softnet" or an array/);
  usage(t, () => parseConfig('{"collectors": ["cpu", 1]}', 'c.json'), /^config c\.json: collectors: expected/);
  usage(t, () => parseConfig('{"collectors": "cpus"}', 'c.json'), /^config c\.json: collectors: unknown collector 'cpus'/);
});

t.test('serve samples only the tiers something reads', async (t) => {
  const { serveTiers } = await import('../../../src/commands/serve');
  const { compileRules } = await import('../../../src/store/alerts/rules');
  const defaults = compileRules(null, null);
  const system = compileRules([{ metric: 'cpu.total_pct', op: '>', threshold: 90 }], null);
  const alerts = (rules: typeof defaults) => ({ rules, onAlert: null, log: null });
  t.same(serveTiers({ procTop: 20, procMatch: null, alerts: alerts(defaults) }), { procs: true, connections: true, cgroups: true }, 'per-process series: both, and the cgroup tier');
  t.same(serveTiers({ procTop: 0, procMatch: /x/, alerts: null }), { procs: true, connections: true, cgroups: false }, '--proc-match alone: both (no cgroup series with --proc-top 0)');
  t.same(serveTiers({ procTop: 0, procMatch: null, alerts: alerts(defaults) }), { procs: true, connections: false, cgroups: false }, 'the default rules include proc.cpu_pct: the table, no connections');
  t.same(serveTiers({ procTop: 0, procMatch: null, alerts: alerts(system) }), { procs: false, connections: false, cgroups: false }, 'system rules only: system files only');
  t.same(serveTiers({ procTop: 0, procMatch: null, alerts: alerts([]) }), { procs: false, connections: false, cgroups: false });
});

t.test('serve derives only what /metrics and the rules read, and scrapes the same bytes as with everything derived', async (t) => {
  const { serveParts } = await import('../../../src/commands/serve');
  const { compileRules } = await import('../../../src/store/alerts/rules');
  const { derive } = await import('../../../src/derive/derive');
  const { PrometheusMetrics } = await import('../../../src/export/prometheus/metrics');
  const { Sampler } = await import('../../../src/sampler/sampler');
  const defaults = compileRules(null, null);
  const alerts = (rules: typeof defaults) => ({ rules, onAlert: null, log: null });
  const parts = serveParts({ procTop: 20, procMatch: null, alerts: alerts(defaults) });
  t.same(parts, { cores: false, net: false, disks: false, fs: true, procs: true, conns: false }, 'the default rules read mounts and processes');
  t.same(serveParts({ procTop: 0, procMatch: null, alerts: alerts(compileRules([{ metric: 'net.rx_bytes_per_s', op: '>', threshold: 1 }], null)) }),
    { cores: false, net: true, disks: false, fs: false, procs: false, conns: false }, 'an interface rule: interfaces only');
  t.equal(serveParts({ procTop: 0, procMatch: /x/, alerts: null }).procs, true, '--proc-match: process rows');
  const sampler = new Sampler({ intervalMs: 1000, procIntervalMs: 1000, node: true, cgroups: true, procCgroupPaths: false });
  t.teardown(() => sampler.close());
  const s0 = sampler.sample();
  await new Promise((r) => setTimeout(r, 300));
  const s1 = sampler.sample(undefined, true);
  const scrape = async (snap: ReturnType<typeof derive>): Promise<string> => {
    const m = new PrometheusMetrics({ host: sampler.host, procTop: 20, cgroups: true });
    m.update(s0, null);
    m.update(s1, snap);
    // Collector timings move from one scrape to the next; nothing else may.
    return (await m.metrics()).replace(/^(node_scrape_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 X');
  };
  const all = await scrape(derive(s0, s1, sampler.host));
  t.ok(/^vigil_process_cpu_seconds_total\{/m.test(all), 'per-process series are served');
  t.equal(await scrape(derive(s0, s1, sampler.host, parts)), all);
});
