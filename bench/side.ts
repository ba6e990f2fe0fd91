/**
 * `npm run bench -- side`: vigil builds and btop side by side, each in its own 200x50 pty, all running at
 * once over the same windows: the fairest comparison a shared, noisy machine allows (a figure from another
 * time is not comparable; one from the same windows is). Per window and tool: CPU of every thread, % of
 * one core, split into the main thread's user and kernel time and the other threads (V8's compiler and
 * GC helpers, libuv's pool, btop's collector), from /proc/PID/task/TID/stat; with the load average and
 * the machine's process count (other people's processes count for btop and vigil alike). Then medians
 * and ratios.
 *   BENCH_SIDE_CLIS=old=/work/main/dist/src/cli.js,new=dist/src/cli.js   the builds (default: this one)
 *   BENCH_SIDE_ARGS="--proc-interval 100"   vigil's arguments
 *   BENCH_SIDE_IDLE=300                     idle processes started first (default 0)
 *   BENCH_SIDE_WIN_MS, BENCH_SIDE_WINDOWS, BENCH_SIDE_WARMUP_MS   window (10 s), count (7), warm-up (20 s)
 *   BENCH_SIDE_BTOP=0                       without btop (btop's settings: update_ms = 100, as `lighter`)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as pty from 'node-pty';
import { btopHome } from './tui';
import { fmt, idleProcesses, median, sleep } from './util';

const TICK_MS = 10; // USER_HZ = 100

interface Times {
  /** The main thread's user and kernel ticks, and every other thread's ticks. */
  mainU: number;
  mainS: number;
  other: number;
}

function times(pid: number): Times | null {
  const t: Times = { mainU: 0, mainS: 0, other: 0 };
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  for (const tid of tasks) {
    let s: string;
    try {
      s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    } catch {
      continue; // a thread that ended
    }
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const u = Number(f[11]);
    const k = Number(f[12]);
    if (Number(tid) === pid) {
      t.mainU += u;
      t.mainS += k;
    } else t.other += u + k;
  }
  return t;
}

function processCount(): number {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
}

interface Tool {
  name: string;
  file: string;
  args: string[];
  proc?: pty.IPty;
  rows: { pct: number; mainU: number; mainS: number; other: number }[];
}

function tools(): Tool[] {
  const args = (process.env.BENCH_SIDE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const clis = (process.env.BENCH_SIDE_CLIS ?? `vigil=${path.join(__dirname, '..', 'src', 'cli.js')}`).split(',');
  const out: Tool[] = clis.map((spec) => {
    const [name, cli] = spec.includes('=') ? spec.split('=') : [spec, spec];
    return { name, file: process.execPath, args: [cli, ...args], rows: [] };
  });
  if (process.env.BENCH_SIDE_BTOP !== '0') out.push({ name: 'btop', file: 'btop', args: [], rows: [] });
  return out;
}

export async function benchSide(): Promise<void> {
  const idle = Number(process.env.BENCH_SIDE_IDLE ?? 0);
  const win = Number(process.env.BENCH_SIDE_WIN_MS ?? 10_000);
  const windows = Number(process.env.BENCH_SIDE_WINDOWS ?? 7);
  const warmup = Number(process.env.BENCH_SIDE_WARMUP_MS ?? 20_000);
  const ts = tools();
  const stop = await idleProcesses(idle);
  const home = btopHome();
  try {
    for (const t of ts) {
      t.proc = pty.spawn(t.file, t.args, { name: 'xterm-256color', cols: 200, rows: 50, env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', XDG_CONFIG_HOME: home } as { [k: string]: string } });
      t.proc.onData(() => undefined);
    }
    console.log(`\n== side by side: ${ts.map((t) => t.name).join(', ')} in 200x50 ptys, +${idle} idle processes, ${windows} windows of ${win / 1000} s after ${warmup / 1000} s`);
    await sleep(warmup);
    for (let w = 0; w < windows; w++) {
      const before = ts.map((t) => times(t.proc!.pid));
      const t0 = Date.now();
      const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      const procs = processCount();
      await sleep(win);
      const ms = Date.now() - t0;
      const line: string[] = [];
      ts.forEach((t, i) => {
        const a = before[i];
        const b = times(t.proc!.pid);
        if (a === null || b === null) return;
        const pct = (x: number): number => (100 * x * TICK_MS) / ms;
        const row = { mainU: pct(b.mainU - a.mainU), mainS: pct(b.mainS - a.mainS), other: pct(b.other - a.other), pct: 0 };
        row.pct = row.mainU + row.mainS + row.other;
        t.rows.push(row);
        line.push(`${t.name} ${fmt(row.pct)} (main u ${fmt(row.mainU)} s ${fmt(row.mainS)}, other ${fmt(row.other)})`);
      });
      console.log(`  window ${w} load ${load} processes ${procs}: ${line.join(' | ')}`);
    }
  } finally {
    for (const t of ts) t.proc?.kill();
    stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  const med = (t: Tool, k: keyof Tool['rows'][number]): number => median(t.rows.map((r) => r[k]));
  console.log('median          cpu %   main user   main kernel   other threads');
  for (const t of ts) console.log(`  ${t.name.padEnd(12)} ${fmt(med(t, 'pct')).padStart(5)}   ${fmt(med(t, 'mainU')).padStart(9)}   ${fmt(med(t, 'mainS')).padStart(11)}   ${fmt(med(t, 'other')).padStart(13)}`);
  const first = ts[0];
  for (const t of ts.slice(1)) console.log(`  ${t.name} / ${first.name}: ${fmt(med(t, 'pct') / med(first, 'pct'))}  (per window: ${t.rows.map((r, i) => fmt(r.pct / first.rows[i].pct)).join(' ')})`);
  const btop = ts.find((t) => t.name === 'btop');
  if (btop) for (const t of ts.filter((x) => x !== btop)) console.log(`  ${t.name} / btop: ${fmt(med(t, 'pct') / med(btop, 'pct'))}`);
}
