/*
 * The process tier: ProcReader (src/sampler/procs.ts) with its state in C. One procs_read() reads every
 * listed process through its kept fds and writes one row per process into the bound table:
 *   every tick:   schedstat, and stat if the process ran (its schedstat bytes moved);
 *   slow (1 s):   io and the fd count, staggered by pid over the ticks;
 *   status (5 s): uid, VmSwap, switch counts; for a process that has not run, stat alone, compared with
 *                 the bytes of its last row, and a full read only if they differ;
 *   identity:     cmdline when first seen, after an exec (new comm or code address) and every minute.
 * A process that vanishes at any point (ENOENT, ESRCH) is dropped; a pid whose start time changed is a
 * new process in a new slot generation (PF_NEW).
 */
#define _GNU_SOURCE
#include "procs.h"
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "listing.h"
#include "pidfiles.h"
#include "text.h"

#define CMDLINE_MAX 4096
/* How many rows ahead procs_read fetches a slot's hot lines. */
#define PREFETCH_AHEAD 4
#define FDS_PER_ENTRY 4

int budget_take(budget_t *b, long n) {
  if (b->used + n > b->limit) return 0;
  b->used += n;
  return 1;
}
void budget_give(budget_t *b, long n) {
  b->used -= n;
  if (b->used < 0) b->used = 0;
}

typedef struct {
  /*
   * First, together, what a tick reads of a process that has not run (not_run, put_row): at +1000 the
   * slots are a megabyte that the 100 ms between ticks evicts, so the lines one touches are the cost.
   */
  int used;
  int pid;
  int sched_fd, has_last, has_sched_copy, exec_skipped;
  int fresh, strings_dirty, slow_new, has_slow;
  /* Copies of last.threads == 1, last.ppid, and "the last two io/fd reads are equal". */
  int last_single, last_ppid, slow_still;
  unsigned gen;
  int64_t cmdline_at, status_due, slow_due;
  size_t sched_len;
  char sched_copy[64]; /* three u64 and separators: at most 63 bytes */
  /* The rest. */
  int64_t start;
  int stat_fd, status_fd, io_fd;
  int io_denied, no_sched;
  char *comm;
  size_t comm_len;
  int64_t startcode;
  char *cmd;
  size_t cmd_len;
  int has_uid;
  uint64_t uid;
  int has_swap, has_vol, has_invol;
  double swap;
  uint64_t vol, invol;
  int has_slow_prev;
  slow_t slow, slow_prev;
  ttimes_t sched;
  /* The stat values of the last row, and the bytes they came from. */
  pstat_t last;
  char *stat_copy;
  size_t stat_len, stat_cap;
  int has_stat_copy;
  int has_pending_stat;
  pstat_t pending_stat;
  int has_pending_sched;
  sched_t pending_sched;
} __attribute__((aligned(64))) slot_t;
/* procs_read prefetches the first three lines: what a tick reads of a process that has not run. */
_Static_assert(offsetof(slot_t, sched_copy) + sizeof(((slot_t *)0)->sched_copy) <= 192, "hot fields past the prefetched lines");

struct procs {
  char *root;
  int64_t slow_ns, status_ns, tol_ns, proc_interval_ns, cmdline_refresh_ns;
  int64_t stagger_slots;
  budget_t budget;
  int fd_count_by_size;
  rbuf_t rb, srb, cmdrb;
  slot_t *slots;
  long nslots, cap_slots;
  long *free_slots;
  long nfree;
  /* pid -> slot + 1, open addressing with linear probing. */
  int *hkeys;
  long *hvals;
  long hcap, hcount;
  listing_t ls;
  int has_listed;
  /* The last read's rows as (listing key, slot), in row order: this read finds most slots by walking it. */
  uint64_t *wkey, *wkey_next;
  long *wslot, *wslot_next;
  long nwalk, cap_walk;
  unsigned gen;
  int *gone_now, *gone_before;
  long ngone_now, ngone_before, cap_gone_now, cap_gone_before;
  double *f;
  uint64_t *u;
  size_t cap;
};

/* ---- pid -> slot ---- */

