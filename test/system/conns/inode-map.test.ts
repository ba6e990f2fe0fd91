import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { InodeMap } from '../../../src/sampler/conns/inode-map';
import { collectInodes, socketInode, UDP_INODE_FIELD, UNIX_INODE_FIELD } from '../../../src/sampler/conns/proc-net';
import { FIX } from '../../helpers/conns/fixtures';
import { setFds } from '../../helpers/conns/fd-dirs';

const inodesOf = (text: string | Buffer, field: number): number[] => {
  const b = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const s = new Set<number>();
  collectInodes(b, b.length, field, s);
  return [...s].sort((a, c) => a - c);
};

t.test('/proc/net/udp, udp6 and unix of this machine: the capture’s own sockets are found', async (t) => {
  const own = new Set<number>((JSON.parse(fs.readFileSync(path.join(FIX, 'proc-net.json'), 'utf8')) as { own_socket_inodes: number[] }).own_socket_inodes);
  const udp = inodesOf(fs.readFileSync(path.join(FIX, 'proc-net-udp')), UDP_INODE_FIELD);
  const udp6 = inodesOf(fs.readFileSync(path.join(FIX, 'proc-net-udp6')), UDP_INODE_FIELD);
  const unix = inodesOf(fs.readFileSync(path.join(FIX, 'proc-net-unix')), UNIX_INODE_FIELD);
  t.equal(udp.filter((i) => own.has(i)).length, 2, 'two UDP/IPv4 sockets');
  t.equal(udp6.filter((i) => own.has(i)).length, 1, 'one UDP/IPv6 socket');
  t.equal(unix.filter((i) => own.has(i)).length, 1, 'the Unix listener whose path has spaces');
  t.ok(unix.length >= 10, 'every row of the unix table, headers skipped');
  t.notOk(udp.includes(0));
});

t.test('socket tables: headers, garbage and short rows are skipped', async (t) => {
  const hdr = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';
  t.same(inodesOf(hdr, UDP_INODE_FIELD), []);
  t.same(inodesOf('', UDP_INODE_FIELD), []);
  const row = (inode: string): string => ` 9392: 0100007F:D2F8 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 ${inode} 2 000000005e15c563 0\n`;
  t.same(inodesOf(hdr + row('144066') + row('12x') + row('99999999999') + ' 1: short\n\n' + row('7'), UDP_INODE_FIELD), [7, 144066]);
  t.same(inodesOf(row('55').trimEnd(), UDP_INODE_FIELD), [55], 'no final newline');
  t.same(inodesOf('Num RefCount Protocol Flags Type St Inode Path\n0000: 00000002 00000000 00010000 0001 01 31 /tmp/a b c\n', UNIX_INODE_FIELD), [31]);
  t.same(inodesOf('0000: 00000002\t00000000 00010000 0001 01 32\n', UNIX_INODE_FIELD), [32], 'tabs separate too');
});

t.test('socket:[N] fd links', async (t) => {
  t.equal(socketInode('socket:[123]'), 123);
  t.equal(socketInode('socket:[4294967295]'), 4294967295);
  for (const s of ['socket:[]', 'socket:[12a]', 'socket:[1', 'pipe:[5]', '/dev/null', 'socket:[99999999999]', 'anon_inode:[eventfd]', '']) {
    t.equal(socketInode(s), 0, JSON.stringify(s));
  }
});

/** A fake /proc: pid → { fd number → link target }, plus comm. */
function fakeProc(tree: Record<number, Record<number, string>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-procfd-'));
  for (const [pid, fds] of Object.entries(tree)) setFds(root, Number(pid), fds);
  return root;
}

const NOW = 1_000_000_000n;
const FAR = 10n ** 18n;

