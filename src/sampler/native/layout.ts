/**
 * The typed-array layout of the native sampler core, mirrored from native/sampler/layout.h. load.ts
 * compares these numbers with the ones the addon reports and refuses an addon that disagrees.
 *
 * Every table is a Float64Array with a BigUint64Array twin, column-major (value (col, row) at
 * col * cap + row). A counter is the double while it is at most 2^53 - 1; BIG says the exact value is in
 * the twin; NUL says the file did not give it. Fields that are never absent and may be negative (nice,
 * priority, ppid) are plain doubles with no marker.
 */
import type { Counter } from '../../model/counter';

export const V_NUL = -1;
export const V_BIG = -2;

export const NSYS_FILES = 11;
export const S = {
  CTXT: 0, PROCESSES: 1, PROCS_RUNNING: 2, PROCS_BLOCKED: 3, BTIME: 4, CPU_ROWS: 5, TOTAL_PRESENT: 6,
  MEM: 7, LOAD: 19, PSI: 25, SNMP: 55, VMSTAT: 69, UPTIME: 73, NET_ROWS: 74, DISK_ROWS: 75, ARENA_NEED: 76,
} as const;
export const NSCALARS = 77;
export const NCPU_COLS = 11;
export const NNET_COLS = 11;
export const NDISK_COLS = 19;
export const C_PRESENT = 0;
export const C_VALUES = 1;
export const N_NAME_ID = 0;
export const N_VALUES = 3;
export const D_NAME_ID = 0;
export const D_MAJOR = 3;
export const D_MINOR = 4;
export const D_VALUES = 5;

export const P = {
  SLOT: 0, FLAGS: 1, PID: 2, START: 3, PPID: 4, PGRP: 5, STATE: 6, KTHREAD: 7, UID: 8, NICE: 9, PRIORITY: 10,
  THREADS: 11, PROCESSOR: 12, VSIZE: 13, RSS_PAGES: 14, MINFLT: 15, MAJFLT: 16, UTIME: 17, STIME: 18, RUN: 19,
  WAIT: 20, SLICES: 21, SWAP: 22, VOL: 23, INVOL: 24, RCHAR: 25, WCHAR: 26, READ_BYTES: 27, WRITE_BYTES: 28,
  FDS: 29,
} as const;
export const NPROC_COLS = 30;

export const PF_NEW = 1;
export const PF_STRINGS = 2;
export const PF_SAME = 4;
export const PF_SLOW_NEW = 8;
export const PF_SLOW = 16;

export const R_MISSING_SHIFT = 16;
export const R_OVERFLOW = 1 << 30;

/** What the addon's layout() must report for this file to read its tables. */
export const EXPECTED_LAYOUT: Record<string, number> = {
  NSYS_FILES, NSCALARS, S_MEM: S.MEM, S_LOAD: S.LOAD, S_PSI: S.PSI, S_SNMP: S.SNMP, S_VMSTAT: S.VMSTAT,
  S_UPTIME: S.UPTIME, S_NET_ROWS: S.NET_ROWS, S_DISK_ROWS: S.DISK_ROWS, S_ARENA_NEED: S.ARENA_NEED, NCPU_COLS,
  NNET_COLS, NDISK_COLS, NPROC_COLS, P_FDS: P.FDS, P_SWAP: P.SWAP, PF_SLOW, R_MISSING_SHIFT, R_OVERFLOW,
};

/** A counter cell: exact (a bigint only above 2^53 - 1, the canonical Counter form), or null. */
export function counterAt(f: Float64Array, u: BigUint64Array, i: number): Counter | null {
  const v = f[i];
  if (v >= 0) return v;
  return v === V_BIG ? u[i] : null;
}

/** A cell that is a plain number or absent. */
export function numberAt(f: Float64Array, i: number): number | null {
  const v = f[i];
  return v >= 0 ? v : null;
}
