/*
 * floor.c's "sample" mode: the reads vigil's Sample needs, done as cheaply as C can, unparsed. On top of
 * the plain floor's readdir and one schedstat pread per pid (kept fd), by the policy of
 * src/sampler/procs.ts and native/sampler/procs.c:
 *   a new pid:          4 kept fds (stat, schedstat, status, io), its stat, its cmdline (open, pread, close);
 *   a process that ran  (its schedstat bytes moved), is multithreaded (its thread count > 1), or whose
 *     cmdline is a minute old: its stat; status every 5 s; io and the fd count (a stat of /proc/PID/fd)
 *     every 1 s unless its last two io/fd reads were equal;
 *   a multithreaded process: each thread's schedstat (kept fds under task/, the main thread's is the
 *     process's own) when its schedstat or its utime/stime moved, or 5 s after the last such read; task/
 *     listed when the thread count moved or a thread's read failed;
 *   a single-threaded process that did not run: its stat every 5 s (staggered by pid), compared with the
 *     last bytes (the idle check: RSS, nice, pgrp of a sleeping process).
 * What decides a read is found by comparing bytes or locating a field (utime, stime, num_threads after
 * the last ')'); no value is converted. Included by floor.c.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_STATUS_MS 5000.0
#define S_SLOW_MS 1000.0
#define S_TOL_MS 50.0
#define S_CMDLINE_MS 60000.0
#define S_FULL_THREADS_MS 5000.0

typedef struct {
  long seen;
  int sched_fd, stat_fd, status_fd, io_fd;
  char sched[64];
  int sched_len;
  char *stat;
  int stat_len, stat_cap;
  char ticks[48], nthr[16];
  int ticks_len, nthr_len, multi;
  double status_due, slow_due, cmd_at, threads_at;
  char io[256];
  int io_len, slow_equal;
  long fdsize;
  int *tid, *tfd, nt, relist;
} sproc_t;

static char sbuf[65536];
static sproc_t **sp;
static int *slive, nslive;
static long stick;

static int s_open(const char *fmt, int pid, const char *name) {
  char p[96];
  snprintf(p, sizeof p, fmt, pid, name);
  return open(p, O_RDONLY | O_CLOEXEC);
}

static ssize_t s_pread(int fd) { return fd < 0 ? -1 : pread(fd, sbuf, sizeof sbuf, 0); }

/* The field at index idx after the last ')' (0 = state): its bytes, or 0 if the line is shorter. */
static int s_field(const char *b, int n, int idx, const char **s, int *len) {
  const char *p = memrchr(b, ')', (size_t)n), *end = b + n;
  if (!p) return 0;
  p++;
  for (int i = 0; p < end; i++) {
    while (p < end && *p == ' ') p++;
    const char *q = p;
    while (q < end && *q != ' ' && *q != '\n') q++;
    if (i == idx) {
      *s = p;
      *len = (int)(q - p);
      return q > p;
    }
    p = q;
  }
  return 0;
}

static void s_close_threads(sproc_t *e) {
  for (int i = 0; i < e->nt; i++)
    if (e->tfd[i] >= 0) close(e->tfd[i]);
  free(e->tid);
  free(e->tfd);
  e->tid = e->tfd = NULL;
  e->nt = 0;
}

static void s_free(int pid) {
  sproc_t *e = sp[pid];
  int fds[4] = {e->sched_fd, e->stat_fd, e->status_fd, e->io_fd};
  for (int i = 0; i < 4; i++)
    if (fds[i] >= 0) close(fds[i]);
  s_close_threads(e);
  free(e->stat);
  free(e);
  sp[pid] = NULL;
}

