/**
 * `vigil record` while a child moves known bytes over loopback TCP, then `vigil export --table conns`
 * and `--table procs`: the connection rows name the right process and ports, and the bytes they add up
 * to are what the other end counted.
 */
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { Recording } from '../../../src/store/recording/reader';
import { until, vigilBg, vigilSync } from '../../helpers/cli';
import { startTraffic } from '../../helpers/conns/traffic';
import { tmpDir } from '../../helpers/tmp';

type Row = Record<string, string | number | boolean | null>;

const UP = 600_000;
const DOWN = 900_000;
const within = (got: number, want: number): boolean => Math.abs(got - want) <= want * 0.01;

/** The latest connections-tier read in a recording that is still being written (null: none yet). */
function lastConns(file: string): ReturnType<Recording['pairAt']>['curr']['conns'] {
  let rec: Recording;
  try {
    rec = Recording.open(file);
  } catch {
    return null; // not created yet
  }
  try {
    const last = rec.last();
    return last === null ? null : rec.pairAt(last.s, { procs: false, conns: true }).curr.conns;
  } finally {
    rec.close();
  }
}

function exportJson(file: string, table: string): Row[] {
  const r = vigilSync(['export', file, '--table', table, '--format', 'json']);
  if (r.code !== 0) throw new Error(`export ${table}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

t.test('conns and procs exports of a recording with known loopback traffic', async (t) => {
  const traffic = await startTraffic({ conns: 2, up: UP, down: DOWN });
  t.teardown(() => traffic.close());
  const file = path.join(tmpDir(t), 'tcp.vigil');
  const rec = vigilBg(['record', file, '--interval', '100', '--proc-interval', '500']);
  t.teardown(() => {
    if (rec.exitCode === null) rec.kill('SIGKILL');
  });
  const childSocks = (c: ReturnType<typeof lastConns>): NonNullable<typeof c>['tcp'] =>
    c?.tcp.filter((k) => traffic.ports.includes(k.local_port) && k.pids.includes(traffic.pid)) ?? [];
  // The accepted ends, held by this process. A socket is in the netlink dump at once, but its pid comes
  // from a rolling sweep of /proc/PID/fd that can lag a few reads on a busy machine: rows from before that
  // carry no pid (unknown, not wrong), so the traffic starts only once both ends are named.
  const peerSocks = (c: ReturnType<typeof lastConns>): NonNullable<typeof c>['tcp'] =>
    c?.tcp.filter((k) => k.local_port === traffic.port && traffic.ports.includes(k.remote_port) && k.pids.includes(process.pid)) ?? [];
  await until(() => {
    const c = lastConns(file);
    return childSocks(c).length === 2 && peerSocks(c).length === 2;
  }, 60_000, "both ends' sockets, with their pids, in the recording"); // the sweep at 2,600 processes and load 17 took more than 20 s
  await traffic.send();
  // Until a read with the traffic's last bytes is in the file, then one more process-table read.
  await until(() => {
    const s = childSocks(lastConns(file));
    return s.length === 2 && s.every((k) => Number(k.bytes_acked) >= UP && Number(k.bytes_received) >= DOWN);
  }, 60_000, 'the traffic in the recording');
  await new Promise((r) => setTimeout(r, 800));
  rec.kill('SIGINT');
  const done = await rec.done;
  t.equal(done.code, 0, `record stopped cleanly: ${done.stderr}`);
  t.equal(traffic.received(), 2 * UP, 'ground truth: the listener received every byte');

  const conns = exportJson(file, 'conns');
  for (const port of traffic.ports) {
    const mine = conns.filter((r) => r.local === `127.0.0.1:${port}` && r.remote === `127.0.0.1:${traffic.port}`);
    t.ok(mine.length >= 2, `rows for the connection from port ${port} (${mine.length})`);
    // Rows read before the sweep reached the child have no pid; none names another process, and every
    // row that carries the traffic (sent after both ends were named) names the child.
    const moved = (r: Row): boolean => (r.tx_bytes_per_s as number) > 0 || (r.rx_bytes_per_s as number) > 0;
    t.ok(mine.every((r) => (r.pid === traffic.pid || r.pid === null) && r.state === 'ESTABLISHED'), 'the child or not yet known, established');
    t.ok(mine.filter(moved).length > 0 && mine.filter(moved).every((r) => r.pid === traffic.pid && r.comm === 'node'), 'the rows with traffic name the child');
    const tx = mine.reduce((a, r) => a + (r.tx_bytes_per_s as number) * ((r.interval_ms as number) / 1000), 0);
    const rx = mine.reduce((a, r) => a + (r.rx_bytes_per_s as number) * ((r.interval_ms as number) / 1000), 0);
    t.ok(within(tx, UP), `port ${port}: Σ tx_bytes_per_s × interval = ${tx} vs ${UP} sent`);
    t.ok(within(rx, DOWN), `port ${port}: Σ rx_bytes_per_s × interval = ${rx} vs ${DOWN} received`);
    t.ok(mine.some((r) => typeof r.rtt_ms === 'number' && r.rtt_ms > 0), 'an RTT');
    t.ok(mine.every((r) => typeof r.retrans_total === 'number' && r.retrans_total >= 0 && typeof r.retrans_per_s === 'number'), 'retransmit counts');
    const peer = conns.filter((r) => r.local === `127.0.0.1:${traffic.port}` && r.remote === `127.0.0.1:${port}`);
    t.ok(peer.length >= 2 && peer.every((r) => r.pid === process.pid || r.pid === null), 'the accepted end is this process or not yet known');
    t.ok(peer.filter(moved).length > 0 && peer.filter(moved).every((r) => r.pid === process.pid), 'its rows with traffic name this process');
    const peerRx = peer.reduce((a, r) => a + (r.rx_bytes_per_s as number) * ((r.interval_ms as number) / 1000), 0);
    t.ok(within(peerRx, UP), `the accepted end received ${peerRx}`);
  }
  t.notOk(conns.some((r) => r.state === 'LISTEN'), 'listeners are not connections');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  t.teardown(() => db.close());
  const listener = db
    .prepare(`SELECT x.state FROM tcp_sock k JOIN tcp_sock_sample x USING (e) WHERE k.local = ? AND x.k = 1`)
    .all(`127.0.0.1:${traffic.port}`) as { state: string }[];
  t.ok(listener.some((r) => r.state === 'LISTEN'), 'the listener is recorded (tcp_sock)');

  // The process table: rates over the tier's interval (tcp_interval_ms); a read seen by two table reads
  // repeats its row, so each distinct interval counts once.
  const procs = exportJson(file, 'procs');
  const total = (pid: number, col: string): number => {
    let last = '';
    let sum = 0;
    for (const r of procs.filter((x) => x.pid === pid && typeof x.tcp_interval_ms === 'number')) {
      const k = `${r.tcp_interval_ms} ${r.tcp_tx_bytes_per_s} ${r.tcp_rx_bytes_per_s}`;
      if (k === last) continue;
      last = k;
      sum += ((r[col] as number) * (r.tcp_interval_ms as number)) / 1000;
    }
    return sum;
  };
  const child = procs.filter((r) => r.pid === traffic.pid);
  t.ok(child.length >= 4, `the child in the process table (${child.length} rows)`);
  t.ok(child.some((r) => r.tcp_conns === 2), 'with its two connections');
  t.ok(within(total(traffic.pid, 'tcp_tx_bytes_per_s'), 2 * UP), `child tcp tx ${total(traffic.pid, 'tcp_tx_bytes_per_s')} vs ${2 * UP}`);
  t.ok(within(total(traffic.pid, 'tcp_rx_bytes_per_s'), 2 * DOWN), `child tcp rx ${total(traffic.pid, 'tcp_rx_bytes_per_s')} vs ${2 * DOWN}`);
  t.ok(within(total(process.pid, 'tcp_rx_bytes_per_s'), 2 * UP), `this process (the listener's side) rx ${total(process.pid, 'tcp_rx_bytes_per_s')}`);
  t.ok(child.every((r) => r.tcp_retrans_per_s === null || (r.tcp_retrans_per_s as number) >= 0), 'retransmits per second, never negative');
});
