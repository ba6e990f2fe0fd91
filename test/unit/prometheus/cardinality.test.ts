import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { selectProcs } from '../../../src/export/prometheus/proc-select';
import type { ProcSample, ProcSnap } from '../../../src/model';
import { HOST, parseExposition, proc, procSnap, sample, snapshot } from '../../helpers/prometheus';

const snapsOf = (rows: ProcSnap[]) => new Map(rows.map((s) => [s.pid, s]));

t.test('selection: top N by CPU ∪ top N by RSS ∪ matches, ties by pid, idle never by CPU', async (t) => {
  const procs = [
    proc(10, { rss_bytes: 100 }), proc(11, { rss_bytes: 500 }), proc(12, { rss_bytes: 500 }), proc(13, { rss_bytes: 0 }),
    proc(14, { rss_bytes: 0, comm: 'postgres', cmdline: '' }), proc(15, { rss_bytes: 1, comm: 'python3', cmdline: 'python3 /srv/app.py' }),
    proc(16, { rss_bytes: 0 }),
  ];
  const cpu = [5, 0, 0, 80, 0, 0, null];
  const snaps = snapsOf(procs.map((p, i) => procSnap(p, cpu[i])));
  const pids = (top: number, match: RegExp | null) => selectProcs(procs, snaps, { top, match }).map((r) => r.proc.pid);
  t.same(pids(1, null), [11, 13], 'top CPU is 13, top RSS is 11 (tie with 12 broken by pid)');
  t.same(pids(2, null), [10, 11, 12, 13], 'CPU: 13, 10; RSS: 11, 12');
  t.same(pids(0, null), [], '--proc-top 0 exports no process unless matched');
  t.same(pids(0, /^postgres$/), [14], 'matched by comm');
  t.same(pids(0, /app\.py/), [15], 'matched by command line');
  t.same(pids(0, /^p1[01]$/g), [10, 11], 'a g-flag regex does not skip processes through lastIndex');
  t.same(pids(100, null), [10, 11, 12, 13, 15], 'idle processes without memory never make a top set, however large N is');
  const rows = selectProcs(procs, snaps, { top: 1, match: null });
  t.equal(rows.find((r) => r.proc.pid === 13)?.snap?.cpu_pct, 80, 'each row carries its derived row');
});

/** Independent of the implementation: sort everything, take the heads. */
function expected(procs: ProcSample[], cpu: Map<number, number>, n: number, match: RegExp | null): Set<number> {
  const byCpu = procs.filter((p) => (cpu.get(p.pid) ?? 0) > 0).sort((a, b) => cpu.get(b.pid)! - cpu.get(a.pid)! || a.pid - b.pid);
  const byRss = procs.filter((p) => p.rss_bytes > 0).sort((a, b) => b.rss_bytes - a.rss_bytes || a.pid - b.pid);
  const out = new Set([...byCpu.slice(0, n), ...byRss.slice(0, n)].map((p) => p.pid));
  if (match) for (const p of procs) if (match.test(p.comm)) out.add(p.pid);
  return out;
}

t.test('1,000 processes churning: every scrape exports exactly the bounded set, and leavers are gone', async (t) => {
  const N = 20;
  const m = new PrometheusMetrics({ host: HOST, procTop: N, procMatch: /^keeper$/ });
  let seed = 12345;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let nextPid = 1000;
  let live: ProcSample[] = [proc(2, { comm: 'keeper', rss_bytes: 1 })];
  while (live.length < 1000) live.push(proc(nextPid++, { rss_bytes: Math.floor(rnd() * 1e9) }));
  const everExported = new Set<number>();
  let maxExported = 0;
  let maxLines = 0;
  let prevExported = new Set<number>();
  for (let round = 0; round < 60; round++) {
    // 10% of the processes exit and as many start; every process's CPU and RSS move.
    live = live.filter((p) => p.comm === 'keeper' || rnd() > 0.1);
    while (live.length < 1000) live.push(proc(nextPid++, { rss_bytes: Math.floor(rnd() * 1e9) }));
    live = live.map((p) => ({ ...p, rss_bytes: p.comm === 'keeper' ? 1 : Math.max(0, Math.floor(p.rss_bytes * (0.8 + rnd() * 0.4))) }));
    const cpu = new Map(live.map((p) => [p.pid, rnd() < 0.7 ? 0 : rnd() * 100]));
    m.update(sample({ procs: live, monoNs: BigInt(round + 1) * 1_000_000_000n }), snapshot(live.map((p) => procSnap(p, cpu.get(p.pid)!))));
    const text = await m.metrics();
    const e = parseExposition(text);
    const want = expected(live, cpu, N, /^keeper$/);
    for (const fam of ['vigil_process_cpu_seconds_total', 'vigil_process_resident_memory_bytes', 'vigil_process_threads']) {
      const got = new Set(e.series.filter((s) => s.name === fam).map((s) => Number(s.labels.pid)));
      if (got.size !== want.size || [...got].some((p) => !want.has(p))) {
        t.fail(`round ${round}: ${fam} exports ${[...got].sort()} instead of ${[...want].sort()}`);
        return;
      }
    }
    const exported = new Set(e.series.filter((s) => s.name.startsWith('vigil_process_')).map((s) => Number(s.labels.pid)));
    for (const gone of prevExported) {
      if (!want.has(gone) && exported.has(gone)) t.fail(`round ${round}: pid ${gone} left the set but still has series`);
    }
    prevExported = exported;
    for (const p of exported) everExported.add(p);
    maxExported = Math.max(maxExported, exported.size);
    maxLines = Math.max(maxLines, e.series.length);
  }
  t.ok(maxExported <= 2 * N + 1, `at most 2N + matched processes per scrape (max seen ${maxExported})`);
  t.ok(everExported.size > 4 * N, `the set really churned (${everExported.size} distinct pids exported over 60 rounds)`);
  // 15 families, cpu and ctx switches with 2 series each: 17 series per process at most, plus system series.
  t.ok(maxLines < (2 * N + 1) * 17 + 200, `scrape size bounded (max ${maxLines} series)`);
  t.comment(`1,000 procs × 60 rounds: max ${maxExported} processes, max ${maxLines} series per scrape, ${everExported.size} distinct pids over time`);
});
