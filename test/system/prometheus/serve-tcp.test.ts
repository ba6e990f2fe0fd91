/**
 * `vigil serve` reads its connections tier every 5 s (SERVE_CONNS_INTERVAL_MS), not once a second: the
 * vigil_process_tcp_* series of an exported process still carry what a read gives. Ground truth: a child
 * that sends exactly N bytes over one loopback connection, to a server in this test that counts them;
 * once the server has them all, the kernel's tcpi_bytes_acked of the child's socket is N + 1 (the SYN).
 * The served counter must reach exactly that, then 2N + 1 after the child sends N more (polled, no timing
 * asserted).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { SERVE_CONNS_INTERVAL_MS } from '../../../src/commands/serve';
import { parseExposition, valueOf } from '../../helpers/prometheus';
import { ROOT } from '../../helpers/paths';

const N = 200_000;
const CLIENT = `
const s = require('net').connect(Number(process.argv[1]), '127.0.0.1', () => {
  const send = () => s.write(Buffer.alloc(${N}, 120));
  send();
  process.stdin.on('data', send);
});
s.on('error', () => process.exit(1));
`;

async function until<T>(fn: () => Promise<T | null>, ms: number): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

t.test('serve: an exported process\'s TCP counters are what the tier read, at its 5 s cadence', async (t) => {
  t.equal(SERVE_CONNS_INTERVAL_MS, 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-serve-tcp-'));
  const config = path.join(dir, 'c.json');
  fs.writeFileSync(config, '{"alerts": []}\n');
  let received = 0;
  const server = net.createServer((c) => c.on('data', (d) => (received += d.length)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const serve = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'serve', '--listen', '127.0.0.1:0', '--proc-top', '0', '--proc-match', 'vigiltcpmark', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let client: ChildProcess | null = null;
  t.teardown(() => {
    serve.kill('SIGKILL');
    client?.kill('SIGKILL');
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  let err = '';
  serve.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await until(async () => /serving (\S+)/.exec(err)?.[1] ?? null, 30_000);
  t.ok(url, 'serve started');
  client = spawn(process.execPath, ['-e', CLIENT, String(port), 'vigiltcpmark'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const labels = { pid: String(client.pid), comm: 'node', user: os.userInfo().username };
  const sent = async (): Promise<number | null> => {
    const e = parseExposition(await (await fetch(url!)).text());
    return valueOf(e, 'vigil_process_tcp_sent_bytes_total', labels) ?? null;
  };
  // tcpi_bytes_acked counts the SYN too: one more than the bytes sent.
  const reach = (want: number) => until(async () => (received >= want && (await sent()) === want + 1 ? want : null), 60_000);
  t.equal(await reach(N), N, `the counter reaches the ${N} bytes the server received (+1, the SYN)`);
  client.stdin!.write('x');
  t.equal(await reach(2 * N), 2 * N, 'and 2N (+1) after N more');
  const e = parseExposition(await (await fetch(url!)).text());
  t.equal(valueOf(e, 'vigil_process_tcp_connections', labels), 1, 'one connection');
});
