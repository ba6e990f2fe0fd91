import * as os from 'os';
import type { Counter } from '../../counter';
import type { ConnsProcSample, ConnsSample, TcpSockSample } from '../../model-conns';
import { ReadBuf, readOnce } from '../procfile';
import { DiagTransport, NetlinkDiagSocket } from './diag-socket';
import { AddrCache, AF_INET, AF_INET6, buildTcpDumpRequest, TcpDumpParser } from './inet-diag';
import { InodeMap } from './inode-map';
import { walkNlmsgs } from './netlink';
import { collectInodes, UDP_INODE_FIELD, UNIX_INODE_FIELD } from './proc-net';

export interface ConnsReaderOptions {
  procRoot?: string;
  /** Opens the netlink socket; by default a NetlinkDiagSocket in vigil's own network namespace. */
  transport?: () => DiagTransport;
  /** Time the fd scan may take per read, ms; the rest of the sweep waits for the next read. */
  scanBudgetMs?: number;
  /** The longest the fd scan runs without letting the event loop turn, ms. */
  sliceMs?: number;
  /** See InodeMapOptions.fullEveryMs. */
  fullEveryMs?: number;
  /** Give up on a dump that has not ended after this long, ms. */
  timeoutMs?: number;
}

const KIND_OTHER = 0;
const KIND_UDP = 1;
const KIND_UNIX = 2;

/**
 * Reads one ConnsSample: every TCP socket (IPv4 and IPv6) with its tcp_info through sock_diag, then
 * the fd scan that says which processes hold which socket, then UDP and Unix counts per process. The
 * dump is parsed datagram by datagram as it arrives, and the fd scan runs in slices of a few ms, so
 * the event loop (and the sampler's ticks) run in between; the scan stops at its per-read budget and
 * resumes on the next read.
 */
export class ConnsReader {
  private readonly root: string;
  private readonly openTransport: () => DiagTransport;
  private transport: DiagTransport;
  private readonly inodes: InodeMap;
  private readonly addrs = new AddrCache();
  private readonly scanBudgetNs: bigint;
  private readonly sliceNs: bigint;
  private readonly timeoutMs: number;
  private readonly rb = new ReadBuf(65536);
  /** Kind of every non-TCP socket inode seen, so /proc/net/{udp,udp6,unix} are read only for new ones. */
  private kinds = new Map<number, number>();
  /** Owners by cookie from the previous read, for sockets that have since been orphaned. */
  private lastPids = new Map<Counter, number[]>();
  private seq = 0;
  private busy = false;

