import type { Counter } from '../../model/counter';
import type { TcpSockSample, TcpState } from '../../model/conns';
import { buildNlmsg, NLM_F_DUMP, NLM_F_REQUEST, SOCK_DIAG_BY_FAMILY, u16h, u32h, view, w32h } from './netlink';
import { fillTcpInfo } from './tcp-info';

/**
 * sock_diag for TCP (linux/inet_diag.h): the dump request and the parser of its answers, pure.
 * struct inet_diag_msg is 72 bytes: family, state, timer, retrans, then inet_diag_sockid (ports and
 * addresses in network order, interface, cookie), expires, rqueue, wqueue, uid, inode; attributes follow.
 */

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const INET_DIAG_INFO = 2;
export const INET_DIAG_MSG_LEN = 72;
export const INET_DIAG_REQ_V2_LEN = 56;
const RTA_HDRLEN = 4;

/** Index = kernel state number (include/net/tcp_states.h). */
export const TCP_STATES: readonly TcpState[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'BOUND_INACTIVE',
];
export const TCP_LISTEN = 10;

/**
 * The states vigil dumps: every socket a process can hold. TIME_WAIT and NEW_SYN_RECV entries are
 * minisockets with no inode and no tcp_info, and BOUND_INACTIVE ones have never carried data.
 */
export const DUMP_STATES = 0x1ffe & ~((1 << 6) | (1 << 12)) & ~(1 << 13);

/**
 * The older request (struct inet_diag_req, message type TCPDIAG_GETSOCK): the kernel dumps it with
 * family AF_UNSPEC, i.e. IPv4 and IPv6 in one walk of the established hash where two v2 requests walk
 * it twice (measured here: 1.5 ms saved per read with 4,000 sockets). Still served by 6.x kernels,
 * and ss uses it as its fallback; vigil falls back to the v2 requests if it is refused.
 */
export const TCPDIAG_GETSOCK = 18;
export const INET_DIAG_REQ_LEN = 60;

export function buildTcpCompatDumpRequest(seq: number, states = DUMP_STATES): Buffer {
  const req = Buffer.alloc(INET_DIAG_REQ_LEN);
  req[0] = AF_INET; // ignored by the dump: it always covers both families
  req[3] = 1 << (INET_DIAG_INFO - 1);
  w32h(req, 0xffffffff, 4 + 40);
  w32h(req, 0xffffffff, 4 + 44);
  w32h(req, states, 52);
  return buildNlmsg(TCPDIAG_GETSOCK, NLM_F_REQUEST | NLM_F_DUMP, seq, req);
}

/** An inet_diag_req_v2 dump request for every TCP socket of one family, asking for tcp_info. */
export function buildTcpDumpRequest(family: number, seq: number, states = DUMP_STATES): Buffer {
  const req = Buffer.alloc(INET_DIAG_REQ_V2_LEN);
  req[0] = family;
  req[1] = IPPROTO_TCP;
  req[2] = 1 << (INET_DIAG_INFO - 1); // idiag_ext: which attributes to add
  req[3] = 0;
  w32h(req, states, 4);
  // inet_diag_sockid stays zero apart from the cookie, INET_DIAG_NOCOOKIE: a dump matches any socket.
  w32h(req, 0xffffffff, 8 + 40);
  w32h(req, 0xffffffff, 8 + 44);
  return buildNlmsg(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq, req);
}

/**
 * An exact lookup of one socket (an inet_diag_req_v2 without NLM_F_DUMP): `id` holds, at idOff, the
 * first 52 bytes of the inet_diag_msg a dump gave for it (family, state, timer, retrans, then the
 * inet_diag_sockid: ports, addresses, interface, cookie). The kernel answers with the same message a
 * dump gives, or an NLMSG_ERROR: ENOENT when no socket has that 4-tuple or the one that has it is
 * another socket (its cookie differs: the tuple was reused; older kernels answer ESTALE for that).
 */
export function buildTcpLookupRequest(id: Buffer, idOff: number, seq: number): Buffer {
  const req = Buffer.alloc(INET_DIAG_REQ_V2_LEN);
  req[0] = id[idOff];
  req[1] = IPPROTO_TCP;
  req[2] = 1 << (INET_DIAG_INFO - 1);
  w32h(req, DUMP_STATES, 4); // ignored by a lookup: the reader drops answers in other states
  id.copy(req, 8, idOff + 4, idOff + ID_LEN);
  return buildNlmsg(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, seq, req);
}

/** Bytes of a socket's identity kept for a lookup: inet_diag_msg up to the end of its sockid. */
export const ID_LEN = 52;

