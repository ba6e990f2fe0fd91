/**
 * sortProcs (a made sort value read once per process) against the reference order
 * (compare(), the value read at every comparison): the same order for every sort key, both ways, with
 * ties, missing values, equal commands in other cases and hostile text.
 */
import fc from 'fast-check';
import t from 'tap';
import type { ProcSnap } from '../../../src/model';
import { COLUMN_ORDER } from '../../../src/panes/processes';
import { compare, sortProcs, tableRows, type TableState } from '../../../src/panes/proctable';
import { blankProc } from '../../../src/store/window/synthetic';

const num = fc.oneof(fc.constant(null), fc.constantFrom(0, 1, 1.5, 99.95, 1e9), fc.double({ min: 0, max: 1e6, noNaN: true }));
const text = fc.constantFrom('', 'a', 'A', 'b', '日本', '🙂', 'e\u0301', '{x}', 'zz z', '\x01');

const procs = fc.uniqueArray(fc.integer({ min: 1, max: 4_000_000 }), { maxLength: 60 }).chain((pids) =>
  fc.tuple(...pids.map((pid) =>
    fc.record({ cpu: num, mem: num, rss: fc.nat(), io: num, user: fc.option(text), cmd: text, comm: text, threads: fc.nat({ max: 4 }), kthread: fc.boolean(), cg: fc.option(text) }).map((r) =>
      blankProc(pid, 1, {
        ppid: pids[pid % Math.max(1, pids.length)] ?? 1,
        cpu_pct: r.cpu, mem_pct: r.mem, rss_bytes: r.rss, read_bytes_per_s: r.io, write_bytes_per_s: r.io, wait_pct: r.cpu,
        user: r.user, uid: r.user === null ? null : 1000, cmdline: r.cmd, comm: r.comm, threads: r.threads, kthread: r.kthread, cgroup: r.cg === null ? null : `0::/${r.cg}`,
      }),
    ),
  )),
);

t.test('sortProcs orders as compare() does, for every column, both ways', async (t) => {
  fc.assert(
    fc.property(procs, fc.constantFrom(...COLUMN_ORDER), fc.boolean(), (list: ProcSnap[], key, descending) => {
      const ref = [...list].sort(compare(key, descending)).map((p) => p.pid);
      const fast = sortProcs([...list], key, descending).map((p) => p.pid);
      return JSON.stringify(ref) === JSON.stringify(fast);
    }),
    { numRuns: 400 },
  );
  t.pass('same order');
});

t.test('tableRows, flat and tree, is the reference order', async (t) => {
  // The tree's reference: children and roots sorted with compare() (as tableRows did before sortProcs).
  const list = Array.from({ length: 30 }, (_, i) => blankProc(10 + i, 1, { ppid: i < 3 ? 1 : 10 + (i % 3), cpu_pct: i % 4 === 0 ? null : (i * 13) % 7, cmdline: `c${i % 5}` }));
  for (const sortKey of COLUMN_ORDER) {
    for (const descending of [false, true]) {
      const flat: TableState = { sortKey, descending, filter: '', tree: false, follow: null };
      t.same(tableRows(list, flat).map((r) => r.proc.pid), [...list].sort(compare(sortKey, descending)).map((p) => p.pid), `${sortKey} ${descending}: flat`);
      const tree = tableRows(list, { ...flat, tree: true });
      const roots = list.filter((p) => p.ppid === 1).sort(compare(sortKey, descending));
      t.same(tree.filter((r) => r.prefix === '').map((r) => r.proc.pid), roots.map((p) => p.pid), `${sortKey} ${descending}: tree roots`);
      const kidsOf10 = tree.filter((r) => r.proc.ppid === 10).map((r) => r.proc.pid);
      t.same(kidsOf10, list.filter((p) => p.ppid === 10).sort(compare(sortKey, descending)).map((p) => p.pid), `${sortKey} ${descending}: children in order`);
    }
  }
});