static long h_find(procs_t *p, int pid) {
  if (!p->hcap) return -1;
  for (long i = (long)((unsigned)pid * 2654435761u) & (p->hcap - 1);; i = (i + 1) & (p->hcap - 1)) {
    if (p->hkeys[i] == 0) return -1;
    if (p->hkeys[i] == pid) return p->hvals[i];
  }
}

static int h_put(procs_t *p, int pid, long slot) {
  if ((p->hcount + 1) * 2 > p->hcap) {
    long ncap = p->hcap ? p->hcap * 2 : 1024;
    int *nk = calloc((size_t)ncap, sizeof *nk);
    long *nv = calloc((size_t)ncap, sizeof *nv);
    if (!nk || !nv) {
      free(nk);
      free(nv);
      return 0;
    }
    for (long j = 0; j < p->hcap; j++) {
      if (!p->hkeys[j]) continue;
      long i = (long)((unsigned)p->hkeys[j] * 2654435761u) & (ncap - 1);
      while (nk[i]) i = (i + 1) & (ncap - 1);
      nk[i] = p->hkeys[j];
      nv[i] = p->hvals[j];
    }
    free(p->hkeys);
    free(p->hvals);
    p->hkeys = nk;
    p->hvals = nv;
    p->hcap = ncap;
  }
  long i = (long)((unsigned)pid * 2654435761u) & (p->hcap - 1);
  while (p->hkeys[i] && p->hkeys[i] != pid) i = (i + 1) & (p->hcap - 1);
  if (!p->hkeys[i]) p->hcount++;
  p->hkeys[i] = pid;
  p->hvals[i] = slot;
  return 1;
}

/* Backward-shift deletion keeps every probe chain whole. */
static void h_del(procs_t *p, int pid) {
  if (!p->hcap) return;
  long m = p->hcap - 1, i = (long)((unsigned)pid * 2654435761u) & m;
  while (p->hkeys[i] && p->hkeys[i] != pid) i = (i + 1) & m;
  if (!p->hkeys[i]) return;
  p->hkeys[i] = 0;
  p->hcount--;
  for (long j = (i + 1) & m; p->hkeys[j]; j = (j + 1) & m) {
    long home = (long)((unsigned)p->hkeys[j] * 2654435761u) & m;
    /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
    int between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (between) continue;
    p->hkeys[i] = p->hkeys[j];
    p->hvals[i] = p->hvals[j];
    p->hkeys[j] = 0;
    i = j;
  }
}

/* ---- small helpers ---- */

static int push_int(int **v, long *n, long *cap, int x) {
  if (*n == *cap) {
    long c = *cap ? *cap * 2 : 64;
    int *m = realloc(*v, (size_t)c * sizeof *m);
    if (!m) return 0;
    *v = m;
    *cap = c;
  }
  (*v)[(*n)++] = x;
  return 1;
}

static int has_int(const int *v, long n, int x) {
  for (long i = 0; i < n; i++)
    if (v[i] == x) return 1;
  return 0;
}

