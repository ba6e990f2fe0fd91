/**
 * Captures real sock_diag answers from this machine into test/fixtures/netlink/ (run by hand:
 * `npx ts-node test/helpers/conns/capture-diag.ts`). It opens known loopback connections first, so the
 * fixtures hold sockets whose ports and byte counts the parser test can check, next to `ss -tinoe`
 * output taken at the same moment as independent ground truth. 150 extra idle connections make the
 * IPv4 dump span several datagrams.
 *
 * File format of *.bin: records of [u32 little-endian length][datagram bytes], one per recvmsg.
 */
import { execFileSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { NetlinkDiagSocket } from '../../../src/sampler/conns/diag-socket';
import { AF_INET, AF_INET6, buildTcpDumpRequest } from '../../../src/sampler/conns/inet-diag';
import { walkNlmsgs } from '../../../src/sampler/conns/netlink';
import { FIXTURES } from '../paths';

const OUT = path.join(FIXTURES, 'netlink');

interface Pair {
  family: 4 | 6;
  server_port: number;
  client_port: number;
  /** Payload bytes the client sent and the server sent. */
  up: number;
  down: number;
}

async function pair(host: string, up: number, down: number, keep: net.Socket[]): Promise<Pair> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, host, r));
  const port = (srv.address() as net.AddressInfo).port;
  const got = new Promise<void>((resolve) => {
    srv.on('connection', (s) => {
      keep.push(s);
      let n = 0;
      s.on('data', (d) => {
        n += d.length;
        if (n === up) s.write(Buffer.alloc(down, 0x5a));
      });
    });
    const c = net.connect(port, host, () => c.write(Buffer.alloc(up, 0xa5)));
    keep.push(c);
    let m = 0;
    c.on('data', (d) => {
      m += d.length;
      if (m === down) resolve();
    });
  });
  await got;
  const client = keep[keep.length - 2].remotePort === port ? keep[keep.length - 2] : keep[keep.length - 1];
  return { family: host.includes(':') ? 6 : 4, server_port: port, client_port: client.localPort as number, up, down };
}

async function dump(sock: NetlinkDiagSocket, family: number, seq: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  await sock.request(
    buildTcpDumpRequest(family, seq),
    (dg) => {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(dg.length);
      parts.push(len, Buffer.from(dg));
      return walkNlmsgs(dg, dg.length, seq, () => undefined).done;
    },
    5000,
  );
  return Buffer.concat(parts);
}

/** The entries of `ss -tinoeH` (a line, then a tab-indented info line) that involve one of `ports`. */
function keepPorts(text: string, ports: number[]): string {
  const out: string[] = [];
  let keep = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('\t')) {
      if (keep) out.push(line);
      continue;
    }
    keep = ports.some((p) => line.includes(`:${p} `));
    if (keep) out.push(line);
  }
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const keep: net.Socket[] = [];
  const p4 = await pair('127.0.0.1', 1000, 2000, keep);
  const p6 = await pair('::1', 3000, 4000, keep);
  const bulk = net.createServer((s) => keep.push(s));
  await new Promise<void>((r) => bulk.listen(0, '127.0.0.1', r));
  const bulkPort = (bulk.address() as net.AddressInfo).port;
  for (let i = 0; i < 150; i++) keep.push(net.connect(bulkPort, '127.0.0.1'));
  // Sockets for the /proc/net tables: two UDP over IPv4, one over IPv6, a Unix listener with a space.
  const udps = [dgram.createSocket('udp4'), dgram.createSocket('udp4'), dgram.createSocket('udp6')];
  await Promise.all(udps.map((u, i) => new Promise<void>((r) => u.bind(0, i < 2 ? '127.0.0.1' : '::1', r))));
  const unixPath = path.join(os.tmpdir(), `vigil capture ${process.pid}.sock`);
  const unixSrv = net.createServer();
  await new Promise<void>((r) => unixSrv.listen(unixPath, r));
  await new Promise((r) => setTimeout(r, 300)); // every ACK in, every handshake done

  const sock = new NetlinkDiagSocket();
  const tcp4 = await dump(sock, AF_INET, 101);
  const tcp6 = await dump(sock, AF_INET6, 102);
  sock.close();
  const ports = [p4.server_port, p4.client_port, p6.server_port, p6.client_port, bulkPort];
  const ss = keepPorts(execFileSync('ss', ['-tinoeH', 'state', 'all'], { encoding: 'utf8' }), ports);

  fs.mkdirSync(OUT, { recursive: true });
  const own: number[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) own.push(Number(m[1]));
    } catch {
      // the fd of the readdir itself
    }
  }
  for (const f of ['udp', 'udp6', 'unix']) fs.writeFileSync(path.join(OUT, `proc-net-${f}`), fs.readFileSync(`/proc/net/${f}`)); // copyFile gives 0 bytes on procfs
  fs.writeFileSync(path.join(OUT, 'proc-net.json'), JSON.stringify({ own_socket_inodes: own.sort((a, b) => a - b), udp: 3, unix_listeners: 1 }) + '\n');
  for (const u of udps) u.close();
  unixSrv.close();
  fs.writeFileSync(path.join(OUT, 'tcp4.bin'), tcp4);
  fs.writeFileSync(path.join(OUT, 'tcp6.bin'), tcp6);
  fs.writeFileSync(path.join(OUT, 'ss.txt'), ss);
  const meta = { kernel: os.release(), pid: process.pid, seq4: 101, seq6: 102, pairs: [p4, p6], bulk_port: bulkPort, bulk_conns: 150 };
  fs.writeFileSync(path.join(OUT, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  for (const s of keep) s.destroy();
  bulk.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
