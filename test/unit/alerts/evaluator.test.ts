/**
 * Rule evaluation over synthetic Snapshot sequences: when a breach fires, when it ends, that flapping
 * collapses into one breach, and that process breaches follow (pid, start time).
 */
import t from 'tap';
import type { ProcSnap, Snapshot } from '../../../src/model';
import { AlertEngine } from '../../../src/store/alerts/engine';
import { BreachEvent, UPDATE_EVERY_MS } from '../../../src/store/alerts/evaluator';
import { compileRules } from '../../../src/store/alerts/rules';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot } from '../../../src/store/window/synthetic';

const T0 = 1_700_000_000_000;

/** Feeds `n` system Snapshots 100 ms apart, value from f(ms since start); returns every event with its time. */
function run(rules: unknown[], ms: number, f: (at: number) => Partial<{ cpu: number | null; disks: Record<string, number> }>, step = 100) {
  const engine = new AlertEngine(compileRules(rules, 'test.json'));
  const w = new HistoryWindow();
  const events: (BreachEvent & { at: number })[] = [];
  for (let at = step; at <= ms; at += step) {
    const s = blankSnapshot(at, T0 + at, step);
    const v = f(at);
    s.cpu.cpu_pct = v.cpu ?? null;
    if (v.disks) s.disks = Object.entries(v.disks).map(([device, util]) => ({ device, read_bytes_per_s: 0, write_bytes_per_s: 0, read_iops: 0, write_iops: 0, util_pct: util, await_ms: null, in_flight: 0 }));
    w.push(s);
    for (const e of engine.onSnapshot(s, w)) events.push({ ...e, at });
  }
  return { engine, events, w };
}

const cpuRule = (over: Record<string, unknown> = {}) => ({ metric: 'cpu.total_pct', op: '>', threshold: 90, window: '1s', for: '3s', clear: 85, ...over });

t.test('fires once the condition has held for `for`, not before; start is when it began to hold', async (t) => {
  // Idle for 10 s, then 95 % from 10.0 s on. With a 1 s window (the current 1 s bucket), the average is
  // above 90 from the first Snapshot of second 10.
  const { events, engine } = run([cpuRule()], 20_000, (at) => ({ cpu: at >= 10_000 ? 95 : 5 }));
  const starts = events.filter((e) => e.type === 'start');
  t.equal(starts.length, 1);
  const s = starts[0];
  t.equal(s.breach.start_t, T0 + 10_000, 'start_t: the first Snapshot on which it held');
  t.equal(s.at, 13_000, 'fired after 3 s of holding');
  t.equal(s.breach.fired_t, T0 + 13_000);
  t.equal(s.breach.subject, 'host');
  t.equal(s.breach.end_t, null);
  t.equal(s.breach.samples, 31, 'every evaluation since it began to hold');
  t.equal(s.breach.peak, 95);
  t.equal(engine.active().length, 1);
  t.equal(events.filter((e) => e.type === 'update').length, 0, 'no update before UPDATE_EVERY_MS');
});

t.test('a condition that stops holding before `for` never fires', async (t) => {
  const { events } = run([cpuRule()], 30_000, (at) => ({ cpu: Math.floor(at / 1000) % 4 === 3 ? 50 : 95 }));
  t.equal(events.length, 0, 'held 3 s at most, broken by one second below: nothing');
});

t.test('clears below `clear` (hysteresis), after `for` without holding again; end_t is when it cleared', async (t) => {
  // 95 for 10 s, then 87 (between clear and threshold) for 10 s, then 80 (below clear).
  const { events, engine } = run([cpuRule()], 40_000, (at) => ({ cpu: at < 10_000 ? 95 : at < 20_000 ? 87 : 80 }));
  const ends = events.filter((e) => e.type === 'end');
  t.equal(ends.length, 1);
  const e = ends[0];
  t.equal(e.breach.end_t, T0 + 20_000, 'ended on the first value below clear');
  t.equal(e.breach.end_reason, 'clear');
  t.equal(e.at, 23_000, 'closed once it had stayed clear for `for`');
  t.equal(e.breach.start_t, T0 + 100);
  t.equal(e.breach.peak, 95);
  // The mean of the evaluated values while it lasted: 99 × 95 (from 0.1 s), then 100 × 87.
  t.equal(e.breach.samples, 199);
  t.ok(Math.abs((e.breach.average as number) - (99 * 95 + 100 * 87) / 199) < 1e-9, `average ${e.breach.average}`);
  t.equal(engine.active().length, 0);
  t.equal(engine.recent(5)[0].end_t, T0 + 20_000);
  t.ok(events.some((x) => x.type === 'update'), 'updates while it lasted');
  const upd = events.filter((x) => x.type === 'update').map((x) => x.at);
  t.ok(upd.every((a, i) => i === 0 || a - upd[i - 1] >= UPDATE_EVERY_MS), 'updates at most every UPDATE_EVERY_MS');
});

