/*
 * The native sampler core without Node: native/sampler's system and process tiers driven by a C loop on
 * the schedule of bench/c/floor.c, writing into plain arrays. Between the floor (the reads alone) and the
 * native Sampler (this core inside Node, plus the JavaScript that builds the Sample), it tells what the
 * core's own reads and parsing cost and what Node adds.
 *   core-alone INTERVAL_MS PROC_INTERVAL_MS DURATION_MS WARMUP_MS
 * Built by bench/util.ts (buildCoreAlone) with the core's sources, no N-API. Prints {"ticks","cpuMsPerTick"}.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include "../../native/sampler/procs.h"
#include "../../native/sampler/system.h"

static double cpu_ms(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

static int64_t mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A table of cap rows for every column, as the JavaScript side binds one. */
static int bind_procs(procs_t *p, size_t cap, double **f, uint64_t **u) {
  free(*f);
  free(*u);
  *f = calloc(cap * NPROC_COLS, sizeof **f);
  *u = calloc(cap * NPROC_COLS, sizeof **u);
  if (!*f || !*u) return 0;
  procs_bind(p, *f, *u, cap);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: core-alone INTERVAL_MS PROC_INTERVAL_MS DURATION_MS WARMUP_MS\n");
    return 2;
  }
  long interval = atol(argv[1]), proc_ms = atol(argv[2]);
  long proc_every = proc_ms / interval;
  double duration = atof(argv[3]), warmup = atof(argv[4]);
  if (proc_every < 1) proc_every = 1;
  sys_t *sys = sys_create("/proc");
  procs_opts_t o = {.proc_interval_ns = proc_ms * 1000000LL, .slow_ns = 1000000000LL, .status_ns = 5000000000LL,
                    .cmdline_refresh_ns = 60000000000LL, .max_kept_fds = -1};
  procs_t *p = procs_create("/proc", &o);
  if (!sys || !p) return 1;
  /* The system tier's tables, as sysBind binds them (room for 64 cores, interfaces and disks). */
  table_t *t[4] = {&sys->scal, &sys->cpu, &sys->net, &sys->disk};
  size_t cols[4] = {NSCALARS, NCPU_COLS, NNET_COLS, NDISK_COLS}, rows[4] = {1, 64, 64, 64};
  for (int i = 0; i < 4; i++) {
    t[i]->f = calloc(cols[i] * rows[i], sizeof *t[i]->f);
    t[i]->u = calloc(cols[i] * rows[i], sizeof *t[i]->u);
    t[i]->cap = rows[i];
  }
  sys->arena_cap = 65536;
  sys->arena = calloc(1, sys->arena_cap);
  double *f = NULL;
  uint64_t *u = NULL;
  size_t cap = 512;
  if (!bind_procs(p, cap, &f, &u)) return 1;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  int64_t t0 = mono_ns(), start = 0;
  double c0 = 0;
  long ticks = 0, measured = 0;
  for (;;) {
    next.tv_nsec += interval * 1000000L;
    while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    if (ticks % proc_every == 0) {
      long need = procs_discover(p, mono_ns());
      if ((size_t)need > cap && !bind_procs(p, cap = (size_t)need * 2, &f, &u)) return 1;
    }
    sys_read(sys);
    if (ticks % proc_every == 0 && procs_read(p, mono_ns()) < 0) return 1;
    ticks++;
    if (!start) {
      if ((mono_ns() - t0) / 1e6 < warmup) continue;
      start = mono_ns();
      c0 = cpu_ms();
      continue;
    }
    measured++;
    if ((mono_ns() - start) / 1e6 >= duration) break;
  }
  printf("{\"ticks\":%ld,\"cpuMsPerTick\":%.4f}\n", measured, (cpu_ms() - c0) / measured);
  return 0;
}
