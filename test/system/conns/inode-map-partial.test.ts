/**
 * Large fd tables read in part (InodeMap, PARTIAL_MIN_FDS): when the count of a table of 256+ fds moves,
 * only its new fd numbers' links are read; a number closed and reused in between keeps its old link until
 * the table is read whole (fullEveryMs later, or by a sweep with `whole`, the chase's last resort). Small
 * tables are read whole as before. Fixture fd tables, ground truth written by the test; the TypeScript
 * reference and the native core (when built) must read the same links and give the same map.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { InodeMap, PARTIAL_MIN_FDS, RefreshResult } from '../../../src/sampler/conns/inode-map';
import { loadNative } from '../../../src/sampler/native/load';
import { bigTable as big, setFds } from '../../helpers/conns/fd-dirs';

const { addon } = loadNative();
const NOW = 1_000_000_000n;
const SEC = 1_000_000_000n;
const FAR = 10n ** 18n;


t.test('a large table whose count moved: new fd numbers read, reused ones at the next whole read', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fdpartial-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const N = PARTIAL_MIN_FDS + 44;
  setFds(root, 100, big(N, { 5: 1005, 7: 1007 }));
  setFds(root, 200, { 3: 'socket:[2003]' });
  const maps = [new InodeMap({ procRoot: root, fullEveryMs: 30_000 })];
  if (addon) maps.push(new InodeMap({ procRoot: root, fullEveryMs: 30_000, native: addon }));
  const step = (label: string, fn: (m: InodeMap) => RefreshResult, want: Partial<RefreshResult>, owners: Record<number, number[] | undefined>): void => {
    for (const [i, m] of maps.entries()) {
      const who = i === 0 ? 'ts' : 'native';
      const r = fn(m);
      t.match(r, want, `${who}, ${label}: tables and links read`);
      for (const [ino, pids] of Object.entries(owners)) t.same(m.pidsOf(Number(ino)), pids, `${who}, ${label}: owners of ${ino}`);
      m.takeReread();
    }
  };

  step('first pass', (m) => m.sweep(NOW, FAR, { fresh: true }), { complete: true, reread: 2, links: N + 1 }, { 1005: [100], 1007: [100], 2003: [200] });

  // Two new fds (one a socket), and fd 7's socket closed and its number reused for another.
  setFds(root, 100, big(N + 2, { 5: 1005, 7: 1777, [N + 1]: 1301 }));
  // The same in the small table: read whole, the reused number is seen at once.
  setFds(root, 200, { 3: 'socket:[2333]', 4: '/dev/null' });
  step(
    'count moved',
    (m) => m.sweep(NOW + SEC, FAR, { fresh: true }),
    { reread: 2, links: 2 + 2 },
    { 1301: [100], 1005: [100], 1007: [100], 1777: undefined, 2333: [200], 2003: undefined },
  );

  step('nothing moved', (m) => m.sweep(NOW + 2n * SEC, FAR, { fresh: true }), { reread: 0, links: 0 }, { 1007: [100] });

  // The chase's last resort, in the same read as a partial read: the table read in part is read whole.
  step(
    'whole, after a partial read',
    (m) => m.sweep(NOW + 2n * SEC, FAR, { fresh: true, once: true, whole: true }),
    { reread: 1, links: N + 2 },
    { 1777: [100], 1007: undefined, 1301: [100], 2333: [200] },
  );
  step('whole again: nothing read in part since', (m) => m.sweep(NOW + 3n * SEC, FAR, { fresh: true, whole: true }), { reread: 0, links: 0 }, {});

  // Reused again with the count moving; the whole read comes fullEveryMs after the last one.
  setFds(root, 100, big(N + 3, { 5: 1888, 7: 1777, [N + 1]: 1301 }));
  step('partial again', (m) => m.sweep(NOW + 4n * SEC, FAR, { fresh: true }), { reread: 1, links: 1 }, { 1005: [100], 1888: undefined });
  step('before fullEveryMs', (m) => m.sweep(NOW + 30n * SEC, FAR, { fresh: true }), { reread: 0 }, { 1005: [100] });
  step('after fullEveryMs', (m) => m.sweep(NOW + 33n * SEC, FAR, { fresh: true }), { reread: 2, links: N + 3 + 2 }, { 1005: undefined, 1888: [100], 2333: [200] });

  // A table that shrank below the threshold is read whole.
  setFds(root, 100, big(10, { 5: 1999 }));
  step('shrunk', (m) => m.sweep(NOW + 34n * SEC, FAR, { fresh: true }), { reread: 1 }, { 1999: [100], 1888: undefined, 1777: undefined, 1301: undefined });
  t.same([...maps[0].holders()].map((h) => [h.pid, [...h.socks]]), [
    [100, [1999]],
    [200, [2333]],
  ]);
});
