/**
 * What a scrape and an update cost, and what `vigil serve` costs a machine; per collector group, and
 * against node_exporter side by side (prometheus-compare.ts).
 *   npm run build && node dist/bench/prometheus.js
 * Figures are medians of repeated runs; CPU % is of one core.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import { derive } from '../src/derive/derive';
import { PrometheusMetrics } from '../src/export/prometheus/metrics';
import type { ProcSample, Sample, Snapshot } from '../src/model';
import { Sampler } from '../src/sampler/sampler';
import { collectorCosts, sideBySide } from './prometheus-compare';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeScrapes(m: PrometheusMetrics, n: number): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    bytes = (await m.metrics()).length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(times), bytes };
}

/** A copy of a real process row with a new pid: 1,000 processes on a machine that has fewer. */
function clone(p: ProcSample, pid: number): ProcSample {
  return { ...p, pid, rss_bytes: p.rss_bytes + pid, utime: pid };
}

function cpuTicks(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function serveCpu(args: string[], seconds: number, scrapeEveryMs: number, clkTck: number): Promise<number> {
  const child = spawn(process.execPath, [`${__dirname}/../src/cli.js`, 'serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 100 && !/serving (\S+)/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /serving (\S+)/.exec(err)![1];
    await new Promise((r) => setTimeout(r, 2000)); // past start-up
    const t0 = cpuTicks(child.pid!);
    const w0 = Date.now();
    const timer = setInterval(() => void fetch(url).then((r) => r.text()), scrapeEveryMs);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(timer);
    return (100 * (cpuTicks(child.pid!) - t0)) / clkTck / ((Date.now() - w0) / 1000);
  } finally {
    child.kill('SIGKILL');
  }
}

export async function benchPrometheus(): Promise<void> {
  console.log('\n== prometheus: scrape cost and vigil serve CPU');
  const sampler = new Sampler({ intervalMs: 100, procIntervalMs: 100, filesystems: false });
  const s0 = sampler.sample();
  await new Promise((r) => setTimeout(r, 200));
  const s1 = sampler.sample();
  const snap = derive(s0, s1, sampler.host);
  sampler.close();

  const real = new PrometheusMetrics({ host: sampler.host });
  real.update(s1, snap);
  const r = await timeScrapes(real, 50);
  console.log(`scrape, this machine (${s1.procs!.procs.length} processes, top 20+20): median ${r.ms.toFixed(2)} ms, ${(r.bytes / 1024).toFixed(0)} KiB`);

  const procs = Array.from({ length: 1000 }, (_, i) => clone(s1.procs!.procs[i % s1.procs!.procs.length], 100000 + i));
  const big: Sample = { ...s1, procs: { mono_ns: s1.mono_ns, procs } };
  const bigSnap: Snapshot = { ...snap, procs: procs.map((p, i) => ({ ...snap.procs![0], pid: p.pid, start_time: p.start_time, cpu_pct: i % 7 })) };
  const m = new PrometheusMetrics({ host: sampler.host });
  // A new table before each scrape, so the selection is recomputed every time (the worst case).
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    m.update({ ...big, procs: { mono_ns: BigInt(i), procs } }, { ...bigSnap, procs: [...bigSnap.procs!] });
    const t0 = process.hrtime.bigint();
    await m.metrics();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`scrape, 1,000 processes, new table each time (top 20+20): median ${median(times).toFixed(2)} ms`);

  const u0 = process.hrtime.bigint();
  for (let i = 0; i < 100000; i++) m.update(s1, snap);
  console.log(`update(): ${(Number(process.hrtime.bigint() - u0) / 100000).toFixed(0)} ns per call`);

  const clk = sampler.host.clk_tck;
  const idle = await serveCpu([], 10, 60_000, clk);
  const busy = await serveCpu([], 10, 1000, clk);
  const fast = await serveCpu(['--interval', '100', '--proc-interval', '1000'], 10, 1000, clk);
  console.log(`vigil serve CPU (% of one core over 10 s): defaults, no scrape ${idle.toFixed(1)}; defaults, 1 scrape/s ${busy.toFixed(1)}; --interval 100, 1 scrape/s ${fast.toFixed(1)}`);

  await collectorCosts();
  await sideBySide();
}

if (require.main === module) {
  benchPrometheus().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
