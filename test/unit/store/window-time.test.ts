/**
 * How the window moves with time: eviction at exactly one hour, gaps, time weighting, ordering, the
 * finite gate, process exit and pid reuse, coarse process history, slot recycling.
 */
import t from 'tap';
import { HistoryWindow, procSubject } from '../../../src/store/window';
import type { NetSnap, Snapshot } from '../../../src/model';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';

const T0 = 1.7e12;

function snap(mono: number, interval: number, cpu: number | null): Snapshot {
  const s = blankSnapshot(mono, T0 + mono, interval);
  s.cpu.cpu_pct = cpu;
  return s;
}

function net(iface: string, rx: number | null): NetSnap {
  return {
    iface, rx_bytes_per_s: rx, tx_bytes_per_s: null, rx_packets_per_s: null, tx_packets_per_s: null,
    rx_errs_per_s: null, tx_errs_per_s: null, rx_drop_per_s: null, tx_drop_per_s: null,
  };
}

/** Pushes one sample per `step` ms over [from, to) with value f(mono). */
function feed(w: HistoryWindow, from: number, to: number, step: number, f: (mono: number) => number | null): void {
  for (let m = from; m < to; m += step) w.push(snap(m, step, f(m)));
}

t.test('a bucket leaves at exactly one hour', async (t) => {
  const w = new HistoryWindow();
  w.push(snap(500, 1000, 10)); // second 0
  w.push(snap(3_599_500, 1000, 20)); // second 3599: second 0 is 3599 s old, still inside
  t.equal(w.extent()?.oldest_sec, 0);
  t.equal(w.avg('cpu.total_pct', '', 3600).value, 15, 'both seconds are in the last hour');
  t.equal(w.avg('cpu.total_pct', '', 3599).value, 20, 'a 3599 s window starts at second 1');
  t.equal(w.avg('cpu.total_pct', '', 3600).seconds, 2);
  w.push(snap(3_600_000, 1000, 30)); // second 3600: second 0 is now one hour old
  t.equal(w.extent()?.oldest_sec, 3599, 'second 0 evicted');
  t.equal(w.sizes.buckets, 2);
  t.equal(w.avg('cpu.total_pct', '', 3600).value, 25);
  t.equal(w.avg('cpu.total_pct', '', 7200).value, 25, 'a window longer than the horizon answers from what exists');
  t.equal(w.max('cpu.total_pct', '', 3600).value, 30);
  t.equal(w.min('cpu.total_pct', '', 3600).value, 20);
});

t.test('a full hour at 100 ms holds 3600 buckets, never more', async (t) => {
  const w = new HistoryWindow();
  feed(w, 50, 3_700_000, 100, (m) => (m < 100_000 ? 100 : 0));
  t.equal(w.sizes.buckets, 3600);
  const x = w.extent()!;
  t.equal(x.newest_sec - x.oldest_sec, 3599);
  t.equal(w.avg('cpu.total_pct', '', 3600).value, 0, 'the busy first 100 s have aged out exactly');
  t.ok(Math.abs(w.avg('cpu.total_pct', '', 3600).seconds - 3600) < 1e-6, 'covers the whole hour');
});

t.test('a paused feed is a gap, not zeros', async (t) => {
  const w = new HistoryWindow();
  feed(w, 100, 10_000, 100, () => 50); // seconds 0..9
  // 20 s pause: the first Snapshot after it carries a 20 s interval, clamped to maxSampleMs.
  w.push(snap(30_100, 20_100, 10));
  feed(w, 30_200, 40_000, 100, () => 10); // seconds 30..39
  const a = w.avg('cpu.total_pct', '', 40);
  t.ok(Math.abs(a.seconds - (9.9 + 1.5 + 9.8)) < 1e-9, `covers only data time (${a.seconds} s)`);
  const want = (50 * 9900 + 10 * (1500 + 9800)) / (9900 + 1500 + 9800);
  t.ok(Math.abs((a.value as number) - want) < 1e-9, `avg ${a.value} is ${want}, not diluted by 20 s of zeros`);
  t.equal(w.sizes.buckets, 20, 'no buckets for the missing seconds');
  t.equal(w.avg('cpu.total_pct', '', 5).value, 10, 'recent window after the gap');
  t.ok(Math.abs(w.avg('cpu.total_pct', '', 5).seconds - 5) < 1e-9);
  const ch = w.chart('cpu.total_pct', '', 40, 40);
  t.equal(ch.length, 40);
  t.equal(ch.filter((x) => x === null).length, 20 - 2, 'the pause draws as empty columns (the clamped 1.5 s sample fills 2)');
  t.equal(w.min('cpu.total_pct', '', 40).value, 10);
  t.equal(w.max('cpu.total_pct', '', 40).value, 50);
});

