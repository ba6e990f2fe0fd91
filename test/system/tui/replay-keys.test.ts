/** Replay's position bar and its speed keys next to the tree view's folds, in a real pseudo-terminal. */
import * as path from 'path';
import t from 'tap';
import { clock } from '../../../src/render/format';
import { Recording } from '../../../src/store/recording/reader';
import { span } from '../../../src/ui/frame';
import { FIXTURES } from '../../helpers/paths';
import { Tui } from '../../helpers/tui';

const FIXTURE = path.join(FIXTURES, 'recordings', 'schema-v1.vigil');

t.test('the footer bar shows position and length; + and - set the speed outside the tree view, { and } in it', async (t) => {
  const rec = Recording.open(FIXTURE);
  const first = rec.first()!.t;
  const last = rec.last()!.t;
  rec.close();
  const tui = new Tui(['replay', FIXTURE], { cols: 160, rows: 40 });
  t.teardown(() => tui.kill());
  const footer = (x: string): string => x.split('\n').filter((l) => l.trim() !== '').pop() ?? '';
  await tui.waitFor(/REPLAY .*×1/);
  tui.keys('\x1b[F'); // End
  // At the end the replay pauses by itself. Home must come after that: from a replay still playing it
  // jumps to the start and plays on, and the start's second can pass between two looks at a busy screen.
  let s = await tui.waitFor((x) => footer(x).startsWith(`▕████████████▏ ${clock(last)} / ${span(last - first)}`) && /REPLAY .*×1 paused/.test(x));
  t.pass(`End: a full bar, the last time and the length (${footer(s).slice(0, 40)})`);
  tui.keys('\x1b[H'); // Home
  s = await tui.waitFor((x) => footer(x).startsWith(`▕░░░░░░░░░░░░▏ ${clock(first)} / `));
  t.pass('Home: an empty bar at the first time');
  tui.keys('+');
  await tui.waitFor(/×10/);
  tui.keys('-');
  await tui.waitFor(/×1\b/);
  tui.keys('t');
  await tui.waitFor(/· tree/);
  tui.keys('+');
  tui.keys('}');
  s = await tui.waitFor(/×10/);
  t.pass('tree view: + is left to the tree, } sets the speed');
  tui.keys('{');
  await tui.waitFor(/×1\b/);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
