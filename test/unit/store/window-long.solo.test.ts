/**
 * Ten simulated hours at 100 ms (fake monotonic clock, synthetic Snapshots with bursts, poison values and
 * process churn): every average stays finite, the 1 h average equals a naive recomputation to 1e-9,
 * and the window's size stops growing after the first hour.
 */
import t from 'tap';
import { HistoryWindow, procSubject, SERIES, SERIES_NAMES } from '../../../src/store/window';
import type { SeriesName } from '../../../src/store/window';
import { blankProc, prng, syntheticSnapshot } from '../../../src/store/window/synthetic';
import type { ProcSnap } from '../../../src/model';
import { close, NaiveWindow, naiveWeight } from './naive-window';

t.test('ten hours at 100 ms', async (t) => {
  const w = new HistoryWindow();
  const o = w.options;
  const naive = new NaiveWindow({ H: o.horizonSeconds, F: o.procFineSeconds, C: o.procCoarseSeconds, maxSampleMs: o.maxSampleMs });
  const rnd = prng(2024);
  const s = syntheticSnapshot(0, 1.7e12, 100, { cores: 2, ifaces: 2, disks: 1, mounts: 2 }, rnd);
  // 40 processes; each second one may exit and be replaced, sometimes by a new process with the same pid.
  let procs: ProcSnap[] = Array.from({ length: 40 }, (_, i) => blankProc(1000 + i, 1, { cpu_pct: 1, rss_bytes: 1e6 }));
  const keeper = procSubject(1000, 1);
  let startTick = 2;
  const windows = [1, 10, 60, 300, 900, 3600, 1234];
  const checked: [SeriesName, string, boolean][] = [
    ['cpu.total_pct', '', false], ['net.rx_bytes_per_s', 'eth0', false], ['mem.used_pct', '', false], ['proc.cpu_pct', keeper, true],
  ];
  let checks = 0;
  let maxBuckets = 0;
  let maxCoarse = 0;
  let maxProcSlots = 0;
  let bytesAt2h = 0;
  const HOURS = 10;
  let mono = 7_000_000.25;
  for (let tick = 0; tick < HOURS * 36_000; tick++) {
    const dt = tick % 5000 === 4999 ? 12_000 : 100; // a 12 s pause every ~8 minutes
    mono += dt;
    s.mono_ms = mono;
    s.t = 1.7e12 + mono;
    s.interval_ms = dt;
    const r = rnd();
    s.cpu.cpu_pct = r < 0.001 ? NaN : r < 0.002 ? Infinity : r * 100;
    s.net[0].rx_bytes_per_s = rnd() < 0.01 ? 1e10 * rnd() : rnd() * 100;
    s.mem.mem_used_pct = 40 + rnd() * 1e-6; // nearly constant: sums that must not drift
    s.procs = null;
    s.procs_interval_ms = null;
    if (tick % 10 === 0) {
      if (rnd() < 0.5) {
        const i = 1 + Math.floor(rnd() * 39);
        const reuse = rnd() < 0.3;
        procs[i] = blankProc(reuse ? procs[i].pid : 5000 + (tick % 30000), startTick++, { cpu_pct: 2 });
      }
      procs = procs.map((p, i) => (i === 0 ? { ...p, cpu_pct: rnd() < 0.05 ? 400 : rnd() * 3 } : p));
      s.procs = procs;
      s.procs_interval_ms = dt === 100 ? 1000 : 12_900;
    }
    w.push(s);
    naive.advance(mono);
    const wt = naiveWeight(dt, o.maxSampleMs);
    naive.add('cpu.total_pct|', s.cpu.cpu_pct, wt);
    naive.add('net.rx_bytes_per_s|eth0', s.net[0].rx_bytes_per_s, wt);
    naive.add('mem.used_pct|', s.mem.mem_used_pct, wt);
    if (s.procs !== null) naive.add(`proc.cpu_pct|${keeper}`, procs[0].cpu_pct, naiveWeight(s.procs_interval_ms, o.maxSampleMs));
    const sz = w.sizes;
    maxBuckets = Math.max(maxBuckets, sz.buckets);
    maxCoarse = Math.max(maxCoarse, sz.coarse);
    maxProcSlots = Math.max(maxProcSlots, sz.procSlots);
    if (tick === 2 * 36_000) bytesAt2h = w.memory().total;
    if (tick % 6000 === 5999) {
      naive.prune();
      for (const n of windows) {
        for (const [series, subject, proc] of checked) {
          const want = naive.query(`${series}|${subject}`, n, proc);
          const got = w.avg(series, subject, n);
          if (want === null ? got.value !== null : got.value === null || !close(got.value, want.avg)) {
            t.fail(`${series} over ${n}s at tick ${tick}: ${got.value} ≠ ${want?.avg}`);
          }
        }
        for (const name of SERIES_NAMES) {
          if (SERIES[name].subject !== 'none') continue;
          const a = w.avg(name, '', n);
          if (a.value !== null && !Number.isFinite(a.value)) t.fail(`${name} over ${n}s is ${a.value}`);
          if (!Number.isFinite(a.seconds)) t.fail(`${name} coverage ${a.seconds}`);
        }
      }
      checks++;
    }
  }
  t.equal(checks, HOURS * 6, 'checked every 10 simulated minutes');
  const hour = naive.query('cpu.total_pct|', 3600, false)!;
  const got = w.avg('cpu.total_pct', '', 3600);
  t.ok(close(got.value!, hour.avg), `1 h cpu average after ${HOURS} h: ${got.value} vs naive ${hour.avg}`);
  t.ok(close(w.avg('mem.used_pct', '', 3600).value!, naive.query('mem.used_pct|', 3600, false)!.avg), '1 h memory average');
  t.ok(close(w.delta('net.rx_bytes_per_s', 'eth0', 3600).value!, naive.query('net.rx_bytes_per_s|eth0', 3600, false)!.delta), 'bytes in the last hour');
  t.ok(maxBuckets <= 3600 && maxBuckets > 3500, `never more than an hour of 1 s buckets (${maxBuckets}, pauses excluded)`);
  t.ok(maxCoarse <= 61, `coarse process buckets bounded (${maxCoarse})`);
  t.ok(maxProcSlots < 40 + 2100, `process slots bounded by live + exited within the hour (${maxProcSlots})`);
  const bytesEnd = w.memory().total;
  t.ok(bytesEnd <= bytesAt2h * 1.1, `typed-array memory flat after the first hours: ${bytesAt2h} → ${bytesEnd}`);
});
