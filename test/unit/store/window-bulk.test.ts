/**
 * Bulk loading for replay: pre-aggregated seconds give the same answers as the Snapshots they came from.
 */
import t from 'tap';
import { HistoryWindow, procSubject } from '../../../src/store/window';
import type { BucketCellLoad, SeriesName } from '../../../src/store/window';
import type { Snapshot } from '../../../src/model';
import { blankProc, blankSnapshot, prng } from '../../../src/store/window/synthetic';

interface Agg {
  w: number;
  s: number;
  min: number;
  max: number;
}

const close = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)));

t.test('pushBucket of aggregated seconds answers like the Snapshots themselves', async (t) => {
  const live = new HistoryWindow();
  const loaded = new HistoryWindow();
  const rnd = prng(7);
  const perSec = new Map<number, Map<string, Agg>>();
  const add = (sec: number, key: string, v: number, w: number): void => {
    let m = perSec.get(sec);
    if (m === undefined) perSec.set(sec, (m = new Map()));
    const a = m.get(key);
    if (a === undefined) m.set(key, { w, s: v * w, min: v, max: v });
    else {
      a.w += w;
      a.s += v * w;
      a.min = Math.min(a.min, v);
      a.max = Math.max(a.max, v);
    }
  };
  for (let m = 1_000_100; m < 1_200_000; m += 100) {
    const s: Snapshot = blankSnapshot(m, 1.7e12 + m, 100);
    const sec = Math.floor(m / 1000);
    s.cpu.cpu_pct = rnd() * 100;
    add(sec, 'cpu.total_pct|', s.cpu.cpu_pct, 100);
    const rx = rnd() < 0.1 ? 1e9 : rnd() * 1000;
    s.net = [{ iface: 'eth0', rx_bytes_per_s: rx, tx_bytes_per_s: null, rx_packets_per_s: null, tx_packets_per_s: null, rx_errs_per_s: null, tx_errs_per_s: null, rx_drop_per_s: null, tx_drop_per_s: null }];
    add(sec, 'net.rx_bytes_per_s|eth0', rx, 100);
    if (m % 1000 === 100) {
      const cpu = rnd() * 50;
      s.procs = [blankProc(42, 7, { comm: 'worker', cpu_pct: cpu })];
      s.procs_interval_ms = 1000;
      add(sec, `proc.cpu_pct|${procSubject(42, 7)}`, cpu, 1000);
    }
    live.push(s);
  }
  for (const [sec, m] of [...perSec].sort((a, b) => a[0] - b[0])) {
    const cells: BucketCellLoad[] = [...m].map(([key, a]) => {
      const [series, subject] = key.split('|');
      return { series: series as SeriesName, subject, w_ms: a.w, avg: a.s / a.w, min: a.min, max: a.max };
    });
    t.equal(loaded.pushBucket({ sec, wall_ms: 1.7e12 + sec * 1000, cells, procs: [{ pid: 42, start_time: 7, comm: 'worker', user: 'u', cmdline: 'w' }] }), cells.length);
  }
  const p = procSubject(42, 7);
  for (const n of [1, 10, 45, 60, 120, 200]) {
    for (const [series, subject] of [['cpu.total_pct', ''], ['net.rx_bytes_per_s', 'eth0'], ['proc.cpu_pct', p]] as [SeriesName, string][]) {
      const a = live.stats(series, subject, n);
      const b = loaded.stats(series, subject, n);
      t.ok(a !== null && b !== null && close(a.avg, b.avg) && a.min === b.min && a.max === b.max && close(a.seconds, b.seconds),
        `${series} over ${n}s: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      t.ok(close(live.avg(series, subject, n).value, loaded.avg(series, subject, n).value), `${series} avg over ${n}s`);
    }
    t.ok(close(live.delta('net.rx_bytes_per_s', 'eth0', n).value, loaded.delta('net.rx_bytes_per_s', 'eth0', n).value), `bytes over ${n}s`);
  }
  t.equal(loaded.proc(p)?.comm, 'worker', 'process names come with the load');
  t.equal(loaded.proc(p)?.alive, true);
  // Live Snapshots continue after a load. With the same newest sample, 200 s charts (from buckets in
  // both: the live ring holds 120 s) agree; charts of the last minute of the loaded window come from
  // buckets until its ring holds the whole span.
  for (const w of [live, loaded]) {
    const s = blankSnapshot(1_200_050, 1.7e12 + 1_200_050, 100);
    s.cpu.cpu_pct = 50;
    t.ok(w.push(s));
  }
  const ca = live.chart('cpu.total_pct', '', 200, 50);
  const cb = loaded.chart('cpu.total_pct', '', 200, 50);
  t.ok(ca.every((v, i) => close(v, cb[i])), 'charts from buckets agree');
  t.equal(ca.filter((v) => v === null).length, 0);
  t.equal(loaded.chart('cpu.total_pct', '', 60, 60).filter((v) => v === null).length, 0);
});

t.test('pushBucket skips what is not a measurement and refuses seconds out of order', async (t) => {
  const w = new HistoryWindow();
  const cell = (o: Partial<BucketCellLoad>): BucketCellLoad => ({ series: 'cpu.total_pct', subject: '', w_ms: 1000, avg: 5, min: 1, max: 9, ...o });
  const taken = w.pushBucket({
    sec: 100, wall_ms: 1e12, cells: [
      cell({}),
      cell({ avg: NaN }),
      cell({ w_ms: 0 }),
      cell({ w_ms: Infinity }),
      cell({ min: 10 }), // min > max
      cell({ max: Infinity }),
      cell({ subject: 'eth0' }), // a system-wide series with a subject
      cell({ series: 'net.rx_bytes_per_s' }), // a per-interface series without one
      cell({ series: 'nope' as SeriesName }),
      cell({ series: 'toString' as SeriesName, subject: 'x' }), // not a series, though SERIES has the property
      cell({ series: 'proc.cpu_pct', subject: 'not-a-pid' }),
      cell({ series: 'proc.cpu_pct', subject: '12:34', avg: 3, min: 3, max: 3 }),
    ],
  });
  t.equal(taken, 2, 'one system cell and one process cell');
  t.same(w.avg('cpu.total_pct', '', 10), { value: 5, seconds: 1 });
  t.same(w.avg('toString' as SeriesName, 'x', 10), { value: null, seconds: 0 });
  t.same(w.subjects('toString' as SeriesName), []);
  t.equal(w.proc('12:34')?.pid, 12, 'a process known only by its subject');
  t.equal(w.pushBucket({ sec: 100, wall_ms: 1e12, cells: [cell({})] }), 0, 'the same second again');
  t.equal(w.pushBucket({ sec: 99, wall_ms: 1e12, cells: [cell({})] }), 0, 'an older second');
  t.equal(w.pushBucket({ sec: 1.5, wall_ms: 1e12, cells: [cell({})] }), 0, 'not a whole second');
  t.equal(w.rejected, 3);
  t.notOk(w.push(blankSnapshot(100_500, 1e12, 100)), 'a Snapshot inside a loaded second is too old');
  t.equal(w.pushBucket({ sec: 101, wall_ms: 1e12 + 1000, cells: [cell({ avg: 7, min: 7, max: 7 })] }), 1);
  t.same(w.avg('cpu.total_pct', '', 10), { value: 6, seconds: 2 });
});

t.test('two cells for one series in a loaded second merge', async (t) => {
  const w = new HistoryWindow();
  t.equal(w.pushBucket({
    sec: 5, wall_ms: 0, cells: [
      { series: 'disk.util_pct', subject: 'sda', w_ms: 300, avg: 10, min: 5, max: 20 },
      { series: 'disk.util_pct', subject: 'sda', w_ms: 700, avg: 30, min: 1, max: 40 },
    ],
  }), 2);
  t.same(w.stats('disk.util_pct', 'sda', 1), { avg: 24, min: 1, max: 40, seconds: 1 });
});
