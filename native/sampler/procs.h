/* The process tier: per-process state, kept fds and the reading policy of src/sampler/procs.ts. */
#ifndef VIGIL_SAMPLER_PROCS_H
#define VIGIL_SAMPLER_PROCS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "kept.h"
#include "layout.h"

/* /proc/PID/schedstat: ns on a CPU, ns waiting on a run queue, times scheduled in. */
typedef struct {
  uint64_t run, wait, slices;
} sched_t;

typedef struct {
  int tid;
  int fd;
  int has_last;
  sched_t last;
} thr_t;

/* A process's scheduler time summed over its threads (ThreadTimes in src/sampler/threads.ts). */
typedef struct {
  int has;
  uint64_t run, wait, slices;
  thr_t *t;
  int n, cap;
  int listed_for;
  int seen;
  uint64_t seen_ticks, seen_run, seen_wait;
  int64_t seen_at;
} ttimes_t;

/* The fields of /proc/PID/stat vigil keeps. comm points into the bytes it was parsed from. */
typedef struct {
  int64_t pid, ppid, pgrp, session, flags, priority, nice, threads, starttime, vsize, rss, startcode, processor;
  uint64_t minflt, majflt, utime, stime;
  const char *comm;
  size_t comm_len;
  char state;
} pstat_t;

/* The io counters and the fd count; nul[i] marks an unknown value. */
typedef struct {
  uint64_t v[5];
  uint8_t nul[5];
} slow_t;

typedef struct procs procs_t;

/* 'fd budget': kept fds allowed in total (FdBudget in src/sampler/fdbudget.ts). */
typedef struct {
  long limit, used;
} budget_t;

int budget_take(budget_t *b, long n);
void budget_give(budget_t *b, long n);

int parse_pid_stat(const char *buf, size_t n, pstat_t *st);
int parse_schedstat(const char *buf, size_t n, sched_t *s);

/* ThreadTimes. */
void tt_single(ttimes_t *t, int pid, const sched_t *s, budget_t *budget);
/* main: the main thread's schedstat (/proc/PID/schedstat), read this tick. */
void tt_multi(ttimes_t *t, const char *base, int pid, budget_t *budget, rbuf_t *rb, int64_t threads, uint64_t ticks, const sched_t *main, int64_t now);
void tt_close(ttimes_t *t, budget_t *budget);

typedef struct {
  int64_t proc_interval_ns, slow_ns, status_ns, cmdline_refresh_ns;
  long max_kept_fds; /* < 0: from RLIMIT_NOFILE */
} procs_opts_t;

procs_t *procs_create(const char *root, const procs_opts_t *o);
void procs_bind(procs_t *p, double *f, uint64_t *u, size_t cap);
/* Lists the root and opens new processes; returns the capacity the bound table needs (rows and slots). */
long procs_discover(procs_t *p, int64_t now);
/* Reads every listed process into the bound table; returns the rows, or -(capacity needed) if it is too small. */
long procs_read(procs_t *p, int64_t now);
/* comm and the raw cmdline of a slot (NULL if the slot is free). */
int procs_strings(procs_t *p, long slot, const char **comm, size_t *comm_len, const char **cmd, size_t *cmd_len);
long procs_tracked(procs_t *p);
void procs_destroy(procs_t *p);

#endif