static void path_of(procs_t *p, int pid, const char *name, char *out, size_t cap) {
  snprintf(out, cap, "%s/%d/%s", p->root, pid, name);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* Reads a per-process file through its kept fd, or open + read + close without one; -1 when gone or denied. */
static ssize_t read_file(procs_t *p, int fd, int pid, const char *name, rbuf_t *rb) {
  if (fd < 0) {
    char path[4200];
    path_of(p, pid, name, path, sizeof path);
    ssize_t n = read_once(path, rb, 0);
    return n < 0 ? -1 : n;
  }
  ssize_t n = pread_all(fd, rb);
  return n < 0 ? -1 : n;
}

/* ---- slots ---- */

static void close_fds(procs_t *p, slot_t *e) {
  if (e->stat_fd >= 0) budget_give(&p->budget, FDS_PER_ENTRY);
  tt_close(&e->sched, &p->budget);
  close_fd(&e->stat_fd);
  close_fd(&e->sched_fd);
  close_fd(&e->status_fd);
  close_fd(&e->io_fd);
}

static void drop(procs_t *p, long si) {
  slot_t *e = &p->slots[si];
  push_int(&p->gone_now, &p->ngone_now, &p->cap_gone_now, e->pid);
  close_fds(p, e);
  if (h_find(p, e->pid) == si) h_del(p, e->pid);
  e->used = 0;
  if (p->nfree < p->cap_slots) p->free_slots[p->nfree++] = si;
}

static long new_slot(procs_t *p) {
  if (p->nfree > 0) return p->free_slots[--p->nfree];
  if (p->nslots == p->cap_slots) {
    long c = p->cap_slots ? p->cap_slots * 2 : 256;
    /* slot_t is 64-byte aligned (its hot lines start a cache line): realloc promises only 16. */
    slot_t *m = NULL;
    if (posix_memalign((void **)&m, 64, (size_t)c * sizeof *m) != 0) return -1;
    if (p->cap_slots) memcpy(m, p->slots, (size_t)p->cap_slots * sizeof *m);
    free(p->slots);
    p->slots = m;
    long *f = realloc(p->free_slots, (size_t)c * sizeof *f);
    if (!f) return -1;
    p->free_slots = f;
    memset(p->slots + p->cap_slots, 0, (size_t)(c - p->cap_slots) * sizeof *m);
    p->cap_slots = c;
  }
  return p->nslots++;
}

/* Keeps the bytes of the stat a row is made from, in the slot's own buffer reused across reads. */
static int keep_stat(slot_t *e, const char *buf, size_t n) {
  if (e->stat_cap < n) {
    size_t c = n > 512 ? n : 512;
    char *m = realloc(e->stat_copy, c);
    if (!m) return 0;
    e->stat_copy = m;
    e->stat_cap = c;
  }
  memcpy(e->stat_copy, buf, n);
  e->stat_len = n;
  e->has_stat_copy = 1;
  return 1;
}

/* Reads and parses stat; the parsed comm points into the slot's copy of the bytes. */
static int read_stat(procs_t *p, slot_t *e, pstat_t *st) {
  ssize_t n = read_file(p, e->stat_fd, e->pid, "stat", &p->rb);
  if (n < 0 || !keep_stat(e, p->rb.buf, (size_t)n)) return 0;
  return parse_pid_stat(e->stat_copy, e->stat_len, st);
}

static void keep_sched(slot_t *e, const char *buf, size_t n) {
  e->has_sched_copy = n <= sizeof e->sched_copy;
  if (e->has_sched_copy) memcpy(e->sched_copy, buf, n);
  e->sched_len = n;
}

static void read_cmdline(procs_t *p, slot_t *e, int64_t now) {
  char path[4200];
  path_of(p, e->pid, "cmdline", path, sizeof path);
  ssize_t n = read_once(path, &p->cmdrb, CMDLINE_MAX + 1);
  e->cmdline_at = now;
  if (n < 0) return;
  if ((size_t)n != e->cmd_len || memcmp(e->cmd, p->cmdrb.buf, (size_t)n) != 0) {
    char *m = realloc(e->cmd, (size_t)n + 1);
    if (!m) return;
    memcpy(m, p->cmdrb.buf, (size_t)n);
    e->cmd = m;
    e->cmd_len = (size_t)n;
    e->strings_dirty = 1;
  }
}

static int set_comm(slot_t *e, const pstat_t *st) {
  char *m = realloc(e->comm, st->comm_len + 1);
  if (!m) return 0;
  memcpy(m, st->comm, st->comm_len);
  e->comm = m;
  e->comm_len = st->comm_len;
  e->strings_dirty = 1;
  return 1;
}

static int open_optional(procs_t *p, slot_t *e, const char *name) {
  char path[4200];
  path_of(p, e->pid, name, path, sizeof path);
  int fd = open_ro(path);
  if (fd >= 0) return fd;
  if (denied_errno(-fd) && strcmp(name, "io") == 0) e->io_denied = 1;
  if (gone_errno(-fd) && strcmp(name, "schedstat") == 0) e->no_sched = 1;
  return -1;
}

/* Opens a process's files and reads its identity; the slot, or -1 when it is gone or unreadable. */
static long open_slot(procs_t *p, int pid, int64_t now, pstat_t *st) {
  long si = new_slot(p);
  if (si < 0) return -1;
  slot_t *e = &p->slots[si];
  char *stat_copy = e->stat_copy, *comm = e->comm, *cmd = e->cmd;
  size_t stat_cap = e->stat_cap;
  thr_t *thr = e->sched.t;
  int thr_cap = e->sched.cap;
  memset(e, 0, sizeof *e);
  e->stat_copy = stat_copy;
  e->stat_cap = stat_cap;
  e->comm = comm;
  e->cmd = cmd;
  e->sched.t = thr;
  e->sched.cap = thr_cap;
  e->sched.listed_for = -1;
  e->used = 1;
  e->pid = pid;
  e->start = -1;
  e->stat_fd = e->sched_fd = e->status_fd = e->io_fd = -1;
  e->cmdline_at = e->status_due = e->slow_due = now;
  e->fresh = 1;
  if (budget_take(&p->budget, FDS_PER_ENTRY)) {
    char path[4200];
    path_of(p, pid, "stat", path, sizeof path);
    int fd = open_ro(path);
    if (fd < 0) {
      budget_give(&p->budget, FDS_PER_ENTRY);
      /* Out of fds after all (EMFILE, ENFILE): read this process without kept fds. */
      if (-fd != EMFILE && -fd != ENFILE) goto fail;
    } else {
      e->stat_fd = fd;
      e->sched_fd = open_optional(p, e, "schedstat");
      e->status_fd = open_optional(p, e, "status");
      e->io_fd = open_optional(p, e, "io");
    }
  }
  /* The fds were all opened before this read: if stat still reads, they all belong to this process. */
  if (!read_stat(p, e, st)) {
    close_fds(p, e);
    goto fail;
  }
  e->start = st->starttime;
  set_comm(e, st);
  e->startcode = st->startcode;
  read_cmdline(p, e, now);
  if (!h_put(p, pid, si)) {
    close_fds(p, e);
    goto fail;
  }
  return si;
fail:
  e->used = 0;
  if (p->nfree < p->cap_slots) p->free_slots[p->nfree++] = si;
  return -1;
}

/* ---- the reading policy ---- */

static int same_slow(const slow_t *a, const slow_t *b) {
  if (!b) return 0;
  for (int i = 0; i < 5; i++)
    if (a->nul[i] != b->nul[i] || (!a->nul[i] && a->v[i] != b->v[i])) return 0;
  return 1;
}

static int stat_unchanged(procs_t *p, slot_t *e, int64_t now) {
  ssize_t n = pread_all(e->stat_fd, &p->srb);
  if (n < 0) return 0;
  if (e->has_stat_copy && (size_t)n == e->stat_len && memcmp(e->stat_copy, p->srb.buf, (size_t)n) == 0) {
    e->status_due = now + p->status_ns - p->tol_ns;
    return 1;
  }
  keep_stat(e, p->srb.buf, (size_t)n);
  e->has_pending_stat = parse_pid_stat(e->stat_copy, e->stat_len, &e->pending_stat);
  return 0;
}

/*
 * Whether the last row still holds because the process has not run since: single-threaded and its
 * schedstat reads the same bytes (see notRun in procs.ts). A schedstat that moved is kept for later.
 */
static int not_run(procs_t *p, slot_t *e, int64_t now) {
  /* After a tick left out inside execve, the exec's end may lie in a schedstat already taken. */
  if (!e->has_last || !e->has_sched_copy || e->sched_fd < 0 || !e->last_single || e->exec_skipped) return 0;
  if (now - e->cmdline_at >= p->cmdline_refresh_ns) return 0;
  if (now >= e->slow_due && !e->slow_still) return 0;
  int ppid = e->last_ppid;
  if (has_int(p->gone_now, p->ngone_now, ppid) || has_int(p->gone_before, p->ngone_before, ppid)) return 0;
  ssize_t m = pread_all(e->sched_fd, &p->srb);
  if (m < 0) return 0; /* the stat read that follows finds it gone */
  if ((size_t)m != e->sched_len || memcmp(e->sched_copy, p->srb.buf, (size_t)m) != 0) {
    e->has_pending_sched = parse_schedstat(p->srb.buf, (size_t)m, &e->pending_sched);
    keep_sched(e, p->srb.buf, (size_t)m);
    return 0;
  }
  return now < e->status_due || stat_unchanged(p, e, now);
}

static void read_schedstat(procs_t *p, slot_t *e, const pstat_t *st, int64_t now) {
  sched_t s;
  int has = e->has_pending_sched;
  if (has) s = e->pending_sched;
  e->has_pending_sched = 0;
  if (!has) {
    ssize_t n = read_file(p, e->sched_fd, e->pid, "schedstat", &p->rb);
    has = n >= 0 && parse_schedstat(p->rb.buf, (size_t)n, &s);
    if (n >= 0 && st->threads <= 1) keep_sched(e, p->rb.buf, (size_t)n);
  }
  if (!has) {
    if (e->sched_fd < 0) e->no_sched = 1;
    return;
  }
  if (st->threads <= 1) tt_single(&e->sched, e->pid, &s, &p->budget);
  else {
    char base[4200];
    snprintf(base, sizeof base, "%s/%d", p->root, e->pid);
    tt_multi(&e->sched, base, e->pid, &p->budget, &p->rb, st->threads, st->utime + st->stime, &s, now);
  }
}

static int read_status(procs_t *p, slot_t *e) {
  ssize_t n = read_file(p, e->status_fd, e->pid, "status", &p->rb);
  if (n < 0) return 0;
  pstatus_t s;
  parse_status(p->rb.buf, (size_t)n, &s);
  if (s.has_uid) {
    e->has_uid = 1;
    e->uid = s.uid;
  }
  e->has_swap = s.has_swap;
  e->swap = s.swap_bytes;
  e->has_vol = s.has_vol;
  e->vol = s.vol;
  e->has_invol = s.has_invol;
  e->invol = s.invol;
  return 1;
}

/* Linux 6.2+ reports the number of open fds as the size of /proc/PID/fd: one stat, no directory walk. */
static void count_fds(procs_t *p, slot_t *e, slow_t *o) {
  char path[4200];
  path_of(p, e->pid, "fd", path, sizeof path);
  o->nul[4] = 1;
  o->v[4] = 0;
  if (p->fd_count_by_size) {
    struct stat sb;
    if (stat(path, &sb) == 0) {
      o->nul[4] = 0;
      o->v[4] = (uint64_t)sb.st_size;
    }
    return;
  }
  DIR *d = opendir(path);
  if (!d) return;
  uint64_t n = 0;
  struct dirent *de;
  errno = 0;
  while ((de = readdir(d)))
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) n++;
  int err = errno;
  closedir(d);
  if (err) return;
  o->nul[4] = 0;
  o->v[4] = n;
}

