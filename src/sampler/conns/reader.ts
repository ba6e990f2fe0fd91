import { Counter, counterAdd } from '../../model/counter';
import { sockDelta } from '../../derive/conns-delta';
import type { ConnsProcSample, ConnsSample, TcpSockSample } from '../../model/conns';
import { KeptFile, ReadBuf } from '../procfile';
import { DiagTransport, NetlinkDiagSocket } from './diag-socket';
import {
  AddrCache,
  AF_INET,
  AF_INET6,
  buildTcpCompatDumpRequest,
  buildTcpDumpRequest,
  buildTcpLookupRequest,
  ID_LEN,
  SockMemo,
  TcpDumpParser,
} from './inet-diag';
import { FdScanNative, InodeMap, RefreshResult } from './inode-map';
import { NativeDiag, nativeDiagOf, SockDiagNative } from './native-diag';
import { errnoName, walkAnswers, walkNlmsgs } from './netlink';
import { SocketCounts, SocketKinds } from './socket-kinds';

export interface ConnsReaderOptions {
  procRoot?: string;
  /**
   * Opens a netlink socket (recvBuffer: bytes per recvmsg); by default a NetlinkDiagSocket in vigil's
   * own network namespace.
   */
  transport?: (recvBuffer?: number) => DiagTransport;
  /** Time the fd scan may take per read, ms; the rest waits for the next read. */
  scanBudgetMs?: number;
  /** The longest the fd scan runs without letting the event loop turn, ms. */
  sliceMs?: number;
  /** The background sweep visits every process once per this many reads. */
  sweepReads?: number;
  /** See InodeMapOptions.fullEveryMs. */
  fullEveryMs?: number;
  /** Give up on a dump that has not ended after this long, ms. */
  timeoutMs?: number;
  /**
   * The native core: the fd scan's I/O (see InodeMapOptions.native) and, when the addon has it and no
   * `transport` is given, the sock_diag socket (native-diag.ts) instead of the `netlink` package.
   */
  native?: (FdScanNative & Partial<SockDiagNative>) | null;
  /**
   * The longest a read may go on looking up the last dump's sockets instead of dumping, ms (see
   * lookupLast); 0 dumps on every read.
   */
  fullDumpEveryMs?: number;
}

/**
 * Above this many sockets a read dumps. Each lookup's answer is a datagram of its own (a recvmsg and a
 * callback, ~20-30 us of CPU), a dump's fixed cost is its walk of the hash: measured here (24 GB of
 * RAM), reads by lookup cost 0.66 ms with 12 sockets, 1.2 ms with 32 and 2.3 ms with 62, by dump 1.75,
 * 2.1 and 2.4 ms (user + kernel, the whole read).
 */
const LOOKUP_MAX = 32;
/**
 * The same limit for the native core's socket, where a batch's answers come in one recvmmsg and are
 * parsed in C: measured here (24 GB, `vigil` alone at load 1-2), lookups cost 0.05 ms with 14 sockets,
 * 0.13 with 66, 0.24 with 130 and 0.50 with 258, a dump 1.2-1.4 ms at each (CPU per request, the
 * TcpSockSamples made).
 */
const LOOKUP_MAX_NATIVE = 256;
/** Lookups per sendmsg: their replies (one skb each) must fit in the socket's receive buffer. */
const LOOKUP_BATCH = 32;
/**
 * recvmsg size of the lookups' socket: each answer is one datagram of about 350 bytes (header,
 * inet_diag_msg, tcp_info), and the netlink package allocates this much per datagram.
 */
const LOOKUP_RECV = 4096;
const ENOENT = -2;
const ESTALE = -116;

/** Where one read's time went, for --debug-timings and the benchmark. */
export interface ConnsReadStats {
  /**
   * Parsing the dump's datagrams in vigil's code, ms. Through the `netlink` package the kernel's share is
   * not in here; through the native core's socket it is (the kernel makes a dump's datagrams inside the
   * receives, and answers lookups inside the send).
   */
  parse_ms: number;
  /** The fd scan, ms. */
  scan_ms: number;
  /** Joining sockets to processes and counting, ms. */
  join_ms: number;
  /** Sockets no known process held when the dump came in. */
  unknown: number;
  /** Processes whose fd links were read, and the readlink calls that took. */
  reread: number;
  links: number;
  /** fd tables listed (one getdents walk of /proc/PID/fd each: a table read in part is listed whole) and their fds. */
  listings: number;
  listed: number;
}

