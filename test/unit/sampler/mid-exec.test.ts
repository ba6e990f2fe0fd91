/**
 * A process read inside execve is left out for one tick, so that a recording does not get an entity that
 * existed for microseconds (the new comm with the old or an empty command line). The known defect this
 * fixes was seen live: at load ~4, one `vigil run` child became two recording entities. And a process
 * read as it exits keeps its command line (it reads empty once the address space is gone).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { ProcReader } from '../../../src/sampler/procs';
import { becomeZombie, bornInExec, enterExec, finishExec } from '../../helpers/exec-fixture';
import { FIXTURES } from '../../helpers/paths';

const REAL = path.join(FIXTURES, 'proc', 'debian12-6.18');

function reader(t: Test): { root: string; read: (tick: number) => Map<number, { comm: string; cmdline: string }> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-exec-'));
  fs.cpSync(REAL, root, { recursive: true });
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  const r = new ProcReader({ procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 });
  t.teardown(() => {
    r.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  return {
    root,
    read: (tick) => {
      const ns = BigInt(tick) * 100_000_000n;
      r.discover(ns);
      return new Map(r.read(ns).procs.map((p) => [p.pid, { comm: p.comm, cmdline: p.cmdline }]));
    },
  };
}

t.test('a process caught inside execve keeps its old sample for one tick, then reads as the new program', async (t) => {
  const { root, read } = reader(t);
  t.same(read(1).get(1234), { comm: 'sleep', cmdline: 'sleep 30' });
  enterExec(root, 1234, 'python3');
  t.same(read(2).get(1234), { comm: 'sleep', cmdline: 'sleep 30' }, 'mid-exec: the old identity stands');
  finishExec(root, 1234, ['python3', '-c', 'pass']);
  t.same(read(3).get(1234), { comm: 'python3', cmdline: 'python3 -c pass' }, 'after: the new one, never the mixed one');
});

t.test('the skip lasts one tick: a process that stays at startcode 0 is read as it is', async (t) => {
  const { root, read } = reader(t);
  read(1);
  enterExec(root, 1234, 'python3');
  t.equal(read(2).get(1234)?.comm, 'sleep');
  t.same(read(3).get(1234), { comm: 'python3', cmdline: 'sleep 30' }, 'second tick at startcode 0: read');
});

t.test('a new pid first seen inside its exec waits one tick; kernel threads are never held back', async (t) => {
  const { root, read } = reader(t);
  bornInExec(root, 1234, 5555, 90000);
  const first = read(1);
  t.notOk(first.has(5555), 'not listed while inside exec');
  t.ok(first.has(2), 'the kernel thread (startcode 0, no address space) is listed at once');
  finishExec(root, 5555, ['sleep', '5']);
  t.same(read(2).get(5555), { comm: 'sleep', cmdline: 'sleep 5' });
});

t.test('an exiting process (no address space, empty command line) keeps the command line it had', async (t) => {
  const { root, read } = reader(t);
  t.same(read(1).get(1234), { comm: 'sleep', cmdline: 'sleep 30' });
  becomeZombie(root, 1234);
  t.same(read(2).get(1234), { comm: 'sleep', cmdline: 'sleep 30' }, 'one identity to the end: no entity of its own for the zombie');
  t.same(read(3).get(1234), { comm: 'sleep', cmdline: 'sleep 30' });
});
