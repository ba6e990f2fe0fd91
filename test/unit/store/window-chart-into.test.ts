/**
 * chartInto / chartSumInto: the same values as chart() / chartSum() (NaN for null), written into the
 * caller's Float64Array; and an array chart() handed out earlier never changes afterwards, whatever is
 * asked and pushed since (a caller may keep one).
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

/** Equal value for value, bit for bit, null in `a` being NaN in `b`. */
function sameAs(a: (number | null)[], b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (v === null ? b[k] === b[k] : !Object.is(v, b[k])) return false;
  }
  return true;
}

t.test('shapes: points values, NaN for no data, the caller array reused when its length fits', async (t) => {
  const w = new HistoryWindow();
  t.same(Array.from(w.chartInto('cpu.total_pct', '', 60, 3)), [NaN, NaN, NaN], 'empty window');
  w.push(snap(1000, 100, 5));
  const out = new Float64Array(4).fill(7);
  t.equal(w.chartInto('cpu.total_pct', '', 60, 4, out), out, 'the caller array when its length fits');
  t.ok(sameAs(w.chart('cpu.total_pct', '', 60, 4), out));
  const other = w.chartInto('cpu.total_pct', '', 60, 5, out);
  t.not(other, out, 'a new one when it does not');
  t.equal(other.length, 5);
  t.equal(w.chartInto('cpu.total_pct', '', 60, 0).length, 0);
  t.equal(w.chartInto('cpu.total_pct', '', 60, 2.7).length, 2, 'fractional points round down');
  t.equal(w.chartInto('cpu.total_pct', '', NaN, 3).length, 3);
  t.ok(w.chartInto('cpu.total_pct', '', NaN, 3).every((v) => v !== v));
  t.ok(w.chartSumInto('net.rx_bytes_per_s', [], 60, 2).every((v) => v !== v), 'no subject');
});

t.test('process series', async (t) => {
  const w = new HistoryWindow();
  for (let sec = 0; sec < 200; sec++) {
    const s = snap(sec * 1000 + 999, 1000, null);
    s.procs = [blankProc(3, 3, { cpu_pct: sec < 120 ? 20 : 60 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  const p = procSubject(3, 3);
  t.ok(sameAs(w.chart('proc.cpu_pct', p, 300, 300), w.chartInto('proc.cpu_pct', p, 300, 300)));
  t.ok(sameAs(w.chart('proc.cpu_pct', '999:1', 300, 3), w.chartInto('proc.cpu_pct', '999:1', 300, 3)));
});

t.test('property: Into equals chart() at every push, and arrays chart() handed out never change', async (t) => {
  type Push = { dt: number; interval: number; cpu: number | null; eth0: number | null; eth1: number | null; order: boolean };
  const push = fc.record({
    dt: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: 400, max: 5000 }) }),
    interval: fc.integer({ min: 1, max: 600 }),
    cpu: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    eth0: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
    eth1: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
    order: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(push, { minLength: 1, maxLength: 200 }), fc.integer({ min: 20, max: 1200 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 120 }), (pushes, rawSamples, seconds, points) => {
      const w = new HistoryWindow({ rawSamples });
      const kept: { a: (number | null)[]; copy: (number | null)[] }[] = [];
      let cpuBuf: Float64Array = new Float64Array(0);
      let netBuf: Float64Array = new Float64Array(0);
      let m = 1000.25;
      for (const p of pushes) {
        m += p.dt;
        const s = snap(m, p.interval, p.cpu);
        s.net = [];
        if (p.eth0 !== null) s.net.push(iface('eth0', p.eth0));
        if (p.eth1 !== null) s.net.push(iface('eth1', p.eth1));
        w.push(s);
        // Both orders: Into first (the kept chart brought up to date, no array made), or chart() first.
        let c: (number | null)[];
        let n: (number | null)[];
        if (p.order) {
          cpuBuf = w.chartInto('cpu.total_pct', '', seconds, points, cpuBuf);
          netBuf = w.chartSumInto('net.rx_bytes_per_s', ['eth0', 'eth1'], seconds, points, netBuf);
          c = w.chart('cpu.total_pct', '', seconds, points);
          n = w.chartSum('net.rx_bytes_per_s', ['eth0', 'eth1'], seconds, points);
        } else {
          c = w.chart('cpu.total_pct', '', seconds, points);
          n = w.chartSum('net.rx_bytes_per_s', ['eth0', 'eth1'], seconds, points);
          cpuBuf = w.chartInto('cpu.total_pct', '', seconds, points, cpuBuf);
          netBuf = w.chartSumInto('net.rx_bytes_per_s', ['eth0', 'eth1'], seconds, points, netBuf);
        }
        if (!sameAs(c, cpuBuf) || !sameAs(n, netBuf)) return false;
        kept.push({ a: c, copy: c.slice() }, { a: n, copy: n.slice() });
      }
      return kept.every((k) => k.a.length === k.copy.length && k.a.every((v, i) => Object.is(v, k.copy[i])));
    }),
    { numRuns: 150 },
  );
  t.pass('150 random histories');
});

t.test('avgValue is avg().value, bit for bit, and answers follow slots that are freed and reused', async (t) => {
  const w = new HistoryWindow({ horizonSeconds: 120 });
  const rnd = ((s: number) => () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31))(7);
  const subjects = ['eth0', 'eth1', 'eth2', 'nosuch'];
  let checked = 0;
  for (let m = 100; m <= 400_000; m += 100) {
    const s = snap(m, 100, rnd() * 100);
    // eth0 only in the first minute: its slot is freed when its history ages out, and eth2 (from then on) may take it.
    s.net = m <= 60_000 ? [iface('eth0', rnd() * 1e6), iface('eth1', rnd() * 1e3)] : m >= 250_000 ? [iface('eth1', rnd() * 1e3), iface('eth2', 5)] : [iface('eth1', rnd() * 1e3)];
    w.push(s);
    if (m % 1700 !== 0) continue;
    for (const seconds of [1, 10, 60, 7, 300]) {
      if (!Object.is(w.avgValue('cpu.total_pct', '', seconds), w.avg('cpu.total_pct', '', seconds).value)) t.fail(`cpu ${seconds} at ${m}`);
      for (const sub of subjects) {
        // A walk from scratch (no running sums, no cached target) gives the same value within rounding.
        const v = w.avgValue('net.rx_bytes_per_s', sub, seconds);
        const walked = w.walkAvg('net.rx_bytes_per_s', sub, seconds).value;
        if (!Object.is(v, w.avg('net.rx_bytes_per_s', sub, seconds).value)) t.fail(`${sub} ${seconds} at ${m}`);
        if ((v === null) !== (walked === null) || (v !== null && Math.abs(v - (walked as number)) > 1e-6 * Math.max(1, Math.abs(v)))) t.fail(`${sub} ${seconds} at ${m}: ${v} vs ${walked}`);
        checked++;
      }
    }
  }
  t.equal(w.avgValue('net.rx_bytes_per_s', 'eth0', 60), null, 'eth0 aged out');
  t.equal(w.avgValue('net.rx_bytes_per_s', 'eth2', 10), 5, 'eth2, wherever its slot is');
  t.ok(checked > 1000, `${checked} answers compared`);
});
