/**
 * A Recording opened while a recorder still appends reads the file as it stood when opened: last() and
 * pairAt(last().s) agree. Before, last() re-read max(s) while the sessions kept the end seen at open, so
 * pairAt(last().s) failed with "no sample N" (exit 65) on a file being written.
 */
import * as path from 'path';
import t from 'tap';
import { Sampler } from '../../../src/sampler/sampler';
import { Recording } from '../../../src/store/recording/reader';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { tmpDir } from '../../helpers/tmp';

t.test('a recording being written: last() is the last sample as of open, and its pair rebuilds', async (t) => {
  const file = path.join(tmpDir(t), 'live.vigil');
  const sampler = new Sampler({ intervalMs: 100, procIntervalMs: 100 });
  t.teardown(() => sampler.close());
  const w = RecordingWriter.open(file, { host: sampler.host, intervalMs: 100, procIntervalMs: 100, vigilVersion: 'test' });
  for (let i = 0; i < 3; i++) w.add(sampler.sample(undefined, true));
  w.flush();
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  const seen = rec.last();
  t.ok(seen, 'samples at open');
  // The recorder goes on after the reader opened the file.
  for (let i = 0; i < 3; i++) w.add(sampler.sample(undefined, true));
  w.flush();
  const last = rec.last();
  t.equal(last?.s, seen?.s, 'last() stays where the file stood at open');
  const pair = rec.pairAt(last!.s);
  t.equal(pair.s, last!.s, 'its pair rebuilds');
  w.close();
  const again = Recording.open(file);
  t.teardown(() => again.close());
  t.equal(again.last()!.s, seen!.s + 3, 'opened again, the new samples are there');
});