t.test('averages are weighted by time, not by sample count', async (t) => {
  const w = new HistoryWindow();
  w.push(snap(1100, 900, 100));
  w.push(snap(1200, 100, 0));
  t.equal(w.avg('cpu.total_pct', '', 1).value, 90, '100 for 900 ms and 0 for 100 ms average 90');
  t.equal(w.avg('cpu.total_pct', '', 1).seconds, 1);
  t.same(w.stats('cpu.total_pct', '', 1), { avg: 90, min: 0, max: 100, seconds: 1 });
});

t.test('delta integrates a rate over the window', async (t) => {
  const w = new HistoryWindow();
  for (let m = 100; m < 60_000; m += 100) {
    const s = snap(m, 100, null);
    s.net = [net('eth0', 1000)]; // 1000 B/s
    w.push(s);
  }
  const d = w.delta('net.rx_bytes_per_s', 'eth0', 60);
  t.ok(Math.abs((d.value as number) - 59_900) < 1e-6, `bytes in the 60 buckets: ${d.value}`);
  t.ok(Math.abs(d.seconds - 59.9) < 1e-9);
  t.same(w.delta('net.rx_bytes_per_s', 'wlan0', 60), { value: null, seconds: 0 }, 'unknown subject: no data');
});

t.test('out-of-order and timeless Snapshots are refused', async (t) => {
  const w = new HistoryWindow();
  t.ok(w.push(snap(5000, 100, 1)));
  t.notOk(w.push(snap(4000, 100, 99)), 'older than the newest');
  t.notOk(w.push(snap(NaN, 100, 99)), 'NaN monotonic time');
  t.notOk(w.push({ ...snap(6000, 100, 99), t: Infinity }), 'infinite wall clock');
  t.equal(w.rejected, 3);
  t.ok(w.push(snap(5000, 100, 3)), 'the same instant again is in order');
  t.equal(w.avg('cpu.total_pct', '', 10).value, 2);
});

t.test('a value that is not finite never enters a bucket', async (t) => {
  const w = new HistoryWindow();
  for (const bad of [NaN, Infinity, -Infinity, 1e300, null]) w.push(snap(1000, 100, bad));
  t.same(w.avg('cpu.total_pct', '', 10), { value: null, seconds: 0 }, 'no data, not NaN');
  t.equal(w.stats('cpu.total_pct', '', 10), null);
  t.same(w.chart('cpu.total_pct', '', 10, 5), [null, null, null, null, null]);
  w.push(snap(1100, 100, 7));
  w.push(snap(1200, NaN, NaN));
  w.push(snap(1300, 0, 9)); // a zero interval still counts, for 1 ms
  const a = w.avg('cpu.total_pct', '', 10);
  t.ok(Number.isFinite(a.value), 'finite after poison');
  t.ok(Math.abs((a.value as number) - (7 * 100 + 9 * 1) / 101) < 1e-12);
  t.same(w.avg('cpu.total_pct', '', NaN), { value: null, seconds: 0 }, 'a NaN window is no data');
  t.same(w.avg('cpu.total_pct', '', -5), { value: null, seconds: 0 });
  t.equal(w.avg('cpu.total_pct', '', 0.2).value, a.value, 'a fraction of a second means the newest bucket');
});