t.test('flapping around the threshold collapses into one breach; a real pause makes a second one', async (t) => {
  // Idle for a second, 95 for 5 s (fires), then one second of 80 in every three for a minute, then 10 s of
  // 80, then 95 again.
  const f = (at: number): { cpu: number } => {
    const s = Math.floor(at / 1000);
    if (s < 1) return { cpu: 10 };
    if (s < 6) return { cpu: 95 };
    if (s < 66) return { cpu: s % 3 === 0 ? 80 : 95 };
    if (s < 76) return { cpu: 80 };
    return { cpu: 95 };
  };
  const { events } = run([cpuRule()], 90_000, f);
  const types = events.filter((e) => e.type !== 'update').map((e) => `${e.type}@${e.at}`);
  t.strictSame(types, ['start@4000', 'end@69000', 'start@79000'], '60 s of flapping: one breach, not twenty');
  const end = events.find((e) => e.type === 'end')!;
  t.equal(end.breach.end_t, T0 + 66_000, 'ended when it last went below clear');
  const second = events.filter((e) => e.type === 'start')[1];
  t.not(second.breach.start_t, end.breach.start_t, 'a new breach (a new row) after a pause longer than `for`');
});

t.test('for "0s" fires and ends on the Snapshot itself', async (t) => {
  const { events } = run([cpuRule({ for: '0s', clear: 90 })], 3_000, (at) => ({ cpu: Math.floor(at / 1000) === 1 ? 95 : 10 }));
  t.strictSame(events.map((e) => `${e.type}@${e.at}`), ['start@1000', 'end@2000']);
});

t.test('"<" rules: fire below the threshold, clear above `clear`, peak is the lowest value', async (t) => {
  const { events } = run([{ metric: 'cpu.total_pct', op: '<', threshold: 10, clear: 20, window: '1s', for: '1s' }], 10_000, (at) => ({ cpu: at < 3000 ? 5 : at < 4000 ? 2 : 50 }));
  const end = events.find((e) => e.type === 'end')!;
  t.equal(events.find((e) => e.type === 'start')!.at, 1_100);
  t.equal(end.breach.peak, 2);
  t.equal(end.breach.end_t, T0 + 4_000);
  t.equal(end.at, 5_000);
});

t.test('no data is neither holding nor clear; NaN never reaches a breach', async (t) => {
  const { events } = run([cpuRule({ for: '1s' })], 12_000, (at) => ({ cpu: at <= 3000 ? 95 : at <= 8000 ? null : 95 }));
  t.equal(events.filter((e) => e.type === 'start').length, 1);
  t.equal(events.filter((e) => e.type === 'end').length, 0, 'a gap in the data does not end it');
  for (const e of events) for (const v of [e.breach.peak, e.breach.average]) t.ok(v === null || Number.isFinite(v));
});

t.test('per-device subjects with match; a device that disappears ends its breach at once', async (t) => {
  const rules = [{ metric: 'disk.util_pct', op: '>', threshold: 80, window: '1s', for: '1s', match: '^sd' }];
  const { events } = run(rules, 8_000, (at) => ({ disks: at <= 5000 ? { sda: 99, sdb: 10, nvme0n1: 99 } : ({ sdb: 10, nvme0n1: 99 } as Record<string, number>) }));
  const starts = events.filter((e) => e.type === 'start');
  t.strictSame(starts.map((e) => e.breach.subject), ['sda'], 'nvme0n1 does not match ^sd');
  const end = events.find((e) => e.type === 'end')!;
  t.equal(end.breach.end_reason, 'gone');
  t.equal(end.breach.end_t, T0 + 5_000, 'at the last Snapshot that had it');
  t.equal(end.at, 5_100);
});

t.test('a metric written with its core (cpu.1.total_pct) watches that core only', async (t) => {
  const engine = new AlertEngine(compileRules([{ metric: 'cpu.1.total_pct', threshold: 50, window: '1s' }], 't'));
  const w = new HistoryWindow();
  const s = blankSnapshot(100, T0, 100);
  s.cores = [0, 1].map((cpu) => ({ cpu, online: true, cpu_pct: 99, user_pct: null, nice_pct: null, system_pct: null, idle_pct: null, iowait_pct: null, irq_pct: null, softirq_pct: null, steal_pct: null, guest_pct: null }));
  w.push(s);
  const ev = engine.onSnapshot(s, w);
  t.strictSame(ev.map((e) => [e.type, e.breach.subject, e.breach.kind, e.breach.metric]), [['start', '1', 'core', 'cpu.1.total_pct']]);
});

