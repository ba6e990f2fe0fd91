/**
 * deriveProcs finds a process's previous sample by walking the previous table beside the current one,
 * and hands back last tick's snapshot for a process that did not run. The reference is the pid index on
 * copies of the same tables (no walk, no sample seen before): over generated runs of tables where
 * processes sleep, run, start, exit, reuse a pid, are listed out of order or twice, the two must give
 * equal snapshots, tick after tick.
 */
import fc from 'fast-check';
import t from 'tap';
import { deriveProcs } from '../../src/derive/derive';
import type { ProcSample, ProcSnap, ProcTable } from '../../src/model';
import { HOST, proc } from '../helpers/samples';

interface Step {
  /** Per pid 1..N: 0 gone, 1 asleep (the same sample object), 2 ran, 3 a new process on that pid. */
  fate: number[];
  order: 'listed' | 'shuffled';
  twice: number | null;
  seed: number;
}

const N = 14;
const step = fc.record({
  fate: fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.constant(1), fc.integer({ min: 0, max: 3 })), { minLength: N, maxLength: N }),
  order: fc.oneof(fc.constant<'listed'>('listed'), fc.constant<'listed'>('listed'), fc.constant<'shuffled'>('shuffled')),
  twice: fc.option(fc.integer({ min: 0, max: N - 1 }), { freq: 6 }),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
});

/** /proc's order: by the decimal name. */
const listed = (a: ProcSample, b: ProcSample): number => (String(a.pid) < String(b.pid) ? -1 : 1);

function tables(steps: Step[]): ProcTable[] {
  const live = new Map<number, ProcSample>();
  let start = 100;
  return steps.map((s, k) => {
    for (let pid = 1; pid <= N; pid++) {
      const f = s.fate[pid - 1];
      const had = live.get(pid);
      if (f === 0) live.delete(pid);
      else if (f === 3 || had === undefined) live.set(pid, proc(pid, start++, { run_ns: 1000 * k, rss_bytes: 4096 * pid }));
      else if (f === 2) live.set(pid, { ...had, run_ns: (had.run_ns as number) + 5_000_000 + pid, utime: (had.utime as number) + 1 });
    }
    const list = [...live.values()].sort(listed);
    if (s.order === 'shuffled') {
      let x = s.seed;
      for (let i = list.length - 1; i > 0; i--) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        const j = x % (i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
    }
    if (s.twice !== null && list.length > 0) list.splice(s.seed % (list.length + 1), 0, list[s.twice % list.length]);
    return { mono_ns: BigInt(k + 1) * 100_000_000n, procs: list };
  });
}

const copy = (x: ProcTable): ProcTable => structuredClone(x);

t.test('walked and indexed derive agree over generated runs of tables', async (t) => {
  let reused = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 2, maxLength: 12 }), (steps) => {
      const ts = tables(steps);
      let before: ProcSnap[] | null = null;
      for (let k = 1; k < ts.length; k++) {
        const walked = deriveProcs(ts[k - 1], ts[k], HOST, 1_000_000);
        const indexed = deriveProcs(copy(ts[k - 1]), copy(ts[k]), HOST, 1_000_000);
        t.same(walked, indexed, `tick ${k}`);
        if (before !== null && walked !== null) for (const s of walked) if (before.includes(s)) reused++;
        before = walked;
      }
    }),
    { numRuns: 300 },
  );
  t.ok(reused > 0, `${reused} snapshots handed on from the tick before`);
});

t.test('an unchanged process keeps its snapshot object; one that ran gets a new one', async (t) => {
  const a = proc(5, 100);
  const b = proc(7, 101);
  const b2 = { ...b, run_ns: 9_000_000 };
  const t1: ProcTable = { mono_ns: 100_000_000n, procs: [a, b] };
  const t2: ProcTable = { mono_ns: 200_000_000n, procs: [a, b] };
  const t3: ProcTable = { mono_ns: 300_000_000n, procs: [a, b2] };
  const t4: ProcTable = { mono_ns: 400_000_000n, procs: [a, b2] };
  deriveProcs(null, t1, HOST, 1000);
  const s2 = deriveProcs(t1, t2, HOST, 1000)!;
  const s3 = deriveProcs(t2, t3, HOST, 1000)!;
  const s4 = deriveProcs(t3, t4, HOST, 1000)!;
  t.equal(s3[0], s2[0], 'asleep: the same snapshot');
  t.not(s3[1], s2[1], 'ran: a new snapshot');
  t.equal(s3[1].cpu_pct, 9, 'Δrun_ns 9 ms over 100 ms');
  t.equal(s4[1].cpu_pct, 0, 'asleep again');
  t.equal(s4[0], s2[0], 'still the same snapshot');
  // Another MemTotal changes mem_pct: no snapshot is handed on.
  const t5: ProcTable = { mono_ns: 500_000_000n, procs: [a, b2] };
  const s5 = deriveProcs(t4, t5, HOST, 2000)!;
  t.not(s5[0], s4[0]);
  t.equal(s5[0].mem_pct, (100 * 4096) / 2000, 'rss over the new MemTotal');
});