t.test('a process that exits keeps its history; a reused pid is a new history', async (t) => {
  const w = new HistoryWindow();
  const first = procSubject(4242, 1000);
  const second = procSubject(4242, 9000);
  let m = 0;
  for (; m < 30_000; m += 1000) {
    const s = snap(m + 1000, 1000, 1);
    s.procs = [blankProc(4242, 1000, { comm: 'old', cpu_pct: 80, rss_bytes: 1e6 }), blankProc(1, 1, { cpu_pct: 1 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  for (; m < 60_000; m += 1000) {
    const s = snap(m + 1000, 1000, 1);
    s.procs = [blankProc(4242, 9000, { comm: 'new', cpu_pct: 5, rss_bytes: 2e6 }), blankProc(1, 1, { cpu_pct: 1 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  t.equal(w.avg('proc.cpu_pct', first, 60).value, 80, 'the exited process still answers');
  t.equal(w.avg('proc.cpu_pct', first, 60).seconds, 30);
  t.equal(w.avg('proc.cpu_pct', second, 60).value, 5, 'the new process has only its own history');
  t.equal(w.max('proc.rss_bytes', second, 60).value, 2e6);
  t.equal(w.proc(first)?.alive, false);
  t.equal(w.proc(first)?.comm, 'old');
  t.equal(w.proc(second)?.alive, true);
  t.equal(w.proc(second)?.comm, 'new');
  t.same(w.subjects('proc.cpu_pct').sort(), ['1:1', first, second].sort());
  // Half an hour later (only process 1 alive) the exited ones are still there, in coarse buckets.
  for (m = 61_000; m < 1_860_000; m += 1000) {
    const s = snap(m, 1000, 1);
    s.procs = [blankProc(1, 1, { cpu_pct: 1 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  t.equal(w.avg('proc.cpu_pct', first, 3600).value, 80);
  t.equal(w.avg('proc.cpu_pct', second, 3600).value, 5);
  t.equal(w.sizes.procSlots, 3);
  // Past the hour (and the coarse bucket holding their last second) they are forgotten and recycled.
  for (m = 1_860_000; m < 3_730_000; m += 1000) {
    const s = snap(m, 1000, 1);
    s.procs = [blankProc(1, 1, { cpu_pct: 1 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  t.equal(w.proc(first), null);
  t.equal(w.proc(second), null);
  t.same(w.avg('proc.cpu_pct', first, 3600), { value: null, seconds: 0 });
  t.equal(w.sizes.procSlots, 1);
  const s = snap(3_730_000, 1000, 1);
  s.procs = [blankProc(1, 1, { cpu_pct: 1 }), blankProc(77, 5, { cpu_pct: 33 })];
  s.procs_interval_ms = 1000;
  w.push(s);
  t.equal(w.sizes.procCap, 1 + 128, 'a recycled slot was reused: no growth');
  t.equal(w.avg('proc.cpu_pct', procSubject(77, 5), 3600).value, 33, 'the reused slot starts empty');
});

t.test('process history is exact for the first minute, then in whole 60 s buckets', async (t) => {
  const w = new HistoryWindow();
  const p = procSubject(10, 10);
  // Seconds 0..599: cpu = the second's minute × 10 (0 for minute 0, 10 for minute 1, ...).
  for (let sec = 0; sec < 600; sec++) {
    const s = snap(sec * 1000 + 500, 1000, 1);
    s.procs = [blankProc(10, 10, { cpu_pct: Math.floor(sec / 60) * 10 })];
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  // now = 599; fine seconds 540..599 (minute 9, value 90); older minutes are coarse buckets.
  t.same(w.avg('proc.cpu_pct', p, 60), { value: 90, seconds: 60 });
  t.same(w.avg('proc.cpu_pct', p, 120), { value: 85, seconds: 120 }, 'a window on a minute boundary is exact');
  const odd = w.avg('proc.cpu_pct', p, 90);
  t.same(odd, { value: 90, seconds: 60 }, 'the coarse minute 480..539 is only partly inside: left out, and coverage says so');
  t.same(w.avg('proc.cpu_pct', p, 600), { value: 45, seconds: 600 });
  t.same(w.stats('proc.cpu_pct', p, 600), { avg: 45, min: 0, max: 90, seconds: 600 });
  t.equal(w.sizes.coarse, 9);
  const ch = w.chart('proc.cpu_pct', p, 600, 10);
  t.same(ch.map((x) => (x === null ? null : Math.round(x))), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
});

t.test('system subjects that vanish are recycled without mixing histories', async (t) => {
  const w = new HistoryWindow({ horizonSeconds: 120, procFineSeconds: 10, procCoarseSeconds: 10, trackedWindows: [10, 60, 120] });
  for (let m = 500; m < 30_000; m += 500) {
    const s = snap(m, 500, 1);
    s.net = [net('veth1', 111)];
    w.push(s);
  }
  const capBefore = w.sizes.sysCap;
  // veth1 is gone; veth2 arrives after veth1's history aged out and takes its slot.
  for (let m = 30_000; m < 200_000; m += 500) {
    const s = snap(m, 500, 1);
    if (m > 160_000) s.net = [net('veth2', 222)];
    w.push(s);
  }
  t.same(w.avg('net.rx_bytes_per_s', 'veth1', 120), { value: null, seconds: 0 });
  t.same(w.subjects('net.rx_bytes_per_s'), ['veth2']);
  t.equal(w.sizes.sysCap, capBefore, 'no growth: the freed slot was reused');
  // veth1 comes back: its new history must not land in veth2's slot (the ingest cache was reset).
  for (let m = 200_000; m < 210_000; m += 500) {
    const s = snap(m, 500, 1);
    s.net = [net('veth2', 222), net('veth1', 333)];
    w.push(s);
  }
  t.equal(w.avg('net.rx_bytes_per_s', 'veth2', 60).value, 222);
  t.equal(w.avg('net.rx_bytes_per_s', 'veth1', 60).value, 333);
  t.equal(w.avg('net.rx_bytes_per_s', 'veth1', 60).seconds, 10);
});

t.test('a subject listed twice in one Snapshot counts once', async (t) => {
  const w = new HistoryWindow();
  const s = snap(1000, 100, null);
  s.fs = [
    { mount: '/', source: 'a', fstype: 'ext4', size_bytes: 1, used_bytes: 1, avail_bytes: 1, used_pct: 40 },
    { mount: '/', source: 'a', fstype: 'ext4', size_bytes: 1, used_bytes: 1, avail_bytes: 1, used_pct: 40 },
  ];
  s.procs = [blankProc(5, 5, { cpu_pct: 3 }), blankProc(5, 5, { cpu_pct: 3 })];
  s.procs_interval_ms = 100;
  w.push(s);
  t.same(w.avg('fs.used_pct', '/', 1), { value: 40, seconds: 0.1 });
  t.same(w.avg('proc.cpu_pct', '5:5', 1), { value: 3, seconds: 0.1 });
});

t.test('clear() forgets everything; wall-clock labels follow each bucket', async (t) => {
  const w = new HistoryWindow();
  feed(w, 100, 5000, 100, () => 1);
  t.equal(w.wallAt(2500), T0 + 2500, 'label from the bucket holding that time');
  t.equal(w.wallAt(99_000), null, 'outside the window');
  w.clear();
  t.equal(w.extent(), null);
  t.same(w.avg('cpu.total_pct', '', 60), { value: null, seconds: 0 });
  t.ok(w.push(snap(10, 10, 5)), 'an earlier time is accepted after clear (replay seeking back)');
  t.equal(w.avg('cpu.total_pct', '', 1).value, 5);
});

t.test('options are checked', async (t) => {
  t.throws(() => new HistoryWindow({ horizonSeconds: 0 }), /horizonSeconds must be a positive integer/);
  t.throws(() => new HistoryWindow({ procFineSeconds: 1.5 }), /procFineSeconds/);
  t.throws(() => new HistoryWindow({ maxSampleMs: NaN }), /maxSampleMs/);
  t.throws(() => new HistoryWindow({ horizonSeconds: 100 }), /must not exceed horizonSeconds/);
  t.throws(() => new HistoryWindow({ trackedWindows: [10, -1] }), /trackedWindows/);
  const w = new HistoryWindow({ horizonSeconds: 200, trackedWindows: [10, 10, 60, 3600] });
  t.same(w.options.trackedWindows, [10, 60], 'duplicates and windows beyond the horizon dropped');
});

t.test('pid churn: thousands of short-lived processes, bounded state, histories intact', async (t) => {
  const w = new HistoryWindow({ horizonSeconds: 120, procFineSeconds: 10, procCoarseSeconds: 10, trackedWindows: [10, 60] });
  for (let sec = 0; sec < 3000; sec++) {
    const s = snap(sec * 1000 + 500, 1000, 1);
    // A long-lived process, a new one every second, and every 7 s one that reuses pid 150.
    s.procs = [blankProc(1, 1, { cpu_pct: 4 }), blankProc(100 + sec, sec, { cpu_pct: 2 })];
    if (sec % 7 === 0) s.procs.push(blankProc(150, 100_000 + sec, { cpu_pct: sec }));
    s.procs_interval_ms = 1000;
    w.push(s);
  }
  t.ok(w.sizes.procSlots < 160, `slots of processes older than the horizon recycled (${w.sizes.procSlots})`);
  t.same(w.avg('proc.cpu_pct', '1:1', 120), { value: 4, seconds: 120 }, 'the long-lived process keeps one history');
  t.same(w.avg('proc.cpu_pct', procSubject(150, 100_000 + 2996), 10), { value: 2996, seconds: 1 }, 'each pid reuse is its own history');
  t.same(w.avg('proc.cpu_pct', procSubject(150, 100_000 + 2989), 20), { value: 2989, seconds: 1 });
  t.equal(w.proc(procSubject(150, 100_000 + 2996))?.alive, false);
  t.same(w.avg('proc.cpu_pct', procSubject(3099, 2999), 1), { value: 2, seconds: 1 });
});
