import { DUMP_STATES, ID_LEN, newSock, cookieOf, TcpDumpParser } from './inet-diag';
import { errnoName } from './netlink';
import { joinU64 } from './tcp-info';

/**
 * The connections tier's sock_diag socket in the native core (native/sampler/sockdiag.c): the same
 * requests as netlink.ts and inet-diag.ts build, the answers parsed in C into rows of numbers, and here
 * into the TcpSockSamples the TypeScript parser makes (the same AddrCache, the same Counters). The
 * TypeScript framing over the `netlink` package stays the reference and the fallback (VIGIL_SAMPLER=ts,
 * no compiler, an addon built before this).
 */
export interface SockDiagNative {
  sdLayout(): Record<string, number>;
  sdOpen(): unknown;
  /** kind 0: TCPDIAG_GETSOCK (both families, one walk); 1: inet_diag_req_v2 for family. 0 or -errno. */
  sdDump(h: unknown, kind: number, family: number, states: number, seq: number): number;
  /** 1 the dump ended; 0 the slice ran out; 2 nothing queued yet; -errno. */
  sdPump(h: unknown, sliceMs: number): number;
  /** 1 every socket answered; 0 a surprise (dump instead); -errno. */
  sdLookup(h: unknown, ids: Uint8Array, n: number, seq: number): number;
  /** n, or -(1 + n) when rows or ids is too small; st always filled. */
  sdTake(h: unknown, rows: Float64Array, ids: Uint8Array, st: Float64Array): number;
  /** Walks a given datagram as sdPump walks one it received (fresh: the first of a dump); 1 if it ended it. */
  sdParse(h: unknown, datagram: Uint8Array, seq: number, fresh: boolean): number;
  sdClose(h: unknown): void;
}

/** Columns of a row (native/sampler/sockdiag.h; 0 and 1 are state and family, read from the identity); -1 marks a tcp_info field the kernel did not give. */
const INODE = 2;
const UID = 3;
const RQUEUE = 4;
const WQUEUE = 5;
const COOKIE_LO = 6;
const COOKIE_HI = 7;
const RTT = 8;
const RTTVAR = 9;
const CWND = 10;
const RETRANS = 11;
const ACKED_LO = 12;
const ACKED_HI = 13;
const RCVD_LO = 14;
const RCVD_HI = 15;
const NCOLS = 16;
/** Slots of the counts. */
const ST_MALFORMED = 1;
const ST_DROPPED = 2;
const ST_ERRNO = 5;
const NSTATS = 7;
const EMSGSIZE = 90;

/** The addon's sock_diag functions when it has them and their layout is this file's; else null. */
export function nativeDiagOf(addon: Partial<SockDiagNative> | null | undefined): SockDiagNative | null {
  if (!addon || typeof addon.sdOpen !== 'function' || typeof addon.sdLayout !== 'function') return null;
  const l = addon.sdLayout();
  return l.SD_NCOLS === NCOLS && l.SD_ID_LEN === ID_LEN && l.SDS_NSTATS === NSTATS ? (addon as SockDiagNative) : null;
}

export class NativeDiag {
  private h: unknown;
  private rows = new Float64Array(NCOLS * 64);
  private ids = Buffer.alloc(ID_LEN * 64);
  private idView: DataView;
  private readonly st = new Float64Array(NSTATS);

  /** Throws one line when the socket cannot be opened. */
  constructor(
    private readonly a: SockDiagNative,
    private readonly sliceMs = 4,
  ) {
    this.h = a.sdOpen();
    this.idView = new DataView(this.ids.buffer, this.ids.byteOffset, this.ids.length);
  }

