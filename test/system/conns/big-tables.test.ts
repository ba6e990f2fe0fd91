/**
 * The fd scan leaves large fd tables alone when no socket needs them (InodeMap, SweepOptions.big): real
 * sockets in a network namespace of their own (test/helpers/conns/big-tables-ns.ts), a process holding
 * 3,000 fds whose count moves between every two reads and that holds a connection, and a client that opens
 * a new connection. Ground truth is what each process opened. The TypeScript fd scan and the native
 * core's read side by side and must agree.
 */
import { spawnSync } from 'child_process';
import t from 'tap';
import { runInNetns } from '../../helpers/conns/netns';

interface Seen {
  pids: number[];
}

interface NsResult {
  self: number;
  bigPid: number;
  clientPid: number;
  bigFds: number;
  reads: number;
  moved: number;
  first: Record<string, number>;
  end: Record<string, number>;
  afterBig: Record<string, number>;
  bigReads: number;
  atOpen: Record<string, { unknown: number; scan_incomplete: boolean }>;
  attributed: Record<string, Record<string, Seen | null>>;
  listings: Record<string, number>;
  error?: string;
}

function whyNot(): string | null {
  const probe = spawnSync('unshare', ['-Urn', 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.error) return `unshare not available: ${probe.error.message}`;
  if (probe.status !== 0) return `cannot create a network namespace here: ${probe.stderr.trim()}`;
  return null;
}

const reason = whyNot();

t.test('a large fd table whose count keeps moving is not listed again; connections attributed exactly', { skip: reason ?? false }, async (t) => {
  const helper = require.resolve('../../helpers/conns/big-tables-ns');
  const out = runInNetns<NsResult>(t, helper, 120_000);
  if (out === null) return;
  t.ok(out.bigFds >= 3000, `the large table holds ${out.bigFds} fds`);
  // Ground truth that the old policy had work to do: the table's count moved between reads.
  t.ok(out.moved >= 1, `its count moved across ${out.moved} of ${out.reads - 1} read intervals`);
  for (const k of Object.keys(out.first)) {
    t.ok(out.first[k] >= 1, `${k}: listed at its first read`);
    t.equal(out.end[k], out.first[k], `${k}: not listed again over ${out.reads} reads, a new connection's among them`);
    const a = out.attributed[k];
    t.same(a.extra?.pids, [out.clientPid], `${k}: the new client socket is the client's, on the read it appeared`);
    t.same(a.extra_accepted?.pids, [out.self], `${k}: its accepted end is the server's`);
    t.same(a.first?.pids, [out.clientPid], `${k}: the client's first connection`);
    t.same(a.big?.pids, [out.bigPid], `${k}: the large table's own connection`);
    t.same(a.big_accepted?.pids, [out.self]);
    t.same(a.big_extra?.pids, [out.bigPid], `${k}: a new connection in the large table`);
    t.same(a.big_extra_accepted?.pids, [out.self]);
    t.comment(`${k}: listings of the large table for its own new connection: ${out.afterBig[k] - out.end[k]} (0 when the probe found it), in ${out.bigReads} read(s)`);
    t.ok(out.atOpen[k].unknown >= 1, `${k}: the read after the connection opened had ${out.atOpen[k].unknown} sockets to chase`);
    t.equal(out.atOpen[k].scan_incomplete, false, `${k}: the chase finished within the read`);
  }
  t.ok(Object.keys(out.first).length >= 1);
});
