/**
 * node_timex_*: node_exporter's timex collector (1.5), same names, types, help and units, from one
 * adjtimex(2) read per scrape (src/sampler/timex.ts; modes = 0, the clock is never changed).
 * Conversions are node_exporter's: offset and jitter are in ns when STA_NANO is set, else us; maxerror,
 * esterror and tick are always us; freq, ppsfreq and stabil are ppm with a 16-bit fraction (adjtimex(2) NOTES).
 * node_timex_sync_status is 0 when adjtimex returns TIME_ERROR (5: "clock not synchronized"), else 1.
 */
import type { TimexRaw } from '../../model/exporter';
import type { FamilySpec, FamilyType } from './family';

/** The latest read of this scrape; null: no reading (the families then have no series). */
export interface TimexState {
  timex: TimexRaw | null;
}

const TIME_ERROR = 5;
const STA_NANO = 0x2000;
const PPM16FRAC = 1_000_000 * 65536;

const divisor = (t: TimexRaw): number => ((t.status & STA_NANO) !== 0 ? 1e9 : 1e6);

const ROWS: readonly [string, FamilyType, string, (t: TimexRaw) => number][] = [
  ['sync_status', 'gauge', 'Is clock synchronized to a reliable server (1 = yes, 0 = no).', (t) => (t.state === TIME_ERROR ? 0 : 1)],
  ['offset_seconds', 'gauge', 'Time offset in between local system and reference clock.', (t) => t.offset / divisor(t)],
  ['frequency_adjustment_ratio', 'gauge', 'Local clock frequency adjustment.', (t) => 1 + t.freq / PPM16FRAC],
  ['maxerror_seconds', 'gauge', 'Maximum error in seconds.', (t) => t.maxerror / 1e6],
  ['estimated_error_seconds', 'gauge', 'Estimated error in seconds.', (t) => t.esterror / 1e6],
  ['status', 'gauge', 'Value of the status array bits.', (t) => t.status],
  ['loop_time_constant', 'gauge', 'Phase-locked loop time constant.', (t) => t.constant],
  ['tick_seconds', 'gauge', 'Seconds between clock ticks.', (t) => t.tick / 1e6],
  ['pps_frequency_hertz', 'gauge', 'Pulse per second frequency.', (t) => t.ppsfreq / PPM16FRAC],
  ['pps_jitter_seconds', 'gauge', 'Pulse per second jitter.', (t) => t.jitter / divisor(t)],
  // node_exporter exports shift (log2 of the PPS interval, in s) unconverted under this name.
  ['pps_shift_seconds', 'gauge', 'Pulse per second interval duration.', (t) => t.shift],
  ['pps_stability_hertz', 'gauge', 'Pulse per second stability, average of recent frequency changes.', (t) => t.stabil / PPM16FRAC],
  ['pps_jitter_total', 'counter', 'Pulse per second count of jitter limit exceeded events.', (t) => t.jitcnt],
  ['pps_calibration_total', 'counter', 'Pulse per second count of calibration intervals.', (t) => t.calcnt],
  ['pps_error_total', 'counter', 'Pulse per second count of calibration errors.', (t) => t.errcnt],
  ['pps_stability_exceeded_total', 'counter', 'Pulse per second count of stability limit exceeded events.', (t) => t.stbcnt],
  ['tai_offset_seconds', 'gauge', 'International Atomic Time (TAI) offset.', (t) => t.tai],
];

export function timexFamilies(): FamilySpec<TimexState>[] {
  return ROWS.map(([suffix, type, help, value]) => ({
    name: `node_timex_${suffix}`, type, help, labelNames: [],
    series: (st: TimexState) => (st.timex === null ? [] : [[{}, value(st.timex)]]),
  }));
}
