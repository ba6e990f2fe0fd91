/**
 * Replay shows a breach as it stood at the replayed moment (issue 18, item 10). A real `vigil record`
 * with two rules: one that holds from the first evaluation to the end (cpu.idle_pct >= 0), and one on a
 * short-lived process of a unique name (proc.rss_bytes > 0, ended when the process goes). Then the
 * recording's own samples are evaluated again, the way `vigil record` evaluates them (derive, the history
 * window, the rule engine), and at every recorded moment the breaches replay shows (breachesAt, what
 * ReplayFeed hands the screen) must equal what that evaluation held then: the same breaches, and the
 * same value, peak, average and sample count. A breach that begins later is not shown; an ended one
 * shows its final figures. A file from before schema 3 (no steps) shows unknown figures mid-breach.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { derive } from '../../../src/derive/derive';
import { AlertEngine, alertWindowOptions } from '../../../src/store/alerts/engine';
import { formatValue } from '../../../src/panes/alerts';
import { breachesAt } from '../../../src/store/alerts/replay';
import { compileRules } from '../../../src/store/alerts/rules';
import { Recording } from '../../../src/store/recording/reader';
import { HistoryWindow } from '../../../src/store/window';
import { CLI, until } from '../../helpers/cli';
import { committedAlert, committedSamples } from '../../helpers/recording';
import { FIXTURES } from '../../helpers/paths';
import { Tui } from '../../helpers/tui';
import { sleep, tmpDir } from '../../helpers/tmp';

const PROC_MS = 500;

t.test('replay: an active breach shows its figures as of the replayed moment, an ended one its final figures', async (t) => {
  const dir = tmpDir(t);
  const name = `asof${process.pid % 100000}`;
  const sleeper = path.join(dir, name);
  fs.symlinkSync('/bin/sleep', sleeper);
  const rules = [
    { name: 'always', metric: 'cpu.idle_pct', op: '>=', threshold: 0, window: '1s', for: '0s' },
    { name: 'short', metric: 'proc.rss_bytes', op: '>', threshold: 0, window: '1s', for: '0s', match: `^${name}$` },
  ];
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ alerts: rules }));
  const file = path.join(dir, 'rec.vigil');
  const rec = spawn(process.execPath, [CLI, 'record', file, '--duration', '120s', '--proc-interval', String(PROC_MS), '--config', config], { stdio: 'ignore' });
  t.teardown(() => rec.kill('SIGKILL'));
  const done = new Promise<number | null>((resolve) => rec.on('exit', (code) => resolve(code)));
  // Each step waits for what the recording has committed, not for a fixed time: on a loaded machine the
  // sampler skips ticks and a commit comes late, and fixed sleeps left no moment before the breach, or
  // the process outlived the recording. The short-lived process starts once samples are committed (so
  // its breach begins mid-recording), ends once its breach has been evaluated over a few more samples,
  // and the recording stops a few samples after that breach has ended.
  const waitFor = (what: string, fn: () => boolean): Promise<void> => until(fn, 60_000, what);
  await waitFor('the first samples', () => committedSamples(file) >= 3);
  const shortLived = spawn(sleeper, ['120'], { stdio: 'ignore' });
  t.teardown(() => shortLived.kill('SIGKILL'));
  await waitFor('the short breach', () => committedAlert(file, 'short') !== undefined);
  const atFire = committedSamples(file);
  await waitFor('samples during the breach', () => committedSamples(file) >= atFire + 5);
  shortLived.kill('SIGKILL');
  await waitFor('the short breach to end', () => committedAlert(file, 'short')?.end_t != null);
  const atEnd = committedSamples(file);
  await waitFor('samples after it', () => committedSamples(file) >= atEnd + 3);
  rec.kill('SIGINT');
  t.equal(await done, 0, 'vigil record exits 0');

  const r = Recording.open(file);
  t.teardown(() => r.close());
  const rows = [...r.alerts()];
  const always = rows.find((b) => b.rule === 'always');
  const short = rows.find((b) => b.rule === 'short');
  t.ok(always && short, 'both breaches were recorded');
  if (!always || !short) return;
  t.equal(short.end_reason, 'gone', 'the short breach ended when its process went');

  // The recording's samples, evaluated again as `vigil record` evaluated them.
  const compiled = compileRules(rules, config);
  const engine = new AlertEngine(compiled);
  const window = new HistoryWindow(alertWindowOptions(compiled, r.sessions[0].interval_ms, r.sessions[0].proc_interval_ms));
  const sampleTs: number[] = [];
  let moments = 0;
  let midShort = 0;
  let beforeShort = 0;
  let fewer = 0;
  for (const p of r.pairs(r.first()!.s, r.last()!.s)) {
    if (p.prev === null) continue;
    const snap = derive(p.prev, p.curr, p.host);
    sampleTs.push(p.curr.t);
    window.push(snap);
    engine.onSnapshot(snap, window);
    // A breach ends at its stored end_t (when its subject was last seen, or when it went past clear),
    // which the evaluator learns a tick or `for` later: from end_t on, replay lists it as ended.
    const endOf = (rule: string): number | null => rows.find((b) => b.rule === rule)?.end_t ?? null;
    const want = engine
      .active()
      .filter((b) => (endOf(b.rule) ?? Infinity) > snap.t)
      .map((b) => ({ rule: b.rule, value: b.value, peak: b.peak, average: b.average, samples: b.samples }));
    const shown = breachesAt(r, snap.t).active.map((b) => ({ rule: b.rule, value: b.value, peak: b.peak, average: b.average, samples: b.samples }));
    // The last moment is where `vigil record` stopped: its breaches end there, not shown as active.
    if (snap.t >= always.end_t!) break;
    if (JSON.stringify(shown) !== JSON.stringify(want)) {
      t.strictSame(shown, want, `as of ${snap.t - r.first()!.t} ms into the recording`);
      return;
    }
    moments++;
    if (snap.t < short.fired_t) beforeShort++;
    else if (snap.t < short.end_t!) {
      midShort++;
      if (shown.find((b) => b.rule === 'short')!.samples < short.samples) fewer++;
    }
  }
  t.ok(moments >= 10, `every recorded moment agreed (${moments})`);
  t.ok(beforeShort > 0 && midShort > 0, `moments before (${beforeShort}) and during (${midShort}) the short breach`);
  t.equal(fewer, midShort, 'mid-breach: always fewer evaluations than at its end (not the final figures)');
  t.notOk(breachesAt(r, short.start_t - 1).active.some((b) => b.rule === 'short'), 'before it began: not shown');
  t.notOk(breachesAt(r, short.start_t - 1).recent.some((b) => b.rule === 'short'), 'before it began: not among the ended ones either');
  const mid = breachesAt(r, always.fired_t + Math.floor((always.end_t! - always.fired_t) / 2)).active.find((b) => b.rule === 'always')!;
  t.equal(mid.end_t, null, 'mid-recording: no end yet (the stored end is the future\'s)');
  t.ok(mid.samples > 0 && mid.samples < always.samples, `mid-recording: ${mid.samples} of ${always.samples} evaluations`);
  const after = breachesAt(r, short.end_t! + 1);
  const ended = after.recent.find((b) => b.rule === 'short');
  t.notOk(after.active.some((b) => b.rule === 'short'), 'ended: no longer active');
  t.strictSame(
    ended && { peak: ended.peak, average: ended.average, samples: ended.samples, end_t: ended.end_t },
    { peak: short.peak, average: short.average, samples: short.samples, end_t: short.end_t },
    'ended: its final figures',
  );

  // The same, as the screen shows it: `vigil replay`, paused, sent with `g` to the middle of the short
  // breach. The header's breach lines carry the figures as they stood at the sample shown (the last one
  // at or before the time typed), not the final ones; before the breach began it is not there at all.
  const tui = new Tui(['replay', file], { cols: 200, rows: 50 });
  t.teardown(() => tui.kill());
  await tui.waitFor(/REPLAY/);
  tui.keys(' ');
  await tui.waitFor(/paused/);
  const header = (screen: string, rule: string): string => screen.split('\n').find((l) => l.includes(`${rule}  `) && l.includes(' peak ')) ?? '';
  const figures = (b: { value: number | null; peak: number | null; unit: string }): string[] => [`  ${formatValue(b.value ?? b.peak, b.unit)}  `, `peak ${formatValue(b.peak, b.unit)}`];
  const goTo = async (at: number): Promise<number> => {
    tui.keys('g');
    await tui.waitFor(/go to/i);
    tui.keys(`${at}\r`);
    return Math.max(...sampleTs.filter((x) => x <= at));
  };
  const midT = await goTo(short.fired_t + Math.floor((short.end_t! - short.fired_t) / 2));
  const asOf = breachesAt(r, midT).active;
  const wantShort = figures(asOf.find((b) => b.rule === 'short')!);
  const wantAlways = figures(asOf.find((b) => b.rule === 'always')!);
  const screen = await tui.waitFor((x) => wantShort.every((f) => header(x, 'short').includes(f)) && wantAlways.every((f) => header(x, 'always').includes(f)), 15_000).catch(() => tui.text());
  t.ok(wantShort.every((f) => header(screen, 'short').includes(f)), `mid-breach, the short breach's figures as of then: ${wantShort.join(' ')} in "${header(screen, 'short').trim()}"`);
  t.ok(wantAlways.every((f) => header(screen, 'always').includes(f)), `and the other's: ${wantAlways.join(' ')} in "${header(screen, 'always').trim()}"`);
  t.match(header(screen, 'short'), / for \d/, 'and it is shown as going on ("for …"), not with the length it will have lasted');
  await goTo(short.start_t - 1);
  const before = await tui.waitFor((x) => header(x, 'short') === '' && header(x, 'always') !== '', 15_000).catch(() => tui.text());
  t.equal(header(before, 'short'), '', 'before it began: not on the screen');
  tui.keys('q');
});

t.test('a recording from before schema 3 keeps no steps: mid-breach figures are unknown, never the final ones', async (t) => {
  const r = Recording.open(path.join(FIXTURES, 'recordings', 'schema-v2.vigil'));
  t.teardown(() => r.close());
  const [b] = [...r.alerts()];
  t.ok(b !== undefined && b.end_t !== null && b.peak !== null, 'the fixture has an ended breach with figures');
  const mid = breachesAt(r, b.fired_t).active;
  t.equal(mid.length, 1);
  t.strictSame([mid[0].peak, mid[0].average, mid[0].value, mid[0].samples], [null, null, null, 0]);
  const after = breachesAt(r, b.end_t! + 1).recent;
  t.strictSame([after[0].peak, after[0].average, after[0].samples], [b.peak, b.average, b.samples], 'ended: the stored final figures');
});
