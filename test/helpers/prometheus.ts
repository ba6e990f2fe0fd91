/**
 * Shared by the Prometheus tests: synthetic Samples, a parser of the text exposition format written
 * from the format's spec (so the tests do not trust prom-client to read back what it wrote), and the
 * plumbing for spawning the built CLI and the Debian prometheus binaries.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { CpuTimes, HostInfo, ProcSample, ProcSnap, Sample, Snapshot } from '../../src/model';
import { PROC_FIGURES_BLANK, PROC_RAW_BLANK } from '../../src/model/fields/proc';
import { CLI } from './paths';

export { CLI };

export const HOST: HostInfo = { hostname: 'testhost', kernel: '6.1.0', clk_tck: 100, page_size: 4096, ncpu: 2, boot_time_s: 1_700_000_000 };

export function cpuTimes(v: Partial<CpuTimes> = {}): CpuTimes {
  return {
    user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guest_nice: 0, ...v,
  };
}

export function proc(pid: number, v: Partial<ProcSample> = {}): ProcSample {
  return {
    ...PROC_RAW_BLANK,
    pid, start_time: 1000 + pid, ppid: 1, pgrp: pid, comm: `p${pid}`, cmdline: `/usr/bin/p${pid}`, cmdline_truncated: false,
    state: 'S', kthread: false, uid: 1000, user: 'alice', cgroup: null, nice: 0, priority: 20, threads: 1, processor: 0,
    vsize_bytes: 10_000_000, rss_bytes: 4096, minflt: 0, majflt: 0, utime: 0, stime: 0,
    run_ns: null, wait_ns: null, timeslices: null, swap_bytes: null, vol_ctxsw: null, invol_ctxsw: null, slow: null, slow_prev: null, tcp: null, tcp_prev: null, shim: null, ...v,
  };
}

export function procSnap(p: ProcSample, cpuPct: number | null): ProcSnap {
  return {
    ...PROC_FIGURES_BLANK,
    pid: p.pid, start_time: p.start_time, start_ms: null, ppid: p.ppid, comm: p.comm, cmdline: p.cmdline, user: p.user, cgroup: p.cgroup,
    uid: p.uid, state: p.state, kthread: p.kthread, threads: p.threads, nice: p.nice, cpu_pct: cpuPct, cpu_time_s: 0, wait_pct: null,
    mem_pct: null, rss_bytes: p.rss_bytes, vsize_bytes: p.vsize_bytes, swap_bytes: null, read_bytes_per_s: null,
    write_bytes_per_s: null, rchar_per_s: null, wchar_per_s: null, minflt_per_s: null, majflt_per_s: null,
    ctxsw_per_s: null, fds: null, tcp_tx_bytes_per_s: null, tcp_rx_bytes_per_s: null, tcp_retrans_per_s: null, tcp_conns: null,
    net_rx_bytes_per_s: null, net_tx_bytes_per_s: null, net_source: null, shim: null,
  };
}

export function sample(v: { t?: number; procs?: ProcSample[] | null; monoNs?: bigint; sys?: Partial<Sample['sys']> } = {}): Sample {
  const monoNs = v.monoNs ?? 1_000_000_000n;
  return {
    mono_ns: monoNs,
    t: v.t ?? 1_700_000_100_000,
    sys: {
      stat: { total: null, cores: [cpuTimes()], ctxt: 0, processes: 0, procs_running: 1, procs_blocked: 0, btime: 1_700_000_000 },
      mem: {
        total: 0, free: 0, available: 0, buffers: 0, cached: 0, swap_cached: 0, swap_total: 0, swap_free: 0, shmem: 0,
        sreclaimable: 0, dirty: 0, writeback: 0,
      },
      load: { load1: 0, load5: 0, load15: 0, running: 1, total: 1 },
      psi: { cpu: null, memory: null, io: null },
      net: [],
      snmp: null,
      vmstat: null,
      disks: [],
      fs: [],
      uptime_s: 100,
      ...v.sys,
    },
    procs: v.procs === null ? null : { mono_ns: monoNs, procs: v.procs ?? [] },
    conns: null,
  };
}

/** The parts of a Snapshot the metrics read (only the process rows); the rest is inert. */
export function snapshot(procs: ProcSnap[] | null): Snapshot {
  return { procs } as unknown as Snapshot;
}

// --------------------------------------------------------------------------------------------------
// Text exposition format 0.0.4
// --------------------------------------------------------------------------------------------------

