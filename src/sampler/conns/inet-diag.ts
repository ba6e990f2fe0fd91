import type { TcpSockSample, TcpState } from '../../model-conns';
import { buildNlmsg, NLM_F_DUMP, NLM_F_REQUEST, SOCK_DIAG_BY_FAMILY, u16h, u32h, w32h } from './netlink';
import { parseTcpInfo } from './tcp-info';

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
 * Formatted endpoints by the raw bytes they come from (ports + addresses): the same connection is seen
 * every tick, so its strings are made once. Entries not seen in a tick are dropped at endTick().
 */
export class AddrCache {
  private cur = new Map<string, [string, string]>();
  private old = new Map<string, [string, string]>();

  get(b: Buffer, msg: number, family: number): [string, string] {
    // Family, ports and both addresses: the bytes the two strings are made from.
    const key = b.toString('latin1', msg + 4, msg + 40) + (family === AF_INET ? '4' : '6');
    let v = this.cur.get(key);
    if (v !== undefined) return v;
    v = this.old.get(key);
    if (v === undefined) {
      const sport = b.readUInt16BE(msg + 4);
      const dport = b.readUInt16BE(msg + 6);
      v =
        family === AF_INET
          ? [`${fmt4(b, msg + 8)}:${sport}`, `${fmt4(b, msg + 24)}:${dport}`]
          : [`[${fmt6(b, msg + 8)}]:${sport}`, `[${fmt6(b, msg + 24)}]:${dport}`];
    }
    this.cur.set(key, v);
    return v;
  }

  endTick(): void {
    this.old = this.cur;
    this.cur = new Map();
  }
}

/** Why parseInetDiagMsg rejected a message, for the malformed count and the tests. */
export type DiagReject = 'short' | 'family' | 'attr';

/**
 * Parses one SOCK_DIAG_BY_FAMILY message payload b[start, end). Returns the socket, or a reason when the
 * message is malformed: shorter than inet_diag_msg, an unknown family, or an attribute whose length
 * runs past the message (the rest could not be framed).
 */
export function parseInetDiagMsg(b: Buffer, start: number, end: number, addrs: AddrCache): TcpSockSample | DiagReject {
  if (end - start < INET_DIAG_MSG_LEN) return 'short';
  const family = b[start];
  if (family !== AF_INET && family !== AF_INET6) return 'family';
  const stateNo = b[start + 1];
  let info = null;
  let a = start + INET_DIAG_MSG_LEN;
  while (end - a >= RTA_HDRLEN) {
    const rlen = u16h(b, a);
    const rtype = u16h(b, a + 2) & 0x3fff; // NLA_TYPE_MASK: drop the nested/byte-order flags
    if (rlen < RTA_HDRLEN || rlen > end - a) return 'attr';
    if (rtype === INET_DIAG_INFO) info = parseTcpInfo(b, a + RTA_HDRLEN, a + rlen);
    a += (rlen + 3) & ~3;
  }
  const [local, remote] = addrs.get(b, start, family);
  const c0 = u32h(b, start + 44);
  const c1 = u32h(b, start + 48);
  // idiag_cookie[2]: ss prints ((u64)cookie[1] << 32) | cookie[0]. Cookies count up from 1, so the
  // high word is 0 for years of sockets; the bigint branch only keeps it exact past 2^53.
  const cookie = c1 <= 0x1fffff ? c1 * 4294967296 + c0 : (BigInt(c1) << 32n) | BigInt(c0);
  return {
    cookie,
    inode: u32h(b, start + 68),
    uid: u32h(b, start + 64),
    family: family === AF_INET ? 4 : 6,
    state: TCP_STATES[stateNo] ?? 'UNKNOWN',
    local,
    remote,
    local_port: b.readUInt16BE(start + 4),
    remote_port: b.readUInt16BE(start + 6),
    rqueue: u32h(b, start + 56),
    wqueue: u32h(b, start + 60),
    rtt_us: info?.rtt_us ?? null,
    rttvar_us: info?.rttvar_us ?? null,
    cwnd: info?.cwnd ?? null,
    bytes_acked: info?.bytes_acked ?? null,
    bytes_received: info?.bytes_received ?? null,
    total_retrans: info?.total_retrans ?? null,
    pids: [],
  };
}

/** Accumulates the sockets of one dump across datagrams. */
export class TcpDumpParser {
  readonly socks: TcpSockSample[] = [];
  malformed = 0;

  constructor(private readonly addrs: AddrCache) {}

  /** The callback for walkNlmsgs. */
  readonly onMsg = (b: Buffer, start: number, end: number, type: number): void => {
    if (type !== SOCK_DIAG_BY_FAMILY) {
      this.malformed++;
      return;
    }
    const s = parseInetDiagMsg(b, start, end, this.addrs);
    if (typeof s === 'string') this.malformed++;
    else this.socks.push(s);
  };
}