/** A process's accumulators; see ConnsProcSample. */
interface Acc {
  since: bigint | null;
  epoch: number;
  tx: Counter | null;
  rx: Counter | null;
  re: Counter | null;
}

/**
 * Reads one ConnsSample: every TCP socket (IPv4 and IPv6) with its tcp_info through sock_diag, then
 * which processes hold them, then UDP and Unix counts per process.
 *
 * Attribution does only the work the dump asks for. A socket whose inode no known process holds is
 * new: the processes already holding sockets are checked first (a server's new connection), then, if
 * some are still unknown, every process (new ones included). Otherwise a background sweep checks a
 * slice of the processes per read (all of them every `sweepReads` reads), which keeps the UDP and
 * Unix counts and the exits current (a large table whose count moved at its fullEveryMs read: InodeMap,
 * SweepOptions.big). Checking a process is one stat (see InodeMap). Sockets that a
 * full pass could not attribute (another user's processes without root) are not chased again: the
 * background sweep re-reads every table that changed, which is all a chase would read.
 *
 * The dump is parsed datagram by datagram as it arrives and the fd scan runs in slices of a few ms,
 * so the event loop (and the sampler's ticks) run in between; the scan stops at its per-read budget
 * and carries on at the next read.
 */
export class ConnsReader {
  private readonly root: string;
  private readonly openTransport: (recvBuffer?: number) => DiagTransport;
  /** The TypeScript path's socket; null while the native core's is used. */
  private transport: DiagTransport | null = null;
  /** The native core's sock_diag socket, or null (the TypeScript path). */
  private nat: NativeDiag | null = null;
  private readonly natFns: SockDiagNative | null;
  /** The socket the lookups go through, opened at the first. */
  private lookupTransport: DiagTransport | null = null;
  private readonly inodes: InodeMap;
  private readonly addrs = new AddrCache();
  private readonly scanBudgetNs: bigint;
  private readonly sliceNs: bigint;
  private readonly sliceMs: number;
  private readonly sweepReads: number;
  private readonly timeoutMs: number;
  private readonly rb = new ReadBuf(65536);
  private readonly sockstat: KeptFile;
  private readonly sockstat6: KeptFile;
  private readonly snmp: KeptFile;
  private readonly fullDumpEveryNs: bigint;
  /** Tcp ActiveOpens and PassiveOpens (/proc/net/snmp) before the last read's request. */
  private lastOpens: string | null = null;
  /** mono_ns of the last full dump; null before the first. */
  private lastFullNs: bigint | null = null;
  /**
   * TCP sockets in use (sockstat TCP + TCP6 inuse) minus the sockets the last full dump listed: the
   * kernel's own sockets that a dump does not show. Null when sockstat moved during that dump.
   */
  private inuseOffset: number | null = null;
  /** The identities of the last read's sockets (ID_LEN bytes each), for lookups. */
  private lastIds: Buffer = Buffer.alloc(0);
  private lastN = 0;
  /** Reads done by a full dump and by lookups, since the start. */
  fullDumps = 0;
  lookupReads = 0;
  private readonly kinds: SocketKinds;
  /** UDP and Unix counts per process, recomputed when its fd table is read again. */
  private readonly counts = new Map<number, SocketCounts>();
  /**
   * Inodes a full pass found no visible holder for (another user's or an uninspectable process's): not
   * chased again. The background sweep still re-reads every process whose fd table changed, which is all
   * a new chase would read, so it finds their holder if one becomes visible.
   */
  private unowned = new Set<number>();
  /** The last read's chase (a pass for unknown inodes) ran out of budget: the next read continues it. */
  private chasing = false;
  /** ...and it had come to its last resort, reading whole the tables read in part (see InodeMap). */
  private chasingWhole = false;
  /** Sockets the last read's chase left without a holder, not yet given up on. */
  private lastUnknown = new Set<number>();
  /**
   * When each socket still without a holder was first seen (hrtime just after that read's dump): a pass
   * whose listing of /proc came later can say it has no visible holder, in whichever read it ends.
   */
  private unknownSince = new Map<number, bigint>();
  /** Per-process cumulative counters (ConnsProcSample.tcp_*), by pid. */
  private readonly accs = new Map<number, Acc>();
  /** mono_ns of the previous read: where new accumulators start counting; null before the first. */
  private prevMonoNs: bigint | null = null;
  /** The previous read's sockets, for the owners of sockets that have since been orphaned. */
  private lastSocks: TcpSockSample[] = [];
  private seq = 0;
  private busy = false;
  /** Whether the kernel takes the one-walk TCPDIAG_GETSOCK dump; null until the first read says. */
  private compat: boolean | null = null;
  /** Where the last read's time went. */
  stats: ConnsReadStats = { parse_ms: 0, scan_ms: 0, join_ms: 0, unknown: 0, reread: 0, links: 0, listings: 0, listed: 0 };

