/**
 * One measured run, in its own process so that its CPU and RSS are its own:
 *   node sampler-child.js vigil|reference|floor INTERVAL_MS PROC_INTERVAL_MS DURATION_MS
 * vigil: the Sampler plus derive on the Ticker, exactly what `vigil sample` does minus JSON output.
 * reference: a plain loop reading /proc/PID/stat and statm of every pid through kept-open fds.
 * floor: the reads of issue 2's schedule and nothing else, as bench/c/floor.c does them in C: the system
 *   files every tick; every process interval a readdir of /proc and one pread of each pid's schedstat (the
 *   least that tells whether a process ran). Nothing is parsed: what Node charges for the reads alone.
 */
import * as fs from 'fs';
import { derive } from '../src/derive/derive';
import { Sampler } from '../src/sampler/sampler';
import { SYSTEM_FILES } from '../src/sampler/system';
import { Ticker } from '../src/feed/ticker';

const [mode, intervalArg, procArg, durArg] = process.argv.slice(2);
const intervalMs = Number(intervalArg);
const procIntervalMs = Number(procArg);
const durationMs = Number(durArg);

function reference(): () => void {
  const fds = new Map<number, [number, number]>();
  const buf = Buffer.allocUnsafe(4096);
  let sink = 0;
  return () => {
    const seen = new Set<number>();
    for (const name of fs.readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      seen.add(pid);
      let f = fds.get(pid);
      try {
        if (!f) {
          f = [fs.openSync(`/proc/${pid}/stat`, 'r'), fs.openSync(`/proc/${pid}/statm`, 'r')];
          fds.set(pid, f);
        }
        sink += fs.readSync(f[0], buf, 0, 4096, 0);
        sink += fs.readSync(f[1], buf, 0, 4096, 0);
      } catch {
        if (f) for (const fd of f) fs.closeSync(fd);
        fds.delete(pid);
      }
    }
    for (const [pid, f] of fds) if (!seen.has(pid)) {
      for (const fd of f) fs.closeSync(fd);
      fds.delete(pid);
    }
    if (sink < 0) console.error(sink);
  };
}

function floor(): () => void {
  // A kernel without PSI has no /proc/pressure: what is missing is not read, as the SystemReader does.
  const sys = Object.values(SYSTEM_FILES).flatMap((f) => {
    try {
      return [fs.openSync(`/proc/${f}`, 'r')];
    } catch {
      return [];
    }
  });
  const fds = new Map<number, number>();
  const buf = Buffer.allocUnsafe(65536);
  const every = Math.max(1, Math.round(procIntervalMs / intervalMs));
  let ticks = 0;
  return () => {
    for (const fd of sys) fs.readSync(fd, buf, 0, buf.length, 0);
    if (ticks++ % every !== 0) return;
    const seen = new Set<number>();
    for (const name of fs.readdirSync('/proc')) {
      const pid = Number(name);
      if (!(pid > 0)) continue;
      seen.add(pid);
      let fd = fds.get(pid);
      try {
        if (fd === undefined) {
          fd = fs.openSync(`/proc/${pid}/schedstat`, 'r');
          fds.set(pid, fd);
        }
        fs.readSync(fd, buf, 0, buf.length, 0);
      } catch {
        if (fd !== undefined) fs.closeSync(fd);
        fds.delete(pid);
      }
    }
    for (const [pid, fd] of fds) if (!seen.has(pid)) {
      fs.closeSync(fd);
      fds.delete(pid);
    }
  };
}

function vigil(): () => void {
  const s = new Sampler({ intervalMs, procIntervalMs });
  let prev = s.sample();
  return () => {
    const cur = s.sample();
    derive(prev, cur, s.host);
    prev = cur;
  };
}

const tick = mode === 'reference' ? reference() : mode === 'floor' ? floor() : vigil();
// Steady state is what a monitor costs: the first seconds (the first open of every fd, and V8 compiling
// the hot functions, which takes tens of seconds at ten calls a second: measured here, a sampler's CPU per
// tick falls by half over its first minute) are left out of the measurement for both loops alike.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 20_000);
let ticks = 0;
let c0 = process.cpuUsage();
let t0 = Date.now();
let warm = false;
const ticker = new Ticker(intervalMs, () => {
  tick();
  if (!warm) {
    if (Date.now() - t0 < WARMUP_MS) return;
    warm = true;
    c0 = process.cpuUsage();
    t0 = Date.now();
    return;
  }
  ticks++;
  if (Date.now() - t0 >= durationMs) {
    ticker.stop();
    const c = process.cpuUsage(c0);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    process.stdout.write(JSON.stringify({ ticks, cpuMsPerTick: (c.user + c.system) / 1000 / ticks, peakRss: hwm ? Number(hwm[1]) * 1024 : null }) + '\n');
    process.exit(0);
  }
});
ticker.start();
