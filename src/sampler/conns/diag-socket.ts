import { NETLINK_SOCK_DIAG } from './netlink';

/**
 * A NETLINK_SOCK_DIAG socket. Node has no netlink sockets; the `netlink` package (npm, N-API, its
 * linux prebuilds ship inside the package tarball: nothing is downloaded or compiled at install) gives
 * raw ones. Only the socket comes from it: requests are built and answers parsed in TypeScript here.
 */
export interface DiagTransport {
  /**
   * Sends one request and hands each datagram that arrives to onDatagram until it returns true (the
   * dump ended). Rejects on a socket error, or after timeoutMs without the end.
   */
  request(msg: Buffer, onDatagram: (b: Buffer) => boolean, timeoutMs: number): Promise<void>;
  close(): void;
}

interface RawSocket {
  on(ev: 'message' | 'truncatedMessage', fn: (msg: Buffer) => void): unknown;
  on(ev: 'error', fn: (err: Error) => void): unknown;
  send(msg: Uint8Array, opts: { port: number }, cb: (err?: Error) => void): void;
  ref(): void;
  unref(): void;
  close(): void;
}

/**
 * Receive buffer per recvmsg. The kernel sizes a dump's datagrams to the largest read it has seen,
 * capped near 32 KiB; reading at that size (rather than peeking at each datagram's size first, the
 * package's default) means ~100 sockets per datagram and one syscall per datagram instead of two.
 */
const RECV_BUFFER = 32768;

/** The reason the netlink package cannot be used here, or null. Cached: require is tried once. */
let loadError: string | null = null;
let ctor: (new (protocol: number, opts: object) => RawSocket) | null = null;

function loadNetlink(): new (protocol: number, opts: object) => RawSocket {
  if (ctor) return ctor;
  if (loadError !== null) throw new Error(loadError);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('netlink') as { RawNetlinkSocket: new (protocol: number, opts: object) => RawSocket };
    ctor = mod.RawNetlinkSocket;
    return ctor;
  } catch (err) {
    loadError = `netlink sockets unavailable (${(err as Error).message.split('\n')[0]})`;
    throw new Error(loadError);
  }
}

export class NetlinkDiagSocket implements DiagTransport {
  private readonly sock: RawSocket;
  private onDatagram: ((b: Buffer) => boolean) | null = null;
  private settle: ((err: Error | null) => void) | null = null;
  private closed = false;

  /** Throws (one line) when netlink sockets cannot be opened: no package build, no permission, no kernel support. */
  /**
   * recvBuffer: bytes per recvmsg. The package allocates (and zeroes) that much for every datagram, so
   * a socket whose answers come one small datagram each (exact lookups) asks for less.
   */
  constructor(recvBuffer = RECV_BUFFER) {
    const Raw = loadNetlink();
    this.sock = new Raw(NETLINK_SOCK_DIAG, { messagePeeking: false, msgBufferSize: recvBuffer });
    this.sock.unref();
    // Never let an exception escape into the addon: it calls back through node-addon-api with C++
    // exceptions on, and a JS error thrown back into it aborts the whole process.
    this.sock.on('message', (m: Buffer) => {
      const fn = this.onDatagram;
      if (fn === null) return;
      let done: boolean;
      try {
        done = fn(m);
      } catch (err) {
        this.finish(err as Error);
        return;
      }
      if (done) this.finish(null);
    });
    this.sock.on('truncatedMessage', () => this.finish(new Error('netlink datagram larger than the receive buffer')));
    this.sock.on('error', (err: Error) => this.finish(err));
  }

  request(msg: Buffer, onDatagram: (b: Buffer) => boolean, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('netlink socket closed'));
    if (this.onDatagram) return Promise.reject(new Error('netlink request already in flight'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(new Error(`no answer from sock_diag within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.onDatagram = onDatagram;
      // Referenced while a request is in flight, so that a process awaiting it does not exit under it.
      this.sock.ref();
      this.settle = (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      this.sock.send(msg, { port: 0 }, (err) => {
        if (err) this.finish(err);
      });
    });
  }

  /**
   * Ends the request. The promise settles on the next turn of the event loop, not here: here may be
   * inside the addon's callback, and code that continues the await (and may close the socket) must
   * not run inside it (closing it there is a use-after-free in the addon).
   */
  private finish(err: Error | null): void {
    const settle = this.settle;
    if (settle === null) return;
    this.onDatagram = null;
    this.settle = null;
    this.sock.unref();
    setImmediate(() => settle(err));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.finish(new Error('netlink socket closed'));
    this.sock.close();
  }
}
