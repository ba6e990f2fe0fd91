/**
 * `npm run bench -- lighter`: issue 16's targets in one run. At +0, +300 and +1000 idle processes every tool
 * runs at the same time, so that each is measured over the same windows of the same (shared, noisy)
 * machine, and ratios between them hold even when the absolute figures move with the load:
 *   vigil (defaults)      the TUI in a 200x50 pty: 100 ms system tier, processes every second
 *   vigil (100 ms)        the TUI with --proc-interval 100: a full refresh every 100 ms
 *   btop (100 ms)         btop with update_ms = 100 in a 200x50 pty (installed with apt-get if missing)
 *   vigil record          `vigil record FILE` at its defaults, in a 200x50 pty (its status line)
 *   native / TS sampler   the Sampler alone (bench/native-core-child.ts) at a full refresh, each reader
 *   native (1 s)          the native Sampler alone at the defaults' schedule: what record pays to sample
 *   C floor               bench/c/floor.c at a full refresh: the reads alone, unparsed
 * The vigil processes run through the bin (dist/src/cli.js and its shebang's V8 flags), as a user runs it.
 * After BENCH_WARMUP_MS, BENCH_RUNS windows of BENCH_DURATION_MS follow one another; each tool's CPU % of one
 * core over a window is utime + stime (all threads, plus reaped and live children) from /proc/PID/stat.
 * Figures are medians of the windows; peak RSS is VmHWM at the end, RssAnon (the process's own pages, without
 * the binary's) beside it. Then the start-up time (bench/startup.ts)
 * with nothing else running. Every figure is printed beside its target; nothing is asserted.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pty from 'node-pty';
import { startupRuns } from './startup';
import { btopHome, ensure } from './tui';
import { buildFloor, fmt, idleProcesses, median, peakRss, sleep  } from './util';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 20_000);
// V8 takes tens of seconds to compile what runs ten times a second (see bench/tui.ts).
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 20_000);
const LOADS = (process.env.BENCH_LOADS ?? '0,300,1000').split(',').map(Number);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const CLI = path.join(__dirname, '..', 'src', 'cli.js');
const CHILD = path.join(__dirname, 'native-core-child.js');
const CLK_TCK = 100;
const FOREVER = String(365 * 86_400_000);

type ToolId = 'tuiDef' | 'tuiFull' | 'btop' | 'record' | 'native' | 'ts' | 'nativeDef' | 'floor';
const TOOLS: { id: ToolId; label: string }[] = [
  { id: 'tuiDef', label: 'vigil (defaults)' },
  { id: 'tuiFull', label: 'vigil (100 ms)' },
  { id: 'btop', label: 'btop (100 ms)' },
  { id: 'record', label: 'vigil record' },
  { id: 'native', label: 'native sampler (100 ms)' },
  { id: 'ts', label: 'TS sampler (100 ms)' },
  { id: 'nativeDef', label: 'native sampler (1 s)' },
  { id: 'floor', label: 'C floor (100 ms)' },
];

interface Running {
  pid: number;
  stop(): void;
}

function inPty(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const p = pty.spawn(cmd, args, {
    name: 'xterm-256color',
    cols: 200,
    rows: 50,
    env: { ...process.env, TERM: 'xterm-256color', ...env } as { [k: string]: string },
  });
  p.onData(() => undefined); // read and drop: a terminal that keeps up
  return { pid: p.pid, stop: () => p.kill('SIGKILL') };
}

function plain(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const c: ChildProcess = spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  return { pid: c.pid ?? -1, stop: () => c.kill('SIGKILL') };
}

/**
 * CPU ms of each process and its live descendants so far, plus what its reaped children used
 * (cutime + cstime): one pass over /proc/PID/stat of every process, so that all tools are read at once.
 */
