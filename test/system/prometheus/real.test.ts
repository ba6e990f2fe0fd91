/**
 * The metrics module over this machine's real /proc, compared with ground truth read independently
 * before and after the Sample was taken: a monotonic counter sampled in between must lie between the two.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { derive } from '../../../src/derive/derive';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { Sampler } from '../../../src/sampler/sampler';
import { parseExposition, procCpuSeconds, spawnBurner, valueOf } from '../../helpers/prometheus';
import { ROOT } from '../../helpers/paths';

function cpu0Ticks(): { user: number; idle: number } {
  const line = fs.readFileSync('/proc/stat', 'latin1').split('\n').find((l) => l.startsWith('cpu0 '))!;
  const f = line.trim().split(/\s+/).map(Number);
  return { user: f[1], idle: f[4] };
}

function meminfoBytes(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(fs.readFileSync('/proc/meminfo', 'latin1'));
  return Number(m![1]) * 1024;
}

t.test('system and per-process values match /proc read around the sample', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-real-'));
  const burner = spawnBurner(dir, 'vigilreal');
  // A sleeping process for the gauges: its RSS and fds do not move (the burner's shell forks and grows).
  fs.symlinkSync('/bin/sleep', path.join(dir, 'vigilsleep'));
  const sleeper = spawn(path.join(dir, 'vigilsleep'), ['60'], { stdio: 'ignore' });
  const sampler = new Sampler({ intervalMs: 100, procIntervalMs: 100, filesystems: false });
  t.teardown(() => {
    burner.kill('SIGKILL');
    sleeper.kill('SIGKILL');
    sampler.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((r) => setTimeout(r, 300)); // the child has run a little
  const clk = sampler.host.clk_tck;
  const m = new PrometheusMetrics({ host: sampler.host, procTop: 0, procMatch: /^vigil(real|sleep)$/ });
  const s0 = sampler.sample();
  await new Promise((r) => setTimeout(r, 150));
  const before = { cpu: cpu0Ticks(), child: procCpuSeconds(burner.pid!, clk) };
  const s1 = sampler.sample();
  const after = { cpu: cpu0Ticks(), child: procCpuSeconds(burner.pid!, clk) };
  m.update(s1, derive(s0, s1, sampler.host));
  const e = parseExposition(await m.metrics());

  const user = valueOf(e, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })!;
  t.ok(user >= before.cpu.user / clk && user <= after.cpu.user / clk, `cpu0 user ${user} s within [${before.cpu.user / clk}, ${after.cpu.user / clk}]`);
  const idle = valueOf(e, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })!;
  // NO_HZ idle accounting can step back slightly between reads; allow one tick.
  t.ok(idle >= before.cpu.idle / clk - 1 / clk && idle <= after.cpu.idle / clk + 1 / clk, `cpu0 idle ${idle} s within the bracketing reads`);
  t.equal(valueOf(e, 'node_memory_MemTotal_bytes'), meminfoBytes('MemTotal'), 'MemTotal exact');
  t.equal(valueOf(e, 'node_memory_SwapTotal_bytes'), meminfoBytes('SwapTotal'), 'SwapTotal exact');

  const labels = { pid: String(burner.pid), comm: 'vigilreal', user: os.userInfo().username };
  const u = valueOf(e, 'vigil_process_cpu_seconds_total', { ...labels, mode: 'user' });
  const sy = valueOf(e, 'vigil_process_cpu_seconds_total', { ...labels, mode: 'system' });
  t.ok(u !== undefined && sy !== undefined, 'the matched child is exported with pid, comm and user labels');
  t.ok(u! + sy! >= before.child - 1e-9 && u! + sy! <= after.child + 1e-9, `child cpu ${u! + sy!} s within [${before.child}, ${after.child}]`);
  t.ok(u! + sy! > 0, 'the child burned CPU');
  const sl = { pid: String(sleeper.pid), comm: 'vigilsleep' };
  // Field 24 of stat. (On 6.x kernels it can read a little below statm and VmRSS, which sum the per-CPU
  // RSS counters exactly; stat's is the fast approximate read. The sampler reads stat.)
  const stat = fs.readFileSync(`/proc/${sleeper.pid}/stat`, 'latin1');
  const rss = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[21]) * sampler.host.page_size;
  t.equal(valueOf(e, 'vigil_process_resident_memory_bytes', sl), rss, `rss = stat rss pages × page size (${rss})`);
  t.equal(valueOf(e, 'vigil_process_open_fds', sl), fs.readdirSync(`/proc/${sleeper.pid}/fd`).length, 'open fds = entries of /proc/PID/fd');
  t.equal(valueOf(e, 'vigil_process_threads', sl), 1);
  t.equal(valueOf(e, 'vigil_processes'), s1.procs!.procs.length);
  t.equal(valueOf(e, 'vigil_processes_exported'), 2, '--proc-top 0: only the matched children');
});

t.test('the export layer never reads /proc: it imports no sampler and no fs', async (t) => {
  const dir = path.join(ROOT, 'src', 'export', 'prometheus');
  for (const f of fs.readdirSync(dir)) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    t.notOk(imports.some((i) => i.includes('sampler')), `${f} does not import the sampler`);
    t.notOk(imports.some((i) => i === 'fs' || i === 'node:fs' || i === 'fs/promises'), `${f} does not import fs`);
  }
});
