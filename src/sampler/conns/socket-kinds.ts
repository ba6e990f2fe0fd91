import { ReadBuf, readOnce } from '../procfile';
import { collectInodes, UDP_INODE_FIELD, UNIX_INODE_FIELD } from './proc-net';

const KIND_OTHER = 0;
const KIND_UDP = 1;
const KIND_UNIX = 2;

/** UDP and Unix socket counts of one process. */
export interface SocketCounts {
  udp: number;
  unix: number;
}

/**
 * Which non-TCP socket inodes are UDP (/proc/net/udp, udp6) and which Unix (/proc/net/unix). An
 * inode's protocol never changes, so each is looked up once: the tables are read only when a process
 * shows an inode not seen before. Whatever is in neither (a TCP socket in a state not dumped,
 * netlink, packet, another network namespace's) is "other" for good.
 */
export class SocketKinds {
  private kinds = new Map<number, number>();

  constructor(
    private readonly root: string,
    private readonly rb: ReadBuf,
  ) {}

  /** Counts of a process's socket inodes; `tcp` are the TCP ones (never looked up). */
  count(socks: readonly number[], tcp: Set<number>): SocketCounts {
    let unknown: number[] | null = null;
    for (const ino of socks) if (!tcp.has(ino) && !this.kinds.has(ino)) (unknown ??= []).push(ino);
    if (unknown !== null) this.classify(unknown);
    let udp = 0;
    let unix = 0;
    for (const ino of socks) {
      const k = this.kinds.get(ino);
      if (k === KIND_UDP) udp++;
      else if (k === KIND_UNIX) unix++;
    }
    return { udp, unix };
  }

  /** Forgets inodes no process holds any more, once they are the bulk of the cache. */
  prune(held: number, isHeld: (ino: number) => boolean): void {
    if (this.kinds.size <= 2 * held + 1024) return;
    const keep = new Map<number, number>();
    for (const [ino, k] of this.kinds) if (isHeld(ino)) keep.set(ino, k);
    this.kinds = keep;
  }

  private classify(unknown: number[]): void {
    const udp = new Set<number>();
    const unix = new Set<number>();
    for (const f of ['udp', 'udp6']) {
      const n = readOnce(`${this.root}/net/${f}`, this.rb);
      if (n !== null) collectInodes(this.rb.buf, n, UDP_INODE_FIELD, udp);
    }
    const n = readOnce(`${this.root}/net/unix`, this.rb);
    if (n !== null) collectInodes(this.rb.buf, n, UNIX_INODE_FIELD, unix);
    for (const ino of unknown) this.kinds.set(ino, udp.has(ino) ? KIND_UDP : unix.has(ino) ? KIND_UNIX : KIND_OTHER);
  }
}
