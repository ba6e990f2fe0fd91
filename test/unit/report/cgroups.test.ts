/**
 * The report's cgroups on the schema-v4 fixture recordings, against two independent readings of the same
 * file: `vigil export --table cgroups` (the rows a user checks a figure against), and the recorded raw
 * counters themselves (100 × Δusage_µs / Δt_µs between two reads of the tier, computed here in BigInt).
 * Older recordings have no cgroup part at all; a counter reset is a gap, never a spike or a negative.
 */
import * as path from 'path';
import { Writable } from 'stream';
import t from 'tap';
import { runExport } from '../../../src/commands/export';
import { sampleRange } from '../../../src/commands/range';
import { deriveCgroups } from '../../../src/derive/cgroups';
import type { CgroupSample, CgroupTable } from '../../../src/model/cgroups';
import { CgroupCollector } from '../../../src/report/cgroups';
import { collect, ReportData } from '../../../src/report/data';
import { decodeSeries } from '../../../src/report/encode';
import { Block, SeriesRef } from '../../../src/report/series-set';
import { Recording } from '../../../src/store/recording/reader';
import { FIXTURES } from '../../helpers/paths';

const REC = path.join(FIXTURES, 'recordings');

function report(name: string): ReportData {
  const rec = Recording.open(path.join(REC, `${name}.vigil`));
  try {
    const r = sampleRange(rec, undefined, undefined)!;
    return collect(rec, { file: name, fromT: r.fromT, toT: r.toT, fromS: r.fromS, toS: r.toS, version: 't' });
  } finally {
    rec.close();
  }
}

const values = (block: Uint8Array, ref: SeriesRef): number[] => {
  const out = new Float64Array(ref.c);
  decodeSeries(block, ref.o, ref.o + ref.n, ref.c, ref.s, out);
  return [...out];
};

/** A group's series over the whole axis (NaN before it began and after it ended), as the page builds it. */
function onAxis(block: Uint8Array, ref: SeriesRef, len: number): number[] {
  const v = values(block, ref);
  return Array.from({ length: len }, (_, i) => (i >= ref.at && i - ref.at < v.length ? v[i - ref.at] : NaN));
}

interface CgRow { t: number; interval_ms: number | null; path: string; name: string; cpu_pct: number | null; mem_current_bytes: number | null; cpu_throttled_pct: number | null; oom_kills: number | null; mem_max_bytes: number | null }

async function exportRows(name: string): Promise<CgRow[]> {
  let text = '';
  const sink = new Writable({ write(chunk, _enc, cb) { text += chunk; cb(); } });
  await runExport({ file: path.join(REC, `${name}.vigil`), table: 'cgroups', format: 'json' }, sink);
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as CgRow);
}