export interface ParsedSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Exposition {
  series: ParsedSeries[];
  types: Map<string, string>;
  help: Map<string, string>;
}

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`bad sample value ${JSON.stringify(s)}`);
  return Number(s);
}

/** Strict enough to fail on anything Prometheus would reject in the lines vigil writes. */
export function parseExposition(text: string): Exposition {
  const out: Exposition = { series: [], types: new Map(), help: new Map() };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'HELP' ? out.help : out.types).set(meta[2], meta[3]);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (!m) throw new Error(`bad line ${JSON.stringify(line)}`);
    let i = m[1].length;
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      while (line[i] !== '}') {
        const ln = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
        if (!ln) throw new Error(`bad label at ${i} in ${JSON.stringify(line)}`);
        i += ln[0].length;
        let v = '';
        for (;;) {
          const c = line[i++];
          if (c === undefined) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
          if (c === '"') break;
          if (c === '\\') {
            const e = line[i++];
            if (e === 'n') v += '\n';
            else if (e === '\\' || e === '"') v += e;
            else throw new Error(`bad escape \\${e} in ${JSON.stringify(line)}`);
          } else v += c;
        }
        labels[ln[1]] = v;
        if (line[i] === ',') i++;
        else if (line[i] !== '}') throw new Error(`expected , or } at ${i} in ${JSON.stringify(line)}`);
      }
      i++;
    }
    if (line[i] !== ' ') throw new Error(`expected a space before the value in ${JSON.stringify(line)}`);
    out.series.push({ name: m[1], labels, value: parseValue(line.slice(i + 1)) });
  }
  return out;
}

export function find(e: Exposition, name: string, labels: Record<string, string> = {}): ParsedSeries[] {
  return e.series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one value of a series, or undefined when it is absent. */
export function valueOf(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = find(e, name, labels);
  if (f.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${f.length} series`);
  return f[0]?.value;
}

// --------------------------------------------------------------------------------------------------
// Processes and ports
// --------------------------------------------------------------------------------------------------

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** A port that was free a moment ago (the kernel picked it); a racing process can still take it. */
export function freePort(): Promise<number> {
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
 * A watchdog for a long-lived child: if this test process dies by any path (a failed assertion is
 * handled by teardown, but tap's timeout or a SIGKILL are not), it sends the child SIGTERM, then
 * SIGKILL. It exits by itself when the child is gone, and never signals a pid it did not see alive
 * with a living parent.
 */
export function guard(pid: number): void {
  const script = `
    while kill -0 "$2" 2>/dev/null; do
      if ! kill -0 "$1" 2>/dev/null; then kill -TERM "$2" 2>/dev/null; sleep 2; kill -KILL "$2" 2>/dev/null; exit 0; fi
      sleep 0.5
    done`;
  spawn('sh', ['-c', script, 'sh', String(process.pid), String(pid)], { stdio: 'ignore', detached: true }).unref();
}

export interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[]): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, stdout: () => out, exited };
}

export async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts `vigil serve` on a kernel-chosen loopback port and resolves with its /metrics URL. */
export async function startServe(args: string[] = []): Promise<Spawned & { url: string }> {
  const s = spawnCli(['serve', '--listen', '127.0.0.1:0', ...args]);
  guard(s.child.pid!);
  let code: number | null | undefined;
  void s.exited.then((e) => (code = e.code));
  const url = await until('vigil serve to report its URL', () => {
    if (code !== undefined) throw new Error(`vigil serve exited (${code}): ${s.stderr()}`);
    return /serving (http:\/\/\S+)/.exec(s.stderr())?.[1];
  }, 15_000, 20);
  return { ...s, url };
}

export async function stop(s: Spawned): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 5000);
  await s.exited;
  clearTimeout(t);
}

export async function get(url: string, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(url, { method });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/**
 * A child whose comm is `name` (a symlink to sh: comm is the basename of the file exec'd), burning CPU
 * half of the time so that it has CPU seconds without hogging a shared core.
 */
export function spawnBurner(dir: string, name: string): ChildProcess {
  const link = path.join(dir, name);
  fs.symlinkSync('/bin/sh', link);
  const child = spawn(link, ['-c', 'while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.05; done'], { stdio: 'ignore' });
  guard(child.pid!);
  return child;
}

/** utime + stime of a pid in seconds, from /proc/PID/stat directly (fields 14 and 15 after the comm). */
export function procCpuSeconds(pid: number, clkTck: number): number {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / clkTck;
}
