/*
 * The read floor of issue 2's schedule, in C: what the kernel and this machine charge for the reads alone.
 *   floor INTERVAL_MS PROC_INTERVAL_MS DURATION_MS WARMUP_MS [sample]
 * Every INTERVAL_MS: one pread of each system file vigil reads every tick. Every PROC_INTERVAL_MS: a readdir
 * of /proc and one pread of each pid's schedstat through a kept fd (the least that tells whether a process
 * ran). Nothing is parsed. Prints {"ticks":N,"cpuMsPerTick":X} for the DURATION_MS after WARMUP_MS.
 *
 * With "sample": the same, plus the other reads vigil's Sample needs on top of those schedstats, by the
 * reading policy of src/sampler/procs.ts (see floor-sample.c). Still unparsed: bytes are compared, and
 * only the fields that decide a read (utime, stime, thread count) are located.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "floor-sample.c"

/* The same files as SYSTEM_FILES in src/sampler/system.ts. */
static const char *SYSTEM_FILES[] = {
  "stat", "meminfo", "loadavg", "pressure/cpu", "pressure/memory", "pressure/io",
  "net/dev", "net/snmp", "vmstat", "diskstats", "uptime",
};
#define NSYS (sizeof SYSTEM_FILES / sizeof *SYSTEM_FILES)

static double cpu_ms(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

static double mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int read_pid_max(void) {
  FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
  int n = 4194304;
  if (f) {
    if (fscanf(f, "%d", &n) != 1) n = 4194304;
    fclose(f);
  }
  return n;
}

int main(int argc, char **argv) {
  int sample = argc == 6 && strcmp(argv[5], "sample") == 0;
  if (argc != 5 && !sample) {
    fprintf(stderr, "usage: floor INTERVAL_MS PROC_INTERVAL_MS DURATION_MS WARMUP_MS [sample]\n");
    return 2;
  }
  long interval = atol(argv[1]), proc_every = atol(argv[2]) / atol(argv[1]);
  double duration = atof(argv[3]), warmup = atof(argv[4]);
  if (proc_every < 1) proc_every = 1;
  static char buf[65536];
  int sys[NSYS];
  for (size_t i = 0; i < NSYS; i++) {
    char p[64];
    snprintf(p, sizeof p, "/proc/%s", SYSTEM_FILES[i]);
    sys[i] = open(p, O_RDONLY | O_CLOEXEC);
  }
  int pid_max = read_pid_max();
  /* Indexed by pid; calloc maps untouched pages lazily, so only pids seen cost memory. */
  int *fd = calloc(pid_max + 1, sizeof *fd);   /* kept fd + 1, 0 = none */
  long *seen = calloc(pid_max + 1, sizeof *seen);
  int *kept = malloc((pid_max + 1) * sizeof *kept), nkept = 0; /* the pids holding an fd */
  if (!fd || !seen || !kept) return 1;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  double t0 = mono_ms(), c0 = 0, start = 0;
  long ticks = 0, measured = 0;
  int warm = 0;
  for (;;) {
    next.tv_nsec += interval * 1000000L;
    while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    for (size_t i = 0; i < NSYS; i++) if (sys[i] >= 0 && pread(sys[i], buf, sizeof buf, 0) < 0) { close(sys[i]); sys[i] = -1; }
    if (sample && ticks % proc_every == 0) {
      if (!sample_tick(pid_max, mono_ms())) return 1;
    } else if (ticks % proc_every == 0) {
      DIR *d = opendir("/proc");
      struct dirent *e;
      while (d && (e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 0 || pid > pid_max) continue;
        seen[pid] = ticks + 1;
        if (!fd[pid]) {
          char p[64];
          snprintf(p, sizeof p, "/proc/%d/schedstat", pid);
          int f = open(p, O_RDONLY | O_CLOEXEC);
          if (f < 0) continue;
          fd[pid] = f + 1;
          kept[nkept++] = pid;
        }
        if (pread(fd[pid] - 1, buf, sizeof buf, 0) < 0) { close(fd[pid] - 1); fd[pid] = 0; }
      }
      if (d) closedir(d);
      /* Close the fds of pids that went, as a monitor's own table would. */
      int n = 0;
      for (int i = 0; i < nkept; i++) {
        int pid = kept[i];
        if (fd[pid] && seen[pid] == ticks + 1) kept[n++] = pid;
        else if (fd[pid]) { close(fd[pid] - 1); fd[pid] = 0; }
      }
      nkept = n;
    }
    ticks++;
    if (!warm) {
      if (mono_ms() - t0 < warmup) continue;
      warm = 1; c0 = cpu_ms(); start = mono_ms();
      continue;
    }
    measured++;
    if (mono_ms() - start >= duration) break;
  }
  printf("{\"ticks\":%ld,\"cpuMsPerTick\":%.4f}\n", measured, (cpu_ms() - c0) / measured);
  return 0;
}
