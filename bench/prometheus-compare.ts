/**
 * Part of `npm run bench -- prometheus` (issue 21): what each node_exporter collector group costs vigil,
 * and `vigil serve` against Debian's prometheus-node-exporter, both scraped once a second, side by side.
 *
 * Side by side means over the same windows: both processes run at once and one timer scrapes both, so a
 * noisy neighbour on this shared machine slows both alike. CPU is each process's utime + stime from
 * /proc/PID/stat over the window (USER_HZ ticks, so windows of 12 s: ~1 % resolution at 1 % CPU). The
 * scrapes ask for gzip, as Prometheus does. Target: vigil's CPU below node_exporter's.
 *   BENCH_PROM_BASELINE=path/cli.js        also run that build's serve (e.g. /work/main/dist/src/cli.js) with
 *                                          the same arguments over the same windows: this build against it
 *   BENCH_PROM_RUNS, BENCH_PROM_WINDOW_S   windows per variant (5) and their length (12 s)
 *   BENCH_PROM_VARIANTS=0,1                which of the three variants below to run (default: all)
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { derive } from '../src/derive/derive';
import { PrometheusMetrics } from '../src/export/prometheus/metrics';
import { Sampler } from '../src/sampler/sampler';
import { scrapeSources } from '../src/sampler/self';
import { median, sleep } from './util';

function cpuTicks(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * One scrape, retried once, given 5 s: fetch keeps connections alive, and a connection the peer dropped
 * (a vigil of the previous variant on a port the kernel then gave the next one) failed or hung the first
 * request on it (seen twice, each time at the third variant). A scrape that fails twice is said and
 * skipped, not fatal: node_exporter's own scrape timed out twice at the third variant with a baseline
 * build running too (load 2-6), and a window with one scrape fewer is still a side-by-side figure.
 */
async function scrape(url: string, again = true): Promise<void> {
  try {
    const r = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' }, signal: AbortSignal.timeout(5000) });
    await r.arrayBuffer();
  } catch (err) {
    if (again) return scrape(url, false);
    const cause = (err as { cause?: unknown }).cause;
    console.log(`  (scrape of ${url} failed twice, skipped: ${cause instanceof Error ? cause.message : String(cause ?? err)})`);
  }
}

/** Median ms per scrape spent on each collector (node_scrape_collector_duration_seconds), over n scrapes. */
export async function collectorCosts(n = 200): Promise<void> {
  const sampler = new Sampler({ intervalMs: 1000, procIntervalMs: 1000, debugTimings: true });
  await sleep(300); // the filesystem tier answers asynchronously
  const s0 = sampler.sample();
  sampler.timings!.take();
  await sleep(200);
  const s1 = sampler.sample(undefined, true);
  const tick = sampler.timings!.take();
  const snap = derive(s0, s1, sampler.host);
  sampler.close();
  const m = new PrometheusMetrics({ host: sampler.host, sources: scrapeSources(sampler.host) });
  m.update(s1, snap);
  const per = new Map<string, number[]>();
  const totals: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const text = await m.metrics();
    totals.push(Number(process.hrtime.bigint() - t0) / 1e6);
    for (const [, c, v] of text.matchAll(/^node_scrape_collector_duration_seconds\{collector="([^"]+)"\} (\S+)$/gm)) {
      per.set(c, [...(per.get(c) ?? []), Number(v) * 1000]);
    }
  }
  const rows = [...per].map(([c, xs]) => [c, median(xs)] as const).sort((a, b) => b[1] - a[1]);
  console.log(`scrape, per collector group (median of ${n} scrapes, ms; listing series from the kept Sample, timex includes adjtimex):`);
  console.log(`  ${rows.map(([c, ms]) => `${c} ${ms.toFixed(3)}`).join(', ')}`);
  console.log(`  whole scrape (all families, text format): median ${median(totals).toFixed(2)} ms`);
  // What /metrics does per request: the body's bytes (server.ts), then gzip at the server's level.
  const served: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    zlib.gzipSync(await m.metricsBody(), { level: zlib.constants.Z_BEST_SPEED });
    served.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`  as served (body bytes + gzip): median ${median(served).toFixed(2)} ms`);
  const src = Object.entries(tick).sort((a, b) => b[1] - a[1]);
  if (src.length > 0) console.log(`sampling, per /proc source (one tick with the process table, ${sampler.kind} sampler, ms): ${src.map(([k, ms]) => `${k} ${ms.toFixed(2)}`).join(', ')}`);
}

/** Seconds of scrapes before the measured windows (see sideBySide). */
const WARMUP_S = 30;

function start(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function until<T>(fn: () => T | null | Promise<T | null>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out starting an exporter');
    await sleep(50);
  }
}

interface Variant {
  label: string;
  args: string[];
}

/**
 * vigil serve and node_exporter (its defaults), each scraped once a second over the same windows, for
 * each vigil variant in turn: serve's defaults (per-process series, so the process table and the
 * connections tier run), `--proc-top 0` (no per-process series: no connections tier; the default alert
 * rules still read the process table) and `--proc-top 0` with a config without alert rules (system files
 * only, what node_exporter reads).
 */
