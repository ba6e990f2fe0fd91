/**
 * SysfsAttrs on a directory of ordinary files standing in for /sys/class/net/IFACE: values re-read through
 * kept fds, absent files null, the bound on kept fds, and fds closed for directories that are gone.
 * (A refused read, EINVAL, needs the real sysfs: test/system/sampler/node-tier.test.ts reads it.)
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { ReadBuf } from '../../../src/sampler/procfile';
import { SysfsAttrs } from '../../../src/sampler/sysfs-attrs';
import { tmpDir } from '../../helpers/tmp';

const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

function iface(root: string, name: string, attrs: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(attrs)) fs.writeFileSync(path.join(dir, k), v);
  return dir;
}

t.test('kept fds give the current value; absent attributes are null', async (t) => {
  const root = tmpDir(t);
  const eth = iface(root, 'eth0', { mtu: '1500\n', operstate: 'up\n' });
  const s = new SysfsAttrs(new ReadBuf(64));
  t.teardown(() => s.close());
  const before = openFds();
  t.same([...s.read(eth, ['mtu', 'operstate', 'speed'])], [['mtu', '1500\n'], ['operstate', 'up\n'], ['speed', null]]);
  t.equal(openFds(), before + 2, 'two fds kept, none for the absent file');
  fs.writeFileSync(path.join(eth, 'mtu'), '9000\n'); // same inode: what the kept fd sees
  t.equal(s.read(eth, ['mtu']).get('mtu'), '9000\n', 'a changed value is read through the kept fd');
  t.equal(openFds(), before + 2, 'no new fd');
  s.keepOnly(new Set());
  t.equal(openFds(), before, 'a directory that is gone has its fds closed');
  t.equal(s.read(eth, ['mtu']).get('mtu'), '9000\n', 'and is opened afresh when read again');
});

t.test('past the bound, attributes are read with open + read + close', async (t) => {
  const root = tmpDir(t);
  const a = iface(root, 'a', { x: '1', y: '2', z: '3' });
  const s = new SysfsAttrs(new ReadBuf(64), 2);
  t.teardown(() => s.close());
  const before = openFds();
  t.same([...s.read(a, ['x', 'y', 'z'])], [['x', '1'], ['y', '2'], ['z', '3']], 'every value read');
  t.equal(openFds(), before + 2, 'only two kept');
  s.close();
  t.equal(openFds(), before, 'close() closes them');
});