static void read_slow(procs_t *p, slot_t *e, slow_t *o) {
  for (int i = 0; i < 4; i++) {
    o->nul[i] = 1;
    o->v[i] = 0;
  }
  if (!e->io_denied) {
    ssize_t m = read_file(p, e->io_fd, e->pid, "io", &p->rb);
    if (m < 0) e->io_denied = 1;
    else parse_io(p->rb.buf, (size_t)m, o);
  }
  count_fds(p, e, o);
}

static int64_t stagger(procs_t *p, slot_t *e, int first, int64_t every) {
  return first ? (e->pid % p->stagger_slots) * p->proc_interval_ns * (every / p->slow_ns) : 0;
}

static int update(procs_t *p, slot_t *e, const pstat_t *st, int64_t now) {
  /* An exec keeps pid and start time but brings a new image (new comm, or at least a new code address). */
  int comm_moved = st->comm_len != e->comm_len || memcmp(st->comm, e->comm, st->comm_len) != 0;
  if (comm_moved || st->startcode != e->startcode || now - e->cmdline_at >= p->cmdline_refresh_ns) {
    if (comm_moved) set_comm(e, st);
    e->startcode = st->startcode;
    /* The same program exiting keeps its command line: ProcReader.update() says why. */
    if (comm_moved || st->startcode != 0) read_cmdline(p, e, now);
    else e->cmdline_at = now;
  }
  if (!e->no_sched) read_schedstat(p, e, st, now);
  if (now >= e->status_due) {
    if (!read_status(p, e)) return 0;
    e->status_due = now + p->status_ns - p->tol_ns - stagger(p, e, !e->has_slow, p->status_ns);
  }
  if (now >= e->slow_due) {
    slow_t s;
    read_slow(p, e, &s);
    /* No I/O and the same fds across three reads: the old pair still says it (a rate of 0). */
    if (!(same_slow(&s, e->has_slow ? &e->slow : NULL) && same_slow(&s, e->has_slow_prev ? &e->slow_prev : NULL))) {
      e->slow_prev = e->slow;
      e->has_slow_prev = e->has_slow;
      e->slow = s;
      e->has_slow = 1;
      e->slow_new = 1;
      e->slow_still = same_slow(&e->slow, e->has_slow_prev ? &e->slow_prev : NULL);
    }
    e->slow_due = now + p->slow_ns - p->tol_ns - stagger(p, e, !e->has_slow_prev, p->slow_ns);
  }
  e->last = *st;
  e->last.comm = NULL;
  e->last_single = st->threads == 1;
  e->last_ppid = (int)st->ppid;
  e->has_last = 1;
  return 1;
}

