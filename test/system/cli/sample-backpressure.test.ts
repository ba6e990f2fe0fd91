/** `vigil sample` against a reader slower than its ticks: it waits for the reader instead of queueing lines. */
import { Writable } from 'stream';
import t from 'tap';
import { runSample } from '../../../src/commands/sample';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('a stalled reader pauses sampling; when it drains, lines resume and cover the pause', async (t) => {
  const lines: string[] = [];
  const writtenAt: number[] = [];
  let release: (() => void) | null = null;
  // Accepts one line, then holds its callback (a full pipe) until released.
  const out = new Writable({
    highWaterMark: 1,
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      writtenAt.push(performance.now());
      release = cb;
    },
  });
  const done = runSample({ count: 3, intervalMs: 50, procIntervalMs: 100, debugTimings: false }, out);
  // The first line can come late on a busy machine (the sampler opens its readers first): wait for it,
  // then stall for a second.
  for (let waited = 0; lines.length === 0 && waited < 20_000; waited += 20) await sleep(20);
  await sleep(1000);
  t.equal(lines.length, 1, 'one line written; no more while the reader is stalled (20 ticks went by)');
  t.equal(out.writableLength, lines[0].length, 'nothing queued in memory beyond the line being written');
  const hold = release as (() => void) | null;
  t.ok(hold, 'the first line is being written');
  release = null;
  // The stall lasted from the first line's write to now (the first tick can come late on a busy machine,
  // so the stall is measured, not assumed to be the second slept).
  const stalledMs = performance.now() - writtenAt[0];
  hold!();
  // Now drain as lines come.
  const pump = setInterval(() => {
    const r = release as (() => void) | null;
    release = null;
    r?.();
  }, 5);
  await done;
  clearInterval(pump);
  t.equal(lines.length, 3);
  const second = JSON.parse(lines[1]);
  t.ok(second.interval_ms >= stalledMs - 60, `the line after the pause covers it (${second.interval_ms} ms over a ${stalledMs.toFixed(0)} ms stall)`);
});
