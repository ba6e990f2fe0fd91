/**
 * Start-up: the first frame comes before the first samples, with every pane's border and name and
 * "collecting…" where no rate exists yet; the figures fill in after.
 */
import t from 'tap';
import { Tui } from '../../helpers/tui';

t.test('the first frame is drawn at once and filled in after', async (t) => {
  const tui = new Tui([], { cols: 120, rows: 40 });
  t.teardown(() => tui.kill());
  // The screen after each chunk the terminal receives, until the first one that shows the footer.
  const first = new Promise<string>((resolve) => {
    let done = false;
    tui.proc.onData(() =>
      tui.term.write('', () => {
        if (done) return;
        const s = tui.text();
        if (/q quit/.test(s)) {
          done = true;
          resolve(s);
        }
      }),
    );
  });
  const s = await first;
  for (const name of ['cpu', 'mem', 'net', 'disk', 'processes']) t.match(s, new RegExp(`┌─ ${name} ─`), `the first frame has the ${name} pane`);
  t.match(s, /collecting…/, 'saying it is collecting');
  t.notMatch(s, /NaN|undefined|Infinity/, 'and no number that is not one');
  const filled = await tui.waitFor((x) => /processes \d+\/\d+/.test(x) && /cpu \d+\/\d+ cores/.test(x));
  t.notMatch(filled, /collecting…/, 'then the figures replace it');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