  constructor(opts: ConnsReaderOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.openTransport = opts.transport ?? ((size) => new NetlinkDiagSocket(size));
    this.natFns = opts.transport === undefined ? nativeDiagOf(opts.native) : null;
    this.sliceMs = opts.sliceMs ?? 4;
    this.openDiag();
    this.inodes = new InodeMap({ procRoot: this.root, fullEveryMs: opts.fullEveryMs, native: opts.native });
    this.scanBudgetNs = BigInt(Math.round((opts.scanBudgetMs ?? 50) * 1e6));
    this.sliceNs = BigInt(Math.round(this.sliceMs * 1e6));
    this.sweepReads = Math.max(1, opts.sweepReads ?? 10);
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.sockstat = new KeptFile(`${this.root}/net/sockstat`);
    this.sockstat6 = new KeptFile(`${this.root}/net/sockstat6`);
    this.snmp = new KeptFile(`${this.root}/net/snmp`);
    this.fullDumpEveryNs = BigInt(Math.round((opts.fullDumpEveryMs ?? 10_000) * 1e6));
    this.kinds = new SocketKinds(this.root, this.rb);
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
    const opens = this.tcpOpens();
    let parser = new TcpDumpParser(this.addrs, true);
    let parseNs = await this.lookupLast(parser, opens, monoNs);
    if (parseNs === null) {
      parser = new TcpDumpParser(this.addrs, true);
      const before = this.tcpInuse();
      parseNs = await this.dumpAll(parser);
      const after = this.tcpInuse();
      this.inuseOffset = before !== null && before === after ? after - parser.socks.length : null;
      this.lastFullNs = monoNs;
      this.fullDumps++;
    } else {
      this.addrs.endTick();
      this.lookupReads++;
    }
    this.lastOpens = opens;
    this.lastIds = parser.ids;
    this.lastN = parser.socks.length;
    const socks = parser.socks;
    const scan = await this.attribute(socks, monoNs, process.hrtime.bigint());
    const s = process.hrtime.bigint();
    const tcpPer = this.join(socks, parser.memos);
    const procs = this.perProcess(tcpPer);
    this.lastSocks = socks;
    this.prevMonoNs = monoNs;
    const joinNs = process.hrtime.bigint() - s;
    this.stats = { ...scan.stats, parse_ms: Number(parseNs) / 1e6, scan_ms: Number(scan.ns) / 1e6, join_ms: Number(joinNs) / 1e6 };
    return {
      mono_ns: monoNs,
      t,
      tcp: socks,
      procs,
      denied: this.inodes.denied(),
      scan_incomplete: !scan.complete,
      malformed: parser.malformed,
      cost_ms: Number(parseNs + scan.ns + joinNs) / 1e6,
    };
  }

