/**
 * `npm run bench -- conns-native`: the connections tier's sock_diag reads through the native core
 * (native/sampler/sockdiag.c) against the TypeScript path over the `netlink` package.
 *   1. The reader alone, in this process: both readers interleaved read by read on the machine's sockets,
 *      dumping every read and at the defaults (lookups while no TCP socket is opened), CPU per read
 *      (user and system) from getrusage around each read. Medians.
 *   2. With BENCH_BASELINE_CLI=path/cli.js (e.g. /work/main/dist/src/cli.js): this build's `vigil record`
 *      at +0 and +300 idle processes and `vigil serve` scraped every second, each beside the baseline
 *      build's, started together and measured over the same windows; run time from
 *      /proc/PID/task/TID/schedstat (ns) and, in 10 ms ticks, user and system time from
 *      /proc/PID/task/TID/stat, the main thread's apart from the other threads'.
 *      BENCH_CN_WINDOWS (default 7) windows of BENCH_CN_WINDOW_S (10) s after BENCH_CN_WARMUP_S (30) s.
 *      Cases (BENCH_CN_CASES): record0, record300, serve, and bigfds / servebig: `vigil record` / `vigil serve`
 *      beside BENCH_CN_BIG_PROCS (4) processes of BENCH_CN_BIG_FDS (3000) fds whose count moves every second
 *      and which open a connection every second (bench/big-fds.ts: what other vigils look like).
 *      BENCH_CN_STRACE=1: after the windows, `strace -c -f -e trace=getdents64,readlinkat` on both builds
 *      at once for BENCH_CN_STRACE_S (20) s.
 * The machine is shared: only ratios from the same windows mean anything; the load is printed.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ConnsReader } from '../src/sampler/conns/reader';
import { loadNative } from '../src/sampler/native/load';
import { bigFdProcesses } from './big-fds';
import { idleProcesses, median, sleep } from './util';

const CLK = 100;
const f2 = (x: number): string => x.toFixed(2);
const loadavg = (): string => fs.readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ');

async function readerAlone(reads = Number(process.env.BENCH_CN_READS ?? 60)): Promise<void> {
  const addon = loadNative().addon;
  if (!addon) {
    console.log('conns-native: the native core is not built; nothing to compare');
    return;
  }
  for (const [mode, every] of [
    ['dump every read', 0],
    ['defaults (lookups while no TCP socket is opened)', undefined],
  ] as const) {
    const rs = { ts: new ConnsReader({ fullDumpEveryMs: every }), native: new ConnsReader({ native: addon, fullDumpEveryMs: every }) };
    const cpu: Record<'ts' | 'native', { u: number[]; s: number[]; parse: number[] }> = { ts: { u: [], s: [], parse: [] }, native: { u: [], s: [], parse: [] } };
    let socks = 0;
    for (let i = 0; i < reads + 5; i++) {
      for (const k of i % 2 ? (['ts', 'native'] as const) : (['native', 'ts'] as const)) {
        const c = process.cpuUsage();
        const s = await rs[k].read();
        const d = process.cpuUsage(c);
        socks = s.tcp.length;
        if (i < 5) continue; // first reads: the whole fd scan, the JIT
        cpu[k].u.push(d.user / 1000);
        cpu[k].s.push(d.system / 1000);
        cpu[k].parse.push(rs[k].stats.parse_ms);
      }
      await sleep(50);
    }
    const line = (k: 'ts' | 'native'): string =>
      `${k.padEnd(6)} user ${f2(median(cpu[k].u))} + sys ${f2(median(cpu[k].s))} = ${f2(median(cpu[k].u.map((u, i) => u + cpu[k].s[i])))} ms/read` +
      ` (parse_ms ${f2(median(cpu[k].parse))}; ${rs[k].fullDumps} dumps, ${rs[k].lookupReads} lookup reads)`;
    const tot = (k: 'ts' | 'native'): number => median(cpu[k].u.map((u, i) => u + cpu[k].s[i]));
    console.log(`conns-native, reader alone, ${mode}, ${socks} TCP sockets, ${reads} reads each interleaved (load ${loadavg()}):`);
    console.log(`  ${line('ts')}\n  ${line('native')}\n  native / ts = ${f2(tot('native') / tot('ts'))}`);
    rs.ts.close();
    rs.native.close();
  }
}

interface Ticks {
  mainU: number;
  mainS: number;
  allU: number;
  allS: number;
  /** Run time of the main thread and of every live thread, ns (schedstat: exact, where ticks are 10 ms). */
  mainNs: number;
  allNs: number;
}

