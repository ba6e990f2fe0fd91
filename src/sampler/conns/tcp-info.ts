import { Counter, fromBig } from '../../counter';
import { HOST_LE, u32h } from './netlink';

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
export function u64h(b: Buffer, off: number): Counter {
  const lo = u32h(b, HOST_LE ? off : off + 4);
  const hi = u32h(b, HOST_LE ? off + 4 : off);
  if (hi <= HI_SAFE) return hi * TWO_32 + lo;
  return fromBig((BigInt(hi) << 32n) | BigInt(lo));
}

/** Parses tcp_info from b[start, end) (the attribute's payload). */
export function parseTcpInfo(b: Buffer, start: number, end: number): TcpInfo {
  const len = end - start;
  const u32 = (off: number): number | null => (off + 4 <= len ? u32h(b, start + off) : null);
  const u64 = (off: number): Counter | null => (off + 8 <= len ? u64h(b, start + off) : null);
  return {
    rtt_us: u32(TCPI.rtt),
    rttvar_us: u32(TCPI.rttvar),
    cwnd: u32(TCPI.snd_cwnd),
    total_retrans: u32(TCPI.total_retrans),
    bytes_acked: u64(TCPI.bytes_acked),
    bytes_received: u64(TCPI.bytes_received),
  };
}
