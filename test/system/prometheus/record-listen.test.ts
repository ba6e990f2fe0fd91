/**
 * `vigil record FILE --listen ADDR`: records and serves /metrics at once. A bad or busy address fails
 * before the file is created; the built CLI is spawned as a user would run it.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import t from 'tap';
import { Recording } from '../../../src/store/recording/reader';
import { tmpDir } from '../../helpers/tmp';
import { get, guard, parseExposition, spawnCli, stop, until } from '../../helpers/prometheus';

async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const s = spawnCli(args);
  guard(s.child.pid!);
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
  const { code } = await s.exited;
  clearTimeout(timer);
  return { code, stderr: s.stderr() };
}

const oneLine = (stderr: string): boolean => /^vigil: [^\n]+\n$/.test(stderr);

t.test('records and serves vigil and node series from the same samples', async (t) => {
  const file = path.join(tmpDir(t), 'rec.vigil');
  const s = spawnCli(['record', file, '--listen', '127.0.0.1:0', '--interval', '100', '--proc-interval', '300']);
  guard(s.child.pid!);
  t.teardown(() => stop(s));
  let exited: number | null | undefined;
  void s.exited.then((e) => (exited = e.code));
  const url = await until('the serving line', () => {
    if (exited !== undefined) throw new Error(`vigil record exited (${exited}): ${s.stderr()}`);
    return /^vigil: serving (http:\/\/127\.0\.0\.1:\d+\/metrics)$/m.exec(s.stderr())?.[1];
  }, 15_000, 20);
  // Until a scrape has per-process series of vigil itself (a second process table has been read).
  const expo = await until('vigil and node series', async () => {
    const m = await get(url);
    if (m.status !== 200) return null;
    const e = parseExposition(m.body);
    return e.series.some((x) => x.name === 'vigil_process_cpu_seconds_total') ? e : null;
  }, 15_000, 200);
  const names = new Set(expo.series.map((x) => x.name));
  for (const n of ['node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_load1', 'vigil_processes', 'vigil_process_resident_memory_bytes']) {
    t.ok(names.has(n), `${n} served`);
  }
  // --listen runs the node tier: the families only /metrics wants are there too.
  for (const n of ['node_memory_Slab_bytes', 'node_network_mtu_bytes', 'node_filefd_maximum', 'node_netstat_Tcp_InSegs']) t.ok(names.has(n), `${n} served (node tier)`);
  const fileMax = Number(fs.readFileSync('/proc/sys/fs/file-nr', 'utf8').trim().split(/\s+/)[2]);
  t.equal(expo.series.find((x) => x.name === 'node_filefd_maximum')?.value, fileMax, 'filefd maximum as /proc/sys/fs/file-nr says');
  const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
  t.equal(expo.series.find((x) => x.name === 'node_memory_MemTotal_bytes')?.value, memTotal, 'MemTotal as /proc/meminfo says');
  // update() every tick: the served sample moves on.
  const t0 = expo.series.find((x) => x.name === 'node_time_seconds')!.value;
  // Every sample served is a sample recorded (one feed for both): the distinct ones seen are a floor for
  // the recording's count that holds however many ticks a loaded machine skips.
  const served = new Set([t0]);
  await until('a later sample served', async () => {
    const later = parseExposition((await get(url)).body).series.find((x) => x.name === 'node_time_seconds')?.value;
    if (later !== undefined) served.add(later);
    return later !== undefined && later >= t0 + 0.5 && served.size >= 3;
  }, 10_000, 100);
  s.child.kill('SIGTERM');
  const e = await s.exited;
  t.equal(e.code, 0, 'SIGTERM: exit 0');
  t.equal(s.stderr().trim().split('\n').length, 1, 'only the serving line on stderr');
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  t.ok(rec.count() >= served.size, `the recording has its samples (${rec.count()}, ${served.size} of them seen served)`);
  await t.rejects(get(url), 'the server is gone');
});

t.test('bad --listen: exit 2 and one line, and no file', async (t) => {
  const dir = tmpDir(t);
  for (const addr of ['nonsense', '127.0.0.1:99999', '203.0.113.7:9464']) {
    const file = path.join(dir, 'x.vigil');
    const r = await run(['record', file, '--listen', addr]);
    t.equal(r.code, 2, `${addr}: exit 2`);
    t.ok(oneLine(r.stderr), `one line: ${JSON.stringify(r.stderr)}`);
    t.notOk(fs.existsSync(file), 'FILE is not created');
  }
  const twice = await run(['record', path.join(dir, 'y.vigil'), '--listen', '127.0.0.1:0', '--listen', '127.0.0.1:0']);
  t.equal(twice.code, 2);
  t.match(twice.stderr, /--listen given more than once/);
});

t.test('an address in use: exit 75 before the first sample; a locked file closes the server again', async (t) => {
  const dir = tmpDir(t);
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => holder.close(() => r())));
  const port = (holder.address() as net.AddressInfo).port;
  const file = path.join(dir, 'busy.vigil');
  const r = await run(['record', file, '--listen', `127.0.0.1:${port}`]);
  t.equal(r.code, 75);
  t.ok(oneLine(r.stderr));
  t.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
  t.notOk(fs.existsSync(file), 'FILE is not created');

  // Another recorder holds the file: refused (75), and the metrics server it had opened does not keep it alive.
  const locked = path.join(dir, 'locked.vigil');
  const first = spawnCli(['record', locked, '--interval', '100']);
  guard(first.child.pid!);
  t.teardown(() => stop(first));
  await until('the first recorder', () => fs.existsSync(`${locked}-wal`), 10_000, 20);
  const second = await run(['record', locked, '--listen', '127.0.0.1:0']);
  t.equal(second.code, 75);
  t.match(second.stderr, /^vigil: .*(another|in use|locked)/i);
  t.ok(oneLine(second.stderr));
});
