/**
 * One run of the `native-core` benchmark, in its own process:
 *   node native-core-child.js ts|native PROC_INTERVAL_MS DURATION_MS
 * A Sampler (system tier every 100 ms, the process tier every PROC_INTERVAL_MS; no filesystems,
 * connections or shim: those tiers do not move to C) on a 100 ms timer; prints {"ticks","cpuMsPerTick"}
 * for DURATION_MS after the warm-up.
 */
import { Sampler } from '../src/sampler/sampler';

const [kind, procMs, durArg] = process.argv.slice(2);
const DURATION_MS = Number(durArg);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 5_000);
const s = new Sampler({ sampler: kind as 'ts' | 'native', intervalMs: 100, procIntervalMs: Number(procMs), filesystems: false, connections: false, shim: false });
if (s.kind !== kind) throw new Error(`asked for the ${kind} sampler, got ${s.kind}`);
let sink: unknown = null;
let ticks = 0;
let c0 = process.cpuUsage();
const t0 = Date.now();
let start = 0;
const timer = setInterval(() => {
  sink = s.sample();
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
    s.close();
    process.stdout.write(JSON.stringify({ ticks, cpuMsPerTick: (c.user + c.system) / 1000 / ticks, kept: sink !== undefined }) + '\n');
  }
}, 100);
