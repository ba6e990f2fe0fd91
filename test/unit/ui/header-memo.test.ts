/**
 * The header given again while it shows the same figures (headerView's memo) is what headerLines draws
 * from scratch, frame after frame: over sequences of frames 100 ms apart whose figures move a little or
 * not at all (the common case, where the memo answers), and jump (width, load, PSI appearing, alerts,
 * replay).
 */
import fc from 'fast-check';
import t from 'tap';
import { headerLines, headerView, type HeaderState } from '../../../src/panes/header';
import { makeTheme } from '../../../src/render/theme';
import { blankSnapshot } from '../../../src/store/window/synthetic';
import { HOST } from '../../helpers/samples';

const themes = [makeTheme(true), makeTheme(false)];
const psi = (v: number) => ({ some_avg10: v, some_avg60: v, some_avg300: v, some_pct: v, full_avg10: v, full_avg60: v, full_avg300: v, full_pct: v, some_total_us: null, full_total_us: null });

const step = fc.record({
  dtMs: fc.constantFrom(0, 100, 100, 100, 900, 1000),
  upJump: fc.constantFrom(0, 0, 0.1, 0.5, 1),
  load: fc.constantFrom(null, 0.5, 0.5, 0.5, 1.25),
  psiCpu: fc.constantFrom(null, 0, 0, 2.5),
  width: fc.constantFrom(200, 200, 200, 80, 40),
  showLoad: fc.constantFrom(undefined, true, false),
  theme: fc.constantFrom(0, 0, 1),
  alerts: fc.constantFrom([], [], ['cpu > 90']),
  replay: fc.constantFrom(false, false, false, false, true),
});

t.test('headerView gives what headerLines draws, frame after frame', async (t) => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
      let now = 1_700_000_000_000;
      let up = 5000.3;
      for (const s of steps) {
        now += s.dtMs;
        up += s.upJump;
        const snap = blankSnapshot(now - 1_699_999_000_000, now, 100);
        snap.uptime_s = up;
        snap.load1 = s.load;
        snap.load5 = s.load;
        snap.load15 = s.load;
        if (s.psiCpu !== null) snap.psi = { ...snap.psi, cpu: psi(s.psiCpu) as never };
        const input = { snap, host: HOST, theme: themes[s.theme], width: s.width };
        const state: HeaderState = {
          mode: s.replay ? { kind: 'replay', t: now, speed: 2, paused: false, intervalMs: 100 } : { kind: 'live', intervalMs: 100, procIntervalMs: 1000 },
          alerts: [...s.alerts],
          load: s.showLoad,
        };
        if (JSON.stringify(headerView(input, state)) !== JSON.stringify(headerLines(input, state))) return false;
      }
      return true;
    }),
    { numRuns: 400 },
  );
  t.pass('same lines for every sequence tried');
});

t.test('within one second and the same figures, the same lines come back', async (t) => {
  const snap = blankSnapshot(1000, 1_700_000_000_000, 100);
  snap.uptime_s = 100.2;
  const input = { snap, host: HOST, theme: themes[0], width: 200 };
  const state: HeaderState = { mode: { kind: 'live', intervalMs: 100, procIntervalMs: 1000 }, alerts: [] };
  const a = headerView(input, state);
  const b = headerView({ ...input, snap: { ...snap, t: snap.t + 300, uptime_s: 100.5 } }, { ...state, alerts: [] });
  t.equal(a, b, 'the same array');
  const c = headerView({ ...input, snap: { ...snap, t: snap.t + 1000, uptime_s: 101.2 } }, state);
  t.not(c, a, 'the next second: drawn again');
  t.notSame(c, a, 'and it shows the new time');
});
