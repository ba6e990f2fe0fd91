/**
 * Runs inside a fresh network namespace (`unshare -Urn`, started by retrans.test.ts), because its
 * sock_diag socket must be opened there to see the namespace's sockets. It makes a lossy connection
 * and prints one JSON line with what vigil measured and the ground truth to compare with.
 *
 * The loss: this kernel has no netem, so a u32 filter on lo redirects every packet to the server's
 * port into a veth that is down, which drops it after the sender's qdisc accepted it. The sender sees
 * a silent loss and retransmits on its RTO (200 ms minimum); after `DROP_MS` the filter goes away and
 * the retransmission gets through.
 */
import { execFileSync } from 'child_process';
import * as net from 'net';
import { deriveConns } from '../../../src/derive/conns';
import { ConnsReader } from '../../../src/sampler/conns/reader';
import { JsonChild, TCP_CLIENT } from './child';

const DROP_MS = 700;
const BYTES = 200_000;

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function main(): Promise<void> {
  sh('ip', ['link', 'set', 'lo', 'up']);
  sh('ip', ['link', 'add', 'vigil0', 'type', 'veth', 'peer', 'name', 'vigil1']);
  sh('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb']);

  let received = 0;
  const socks: net.Socket[] = [];
  const srv = net.createServer((s) => {
    socks.push(s);
    s.on('data', (d) => (received += d.length));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  // The client sends BYTES and expects nothing back.
  const client = new JsonChild(process.execPath, [TCP_CLIENT, JSON.stringify({ targets: [{ host: '127.0.0.1', port }], up: BYTES, down: 0 })]);
  const ready = await client.next('ready');
  const reader = new ConnsReader();
  let before = await reader.read();
  while (before.scan_incomplete) before = await reader.read();

  client.send('open');
  const extra = (await client.next('extra')).extra as number;
  sh('tc', ['filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dport', String(port), '0xffff', 'action', 'mirred', 'egress', 'redirect', 'dev', 'vigil0']);
  client.send('send');
  await new Promise((r) => setTimeout(r, DROP_MS));
  sh('tc', ['filter', 'del', 'dev', 'lo', 'parent', '1:', 'prio', '1']);
  const want = 2 * BYTES; // the connection open before "go" and the one opened after it
  const deadline = Date.now() + 15_000;
  while (received < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  // The connection opened after the baseline needs its holder found by the fd scan, which may take more than
  // one read on a loaded machine: read until both client sockets have a holder (or the deadline passes and the
  // test says which one has none).
  let after = await reader.read();
  const held = (): boolean => after.tcp.filter((k) => k.remote_port === port).every((k) => k.pids.length > 0);
  for (const end = Date.now() + 10_000; (after.scan_incomplete || !held()) && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 100));
    after = await reader.read();
  }
  const snap = deriveConns(before, after);
  const ss = execFileSync('ss', ['-tinH', 'sport', '=', `:${(ready.ports as { local: number }[])[0].local}`], { encoding: 'utf8' });
  process.stdout.write(
    JSON.stringify({
      client_pid: ready.ready,
      client_ports: [(ready.ports as { local: number }[])[0].local, extra],
      server_port: port,
      received,
      want,
      socks: after.tcp.filter((k) => k.remote_port === port).map((k) => ({ local: k.local, remote: k.remote, pids: k.pids, total_retrans: k.total_retrans })),
      events: snap?.retrans_events ?? null,
      procs: snap?.procs.filter((p) => p.pid === ready.ready) ?? null,
      conns: snap?.conns.filter((c) => c.remote.endsWith(`:${port}`)) ?? null,
      ss,
    }) + '\n',
  );
  client.send('exit');
  reader.close();
  for (const s of socks) s.destroy();
  srv.close();
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String((err as Error).stack ?? err) }) + '\n');
  process.exit(1);
});
