import * as net from 'net';
import { JsonChild, TCP_CLIENT } from './child';

/**
 * Known loopback TCP traffic for recording tests: a listener in this process that answers each
 * connection with `down` bytes once data arrives, and a child (tcp-client.js) holding `conns`
 * connections to it that sends `up` bytes on each when asked. Ground truth is counted at the other end.
 */
export interface Traffic {
  /** The listener's port (127.0.0.1). */
  port: number;
  /** The child's pid and the local ports of its connections. */
  pid: number;
  ports: number[];
  /** Sends `up` on every connection and waits until every byte has arrived at both ends. */
  send(): Promise<void>;
  /** Bytes the listener's side received so far (what the child sent). */
  received(): number;
  close(): void;
}

export interface AnsweringServer {
  srv: net.Server;
  port: number;
  /** Bytes received so far, and bytes of the answers flushed so far. */
  received(): number;
  sent(): number;
  socks: net.Socket[];
}

/** A listener in this process that answers each connection with `down` bytes once its first data arrives. */
export async function answeringServer(host: string, down: number): Promise<AnsweringServer> {
  const socks: net.Socket[] = [];
  let received = 0;
  let sent = 0;
  const srv = net.createServer((s) => {
    socks.push(s);
    let started = false;
    s.on('data', (d) => {
      received += d.length;
      if (!started) {
        started = true;
        s.write(Buffer.alloc(down, 0x62), () => (sent += down));
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, resolve);
  });
  return { srv, port: (srv.address() as net.AddressInfo).port, received: () => received, sent: () => sent, socks };
}

export async function startTraffic(opts: { conns: number; up: number; down: number }): Promise<Traffic> {
  const { srv, port, socks, received } = await answeringServer('127.0.0.1', opts.down);
  const targets = Array.from({ length: opts.conns }, () => ({ host: '127.0.0.1', port }));
  const child = new JsonChild(process.execPath, [TCP_CLIENT, JSON.stringify({ targets, up: opts.up, down: opts.down })]);
  const close = (): void => {
    child.kill();
    for (const s of socks) s.destroy();
    srv.close();
  };
  try {
    const ready = await child.next('ready');
    return {
      port,
      pid: ready.ready as number,
      ports: (ready.ports as { local: number }[]).map((p) => p.local),
      async send() {
        child.send('send');
        await child.next('done', 30_000);
        for (let i = 0; i < 250 && received() < opts.conns * opts.up; i++) await new Promise((r) => setTimeout(r, 20));
        if (received() < opts.conns * opts.up) throw new Error(`the listener received ${received()} of ${opts.conns * opts.up} bytes`);
      },
      received,
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}