/* Inside execve: ProcReader.midExec() (src/sampler/procs.ts) says why the old row stands for one tick. */
static int mid_exec(slot_t *e, const pstat_t *st) {
  int skip = !e->exec_skipped && st->startcode == 0 && st->vsize > 0 && (st->flags & PF_KTHREAD_FLAG) == 0;
  e->exec_skipped = skip;
  return skip;
}

/* ---- rows ---- */

static void put_opt(procs_t *p, int col, size_t row, int has, uint64_t v) {
  size_t i = (size_t)col * p->cap + row;
  if (has) put_counter(p->f, p->u, i, v);
  else put_null(p->f, i);
}

/*
 * P_SLOT and P_FLAGS are per row; every other column is per slot and holds the slot's last row. A row of a
 * process that has not run (PF_SAME) writes its slot and flags only: its values are in place already.
 */
static void emit(procs_t *p, long si, size_t row, int same) {
  slot_t *e = &p->slots[si];
  const pstat_t *st = &e->last;
  double *f = p->f;
  size_t c = p->cap;
  int flags = (same ? PF_SAME : 0) | (e->fresh ? PF_NEW : 0) | (e->strings_dirty ? PF_STRINGS : 0) |
              (e->slow_new ? PF_SLOW_NEW : 0) | (e->has_slow ? PF_SLOW : 0);
  e->fresh = e->strings_dirty = e->slow_new = 0;
  f[P_SLOT * c + row] = (double)si;
  f[P_FLAGS * c + row] = flags;
  if (same) return;
  row = (size_t)si;
  f[P_PID * c + row] = e->pid;
  f[P_START * c + row] = (double)e->start;
  f[P_PPID * c + row] = (double)st->ppid;
  f[P_PGRP * c + row] = (double)st->pgrp;
  f[P_STATE * c + row] = (unsigned char)st->state;
  f[P_KTHREAD * c + row] = (st->flags & PF_KTHREAD_FLAG) != 0;
  put_opt(p, P_UID, row, e->has_uid, e->uid);
  f[P_NICE * c + row] = (double)st->nice;
  f[P_PRIORITY * c + row] = (double)st->priority;
  f[P_THREADS * c + row] = (double)st->threads;
  f[P_PROCESSOR * c + row] = (double)st->processor;
  f[P_VSIZE * c + row] = (double)st->vsize;
  f[P_RSS_PAGES * c + row] = (double)st->rss;
  put_counter(f, p->u, P_MINFLT * c + row, st->minflt);
  put_counter(f, p->u, P_MAJFLT * c + row, st->majflt);
  put_counter(f, p->u, P_UTIME * c + row, st->utime);
  put_counter(f, p->u, P_STIME * c + row, st->stime);
  put_opt(p, P_RUN, row, e->sched.has, e->sched.run);
  put_opt(p, P_WAIT, row, e->sched.has, e->sched.wait);
  put_opt(p, P_SLICES, row, e->sched.has, e->sched.slices);
  if (e->has_swap) f[P_SWAP * c + row] = e->swap;
  else put_null(f, P_SWAP * c + row);
  put_opt(p, P_VOL, row, e->has_vol, e->vol);
  put_opt(p, P_INVOL, row, e->has_invol, e->invol);
  for (int i = 0; i < 5; i++) put_opt(p, P_RCHAR + i, row, e->has_slow && !e->slow.nul[i], e->slow.v[i]);
}