export async function sideBySide(runs = Number(process.env.BENCH_PROM_RUNS ?? 5), windowS = Number(process.env.BENCH_PROM_WINDOW_S ?? 12)): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v prometheus-node-exporter']).status !== 0) {
    console.log('vigil serve vs node_exporter: skipped (apt-get install -y prometheus-node-exporter)');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const noRules = path.join(dir, 'no-rules.json');
  fs.writeFileSync(noRules, '{"alerts": []}\n');
  const all: Variant[] = [
    { label: 'defaults', args: [] },
    { label: '--proc-top 0', args: ['--proc-top', '0'] },
    { label: '--proc-top 0, no alert rules', args: ['--proc-top', '0', '--config', noRules] },
  ];
  const pick = process.env.BENCH_PROM_VARIANTS?.split(',').map(Number);
  const variants = pick ? all.filter((_, i) => pick.includes(i)) : all;
  const baselineCli = process.env.BENCH_PROM_BASELINE ?? null;
  const clk = new Sampler({ procs: false, filesystems: false }).host.clk_tck;
  const port = await freePort();
  const ne = start('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`]);
  // Drained: node_exporter logs a line per scrape here (its systemd collector fails without systemd's
  // socket), and once the unread pipe is full its next log write blocks the scrape that makes it. That,
  // a few minutes in, was the third variant's "node_exporter timed out" of earlier runs.
  ne.stderr!.resume();
  const nUrl = `http://127.0.0.1:${port}/metrics`;
  const summary: string[] = [];
  try {
    await until(() => fetch(nUrl).then(() => true, () => null), 15_000);
    for (const variant of variants) {
      const serveArgs = ['serve', '--listen', '127.0.0.1:0', ...variant.args];
      const vigil = start(process.execPath, [`${__dirname}/../src/cli.js`, ...serveArgs]);
      const base = baselineCli === null ? null : start(process.execPath, [baselineCli, ...serveArgs]);
      try {
        const urlOf = (child: ChildProcess): Promise<string> => {
          let err = '';
          child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          return until(() => /serving (\S+)/.exec(err)?.[1] ?? null, 15_000);
        };
        const vUrl = await urlOf(vigil);
        const bUrl = base === null ? null : await urlOf(base);
        const urls = [vUrl, nUrl, ...(bUrl === null ? [] : [bUrl])];
        // Past start-up, first reads and the JIT: at one tick a second V8 keeps optimising serve's per-tick
        // functions for about half a minute (its optimising compiler was a quarter of serve's CPU over
        // seconds 4-34 under perf), so a window that starts after 3 s read 2.7 % where later ones read 1.6-1.9.
        for (let i = 0; i < WARMUP_S; i++) {
          await Promise.all(urls.map((u) => scrape(u)));
          await sleep(1000);
        }
        const v: number[] = [];
        const n: number[] = [];
        const b: number[] = [];
        const ratio: number[] = [];
        const toBase: number[] = [];
        for (let r = 0; r < runs; r++) {
          const v0 = cpuTicks(vigil.pid!);
          const n0 = cpuTicks(ne.pid!);
          const b0 = base === null ? 0 : cpuTicks(base.pid!);
          const w0 = process.hrtime.bigint();
          for (let s = 0; s < windowS; s++) {
            const due = Date.now() + 1000;
            await Promise.all(urls.map((u) => scrape(u)));
            await sleep(Math.max(0, due - Date.now()));
          }
          const secs = Number(process.hrtime.bigint() - w0) / 1e9;
          const vc = (100 * (cpuTicks(vigil.pid!) - v0)) / clk / secs;
          const nc = (100 * (cpuTicks(ne.pid!) - n0)) / clk / secs;
          const bc = base === null ? 0 : (100 * (cpuTicks(base.pid!) - b0)) / clk / secs;
          v.push(vc);
          n.push(nc);
          if (nc > 0) ratio.push(vc / nc);
          if (base !== null) {
            b.push(bc);
            if (bc > 0) toBase.push(vc / bc);
          }
          const load = fs.readFileSync('/proc/loadavg', 'latin1').split(' ')[0];
          console.log(
            `  vigil serve ${variant.label}, run ${r + 1}: vigil ${vc.toFixed(2)} %, node_exporter ${nc.toFixed(2)} %` +
              `${base === null ? '' : `, baseline ${bc.toFixed(2)} %`} (${secs.toFixed(1)} s, load ${load})`,
          );
        }
        summary.push(
          `  vigil serve ${variant.label}: vigil ${median(v).toFixed(2)}, node_exporter ${median(n).toFixed(2)}, ` +
            `ratio vigil/node_exporter ${ratio.length ? median(ratio).toFixed(2) : 'n/a'}` +
            (base === null ? '' : `; baseline ${median(b).toFixed(2)}, ratio vigil/baseline ${toBase.length ? median(toBase).toFixed(2) : 'n/a'}`),
        );
      } finally {
        vigil.kill('SIGKILL');
        base?.kill('SIGKILL');
      }
    }
  } finally {
    ne.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`vigil serve vs node_exporter, both scraped every 1 s with gzip (CPU % of one core, medians of ${runs} runs of ${windowS} s; target: ratio < 1):`);
  for (const line of summary) console.log(line);
}
