/** `vigil replay` in a real pseudo-terminal, over the recording checked into test/fixtures. */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { Recording } from '../../../src/store/recording/reader';
import { clock } from '../../../src/render/format';
import { Tui } from '../../helpers/tui';
import { FIXTURES } from '../../helpers/paths';

const FIXTURE = path.join(FIXTURES, 'recordings', 'schema-v1.vigil');

t.test('replays the checked-in recording: play, pause, step, go to, jump, speed', async (t) => {
  const rec = Recording.open(FIXTURE);
  const first = rec.first()!.t;
  const last = rec.last()!.t;
  const interval = rec.sessions[0].interval_ms;
  rec.close();
  const before = fs.readFileSync(FIXTURE);
  const tui = new Tui(['replay', FIXTURE], { cols: 200, rows: 50 });
  t.teardown(() => tui.kill());
  const timeOf = (s: string): string => /REPLAY (\d\d:\d\d:\d\d\.\d{3})/.exec(s)?.[1] ?? '';
  let s = await tui.waitFor(/REPLAY \d\d:\d\d:\d\d\.\d{3} \d{4}-\d\d-\d\d ×1/);
  t.match(s, /processes \d+\/\d+/, 'the process table is there');
  t.match(s, /cpu \d+\/\d+ cores/);
  // The fixture is short: playback may have reached its end (and paused) already. Home, then pause.
  tui.keys('\x1b[H');
  s = await tui.waitFor((x) => timeOf(x) === clock(first, true) || /paused/.test(x));
  if (!/paused/.test(s)) tui.keys(' ');
  await tui.waitFor(/×1 paused/);
  tui.keys('\x1b[H');
  s = await tui.waitFor((x) => timeOf(x) === clock(first, true) && /paused/.test(x));
  t.pass('space pauses, Home goes to the first sample');
  const paused = timeOf(s);
  tui.keys('\x1b[C'); // right: one sample forward
  s = await tui.waitFor((x) => timeOf(x) !== paused);
  const stepped = timeOf(s);
  const ms = (hms: string): number => {
    const [h, m, rest] = hms.split(':');
    return (Number(h) * 3600 + Number(m) * 60) * 1000 + Number(rest) * 1000;
  };
  const d = ms(stepped) - ms(paused);
  t.ok(d > 0 && d <= interval * 3, `one sample forward: +${d} ms (interval ${interval} ms)`);
  tui.keys('\x1b[F'); // End
  s = await tui.waitFor((x) => timeOf(x) === clock(last, true));
  t.pass('End: the last sample');
  tui.keys('g');
  await tui.waitFor(/go to:/);
  tui.keys('-1s\r');
  s = await tui.waitFor((x) => timeOf(x) !== clock(last, true) && !/go to:/.test(x));
  // The latest sample at or before last − 1 s (samples land late on a busy machine: allow a few intervals).
  const want = ms(clock(last, true)) - 1000;
  t.ok(ms(timeOf(s)) <= want && ms(timeOf(s)) > want - 5 * interval, `g -1s: ${timeOf(s)}`);
  tui.keys('g');
  tui.keys('nonsense\r');
  await tui.waitFor(/nonsense/);
  t.pass('a bad time says why');
  tui.keys('+');
  await tui.waitFor(/×10/);
  t.pass('faster: ×10');
  tui.keys('k');
  await new Promise((r) => setTimeout(r, 300));
  t.notMatch(tui.text(), /send a signal/, 'no signals from a recording');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
  t.ok(!tui.alternate, 'terminal restored');
  t.same(fs.readFileSync(FIXTURE), before, 'the recording is never changed');
});

t.test('replay shows the recording\'s breaches as they stood at the replayed moment', async (t) => {
  const tui = new Tui(['replay', FIXTURE], { cols: 200, rows: 50 });
  t.teardown(() => tui.kill());
  await tui.waitFor(/REPLAY/);
  tui.keys('\x1b[F'); // End: the breach (fired a second in, ended at the stop) is active near the end
  tui.keys('g');
  tui.keys('-500ms\r');
  const s = await tui.waitFor(/⚠ .*fixture: always/);
  t.match(s, /⚠ .*fixture: always/, 'the recorded breach is in the header');
  tui.keys('\x1b[H'); // Home: before the breach fired
  await tui.waitFor((x) => !/⚠/.test(x) && /REPLAY/.test(x));
  t.pass('and not before it fired');
  tui.keys('a');
  await tui.waitFor(/Recent/);
  tui.keys('x');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
