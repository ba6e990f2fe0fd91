/**
 * serve derives at each tick only the process fields it reads (deriveProcs with procGroups of its
 * rules' fields and cpu_pct), and /metrics derives the whole row of the processes it exports when scraped
 * (deriveProcRows). Over generated runs of process tables (processes sleeping, running, with /proc/PID/io
 * and connections-tier reads, starting, exiting, reusing a pid, listed out of order or twice), derived in
 * both ways on the very same table objects (so each way's kept snapshots meet the other's):
 * - the named fields and the identity are what the full derive gives, tick after tick;
 * - deriveProcRows gives, for any subset of the table, the full derive's rows;
 * - a scrape of PrometheusMetrics fed the reduced Snapshot is byte for byte the scrape fed the full one,
 *   with a per-process family that prints every field of each exported row's derived figures.
 */
import fc from 'fast-check';
import t from 'tap';
import { ALL_PROC_GROUPS, deriveProcRows, deriveProcs, procGroups } from '../../src/derive/derive';
import { PrometheusMetrics } from '../../src/export/prometheus/metrics';
import type { ProcSample, ProcSnap, ProcTable, Sample, Snapshot } from '../../src/model';
import { HOST, proc, sample } from '../helpers/samples';

const N = 16;
const MEM = 1_024_000;
/** Per tick: the connections tier read again (every other tick or so), and the slow tier. */
interface Step {
  fate: number[];
  shuffled: boolean;
  twice: number | null;
  conns: boolean;
  slow: boolean;
  seed: number;
}
const step = fc.record({
  // Per pid 1..N: 0 gone, 1 asleep (the same sample object), 2 ran, 3 a new process on that pid.
  fate: fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.constant(2), fc.integer({ min: 0, max: 3 })), { minLength: N, maxLength: N }),
  shuffled: fc.boolean(),
  twice: fc.option(fc.integer({ min: 0, max: N - 1 }), { freq: 5 }),
  conns: fc.boolean(),
  slow: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
});

function tables(steps: Step[]): ProcTable[] {
  const live = new Map<number, ProcSample>();
  let start = 100;
  return steps.map((s, k) => {
    const mono = BigInt(k + 1) * 1_000_000_000n;
    for (let pid = 1; pid <= N; pid++) {
      const f = s.fate[pid - 1];
      const had = live.get(pid);
      const x = (s.seed >> (pid % 13)) & 0xfffff;
      if (f === 0) live.delete(pid);
      else if (f === 3 || had === undefined) {
        // Some without schedstat (the utime + stime path).
        live.set(pid, proc(pid, start++, { run_ns: pid % 4 === 0 ? null : 1000 * k, wait_ns: pid % 4 === 0 ? null : 10, rss_bytes: 4096 * pid }));
      } else if (f === 2) {
        const slow = s.slow ? { mono_ns: mono, rchar: x * 3, wchar: x, read_bytes: x * 2, write_bytes: x & 0xff, fds: pid } : had.slow;
        const tcp = s.conns
          ? { mono_ns: mono, since_ns: pid % 5 === 0 ? mono - 1n : 0n, tx_bytes: x * 7 + k, rx_bytes: x + k, retrans: pid % 3, conns: pid % 4 }
          : had.tcp;
        live.set(pid, {
          ...had, run_ns: had.run_ns === null ? null : (had.run_ns as number) + 5_000_000 + x, wait_ns: had.wait_ns === null ? null : (had.wait_ns as number) + x,
          utime: (had.utime as number) + (x & 7), stime: (had.stime as number) + 1, minflt: (had.minflt as number) + x, majflt: (had.majflt as number) + (x & 3),
          timeslices: (had.timeslices as number) + 2, rss_bytes: had.rss_bytes + 4096 * (x & 15),
          slow, slow_prev: slow === had.slow ? had.slow_prev : had.slow, tcp, tcp_prev: tcp === had.tcp ? had.tcp_prev : had.tcp,
        });
      }
    }
    const list = [...live.values()].sort((a, b) => (String(a.pid) < String(b.pid) ? -1 : 1));
    if (s.shuffled) {
      let y = s.seed;
      for (let i = list.length - 1; i > 0; i--) {
        y = (y * 1103515245 + 12345) & 0x7fffffff;
        const j = y % (i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
    }
    if (s.twice !== null && list.length > 0) list.splice(s.seed % (list.length + 1), 0, list[s.twice % list.length]);
    return { mono_ns: mono, procs: list };
  });
}

/** The fields a rule may read (the process series) and the top-N ranking's. */
const FIELD_SETS: string[][] = [['cpu_pct'], ['wait_pct'], ['rss_bytes'], ['read_bytes_per_s', 'cpu_pct'], ['minflt_per_s'], ['majflt_per_s', 'fds'], ['tcp_rx_bytes_per_s'], []];
const IDENTITY = ['pid', 'start_time', 'comm', 'cmdline', 'user', 'uid'] as const;

const pick = (s: ProcSnap, fields: readonly string[]): Record<string, unknown> =>
  Object.fromEntries([...IDENTITY, ...fields].map((f) => [f, (s as unknown as Record<string, unknown>)[f]]));

t.test('procGroups: a field it does not know asks for everything', async (t) => {
  t.equal(procGroups(null), ALL_PROC_GROUPS);
  t.equal(procGroups(['no_such_field']), ALL_PROC_GROUPS);
  t.equal(procGroups([]), 0);
  t.ok(procGroups(['cpu_pct']) !== ALL_PROC_GROUPS && procGroups(['cpu_pct']) > 0);
});

t.test('the named fields, and the rows derived whole, are the full derive\'s, tick after tick', async (t) => {
  let compared = 0;
  let moved = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 2, maxLength: 10 }), fc.integer({ min: 0, max: FIELD_SETS.length - 1 }), fc.integer({ min: 0, max: 1 << 20 }), (steps, fi, mask) => {
      const ts = tables(steps);
      const fields = FIELD_SETS[fi];
      const want = procGroups(fields);
      for (let k = 1; k < ts.length; k++) {
        // Reduced first on some ticks, full first on others: each way's kept snapshots are seen by the other.
        const first = (k + mask) % 2 === 0;
        const lean0 = first ? deriveProcs(ts[k - 1], ts[k], HOST, MEM, want) : null;
        const full = deriveProcs(ts[k - 1], ts[k], HOST, MEM) as ProcSnap[];
        const lean = lean0 ?? deriveProcs(ts[k - 1], ts[k], HOST, MEM, want);
        if (lean === null) return false;
        for (let i = 0; i < full.length; i++) {
          if (JSON.stringify(pick(lean[i], fields)) !== JSON.stringify(pick(full[i], fields))) {
            t.same(pick(lean[i], fields), pick(full[i], fields), `tick ${k}, row ${i}: the named fields`);
            return false;
          }
          compared++;
          if (full[i].cpu_pct !== null && full[i].cpu_pct! > 0) moved++;
        }
        // Any subset, derived whole.
        const idx = ts[k].procs.map((_, i) => i).filter((i) => ((mask >> (i % 20)) & 1) === 1);
        const whole = deriveProcRows(ts[k - 1], ts[k], idx, HOST, MEM);
        for (let j = 0; j < idx.length; j++) {
          if (JSON.stringify(whole[j]) !== JSON.stringify(full[idx[j]])) {
            t.same(whole[j], full[idx[j]], `tick ${k}: row ${idx[j]} derived whole`);
            return false;
          }
        }
      }
      return true;
    }),
    { numRuns: 400 },
  );
  t.ok(compared > 1000 && moved > 100, `${compared} rows compared, ${moved} with CPU use`);
});

