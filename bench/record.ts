/**
 * Recording benchmark (prints figures; targets in README.md (Recording, export and the recording file)):
 *   size     MB/hour of `vigil record` with defaults (100 ms system, 1 s processes) at +300 idle processes,
 *            extrapolated from the growth between recordings of 15 s, 75 s and 135 s run side by side
 *            (one-time costs — schema pages, the first keyframe, entity rows — cancel out). The first
 *            minute (15 → 75 s) also holds the first process keyframe after the start, which rewrites
 *            every process (all changed since they were first seen); the next (75 → 135 s) is the steady
 *            state, where a keyframe rewrites only what changed in its minute: that is the figure. atop
 *            -w at 1 s on the same load over the same minute, and the ratio.
 *   cpu      % of one core of `vigil record` over the steady-state minute, next to the sampler alone (the
 *            difference is the writer's cost).
 *   seek     median and max ms of 100 random seeks in a generated 24-hour recording.
 * Run alone: node dist/bench/record.js [size] [seek] (default: both)
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { ReplayCursor } from '../src/store/recording/cursor';
import { Recording } from '../src/store/recording/reader';
import { RecordingWriter } from '../src/store/recording/writer';
import { SYNTH_HOST, SynthSource } from './synthetic';

const CLI = path.resolve(__dirname, '../src/cli.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = 100;

function cpuTicks(pid: number): number | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return null;
  }
}

function fileBytes(p: string): number {
  let n = 0;
  for (const suffix of ['', '-wal']) {
    try {
      n += fs.statSync(p + suffix).size;
    } catch {
      // absent
    }
  }
  return n;
}

function haveAtop(): boolean {
  if (spawnSync('atop', ['-V']).status === 0) return true;
  const inst = spawnSync('sh', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y atop >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y atop >/dev/null 2>&1)'], { timeout: 300_000 });
  return inst.status === 0 && spawnSync('atop', ['-V']).status === 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function exited(c: ChildProcess): Promise<void> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.on('close', () => r()));
}

async function sizeAndCpu(dir: string): Promise<void> {
  const withAtop = haveAtop(); // before anything starts: installing can take a while
  const idle: ChildProcess[] = [];
  for (let i = 0; i < 300; i++) idle.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
  const kids: ChildProcess[] = [];
  try {
    await sleep(1000);
    const files = [15, 75, 135].map((secs) => ({ secs, file: path.join(dir, `rec${secs}.vigil`) }));
    const recs = files.map((f) => spawn(process.execPath, [CLI, 'record', f.file, '--duration', `${f.secs}s`], { stdio: 'ignore' }));
    const longest = recs[recs.length - 1];
    // The sampler alone, same settings, for the writer's share of the CPU.
    const samplerOnly = spawn(process.execPath, ['-e', `
      const { Sampler } = require(${JSON.stringify(path.resolve(__dirname, '../src/sampler/sampler.js'))});
      const { Ticker } = require(${JSON.stringify(path.resolve(__dirname, '../src/ticker.js'))});
      const s = new Sampler({ intervalMs: 100, procIntervalMs: 1000 });
      new Ticker(100, (n) => s.sample(n)).start();
      setTimeout(() => process.exit(0), 136000);`], { stdio: 'ignore' });
    kids.push(...recs, samplerOnly);
    let atop: ChildProcess | null = null;
    const atopFile = path.join(dir, 'atop.raw');
    if (withAtop) {
      atop = spawn('atop', ['-w', atopFile, '1'], { stdio: 'ignore' });
      kids.push(atop);
    }
    await sleep(75_000);
    const c0 = { rec: cpuTicks(longest.pid!), smp: cpuTicks(samplerOnly.pid!) };
    const atop0 = withAtop ? fileBytes(atopFile) : 0;
    const t0 = Date.now();
    await sleep(60_000);
    const c1 = { rec: cpuTicks(longest.pid!), smp: cpuTicks(samplerOnly.pid!) };
    const atop1 = withAtop ? fileBytes(atopFile) : 0;
    const windowS = (Date.now() - t0) / 1000;
    for (const r of recs) await exited(r);
    const size = files.map((f) => fileBytes(f.file));
    const mbH = (a: number, b: number): number => ((b - a) / 60) * 3600 / 1e6;
    const perHour = mbH(size[1], size[2]);
    console.log(
      `record size at +300 idle processes: ${perHour.toFixed(1)} MB/h steady state (75 s → 135 s; target <= 15); ` +
        `first minute (15 s → 75 s, with the first keyframe's rewrite) ${mbH(size[0], size[1]).toFixed(1)} MB/h; ` +
        `files ${size.map((b) => (b / 1e6).toFixed(2)).join(' / ')} MB`,
    );
    tableBreakdown(files[1].file, files[2].file, 60);
    const pct = (a: number | null, b: number | null): number => (a === null || b === null ? NaN : (100 * (b - a)) / CLK_TCK / windowS);
    const recPct = pct(c0.rec, c1.rec);
    const smpPct = pct(c0.smp, c1.smp);
    console.log(`record CPU: ${recPct.toFixed(2)}% of one core (sampler alone ${smpPct.toFixed(2)}%, writer ~${(recPct - smpPct).toFixed(2)}%; target <= 1.5)`);
    if (withAtop) {
      const atopPerHour = ((atop1 - atop0) / windowS) * 3600 / 1e6;
      console.log(`atop -w at 1 s, same load: ${atopPerHour.toFixed(1)} MB/h; vigil/atop = ${(perHour / atopPerHour).toFixed(2)}`);
    } else {
      console.log('atop: not available (apt-get install atop failed): comparison skipped');
    }
  } finally {
    for (const k of [...kids, ...idle]) if (k.exitCode === null && k.pid !== undefined) k.kill('SIGTERM');
  }
}

/** Bytes per table and index (dbstat), for seeing what dominates a recording. */
function tableBytes(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
    return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
  } finally {
    db.close();
  }
}

