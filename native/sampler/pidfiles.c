/*
 * /proc/PID/stat, schedstat, status and io, with the rules of src/sampler/parse/pid-*.ts and
 * schedstat.ts. comm sits between the first '(' and the LAST ')' and may hold spaces, parentheses and
 * newlines, so stat is never split before that. Counters are unsigned 64-bit and exact; a negative
 * number where a counter belongs makes the file unusable (the TypeScript parsers pass it on).
 */
#define _GNU_SOURCE
#include "pidfiles.h"
#include <string.h>
#include "text.h"

/* The next field as a signed integer; 0 when it is missing or not an integer. */
static int next_i64(const char **p, const char *end, int64_t *v) {
  const char *s, *e;
  return next_field(p, end, &s, &e) && parse_i64(s, e, v);
}
static int next_u64(const char **p, const char *end, uint64_t *v) {
  const char *s, *e;
  return next_field(p, end, &s, &e) && parse_u64(s, e, v);
}
static void skip_fields(const char **p, const char *end, int n) {
  const char *s, *e;
  while (n-- > 0 && next_field(p, end, &s, &e)) {
  }
}

int parse_pid_stat(const char *buf, size_t n, pstat_t *st) {
  const char *end = buf + n;
  const char *open = memchr(buf, '(', n);
  if (!open) return 0;
  const char *close = memrchr(buf, ')', n);
  if (!close || close <= open) return 0;
  const char *p = buf;
  if (!next_i64(&p, open, &st->pid) || st->pid <= 0) return 0;
  st->comm = open + 1;
  st->comm_len = (size_t)(close - open - 1);
  p = close + 1;
  const char *fs, *fe;
  if (!next_field(&p, end, &fs, &fe)) return 0;
  st->state = *fs;
  /* One field at a time, in order (the operands of & are not sequenced). */
  int ok = 1;
  ok &= next_i64(&p, end, &st->ppid);
  ok &= next_i64(&p, end, &st->pgrp);
  ok &= next_i64(&p, end, &st->session);
  skip_fields(&p, end, 2); /* tty_nr tpgid */
  ok &= next_i64(&p, end, &st->flags);
  ok &= next_u64(&p, end, &st->minflt);
  skip_fields(&p, end, 1); /* cminflt */
  ok &= next_u64(&p, end, &st->majflt);
  skip_fields(&p, end, 1); /* cmajflt */
  ok &= next_u64(&p, end, &st->utime);
  ok &= next_u64(&p, end, &st->stime);
  skip_fields(&p, end, 2); /* cutime cstime */
  ok &= next_i64(&p, end, &st->priority);
  ok &= next_i64(&p, end, &st->nice);
  ok &= next_i64(&p, end, &st->threads);
  skip_fields(&p, end, 1); /* itrealvalue */
  ok &= next_i64(&p, end, &st->starttime);
  ok &= next_i64(&p, end, &st->vsize);
  ok &= next_i64(&p, end, &st->rss);
  skip_fields(&p, end, 1); /* rsslim */
  if (!next_i64(&p, end, &st->startcode)) st->startcode = 0;
  skip_fields(&p, end, 12); /* endcode .. exit_signal */
  if (!next_i64(&p, end, &st->processor)) st->processor = 0;
  if (st->rss < 0) st->rss = 0;
  return ok;
}

int parse_schedstat(const char *buf, size_t n, sched_t *s) {
  const char *p = buf, *end = buf + n;
  return next_u64(&p, end, &s->run) && next_u64(&p, end, &s->wait) && next_u64(&p, end, &s->slices);
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

void parse_status(const char *buf, size_t n, pstatus_t *o) {
  const char *end = buf + n, *vs, *ve;
  memset(o, 0, sizeof *o);
  /* Effective uid: the second of the four Uid: columns. */
  const char *u = memmem(buf, n, "\nUid:", 5);
  if (u) {
    const char *p = u + 5, *le = memchr(p, '\n', (size_t)(end - p));
    if (!le) le = end;
    const char *ws[2] = {0}, *we[2] = {0};
    int nw = 0;
    while (p < le && nw < 2) {
      while (p < le && is_ws(*p)) p++;
      if (p >= le) break;
      ws[nw] = p;
      while (p < le && !is_ws(*p)) p++;
      we[nw++] = p;
    }
    int k = nw >= 2 ? 1 : 0;
    if (nw >= 1 && parse_u64(ws[k], we[k], &o->uid) && o->uid <= MAX_SAFE) o->has_uid = 1;
  }
  uint64_t v;
  if (value_after_key(buf, end, "VmSwap:", &vs, &ve) && parse_u64(vs, ve, &v) && v <= MAX_SAFE) {
    o->has_swap = 1;
    o->swap_bytes = (double)v * 1024.0;
  }
  if (value_after_key(buf, end, "voluntary_ctxt_switches:", &vs, &ve) && parse_u64(vs, ve, &o->vol)) o->has_vol = 1;
  if (value_after_key(buf, end, "nonvoluntary_ctxt_switches:", &vs, &ve) && parse_u64(vs, ve, &o->invol)) o->has_invol = 1;
}

void parse_io(const char *buf, size_t n, slow_t *o) {
  static const char *KEYS[4] = {"rchar:", "wchar:", "read_bytes:", "write_bytes:"};
  const char *vs, *ve;
  for (int i = 0; i < 4; i++) {
    o->nul[i] = !(value_after_key(buf, buf + n, KEYS[i], &vs, &ve) && parse_u64(vs, ve, &o->v[i]));
    if (o->nul[i]) o->v[i] = 0;
  }
}
