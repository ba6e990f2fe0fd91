/*
 * The typed-array layout the sampler core writes and src/sampler/native/layout.ts reads. The addon
 * exports these numbers (layout()), and the TypeScript side refuses to load an addon whose layout
 * differs from its own, so the two cannot drift apart silently.
 *
 * Every table is a Float64Array with a BigUint64Array twin over the same indexes, column-major:
 * value (col, row) sits at col * cap + row (struct of arrays: one column per field). A counter is
 * written as a double while it is at most 2^53 - 1; above, the double is BIG and the exact value is in
 * the BigUint64Array at the same index. NUL marks a value the file did not give.
 */
#ifndef VIGIL_SAMPLER_LAYOUT_H
#define VIGIL_SAMPLER_LAYOUT_H

#define V_NUL (-1.0)
#define V_BIG (-2.0)

/* System files, in SYSTEM_FILES order (src/sampler/system.ts). Bit i of read()'s masks is file i. */
enum sys_file { F_STAT, F_MEMINFO, F_LOADAVG, F_PSI_CPU, F_PSI_MEMORY, F_PSI_IO, F_NETDEV, F_SNMP, F_VMSTAT, F_DISKSTATS, F_UPTIME, NSYS_FILES };

/* Scalars of the system tier: one row. */
enum sys_scalar {
  S_CTXT, S_PROCESSES, S_PROCS_RUNNING, S_PROCS_BLOCKED, S_BTIME, S_CPU_ROWS, S_TOTAL_PRESENT,
  S_MEM, /* 12 meminfo fields in MemSample order, bytes */
  S_LOAD = S_MEM + 12, /* present, load1, load5, load15, running, total */
  S_PSI = S_LOAD + 6,  /* per resource (cpu, memory, io) per line (some, full): present avg10 avg60 avg300 total */
  S_SNMP = S_PSI + 30, /* 14 fields in SnmpSample order */
  S_VMSTAT = S_SNMP + 14, /* pgfault pgmajfault pswpin pswpout */
  S_UPTIME = S_VMSTAT + 4,
  S_NET_ROWS, S_DISK_ROWS, S_ARENA_NEED,
  NSCALARS
};

/* /proc/stat cpu lines: row 0 is the total, row 1 + n is cpuN. */
enum cpu_col { C_PRESENT, C_VALUES, NCPU_COLS = C_VALUES + 10 };

/* /proc/net/dev: one row per interface; the 8 counters in NetDevSample order. */
enum net_col { N_NAME_ID, N_NAME_OFF, N_NAME_LEN, N_VALUES, NNET_COLS = N_VALUES + 8 };

/* /proc/diskstats: one row per device; the 14 values in DiskSample order (reads .. flushes). */
enum disk_col { D_NAME_ID, D_NAME_OFF, D_NAME_LEN, D_MAJOR, D_MINOR, D_VALUES, NDISK_COLS = D_VALUES + 14 };

/*
 * The process tier. P_SLOT and P_FLAGS are indexed by row: one row per process listed, in the order the
 * TypeScript reader lists them. Every other column is indexed by the row's slot and holds that slot's
 * last row: a process that has not run (PF_SAME) costs its row two cells, and its values stay in place.
 */
enum proc_col {
  P_SLOT, P_FLAGS, P_PID, P_START, P_PPID, P_PGRP, P_STATE, P_KTHREAD, P_UID, P_NICE, P_PRIORITY, P_THREADS,
  P_PROCESSOR, P_VSIZE, P_RSS_PAGES, P_MINFLT, P_MAJFLT, P_UTIME, P_STIME, P_RUN, P_WAIT, P_SLICES, P_SWAP,
  P_VOL, P_INVOL, P_RCHAR, P_WCHAR, P_READ_BYTES, P_WRITE_BYTES, P_FDS,
  NPROC_COLS
};

/* P_FLAGS bits. */
#define PF_NEW 1       /* a new identity in this slot: drop what the slot held */
#define PF_STRINGS 2   /* comm or cmdline changed: fetch them with strings(slot) */
#define PF_SAME 4      /* the process has not run since its last row: every value is as then */
#define PF_SLOW_NEW 8  /* a new io/fd read became the latest (the previous latest became the previous) */
#define PF_SLOW 16     /* the slot has a latest io/fd read */

/* read() result bits besides the file bits (bits 0..10: changed, bits 16..26: unavailable). */
#define R_MISSING_SHIFT 16
#define R_OVERFLOW (1 << 30) /* a table was too small: grow it (S_CPU_ROWS, S_NET_ROWS, S_DISK_ROWS say to what) and read again */

#endif
