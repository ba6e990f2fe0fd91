/**
 * The replay cursor's cgroup rows (what replay's cgroups view shows) at every sample of the schema-v4
 * fixtures, reached by seeks (rebuilt from keyframes, groups carried over them) and by stepping, against
 * the rows export derives for the latest cgroup read at or before that sample; none before the first read,
 * and none at all from a recording without the tier.
 */
import * as path from 'path';
import t from 'tap';
import type { CgroupSnap } from '../../../src/model/cgroups';
import { ReplayCursor } from '../../../src/store/recording/cursor';
import { Recording } from '../../../src/store/recording/reader';
import { snapshots } from '../../../src/store/recording/snapshots';
import { canonical } from '../../helpers/fixture-digest';
import { FIXTURES } from '../../helpers/paths';

const REC = path.join(FIXTURES, 'recordings');

/** Per sample id: export's cgroup rows of the latest read at or before it (undefined: no read yet). */
function exportedBySample(rec: Recording): Map<number, CgroupSnap[] | undefined> {
  const out = new Map<number, CgroupSnap[] | undefined>();
  let latest: CgroupSnap[] | undefined;
  // The session's first sample has no pair to derive: export has no row for a read there.
  const first = rec.first()!.s;
  out.set(first, latest);
  for (const { pair, snap } of snapshots(rec.pairs(first, rec.last()!.s, { cgroups: true }))) {
    if (snap.cgroups) latest = snap.cgroups;
    out.set(pair.s, latest);
  }
  return out;
}

for (const name of ['schema-v4-synth', 'schema-v4']) {
  t.test(`${name}: the cursor's cgroup rows are export's, by seek and by step`, async (t) => {
    const rec = Recording.open(path.join(REC, `${name}.vigil`));
    t.teardown(() => rec.close());
    t.equal(rec.hasCgroups(), true, 'the file holds cgroup reads');
    const want = exportedBySample(rec);
    const cur = new ReplayCursor(rec, { cgroups: true });
    const first = rec.first()!.s;
    const last = rec.last()!.s;
    let compared = 0;
    for (let s = first; s <= last; s++) {
      cur.seek(s);
      const got = cur.cgroups();
      const w = want.get(s);
      // The session's first read has no read before it: gauges without rates (export has no row there).
      if (w === undefined) {
        if (got !== null) t.ok(got.every((g) => g.cpu_pct === null), `sample ${s}: the first read's rows have no rates`);
        continue;
      }
      if (canonical(got) !== canonical(w)) t.fail(`seek to sample ${s}: rows differ from export's`);
      compared++;
    }
    t.ok(compared > 0, `${compared} moments compared by seek`);
    // Playback: step from the start, the same rows at every sample.
    cur.first();
    let stepped = 0;
    for (let s = first + 1; s <= last; s++) {
      const p = cur.next();
      if (p === null || p.s !== s) throw new Error(`step to ${s} failed`);
      const w = want.get(s);
      if (w === undefined) continue;
      if (canonical(cur.cgroups()) !== canonical(w)) t.fail(`step to sample ${s}: rows differ from export's`);
      stepped++;
    }
    t.equal(stepped, compared, 'the same moments by step');
  });
}

t.test('schema-v3: no cgroup data', async (t) => {
  const rec = Recording.open(path.join(REC, 'schema-v3.vigil'));
  t.teardown(() => rec.close());
  t.equal(rec.hasCgroups(), false);
  const cur = new ReplayCursor(rec, { cgroups: true });
  cur.last();
  t.equal(cur.cgroups(), null, 'the cursor has no rows to give');
});
