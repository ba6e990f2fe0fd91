import { Counter, fromBig } from '../../model/counter';
import { HOST_LE, u32h, view } from './netlink';

/**
 * struct tcp_info (linux/tcp.h), the INET_DIAG_INFO attribute of a TCP socket. The kernel sends its own
 * sizeof(struct tcp_info) and the struct only grows at the end, so a field is present exactly when the
 * attribute reaches past it; a shorter attribute (an older kernel) leaves the later fields null.
 * Offsets checked with offsetof() against this machine's headers.
 */
export const TCPI = {
  state: 0,
  rtt: 68,
  rttvar: 72,
  snd_cwnd: 80,
  total_retrans: 100,
  bytes_acked: 120,
  bytes_received: 128,
} as const;

/** The fields vigil reads; null where the kernel's tcp_info is too short to hold them. */
export interface TcpInfo {
  rtt_us: number | null;
  rttvar_us: number | null;
  cwnd: number | null;
  total_retrans: number | null;
  bytes_acked: Counter | null;
  bytes_received: Counter | null;
}

const TWO_32 = 4294967296;
const HI_SAFE = 0x1fffff; // a high word up to 2^21 − 1 keeps hi·2^32 + lo below 2^53

/** An unsigned 64-bit host-order field as a canonical Counter (a bigint only above 2^53). */
export function u64h(v: DataView, off: number): Counter {
  return joinU64(u32h(v, HOST_LE ? off : off + 4), u32h(v, HOST_LE ? off + 4 : off));
}

/** The Counter of a u64 given as its two 32-bit words (the native core hands them over so). */
export function joinU64(lo: number, hi: number): Counter {
  if (hi <= HI_SAFE) return hi * TWO_32 + lo;
  return fromBig((BigInt(hi) << 32n) | BigInt(lo));
}

/** Parses tcp_info from b[start, end) (the attribute's payload). */
export function parseTcpInfo(b: Buffer, start: number, end: number): TcpInfo {
  const t: TcpInfo = { rtt_us: null, rttvar_us: null, cwnd: null, total_retrans: null, bytes_acked: null, bytes_received: null };
  fillTcpInfo(view(b), start, end - start, t);
  return t;
}

/** The same, written into an existing object (the dump's hot path makes no intermediate one). */
export function fillTcpInfo(v: DataView, start: number, len: number, t: TcpInfo): void {
  if (TCPI.rtt + 4 <= len) t.rtt_us = u32h(v, start + TCPI.rtt);
  if (TCPI.rttvar + 4 <= len) t.rttvar_us = u32h(v, start + TCPI.rttvar);
  if (TCPI.snd_cwnd + 4 <= len) t.cwnd = u32h(v, start + TCPI.snd_cwnd);
  if (TCPI.total_retrans + 4 <= len) t.total_retrans = u32h(v, start + TCPI.total_retrans);
  if (TCPI.bytes_acked + 8 <= len) t.bytes_acked = u64h(v, start + TCPI.bytes_acked);
  if (TCPI.bytes_received + 8 <= len) t.bytes_received = u64h(v, start + TCPI.bytes_received);
}