/* ---- listing ---- */

/* Rows and slots the bound table must hold: one row per listed pid, one column cell per slot. */
static long table_need(procs_t *p) { return p->ls.n > p->nslots ? p->ls.n : p->nslots; }

/* The slot of the i-th listed pid, found by walking the last read's rows (both in key order) from *j, else by hash. */
static long slot_of(procs_t *p, long i, long *j) {
  int pid = p->ls.pid[i];
  uint64_t key = p->ls.key[i];
  while (*j < p->nwalk && p->wkey[*j] < key) (*j)++;
  if (*j < p->nwalk && p->wkey[*j] == key) {
    long w = p->wslot[*j];
    if (p->slots[w].used && p->slots[w].pid == pid) return w;
  }
  return h_find(p, pid);
}

long procs_discover(procs_t *p, int64_t now) {
  listing_read(&p->ls, p->root);
  p->has_listed = 1;
  long j = 0;
  for (long i = 0; i < p->ls.n; i++) {
    int pid = p->ls.pid[i];
    if (slot_of(p, i, &j) < 0) {
      pstat_t st;
      open_slot(p, pid, now, &st);
    }
  }
  return table_need(p);
}

/* One row out, and its (key, slot) kept for the next read's walk. */
static void put_row(procs_t *p, long si, size_t *rows, int same, uint64_t key, long *nnext) {
  /* Never after table_need(): a process that replaces another reuses its slot. */
  if ((size_t)si >= p->cap) return;
  emit(p, si, (*rows)++, same);
  if (*nnext < p->cap_walk) {
    p->wkey_next[*nnext] = key;
    p->wslot_next[(*nnext)++] = si;
  }
}