/** Process Snapshots: system ticks every 100 ms, a process table every 1000 ms. */
function runProcs(rules: unknown[], seconds: number, table: (sec: number) => ProcSnap[]) {
  const engine = new AlertEngine(compileRules(rules, 'test.json'));
  const w = new HistoryWindow();
  const events: (BreachEvent & { at: number })[] = [];
  for (let at = 100; at <= seconds * 1000; at += 100) {
    const s: Snapshot = blankSnapshot(at, T0 + at, 100);
    if (at % 1000 === 0) {
      s.procs = table(at / 1000);
      s.procs_interval_ms = 1000;
    }
    w.push(s);
    for (const e of engine.onSnapshot(s, w)) events.push({ ...e, at });
  }
  return { engine, events };
}

t.test('process breaches follow (pid, start time): a reused pid is a new subject; comm and user filter', async (t) => {
  const rule = { metric: 'proc.cpu_pct', op: '>', threshold: 50, window: '1s', for: '2s', clear: 40, match: '^burn', user: 'alice' };
  const { events, engine } = runProcs([rule], 30, (sec) => {
    const out = [
      blankProc(10, 1, { comm: 'other', user: 'alice', cpu_pct: 99 }), // comm does not match
      blankProc(11, 1, { comm: 'burner', user: 'bob', cpu_pct: 99 }), // another user
    ];
    if (sec <= 10) out.push(blankProc(100, 500, { comm: 'burner', user: 'alice', cpu_pct: 99 }));
    // Seconds 11–12: pid 100 is gone; from 13 on, a new process has pid 100 again (a new start time).
    if (sec >= 13) out.push(blankProc(100, 1800, { comm: 'burner', user: 'alice', cpu_pct: 99 }));
    return out;
  });
  const summary = events.filter((e) => e.type !== 'update').map((e) => `${e.type} ${e.breach.subject}${e.breach.end_reason ? ` ${e.breach.end_reason}` : ''}@${e.at}`);
  t.strictSame(summary, ['start 100:500@3000', 'end 100:500 gone@11000', 'start 100:1800@15000']);
  const first = events[0].breach;
  t.equal(first.pid, 100);
  t.equal(first.start_time, 500);
  t.equal(first.comm, 'burner');
  t.equal(first.user, 'alice');
  t.equal(first.kind, 'proc');
  t.strictSame(engine.active().map((b) => b.subject), ['100:1800']);
});

t.test('process rules run only on Snapshots that carry a process table', async (t) => {
  const rules = [{ metric: 'proc.cpu_pct', threshold: 50, window: '1s' }];
  const { engine } = runProcs(rules, 10, () => Array.from({ length: 200 }, (_, i) => blankProc(1000 + i, 1, { cpu_pct: 1 })));
  t.equal(engine.evaluations, 10 * 200, '10 process tables × 200 processes, none on the 90 system-only ticks');
});

t.test('stop() ends open breaches with reason "stop" at the last evaluation', async (t) => {
  const { engine } = run([cpuRule({ for: '1s' })], 5_000, () => ({ cpu: 99 }));
  const ev = engine.stop();
  t.equal(ev.length, 1);
  t.equal(ev[0].breach.end_reason, 'stop');
  t.equal(ev[0].breach.end_t, T0 + 5_000);
  t.strictSame(engine.stop(), [], 'idempotent');
  t.equal(engine.active().length, 0);
});

t.test('a sink that throws becomes a note; sampling goes on', async (t) => {
  const engine = new AlertEngine(compileRules([cpuRule({ for: '0s' })], 't'), {
    sinks: [{ event: () => { throw new Error('disk full writing the alert log /x'); } }],
  });
  const w = new HistoryWindow();
  const s = blankSnapshot(100, T0, 100);
  s.cpu.cpu_pct = 99;
  w.push(s);
  t.equal(engine.onSnapshot(s, w).length, 1);
  t.strictSame(engine.notes().map((n) => n.text), ['alerts: disk full writing the alert log /x']);
});

t.test('a pid reused from one table to the next: the old breach ends, the new process starts its own; a process listed twice is one subject', async (t) => {
  const rule = { metric: 'proc.cpu_pct', op: '>', threshold: 50, window: '1s', for: '2s', clear: 40 };
  const { events, engine } = runProcs([rule], 24, (sec) => {
    const busy = blankProc(100, sec <= 10 ? 500 : 1800, { comm: 'burner', cpu_pct: 99 });
    const out = [blankProc(7, 1, { cpu_pct: 1 }), busy];
    if (sec >= 20) out.push(busy); // the same process twice in one table
    return out;
  });
  const summary = events.filter((e) => e.type !== 'update').map((e) => `${e.type} ${e.breach.subject}${e.breach.end_reason ? ` ${e.breach.end_reason}` : ''}@${e.at}`);
  t.strictSame(summary, ['start 100:500@3000', 'end 100:500 gone@11000', 'start 100:1800@13000']);
  t.strictSame(engine.active().map((b) => `${b.subject} ${b.pid} ${b.start_time}`), ['100:1800 100 1800']);
  t.equal(engine.evaluations, 24 * 2 + 5, 'two processes a table, three in the last five');
});
