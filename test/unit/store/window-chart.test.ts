/**
 * Chart series: the last minute at sample resolution from the raw ring, older spans from buckets, gaps
 * as nulls, always exactly `points` values.
 */
import t from 'tap';
import fc from 'fast-check';
import { HistoryWindow, procSubject } from '../../../src/store/window';
import type { Snapshot } from '../../../src/model';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';

function snap(mono: number, interval: number, cpu: number | null): Snapshot {
  const s = blankSnapshot(mono, 1.7e12 + mono, interval);
  s.cpu.cpu_pct = cpu;
  return s;
}

const iface = (name: string, rx: number | null) => ({ iface: name, rx_bytes_per_s: rx, tx_bytes_per_s: 0, rx_packets_per_s: 0, tx_packets_per_s: 0, rx_errs_per_s: 0, tx_errs_per_s: 0, rx_drop_per_s: 0, tx_drop_per_s: 0 });

const near = (a: number | null, b: number): boolean => a !== null && Math.abs(a - b) < 1e-9;

t.test('always `points` values; no data is all null', async (t) => {
  const w = new HistoryWindow();
  t.same(w.chart('cpu.total_pct', '', 60, 4), [null, null, null, null], 'empty window');
  w.push(snap(1000, 100, 5));
  t.same(w.chart('cpu.total_pct', '', 60, 0), []);
  t.same(w.chart('cpu.total_pct', '', 60, -3), []);
  t.same(w.chart('cpu.total_pct', '', 60, 2.7), [null, 5], 'fractional points round down');
  t.same(w.chart('mem.used_pct', '', 60, 3), [null, null, null], 'a series with no values');
  t.same(w.chart('cpu.total_pct', '', NaN, 3), [null, null, null]);
});

t.test('the last minute at sample resolution, older spans per bucket', async (t) => {
  const w = new HistoryWindow();
  // 100 ms samples alternating 0 / 100 for two minutes.
  let i = 0;
  for (let m = 100; m <= 120_000; m += 100) w.push(snap(m, 100, i++ % 2 === 0 ? 0 : 100));
  const fine = w.chart('cpu.total_pct', '', 6, 60);
  t.equal(fine.length, 60);
  t.ok(fine.every((v, k) => near(v, k % 2 === 0 ? 0 : 100)), 'one column per sample shows the alternation');
  const coarse = w.chart('cpu.total_pct', '', 120, 60);
  t.ok(coarse.slice(1).every((v) => near(v, 50)), `2 s columns from 1 s buckets average to 50 (${coarse.slice(0, 4)})`);
  const wide = w.chart('cpu.total_pct', '', 60, 30);
  t.ok(wide.every((v) => near(v, 50)), '2 s columns from the ring average too');
});

t.test('a gap shows as nulls, from the ring and from buckets', async (t) => {
  const w = new HistoryWindow();
  for (let m = 100; m <= 20_000; m += 100) w.push(snap(m, 100, 10));
  for (let m = 40_100; m <= 60_000; m += 100) w.push(snap(m, 100, 30));
  const ring = w.chart('cpu.total_pct', '', 60, 60); // ring: columns of 1 s ending at 60 000
  t.ok(ring.slice(0, 20).every((v) => near(v, 10)), 'before the pause');
  t.ok(ring.slice(20, 40).every((v) => v === null), 'the pause');
  t.ok(ring.slice(40).every((v) => near(v, 30)), 'after');
  // With a ring too small for the span, the same chart comes from buckets and shows the same shape.
  const small = new HistoryWindow({ rawSamples: 50 });
  for (let m = 100; m <= 20_000; m += 100) small.push(snap(m, 100, 10));
  for (let m = 40_100; m <= 60_000; m += 100) small.push(snap(m, 100, 30));
  const buckets = small.chart('cpu.total_pct', '', 60, 60);
  // The sample ending at exactly 20 000 belongs to second 20's bucket, which draws over all of that second.
  t.equal(buckets.filter((v) => v === null).length, 19);
  t.ok(buckets.slice(21, 40).every((v) => v === null));
  t.ok(near(buckets[5], 10) && near(buckets[50], 30));
  t.ok(near(small.chart('cpu.total_pct', '', 4, 40)[39], 30), 'the 4 s the small ring holds are still charted from it');
});

t.test('a window longer than the history leaves the older columns empty', async (t) => {
  const w = new HistoryWindow();
  for (let m = 100; m <= 30_000; m += 100) w.push(snap(m, 100, 7));
  const ch = w.chart('cpu.total_pct', '', 3600, 120);
  t.equal(ch.length, 120);
  t.equal(ch.filter((v) => v !== null).length, 1, '30 s of data in 30 s columns: one column');
  t.ok(near(ch[119], 7));
});

