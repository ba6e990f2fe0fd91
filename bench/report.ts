/**
 * `vigil report` benchmark (prints figures beside the issue's targets; nothing asserted):
 *   size     bytes of the HTML page for a 1-hour recording at 100 ms with +300 processes (target <= 5 MB).
 *            The recording is synthesized (bench/synthetic.ts: 4 cores, 300 processes of which 20 busy,
 *            process table each second, and a cgroup tier of 22 groups read with it: the root, a slice
 *            and 20 services); its values are random from one sample to the next, which compresses worse
 *            than a real machine's series: an upper bound. The cgroups' share of the page is printed too.
 *   build    time `vigil report` takes for it (read, derive, encode, write).
 *   paint    in headless chromium (/usr/bin/chromium via puppeteer-core), from navigation start: first
 *            contentful paint, and the page's own "every chart drawn" mark (window.vigilReport.readyMs),
 *            median of 3 loads (target <= 2 s to first paint; the drawn mark is the stricter figure).
 *   24 h     with BENCH_REPORT_24H=1, also a page of 24 hours of 100 ms system series (864,000 points per
 *            series) and the 22 cgroups read each second (processes left out), built in memory from synthesized Snapshots through the report's
 *            own collectors and page (a 24-hour recording takes many minutes to generate here): its size
 *            and time to every chart drawn, and the time one zoom takes to redraw every chart.
 * Run alone: node dist/bench/report.js
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { derive } from '../src/derive/derive';
import { CGROUP_TOP_N, CgroupCollector } from '../src/report/cgroups';
import { chartSpecs } from '../src/report/charts';
import { ReportData } from '../src/report/data';
import { renderPage } from '../src/report/page';
import { ProcCollector } from '../src/report/procs';
import { Block, SeriesSet } from '../src/report/series-set';
import { noEntities, putSystem } from '../src/report/system';
import { RecordingWriter } from '../src/store/recording/writer';
import { SYNTH_HOST, SynthSource } from './synthetic';

const CLI = path.resolve(__dirname, '../src/cli.js');
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Services in the synthesized cgroup tier (with the root and a slice: CGROUP_SERVICES + 2 groups). */
const CGROUP_SERVICES = 20;

/** One hour at 100 ms with 300 processes and a cgroup tier, written straight through the writer. */
function generate1h(file: string): void {
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 'bench', flushEveryMs: 60_000 });
  const src = new SynthSource({ procs: 300, busyProcs: 20, seed: 7, cgroups: CGROUP_SERVICES });
  for (let i = 0; i < 36_000; i++) w.add(src.next());
  w.close();
}

/** A page of `hours` of 100 ms system series, made without a recording (see the header). */
function page24(file: string, hours: number): void {
  const src = new SynthSource({ procs: 0, busyProcs: 0, seed: 3, cgroups: CGROUP_SERVICES });
  const set = new SeriesSet();
  const cg = new CgroupCollector();
  const seen = noEntities();
  let prev = src.next();
  const n = hours * 36_000;
  let first = 0;
  for (let i = 0; i < n; i++) {
    const curr = src.next();
    const snap = derive(prev, curr, SYNTH_HOST);
    first ||= snap.t;
    set.next(snap.t);
    putSystem(set, seen, snap);
    if (snap.cgroups) cg.add(snap.t, snap.cgroups_interval_ms ?? null, snap.cgroups);
    prev = curr;
  }
  const block = new Block();
  const sys = set.write(block);
  const data: ReportData = {
    meta: {
      header: {
        file: `${hours}h`, hosts: [SYNTH_HOST.hostname], kernels: [SYNTH_HOST.kernel], cores: SYNTH_HOST.ncpu, mem_total_bytes: 16e9,
        from: first, to: prev.t, asked_from: null, asked_to: null, intervals: [{ interval_ms: 100, proc_interval_ms: 1000 }],
        sessions: 1, samples: n, recorded_by: ['bench'], report_by: 'bench', schema_version: null,
      },
      sys, charts: chartSpecs((id) => set.has(id), seen), procs: new ProcCollector(first).write(block, 10), alerts: [], cgroups: cg.write(block, CGROUP_TOP_N),
    },
    block: block.bytes(),
  };
  fs.writeFileSync(file, renderPage(data));
}