function cpuMsOfTrees(pids: number[]): number[] {
  const own = new Map<number, { ppid: number; ms: number }>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      // Fields 4 (ppid), 14-17 (utime, stime, cutime, cstime) of proc(5), counted from the state (field 3).
      own.set(pid, { ppid: Number(f[1]), ms: ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / CLK_TCK });
    } catch {
      // gone
    }
  }
  const kids = new Map<number, number[]>();
  for (const [pid, { ppid }] of own) {
    const k = kids.get(ppid);
    if (k) k.push(pid);
    else kids.set(ppid, [pid]);
  }
  const tree = (pid: number): number => (own.get(pid)?.ms ?? NaN) + (kids.get(pid) ?? []).reduce((a, k) => a + tree(k), 0);
  return pids.map(tree);
}

type Figures = Map<ToolId, { pct: number[]; rssMb: number | null; anonMb: number | null }>;

/**
 * RssAnon of a process now, MB: its own memory (heap, stacks, malloc), without the file pages of its
 * binary and libraries (for node, /usr/bin/node's touched pages alone are ~35-40 MB of RSS).
 */
function rssAnonMb(pid: number): number | null {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function oneLoad(tmp: string, btopConf: string | null, floor: string | null): Promise<Figures> {
  const start: Record<ToolId, () => Running | null> = {
    tuiDef: () => inPty(CLI, []),
    tuiFull: () => inPty(CLI, ['--proc-interval', '100']),
    btop: () => (btopConf === null ? null : inPty('btop', [], { XDG_CONFIG_HOME: btopConf, HOME: btopConf })),
    record: () => inPty(CLI, ['record', path.join(tmp, `rec-${Date.now()}.vigil`)]),
    native: () => plain(process.execPath, [CHILD, 'native', '100', FOREVER], { VIGIL_SAMPLER: 'native' }),
    ts: () => plain(process.execPath, [CHILD, 'ts', '100', FOREVER], { VIGIL_SAMPLER: 'ts' }),
    nativeDef: () => plain(process.execPath, [CHILD, 'native', '1000', FOREVER], { VIGIL_SAMPLER: 'native' }),
    floor: () => (floor === null ? null : plain(floor, ['100', '100', FOREVER, '0'])),
  };
  const running = TOOLS.map((t) => ({ id: t.id, r: start[t.id]() }));
  const live = running.filter((x): x is { id: ToolId; r: Running } => x.r !== null);
  const figs: Figures = new Map(live.map((x) => [x.id, { pct: [] as number[], rssMb: null as number | null, anonMb: null as number | null }]));
  try {
    await sleep(WARMUP_MS);
    const pids = live.map((x) => x.r.pid);
    let c0 = cpuMsOfTrees(pids);
    let t0 = Date.now();
    for (let i = 0; i < RUNS; i++) {
      await sleep(DURATION_MS);
      const c1 = cpuMsOfTrees(pids);
      const t1 = Date.now();
      live.forEach((x, j) => figs.get(x.id)!.pct.push((100 * (c1[j] - c0[j])) / (t1 - t0)));
      c0 = c1;
      t0 = t1;
    }
    for (const x of live) {
      const b = peakRss(x.r.pid);
      figs.get(x.id)!.rssMb = b === null ? null : b / (1 << 20);
      figs.get(x.id)!.anonMb = rssAnonMb(x.r.pid);
    }
  } finally {
    for (const x of live) x.r.stop();
  }
  return figs;
}

function cpuOf(all: Map<number, Figures>, load: number, id: ToolId): number {
  const f = all.get(load)?.get(id);
  return f ? median(f.pct) : NaN;
}

function rssOf(all: Map<number, Figures>, load: number, id: ToolId): number {
  return all.get(load)?.get(id)?.rssMb ?? NaN;
}

function verdict(x: number, limit: number): string {
  return Number.isFinite(x) ? (x <= limit ? 'ok' : 'MISSED') : '-';
}

export async function benchLighter(): Promise<void> {
  const haveBtop = ensure('btop');
  const btopConf = haveBtop ? btopHome() : null;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-lighter-'));
  const floor = buildFloor(tmp);
  console.log(
    `\n== lighter: CPU % of one core, every tool at once in 200x50 ptys; median of ${RUNS} windows of ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`,
  );
  if (!haveBtop) console.log('(btop is not installed and apt-get could not install it: its column and ratios are left out)');
  const all = new Map<number, Figures>();
  try {
    for (const load of LOADS) {
      const stop = await idleProcesses(load);
      const loadavg0 = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      try {
        all.set(load, await oneLoad(tmp, btopConf, floor));
      } finally {
        stop();
      }
      const loadavg = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      console.log(`\n+${load} idle processes (loadavg ${loadavg0} before, ${loadavg} after)`);
      console.log(`${'tool'.padEnd(24)} ${'CPU %'.padStart(6)}  ${'windows'.padEnd(24)} ${'peak RSS MB'.padStart(11)} ${'RssAnon MB'.padStart(10)}`);
      for (const t of TOOLS) {
        const f = all.get(load)!.get(t.id);
        if (!f) continue;
        console.log(`${t.label.padEnd(24)} ${fmt(median(f.pct)).padStart(6)}  ${f.pct.map((x) => fmt(x)).join(' ').padEnd(24)} ${fmt(f.rssMb ?? NaN, 1).padStart(11)} ${fmt(f.anonMb ?? NaN, 1).padStart(10)}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (btopConf !== null) fs.rmSync(btopConf, { recursive: true, force: true });
  }

  const starts = await startupRuns(STARTUP_RUNS);
  const firstFrame = median(starts.map((s) => s.frame));

  const rows: [string, string, string, string][] = [];
  const ratio = (name: string, x: number, limit: number): void => void rows.push([name, `${fmt(x)}x`, `<= ${limit}x`, verdict(x, limit)]);
  const pct = (name: string, x: number, limit: number): void => void rows.push([name, `${fmt(x)} %`, `<= ${limit} %`, verdict(x, limit)]);
  const mb = (name: string, x: number, limit: number): void => void rows.push([name, `${fmt(x, 1)} MB`, `<= ${limit} MB`, verdict(x, limit)]);
  for (const load of LOADS) ratio(`TUI 100 ms / btop 100 ms, +${load}`, cpuOf(all, load, 'tuiFull') / cpuOf(all, load, 'btop'), 1.0);
  if (all.has(0)) ratio('TUI defaults / btop 100 ms, +0', cpuOf(all, 0, 'tuiDef') / cpuOf(all, 0, 'btop'), 0.6);
  if (all.has(300)) pct('TUI defaults, +300', cpuOf(all, 300, 'tuiDef'), 2);
  if (all.has(300)) pct('vigil record, +300', cpuOf(all, 300, 'record'), 1.5);
  if (all.has(1000)) ratio('native sampler 100 ms / C floor, +1000', cpuOf(all, 1000, 'native') / cpuOf(all, 1000, 'floor'), 1.3);
  if (all.has(300)) mb('TUI defaults peak RSS, +300', rssOf(all, 300, 'tuiDef'), 60);
  if (all.has(300)) mb('TUI 100 ms peak RSS, +300', rssOf(all, 300, 'tuiFull'), 60);
  for (const load of LOADS) mb(`vigil record peak RSS, +${load}`, rssOf(all, load, 'record'), 50);
  rows.push(['start to first frame (120x40, alone)', `${Math.round(firstFrame)} ms`, '<= 400 ms', verdict(firstFrame, 400)]);
  console.log(`\ntargets (issue 16)                       figure      target     `);
  for (const [n, f, t, v] of rows) console.log(`${n.padEnd(40)} ${f.padStart(10)}  ${t.padEnd(10)} ${v}`);
  console.log(`start-up runs: ${starts.map((s) => Math.round(s.frame)).join(', ')} ms to the first frame; btop RSS for scale: ${LOADS.map((l) => `+${l} ${fmt(rssOf(all, l, 'btop'), 1)} MB`).join(', ')}`);
}

if (require.main === module) benchLighter().catch((e) => { console.error(e); process.exit(1); });
