/**
 * A process of the connections benchmark: listens on loopback, and on request opens `n` connections
 * to another holder; every `trickleMs` it writes a few bytes on each connection it holds, so the
 * counters move as they would on a live machine. JSON lines on stdout; stdin closing ends it.
 */
import * as net from 'net';
import * as readline from 'readline';

const socks: net.Socket[] = [];
let incoming = 0;
const say = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};

const srv = net.createServer((s) => {
  socks.push(s);
  s.on('data', () => undefined);
  s.on('error', () => undefined);
  if (++incoming === Number(process.argv[2])) say({ incoming });
});
srv.listen(0, '127.0.0.1', () => say({ port: (srv.address() as net.AddressInfo).port }));

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const cmd = JSON.parse(line) as { connect?: number; n?: number; trickleMs?: number };
  if (cmd.connect !== undefined) {
    let up = 0;
    for (let i = 0; i < (cmd.n ?? 0); i++) {
      const c = net.connect(cmd.connect, '127.0.0.1', () => {
        if (++up === cmd.n) say({ connected: up });
      });
      c.on('data', () => undefined);
      c.on('error', () => undefined);
      socks.push(c);
    }
  }
  if (cmd.trickleMs !== undefined) {
    const payload = Buffer.alloc(64, 0x2a);
    setInterval(() => {
      for (const s of socks) s.write(payload);
    }, cmd.trickleMs);
  }
});
rl.on('close', () => process.exit(0));
