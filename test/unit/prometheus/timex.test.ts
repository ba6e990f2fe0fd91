/**
 * node_timex_*: node_exporter's conversions on fixed adjtimex readings, then the real call through the
 * native addon (modes = 0) with values checked against what the kernel must give.
 */
import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { timexFamilies } from '../../../src/export/prometheus/timex-families';
import { collectSeries } from '../../../src/export/prometheus/family';
import { readHostInfo } from '../../../src/sampler/host';
import { scrapeSources } from '../../../src/sampler/self';
import { TimexRaw, timexReader } from '../../../src/sampler/timex';
import { HOST, parseExposition, sample, valueOf } from '../../helpers/prometheus';

const RAW: TimexRaw = {
  state: 0, offset: -1500, freq: 65536 * 12, maxerror: 250_000, esterror: 1200, status: 0x2001, constant: 7,
  precision: 1, tolerance: 32768000, tick: 10000, ppsfreq: -65536 * 3, jitter: 2500, shift: 8, stabil: 65536 / 2,
  jitcnt: 4, calcnt: 5, errcnt: 6, stbcnt: 9, tai: 37,
};

function values(raw: TimexRaw | null): Map<string, [string, number | undefined]> {
  return new Map(timexFamilies().map((f) => [f.name, [f.type, collectSeries(f, { timex: raw })[0]?.value] as [string, number | undefined]]));
}

t.test('node_exporter\'s units: STA_NANO picks ns, ppm with a 16-bit fraction, TIME_ERROR is unsynchronised', async (t) => {
  const v = values(RAW);
  t.equal(v.size, 17, 'the 17 families of node_exporter 1.5\'s timex collector');
  const val = (n: string) => v.get(`node_timex_${n}`)![1]!;
  t.equal(val('sync_status'), 1, 'state TIME_OK: synchronised');
  t.equal(val('offset_seconds'), -1.5e-6, 'STA_NANO set: offset in ns');
  t.equal(val('pps_jitter_seconds'), 2.5e-6, 'jitter in ns too');
  t.equal(val('frequency_adjustment_ratio'), 1 + 12e-6, '12 ppm');
  t.equal(val('maxerror_seconds'), 0.25, 'maxerror is always us');
  t.equal(val('estimated_error_seconds'), 0.0012);
  t.equal(val('status'), 0x2001);
  t.equal(val('loop_time_constant'), 7);
  t.equal(val('tick_seconds'), 0.01);
  t.equal(val('pps_frequency_hertz'), -3e-6);
  t.equal(val('pps_shift_seconds'), 8, 'shift exported as is, as node_exporter does');
  t.equal(val('pps_stability_hertz'), 0.5e-6);
  t.equal(val('tai_offset_seconds'), 37);
  for (const [n, want] of [['pps_jitter_total', 4], ['pps_calibration_total', 5], ['pps_error_total', 6], ['pps_stability_exceeded_total', 9]] as const) {
    t.same(v.get(`node_timex_${n}`), ['counter', want], `${n}: a counter`);
  }
  const us = values({ ...RAW, status: 0x0001, state: 5 });
  t.equal(us.get('node_timex_offset_seconds')![1], -1.5e-3, 'without STA_NANO: offset in us');
  t.equal(us.get('node_timex_sync_status')![1], 0, 'TIME_ERROR (5): not synchronised');
  t.ok([...values(null).values()].every(([, x]) => x === undefined), 'no reading: no series');
});

const reader = timexReader();
const skip = reader === null ? 'the native addon is not built (node native/build.js): no timex families, by design' : false;

t.test('the real adjtimex(2): sane values, read-only', { skip }, async (t) => {
  const host = readHostInfo();
  const a = reader!.read()!;
  t.ok(a !== null, 'the call succeeds without privileges (modes = 0)');
  t.ok(Number.isInteger(a.state) && a.state >= 0 && a.state <= 5, `clock state ${a.state} is TIME_OK..TIME_ERROR`);
  t.ok(Number.isInteger(a.status) && a.status >= 0 && a.status < 0x10000, `status ${a.status} is a bit set`);
  // The kernel lets tick move by at most 10 % around USEC_PER_SEC / USER_HZ (kernel/time/ntp.c).
  const tickS = a.tick / 1e6;
  t.ok(Math.abs(tickS * host.clk_tck - 1) <= 0.1, `tick ${tickS} s ≈ 1/USER_HZ (${host.clk_tck})`);
  t.ok(Math.abs(a.freq / 65536) <= 500, `frequency ${a.freq / 65536} ppm within the kernel's ±500 ppm`);
  t.ok(a.maxerror >= 0 && a.esterror >= 0, 'error bounds are non-negative');
  t.ok(Number.isInteger(a.tai) && a.tai >= 0 && a.tai < 100, `TAI offset ${a.tai} s`);
  t.ok(a.constant >= 0 && a.constant <= 10, `loop time constant ${a.constant}`);

  const m = new PrometheusMetrics({ host: HOST, sources: scrapeSources(host) });
  m.update(sample(), null);
  const e = parseExposition(await m.metrics());
  t.equal(valueOf(e, 'node_timex_tick_seconds'), tickS, 'served as read');
  t.equal(valueOf(e, 'node_timex_status'), a.status);
  t.equal(valueOf(e, 'node_timex_sync_status'), a.state === 5 ? 0 : 1);
  t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'timex' }), 1);
});

t.test('without the addon, or when adjtimex fails: no timex series, success 0, no throw', async (t) => {
  t.equal(timexReader(null), null, 'no addon: no reader');
  t.equal(timexReader({}), null, 'an addon built before timexRead: no reader');
  const denied = timexReader({ timexRead: () => -1 })!; // -EPERM, as under a seccomp filter
  t.equal(denied.read(), null, 'a failed call reads as nothing');
  for (const timex of [null, denied]) {
    const m = new PrometheusMetrics({ host: HOST, sources: { timex, self: null } });
    m.update(sample(), null);
    const e = parseExposition(await m.metrics());
    t.equal(e.series.filter((s) => s.name.startsWith('node_timex_')).length, 0, 'no node_timex_* series');
    if (timex === null) t.notOk([...e.types.keys()].some((n) => n.startsWith('node_timex_')), 'no addon: no families at all');
    t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'timex' }), 0);
    t.equal(valueOf(e, 'node_scrape_collector_success', { collector: 'cpu' }), 1, 'the rest is served');
  }
});