static int walk_reserve(procs_t *p, long n) {
  if (n <= p->cap_walk) return 1;
  long c = n > 2 * p->cap_walk ? n : 2 * p->cap_walk;
  uint64_t *k1 = realloc(p->wkey, (size_t)c * sizeof *k1);
  if (k1) p->wkey = k1;
  uint64_t *k2 = realloc(p->wkey_next, (size_t)c * sizeof *k2);
  if (k2) p->wkey_next = k2;
  long *s1 = realloc(p->wslot, (size_t)c * sizeof *s1);
  if (s1) p->wslot = s1;
  long *s2 = realloc(p->wslot_next, (size_t)c * sizeof *s2);
  if (s2) p->wslot_next = s2;
  if (!k1 || !k2 || !s1 || !s2) return 0;
  p->cap_walk = c;
  return 1;
}

long procs_read(procs_t *p, int64_t now) {
  /* Without a discover() first, new processes are opened here, before any row is written. */
  if (!p->has_listed) procs_discover(p, now);
  if ((size_t)table_need(p) > p->cap) return -table_need(p);
  if (!walk_reserve(p, p->ls.n)) p->nwalk = 0;
  long j = 0, nnext = 0;
  p->has_listed = 0;
  unsigned gen = ++p->gen;
  /* Pids dropped during this read and the one before: their children may have a new parent. */
  int *t = p->gone_before;
  long tc = p->cap_gone_before;
  p->gone_before = p->gone_now;
  p->ngone_before = p->ngone_now;
  p->cap_gone_before = p->cap_gone_now;
  p->gone_now = t;
  p->cap_gone_now = tc;
  p->ngone_now = 0;
  size_t rows = 0;
  for (long i = 0; i < p->ls.n; i++) {
    int pid = p->ls.pid[i];
    uint64_t key = p->ls.key[i];
    /*
     * The slots are a megabyte at +1000 that the 100 ms between ticks evicts: fetch the hot lines of the
     * slot a few rows ahead (the walk's order is the listing's) while this one waits on its read.
     */
    if (j + PREFETCH_AHEAD < p->nwalk) {
      const char *ahead = (const char *)&p->slots[p->wslot[j + PREFETCH_AHEAD]];
      __builtin_prefetch(ahead);
      __builtin_prefetch(ahead + 64);
      __builtin_prefetch(ahead + 128);
    }
    long si = slot_of(p, i, &j);
    pstat_t st;
    int have = 0;
    if (si >= 0) {
      slot_t *e = &p->slots[si];
      if (not_run(p, e, now)) {
        e->gen = gen;
        put_row(p, si, &rows, 1, key, &nnext);
        continue;
      }
      if (e->has_pending_stat) {
        st = e->pending_stat;
        have = 1;
      } else have = read_stat(p, e, &st);
      e->has_pending_stat = 0;
      /* Gone, or the pid now belongs to another process: a new identity, a new baseline. */
      if (!have || st.starttime != e->start) {
        drop(p, si);
        si = -1;
      }
    }
    if (si < 0) {
      si = open_slot(p, pid, now, &st);
      if (si < 0) continue;
    }
    if (mid_exec(&p->slots[si], &st)) {
      p->slots[si].gen = gen;
      p->slots[si].has_pending_sched = 0; /* read again on the next tick, with the rest */
      if (p->slots[si].has_last) put_row(p, si, &rows, 1, key, &nnext);
      continue;
    }
    if (!update(p, &p->slots[si], &st, now)) {
      drop(p, si);
      continue;
    }
    p->slots[si].gen = gen;
    put_row(p, si, &rows, 0, key, &nnext);
  }
  for (long si = 0; si < p->nslots; si++)
    if (p->slots[si].used && p->slots[si].gen != gen) drop(p, si);
  uint64_t *k = p->wkey;
  p->wkey = p->wkey_next;
  p->wkey_next = k;
  long *w = p->wslot;
  p->wslot = p->wslot_next;
  p->wslot_next = w;
  p->nwalk = nnext;
  return (long)rows;
}

