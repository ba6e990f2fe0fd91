/**
 * process_*: the exporter's own figures, from a fixture /proc (exact) and from the real /proc/self
 * against ground truth taken independently (ulimit in a child, /proc/self/status, process.cpuUsage()).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { parseLimits, RLIM_INFINITY } from '../../../src/sampler/parse/limits';
import { readHostInfo } from '../../../src/sampler/host';
import { scrapeSources, SelfReader } from '../../../src/sampler/self';
import { HOST, parseExposition } from '../../helpers/prometheus';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max file size             unlimited            unlimited            bytes
Max open files            1024                 524288               files
Max address space         unlimited            unlimited            bytes
Max msgqueue size         819200               819200               bytes
`;

t.test('parseLimits: soft limits, unlimited as RLIM_INFINITY, missing lines as null', async (t) => {
  t.same(parseLimits(LIMITS), { openFiles: 1024, addressSpace: RLIM_INFINITY });
  t.same(parseLimits(LIMITS.replace('Max address space         unlimited', 'Max address space         4294967296')).addressSpace, 4294967296);
  t.same(parseLimits(''), { openFiles: null, addressSpace: null });
  t.same(parseLimits('Max open files  lots  lots files\n'), { openFiles: null, addressSpace: null }, 'garbage is no number');
});

t.test('a fixture /proc: every figure exact', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-self-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'self', 'fd'), { recursive: true });
  for (const fd of ['0', '1', '2', '7']) fs.writeFileSync(path.join(root, 'self', 'fd', fd), '');
  fs.writeFileSync(path.join(root, 'self', 'limits'), LIMITS);
  // utime 250, stime 50 ticks; starttime 12345 ticks; vsize 1 GiB; rss 2560 pages. comm is hostile.
  fs.writeFileSync(path.join(root, 'self', 'stat'),
    '4242 (a) R 1 (b) S 1 4242 4242 0 -1 4194560 900 0 3 0 250 50 0 0 20 0 11 0 12345 1073741824 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n');
  const host = { ...HOST, clk_tck: 100, page_size: 4096, boot_time_s: 1_700_000_000 };
  const s = new SelfReader(host, root).read();
  t.same(s, {
    cpuSeconds: 3, residentBytes: 2560 * 4096, virtualBytes: 1073741824, openFds: 4, maxFds: 1024,
    virtualMaxBytes: RLIM_INFINITY, startTimeSeconds: 1_700_000_000 + 123.45,
  });
  fs.rmSync(path.join(root, 'self', 'stat'));
  const gone = new SelfReader(host, path.join(root, 'nothing')).read();
  t.same(gone, { cpuSeconds: null, residentBytes: null, virtualBytes: null, openFds: null, maxFds: null, virtualMaxBytes: null, startTimeSeconds: null }, 'an unreadable /proc: nothing, no throw');
});

t.test('the real /proc/self against independent ground truth', async (t) => {
  const host = readHostInfo();
  const cpu0 = process.cpuUsage();
  const s = new SelfReader(host).read();
  const cpu1 = process.cpuUsage();
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
  const vmKb = Number(/^VmSize:\s+(\d+) kB/m.exec(status)![1]);
  const fds = fs.readdirSync('/proc/self/fd').length;
  const ulimit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());

  const lo = (cpu0.user + cpu0.system) / 1e6;
  const hi = (cpu1.user + cpu1.system) / 1e6;
  // /proc counts whole ticks: up to one tick per field below getrusage's microseconds.
  t.ok(s.cpuSeconds! >= lo - 2 / host.clk_tck - 0.01 && s.cpuSeconds! <= hi + 0.01, `cpu ${s.cpuSeconds} s within [${lo}, ${hi}]`);
  t.ok(Math.abs(s.residentBytes! - rssKb * 1024) <= Math.max(0.1 * rssKb * 1024, 8 << 20), `rss ${s.residentBytes} ≈ VmRSS ${rssKb * 1024}`);
  t.ok(Math.abs(s.virtualBytes! - vmKb * 1024) <= 0.1 * vmKb * 1024, `vsize ${s.virtualBytes} ≈ VmSize ${vmKb * 1024}`);
  t.ok(Math.abs(s.openFds! - fds) <= 3, `open fds ${s.openFds} ≈ ${fds}`);
  t.equal(s.maxFds, ulimit, 'max fds is the soft RLIMIT_NOFILE that a child inherits (ulimit -n)');
  const started = Date.now() / 1000 - process.uptime();
  t.ok(Math.abs(s.startTimeSeconds! - started) < 2, `start ${s.startTimeSeconds} ≈ ${started} (btime is whole seconds)`);
});

t.test('open fds on the real /proc: what a listing of /proc/self/fd counts (the fd the listing holds too), by one stat', async (t) => {
  const r = new SelfReader(readHostInfo());
  const held: number[] = [];
  t.teardown(() => held.forEach((fd) => fs.closeSync(fd)));
  for (const extra of [0, 40]) {
    for (let i = 0; i < extra; i++) held.push(fs.openSync('/proc/self/stat', 'r'));
    // Nothing opens or closes an fd between the two: the same figure, or the kernel predates 6.2's sizes.
    const listed = fs.readdirSync('/proc/self/fd').length;
    t.equal(r.read().openFds, listed, `${held.length} fds held: ${listed} listed`);
  }
});

t.test('served as Go\'s process collector names them, each once, with no prom-client default metric', async (t) => {
  const host = readHostInfo();
  const e = parseExposition(await new PrometheusMetrics({ host, sources: scrapeSources(host) }).metrics());
  const mine = [...e.types].filter(([n]) => n.startsWith('process_')).sort();
  t.same(mine, [
    ['process_cpu_seconds_total', 'counter'], ['process_max_fds', 'gauge'], ['process_open_fds', 'gauge'],
    ['process_resident_memory_bytes', 'gauge'], ['process_start_time_seconds', 'gauge'],
    ['process_virtual_memory_bytes', 'gauge'], ['process_virtual_memory_max_bytes', 'gauge'],
  ]);
  t.ok(mine.every(([n]) => e.series.filter((s) => s.name === n).length === 1), 'one series each');
  t.notOk([...e.types.keys()].some((n) => n.startsWith('nodejs_') || n === 'process_cpu_user_seconds_total'), 'none of prom-client\'s defaults');
});