  constructor(opts: ConnsReaderOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.openTransport = opts.transport ?? (() => new NetlinkDiagSocket());
    this.transport = this.openTransport();
    this.inodes = new InodeMap({ procRoot: this.root, fullEveryMs: opts.fullEveryMs });
    this.scanBudgetNs = BigInt(Math.round((opts.scanBudgetMs ?? 50) * 1e6));
    this.sliceNs = BigInt(Math.round((opts.sliceMs ?? 4) * 1e6));
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  async read(): Promise<ConnsSample> {
    if (this.busy) throw new Error('ConnsReader.read() is already running');
    this.busy = true;
    try {
      return await this.readInner();
    } finally {
      this.busy = false;
    }
  }

  private async readInner(): Promise<ConnsSample> {
    const monoNs = process.hrtime.bigint();
    const t = Date.now();
    const parser = new TcpDumpParser(this.addrs);
    let costNs = 0n;
    for (const family of [AF_INET, AF_INET6]) {
      const seq = (this.seq = (this.seq + 1) >>> 0);
      let errno: number | null = null;
      await this.transport.request(
        buildTcpDumpRequest(family, seq),
        (dg) => {
          const s = process.hrtime.bigint();
          const r = walkNlmsgs(dg, dg.length, seq, parser.onMsg);
          if (r.bad !== null) parser.malformed++;
          errno = r.errno;
          costNs += process.hrtime.bigint() - s;
          return r.done;
        },
        this.timeoutMs,
      );
      // A kernel without inet_diag for this family (CONFIG_INET_DIAG, or IPv6 disabled) answers ENOENT.
      if (errno !== null && !(family === AF_INET6 && errno === -2)) throw new Error(`sock_diag dump failed: ${errnoName(errno)}`);
    }
    this.addrs.endTick();

    // The fd scan runs in slices with the event loop turning in between, until done or out of budget.
    let complete = false;
    let scanNs = 0n;
    for (;;) {
      const s0 = process.hrtime.bigint();
      complete = this.inodes.refresh(s0, s0 + this.sliceNs).complete;
      scanNs += process.hrtime.bigint() - s0;
      if (complete || scanNs >= this.scanBudgetNs) break;
      await new Promise<void>((r) => setImmediate(r));
    }
    costNs += scanNs;

    const s = process.hrtime.bigint();
    const socks = parser.socks;
    const tcpByInode = new Map<number, TcpSockSample>();
    const pidsNow = new Map<Counter, number[]>();
    for (const sk of socks) {
      if (sk.inode !== 0) {
        tcpByInode.set(sk.inode, sk);
        const p = this.inodes.pidsOf(sk.inode);
        if (p) sk.pids = p.slice();
      } else {
        sk.pids = this.lastPids.get(sk.cookie) ?? [];
      }
      if (sk.pids.length > 0) pidsNow.set(sk.cookie, sk.pids);
    }
    this.lastPids = pidsNow;
    const procs = this.countPerProcess(tcpByInode);
    costNs += process.hrtime.bigint() - s;
    return {
      mono_ns: monoNs,
      t,
      tcp: socks,
      procs,
      denied: this.inodes.denied(),
      scan_incomplete: !complete,
      malformed: parser.malformed,
      cost_ms: Number(costNs) / 1e6,
    };
  }

  private countPerProcess(tcpByInode: Map<number, TcpSockSample>): ConnsProcSample[] {
    const holders = [...this.inodes.holders()];
    let unknown: number[] | null = null;
    for (const h of holders) {
      for (const ino of h.socks) {
        if (!tcpByInode.has(ino) && !this.kinds.has(ino)) (unknown ??= []).push(ino);
      }
    }
    if (unknown !== null) this.classify(unknown);
    const out: ConnsProcSample[] = [];
    let held = 0;
    for (const h of holders) {
      const p: ConnsProcSample = { pid: h.pid, comm: h.comm, tcp: 0, tcp_listen: 0, udp: 0, unix: 0 };
      for (const ino of h.socks) {
        const sk = tcpByInode.get(ino);
        if (sk !== undefined) {
          if (sk.state === 'LISTEN') p.tcp_listen++;
          else p.tcp++;
          continue;
        }
        const k = this.kinds.get(ino);
        if (k === KIND_UDP) p.udp++;
        else if (k === KIND_UNIX) p.unix++;
      }
      held += h.socks.length;
      out.push(p);
    }
    // Forget inodes no process holds any more, once they are the bulk of the cache.
    if (this.kinds.size > 2 * held + 1024) {
      const keep = new Map<number, number>();
      for (const h of holders) for (const ino of h.socks) if (this.kinds.has(ino)) keep.set(ino, this.kinds.get(ino) as number);
      this.kinds = keep;
    }
    return out;
  }

  /** Reads the UDP and Unix tables once, for inodes not seen before. What is in neither is "other". */
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

  /** A fresh netlink socket after a failed dump; the fd scan's state is kept. */
  reopen(): void {
    this.transport.close();
    this.transport = this.openTransport();
  }

  close(): void {
    this.transport.close();
  }
}

function errnoName(errno: number): string {
  const name = Object.entries(os.constants.errno).find(([, v]) => v === -errno)?.[0];
  return name ?? `errno ${-errno}`;
}