/* ---- the tier's life ---- */

static int probe_fd_count_by_size(const char *root) {
  if (strcmp(root, "/proc") != 0) return 0;
  struct stat sb;
  if (stat("/proc/self/fd", &sb) != 0 || sb.st_size <= 0 || sb.st_size >= (1 << 20)) return 0;
  return 1;
}

procs_t *procs_create(const char *root, const procs_opts_t *o) {
  procs_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->root = strdup(root);
  if (!p->root || !rbuf_init(&p->rb, 16384) || !rbuf_init(&p->srb, 16384) || !rbuf_init(&p->cmdrb, CMDLINE_MAX + 1)) {
    procs_destroy(p);
    return NULL;
  }
  int64_t slow_ms_ns = o->slow_ns > o->proc_interval_ns ? o->slow_ns : o->proc_interval_ns;
  p->proc_interval_ns = o->proc_interval_ns;
  p->slow_ns = slow_ms_ns;
  p->status_ns = o->status_ns > slow_ms_ns ? o->status_ns : slow_ms_ns;
  p->tol_ns = o->proc_interval_ns / 2;
  p->stagger_slots = slow_ms_ns / o->proc_interval_ns;
  if (p->stagger_slots < 1) p->stagger_slots = 1;
  p->cmdline_refresh_ns = o->cmdline_refresh_ns;
  long limit = o->max_kept_fds;
  if (limit < 0) {
    struct rlimit rl;
    limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur - 256 : 1024 - 256;
    if (limit < 0) limit = 0;
  }
  p->budget.limit = limit;
  p->fd_count_by_size = probe_fd_count_by_size(root);
  return p;
}

void procs_bind(procs_t *p, double *f, uint64_t *u, size_t cap) {
  p->f = f;
  p->u = u;
  p->cap = cap;
}

int procs_strings(procs_t *p, long si, const char **comm, size_t *comm_len, const char **cmd, size_t *cmd_len) {
  if (si < 0 || si >= p->nslots || !p->slots[si].used) return 0;
  slot_t *e = &p->slots[si];
  *comm = e->comm;
  *comm_len = e->comm_len;
  *cmd = e->cmd;
  *cmd_len = e->cmd_len;
  return 1;
}

long procs_tracked(procs_t *p) { return p->hcount; }

void procs_destroy(procs_t *p) {
  if (!p) return;
  for (long si = 0; si < p->nslots; si++) {
    slot_t *e = &p->slots[si];
    if (e->used) close_fds(p, e);
    free(e->stat_copy);
    free(e->comm);
    free(e->cmd);
    free(e->sched.t);
  }
  free(p->slots);
  free(p->free_slots);
  free(p->hkeys);
  free(p->hvals);
  listing_free(&p->ls);
  free(p->wkey);
  free(p->wkey_next);
  free(p->wslot);
  free(p->wslot_next);
  free(p->gone_now);
  free(p->gone_before);
  rbuf_free(&p->rb);
  rbuf_free(&p->srb);
  rbuf_free(&p->cmdrb);
  free(p->root);
  free(p);
}
