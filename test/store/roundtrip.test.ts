import * as path from 'path';
import t from 'tap';
import { derive } from '../../src/derive';
import type { Sample, Snapshot } from '../../src/model';
import { Sampler } from '../../src/sampler/sampler';
import { Recording } from '../../src/store/recording/reader';
import { RecordingWriter } from '../../src/store/recording/writer';
import { sleep, tmpDir } from '../helpers/tmp';

/** The reader returns processes in pid order; /proc's readdir order is not quite that. */
function byPid(s: Snapshot): Snapshot {
  if (s.procs) s.procs.sort((x, y) => x.pid - y.pid);
  return s;
}

t.test('rates derived from read-back samples equal those derived live', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'rt.vigil');
  // Connections are not recorded yet: compare what is.
  const sampler = new Sampler({ intervalMs: 100, procIntervalMs: 300, connections: false });
  const w = RecordingWriter.open(file, { host: sampler.host, intervalMs: 100, procIntervalMs: 300, vigilVersion: 'test' });
  const live: Sample[] = [];
  for (let i = 0; i < 30; i++) {
    const s = sampler.sample();
    live.push(s);
    w.add(s);
    await sleep(100);
  }
  sampler.close();
  w.close();
  const rec = Recording.open(file);
  t.teardown(() => rec.close());
  const first = rec.first()!;
  const last = rec.last()!;
  t.equal(last.s - first.s + 1, live.length, 'every sample is in the file');
  let i = 0;
  let procSnaps = 0;
  for (const p of rec.pairs(first.s, last.s)) {
    const orig = live[i];
    t.equal(p.curr.t, orig.t);
    t.equal(p.curr.mono_ns, orig.mono_ns);
    if (i === 0) t.equal(p.prev, null, 'the first sample has no predecessor');
    else {
      const a = byPid(derive(live[i - 1], orig, sampler.host));
      const b = byPid(derive(p.prev!, p.curr, p.host));
      if (a.procs) procSnaps++;
      t.strictSame(b, a, `snapshot ${i}`);
    }
    t.strictSame(p.curr.sys, orig.sys, `system sample ${i} round-trips exactly`);
    i++;
  }
  t.equal(i, live.length);
  t.ok(procSnaps >= 5, `process tables compared (${procSnaps})`);
});