/** A Sample around a process table (MemTotal 1000 kB in the helper's meminfo). */
function sampleOf(table: ProcTable): Sample {
  const monoMs = Number(table.mono_ns) / 1e6;
  return sample({ monoMs, procs: { monoMs, list: table.procs } });
}

t.test('a scrape fed the reduced Snapshot is byte for byte the scrape fed the full one', async (t) => {
  const { derive } = await import('../../src/derive/derive');
  let scrapes = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (steps, top) => {
      const ts = tables(steps);
      const samples = ts.map(sampleOf);
      const make = (): PrometheusMetrics => {
        const m = new PrometheusMetrics({ host: HOST, procTop: top, procMatch: /p1\b/ });
        // An extension family that prints every field of each exported row's derived figures.
        m.addProcFamily({
          name: 'test_row', help: 'every derived field', type: 'gauge', extraLabels: ['field'],
          *series(row) {
            for (const [f, v] of Object.entries(row.snap ?? {})) yield [{ field: f }, typeof v === 'number' ? v : v === null ? -1 : String(v).length];
          },
        });
        return m;
      };
      const full = make();
      const lean = make();
      const parts = { cores: false, net: false, disks: false, fs: false, procs: true, conns: false, procFields: ['cpu_pct'] };
      full.update(samples[0], null);
      lean.update(samples[0], null);
      for (let k = 1; k < samples.length; k++) {
        const a: Snapshot = derive(samples[k - 1], samples[k], HOST);
        const b: Snapshot = derive(samples[k - 1], samples[k], HOST, parts);
        full.update(samples[k], a);
        lean.update(samples[k], b);
        const x = await full.metrics();
        const y = await lean.metrics();
        scrapes++;
        if (x.replace(/^(node_scrape_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 X') !== y.replace(/^(node_scrape_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 X')) {
          t.equal(y, x, `tick ${k}`);
          return false;
        }
      }
      return true;
    }),
    { numRuns: 60 },
  );
  t.ok(scrapes > 60, `${scrapes} scrapes compared`);
});