function fmt4(b: Buffer, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text of a 16-byte address: lowercase, longest run of 2+ zero groups as "::", v4-mapped dotted. */
export function fmt6(b: Buffer, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(off + 2 * i));
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${fmt4(b, off + 12)}`;
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, z: number): string => g.slice(a, z).map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}

/**
 * What vigil remembers of one socket between reads: its endpoints as text with the raw words they were
 * made from, and its counters at the last read (undefined before its first).
 */
export interface SockMemo {
  /** sport, dport (one 32-bit word) and the address words: 1 + 1 + 1 for IPv4, 1 + 4 + 4 for IPv6. */
  words: number[];
  local: string;
  remote: string;
  seen: number;
  acked: Counter | null | undefined;
  received: Counter | null | undefined;
  retrans: number | null | undefined;
}

/**
 * Per-socket memory by socket cookie. A connection is seen every tick, so its two strings are made
 * once; the raw words are compared each time, since a socket's addresses change when it connects.
 * Entries not seen for a while are dropped.
 */
export class AddrCache {
  private readonly byCookie = new Map<Counter, SockMemo>();
  private tick = 0;

  get(b: Buffer, v: DataView, msg: number, family: number, cookie: Counter): SockMemo {
    const n = family === AF_INET ? 3 : 9;
    const e = this.byCookie.get(cookie);
    if (e !== undefined && e.words.length === n && sameWords(v, msg, family, e.words)) {
      e.seen = this.tick;
      return e;
    }
    const words = readWords(v, msg, family);
    const sport = b.readUInt16BE(msg + 4);
    const dport = b.readUInt16BE(msg + 6);
    const [local, remote] =
      family === AF_INET
        ? [`${fmt4(b, msg + 8)}:${sport}`, `${fmt4(b, msg + 24)}:${dport}`]
        : [`[${fmt6(b, msg + 8)}]:${sport}`, `[${fmt6(b, msg + 24)}]:${dport}`];
    // The same socket with new endpoints (it connected) keeps its counters.
    const fresh: SockMemo = { words, local, remote, seen: this.tick, acked: e?.acked, received: e?.received, retrans: e?.retrans };
    this.byCookie.set(cookie, fresh);
    return fresh;
  }

  /** Ends a read; every 16 reads, forgets sockets not seen in the last 16. */
  endTick(): void {
    this.tick++;
    if ((this.tick & 15) !== 0) return;
    for (const [k, e] of this.byCookie) if (this.tick - e.seen > 16) this.byCookie.delete(k);
  }

  get size(): number {
    return this.byCookie.size;
  }
}

/** inet_diag_sockid's ports and address words, in the order readWords returns them. */
function readWords(v: DataView, msg: number, family: number): number[] {
  if (family === AF_INET) return [v.getUint32(msg + 4), v.getUint32(msg + 8), v.getUint32(msg + 24)];
  const w = [v.getUint32(msg + 4)];
  for (let i = 0; i < 4; i++) w.push(v.getUint32(msg + 8 + 4 * i));
  for (let i = 0; i < 4; i++) w.push(v.getUint32(msg + 24 + 4 * i));
  return w;
}

function sameWords(v: DataView, msg: number, family: number, w: number[]): boolean {
  if (v.getUint32(msg + 4) !== w[0]) return false;
  if (family === AF_INET) return v.getUint32(msg + 8) === w[1] && v.getUint32(msg + 24) === w[2];
  for (let i = 0; i < 4; i++) if (v.getUint32(msg + 8 + 4 * i) !== w[1 + i] || v.getUint32(msg + 24 + 4 * i) !== w[5 + i]) return false;
  return true;
}

/** Why parseInetDiagMsg rejected a message, for the malformed count and the tests. */
export type DiagReject = 'short' | 'family' | 'attr';

/**
 * Parses one SOCK_DIAG_BY_FAMILY message payload b[start, end). Returns the socket, or a reason when the
 * message is malformed: shorter than inet_diag_msg, an unknown family, or an attribute whose length
 * runs past the message (the rest could not be framed).
 */
export function parseInetDiagMsg(
  b: Buffer,
  start: number,
  end: number,
  addrs: AddrCache,
  v: DataView = view(b),
  memos?: SockMemo[],
): TcpSockSample | DiagReject {
  if (end - start < INET_DIAG_MSG_LEN) return 'short';
  const family = b[start];
  if (family !== AF_INET && family !== AF_INET6) return 'family';
  let info = -1;
  let infoLen = 0;
  let a = start + INET_DIAG_MSG_LEN;
  while (end - a >= RTA_HDRLEN) {
    const rlen = u16h(v, a);
    const rtype = u16h(v, a + 2) & 0x3fff; // NLA_TYPE_MASK: drop the nested/byte-order flags
    if (rlen < RTA_HDRLEN || rlen > end - a) return 'attr';
    if (rtype === INET_DIAG_INFO) {
      info = a + RTA_HDRLEN;
      infoLen = rlen - RTA_HDRLEN;
    }
    a += (rlen + 3) & ~3;
  }
  const cookie = cookieOf(u32h(v, start + 44), u32h(v, start + 48));
  const ep = addrs.get(b, v, start, family, cookie);
  const s = newSock(v, start, ep, cookie, u32h(v, start + 68), u32h(v, start + 64), u32h(v, start + 56), u32h(v, start + 60));
  if (info >= 0) fillTcpInfo(v, info, infoLen, s);
  memos?.push(ep);
  return s;
}

/**
 * idiag_cookie[2] as one Counter: ss prints ((u64)cookie[1] << 32) | cookie[0]. Cookies count up from 1,
 * so the high word is 0 for years of sockets; the bigint branch only keeps it exact past 2^53.
 */
export function cookieOf(c0: number, c1: number): Counter {
  return c1 <= 0x1fffff ? c1 * 4294967296 + c0 : (BigInt(c1) << 32n) | BigInt(c0);
}

/**
 * A socket without its tcp_info fields (null until filled): the identity at v[id, id + ID_LEN) (family,
 * state, ports), its endpoints' text from the cache, and the inet_diag_msg fields past the identity.
 */
export function newSock(v: DataView, id: number, ep: SockMemo, cookie: Counter, inode: number, uid: number, rqueue: number, wqueue: number): TcpSockSample {
  return {
    cookie,
    inode,
    uid,
    family: v.getUint8(id) === AF_INET ? 4 : 6,
    state: TCP_STATES[v.getUint8(id + 1)] ?? 'UNKNOWN',
    local: ep.local,
    remote: ep.remote,
    local_port: v.getUint16(id + 4),
    remote_port: v.getUint16(id + 6),
    rqueue,
    wqueue,
    rtt_us: null,
    rttvar_us: null,
    cwnd: null,
    bytes_acked: null,
    bytes_received: null,
    total_retrans: null,
    pids: NO_PIDS,
  };
}

/** Shared by every socket until the fd scan attributes it (never mutated: replaced). */
const NO_PIDS: number[] = [];

/** Accumulates the sockets of one dump across datagrams. */
export class TcpDumpParser {
  readonly socks: TcpSockSample[] = [];
  /** memos[i] is what the cache remembers of socks[i]. */
  readonly memos: SockMemo[] = [];
  malformed = 0;
  /** ids[ID_LEN * i, ID_LEN * (i + 1)) is the identity of socks[i], for a later lookup (when keepIds). */
  ids: Buffer = Buffer.alloc(0);
  /** Answers in a state the dump does not ask for (a lookup that found the TIME_WAIT left of a socket). */
  dropped = 0;

  constructor(
    readonly addrs: AddrCache,
    private readonly keepIds = false,
  ) {}

  /** The callback for walkNlmsgs. */
  readonly onMsg = (b: Buffer, start: number, end: number, type: number, v?: DataView): void => {
    // The answers carry the request's type: SOCK_DIAG_BY_FAMILY, or TCPDIAG_GETSOCK for the older one.
    if (type !== SOCK_DIAG_BY_FAMILY && type !== TCPDIAG_GETSOCK) {
      this.malformed++;
      return;
    }
    // A lookup answers whatever state the socket is in now; a dump lists only DUMP_STATES.
    if (end - start >= INET_DIAG_MSG_LEN && ((DUMP_STATES >>> b[start + 1]) & 1) === 0) {
      this.dropped++;
      return;
    }
    const s = parseInetDiagMsg(b, start, end, this.addrs, v ?? view(b), this.memos);
    if (typeof s === 'string') {
      this.malformed++;
      return;
    }
    this.push(s, b, start);
  };

  /** Adds a socket (its memo already in memos) whose identity is b[id, id + ID_LEN). */
  push(s: TcpSockSample, b: Buffer, id: number): void {
    if (this.keepIds) {
      const at = ID_LEN * this.socks.length;
      if (this.ids.length < at + ID_LEN) {
        const grown = Buffer.alloc(Math.max(ID_LEN * 64, 2 * this.ids.length));
        this.ids.copy(grown);
        this.ids = grown;
      }
      b.copy(this.ids, at, id, id + ID_LEN);
    }
    this.socks.push(s);
  }
}