/** utime and stime of the main thread and of the whole process (exited threads included), ticks; run time, ns. */
function ticks(pid: number): Ticks {
  const f = (file: string): [number, number] => {
    const s = fs.readFileSync(file, 'latin1');
    const x = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return [Number(x[11]), Number(x[12])];
  };
  const ns = (tid: string): number => Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
  const [mainU, mainS] = f(`/proc/${pid}/task/${pid}/stat`);
  const [allU, allS] = f(`/proc/${pid}/stat`);
  let allNs = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      allNs += ns(tid);
    } catch {
      // a thread that just ended
    }
  }
  return { mainU, mainS, allU, allS, mainNs: ns(String(pid)), allNs };
}

function start(cli: string, args: string[]): { child: ChildProcess; stderr: () => string } {
  let err = '';
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stderr: () => err };
}

async function until<T>(fn: () => T | null, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(100);
  }
}

async function scrape(url: string): Promise<void> {
  try {
    const r = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    const b = Buffer.from(await r.arrayBuffer());
    if (r.headers.get('content-encoding') === 'gzip') zlib.gunzipSync(b);
  } catch {
    // a slow scrape under load: the next one counts
  }
}

/** This build and the baseline side by side over the same windows; prints per-window and median figures. */
async function sideBySide(label: string, args: (tag: string) => string[], serve: boolean): Promise<void> {
  const base = process.env.BENCH_BASELINE_CLI!;
  const nowCli = path.join(__dirname, '..', 'src', 'cli.js');
  const windows = Number(process.env.BENCH_CN_WINDOWS ?? 7);
  const windowS = Number(process.env.BENCH_CN_WINDOW_S ?? 10);
  const warmS = Number(process.env.BENCH_CN_WARMUP_S ?? 30);
  const procs = { new: start(nowCli, args('new')), base: start(base, args('base')) };
  try {
    const urls = serve ? await Promise.all(Object.values(procs).map((p) => until(() => /serving (\S+)/.exec(p.stderr())?.[1] ?? null, 20_000))) : [];
    const tickFor = async (s: number): Promise<void> => {
      for (let i = 0; i < s; i++) {
        const due = Date.now() + 1000;
        if (serve) await Promise.all(urls.map(scrape));
        await sleep(Math.max(0, due - Date.now()));
      }
    };
    await tickFor(warmS);
    const rows: Record<'new' | 'base', Ticks[]> = { new: [], base: [] };
    const tot: number[] = [];
    for (let w = 0; w < windows; w++) {
      const t0 = { new: ticks(procs.new.child.pid!), base: ticks(procs.base.child.pid!) };
      const w0 = process.hrtime.bigint();
      await tickFor(windowS);
      const secs = Number(process.hrtime.bigint() - w0) / 1e9;
      const pct = (a: number, b: number): number => (100 * (a - b)) / CLK / secs;
      for (const k of ['new', 'base'] as const) {
        const t1 = ticks(procs[k].child.pid!);
        const pctNs = (a: number, b: number): number => (100 * (a - b)) / 1e9 / secs;
        rows[k].push({
          mainU: pct(t1.mainU, t0[k].mainU),
          mainS: pct(t1.mainS, t0[k].mainS),
          allU: pct(t1.allU, t0[k].allU),
          allS: pct(t1.allS, t0[k].allS),
          mainNs: pctNs(t1.mainNs, t0[k].mainNs),
          allNs: pctNs(t1.allNs, t0[k].allNs),
        });
      }
      const n = rows.new[w];
      const b = rows.base[w];
      tot.push(n.allNs / b.allNs);
      console.log(`  ${label} window ${w + 1}: new ${f2(n.allNs)} %, baseline ${f2(b.allNs)} % (run time; load ${loadavg()})`);
    }
    const med = (k: 'new' | 'base', fn: (t: Ticks) => number): string => f2(median(rows[k].map(fn)));
    for (const k of ['new', 'base'] as const) {
      console.log(
        `  ${label} ${k === 'new' ? 'new     ' : 'baseline'}: run time ${med(k, (t) => t.allNs)} %, main thread ${med(k, (t) => t.mainNs)} % | ticks: total ${med(k, (t) => t.allU + t.allS)} %, main thread user ${med(k, (t) => t.mainU)} sys ${med(k, (t) => t.mainS)}` +
          ` | other threads user ${med(k, (t) => t.allU - t.mainU)} sys ${med(k, (t) => t.allS - t.mainS)}`,
      );
    }
    console.log(`  ${label}: new / baseline run time, median of per-window ratios: ${f2(median(tot))}`);
    if (process.env.BENCH_CN_STRACE === '1') await straceBoth(label, procs.new.child.pid!, procs.base.child.pid!);
  } finally {
    for (const p of Object.values(procs)) p.child.kill('SIGKILL');
  }
}