/** The cgroup series' bytes in a page: raw (before gzip) and gzipped on their own, as base64 would carry them. */
function cgroupShare(file: string): string {
  const html = fs.readFileSync(file, 'utf8');
  const meta = JSON.parse(/<script id="vigil-meta" type="application\/json">(.*?)<\/script>/s.exec(html)![1]) as ReportData['meta'];
  const block = zlib.gunzipSync(Buffer.from(/<script id="vigil-data" type="application\/octet-stream">(.*?)<\/script>/s.exec(html)![1], 'base64'));
  const C = meta.cgroups;
  if (C === null) return 'none (the recording has no cgroup data)';
  const refs = [C.t, ...C.list.flatMap((g) => Object.values(g.series))];
  const raw = Buffer.concat(refs.map((r) => block.subarray(r.o, r.o + r.n)));
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  return `${C.list.length} groups drawn of ${C.groups}, ${refs.length} series: ${(raw.length / 1e3).toFixed(0)} kB raw, about ${((gz * 4) / 3 / 1e3).toFixed(0)} kB of the page (gzip + base64, alone)`;
}

/** The time one drag-zoom takes to redraw every chart, ms (median of 3). */
function zoomMs(): string {
  return `(() => {
    const r = globalThis.vigilReport;
    const ts = [];
    for (let k = 0; k < 3; k++) {
      const span = r.full.max - r.full.min;
      const a = performance.now();
      r.setRange(r.full.min + span * (0.1 + 0.1 * k), r.full.min + span * (0.5 + 0.1 * k));
      ts.push(performance.now() - a);
    }
    r.setRange(r.full.min, r.full.max);
    return ts.sort((x, y) => x - y)[1];
  })()`;
}

async function paint(file: string): Promise<{ fcp: number; drawn: number; zoom: number }[] | string> {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} not installed`;
  let puppeteer: typeof import('puppeteer-core');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    puppeteer = require('puppeteer-core');
  } catch {
    return 'puppeteer-core not installed (a dev dependency)';
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-chromium-'));
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, userDataDir: profile, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const runs: { fcp: number; drawn: number; zoom: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 120_000 });
      await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
      const times = await page.evaluate(() => {
        const g = globalThis as unknown as { performance: { getEntriesByName(n: string): { startTime: number }[] }; vigilReport: { readyMs: number } };
        return { fcp: g.performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN, drawn: g.vigilReport.readyMs };
      });
      runs.push({ ...times, zoom: (await page.evaluate(zoomMs())) as number });
      await page.close();
    }
    return runs;
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

export async function benchReport(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-report-'));
  try {
    const rec = path.join(dir, '1h.vigil');
    const t0 = Date.now();
    generate1h(rec);
    console.log(`report: generated a 1 h recording (100 ms, +300 processes, ${CGROUP_SERVICES + 2} cgroups) in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${(fs.statSync(rec).size / 1e6).toFixed(1)} MB`);
    const out = path.join(dir, '1h.html');
    const t1 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CLI, 'report', rec, '-o', out], { encoding: 'utf8' });
    const buildS = Number(process.hrtime.bigint() - t1) / 1e9;
    if (r.status !== 0) throw new Error(`vigil report failed (${r.status}): ${r.stderr}`);
    const size = fs.statSync(out).size;
    console.log(`report size, 1 h at 100 ms +300 processes, ${CGROUP_SERVICES + 2} cgroups: ${(size / 1e6).toFixed(2)} MB (target <= 5 MB); vigil report took ${buildS.toFixed(1)} s`);
    console.log(`report cgroups' share: ${cgroupShare(out)}`);
    const p = await paint(out);
    if (typeof p === 'string') {
      console.log(`report paint: skipped (${p})`);
      return;
    }
    const fcp = median(p.map((x) => x.fcp));
    const drawn = median(p.map((x) => x.drawn));
    const zoom = median(p.map((x) => x.zoom));
    console.log(`report first paint in chromium: ${(fcp / 1000).toFixed(2)} s first contentful paint, ${(drawn / 1000).toFixed(2)} s every chart drawn (median of 3; target <= 2 s); a zoom redraws every chart in ${zoom.toFixed(0)} ms`);
    if (process.env.BENCH_REPORT_24H === '1') {
      const f24 = path.join(dir, '24h.html');
      const t2 = Date.now();
      page24(f24, 24);
      const q = await paint(f24);
      const built = ((Date.now() - t2) / 1000).toFixed(0);
      if (typeof q === 'string') console.log(`report 24 h page: skipped (${q})`);
      else {
        console.log(
          `report 24 h of 100 ms system series and ${CGROUP_SERVICES + 2} cgroups (no processes): ${(fs.statSync(f24).size / 1e6).toFixed(1)} MB, built in ${built} s; ` +
            `${(median(q.map((x) => x.fcp)) / 1000).toFixed(2)} s first paint, ${(median(q.map((x) => x.drawn)) / 1000).toFixed(2)} s every chart drawn, ` +
            `a zoom ${median(q.map((x) => x.zoom)).toFixed(0)} ms`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchReport().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