t.test('schema-v4-synth: every drawn group\'s series are export\'s figures, on the tier\'s reads', async (t) => {
  const { meta, block } = report('schema-v4-synth');
  const C = meta.cgroups!;
  t.ok(C !== null, 'a cgroup part');
  const rows = await exportRows('schema-v4-synth');
  const times = [...new Set(rows.map((r) => r.t))];
  const axis = values(block, C.t);
  t.same(axis, times, 'one point per read of the tier export has rows for');
  t.equal(C.groups, new Set(rows.map((r) => r.path)).size, 'every group counted, the root included');
  t.equal(C.top_n, 8);
  t.notOk(C.list.some((g) => g.path === '/'), 'the root is not ranked');
  t.equal(C.tops.cpu.length, 6, 'the slice and five services by CPU');
  t.equal(C.tops.mem.length, 6, 'and by memory');
  t.same(C.ranked, { cpu: 6, mem: 6 }, 'of as many with a figure');
  let compared = 0;
  for (const g of C.list) {
    t.equal(g.name, rows.find((r) => r.path === g.path)!.name, `${g.path}: export's name (${g.name})`);
    const cpu = onAxis(block, g.series.cpu, axis.length);
    const mem = onAxis(block, g.series.mem, axis.length);
    const thr = onAxis(block, g.series.thr, axis.length);
    let worst = 0;
    axis.forEach((tm, i) => {
      const r = rows.find((x) => x.t === tm && x.path === g.path);
      for (const [got, want, tol] of [[cpu[i], r?.cpu_pct, 0.005], [thr[i], r?.cpu_throttled_pct, 0.005], [mem[i], r?.mem_current_bytes, 512]] as const) {
        if (want === null || want === undefined) {
          if (!Number.isNaN(got)) t.fail(`${g.path} at ${tm}: ${got} where export has no value`);
        } else {
          compared++;
          worst = Math.max(worst, Math.abs(got - want) / tol);
        }
      }
    });
    t.ok(worst <= 1 + 1e-4, `${g.path}: every point within quantisation of export (worst ${worst.toFixed(3)} of the tolerance)`);
    // Totals: CPU seconds as Σ rate × interval of export's rows, OOM kills their sum, peak memory their max.
    const mine = rows.filter((r) => r.path === g.path);
    const cpuS = mine.reduce((a, r) => a + (r.cpu_pct === null || r.interval_ms === null ? 0 : (r.cpu_pct / 100) * (r.interval_ms / 1000)), 0);
    t.ok(Math.abs(g.totals.cpu_s - cpuS) < 1e-6, `${g.path}: ${g.totals.cpu_s.toFixed(4)} CPU seconds, export's ${cpuS.toFixed(4)}`);
    t.equal(g.totals.oom_kills, mine.reduce((a, r) => a + (r.oom_kills ?? 0), 0), `${g.path}: OOM kills`);
    t.equal(g.totals.mem_peak_bytes, Math.max(...mine.map((r) => r.mem_current_bytes ?? 0)), `${g.path}: peak memory`);
    t.equal(g.totals.mem_limit_bytes, mine[mine.length - 1].mem_max_bytes, `${g.path}: memory limit at the last read`);
  }
  t.ok(compared > 1000, `${compared} points compared`);
  // The rankings follow the totals.
  const byCpu = C.tops.cpu.map((i) => C.list[i].totals.cpu_s);
  t.same(byCpu, [...byCpu].sort((a, b) => b - a), 'CPU ranking in order of CPU seconds');
  const svc0 = C.list.find((g) => g.path === '/system.slice/svc0.service')!;
  t.equal(svc0.totals.cpu_limit_cores, 0.5, 'the quota: half a core');
  t.ok(svc0.totals.thr_avg_pct! > 0, `and it was throttled (${svc0.totals.thr_avg_pct!.toFixed(1)}%)`);
  // svc2 is gone for ten reads: no values there, and none of its figures is carried over the hole.
  const svc2 = C.list.find((g) => g.path === '/system.slice/svc2.service')!;
  const holes = onAxis(block, svc2.series.mem, axis.length).filter((v) => Number.isNaN(v)).length;
  t.ok(holes >= 10, `svc2's memory line has ${holes} gaps (closed for 10 reads)`);
});

t.test('schema-v4-synth: CPU % from the recorded counters, computed independently', async (t) => {
  const { meta, block } = report('schema-v4-synth');
  const C = meta.cgroups!;
  const axis = values(block, C.t);
  const rec = Recording.open(path.join(REC, 'schema-v4-synth.vigil'));
  t.teardown(() => rec.close());
  const expect = new Map<string, Map<number, number>>();
  let last: CgroupTable | null = null;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s, { procs: false, conns: false, cgroups: true })) {
    const tab = p.curr.cgroups ?? null;
    if (tab === null || tab === last) continue;
    if (last !== null && p.prev !== null) {
      const dtUs = (tab.mono_ns - last.mono_ns) / 1000n;
      const before = new Map(last.groups.map((g): [string, CgroupSample] => [g.path, g]));
      for (const g of tab.groups) {
        const b = before.get(g.path);
        if (b === undefined || b.cpu_usage_usec === null || g.cpu_usage_usec === null) continue;
        const d = BigInt(g.cpu_usage_usec) - BigInt(b.cpu_usage_usec);
        if (d < 0n) continue;
        if (!expect.has(g.path)) expect.set(g.path, new Map());
        expect.get(g.path)!.set(p.curr.t, (100 * Number(d)) / Number(dtUs));
      }
    }
    last = tab;
  }
  for (const i of C.tops.cpu) {
    const g = C.list[i];
    const cpu = onAxis(block, g.series.cpu, axis.length);
    const want = expect.get(g.path)!;
    let n = 0;
    let worst = 0;
    axis.forEach((tm, k) => {
      const w = want.get(tm);
      if (w === undefined) t.ok(Number.isNaN(cpu[k]), `${g.path} at ${tm}: no value`);
      else (n++, (worst = Math.max(worst, Math.abs(cpu[k] - w))));
    });
    t.ok(n > 100 && worst <= 0.005 + 1e-6, `${g.path}: ${n} points, within a hundredth of 100 × Δusage / Δt (worst ${worst.toFixed(4)})`);
  }
});