t.test('inode map: an inode held by two pids (fork), dup counted once, files ignored', async (t) => {
  const root = fakeProc({
    100: { 0: '/dev/null', 3: 'socket:[5000]', 4: 'socket:[5001]', 5: 'socket:[5001]' },
    200: { 0: '/dev/null', 3: 'socket:[5000]', 7: 'pipe:[9]' },
    300: {},
  });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'self'));
  fs.mkdirSync(path.join(root, 'net'));
  const m = new InodeMap({ procRoot: root });
  const r = m.sweep(NOW, FAR, { fresh: true });
  t.ok(r.complete);
  t.equal(r.reread, 3);
  t.same(m.pidsOf(5000), [100, 200], 'parent and child both hold it');
  t.same(m.pidsOf(5001), [100]);
  t.equal(m.pidsOf(9), undefined, 'a pipe is not a socket');
  const holders = [...m.holders()].map((h) => ({ pid: h.pid, comm: h.comm, socks: [...h.socks] }));
  t.same(holders, [
    { pid: 100, comm: 'p100', socks: [5000, 5001] },
    { pid: 200, comm: 'p200', socks: [5000] },
  ]);
  t.same(m.denied(), []);
});

t.test('inode map is incremental: only changed fd tables are read again', async (t) => {
  const root = fakeProc({ 100: { 3: 'socket:[1]' }, 200: { 3: 'socket:[2]' }, 300: { 3: 'socket:[3]' } });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const m = new InodeMap({ procRoot: root, fullEveryMs: 60_000 });
  t.equal(m.sweep(NOW, FAR, { fresh: true }).reread, 3);
  const again = m.sweep(NOW + 1_000_000_000n, FAR, { fresh: true });
  t.equal(again.reread, 0, 'nothing changed: no readlink');
  t.equal(again.links, 0);

  setFds(root, 200, { 3: 'socket:[2]', 4: 'socket:[20]' });
  const r = m.sweep(NOW + 2_000_000_000n, FAR, { fresh: true });
  t.equal(r.reread, 1, 'only the process whose fd count moved');
  t.equal(r.links, 2);
  t.same(m.pidsOf(20), [200]);

  // Same count, different socket: invisible to the count, caught by the periodic re-read.
  setFds(root, 300, { 3: 'socket:[30]' });
  t.equal(m.sweep(NOW + 3_000_000_000n, FAR, { fresh: true }).reread, 0);
  t.same(m.pidsOf(3), [300], 'stale until the periodic read');
  t.equal(m.sweep(NOW + 62_000_000_000n, FAR, { fresh: true }).reread, 3, 'every socket holder after fullEveryMs');
  t.same(m.pidsOf(30), [300]);
  t.equal(m.pidsOf(3), undefined);

  // A new process under a reused pid: a new /proc/PID/fd inode, read again whatever its count.
  fs.renameSync(path.join(root, '200'), path.join(root, 'x200'));
  setFds(root, 200, { 3: 'socket:[21]', 4: 'socket:[22]' });
  t.equal(m.sweep(NOW + 62_500_000_000n, FAR, { fresh: true }).reread, 1, 'pid reuse is seen by the inode number');
  t.same(m.pidsOf(21), [200]);
  t.equal(m.pidsOf(2), undefined);

  // A process that exits takes its inodes with it.
  fs.rmSync(path.join(root, '100'), { recursive: true });
  m.sweep(NOW + 63_000_000_000n, FAR, { fresh: true });
  t.equal(m.pidsOf(1), undefined);
  t.same([...m.holders()].map((h) => h.pid), [200, 300]);
  fs.rmSync(path.join(root, 'x200'), { recursive: true });
});

