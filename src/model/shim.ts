import type { Counter } from './counter';

/**
 * The shim's socket classes and call families, in native/vigil_shm.h's enum order (the shared-memory
 * layout, sampler/shim/layout.ts, indexes its counters by them; test/system/shim/layout.test.ts checks the
 * order against the header).
 */
export const CLASSES = ['tcp', 'udp', 'unix', 'other_inet', 'other'] as const;
export type ShimClass = (typeof CLASSES)[number];
/** Classes that carry IP traffic: what "network" columns sum. */
export const NET_CLASSES: readonly ShimClass[] = ['tcp', 'udp', 'other_inet'];

/** In enum vigil_fn order; the first NTX send (tx), the rest receive (rx). */
export const FNS = [
  'send',
  'sendto',
  'sendmsg',
  'sendmmsg',
  'write',
  'writev',
  'sendfile',
  'recv',
  'recvfrom',
  'recvmsg',
  'recvmmsg',
  'read',
  'readv',
] as const;
export type ShimFn = (typeof FNS)[number];
export const NTX = 7;

/** Successful calls that moved bytes (> 0 returned), and the bytes they returned. */
export interface ShimIo {
  calls: Counter;
  bytes: Counter;
}

export interface ShimDest {
  family: 4 | 6;
  addr: string;
  /** 0 for inbound peers, which are keyed by address only. */
  port: number;
  /** A peer that connected to this process (accept), as opposed to one it connected or sent to. */
  inbound: boolean;
  tx_bytes: Counter;
  /** Calls (messages, for sendmmsg/recvmmsg) that carried bytes to/from this peer. */
  tx_calls: Counter;
  rx_bytes: Counter;
  rx_calls: Counter;
}

/**
 * Heap counters of `vigil run --alloc`. Bytes are malloc_usable_size() of each block, so a free removes
 * exactly what its allocation added: outstanding = inherited_bytes + alloc_bytes − free_bytes.
 */
export interface ShimAlloc {
  malloc_calls: Counter;
  calloc_calls: Counter;
  realloc_calls: Counter;
  /** posix_memalign, memalign, aligned_alloc, valloc, pvalloc. */
  memalign_calls: Counter;
  free_calls: Counter;
  alloc_bytes: Counter;
  free_bytes: Counter;
  /** The parent's outstanding heap at fork(): a child starts with it. */
  inherited_bytes: Counter;
}

/** Raw cumulative counters of one process (pid, start_time), as its shim file holds them. */
export interface ShimProcSample {
  pid: number;
  start_time: number;
  /**
   * false while the process runs an image without the shim: it exec'd a static or setuid program, or
   * one started with a cleared environment. Its counters are frozen, not zero: show n/a.
   */
  attached: boolean;
  /** This is the final read, taken after the process exited (the file is then removed). */
  exited: boolean;
  /** Images that attached to the file: 1 + execs that kept the shim. */
  attaches: Counter;
  io: Record<ShimClass, Record<ShimFn, ShimIo>>;
  connect: Record<ShimClass, { attempts: Counter; failures: Counter }>;
  /** TCP connects that completed, their summed latency, and a log2 histogram (bucket i: [2^i, 2^(i+1)) µs). */
  connect_latency: { count: Counter; sum_ns: Counter; hist: Counter[] };
  /** Calls on fds beyond the shim's fd cache (≥ 2^20), which it could not attribute. */
  untracked_calls: Counter;
  /** The fixed table's peers (slots with equal keys merged). */
  dests: ShimDest[];
  /** Traffic to peers that arrived after the table was full. */
  dest_overflow: { tx_bytes: Counter; tx_calls: Counter; rx_bytes: Counter; rx_calls: Counter };
  /** null unless the process runs the --alloc variant of the shim. */
  alloc: ShimAlloc | null;
}

/** One read of every shim file vigil can see. */
export interface ShimTable {
  mono_ns: bigint;
  procs: ShimProcSample[];
  /**
   * Each read process's parent pid (by shimKey), as /proc/PID/stat said when its file was first opened:
   * enough to tell which processes a `vigil run` command started, even ones that lived less than a tick.
   */
  parents?: ReadonlyMap<string, number>;
}

export function shimKey(pid: number, startTime: number): string {
  return `${pid}:${startTime}`;
}

export interface ShimClassRates {
  rx_bytes_per_s: number | null;
  tx_bytes_per_s: number | null;
  rx_calls_per_s: number | null;
  tx_calls_per_s: number | null;
}

export interface ShimDestSnap {
  /** "1.2.3.4:443", "[2001:db8::1]:443", or "1.2.3.4 (in)" for peers that connected to us. */
  peer: string;
  addr: string;
  port: number;
  inbound: boolean;
  tx_bytes_per_s: number | null;
  rx_bytes_per_s: number | null;
  tx_bytes: number;
  rx_bytes: number;
}

export interface ShimSnap {
  pid: number;
  start_time: number;
  /** false: the process runs without the shim now; every value below is null (show n/a). */
  attached: boolean;
  /** IP traffic (TCP + UDP + other IP sockets): the NET RX/s and TX/s columns. */
  net_rx_bytes_per_s: number | null;
  net_tx_bytes_per_s: number | null;
  net_rx_calls_per_s: number | null;
  net_tx_calls_per_s: number | null;
  /** Unix-domain socket traffic (local IPC, not in the net columns). */
  unix_rx_bytes_per_s: number | null;
  unix_tx_bytes_per_s: number | null;
  by_class: Record<ShimClass, ShimClassRates>;
  /** Cumulative IP bytes since the process (or its first shimmed image) started. */
  net_rx_bytes: number | null;
  net_tx_bytes: number | null;
  connects_per_s: number | null;
  connect_fails_per_s: number | null;
  /** Mean TCP connect latency of the connects completed in this interval. */
  connect_latency_ms: number | null;
  /** Upper edges of the histogram buckets holding the 50th and 99th percentile of this interval's connects. */
  connect_latency_p50_ms: number | null;
  connect_latency_p99_ms: number | null;
  /** Mean TCP connect latency over the process's life. */
  connect_latency_avg_ms: number | null;
  /** The busiest peers of this interval (by bytes moved), then of the process's life. */
  top_dests: ShimDestSnap[];
  /** Peers in the process's table over its life (the shim keeps 64; later ones go to an overflow count). */
  peers: number | null;
  /** Heap outstanding (--alloc): inherited + allocated − freed, in usable bytes; null without --alloc. */
  alloc_outstanding_bytes: number | null;
  alloc_calls_per_s: number | null;
  free_calls_per_s: number | null;
  alloc_bytes_per_s: number | null;
  free_bytes_per_s: number | null;
}