t.test('schema-v4 (recorded on this machine): groups without CPU figures are ranked by memory only', async (t) => {
  const { meta, block } = report('schema-v4');
  const C = meta.cgroups!;
  t.ok(C !== null && C.t.c > 0, 'reads of the tier');
  const rows = await exportRows('schema-v4');
  const byMem = rows.filter((r) => r.path !== '/' && (r.mem_current_bytes ?? 0) > 0);
  const cpuGroups = new Set(rows.filter((r) => r.path !== '/' && (r.cpu_pct ?? 0) > 0).map((r) => r.path));
  t.equal(C.tops.cpu.length, Math.min(8, cpuGroups.size), 'by CPU: the groups export gives CPU for');
  t.equal(C.ranked.cpu, cpuGroups.size);
  t.equal(C.tops.mem.length, Math.min(8, new Set(byMem.map((r) => r.path)).size), 'by memory: those with memory');
  const top = C.list[C.tops.mem[0]];
  const peak = Math.max(...byMem.map((r) => r.mem_current_bytes!));
  t.equal(top.totals.mem_peak_bytes, peak, `first by memory is the group with export's highest memory (${top.name})`);
  for (const g of C.list) {
    for (const v of values(block, g.series.mem)) t.ok(Number.isNaN(v) || (Number.isFinite(v) && v >= 0), `${g.path}: ${v}`);
  }
});

t.test('recordings before schema 4 have no cgroup part', async (t) => {
  for (const v of ['schema-v1', 'schema-v2', 'schema-v3', 'schema-v3-synth']) t.equal(report(v).meta.cgroups, null, v);
});

t.test('a counter that goes backwards, a first read and a zero interval give gaps, never a spike', async (t) => {
  const group = (usage: number, periods: number, throttled: number, oom: number): CgroupSample => ({
    path: '/a.service', depth: 1, cpu_usage_usec: usage, cpu_user_usec: null, cpu_system_usec: null,
    nr_periods: periods, nr_throttled: throttled, throttled_usec: null, cpu_quota_usec: 50_000, cpu_period_usec: 100_000,
    mem_current_bytes: 1 << 20, mem_peak_bytes: null, mem_max_bytes: null, mem_high_bytes: null, mem_limited: false,
    mem_anon_bytes: null, mem_file_bytes: null, mem_kernel_bytes: null, mem_inactive_file_bytes: null,
    oom: null, oom_kill: oom, io: null, pids_current: null, pids_max: null, psi: { cpu: null, memory: null, io: null },
  });
  const tab = (s: number, g: CgroupSample): CgroupTable => ({ mono_ns: BigInt(s) * 1_000_000_000n, layout: 'v2', groups: [g], truncated: false });
  // One read a second: 10% of a core, a reset (the group made again), 10% again; the last read 0 s after.
  const reads = [tab(1, group(0, 0, 0, 0)), tab(2, group(100_000, 10, 1, 0)), tab(3, group(200_000, 20, 2, 1)), tab(4, group(50, 0, 0, 0)), tab(5, group(100_050, 10, 5, 0)), tab(5, group(100_060, 10, 5, 0))];
  const c = new CgroupCollector();
  let prev: CgroupTable | null = null;
  for (const [k, r] of reads.entries()) {
    c.add(1000 * (k + 1), prev === null ? null : Number(r.mono_ns - prev.mono_ns) / 1e6, deriveCgroups(prev, r));
    prev = r;
  }
  const block = new Block();
  const meta = c.write(block, 8);
  const bytes = block.bytes();
  const g = meta.list[0];
  const cpu = values(bytes, g.series.cpu);
  const thr = values(bytes, g.series.thr);
  t.same(cpu.map((v) => (Number.isNaN(v) ? null : v)), [null, 10, 10, null, 10, null], 'CPU %: gaps at the first read, the reset and the zero interval');
  t.same(thr.map((v) => (Number.isNaN(v) ? null : v)), [null, 10, 10, null, 50, null], 'throttled %: likewise');
  t.ok(Math.abs(g.totals.cpu_s - 0.3) < 1e-9, `CPU seconds over the three intervals with a rate: ${g.totals.cpu_s}`);
  t.ok(Math.abs(g.totals.cpu_avg_pct! - 10) < 1e-9, 'average: 10% of a core');
  t.equal(g.totals.cpu_peak_pct, 10);
  t.equal(g.totals.oom_kills, 1, 'the reset is not counted as kills');
  t.ok(Math.abs(g.totals.thr_avg_pct! - (10 + 10 + 50) / 3) < 1e-9, 'throttled averaged over the intervals that had it');
  t.equal(g.totals.cpu_limit_cores, 0.5);
});
