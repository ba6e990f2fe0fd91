/**
 * One run of the `native` benchmark, in its own process:
 *   node native-child.js empty|ts|native ADDON DURATION_MS
 * Each mode runs on a 100 ms timer and prints {"ticks","cpuUsPerTick"} for DURATION_MS after the warm-up.
 * empty: the timer alone. ts: vigil's SystemReader (every system file read and parsed, as every tick does).
 * native: c/system-native.c reads the same files and scans their numbers, and JS builds objects of the
 * size the SystemReader returns (a CpuTimes per cpu line, the meminfo and vmstat fields vigil keeps, a
 * counter set per interface and per disk, three PSI resources).
 */
import * as fs from 'fs';
import { SYSTEM_FILES, SystemReader } from '../src/sampler/system';

const [mode, addon, durArg] = process.argv.slice(2);
const DURATION_MS = Number(durArg);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 20_000);
const FILES = Object.values(SYSTEM_FILES);
/** Index in FILES of a file, for reading its numbers out of the addon's array. */
const F = Object.fromEntries(Object.keys(SYSTEM_FILES).map((k, i) => [k, i])) as Record<keyof typeof SYSTEM_FILES, number>;

interface Native {
  open(paths: string[]): void;
  read(out: Float64Array, at: Int32Array): number;
}

function nativeTier(): () => unknown {
  const n = require(addon) as Native;
  const paths = FILES.map((f) => `/proc/${f}`);
  n.open(paths);
  const lines = (f: string, re: RegExp): number => fs.readFileSync(`/proc/${f}`, 'latin1').split('\n').filter((l) => re.test(l)).length;
  const cpus = lines('stat', /^cpu/);
  const ifaces = lines('net/dev', /:/);
  const disks = lines('diskstats', /\S/);
  const out = new Float64Array(16384);
  const at = new Int32Array(FILES.length + 1);
  const v = (file: number, i: number): number => out[Math.min(at[file] + i, at[file + 1] - 1)] ?? 0;
  return () => {
    n.read(out, at);
    const cores = [];
    for (let c = 0; c < cpus; c++) {
      const b = c * 10;
      cores.push({ user: v(F.stat, b), nice: v(F.stat, b + 1), system: v(F.stat, b + 2), idle: v(F.stat, b + 3), iowait: v(F.stat, b + 4), irq: v(F.stat, b + 5), softirq: v(F.stat, b + 6), steal: v(F.stat, b + 7), guest: v(F.stat, b + 8), guest_nice: v(F.stat, b + 9) });
    }
    const mem: Record<string, number> = {};
    for (let i = 0; i < 20; i++) mem[`f${i}`] = v(F.meminfo, i);
    const psi = [F.psiCpu, F.psiMemory, F.psiIo].map((f) => ({ some: { avg10: v(f, 1), avg60: v(f, 3), avg300: v(f, 5), total: v(f, 6) }, full: { avg10: v(f, 8), avg60: v(f, 10), avg300: v(f, 12), total: v(f, 13) } }));
    const net = [];
    for (let i = 0; i < ifaces; i++) net.push({ rx_bytes: v(F.netdev, i * 16), rx_packets: v(F.netdev, i * 16 + 1), rx_errs: v(F.netdev, i * 16 + 2), rx_drop: v(F.netdev, i * 16 + 3), tx_bytes: v(F.netdev, i * 16 + 8), tx_packets: v(F.netdev, i * 16 + 9), tx_errs: v(F.netdev, i * 16 + 10), tx_drop: v(F.netdev, i * 16 + 11) });
    const disk = [];
    for (let i = 0; i < disks; i++) disk.push({ reads: v(F.diskstats, i * 20 + 3), read_sectors: v(F.diskstats, i * 20 + 5), writes: v(F.diskstats, i * 20 + 7), write_sectors: v(F.diskstats, i * 20 + 9), io_ms: v(F.diskstats, i * 20 + 12) });
    return { cores, mem, psi, net, disk, load: v(F.loadavg, 0), snmp: v(F.snmp, 0), vm: { pgfault: v(F.vmstat, 0), pgmajfault: v(F.vmstat, 1), pswpin: v(F.vmstat, 2), pswpout: v(F.vmstat, 3) }, uptime: v(F.uptime, 0) };
  };
}

let sink: unknown = null;
const tick: () => unknown =
  mode === 'native'
    ? nativeTier()
    : mode === 'ts'
      ? ((r) => () => r.read(process.hrtime.bigint()))(new SystemReader())
      : () => null;
let ticks = 0;
let c0 = process.cpuUsage();
const t0 = Date.now();
let start = 0;
const timer = setInterval(() => {
  sink = tick();
  if (start === 0) {
    if (Date.now() - t0 < WARMUP_MS) return;
    start = Date.now();
    c0 = process.cpuUsage();
    return;
  }
  ticks++;
  if (Date.now() - start >= DURATION_MS) {
    clearInterval(timer);
    const c = process.cpuUsage(c0);
    process.stdout.write(JSON.stringify({ ticks, cpuUsPerTick: (c.user + c.system) / ticks, kept: sink !== undefined }) + '\n');
  }
}, 100);
