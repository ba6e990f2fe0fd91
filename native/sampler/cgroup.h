/*
 * The cgroup tier's reads in C (src/sampler/native/cgroups.ts): every kept file of every group through
 * kept fds, parsed into one row per group. The tree itself (which groups, which files each directory has)
 * is listed by the TypeScript tier (src/sampler/cgroups/tier.ts), which hands it over when it changes.
 */
#ifndef VIGIL_SAMPLER_CGROUP_H
#define VIGIL_SAMPLER_CGROUP_H
#include <node_api.h>

/*
 * The files the tier reads, by id: bit i of a group's file mask (per hierarchy) is file i. The names are
 * in CG_FILES (cgroup.c) and in CG_FILE_NAMES (src/sampler/native/cgroups.ts), in this order.
 */
enum cg_file {
  /* v2 */
  CF_CPU_STAT, CF_CPU_MAX, CF_MEM_CURRENT, CF_MEM_PEAK, CF_MEM_MAX, CF_MEM_HIGH, CF_MEM_STAT, CF_MEM_EVENTS,
  CF_IO_STAT, CF_PIDS_CURRENT, CF_PIDS_MAX, CF_CPU_PRESSURE, CF_MEM_PRESSURE, CF_IO_PRESSURE,
  /* v1 (cpu.stat, memory.stat, pids.* share the v2 names) */
  CF_CPUACCT_USAGE, CF_CPUACCT_USER, CF_CPUACCT_SYS, CF_CPUACCT_STAT, CF_CFS_QUOTA, CF_CFS_PERIOD,
  CF_MEM_USAGE, CF_MEM_MAX_USAGE, CF_MEM_LIMIT, CF_MEM_KMEM, CF_MEM_OOM_CONTROL, CF_BLKIO_BYTES, CF_BLKIO_IOS,
  /* v2, read by the look at the tree (cgCheck), not for figures */
  CF_CONTROLLERS,
  NCG_FILES
};
/* Bit 31 of a mask: the group's directory exists in this hierarchy (with or without files the tier reads). */
#define CG_IN (1u << 31)

/*
 * One row per group, column-major (col * cap + row) in a Float64Array with a BigUint64Array twin, as
 * layout.h's tables: -1 null, -2 the exact value is in the twin. CG_FLAGS: CGF_GONE, CGF_RAW (a file held
 * text the C parsers do not take exactly: its texts are in cgRaw(h, row), parsed by the TypeScript
 * reference). CG_MEM_LIMITED is -1 / 0 / 1. CG_IO_N is -1 (null) or the group's rows in the io table,
 * from CG_IO_FIRST. PSI: per resource (cpu, memory, io) per line (some, full) avg10 avg60 avg300 total;
 * avg10 -1 = no line.
 */
enum cg_col {
  CG_FLAGS, CG_USAGE, CG_USER, CG_SYSTEM, CG_PERIODS, CG_THROTTLED, CG_THROTTLED_US, CG_QUOTA, CG_PERIOD,
  CG_MEM_CUR, CG_MEM_PEAK, CG_MEM_MAX, CG_MEM_HIGH, CG_MEM_LIMITED, CG_ANON, CG_FILE, CG_KERNEL, CG_INACTIVE,
  CG_OOM, CG_OOM_KILL, CG_IO_N, CG_IO_FIRST, CG_PIDS_CUR, CG_PIDS_MAX, CG_PSI,
  NCG_COLS = CG_PSI + 24
};
#define CGF_GONE 1
#define CGF_RAW 2

/* The io table: one row per device line, column-major as above. CIO_MAJOR:CIO_MINOR is the device. */
enum cg_io_col { CIO_MAJOR, CIO_MINOR, CIO_RBYTES, CIO_WBYTES, CIO_RIOS, CIO_WIOS, NCIO_COLS };

napi_value js_cg_layout(napi_env env, napi_callback_info info);
napi_value js_cg_create(napi_env env, napi_callback_info info);
napi_value js_cg_tree(napi_env env, napi_callback_info info);
napi_value js_cg_bind(napi_env env, napi_callback_info info);
napi_value js_cg_read(napi_env env, napi_callback_info info);
napi_value js_cg_check(napi_env env, napi_callback_info info);
napi_value js_cg_raw(napi_env env, napi_callback_info info);
napi_value js_cg_kept(napi_env env, napi_callback_info info);
napi_value js_cg_close(napi_env env, napi_callback_info info);

#endif
