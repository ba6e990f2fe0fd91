/**
 * The parts of node_exporter that are not /proc files: node_timex_* (adjtimex), the exporter's own
 * process_*, and node_scrape_collector_*. Debian's prometheus-node-exporter and `vigil serve` run side by
 * side on 127.0.0.1 and are scraped in the same second: same names, types and help; the steady timex
 * values (tick, TAI offset, status, sync status, loop constant) equal. Then --collectors on the real CLI:
 * a turned-off collector's families are absent from /metrics, and a bad name is exit 2 with one line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { timexReader } from '../../../src/sampler/timex';
import { freePort, get, guard, hasBinary, parseExposition, spawnCli, startServe, stop, until, valueOf } from '../../helpers/prometheus';

const skipNe = hasBinary('prometheus-node-exporter') ? false : 'prometheus-node-exporter is not installed (apt-get install -y prometheus-node-exporter)';
const skipTimex = timexReader() === null ? 'the native addon is not built: vigil has no node_timex_* then' : false;

async function nodeExporter(t: Test): Promise<string> {
  const port = await freePort();
  const ne = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  guard(ne.pid!);
  const exited = new Promise<void>((r) => ne.once('exit', () => r()));
  t.teardown(async () => {
    ne.kill('SIGKILL');
    await exited;
  });
  return `http://127.0.0.1:${port}/metrics`;
}

t.test('node_timex_*, process_* and node_scrape_collector_* as node_exporter serves them', { skip: skipNe || skipTimex }, async (t) => {
  const neUrl = await nodeExporter(t);
  const s = await startServe([]);
  t.teardown(() => stop(s));
  await until('node_exporter to answer', async () => (await get(neUrl).catch(() => ({ status: 0 }))).status === 200, 10_000);
  const [theirs, ours] = (await Promise.all([get(neUrl), get(s.url)])).map((r) => parseExposition(r.body));

  const names = (prefix: string) => (e: typeof ours) => [...e.types.keys()].filter((n) => n.startsWith(prefix)).sort();
  for (const prefix of ['node_timex_', 'process_']) {
    const mine = names(prefix)(ours);
    t.same(mine, names(prefix)(theirs), `the same ${prefix}* families`);
    for (const n of mine) {
      t.equal(ours.types.get(n), theirs.types.get(n), `${n}: type`);
      t.equal(ours.help.get(n), theirs.help.get(n), `${n}: help`);
    }
  }
  for (const n of ['node_scrape_collector_success', 'node_scrape_collector_duration_seconds']) {
    t.equal(ours.types.get(n), theirs.types.get(n), `${n}: type`);
    t.equal(ours.help.get(n), theirs.help.get(n), `${n}: help`);
  }
  // Steady values: the same kernel state read by both within the same second.
  for (const n of ['tick_seconds', 'tai_offset_seconds', 'status', 'sync_status', 'loop_time_constant']) {
    t.equal(valueOf(ours, `node_timex_${n}`), valueOf(theirs, `node_timex_${n}`), `node_timex_${n} equal`);
  }
  // Every collector vigil reports on is one node_exporter reports on, with the same verdict where both have data.
  const verdict = (e: typeof ours) => new Map(e.series.filter((x) => x.name === 'node_scrape_collector_success').map((x) => [x.labels.collector, x.value]));
  const v = verdict(ours);
  const ne = verdict(theirs);
  t.ok(v.size >= 10, `${v.size} collectors`);
  for (const [c, ok] of v) {
    t.ok(ne.has(c), `${c}: a node_exporter collector`);
    if (ok === 1) t.equal(ne.get(c), 1, `${c}: node_exporter has data too`);
  }
  t.equal(v.get('timex'), 1);
  t.ok((valueOf(ours, 'process_start_time_seconds') ?? 0) > Date.now() / 1000 - 120, 'vigil\'s own start time, not the host\'s');
});

t.test('--collectors on the real CLI: off means absent from /metrics', async (t) => {
  // `--collectors -netstat,-meminfo` as two words: the minus must not read as short flags.
  const s = await startServe(['--collectors', '-netstat,-meminfo']);
  t.teardown(() => stop(s));
  const body = (await until('a scrape with a Sample', async () => {
    const b = (await get(s.url)).body;
    return /^node_cpu_seconds_total\{/m.test(b) ? b : null;
  }, 15_000, 100));
  t.notMatch(body, /^(# (HELP|TYPE) )?node_(netstat|memory)_/m, 'no node_netstat_* or node_memory_* line');
  t.match(body, /^node_load1 /m, 'the rest is served');
  t.notMatch(body, /collector="(netstat|meminfo)"/, 'no scrape figures for them either');

  const only = await startServe(['--collectors=loadavg']);
  t.teardown(() => stop(only));
  const o = parseExposition(await until('a scrape with load', async () => {
    const b = (await get(only.url)).body;
    return /^node_load1 /m.test(b) ? b : null;
  }, 15_000, 100));
  t.same([...o.types.keys()].filter((n) => n.startsWith('node_') && !n.startsWith('node_scrape_')), ['node_load1', 'node_load5', 'node_load15']);
});

t.test('a bad --collectors: exit 2 and one line, before anything is bound', async (t) => {
  for (const [args, re] of [
    [['serve', '--collectors', 'bogus'], /^vigil: --collectors: unknown collector 'bogus' \(collectors: [a-z_, ]+\)\n$/],
    [['serve', '--collectors', 'cpu,-netstat'], /^vigil: --collectors: either names to keep/],
    [['record', '/tmp/never-created.vigil', '--listen', '127.0.0.1:0', '--collectors', 'interrupts'], /^vigil: --collectors: unknown collector 'interrupts'/],
  ] as const) {
    const c = spawnCli([...args]);
    const { code } = await c.exited;
    t.equal(code, 2, `${args.join(' ')}: exit 2`);
    t.match(c.stderr(), re);
    t.equal(c.stderr().split('\n').length, 2, 'one line');
  }
});

t.test('--proc-top 0 without per-process alert rules: no process table; the config\'s collectors apply', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tiers-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = path.join(dir, 'c.json');
  fs.writeFileSync(cfg, '{"alerts": [], "collectors": "-netstat"}\n');
  const s = await startServe(['--proc-top', '0', '--config', cfg]);
  t.teardown(() => stop(s));
  const body = await until('a scrape with a Sample', async () => {
    const b = (await get(s.url)).body;
    return /^node_cpu_seconds_total\{/m.test(b) ? b : null;
  }, 15_000, 100);
  t.notMatch(body, /^vigil_process/m, 'no vigil_process* series: the table is not read');
  t.match(body, /^node_memory_MemTotal_bytes \d/m);
  t.match(body, /^node_network_receive_bytes_total\{/m);
  t.match(body, /^process_open_fds \d+$/m);
  t.notMatch(body, /^node_netstat_/m, 'the config\'s "collectors" applies');
});
