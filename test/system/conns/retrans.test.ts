import { spawnSync } from 'child_process';
import * as path from 'path';
import t from 'tap';
import type { ConnSnap, ProcConnsSnap, RetransEvent } from '../../../src/model/conns';
import { runInNetns } from '../../helpers/conns/netns';

interface NsResult {
  client_pid: number;
  client_ports: number[];
  server_port: number;
  received: number;
  want: number;
  socks: { local: string; remote: string; pids: number[]; total_retrans: number | null }[];
  events: RetransEvent[] | null;
  procs: ProcConnsSnap[] | null;
  conns: ConnSnap[] | null;
  ss: string;
  error?: string;
}

/** Why this machine cannot run the test, or null: user+network namespaces, veth and tc must all work. */
function whyNot(): string | null {
  const probe = spawnSync('unshare', ['-Urn', 'sh', '-c', 'ip link add vigilp0 type veth peer name vigilp1 && tc qdisc add dev lo root handle 1: htb'], { encoding: 'utf8' });
  if (probe.error) return `unshare not available: ${probe.error.message}`;
  if (probe.status !== 0) return `cannot create a network namespace with a veth and a tc qdisc here: ${probe.stderr.trim()}`;
  return null;
}

const reason = whyNot();

t.test('a lossy connection in a network namespace: total_retrans > 0 for the right pid and connection', { skip: reason ?? false }, async (t) => {
  const helper = require.resolve('../../helpers/conns/retrans-ns');
  const out = runInNetns<NsResult>(t, helper, 90_000);
  if (out === null) return;
  t.equal(out.received, out.want, 'every byte arrived once the loss stopped');
  const [oldPort, newPort] = out.client_ports;
  for (const port of [oldPort, newPort]) {
    const sk = out.socks.find((k) => k.local === `127.0.0.1:${port}`);
    t.ok(sk, `client socket from port ${port} dumped inside the namespace`);
    if (!sk) continue;
    t.equal(sk.remote, `127.0.0.1:${out.server_port}`);
    t.same(sk.pids, [out.client_pid], 'attributed to the client process');
    t.ok((sk.total_retrans ?? 0) > 0, `total_retrans ${sk.total_retrans}`);
    // Independent check: ss, run in the same namespace, reads the same counter.
    if (port === oldPort) {
      const m = /retrans:\d+\/(\d+)/.exec(out.ss);
      t.equal(m ? Number(m[1]) : null, sk.total_retrans, 'ss agrees');
    }
    const ev = out.events?.find((e) => e.local === sk.local);
    t.ok(ev, 'a retransmit event for it');
    t.equal(ev?.pid, out.client_pid);
    t.equal(ev?.comm, 'node');
    t.equal(ev?.remote, sk.remote);
    t.equal(ev?.retrans_total, sk.total_retrans);
    t.ok((ev?.retrans_new ?? 0) > 0);
  }
  const p = out.procs?.[0];
  t.ok(p && p.tcp_retrans_per_s !== null && p.tcp_retrans_per_s > 0, `client retransmits/s ${p?.tcp_retrans_per_s}`);
  const conn = out.conns?.find((c) => c.local === `127.0.0.1:${oldPort}`);
  t.equal(conn?.pid, out.client_pid);
  t.ok((conn?.retrans_total ?? 0) > 0);
  // Nothing was lost the other way: the server side never retransmitted.
  t.notOk(out.events?.some((e) => e.local === `127.0.0.1:${out.server_port}`));
});
