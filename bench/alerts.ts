/**
 * Alert evaluation cost: per system tick (every 100 ms) and per process tick (1000 processes), with the
 * shipped defaults plus process, disk and filesystem rules with `match`. Medians of 5 runs.
 * Target: a process tick well under 1 ms, so alerts cost < 1 % of a core at 1 s process ticks.
 */
import type { Snapshot } from '../src/model';
import { AlertEngine } from '../src/store/alerts/engine';
import { compileRules, DEFAULT_RULES } from '../src/store/alerts/rules';
import { HistoryWindow } from '../src/store/window';
import { prng, syntheticProcs, syntheticSnapshot } from '../src/store/window/synthetic';
import { fmt, median } from './util';

const RULES = [
  ...DEFAULT_RULES,
  { metric: 'proc.rss_bytes', threshold: 4e9, window: '5s', for: '30s', match: '^(java|node)$' },
  { metric: 'proc.fds', threshold: 50_000, window: '5s', user: 'root' },
  { metric: 'proc.majflt_per_s', threshold: 100, window: '10s', for: '10s' },
  { metric: 'disk.util_pct', threshold: 90, window: '10s', for: '30s', match: '^sd' },
  { metric: 'net.rx_bytes_per_s', threshold: 1e9, window: '10s' },
];

export async function benchAlerts(): Promise<void> {
  const rules = compileRules(RULES, 'bench');
  const sysUs: number[] = [];
  const procUs: number[] = [];
  let evals = 0;
  for (let run = 0; run < 5; run++) {
    const rnd = prng(run + 1);
    const engine = new AlertEngine(rules);
    const w = new HistoryWindow();
    const procs = syntheticProcs(1000, 1000, rnd);
    let sys = 0n;
    let proc = 0n;
    let nSys = 0;
    let nProc = 0;
    // 120 s at 100 ms, a process table every second.
    for (let i = 1; i <= 1200; i++) {
      const s: Snapshot = syntheticSnapshot(i * 100, 1.7e12 + i * 100, 100, { cores: 2, ifaces: 3, disks: 4, mounts: 6 }, rnd);
      if (i % 10 === 0) {
        s.procs = procs.map((p) => ({ ...p, cpu_pct: p.pid === 1000 ? 99 : p.cpu_pct }));
        s.procs_interval_ms = 1000;
      }
      w.push(s);
      const t0 = process.hrtime.bigint();
      engine.onSnapshot(s, w);
      const dt = process.hrtime.bigint() - t0;
      if (s.procs === null) {
        sys += dt;
        nSys++;
      } else {
        proc += dt;
        nProc++;
      }
    }
    sysUs.push(Number(sys) / 1e3 / nSys);
    procUs.push(Number(proc) / 1e3 / nProc);
    evals = engine.evaluations;
  }
  const procTick = median(procUs);
  console.log(`alerts: ${rules.length} rules, 1000 processes, ${evals} evaluations per 120 s run`);
  console.log(`  system tick (no process table): ${fmt(median(sysUs), 1)} µs median (runs ${sysUs.map((x) => fmt(x, 1)).join(', ')})`);
  console.log(`  process tick (1000 processes):  ${fmt(procTick, 1)} µs median (runs ${procUs.map((x) => fmt(x, 1)).join(', ')})`);
  console.log(`  = ${fmt((100 * (procTick + 9 * median(sysUs))) / 1e6, 3)} % of a core at 100 ms / 1 s ticks (target < 1 %)`);
}

if (require.main === module) void benchAlerts();
