/**
 * The connections tier's fd scan through the native core (native/sampler/fdsocks.c) against its
 * TypeScript reference (VIGIL_SAMPLER=ts): the same fixture fd tables, changed step by step, and the live
 * /proc must give equal maps (owners of every inode, holders with their comm and sockets, denied pids) and
 * equal counts of tables and links read. Skips, saying why, when the addon was not built.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { InodeMap } from '../../../src/sampler/conns/inode-map';
import { loadNative } from '../../../src/sampler/native/load';
import { setFds } from '../../helpers/conns/fd-dirs';

const { addon, error } = loadNative();
const skip = addon ? false : `the native sampler core is not built here (${error})`;

const NOW = 1_000_000_000n;
const FAR = 10n ** 18n;


/** Everything a map says, in a form tap compares. */
function state(m: InodeMap, inodes: number[]) {
  return {
    holders: [...m.holders()].map((h) => ({ pid: h.pid, comm: h.comm, socks: [...h.socks] })).sort((a, b) => a.pid - b.pid),
    owners: inodes.map((i) => [i, m.pidsOf(i) ?? null]),
    denied: m.denied(),
  };
}

t.test('fixture fd tables, hostile links included: equal maps and equal reads, step by step', { skip }, async (t: Test) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fdnative-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const many: Record<number, string> = {};
  // More sockets than the native side's first buffer holds (it grows and reads again).
  for (let fd = 0; fd < 700; fd++) many[fd] = fd % 7 === 0 ? '/dev/null' : `socket:[${100_000 + (fd % 500)}]`;
  setFds(root, 100, { 0: '/dev/null', 3: 'socket:[5000]', 4: 'socket:[5001]', 5: 'socket:[5001]' });
  setFds(root, 200, {
    0: 'socket:[5000]',
    1: 'socket:[4294967295]',
    2: 'socket:[4294967296]',
    3: 'socket:[99999999999]',
    4: 'socket:[]',
    5: 'socket:[12a]',
    6: 'socket:[7',
    7: `socket:[${'1'.repeat(80)}]`,
    8: 'pipe:[9]',
    9: 'anon_inode:[eventfd]',
    10: '/tmp/a file) with (odd) name\nand a newline',
    11: 'socket:[0]',
    12: 'socket:[00042]',
  });
  setFds(root, 300, {});
  setFds(root, 400, many);
  fs.mkdirSync(path.join(root, '500')); // a pid whose fd directory is gone (exited between listing and stat)
  const inodes = [0, 7, 42, 5000, 5001, 4294967295, 100_001, 100_499, 9];
  const ts = new InodeMap({ procRoot: root, fullEveryMs: 60_000 });
  const nat = new InodeMap({ procRoot: root, fullEveryMs: 60_000, native: addon });
  const step = (label: string, nowNs: bigint): void => {
    const a = ts.sweep(nowNs, FAR, { fresh: true });
    const b = nat.sweep(nowNs, FAR, { fresh: true });
    t.same(b, a, `${label}: the same tables and links read`);
    t.same(state(nat, inodes), state(ts, inodes), `${label}: the same map`);
    t.same(nat.takeReread(), ts.takeReread(), `${label}: the same processes re-read`);
  };
  step('first pass', NOW);
  t.same(ts.pidsOf(4294967295), [200], 'the largest 32-bit inode is a socket');
  t.same(ts.pidsOf(42), [200], 'leading zeros read as the number');
  t.same(ts.holders().next().value?.socks, [5000, 5001], 'dup counted once');
  step('nothing changed', NOW + 1_000_000_000n);
  setFds(root, 300, { 3: 'socket:[7]' });
  setFds(root, 100, { 3: 'socket:[5000]', 4: 'socket:[42]', 6: 'socket:[5001]' });
  step('a new socket, and a changed table', NOW + 2_000_000_000n);
  step('every holder after fullEveryMs', NOW + 70_000_000_000n);
  fs.renameSync(path.join(root, '200'), path.join(root, 'x200'));
  setFds(root, 200, { 3: 'socket:[9]' });
  fs.rmSync(path.join(root, '400'), { recursive: true });
  step('a reused pid and an exit', NOW + 71_000_000_000n);
  const h = ts.checkHolders(NOW + 72_000_000_000n, FAR);
  t.same(nat.checkHolders(NOW + 72_000_000_000n, FAR), h, 'checkHolders reads alike');
});

t.test('the live /proc: equal socket lists for every process whose fd table held still', { skip }, async (t: Test) => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', () => r()));
  t.teardown(() => {
    client.destroy();
    srv.close();
  });
  const sweep = (m: InodeMap): void => {
    m.sweep(process.hrtime.bigint(), FAR, { fresh: true });
  };
  const socksOf = (m: InodeMap): Map<number, string> => new Map([...m.holders()].map((h) => [h.pid, h.socks.join(',')]));
  // Ground truth is the TypeScript map read before and after the native one: a process (on this busy
  // machine) whose sockets moved in between says nothing about either reader, and is left out.
  const before = new InodeMap();
  const nat = new InodeMap({ native: addon });
  const after = new InodeMap();
  sweep(before);
  sweep(nat);
  sweep(after);
  const b = socksOf(before);
  const n = socksOf(nat);
  const a = socksOf(after);
  let compared = 0;
  for (const pid of new Set([...b.keys(), ...a.keys(), ...n.keys()])) {
    if (b.get(pid) !== a.get(pid)) continue;
    compared++;
    if (n.get(pid) !== b.get(pid)) t.fail(`pid ${pid}: native ${n.get(pid)} vs ${b.get(pid)}`);
  }
  t.ok(n.has(process.pid), 'this process holds sockets');
  t.equal(n.get(process.pid), b.get(process.pid), 'its sockets, listener and both ends of a connection included');
  t.ok(n.get(process.pid)!.split(',').length >= 3);
  t.ok(compared >= 1, `${compared} processes compared`);
  t.same(nat.denied(), before.denied().filter((p) => after.denied().includes(p)), 'the same processes denied');
});