  /**
   * One dump into parser, received in slices of sliceMs with the event loop turning in between.
   * Returns the kernel's negative errno (the request refused) or null, and the time spent in the calls, ns
   * (the kernel's walk of the hash included: it runs inside the send and the receives). Throws on a socket error or when
   * the dump has not ended after timeoutMs.
   */
  async dump(kind: 0 | 1, family: number, seq: number, parser: TcpDumpParser, timeoutMs: number): Promise<{ errno: number | null; ns: bigint }> {
    let s0 = process.hrtime.bigint();
    let ns = 0n;
    const sent = this.a.sdDump(this.h, kind, family, DUMP_STATES, seq);
    if (sent < 0) throw new Error(`sock_diag request not sent: ${errnoName(sent)}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.a.sdPump(this.h, this.sliceMs);
      if (r === 1) break;
      if (r < 0) throw new Error(r === -EMSGSIZE ? 'netlink datagram larger than the receive buffer' : `sock_diag receive failed: ${errnoName(r)}`);
      ns += process.hrtime.bigint() - s0;
      if (Date.now() > deadline) throw new Error(`no answer from sock_diag within ${timeoutMs} ms`);
      // 0: the slice ran out (a dump of many sockets); 2: nothing queued (never seen: the kernel makes a
      // dump's first datagram inside the send and each next one inside the receive before it), waited for
      // without spinning.
      await new Promise<void>((res) => (r === 0 ? setImmediate(res) : setTimeout(res, 1)));
      s0 = process.hrtime.bigint();
    }
    this.take(parser);
    ns += process.hrtime.bigint() - s0;
    const e = this.st[ST_ERRNO];
    return { errno: e === 0 ? null : e, ns };
  }

  /**
   * Looks up the n sockets of ids (ID_LEN bytes each, as a dump's parser kept them) into parser. Returns
   * false when the answers are not what a dump would give (an unexpected errno, an answer missing):
   * the caller dumps instead. Throws on a socket error.
   */
  lookup(ids: Buffer, n: number, seq: number, parser: TcpDumpParser): boolean {
    const r = this.a.sdLookup(this.h, ids, n, seq);
    if (r < 0) throw new Error(`sock_diag lookup failed: ${errnoName(r)}`);
    if (r === 0) return false;
    this.take(parser);
    return true;
  }

  /**
   * Parses captured datagrams of one dump into parser as a dump's receives would (for the tests). Returns
   * whether they ended it and the kernel's errno, as dump() does.
   */
  parse(datagrams: Buffer[], seq: number, parser: TcpDumpParser): { done: boolean; errno: number | null } {
    let done = 0;
    datagrams.forEach((d, i) => (done = this.a.sdParse(this.h, d, seq, i === 0)));
    this.take(parser);
    const e = this.st[ST_ERRNO];
    return { done: done === 1, errno: e === 0 ? null : e };
  }

  close(): void {
    if (this.h === null) return;
    this.a.sdClose(this.h);
    this.h = null;
  }

  /** The last request's rows into parser, as parseInetDiagMsg would have made them. */
  private take(parser: TcpDumpParser): void {
    let n = this.a.sdTake(this.h, this.rows, this.ids, this.st);
    if (n < 0) {
      const need = -n - 1;
      this.rows = new Float64Array(NCOLS * need * 2);
      this.ids = Buffer.alloc(ID_LEN * need * 2);
      this.idView = new DataView(this.ids.buffer, this.ids.byteOffset, this.ids.length);
      n = this.a.sdTake(this.h, this.rows, this.ids, this.st);
    }
    parser.malformed += this.st[ST_MALFORMED];
    parser.dropped += this.st[ST_DROPPED];
    const f = this.rows;
    const b = this.ids;
    const v = this.idView;
    for (let i = 0; i < n; i++) {
      const r = i * NCOLS;
      const id = i * ID_LEN;
      const cookie = cookieOf(f[r + COOKIE_LO], f[r + COOKIE_HI]);
      const ep = parser.addrs.get(b, v, id, b[id], cookie);
      const s = newSock(v, id, ep, cookie, f[r + INODE], f[r + UID], f[r + RQUEUE], f[r + WQUEUE]);
      if (f[r + RTT] >= 0) s.rtt_us = f[r + RTT];
      if (f[r + RTTVAR] >= 0) s.rttvar_us = f[r + RTTVAR];
      if (f[r + CWND] >= 0) s.cwnd = f[r + CWND];
      if (f[r + RETRANS] >= 0) s.total_retrans = f[r + RETRANS];
      if (f[r + ACKED_HI] >= 0) s.bytes_acked = joinU64(f[r + ACKED_LO], f[r + ACKED_HI]);
      if (f[r + RCVD_HI] >= 0) s.bytes_received = joinU64(f[r + RCVD_LO], f[r + RCVD_HI]);
      parser.memos.push(ep);
      parser.push(s, b, id);
    }
  }
}
