/**
 * Panes that did not change are not painted again (src/panes/pane.ts). What is on the terminal must
 * still be what a full repaint draws: after an overlay closes, after the detail view, after a resize.
 * A paused replay holds the screen still, so the screens can be compared whole.
 */
import * as path from 'path';
import t from 'tap';
import { Tui } from '../../helpers/tui';
import { FIXTURES } from '../../helpers/paths';

const FIXTURE = path.join(FIXTURES, 'recordings', 'schema-v1.vigil');
const settle = (ms = 600): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('skipped panes leave the same screen as a full repaint', async (t) => {
  const tui = new Tui(['replay', FIXTURE], { cols: 160, rows: 45 });
  t.teardown(() => tui.kill());
  await tui.waitFor(/REPLAY .* ×1/);
  tui.keys('\x1b[H'); // Home
  const s = await tui.waitFor(/REPLAY|paused/);
  if (!/paused/.test(s)) tui.keys(' ');
  await tui.waitFor(/×1 paused/);
  // A few samples in, where the process table has rows.
  for (let i = 0; i < 5 && !/processes [1-9]/.test(tui.text()); i++) {
    tui.keys('\x1b[C');
    await settle(300);
  }
  await tui.waitFor(/processes [1-9]/);
  await settle(1500);
  const still = await tui.waitFor(() => true);
  await settle();
  t.equal(await tui.waitFor(() => true), still, 'a paused replay holds still');

  tui.keys('?');
  await tui.waitFor(/─ keys .*key closes/); // (it scrolls where it does not fit)
  tui.keys('?');
  await tui.waitFor((x) => !/─ keys .*key closes/.test(x));
  await settle();
  t.equal(await tui.waitFor(() => true), still, 'the help overlay leaves nothing behind');

  tui.keys('\r');
  await tui.waitFor(/cwd|parent/);
  tui.keys('\x1b');
  await tui.waitFor((x) => !/cwd/.test(x));
  await settle();
  t.equal(await tui.waitFor(() => true), still, 'nor does the detail view');

  tui.resize(100, 30);
  await tui.waitFor((x) => x.split('\n')[0].length <= 100 && /processes/.test(x));
  await settle();
  tui.resize(160, 45);
  await settle(1000);
  t.equal(await tui.waitFor(() => true), still, 'a resize and back: the same screen');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
