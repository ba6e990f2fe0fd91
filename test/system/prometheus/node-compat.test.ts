/**
 * "Existing dashboards work": every node_* family vigil serves is compared with what node_exporter
 * (Debian's prometheus-node-exporter, which `apt-get install prometheus` pulls in as a recommendation)
 * serves on this same machine: same name, same type, vigil's label names a subset of node_exporter's.
 */
import { spawn } from 'child_process';
import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { Sampler } from '../../../src/sampler/sampler';
import { freePort, guard, hasBinary, parseExposition, until } from '../../helpers/prometheus';

const skip = hasBinary('prometheus-node-exporter') ? false : 'prometheus-node-exporter is not installed (apt-get install -y prometheus-node-exporter)';

/**
 * Families node_exporter 1.5 leaves out of its default output here although it has them: the netstat
 * fields outside its default --collector.netstat.fields (AttemptFails, EstabResets).
 */
const NOT_IN_DEFAULT_OUTPUT = new Set(['node_netstat_Tcp_AttemptFails', 'node_netstat_Tcp_EstabResets']);

t.test('vigil\'s node_* families match node_exporter\'s names, types and labels', { skip }, async (t) => {
  const port = await freePort();
  const ne = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  guard(ne.pid!);
  const exited = new Promise<void>((r) => ne.once('exit', () => r()));
  t.teardown(async () => {
    ne.kill('SIGKILL');
    await exited;
  });
  const theirs = parseExposition(await until('node_exporter to answer', async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      return r.ok ? r.text() : null;
    } catch {
      return null;
    }
  }, 10_000, 100));

  const sampler = new Sampler({ intervalMs: 100, procIntervalMs: 100 });
  t.teardown(() => sampler.close());
  // Filesystems arrive on their own async tier: give it a moment.
  await until('filesystem usage', () => sampler.sample().sys.fs.length > 0, 5000, 100);
  const m = new PrometheusMetrics({ host: sampler.host });
  m.update(sampler.sample(), null);
  const ours = parseExposition(await m.metrics());

  const labelNames = (e: typeof ours, name: string): Set<string> =>
    new Set(e.series.filter((s) => s.name === name).flatMap((s) => Object.keys(s.labels)));
  let compared = 0;
  for (const [name, type] of ours.types) {
    if (!name.startsWith('node_')) continue;
    if (NOT_IN_DEFAULT_OUTPUT.has(name)) continue;
    const theirType = theirs.types.get(name);
    if (theirType === undefined) {
      t.fail(`${name}: node_exporter has no such family here`);
      continue;
    }
    t.equal(type, theirType, `${name}: ${type}`);
    const mine = labelNames(ours, name);
    const their = labelNames(theirs, name);
    if (mine.size > 0 && their.size > 0) t.ok([...mine].every((l) => their.has(l)), `${name}: labels {${[...mine]}} ⊆ {${[...their]}}`);
    compared++;
  }
  t.ok(compared >= 60, `${compared} families compared`);

  // Same kernel counters: the values vigil and node_exporter serve for cpu0 are within a second's ticks.
  const cpu0 = (e: typeof ours) => e.series.find((s) => s.name === 'node_cpu_seconds_total' && s.labels.cpu === '0' && s.labels.mode === 'user')!.value;
  t.ok(Math.abs(cpu0(ours) - cpu0(theirs)) < 2, `cpu0 user: vigil ${cpu0(ours)} s, node_exporter ${cpu0(theirs)} s`);
  const memTotal = (e: typeof ours) => e.series.find((s) => s.name === 'node_memory_MemTotal_bytes')!.value;
  t.equal(memTotal(ours), memTotal(theirs), 'MemTotal identical');
});