  /** Every TCP socket into `parser`: the one-walk request, or one v2 request per family. Returns the parse time, ns. */
  private async dumpAll(parser: TcpDumpParser): Promise<bigint> {
    let costNs = 0n;
    // kind 0: the one-walk request for both families; 1: the v2 request for one family.
    const dump = async (kind: 0 | 1, family: number): Promise<number | null> => {
      const seq = (this.seq = (this.seq + 1) >>> 0);
      if (this.nat !== null) {
        const r = await this.nat.dump(kind, family, seq, parser, this.timeoutMs);
        costNs += r.ns;
        return r.errno;
      }
      let errno: number | null = null;
      await this.transport!.request(
        kind === 0 ? buildTcpCompatDumpRequest(seq) : buildTcpDumpRequest(family, seq),
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
      return errno;
    };
    let done = false;
    if (this.compat !== false) {
      const errno = await dump(0, AF_INET);
      // Refused (a kernel that dropped it): the v2 requests from now on. Nothing was dumped.
      if (errno === null) this.compat = done = true;
      else if (this.compat === true) throw new Error(`sock_diag dump failed: ${errnoName(errno)}`);
      else this.compat = false;
    }
    for (const family of done ? [] : [AF_INET, AF_INET6]) {
      if (this.familyEmpty(family)) continue;
      const errno = await dump(1, family);
      // A kernel without inet_diag for this family (CONFIG_INET_DIAG, or IPv6 disabled) answers ENOENT.
      if (errno !== null && !(family === AF_INET6 && errno === -2)) throw new Error(`sock_diag dump failed: ${errnoName(errno)}`);
    }
    this.addrs.endTick();
    return costNs;
  }

  /**
   * The last read's sockets again, each by an exact lookup (4-tuple, interface and cookie) instead of
   * a dump: a dump walks the whole established hash, sized by RAM (1.6-2.7 ms of kernel time with ten
   * sockets on a 24 GB machine), a lookup hashes straight to its socket. The answer is what a dump
   * would list only when no socket can have appeared since the last read, so this runs only when:
   * - Tcp ActiveOpens and PassiveOpens (/proc/net/snmp, one MIB for IPv4 and IPv6) have not moved
   *   since before the last read's request: every new connection is one or the other;
   * - after the lookups, the sockets in use (sockstat) are as many more than those found as at the
   *   last full dump: a new listener (listen() opens nothing) or a socket a lookup missed shows there;
   * - the last full dump is less than fullDumpEveryMs old, and the last read had at most LOOKUP_MAX
   *   sockets (LOOKUP_MAX_NATIVE through the native core's socket).
   * A lookup never finds another socket than the one asked for (the cookie), and an answer in a state a
   * dump does not list (the TIME_WAIT left of a closed one) is dropped. Returns the parse time (ns),
   * or null when a full dump is needed.
   */
  private async lookupLast(parser: TcpDumpParser, opens: string | null, monoNs: bigint): Promise<bigint | null> {
    if (opens === null || opens !== this.lastOpens || this.inuseOffset === null || this.lastFullNs === null) return null;
    if (monoNs - this.lastFullNs >= this.fullDumpEveryNs || this.lastN > (this.nat !== null ? LOOKUP_MAX_NATIVE : LOOKUP_MAX)) return null;
    let costNs = 0n;
    if (this.nat !== null) {
      const s = process.hrtime.bigint();
      const seq = (this.seq = (this.seq + 1) >>> 0);
      // Batched in C as below; each answer's receive (the kernel's lookup runs in the send) is in the time.
      const ok = this.nat.lookup(this.lastIds, this.lastN, seq, parser);
      costNs = process.hrtime.bigint() - s;
      if (!ok) return null;
    }
    for (let i = 0; this.nat === null && i < this.lastN; i += LOOKUP_BATCH) {
      const k = Math.min(LOOKUP_BATCH, this.lastN - i);
      const seq = (this.seq = (this.seq + 1) >>> 0);
      const reqs: Buffer[] = [];
      for (let j = 0; j < k; j++) reqs.push(buildTcpLookupRequest(this.lastIds, ID_LEN * (i + j), seq));
      let got = 0;
      let bad = false;
      this.lookupTransport ??= this.openTransport(LOOKUP_RECV);
      await this.lookupTransport.request(
        Buffer.concat(reqs),
        (dg) => {
          const s = process.hrtime.bigint();
          // ENOENT: no socket has that 4-tuple, or (ESTALE before 6.x) another socket has it now: gone.
          const n = walkAnswers(dg, seq, parser.onMsg, (e) => {
            if (e !== ENOENT && e !== ESTALE) bad = true;
          });
          costNs += process.hrtime.bigint() - s;
          if (n < 0) bad = true;
          got += Math.max(0, n);
          return bad || got >= k;
        },
        this.timeoutMs,
      );
      if (bad) return null;
    }
    const inuse = this.tcpInuse();
    if (inuse === null || inuse - parser.socks.length !== this.inuseOffset) return null;
    return costNs;
  }

  /** "ActiveOpens PassiveOpens" from /proc/net/snmp's Tcp lines, or null when unreadable. */
  private tcpOpens(): string | null {
    const n = this.snmp.read(this.rb);
    if (n === null) return null;
    const text = this.rb.buf.toString('latin1', 0, n);
    const m = /^Tcp: (.*)\nTcp: (.*)$/m.exec(text);
    if (m === null) return null;
    const names = m[1].split(' ');
    const vals = m[2].split(' ');
    const a = names.indexOf('ActiveOpens');
    const p = names.indexOf('PassiveOpens');
    if (a < 0 || p < 0 || vals[a] === undefined || vals[p] === undefined) return null;
    return `${vals[a]} ${vals[p]}`;
  }

  /** TCP sockets hashed (listening or connected) in this namespace: sockstat TCP inuse + TCP6 inuse. */
  private tcpInuse(): number | null {
    let sum = 0;
    for (const [f, re] of [
      [this.sockstat, /^TCP: inuse (\d+)/m],
      [this.sockstat6, /^TCP6: inuse (\d+)/m],
    ] as const) {
      const n = f.read(this.rb);
      if (n === null) {
        if (f === this.sockstat) return null;
        continue; // no IPv6
      }
      const m = re.exec(this.rb.buf.toString('latin1', 0, n));
      if (m === null) return null;
      sum += Number(m[1]);
    }
    return sum;
  }

  /**
   * Gives every socket its owners and adds what it moved since the previous read to their
   * accumulators. Returns the [connections, listeners] count per pid.
   */
  private join(socks: TcpSockSample[], memos: SockMemo[]): Map<number, [number, number]> {
    const tcpPer = new Map<number, [number, number]>();
    let before: Map<Counter, readonly number[]> | null = null;
    for (let i = 0; i < socks.length; i++) {
      const sk = socks[i];
      const m = memos[i];
      let orphan = false;
      if (sk.inode !== 0) {
        const p = this.inodes.pidsOf(sk.inode);
        if (p) sk.pids = p as number[];
        // No owner known yet (the fd scan has not reached its process): what it moves waits in the
        // socket's counters, and its owner gets all of it once found, instead of losing what passed meanwhile.
        else continue;
      } else {
        // Orphaned since: its last data is still its owner's traffic. Rare, so the index is lazy.
        before ??= this.previousOwners();
        sk.pids = (before.get(sk.cookie) as number[] | undefined) ?? sk.pids;
        orphan = true;
      }
      // What this socket moved since the previous read it had an owner at (the one rule: src/derive/conns-delta.ts).
      const tx = sockDelta(m.acked, sk.bytes_acked);
      const rx = sockDelta(m.received, sk.bytes_received);
      const re = sockDelta(m.retrans, sk.total_retrans);
      m.acked = sk.bytes_acked;
      m.received = sk.bytes_received;
      m.retrans = sk.total_retrans;
      for (const pid of sk.pids) {
        const acc = orphan ? this.accs.get(pid) : this.accOf(pid);
        if (acc !== undefined) {
          if (tx !== null) acc.tx = acc.tx === null ? tx : counterAdd(acc.tx, tx);
          if (rx !== null) acc.rx = acc.rx === null ? rx : counterAdd(acc.rx, rx);
          if (re !== null) acc.re = acc.re === null ? re : counterAdd(acc.re, re);
        }
        if (orphan) continue; // no longer one of its owner's sockets
        let c = tcpPer.get(pid);
        if (c === undefined) tcpPer.set(pid, (c = [0, 0]));
        c[sk.state === 'LISTEN' ? 1 : 0]++;
      }
    }
    return tcpPer;
  }

  /**
   * With the v2 requests (one per family), a family with no TCP socket in use (/proc/net/sockstat{,6}
   * "TCP: inuse 0") is not dumped: the kernel would still walk its whole established hash for nothing.
   */
  private familyEmpty(family: number): boolean {
    const f = family === AF_INET ? this.sockstat : this.sockstat6;
    const n = f.read(this.rb);
    if (n === null) return false;
    const m = /^TCP6?: inuse (\d+)/m.exec(this.rb.buf.toString('latin1', 0, n));
    return m !== null && m[1] === '0';
  }

  /**
   * The accumulators of a pid, started at zero (counting traffic after the previous read) when it has
   * none or the process behind the pid changed.
   */
  private accOf(pid: number): Acc {
    const epoch = this.inodes.epochOf(pid);
    let a = this.accs.get(pid);
    if (a === undefined || a.epoch !== epoch) {
      a = { since: this.prevMonoNs, epoch, tx: null, rx: null, re: null };
      this.accs.set(pid, a);
    }
    return a;
  }

  private previousOwners(): Map<Counter, readonly number[]> {
    const m = new Map<Counter, readonly number[]>();
    for (const sk of this.lastSocks) if (sk.pids.length > 0) m.set(sk.cookie, sk.pids);
    return m;
  }

  private unknownInodes(socks: TcpSockSample[]): number {
    let n = 0;
    for (const sk of socks) if (sk.inode !== 0 && this.inodes.pidsOf(sk.inode) === undefined && !this.unowned.has(sk.inode)) n++;
    return n;
  }

  /** The fd scan of one read; see the class comment. */
  private async attribute(
    socks: TcpSockSample[],
    nowNs: bigint,
    dumpedNs: bigint,
  ): Promise<{ complete: boolean; ns: bigint; stats: Pick<ConnsReadStats, 'unknown' | 'reread' | 'links' | 'listings' | 'listed'> }> {
    let spent = 0n;
    const stats = { unknown: this.unknownInodes(socks), reread: 0, links: 0, listings: 0, listed: 0 };
    const run = (fn: (deadlineNs: bigint) => RefreshResult): RefreshResult => {
      const s0 = process.hrtime.bigint();
      const r = fn(s0 + this.sliceNs);
      spent += process.hrtime.bigint() - s0;
      stats.reread += r.reread;
      stats.links += r.links;
      stats.listings += r.listings;
      stats.listed += r.listed;
      return r;
    };
    this.pruneUnowned(socks);
    this.noteUnknown(socks, dumpedNs);
    if (stats.unknown === 0) {
      this.chasing = false;
      this.lastUnknown.clear();
      // Every socket has its holder: a large table whose count moved is left for its 30 s read (see big: 'due').
      const quota = Math.ceil(this.inodes.passLength / this.sweepReads);
      run((d) => this.inodes.sweep(nowNs, d, { maxPids: quota, big: 'due' }));
      const s1 = process.hrtime.bigint();
      this.recount(socks);
      spent += process.hrtime.bigint() - s1;
      return { complete: true, ns: spent, stats };
    }
    // A connection accepted on a known listener is most likely its holder's: that table is probed first
    // at the numbers the new socket most likely took (InodeMap.probePids: no listing), then read, whether
    // its count moved or not (a server that closed a connection and accepted another keeps its count and
    // reuses the fd number): a large one in part, its new fd numbers and the fds whose socket has left the
    // dump, and whole only if that did not find it. Then the other holders, and every process, large
    // tables whose count moved last (big: 'last'), probed before any is listed: a new client socket is
    // most often a new or small process's.
    const liveSet = new Set<number>();
    for (const sk of socks) liveSet.add(sk.inode);
    const live = (ino: number): boolean => liveSet.has(ino);
    const servers = this.listenerOwners(socks);
    if (servers.size > 0) {
      run(() => this.inodes.probePids(servers, live));
      if (this.listenerOwners(socks).size > 0) run(() => this.inodes.checkPids(servers, nowNs, live));
      if (this.listenerOwners(socks).size > 0) run(() => this.inodes.checkPids(servers, nowNs));
    }
    if (this.unknownInodes(socks) > 0) run((d) => this.inodes.checkHolders(nowNs, d, false, true));
    const found = (): boolean => this.unknownInodes(socks) === 0;
    let complete = true;
    if (this.unknownInodes(socks) > 0) {
      // An unfinished chase goes on where it stopped instead of starting over: a table that keeps
      // changing (a process with a thousand fds) would otherwise be read again on every read and the
      // pass never end. Only a pass listed in this read can say a socket has no visible holder (one
      // listed before may predate its process), so a continued pass that ends is followed by a fresh
      // one; and only a pass that read whole the tables read in part (an fd number closed and reused
      // for the new socket keeps its old link there), so a fresh pass that ends is followed by that.
      // "Listed in this read" is, precisely, listed after every socket still unknown was first dumped: a
      // pass that takes more than one read's budget (large tables changing all the time, read whole) can
      // still end the chase, instead of starting over at every read.
      let fresh = !this.chasing || !this.inodes.inPass;
      let whole = this.chasing && this.chasingWhole;
      let deferred = false;
      for (;;) {
        const r = run((d) => this.inodes.sweep(nowNs, d, { fresh, once: true, whole, big: 'last', until: found, live }));
        fresh = false;
        // Every new socket found: the rest of the pass is left to the background sweep.
        if (found()) break;
        if (r.complete) {
          const listedNow = this.inodes.passListedNs >= this.latestUnknownSince(socks);
          if (listedNow && whole) break;
          // A socket whose process exits right after the dump is found nowhere: the whole reads wait
          // until an unknown socket is still there a read later (what it moves waits in its counters).
          if (listedNow && !socks.some((sk) => this.lastUnknown.has(sk.inode) && this.inodes.pidsOf(sk.inode) === undefined)) {
            deferred = true;
            break;
          }
          if (listedNow) whole = true;
          fresh = true;
        }
        if (spent >= this.scanBudgetNs) {
          complete = false;
          break;
        }
        await new Promise<void>((res) => setImmediate(res));
      }
      this.chasing = !complete;
      this.chasingWhole = whole;
      this.lastUnknown.clear();
      for (const sk of socks) {
        if (sk.inode === 0 || this.inodes.pidsOf(sk.inode) !== undefined) continue;
        if (complete && !deferred) this.unowned.add(sk.inode);
        else this.lastUnknown.add(sk.inode);
      }
    } else this.lastUnknown.clear();
    const s0 = process.hrtime.bigint();
    this.recount(socks);
    spent += process.hrtime.bigint() - s0;
    return { complete, ns: spent, stats };
  }

  /** Records when each socket without a holder was first seen; forgets those found or given up on. */
  private noteUnknown(socks: TcpSockSample[], dumpedNs: bigint): void {
    const now = new Set<number>();
    for (const sk of socks) {
      if (sk.inode === 0 || this.inodes.pidsOf(sk.inode) !== undefined || this.unowned.has(sk.inode)) continue;
      now.add(sk.inode);
      if (!this.unknownSince.has(sk.inode)) this.unknownSince.set(sk.inode, dumpedNs);
    }
    for (const ino of this.unknownSince.keys()) if (!now.has(ino)) this.unknownSince.delete(ino);
  }

  /** The latest first-seen time of the sockets still without a holder. */
  private latestUnknownSince(socks: TcpSockSample[]): bigint {
    let t = -1n;
    for (const sk of socks) {
      if (sk.inode === 0 || this.inodes.pidsOf(sk.inode) !== undefined || this.unowned.has(sk.inode)) continue;
      const s = this.unknownSince.get(sk.inode);
      if (s !== undefined && s > t) t = s;
    }
    return t;
  }

  /** The holders of the listeners whose local port an unknown connection has. */
  private listenerOwners(socks: TcpSockSample[]): Set<number> {
    const ports = new Set<number>();
    for (const sk of socks) {
      if (sk.inode === 0 || sk.state === 'LISTEN' || this.inodes.pidsOf(sk.inode) !== undefined || this.unowned.has(sk.inode)) continue;
      ports.add(sk.local_port);
    }
    const pids = new Set<number>();
    if (ports.size === 0) return pids;
    for (const sk of socks) {
      if (sk.state !== 'LISTEN' || !ports.has(sk.local_port)) continue;
      for (const pid of this.inodes.pidsOf(sk.inode) ?? []) pids.add(pid);
    }
    return pids;
  }

  /** Keeps in `unowned` only the sockets of this dump that still have no holder. */
  private pruneUnowned(socks: TcpSockSample[]): void {
    if (this.unowned.size === 0) return;
    const keep = new Set<number>();
    for (const sk of socks) if (this.unowned.has(sk.inode) && this.inodes.pidsOf(sk.inode) === undefined) keep.add(sk.inode);
    this.unowned = keep;
  }

  /** UDP and Unix counts of the processes whose fd tables were just read (the others' have not changed). */
  private recount(socks: TcpSockSample[]): void {
    const pids = this.inodes.takeReread();
    if (pids.length === 0) return;
    const fresh = new Set(pids);
    const tcp = new Set<number>();
    for (const sk of socks) tcp.add(sk.inode);
    for (const pid of pids) this.counts.delete(pid);
    for (const h of this.inodes.holders()) if (fresh.has(h.pid)) this.counts.set(h.pid, this.kinds.count(h.socks, tcp));
  }

  private perProcess(tcpPer: Map<number, [number, number]>): ConnsProcSample[] {
    const out: ConnsProcSample[] = [];
    const live = new Set<number>();
    let held = 0;
    for (const h of this.inodes.holders()) {
      live.add(h.pid);
      held += h.socks.length;
      const tcp = tcpPer.get(h.pid);
      const c = this.counts.get(h.pid);
      const a = this.accOf(h.pid);
      out.push({
        pid: h.pid,
        comm: h.comm,
        tcp: tcp?.[0] ?? 0,
        tcp_listen: tcp?.[1] ?? 0,
        udp: c?.udp ?? 0,
        unix: c?.unix ?? 0,
        tcp_tx_bytes: a.tx,
        tcp_rx_bytes: a.rx,
        tcp_retrans: a.re,
        since_ns: a.since,
      });
    }
    for (const pid of this.counts.keys()) if (!live.has(pid)) this.counts.delete(pid);
    for (const pid of this.accs.keys()) if (!live.has(pid)) this.accs.delete(pid);
    this.kinds.prune(held, (ino) => this.inodes.pidsOf(ino) !== undefined);
    return out;
  }

  /**
   * Opens the sock_diag socket: the native core's when it has one and it opens, else the `netlink`
   * package's (which throws, one line, when netlink sockets cannot be opened at all).
   */
  private openDiag(): void {
    if (this.natFns !== null) {
      try {
        this.nat = new NativeDiag(this.natFns, this.sliceMs);
        return;
      } catch {
        // The TypeScript path's error says the same thing, if it fails too.
      }
    }
    this.transport = this.openTransport();
  }

  private closeDiag(): void {
    this.lookupTransport?.close();
    this.lookupTransport = null;
    this.transport?.close();
    this.transport = null;
    this.nat?.close();
    this.nat = null;
  }

  /** How many times the fd scan listed pid's fd table (InodeMap.listingsOf); -1 for a pid it does not know. */
  listingsOf(pid: number): number {
    return this.inodes.listingsOf(pid);
  }

  /** Which code talks to sock_diag: the native core or the TypeScript path over the `netlink` package. */
  get diagPath(): 'native' | 'ts' {
    return this.nat !== null ? 'native' : 'ts';
  }

  /** A fresh netlink socket after a failed dump; the fd scan's state is kept. */
  reopen(): void {
    this.closeDiag();
    this.openDiag();
  }

  close(): void {
    this.closeDiag();
    this.sockstat.close();
    this.sockstat6.close();
    this.snmp.close();
  }
}
