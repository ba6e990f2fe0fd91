/**
 * The shim's shared-memory layout, mirrored from native/vigil_shm.h (the one source of truth).
 * test/system/shim/layout.test.ts compiles a program against that header and checks every number here.
 * Nothing read from a file is ever used as a size, offset or count: these constants are.
 */
import { CLASSES, FNS } from '../../model/shim';

/** "VIGILSHM" as a little-endian u64, split in two u32 halves (no BigInt on the hot path). */
export const SHM_MAGIC_LO = 0x49474956;
export const SHM_MAGIC_HI = 0x4d48534c;
export const SHM_VERSION = 1;
export const SHM_SIZE = 8192;

export const FLAG_ALLOC = 1;
export const DEST_INBOUND = 1;

// The socket classes and call families, in the header's enum order, are named by the model (model/shim.ts).
export { CLASSES, FNS, NET_CLASSES, NTX } from '../../model/shim';
export type { ShimClass, ShimFn } from '../../model/shim';

export const NCLASS = CLASSES.length;
export const NFN = FNS.length;
export const NHIST = 24;
export const NDEST = 64;

/** struct vigil_shm_header field offsets. */
export const HDR = {
  magic: 0,
  version: 8,
  size: 12,
  pid: 16,
  flags: 20,
  start_time: 24,
  pidns: 32,
  ndest: 40,
  nhist: 44,
  counters_off: 48,
  ncounters: 52,
  dest_off: 56,
  exec_pending: 60,
  attaches: 64,
} as const;
export const HEADER_SIZE = 128;

/** Counter indices (u64 each), in enum vigil_counter order. */
export const ioCalls = (cls: number, fn: number): number => (cls * NFN + fn) * 2;
export const ioBytes = (cls: number, fn: number): number => (cls * NFN + fn) * 2 + 1;
const IO_END = NCLASS * NFN * 2;
export const connectAttempts = (cls: number): number => IO_END + cls * 2;
export const connectFailures = (cls: number): number => IO_END + cls * 2 + 1;
const CONNECT_END = IO_END + NCLASS * 2;
export const C = {
  LAT_COUNT: CONNECT_END,
  LAT_SUM_NS: CONNECT_END + 1,
  LAT_HIST: CONNECT_END + 2,
  UNTRACKED: CONNECT_END + 2 + NHIST,
  DEST_OVF_TX_BYTES: CONNECT_END + 3 + NHIST,
  DEST_OVF_TX_CALLS: CONNECT_END + 4 + NHIST,
  DEST_OVF_RX_BYTES: CONNECT_END + 5 + NHIST,
  DEST_OVF_RX_CALLS: CONNECT_END + 6 + NHIST,
  MALLOC_CALLS: CONNECT_END + 7 + NHIST,
  CALLOC_CALLS: CONNECT_END + 8 + NHIST,
  REALLOC_CALLS: CONNECT_END + 9 + NHIST,
  MEMALIGN_CALLS: CONNECT_END + 10 + NHIST,
  FREE_CALLS: CONNECT_END + 11 + NHIST,
  ALLOC_BYTES: CONNECT_END + 12 + NHIST,
  FREE_BYTES: CONNECT_END + 13 + NHIST,
  INHERITED_BYTES: CONNECT_END + 14 + NHIST,
} as const;
export const NCOUNTERS = CONNECT_END + 15 + NHIST;

export const COUNTERS_OFF = HEADER_SIZE;
/** The destination table is 64-byte aligned after the counters. */
export const DEST_OFF = Math.ceil((COUNTERS_OFF + NCOUNTERS * 8) / 64) * 64;
export const DEST_SIZE = 64;
/** struct vigil_dest field offsets. */
export const DEST = {
  state: 0,
  family: 4,
  port: 6,
  addr: 8,
  flags: 24,
  tx_bytes: 32,
  tx_calls: 40,
  rx_bytes: 48,
  rx_calls: 56,
} as const;
export const DEST_STATE_READY = 2;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** Files are "<pid>-<start_time>.shm". */
export const SHM_NAME_RE = /^([1-9][0-9]{0,9})-([0-9]{1,20})\.shm$/;
export function shmFileName(pid: number, startTime: number): string {
  return `${pid}-${startTime}.shm`;
}
