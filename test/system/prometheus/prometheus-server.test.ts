/**
 * End to end: a real Prometheus server (Debian's prometheus package) scrapes `vigil serve` every second;
 * its HTTP API must then answer for a system series, for a per-process series of a child we started, and
 * for the example queries of the documentation.
 *
 * Teardown kills the server; a watchdog (guard) kills it too if this test process dies by a path
 * teardown does not cover (tap's timeout, SIGKILL), so no Prometheus outlives the test.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { freePort, guard, hasBinary, spawnBurner, startServe, stop, until } from '../../helpers/prometheus';
import { ROOT } from '../../helpers/paths';

const skip = hasBinary('prometheus') ? false : 'prometheus is not installed (apt-get install -y prometheus)';

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(base: string, q: string): Promise<PromResult[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data?: { result: PromResult[] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${q}: ${body.error}`);
  return body.data!.result;
}

t.test('Prometheus scrapes vigil serve and answers for system and per-process series', { skip }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-prom-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const burner = spawnBurner(dir, 'vigilburn');
  t.teardown(() => void burner.kill('SIGKILL'));
  const vigil = await startServe(['--interval', '250', '--proc-interval', '500', '--proc-match', '^vigilburn$']);
  t.teardown(() => stop(vigil));
  const target = new URL(vigil.url).host;

  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: vigil',
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n'));
  const prom = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  guard(prom.pid!);
  let promLog = '';
  prom.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
  const promExited = new Promise<void>((resolve) => prom.once('exit', () => resolve()));
  t.teardown(async () => {
    prom.kill('SIGKILL');
    await promExited;
  });
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  await until('Prometheus to be ready', async () => {
    if (prom.exitCode !== null) throw new Error(`prometheus exited (${prom.exitCode}): ${promLog}`);
    try {
      return (await fetch(`${base}/-/ready`)).ok;
    } catch {
      return false;
    }
  }, 20_000, 200);

  // A few scrapes: up, then the series. rate() needs two points of the child's counter.
  const burn = await until('the child\'s CPU rate in Prometheus', async () => {
    const r = await query(base, `rate(vigil_process_cpu_seconds_total{comm="vigilburn",mode="user"}[10s])`);
    return r.length > 0 ? r : null;
  }, 25_000, 500);
  t.comment(`Prometheus had a rate of the child's CPU ${Date.now() - t0} ms after it was ready`);
  t.equal(burn.length, 1, 'one series for the child');
  t.equal(burn[0].metric.pid, String(burner.pid), 'labelled with the child\'s pid');
  t.equal(burn[0].metric.job, 'vigil');
  t.ok(Number(burn[0].value[1]) > 0, `the child burns CPU (${burn[0].value[1]} s/s)`);

  const up = await query(base, 'up{job="vigil"}');
  t.equal(up[0]?.value[1], '1', 'the target is up');
  const mem = await query(base, 'node_memory_MemTotal_bytes');
  const truth = Number(/^MemTotal:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/meminfo', 'latin1'))![1]) * 1024;
  t.equal(Number(mem[0]?.value[1]), truth, 'node_memory_MemTotal_bytes = /proc/meminfo MemTotal');
  // irate: the last two scrapes. (rate over a window still mostly empty would be scaled down: Prometheus'
  // first scrape comes ~5 s after start, when service discovery first hands over its targets.)
  const cpu = await query(base, 'sum by (mode) (irate(node_cpu_seconds_total[10s]))');
  t.ok(cpu.some((r) => r.metric.mode === 'idle'), 'a node_exporter dashboard query over the CPU counters answers');
  const sumModes = cpu.reduce((a, r) => a + Number(r.value[1]), 0);
  t.ok(sumModes > os.cpus().length * 0.5 && sumModes < os.cpus().length * 1.5, `all modes add up to about ${os.cpus().length} cores (${sumModes.toFixed(2)})`);

  // The example queries of docs/prometheus.md, verbatim.
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'prometheus.md'), 'utf8');
  const examples = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  t.ok(examples.length >= 2, 'the docs have example queries');
  for (const q of examples) {
    const r = await query(base, q.replace(/\[\$__rate_interval\]/g, '[10s]'));
    t.ok(r.length > 0, `docs query answers: ${q.replace(/\s+/g, ' ')}`);
  }
});
