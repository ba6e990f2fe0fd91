/**
 * Connections tier benchmark (issue 8): 2,000 established loopback TCP connections held by 20
 * processes (each holds 100 outgoing and 100 accepted: 4,000 sockets), a few bytes a second on each.
 * Prints the CPU one read of the tier costs (median of several 1 s ticks), and the CPU of `ss -tinp`
 * run once per second on the same sockets for comparison. Target: <= 5 ms per tick.
 *
 * Run alone: `npm run build && node dist/bench/conns.js`.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { NetlinkDiagSocket } from '../src/sampler/conns/diag-socket';
import { AF_INET, AF_INET6, buildTcpCompatDumpRequest, buildTcpDumpRequest } from '../src/sampler/conns/inet-diag';
import { walkNlmsgs } from '../src/sampler/conns/netlink';
import { ConnsReader, ConnsReadStats } from '../src/sampler/conns/reader';

const PROCS = 20;
const PER_PROC = 100;
const TICKS = 15;

interface Holder {
  proc: ChildProcess;
  lines: Record<string, number>[];
  wait: (key: string) => Promise<number>;
}

function holder(): Holder {
  const proc = spawn(process.execPath, [path.join(__dirname, 'conns-holder.js'), String(PER_PROC)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Record<string, number>[] = [];
  let buf = '';
  let wake: (() => void) | null = null;
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as Record<string, number>);
      buf = buf.slice(i + 1);
    }
    wake?.();
  });
  const wait = async (key: string): Promise<number> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const l = lines.find((x) => key in x);
      if (l) return l[key];
      if (Date.now() > deadline) throw new Error(`holder ${proc.pid}: no "${key}"`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 200);
      });
    }
  };
  return { proc, lines, wait };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** User+system CPU of one `ss` run, ms, from bash's `time` (getrusage of the child). */
function ssCpuMs(args: string[]): number {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3U %3S'; time ss ${args.join(' ')} >/dev/null`], { encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`cannot time ss: ${r.stderr}`);
  return (Number(m[1]) + Number(m[2])) * 1000;
}

export async function benchConns(): Promise<void> {
  const holders = Array.from({ length: PROCS }, holder);
  try {
    const ports = await Promise.all(holders.map((h) => h.wait('port')));
    holders.forEach((h, i) => h.proc.stdin?.write(JSON.stringify({ connect: ports[(i + 1) % PROCS], n: PER_PROC }) + '\n'));
    await Promise.all(holders.map((h) => h.wait('connected')));
    await Promise.all(holders.map((h) => h.wait('incoming')));
    for (const h of holders) h.proc.stdin?.write(JSON.stringify({ trickleMs: 1000 }) + '\n');

    const reader = new ConnsReader();
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    let first = await reader.read();
    const cold = { cpu: cpuMs(process.cpuUsage(c0)), wall: Number(process.hrtime.bigint() - w0) / 1e6 };
    while (first.scan_incomplete) first = await reader.read();
    const held = first.tcp.filter((k) => k.state === 'ESTABLISHED' && (k.local_port === 0 || ports.includes(k.remote_port) || ports.includes(k.local_port)));
    const attributed = held.filter((k) => k.pids.length > 0).length;

    const tier: number[] = [];
    const wall: number[] = [];
    const own: number[] = [];
    const stats: ConnsReadStats[] = [];
    const ss: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      await sleep(1000);
      const c = process.cpuUsage();
      const w = process.hrtime.bigint();
      const s = await reader.read();
      tier.push(cpuMs(process.cpuUsage(c)));
      wall.push(Number(process.hrtime.bigint() - w) / 1e6);
      own.push(s.cost_ms);
      stats.push(reader.stats);
      ss.push(ssCpuMs(['-tinp']));
    }
    const ssNoP = Array.from({ length: 5 }, () => ssCpuMs(['-tin']));
    reader.close();

    // The floor: the same dump with nothing done to the answers (kernel + addon + event loop), and the
    // two per-family v2 dumps a kernel without the one-walk request would need.
    const raw = new NetlinkDiagSocket();
    const floor: number[] = [];
    const floorV2: number[] = [];
    let seq = 1000;
    for (let i = 0; i < TICKS; i++) {
      let c = process.cpuUsage();
      const q = ++seq;
      await raw.request(buildTcpCompatDumpRequest(q), (dg) => walkNlmsgs(dg, dg.length, q, () => undefined).done, 5000);
      floor.push(cpuMs(process.cpuUsage(c)));
      c = process.cpuUsage();
      for (const fam of [AF_INET, AF_INET6]) {
        const q2 = ++seq;
        await raw.request(buildTcpDumpRequest(fam, q2), (dg) => walkNlmsgs(dg, dg.length, q2, () => undefined).done, 5000);
      }
      floorV2.push(cpuMs(process.cpuUsage(c)));
      await sleep(100);
    }
    raw.close();

    const f = (x: number): string => x.toFixed(2);
    console.log(`conns: ${PROCS} processes, ${PROCS * PER_PROC} loopback connections (${held.length} of their sockets dumped, ${attributed} attributed to a pid), ${first.tcp.length} TCP sockets in all`);
    console.log(`conns: first read (full fd scan): ${f(cold.cpu)} ms CPU, ${f(cold.wall)} ms wall`);
    console.log(`conns: tier per 1 s tick, median of ${TICKS}: ${f(median(tier))} ms CPU (min ${f(Math.min(...tier))}, max ${f(Math.max(...tier))}), ${f(median(wall))} ms wall, ${f(median(own))} ms in vigil's own code  [target <= 5 ms]`);
    console.log(`conns: the sock_diag dump alone, answers walked but not parsed: ${f(median(floor))} ms CPU (median of ${TICKS}; two per-family v2 dumps: ${f(median(floorV2))} ms): the kernel's share, which no user-space code avoids`);
    const med = (k: keyof ConnsReadStats): string => f(median(stats.map((x) => x[k])));
    console.log(`conns: of which, medians: parse ${med('parse_ms')} ms, fd scan ${med('scan_ms')} ms, join ${med('join_ms')} ms; the rest is the kernel's dump (system time) and the event loop`);
    console.log(`conns: ticks with sockets of unknown owner: ${stats.filter((x) => x.unknown > 0).length}/${TICKS}; fd tables re-read per tick: ${stats.map((x) => x.reread).join(' ')}`);
    console.log(`conns: ss -tinp once per second, median of ${TICKS}: ${f(median(ss))} ms CPU (min ${f(Math.min(...ss))}, max ${f(Math.max(...ss))}); ss -tin (no -p): ${f(median(ssNoP))} ms`);
    console.log(`conns: tier / ss -tinp = ${f(median(tier) / median(ss))}`);
  } finally {
    for (const h of holders) h.proc.kill('SIGKILL');
  }
}

if (require.main === module) {
  benchConns().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
