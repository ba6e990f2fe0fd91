import * as os from 'os';

/**
 * The netlink framing (linux/netlink.h), pure: a request is built into a Buffer, a received datagram is
 * walked message by message. Header fields are in host byte order; nothing here trusts a length.
 */

export const NETLINK_SOCK_DIAG = 4;
export const SOCK_DIAG_BY_FAMILY = 20;

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

/** Host byte order, which netlink headers and most struct fields use. */
export const HOST_LE = os.endianness() === 'LE';

export function nlmsgAlign(n: number): number {
  return (n + 3) & ~3;
}

/** A DataView over exactly the bytes of b: its reads are intrinsics, where Buffer's are checked calls. */
export function view(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.length);
}

export function u16h(v: DataView, off: number): number {
  return v.getUint16(off, HOST_LE);
}
export function u32h(v: DataView, off: number): number {
  return v.getUint32(off, HOST_LE);
}
export function i32h(v: DataView, off: number): number {
  return v.getInt32(off, HOST_LE);
}
export function w16h(b: Buffer, v: number, off: number): void {
  if (HOST_LE) b.writeUInt16LE(v, off);
  else b.writeUInt16BE(v, off);
}
export function w32h(b: Buffer, v: number, off: number): void {
  if (HOST_LE) b.writeUInt32LE(v >>> 0, off);
  else b.writeUInt32BE(v >>> 0, off);
}

/** A netlink message header followed by `payload`, padded to 4 bytes. */
export function buildNlmsg(type: number, flags: number, seq: number, payload: Buffer): Buffer {
  const len = NLMSG_HDRLEN + payload.length;
  const b = Buffer.alloc(nlmsgAlign(len));
  w32h(b, len, 0);
  w16h(b, type, 4);
  w16h(b, flags, 6);
  w32h(b, seq, 8);
  w32h(b, 0, 12); // port id: 0 lets the kernel fill in ours
  payload.copy(b, NLMSG_HDRLEN);
  return b;
}

/** What one call to walkNlmsgs saw; the callback got every well-formed data message. */
export interface WalkResult {
  /** An NLMSG_DONE for our sequence number ended the dump. */
  done: boolean;
  /** A negative errno from NLMSG_ERROR or from NLMSG_DONE's payload; null if none. */
  errno: number | null;
  /** Why the rest of the datagram was abandoned (a length that does not fit), or null. */
  bad: string | null;
  /** The kernel flagged the dump as interrupted by concurrent changes (NLM_F_DUMP_INTR). */
  interrupted: boolean;
  /** Messages of another sequence number (a late answer to an abandoned request), skipped. */
  stale: number;
}

/**
 * Walks the netlink messages of one datagram. For each data message of sequence `seq`, calls
 * onMsg(buf, payloadStart, payloadEnd, type, view of buf). Stops at DONE, at an ERROR, or at the first header whose
 * length is impossible (shorter than a header or past the end): the rest of such a datagram cannot be
 * framed, so it is reported in `bad` rather than guessed at.
 */
export function walkNlmsgs(
  buf: Buffer,
  end: number,
  seq: number,
  onMsg: (b: Buffer, start: number, end: number, type: number, v: DataView) => void,
): WalkResult {
  const res: WalkResult = { done: false, errno: null, bad: null, interrupted: false, stale: 0 };
  let off = 0;
  const lim = Math.min(end, buf.length);
  const v = view(buf);
  while (off < lim) {
    if (lim - off < NLMSG_HDRLEN) {
      res.bad = `truncated header: ${lim - off} bytes at ${off}`;
      return res;
    }
    const len = u32h(v, off);
    if (len < NLMSG_HDRLEN || len > lim - off) {
      res.bad = `bad nlmsg_len ${len} at ${off} (${lim - off} bytes left)`;
      return res;
    }
    const type = u16h(v, off + 4);
    const flags = u16h(v, off + 6);
    const mseq = u32h(v, off + 8);
    const next = off + nlmsgAlign(len);
    if (mseq !== seq) {
      res.stale++;
      off = next;
      continue;
    }
    if (flags & NLM_F_DUMP_INTR) res.interrupted = true;
    if (type === NLMSG_DONE) {
      res.done = true;
      // DONE carries an int: 0, or the dump's negative errno.
      if (len >= NLMSG_HDRLEN + 4) {
        const e = i32h(v, off + NLMSG_HDRLEN);
        if (e < 0) res.errno = e;
      }
      return res;
    }
    if (type === NLMSG_ERROR) {
      if (len < NLMSG_HDRLEN + 4) {
        res.bad = `short NLMSG_ERROR at ${off}`;
        return res;
      }
      const e = i32h(v, off + NLMSG_HDRLEN);
      // error 0 is an ACK; anything else ends the request.
      if (e !== 0) {
        res.errno = e;
        res.done = true;
        return res;
      }
    } else if (type === NLMSG_OVERRUN) {
      res.bad = 'NLMSG_OVERRUN: the kernel dropped data';
      return res;
    } else if (type !== NLMSG_NOOP) {
      onMsg(buf, off + NLMSG_HDRLEN, off + len, type, v);
    }
    off = next;
  }
  return res;
}

/**
 * Walks the answers to a batch of non-dump requests that all carry sequence number `seq`: each is one
 * message, data (handed to onMsg) or NLMSG_ERROR (its negative errno handed to onErr). Returns how
 * many answers this datagram held, or -1 if a length could not be framed.
 */
export function walkAnswers(
  buf: Buffer,
  seq: number,
  onMsg: (b: Buffer, start: number, end: number, type: number, v: DataView) => void,
  onErr: (errno: number) => void,
): number {
  const v = view(buf);
  let off = 0;
  let n = 0;
  while (off < buf.length) {
    if (buf.length - off < NLMSG_HDRLEN) return -1;
    const len = u32h(v, off);
    if (len < NLMSG_HDRLEN || len > buf.length - off) return -1;
    const type = u16h(v, off + 4);
    if (u32h(v, off + 8) === seq && type !== NLMSG_NOOP && type !== NLMSG_DONE) {
      n++;
      if (type === NLMSG_ERROR) onErr(len >= NLMSG_HDRLEN + 4 ? i32h(v, off + NLMSG_HDRLEN) : -5);
      else onMsg(buf, off + NLMSG_HDRLEN, off + len, type, v);
    }
    off += nlmsgAlign(len);
  }
  return n;
}

/** "ENOENT" for -2 (a netlink errno is negative), or "errno N" for one this platform does not name. */
export function errnoName(errno: number): string {
  const name = Object.entries(os.constants.errno).find(([, v]) => v === -errno)?.[0];
  return name ?? `errno ${-errno}`;
}
