/**
 * Kept sysfs fds against real interfaces that come and go: inside a user and network namespace of our own
 * (unshare -rnm, with its own sysfs mounted), veth pairs are created, changed, deleted and re-created under
 * the same name while one SysfsAttrs and one NodeTier keep reading. Skipped where unprivileged namespaces
 * are not allowed.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import t from 'tap';

const SRC = path.join(__dirname, '..', '..', '..', 'src', 'sampler');

/** Runs in the namespace: every step's read, as JSON. */
const SCRIPT = `
const { execFileSync } = require('child_process');
const { SysfsAttrs } = require(${JSON.stringify(path.join(SRC, 'sysfs-attrs.js'))});
const { ReadBuf } = require(${JSON.stringify(path.join(SRC, 'procfile.js'))});
const { NodeTier } = require(${JSON.stringify(path.join(SRC, 'node-tier.js'))});
const ip = (...a) => execFileSync('ip', a);
const s = new SysfsAttrs(new ReadBuf(16));
const names = ['ifindex', 'mtu', 'carrier', 'operstate'];
const read = () => Object.fromEntries(s.read('/sys/class/net/v0', names));
const out = {};
ip('link', 'add', 'v0', 'mtu', '1400', 'type', 'veth', 'peer', 'name', 'v1');
out.created = read();
ip('link', 'set', 'v1', 'up'); ip('link', 'set', 'v0', 'up');
out.up = read();
ip('link', 'del', 'v0');
ip('link', 'add', 'v0', 'mtu', '1300', 'type', 'veth', 'peer', 'name', 'v1');
out.recreated = read();
ip('link', 'del', 'v0');
out.deleted = read();
const tier = new NodeTier({ procRoot: '/proc', sysRoot: '/sys' });
ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
out.tier1 = tier.read(1n).netclass.map((c) => c.iface).sort();
ip('link', 'del', 'v0');
out.tier2 = tier.read(2n).netclass.map((c) => c.iface).sort();
process.stdout.write(JSON.stringify(out));
`;

const probe = spawnSync('unshare', ['-rnm', 'sh', '-c', 'mount -t sysfs sysfs /sys && ip link add v0 type veth peer name v1'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `no unprivileged network namespace with veth here (${(probe.stderr || probe.error?.message || '').trim()})`;

t.test('kept sysfs fds follow interfaces that are deleted and re-created under the same name', { skip }, async (t) => {
  const r = spawnSync('unshare', ['-rnm', 'sh', '-c', 'mount -t sysfs sysfs /sys && exec "$0" -e "$1"', process.execPath, SCRIPT], { encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, Record<string, string | null> | string[]>;
  const c = out.created as Record<string, string | null>;
  t.equal(c.mtu, '1400\n');
  t.equal(c.operstate, 'down\n');
  t.equal(c.carrier, null, 'carrier of a down link: refused (EINVAL), null');
  const u = out.up as Record<string, string | null>;
  t.equal(u.carrier, '1\n', 'the same kept fd answers once the link is up');
  t.equal(u.ifindex, c.ifindex);
  const re = out.recreated as Record<string, string | null>;
  t.equal(re.mtu, '1300\n', 'a re-created interface is read through new fds: its own mtu');
  t.not(re.ifindex, c.ifindex, 'and its own ifindex');
  const d = out.deleted as Record<string, string | null>;
  t.same(Object.values(d), [null, null, null, null], 'a deleted interface reads as absent');
  t.same(out.tier1, ['lo', 'v0', 'v1']);
  t.same(out.tier2, ['lo'], 'the node tier drops a deleted interface (its peer goes with it)');
});