/* task/ listed: kept fds for every thread but the main one. */
static void s_list_threads(int pid, sproc_t *e) {
  char p[64];
  snprintf(p, sizeof p, "/proc/%d/task", pid);
  DIR *d = opendir(p);
  int *tid = NULL, *tfd = NULL, n = 0, cap = 0;
  struct dirent *de;
  while (d && (de = readdir(d))) {
    int t = atoi(de->d_name);
    if (t <= 0 || t == pid) continue;
    int fd = -1;
    for (int i = 0; i < e->nt; i++)
      if (e->tid[i] == t) {
        fd = e->tfd[i];
        e->tfd[i] = -1;
      }
    if (fd < 0) {
      char q[96];
      snprintf(q, sizeof q, "/proc/%d/task/%d/schedstat", pid, t);
      fd = open(q, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      tid = realloc(tid, (size_t)cap * sizeof *tid);
      tfd = realloc(tfd, (size_t)cap * sizeof *tfd);
    }
    tid[n] = t;
    tfd[n++] = fd;
  }
  if (d) closedir(d);
  s_close_threads(e);
  e->tid = tid;
  e->tfd = tfd;
  e->nt = n;
  e->relist = 0;
}

static void s_read_threads(int pid, sproc_t *e, int relist) {
  if (relist || e->relist) {
    s_list_threads(pid, e);
    relist = 1;
  }
  for (int i = 0; i < e->nt; i++)
    if (pread(e->tfd[i], sbuf, sizeof sbuf, 0) < 0) e->relist = 1;
}

/*
 * A process read in full: its stat (n bytes already in sbuf when n >= 0), whose thread count and CPU
 * ticks decide the threads' reads, then status, io and cmdline when due.
 */
static void s_full(int pid, sproc_t *e, int moved, double now, ssize_t n) {
  if (n < 0) n = s_pread(e->stat_fd);
  if (n <= 0) return;
  if (e->stat_cap < n) {
    e->stat = realloc(e->stat, (size_t)n);
    e->stat_cap = (int)n;
  }
  memcpy(e->stat, sbuf, (size_t)n);
  e->stat_len = (int)n;
  const char *f;
  int len, relist = 0, ticks_moved = 0;
  if (s_field(sbuf, (int)n, 17, &f, &len) && len < (int)sizeof e->nthr) {
    relist = len != e->nthr_len || memcmp(f, e->nthr, (size_t)len) != 0;
    memcpy(e->nthr, f, (size_t)len);
    e->nthr_len = len;
    e->multi = !(len == 1 && *f == '1');
  }
  const char *u, *s;
  int ul, sl;
  if (s_field(sbuf, (int)n, 11, &u, &ul) && s_field(sbuf, (int)n, 12, &s, &sl) && ul + sl + 1 < (int)sizeof e->ticks) {
    char t[48];
    memcpy(t, u, (size_t)ul);
    t[ul] = ' ';
    memcpy(t + ul + 1, s, (size_t)sl);
    ticks_moved = ul + sl + 1 != e->ticks_len || memcmp(t, e->ticks, (size_t)(ul + sl + 1)) != 0;
    memcpy(e->ticks, t, (size_t)(ul + sl + 1));
    e->ticks_len = ul + sl + 1;
  }
  if (e->multi && (relist || moved || ticks_moved || now - e->threads_at >= S_FULL_THREADS_MS)) {
    s_read_threads(pid, e, relist);
    e->threads_at = now;
  } else if (!e->multi && e->nt) s_close_threads(e);
  if (now >= e->status_due) {
    s_pread(e->status_fd);
    e->status_due = now + S_STATUS_MS - S_TOL_MS;
  }
  if (now >= e->slow_due) {
    ssize_t m = s_pread(e->io_fd);
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/fd", pid);
    struct stat sb;
    long fdsize = stat(p, &sb) == 0 ? (long)sb.st_size : -1;
    int same = m >= 0 && m == e->io_len && m <= (ssize_t)sizeof e->io && memcmp(sbuf, e->io, (size_t)m) == 0 && fdsize == e->fdsize;
    e->slow_equal = same ? e->slow_equal + 1 : 0;
    if (m >= 0 && m <= (ssize_t)sizeof e->io) memcpy(e->io, sbuf, (size_t)m);
    e->io_len = (int)m;
    e->fdsize = fdsize;
    e->slow_due = now + S_SLOW_MS - S_TOL_MS;
  }
  if (now - e->cmd_at >= S_CMDLINE_MS) {
    int fd = s_open("/proc/%d/%s", pid, "cmdline");
    if (fd >= 0) {
      pread(fd, sbuf, 4097, 0);
      close(fd);
    }
    e->cmd_at = now;
  }
}

static sproc_t *s_new(int pid, double now) {
  sproc_t *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->sched_fd = s_open("/proc/%d/%s", pid, "schedstat");
  if (e->sched_fd < 0) {
    free(e);
    return NULL;
  }
  e->stat_fd = s_open("/proc/%d/%s", pid, "stat");
  e->status_fd = s_open("/proc/%d/%s", pid, "status");
  e->io_fd = s_open("/proc/%d/%s", pid, "io");
  e->io_len = e->sched_len = -1;
  /* The first status and io reads are staggered by pid over their period, as in procs.c. */
  e->status_due = now + (pid % 10) * (S_STATUS_MS / 10);
  e->slow_due = now + (pid % 10) * (S_SLOW_MS / 10);
  e->cmd_at = now - S_CMDLINE_MS; /* read now */
  e->threads_at = now;
  return e;
}

/* One process tick; 0 on an allocation failure. */
static int sample_tick(int pid_max, double now) {
  if (!sp) {
    sp = calloc((size_t)pid_max + 1, sizeof *sp);
    slive = malloc(((size_t)pid_max + 1) * sizeof *slive);
    if (!sp || !slive) return 0;
  }
  stick++;
  DIR *d = opendir("/proc");
  struct dirent *de;
  while (d && (de = readdir(d))) {
    int pid = atoi(de->d_name);
    if (pid <= 0 || pid > pid_max) continue;
    sproc_t *e = sp[pid];
    int fresh = 0;
    if (!e) {
      e = sp[pid] = s_new(pid, now);
      if (!e) continue;
      slive[nslive++] = pid;
      fresh = 1;
    }
    e->seen = stick;
    ssize_t n = s_pread(e->sched_fd);
    if (n < 0) continue; /* gone: dropped below when the listing no longer has it */
    int moved = n != e->sched_len || memcmp(sbuf, e->sched, (size_t)n) != 0;
    if (n <= (ssize_t)sizeof e->sched) memcpy(e->sched, sbuf, (size_t)n);
    e->sched_len = (int)n;
    if (fresh || moved || e->multi || now - e->cmd_at >= S_CMDLINE_MS || (now >= e->slow_due && e->slow_equal < 1)) {
      s_full(pid, e, moved, now, -1);
    } else if (now >= e->status_due) {
      /* The idle check: a stat compared with the last one's bytes; a full read only if they differ. */
      ssize_t m = s_pread(e->stat_fd);
      if (m >= 0 && m == e->stat_len && memcmp(sbuf, e->stat, (size_t)m) == 0) e->status_due = now + S_STATUS_MS - S_TOL_MS;
      else s_full(pid, e, 1, now, m);
    }
  }
  if (d) closedir(d);
  int k = 0;
  for (int i = 0; i < nslive; i++) {
    int pid = slive[i];
    if (sp[pid] && sp[pid]->seen == stick) slive[k++] = pid;
    else if (sp[pid]) s_free(pid);
  }
  nslive = k;
  return 1;
}
