/*
 * A process's scheduler time summed over its threads, as ThreadTimes in src/sampler/threads.ts:
 * run += Σ per-thread Δrun (likewise wait and timeslices); a thread first seen adds its whole value, a
 * counter that fell (a reused tid) adds its whole value. Thread fds are kept; task/ is listed again only
 * when the thread count changed or a kept fd reports its thread gone. The main thread (tid = pid) is not
 * read again under task/: /proc/PID/schedstat, read just before, is its schedstat (same task, same file).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "procs.h"
#include "text.h"

#define FULL_READ_NS 5000000000LL

static uint64_t delta(int has_prev, uint64_t p, uint64_t c) { return has_prev && c >= p ? c - p : c; }

static void release(thr_t *th, budget_t *b) {
  if (th->fd >= 0) {
    close(th->fd);
    budget_give(b, 1);
    th->fd = -1;
  }
}

void tt_close(ttimes_t *t, budget_t *b) {
  t->seen = 0;
  for (int i = 0; i < t->n; i++) release(&t->t[i], b);
  t->n = 0;
  t->listed_for = -1;
}

static int tt_reserve(ttimes_t *t, int n) {
  if (t->cap >= n) return 1;
  int cap = t->cap ? t->cap : 4;
  while (cap < n) cap *= 2;
  thr_t *m = realloc(t->t, (size_t)cap * sizeof *m);
  if (!m) return 0;
  t->t = m;
  t->cap = cap;
  return 1;
}

/* Adds one thread's move (prev may be absent) to the cumulative counters. */
static void add(ttimes_t *t, int has_prev, const sched_t *p, const sched_t *c) {
  t->run += delta(has_prev, p->run, c->run);
  t->wait += delta(has_prev, p->wait, c->wait);
  t->slices += delta(has_prev, p->slices, c->slices);
}

void tt_single(ttimes_t *t, int pid, const sched_t *s, budget_t *b) {
  t->seen = 0;
  /* The main thread's last read is the baseline even when it was read with its siblings (issue 17). */
  int has_last = 0;
  sched_t last = {0, 0, 0};
  for (int i = 0; i < t->n; i++)
    if (t->t[i].tid == pid && t->t[i].has_last) {
      has_last = 1;
      last = t->t[i].last;
    }
  if (t->n != 1 || t->t[0].tid != pid) tt_close(t, b);
  if (!t->has) {
    t->run = t->wait = t->slices = 0;
    t->has = 1;
  }
  add(t, has_last, &last, s);
  t->listed_for = 1;
  if (!tt_reserve(t, 1)) return;
  t->n = 1;
  t->t[0].tid = pid;
  t->t[0].fd = -1;
  t->t[0].has_last = 1;
  t->t[0].last = *s;
}

static int read_thread(const char *base, thr_t *th, rbuf_t *rb, sched_t *out, int pid, const sched_t *main) {
  ssize_t n;
  if (th->tid == pid) {
    *out = *main;
    return 1;
  }
  if (th->fd < 0) {
    char path[4200];
    snprintf(path, sizeof path, "%s/task/%d/schedstat", base, th->tid);
    n = read_once(path, rb, 0);
  } else {
    n = pread_all(th->fd, rb);
  }
  return n >= 0 && parse_schedstat(rb->buf, (size_t)n, out);
}

static int open_thread(const char *base, int tid, budget_t *b) {
  if (!budget_take(b, 1)) return -1;
  char path[4200];
  snprintf(path, sizeof path, "%s/task/%d/schedstat", base, tid);
  int fd = open_ro(path);
  if (fd < 0) {
    budget_give(b, 1);
    return -1;
  }
  return fd;
}

void tt_multi(ttimes_t *t, const char *base, int pid, budget_t *b, rbuf_t *rb, int64_t threads, uint64_t ticks, const sched_t *main, int64_t now) {
  if (t->seen && threads == t->listed_for && now - t->seen_at < FULL_READ_NS && t->seen_ticks == ticks &&
      t->seen_run == main->run && t->seen_wait == main->wait)
    return;
  t->seen = 1;
  t->seen_ticks = ticks;
  t->seen_run = main->run;
  t->seen_wait = main->wait;
  t->seen_at = now;
  /* Read into got first and commit at the end, so that a relist half way keeps what was read. */
  sched_t *got = calloc((size_t)(t->n > 0 ? t->n : 1), sizeof *got);
  uint8_t *have = calloc((size_t)(t->n > 0 ? t->n : 1), 1);
  if (!got || !have) goto out;
  int relist = t->listed_for != threads;
  if (!relist) {
    for (int i = 0; i < t->n; i++) {
      if (!read_thread(base, &t->t[i], rb, &got[i], pid, main)) {
        relist = 1; /* a thread exited: others may have started */
        break;
      }
      have[i] = 1;
    }
  }
  if (relist) {
    char path[4200];
    snprintf(path, sizeof path, "%s/task", base);
    DIR *d = opendir(path);
    if (!d) goto out;
    thr_t *next = NULL;
    sched_t *ngot = NULL;
    int nn = 0, ncap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
      uint64_t tid;
      const char *nm = de->d_name;
      size_t len = strlen(nm);
      if (len == 0 || len > 10 || !parse_u64(nm, nm + len, &tid) || tid == 0 || tid > 0x7fffffff) continue;
      if (nn == ncap) {
        ncap = ncap ? ncap * 2 : 8;
        thr_t *m = realloc(next, (size_t)ncap * sizeof *m);
        sched_t *g = realloc(ngot, (size_t)ncap * sizeof *g);
        if (!m || !g) {
          free(m ? m : next);
          free(g ? g : ngot);
          closedir(d);
          goto out;
        }
        next = m;
        ngot = g;
      }
      int old = -1;
      for (int i = 0; i < t->n; i++)
        if (t->t[i].tid == (int)tid && t->t[i].tid != 0) old = i;
      thr_t th;
      if (old >= 0) {
        th = t->t[old];
        t->t[old].tid = 0; /* taken: not released below */
        t->t[old].fd = -1;
      } else {
        th.tid = (int)tid;
        th.fd = (int)tid == pid ? -1 : open_thread(base, (int)tid, b);
        th.has_last = 0;
      }
      sched_t s;
      if (old >= 0 && have[old]) s = got[old];
      else if (!read_thread(base, &th, rb, &s, pid, main)) {
        release(&th, b);
        continue;
      }
      next[nn] = th;
      ngot[nn] = s;
      nn++;
    }
    closedir(d);
    for (int i = 0; i < t->n; i++) release(&t->t[i], b);
    free(t->t);
    free(got);
    free(have);
    t->t = next;
    t->n = nn;
    t->cap = ncap;
    got = ngot;
    have = NULL;
    t->listed_for = (int)threads;
    if (!t->has) {
      t->run = t->wait = t->slices = 0;
      t->has = 1;
    }
    for (int i = 0; i < nn; i++) {
      add(t, t->t[i].has_last, &t->t[i].last, &got[i]);
      t->t[i].last = got[i];
      t->t[i].has_last = 1;
    }
    free(got);
    return;
  }
  if (!t->has) {
    t->run = t->wait = t->slices = 0;
    t->has = 1;
  }
  for (int i = 0; i < t->n; i++) {
    if (!have[i]) continue;
    add(t, t->t[i].has_last, &t->t[i].last, &got[i]);
    t->t[i].last = got[i];
    t->t[i].has_last = 1;
  }
out:
  free(got);
  free(have);
}