/** MB/h per table from the growth between the short and the long recording (`spanS` seconds apart). */
function tableBreakdown(short: string, long: string, spanS: number): void {
  const a = tableBytes(short);
  const b = tableBytes(long);
  const rows = [...b].map(([name, bytes]) => [name, ((bytes - (a.get(name) ?? 0)) / spanS) * 3600 / 1e6] as const);
  rows.sort((x, y) => y[1] - x[1]);
  console.log(`  per table (MB/h): ${rows.filter(([, mb]) => Math.abs(mb) >= 0.05).map(([n, mb]) => `${n} ${mb.toFixed(2)}`).join(', ')}`);
}

/** A 24-hour recording at 100 ms with 300 processes (20 busy), written straight through the writer. */
export function generate24h(file: string): void {
  const t0 = Date.now();
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 'bench', flushEveryMs: 60_000 });
  const src = new SynthSource({ procs: 300, busyProcs: 20, seed: 1 });
  for (let i = 0; i < 864_000; i++) w.add(src.next());
  w.close();
  console.log(`generated a 24 h recording in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
}

export function seeks(file: string): void {
  const rec = Recording.open(file);
  const first = rec.first()!.s;
  const last = rec.last()!.s;
  const cur = new ReplayCursor(rec);
  const times: number[] = [];
  const rss0 = process.memoryUsage().rss;
  for (let k = 0; k < 100; k++) {
    const s = first + Math.floor(Math.random() * (last - first + 1));
    const a = process.hrtime.bigint();
    cur.seek(s);
    cur.snapshot();
    times.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  const rss1 = process.memoryUsage().rss;
  console.log(`seek in 24 h (${last - first + 1} samples): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over 100 random seeks (target <= 100); RSS +${((rss1 - rss0) / 1e6).toFixed(0)} MB`);
  const a = process.hrtime.bigint();
  let n = 0;
  for (const p of rec.pairs(first, first + 36_000, { procs: false })) if (p.prev) n++;
  console.log(`walking 1 h of system samples (what a replay window needs): ${(Number(process.hrtime.bigint() - a) / 1e6).toFixed(0)} ms for ${n} pairs`);
  rec.close();
}

export async function benchRecord(parts: string[] = []): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-record-'));
  const want = (p: string): boolean => parts.length === 0 || parts.includes(p);
  try {
    if (want('size')) await sizeAndCpu(dir);
    if (want('seek')) {
      const file = path.join(dir, '24h.vigil');
      generate24h(file);
      seeks(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRecord(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