t.test('inode map: a sweep past its deadline stops and resumes where it stopped', async (t) => {
  const tree: Record<number, Record<number, string>> = {};
  for (let pid = 10; pid < 20; pid++) tree[pid] = { 3: `socket:[${pid * 100}]` };
  const root = fakeProc(tree);
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const m = new InodeMap({ procRoot: root, fullEveryMs: 60_000 });
  // A deadline already passed: each sweep checks one process (the first is always done) and stops.
  const seen = new Set<number>();
  let sweeps = 0;
  for (; sweeps < 20; sweeps++) {
    const r = m.sweep(NOW, 0n);
    for (const h of m.holders()) seen.add(h.pid);
    if (r.complete) break;
  }
  t.equal(seen.size, 10, 'every process was reached over successive sweeps');
  t.ok(sweeps >= 9, `${sweeps + 1} sweeps of one process each`);
  for (let pid = 10; pid < 20; pid++) t.same(m.pidsOf(pid * 100), [pid]);
});

t.test('inode map: rolling sweeps, holders first, and owner arrays that never change under a reader', async (t) => {
  const tree: Record<number, Record<number, string>> = {};
  for (let pid = 10; pid < 20; pid++) tree[pid] = pid < 12 ? { 3: `socket:[${pid * 100}]` } : { 0: '/dev/null' };
  const root = fakeProc(tree);
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const m = new InodeMap({ procRoot: root, fullEveryMs: 60_000 });
  t.equal(m.passLength, 10);
  let passes = 0;
  for (let i = 0; i < 5; i++) {
    const r = m.sweep(NOW, FAR, { maxPids: 3 });
    t.ok(r.reread <= 3, 'at most maxPids processes per call');
    if (r.complete) passes++;
  }
  t.equal(passes, 1, 'ten processes, three per call: the pass completes on the fourth call');
  t.same(m.takeReread(), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  t.same(m.takeReread(), []);
  const held = m.pidsOf(1000);
  t.same(held, [10]);

  // A new socket in a process that already holds one: checkHolders finds it without listing /proc.
  setFds(root, 10, { 3: 'socket:[1000]', 4: 'socket:[1001]' });
  // ...and one in a new process, which only a sweep of /proc finds.
  setFds(root, 30, { 3: 'socket:[3000]' });
  setFds(root, 11, { 3: 'socket:[1100]', 5: 'socket:[1000]' });
  const h = m.checkHolders(NOW, FAR);
  t.ok(h.complete);
  t.equal(h.reread, 2);
  t.same(m.pidsOf(1001), [10]);
  t.equal(m.pidsOf(3000), undefined, 'not a holder yet');
  t.same(m.pidsOf(1000), [10, 11], 'shared now');
  t.same(held, [10], 'the array handed out before is unchanged');
  m.sweep(NOW, FAR, { fresh: true });
  t.same(m.pidsOf(3000), [30]);
  t.same(m.takeReread(), [10, 11, 30]);
});

t.test('inode map on a root with no processes, or none at all', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-procfd-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const m = new InodeMap({ procRoot: root });
  t.ok(m.sweep(NOW, FAR, { fresh: true }).complete);
  const gone = new InodeMap({ procRoot: path.join(root, 'missing') });
  t.ok(gone.sweep(NOW, FAR, { fresh: true }).complete);
  t.same([...gone.holders()], []);
});

t.test('inode map on the real /proc sees this process’s own socket', async (t) => {
  const net = await import('net');
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => srv.close());
  let ino = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const i = socketInode(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (i) ino = i;
    } catch {
      // the directory's own fd
    }
  }
  const m = new InodeMap();
  const r = m.sweep(process.hrtime.bigint(), process.hrtime.bigint() + 10n ** 10n, { fresh: true });
  t.ok(r.complete);
  t.ok(m.pidsOf(ino)?.includes(process.pid));
  const mine = [...m.holders()].find((h) => h.pid === process.pid);
  t.equal(mine?.comm, fs.readFileSync('/proc/self/comm', 'utf8').trim());
  // Unchanged since: the next sweep reads no link of this process (nor, most likely, any other).
  const again = m.sweep(process.hrtime.bigint(), process.hrtime.bigint() + 10n ** 10n, { fresh: true });
  t.ok(again.links < r.links, `${again.links} links read again vs ${r.links} the first time`);
});
