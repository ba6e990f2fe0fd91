/** The ticker's interval can change while it runs (the live screen's { and } keys). */
import t from 'tap';
import { Ticker } from '../../src/feed/ticker';

t.test('setInterval: the next tick comes one new interval later, and so on', async (t) => {
  const ticks: bigint[] = [];
  const ticker = new Ticker(10_000, (now) => ticks.push(now));
  ticker.start();
  const t0 = process.hrtime.bigint();
  ticker.setInterval(20);
  await new Promise((r) => setTimeout(r, 600));
  ticker.stop();
  t.ok(ticks.length >= 5, `a 20 ms ticker ticked ${ticks.length} times in 600 ms (a 10 s one would not have)`);
  t.ok(ticks.every((x, i) => i === 0 || x > ticks[i - 1]), 'in order');
  t.ok(Number(ticks[0] - t0) / 1e6 >= 19, 'not before one new interval');
  const stopped = ticks.length;
  ticker.setInterval(10);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(ticks.length, stopped, 'a stopped ticker stays stopped when its interval changes');
  t.notOk(ticker.running);
});