/** getdents64 and readlinkat calls of both builds over the same seconds (strace -c on each, at once). */
async function straceBoth(label: string, newPid: number, basePid: number): Promise<void> {
  const secs = Number(process.env.BENCH_CN_STRACE_S ?? 20);
  const run = (pid: number): Promise<string> =>
    new Promise((resolve) => {
      let out = '';
      const p = spawn('timeout', ['-s', 'INT', String(secs), 'strace', '-c', '-f', '-e', 'trace=getdents64,readlinkat', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', () => resolve(out));
      p.on('error', (e) => resolve(`strace: ${e.message}`));
    });
  const [n, b] = await Promise.all([run(newPid), run(basePid)]);
  const rows = (s: string): string =>
    s
      .split('\n')
      .filter((l) => /getdents64|readlinkat|total/.test(l))
      .map((l) => `      ${l.trim()}`)
      .join('\n');
  console.log(`  ${label}: strace -c over the same ${secs} s (seconds, usecs/call, calls, errors, syscall):`);
  console.log(`    new:\n${rows(n)}\n    baseline:\n${rows(b)}`);
}

export async function benchConnsNative(): Promise<void> {
  await readerAlone();
  if (!process.env.BENCH_BASELINE_CLI) {
    console.log('conns-native: set BENCH_BASELINE_CLI=path/cli.js to compare record and serve with another build');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cn-'));
  try {
    const which = (process.env.BENCH_CN_CASES ?? 'record0,record300,serve').split(',');
    for (const c of which) {
      console.log(`conns-native: ${c}, side by side with ${process.env.BENCH_BASELINE_CLI} (CPU % of one core)`);
      if (c === 'serve') await sideBySide('serve', () => ['serve', '--listen', '127.0.0.1:0'], true);
      else if (c === 'bigfds' || c === 'servebig') {
        const k = Number(process.env.BENCH_CN_BIG_PROCS ?? 4);
        const n = Number(process.env.BENCH_CN_BIG_FDS ?? 3000);
        const stop = await bigFdProcesses(k, n);
        try {
          const label = `${c === 'bigfds' ? 'record' : 'serve'} beside ${k} x ${n} fds`;
          if (c === 'bigfds') await sideBySide(label, (tag) => ['record', path.join(tmp, `${tag}-big-${Date.now()}.vigil`)], false);
          else await sideBySide(label, () => ['serve', '--listen', '127.0.0.1:0'], true);
        } finally {
          stop();
        }
      } else {
        const n = Number(c.replace('record', ''));
        const stop = n > 0 ? await idleProcesses(n) : () => undefined;
        try {
          await sideBySide(`record +${n}`, (tag) => ['record', path.join(tmp, `${tag}-${n}-${Date.now()}.vigil`)], false);
        } finally {
          stop();
        }
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchConnsNative().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
