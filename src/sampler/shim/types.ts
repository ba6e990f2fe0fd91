import type { Counter } from '../../counter';
import type { ShimClass, ShimFn } from './layout';

export type { ShimClass, ShimFn } from './layout';

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
