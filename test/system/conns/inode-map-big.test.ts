/**
 * Large fd tables whose count moved, put off (InodeMap, SweepOptions.big): the background sweep ('due') does
 * not list them until their last read is fullEveryMs old; the chase ('last') reads them after every other
 * process, grown ones first, newest first, and stops once `until` says the new socket was found. Small
 * tables, new processes and tables due are read as before. Fixture fd tables, ground truth written by the
 * test; the TypeScript reference and the native core (when built) must read the same tables and give the
 * same map.
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

t.test('large changed tables: left unlisted by the background sweep, read last by the chase', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fdbig-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const N = PARTIAL_MIN_FDS + 44;
  setFds(root, 100, big(N, { 5: 1005 }));
  setFds(root, 200, { 3: 'socket:[2003]' });
  setFds(root, 300, big(N, {}));
  setFds(root, 400, big(N, { 4: 4004 }));
  const maps = [new InodeMap({ procRoot: root, fullEveryMs: 30_000 })];
  if (addon) maps.push(new InodeMap({ procRoot: root, fullEveryMs: 30_000, native: addon }));
  const step = (
    label: string,
    fn: (m: InodeMap) => RefreshResult,
    want: Partial<RefreshResult>,
    owners: Record<number, number[] | undefined>,
    reread?: number[],
  ): void => {
    const got: RefreshResult[] = [];
    for (const [i, m] of maps.entries()) {
      const who = i === 0 ? 'ts' : 'native';
      const r = fn(m);
      got.push(r);
      t.match(r, want, `${who}, ${label}: tables, links and listings`);
      for (const [ino, pids] of Object.entries(owners)) t.same(m.pidsOf(Number(ino)), pids, `${who}, ${label}: owners of ${ino}`);
      const rr = m.takeReread();
      if (reread) t.same(rr, reread, `${who}, ${label}: processes read, in order`);
    }
    if (got.length === 2) t.same(got[1], got[0], `${label}: native reads what TypeScript reads`);
  };
  const listings = (pid: number): number[] => maps.map((m) => m.listingsOf(pid));

  step('first pass', (m) => m.sweep(NOW, FAR, { fresh: true, big: 'due' }), { complete: true, reread: 4, listings: 4, listed: 3 * N + 1 }, {
    1005: [100],
    2003: [200],
    4004: [400],
  });

  // Every big table's count moves (one gains a socket), and the small one's too.
  setFds(root, 100, big(N + 2, { 5: 1005, [N + 1]: 1301 }));
  setFds(root, 300, big(N + 1, {}));
  setFds(root, 400, big(N - 1, { 4: 4004 }));
  setFds(root, 200, { 3: 'socket:[2003]', 4: 'socket:[2004]' });
  step('background, count moved', (m) => m.sweep(NOW + SEC, FAR, { fresh: true, big: 'due' }), { complete: true, reread: 1, listings: 1, listed: 2 }, {
    2004: [200],
    1301: undefined,
  });
  t.same(listings(100), maps.map(() => 1), 'the large table was not listed again');
  step('a holder check that puts large tables off', (m) => m.checkHolders(NOW + 2n * SEC, FAR, false, true), { reread: 0, listings: 0 }, { 1301: undefined });
  // The chase: a new socket in the table without sockets; the grown tables are read first, newest first,
  // and the call ends once it is found. The small table that changed is read in the pass itself.
  setFds(root, 100, big(N + 3, { 5: 1005, [N + 1]: 1301, [N + 2]: 1302 }));
  setFds(root, 300, big(N + 2, { [N + 1]: 3301 }));
  setFds(root, 400, big(N - 2, { 4: 4004 }));
  setFds(root, 200, { 3: 'socket:[2003]' });
  const found = (m: InodeMap) => (): boolean => m.pidsOf(3301) !== undefined;
  step(
    'chase: small first, then the newest grown table',
    (m) => m.sweep(NOW + 3n * SEC, FAR, { fresh: true, once: true, big: 'last', until: found(m) }),
    { complete: false, reread: 2, listings: 2, links: 1 + 2, listed: 1 + N + 2 },
    { 3301: [300], 1301: undefined, 2004: undefined },
    [200, 300],
  );
  step(
    'chase goes on: the other grown table, then the one that shrank',
    (m) => m.sweep(NOW + 3n * SEC, FAR, { once: true, big: 'last' }),
    { complete: true, reread: 2, listings: 2, links: 3, listed: N + 3 + N - 2 },
    { 1301: [100], 1302: [100], 4004: [400] },
    [100, 400],
  );
  step('nothing moved since', (m) => m.sweep(NOW + 4n * SEC, FAR, { fresh: true, big: 'last' }), { complete: true, reread: 0, listings: 0 }, {});

  // Counts moving again, no new socket: nothing listed until the tables are fullEveryMs old, then read whole.
  setFds(root, 100, big(N + 4, { 5: 1005, [N + 1]: 1301, [N + 2]: 1302 }));
  setFds(root, 300, big(N + 3, { [N + 1]: 3301 }));
  step('background, before fullEveryMs', (m) => m.sweep(NOW + 29n * SEC, FAR, { fresh: true, big: 'due' }), { reread: 0, listings: 0 }, {});
  step(
    'background, fullEveryMs after the last whole read',
    (m) => m.sweep(NOW + 31n * SEC, FAR, { fresh: true, big: 'due' }),
    { reread: 3, listings: 3, links: N + 4 + (N + 3) + (N - 2), listed: N + 4 + (N + 3) + (N - 2) },
    { 1302: [100], 3301: [300], 4004: [400] },
    [100, 300, 400],
  );
  t.same(
    [...maps[0].holders()].map((h) => [h.pid, [...h.socks]]),
    [
      [100, [1005, 1301, 1302]],
      [200, [2003]],
      [300, [3301]],
      [400, [4004]],
    ],
  );
  t.equal(maps[0].listingsOf(999), -1, 'a pid the map does not know');
});

t.test('a listener holder checked for a new connection: read even if its count held, a large one in part', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fdbig-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const N = PARTIAL_MIN_FDS + 10;
  setFds(root, 500, big(N, { 3: 5000, 4: 5001, 5: 5002, 6: 7777 }));
  setFds(root, 600, { 3: 'socket:[6000]', 4: 'socket:[6001]' });
  const maps = [new InodeMap({ procRoot: root, fullEveryMs: 30_000 })];
  if (addon) maps.push(new InodeMap({ procRoot: root, fullEveryMs: 30_000, native: addon }));
  for (const m of maps) m.sweep(NOW, FAR, { fresh: true });
  // Connection 5002 closed, its fd number reused for 5003: the count did not move. Same in the small table.
  setFds(root, 500, big(N, { 3: 5000, 4: 5001, 5: 5003, 6: 7777 }));
  setFds(root, 600, { 3: 'socket:[6000]', 4: 'socket:[6002]' });
  const live = new Set([5000, 5001, 5003, 6000, 6002]); // the dump's TCP sockets; 7777 is a Unix socket
  const results = maps.map((m) => {
    t.same(m.checkPids([500, 600], NOW + SEC), { complete: true, reread: 0, links: 0, listings: 0, listed: 0 }, 'without `live`: count unchanged, nothing read');
    const r = m.checkPids([500, 600], NOW + SEC, (ino) => live.has(ino));
    t.same(m.pidsOf(5003), [500], 'the reused number read again');
    t.same(m.pidsOf(6002), [600]);
    t.same(m.pidsOf(5002), undefined);
    t.same(m.pidsOf(7777), [500], 'the socket outside the dump read again, still there');
    // Read in part: the whole read follows the next time one is asked for.
    t.same(m.checkPids([500], NOW + SEC), { complete: true, reread: 1, links: N, listings: 1, listed: N });
    return r;
  });
  t.same(results[0], { complete: true, reread: 2, links: 2 + 2, listings: 2, listed: N + 2 }, 'the large table: one listing, two links');
  if (results.length === 2) t.same(results[1], results[0], 'native reads what TypeScript reads');
});

t.test('a large table probed at the numbers a new socket most likely took: no listing', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fdbig-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const N = PARTIAL_MIN_FDS + 10;
  const fds = big(N, { 3: 5000, 4: 5001, 6: 7777 });
  delete fds[10]; // free at the first read
  setFds(root, 700, fds);
  setFds(root, 800, { 3: 'socket:[8000]' });
  const maps = [new InodeMap({ procRoot: root, fullEveryMs: 30_000 })];
  if (addon) maps.push(new InodeMap({ procRoot: root, fullEveryMs: 30_000, native: addon }));
  for (const m of maps) m.sweep(NOW, FAR, { fresh: true });
  // Accepted into the free number 10 and into 4 (whose connection closed), a client socket above the highest.
  setFds(root, 700, { ...big(N, { 3: 5000, 4: 5004, 6: 7777, 10: 5010 }), [N]: 'socket:[5011]' });
  setFds(root, 800, { 3: 'socket:[8000]', 4: 'socket:[8001]' });
  const live = new Set([5000, 5004, 5010, 5011, 8000, 8001]);
  const results = maps.map((m) => {
    m.takeReread();
    const r = m.probePids([700, 800], (ino) => live.has(ino));
    for (const ino of [5010, 5004, 5011, 5000, 7777]) t.same(m.pidsOf(ino), [700], `owners of ${ino}`);
    t.equal(m.pidsOf(5001), undefined, 'the closed connection is gone');
    t.equal(m.pidsOf(8001), undefined, 'a small table is not probed (its read is as cheap)');
    t.equal(m.listingsOf(700), 1, 'listed once, at its first read');
    t.same(m.takeReread(), [700]);
    // Still its count moved: the background sweep leaves it alone, the small one is read.
    t.match(m.sweep(NOW + SEC, FAR, { fresh: true, big: 'due' }), { reread: 1, listings: 1 });
    t.same(m.pidsOf(8001), [800]);
    t.same(m.pidsOf(5011), [700]);
    return r;
  });
  // Probed: 10 (free), 4 (5001 left the dump), 6 (7777 is not in the dump: a Unix socket), N..N+7 (above).
  t.same(results[0], { complete: true, reread: 0, links: 4, listings: 0, listed: 0 }, 'four links read, no listing');
  if (results.length === 2) t.same(results[1], results[0], 'native reads what TypeScript reads');
});