t.test('process charts draw fine seconds and coarse minutes as steps', async (t) => {
  const w = new HistoryWindow();
  const p = procSubject(3, 3);
  for (let sec = 0; sec < 300; sec++) {
    const s = snap(sec * 1000 + 999, 1000, null);
    s.procs = [blankProc(3, 3, { cpu_pct: sec < 120 ? 20 : 60 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  const ch = w.chart('proc.cpu_pct', p, 300, 300);
  t.equal(ch.length, 300);
  t.ok(ch.slice(2, 118).every((v) => near(v, 20)), 'first two minutes, from coarse buckets spread over their width');
  t.ok(ch.slice(122, 300).every((v) => near(v, 60)), 'then 60, coarse and fine alike');
  t.same(w.chart('proc.cpu_pct', '999:1', 300, 3), [null, null, null], 'unknown process');
});

t.test('chartSum: one walk gives the sum of the subjects, from the ring and from buckets', async (t) => {
  const fill = (w: HistoryWindow): void => {
    for (let m = 100; m <= 60_000; m += 100) {
      const s = snap(m, 100, 0);
      // eth1 appears after 30 s; eth0 varies with time.
      s.net = m <= 30_000 ? [iface('eth0', m / 100)] : [iface('eth0', m / 100), iface('eth1', 1000)];
      w.push(s);
    }
  };
  for (const [what, w] of [['ring', new HistoryWindow()], ['buckets', new HistoryWindow({ rawSamples: 50 })]] as const) {
    fill(w);
    const sum = w.chartSum('net.rx_bytes_per_s', ['eth0', 'eth1', 'nosuch'], 60, 60);
    const e0 = w.chart('net.rx_bytes_per_s', 'eth0', 60, 60);
    const e1 = w.chart('net.rx_bytes_per_s', 'eth1', 60, 60);
    t.equal(sum.length, 60, what);
    // Where every subject has values the whole column, the sum is exactly the sum of their charts.
    t.ok(sum.every((v, k) => k === 30 || near(v, (e0[k] ?? 0) + (e1[k] ?? 0))), `${what}: Σ of the per-subject charts`);
    t.ok(near(sum[0], e0[0] as number) && e1[0] === null, `${what}: before eth1 existed, eth0 alone`);
    t.same(w.chartSum('net.rx_bytes_per_s', ['nosuch'], 60, 3), [null, null, null], `${what}: no known subject`);
    t.same(w.chartSum('net.rx_bytes_per_s', [], 60, 2), [null, null], `${what}: no subject`);
  }
});

t.test('property: a chart kept up to date between calls equals one drawn afresh', async (t) => {
  type Push = { dt: number; interval: number; cpu: number | null; eth0: number | null; eth1: number | null };
  const push = fc.record({
    dt: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: 400, max: 5000 }) }),
    interval: fc.integer({ min: 1, max: 600 }),
    cpu: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    eth0: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
    eth1: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
  });
  const build = (opts: { rawSamples: number }, pushes: Push[], onPush?: (w: HistoryWindow) => void): HistoryWindow => {
    const w = new HistoryWindow(opts);
    let m = 1000.25;
    for (const p of pushes) {
      m += p.dt;
      const s = snap(m, p.interval, p.cpu);
      s.net = [];
      for (const [name, v] of [['eth0', p.eth0], ['eth1', p.eth1]] as const) if (v !== null) s.net.push(iface(name, v));
      w.push(s);
      onPush?.(w);
    }
    return w;
  };
  const same = (a: (number | null)[], b: (number | null)[]): boolean =>
    a.length === b.length && a.every((v, k) => (v === null ? b[k] === null : b[k] !== null && Math.abs(v - (b[k] as number)) <= 1e-9 * Math.max(1, Math.abs(v))));
  fc.assert(
    fc.property(fc.array(push, { minLength: 1, maxLength: 300 }), fc.integer({ min: 20, max: 1200 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 120 }), (pushes, rawSamples, seconds, points) => {
      const draw = (w: HistoryWindow) => [w.chart('cpu.total_pct', '', seconds, points), w.chartSum('net.rx_bytes_per_s', ['eth0', 'eth1'], seconds, points)];
      let kept: (number | null)[][] = [];
      build({ rawSamples }, pushes, (w) => (kept = draw(w)));
      const fresh = draw(build({ rawSamples }, pushes));
      return same(kept[0], fresh[0]) && same(kept[1], fresh[1]);
    }),
    { numRuns: 150 },
  );
  t.pass('150 random histories');
});
