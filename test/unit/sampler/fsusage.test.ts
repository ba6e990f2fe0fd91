import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { FsUsage, selectMounts } from '../../../src/sampler/fsusage';
import { parseMountinfo } from '../../../src/sampler/parse/mountinfo';
import { sleep } from '../../helpers/proc';

const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '22 27 0:21 / /proc rw - proc proc rw',
  '23 27 0:22 / /sys rw - sysfs sysfs rw',
  '31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw',
  '50 27 254:0 /srv /srv/bind rw - ext4 /dev/vda rw', // a bind mount of the root device
  '51 27 0:40 / /mnt/nfs rw - nfs4 server:/export rw',
  '52 27 0:41 / /mnt/sshfs rw - fuse.sshfs me@host: rw',
  '53 27 0:42 / /media/my\\040disk rw - vfat /dev/sdb1 rw',
  '25 27 0:23 / /dev/shm rw - tmpfs tmpfs rw',
  '30 25 0:27 / /dev/shm rw - tmpfs tmpfs rw', // over-mounted: the later one is what /dev/shm shows
].join('\n');

t.test('selectMounts: local data filesystems, once per device, as df', async (t) => {
  const chosen = selectMounts(parseMountinfo(MOUNTINFO), false);
  t.same(chosen.map((m) => m.mountPoint), ['/', '/dev/shm', '/media/my disk']);
  t.equal(chosen.find((m) => m.mountPoint === '/dev/shm')?.majorMinor, '0:27', 'the top mount wins');
  const remote = selectMounts(parseMountinfo(MOUNTINFO), true).map((m) => m.mountPoint);
  t.ok(remote.includes('/mnt/nfs') && remote.includes('/mnt/sshfs'), 'remote ones only when asked for');
});

t.test('selectMounts: mount points in code-unit order (strcmp), not the locale\'s', async (t) => {
  // One device each; the locale's order would put /mnt/a_b and /mnt/a-b before /mnt/a/b.
  const text = ['/mnt/a_b', '/Backup', '/mnt/a/b', '/data', '/mnt/a-b', '/', '/mnt/A']
    .map((mp, i) => `${60 + i} 27 8:${i} / ${mp} rw - ext4 /dev/sd${String.fromCharCode(97 + i)} rw`)
    .join('\n');
  const got = selectMounts(parseMountinfo(text), false).map((m) => m.mountPoint);
  t.same(got, ['/', '/Backup', '/data', '/mnt/A', '/mnt/a-b', '/mnt/a/b', '/mnt/a_b']);
  t.same(got, [...got].sort(), 'the same order as a plain sort');
});

t.test('real statfs of this machine: / is there with sane sizes', async (t) => {
  const u = new FsUsage({ intervalMs: 50 });
  u.start();
  t.teardown(() => u.stop());
  let root;
  for (let i = 0; i < 100 && !root; i++) {
    await sleep(20);
    root = u.latest().find((f) => f.mount === '/');
  }
  t.ok(root, 'root filesystem reported');
  const st = fs.statfsSync('/');
  t.equal(root?.size_bytes, st.blocks * st.bsize);
  t.ok((root?.avail_bytes ?? -1) >= 0 && (root?.avail_bytes ?? 0) <= (root?.size_bytes ?? 0));
});

t.test('a statfs that never answers is left out, never waited for', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-mi-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'self'));
  fs.writeFileSync(path.join(dir, 'self', 'mountinfo'), '27 1 254:0 / / rw - ext4 /dev/vda rw\n61 27 0:50 / /hung rw - ext4 /dev/sdz rw\n');
  let calls = 0;
  const hanging = ((p: string, cb: (err: NodeJS.ErrnoException | null, st: fs.StatsFs) => void) => {
    calls++;
    if (p === '/hung' && calls > 2) return; // answers once, then hangs like a dead server
    cb(null, { bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5, type: 0 } as fs.StatsFs);
  }) as unknown as typeof fs.statfs;
  const u = new FsUsage({ procRoot: dir, intervalMs: 1000, timeoutMs: 30, statfs: hanging });
  u.poll();
  t.same(u.latest().map((f) => f.mount).sort(), ['/', '/hung']);
  u.poll(); // /hung's call now never returns
  u.poll();
  t.same(u.stalled(), [], 'not stalled before the timeout');
  await sleep(60);
  t.same(u.latest().map((f) => f.mount), ['/'], 'the hung mount is left out');
  t.same(u.stalled(), ['/hung']);
  const before = calls;
  u.poll();
  t.equal(calls, before + 1, 'no second call is stacked on the hung one');
});

t.test('status(): read-only by mount or superblock, device_error on a failed statfs, stalled mounts left out', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-mi-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'self'));
  fs.writeFileSync(path.join(dir, 'self', 'mountinfo'), [
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '60 27 0:50 / /ro-mount ro,relatime - ext4 /dev/sdb rw',
    '61 27 0:51 / /ro-super rw - ext4 /dev/sdc ro,errors=continue',
    '62 27 0:52 / /broken rw - ext4 /dev/sdd rw',
    '63 27 0:53 / /hung rw - ext4 /dev/sde rw',
    '',
  ].join('\n'));
  const statfs = ((p: string, cb: (err: NodeJS.ErrnoException | null, st?: fs.StatsFs) => void) => {
    if (p === '/broken') return cb(Object.assign(new Error('EIO'), { code: 'EIO' }));
    if (p === '/hung') return; // never answers
    cb(null, { bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5, type: 0 } as fs.StatsFs);
  }) as unknown as typeof fs.statfs;
  const u = new FsUsage({ procRoot: dir, intervalMs: 1000, timeoutMs: 30, statfs });
  u.poll();
  const st = new Map(u.status().map((s) => [s.mount, s]));
  t.same([...st.keys()].sort(), ['/', '/broken', '/ro-mount', '/ro-super'], 'the mount that never answered has no status');
  t.same([st.get('/')!.readonly, st.get('/ro-mount')!.readonly, st.get('/ro-super')!.readonly], [false, true, true]);
  t.same([st.get('/')!.device_error, st.get('/broken')!.device_error], [false, true]);
  t.same(st.get('/ro-mount'), { mount: '/ro-mount', source: '/dev/sdb', fstype: 'ext4', readonly: true, device_error: false });
  t.notOk(u.latest().some((f) => f.mount === '/broken'), 'a failed statfs has no sizes');
});
