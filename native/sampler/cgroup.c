/*
 * The cgroup tier's reads (cgroup.h): one call reads every file of every group the TypeScript tier listed,
 * through kept fds on a cgroup filesystem (a pread regenerates the seq file from offset 0), and parses it
 * into one row per group. Each step mirrors src/sampler/cgroups/group.ts (readV1, readV2) and the parsers
 * of src/sampler/parse/cgroupfs.ts and pressure.ts, which stay the reference: a text those parsers read in
 * a way that is costly to copy exactly here (JavaScript's trim() and Number() on non-ASCII or odd forms,
 * a counter past 2^64, "-0") marks the row CGF_RAW, and the group's texts go to the reference instead.
 * Kernel text is never such text.
 */
#define _GNU_SOURCE
#include "cgroup.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kept.h"
#include "layout.h"
#include "text.h"

static const char *const CG_FILES[NCG_FILES] = {
  "cpu.stat", "cpu.max", "memory.current", "memory.peak", "memory.max", "memory.high", "memory.stat", "memory.events",
  "io.stat", "pids.current", "pids.max", "cpu.pressure", "memory.pressure", "io.pressure",
  "cpuacct.usage", "cpuacct.usage_user", "cpuacct.usage_sys", "cpuacct.stat", "cpu.cfs_quota_us", "cpu.cfs_period_us",
  "memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.limit_in_bytes", "memory.kmem.usage_in_bytes",
  "memory.oom_control", "blkio.throttle.io_service_bytes", "blkio.throttle.io_serviced", "cgroup.controllers",
};

/* Hierarchy kinds (cgCreate): bit 0 v2, bit 1 a cgroup filesystem (keep fds), then the v1 controllers. */
#define HK_V2 1
#define HK_KEEP 2
#define HK_CPU 4
#define HK_CPUACCT 8
#define HK_MEMORY 16
#define HK_PIDS 32
#define HK_BLKIO 64
#define MAX_HIER 16

typedef struct {
  char *path; /* "/" for the root */
  uint32_t mask[MAX_HIER];
  int fds[MAX_HIER][NCG_FILES];
  /* For the look at the tree (cgCheck): the directory's kept fd, its subdirectories and (v2) its
   * cgroup.controllers when listed. */
  int dirfd[MAX_HIER];
  int subdirs[MAX_HIER];
  char *ctrl[MAX_HIER];
  size_t ctrl_len[MAX_HIER];
  size_t raw_off, raw_len;
} group_t;

typedef struct {
  char *data;
  size_t len, cap;
} bytes_t;

typedef struct {
  int nh;
  char *dir[MAX_HIER];
  unsigned kind[MAX_HIER];
  double clk;
  long max_kept, kept;
  group_t *g;
  size_t ng;
  rbuf_t b;
  bytes_t scratch, raw;
  /* Bound tables (the JavaScript side owns them; refs keep them alive). */
  double *gf;
  uint64_t *gu;
  size_t gcap;
  double *iof;
  uint64_t *iou;
  size_t iocap, io_n;
  napi_ref refs[4];
  char path[8192];
} cg_t;

/* ---- numbers, as parseCounter / parseLevel / parseLimit read them ---- */

enum { PV_NULL, PV_OK, PV_EXOTIC };

/* parseCounter over [s, e): digits with an optional '-'. -0 and values past 2^64 are for the reference. */
static int pcount(const char *s, const char *e, uint64_t *v, int *neg) {
  *neg = 0;
  if (s >= e) return PV_NULL;
  if (*s == '-') {
    *neg = 1;
    if (++s == e) return PV_NULL;
  }
  uint64_t x = 0;
  int over = 0;
  for (const char *p = s; p < e; p++) {
    unsigned d = (unsigned char)*p - '0';
    if (d > 9) return PV_NULL;
    if (x > (UINT64_MAX - d) / 10) over = 1;
    else x = x * 10 + d;
  }
  if (over || (*neg && x == 0)) return PV_EXOTIC;
  *v = x;
  return PV_OK;
}

static inline int jsblank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* Text that JavaScript's trim() or Number() would read differently from these parsers: non-ASCII, \r \v \f. */
static int odd_bytes(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80 || c == '\r' || c == '\v' || c == '\f') return 1;
  }
  return 0;
}

static void trim(const char **s, const char **e) {
  while (*s < *e && jsblank(**s)) (*s)++;
  while (*e > *s && jsblank((*e)[-1])) (*e)--;
}

/* parseLevel: a non-negative integer, trimmed. */
static int plevel(const char *s, const char *e, uint64_t *v) {
  int neg;
  trim(&s, &e);
  int r = pcount(s, e, v, &neg);
  return r == PV_OK && neg ? PV_NULL : r;
}

enum { LIM_NULL, LIM_MAX, LIM_VAL, LIM_EXOTIC };
#define UNLIMITED_FROM (1ULL << 62)

/* parseLimit. */
static int plimit(const char *s, const char *e, uint64_t *v) {
  trim(&s, &e);
  if (e - s == 3 && memcmp(s, "max", 3) == 0) return LIM_MAX;
  int neg;
  int r = pcount(s, e, v, &neg);
  if (r == PV_EXOTIC) return LIM_EXOTIC;
  if (r == PV_NULL || neg) return LIM_NULL;
  return *v >= UNLIMITED_FROM ? LIM_MAX : LIM_VAL;
}

/* ---- the row ---- */

typedef struct {
  cg_t *c;
  size_t row;
  int raw;
  int gone;
} row_t;

#define AT(col) ((size_t)(col) * r->c->gcap + r->row)
static inline int isnull(row_t *r, int col) { return r->c->gf[AT(col)] == V_NUL; }
static inline void set_num(row_t *r, int col, double x) { r->c->gf[AT(col)] = x; }
static inline void set_ctr(row_t *r, int col, uint64_t v) { put_counter(r->c->gf, r->c->gu, AT(col), v); }
/* `g.x ??= value`: only a null column is written. */
static inline void or_ctr(row_t *r, int col, uint64_t v) {
  if (isnull(r, col)) set_ctr(r, col, v);
}

/* A counter result the reference would give differently marks the row raw. */
static inline int note(row_t *r, int pv) {
  if (pv == PV_EXOTIC) r->raw = 1;
  return pv == PV_OK;
}

/* nsToUs, exactly: Math.floor(c / 1000) in doubles up to 2^53, integer division above. */
static void or_ns_to_us(row_t *r, int col, uint64_t ns) {
  if (!isnull(r, col)) return;
  if (ns <= MAX_SAFE) set_num(r, col, floor((double)ns / 1000.0));
  else set_ctr(r, col, ns / 1000);
}

/* ticksToUs, exactly as the reference computes it. */
static void or_ticks_to_us(row_t *r, int col, uint64_t t) {
  if (!isnull(r, col)) return;
  double clk = r->c->clk;
  if (!(clk > 0)) return;
  if (t <= MAX_SAFE) {
    double v = floor(((double)t * 1e6) / clk);
    if (v <= (double)MAX_SAFE) {
      set_num(r, col, v);
      return;
    }
  }
  uint64_t rc = (uint64_t)floor(clk + 0.5);
  if (rc == 0) {
    r->raw = 1;
    return;
  }
  unsigned __int128 v = (unsigned __int128)t * 1000000u / rc;
  if (v > UINT64_MAX) r->raw = 1;
  else set_ctr(r, col, (uint64_t)v);
}

/* ---- keyed files (parseKeyedOnly) ---- */

/* Finds up to 8 keys' values: the first line with exactly two words whose second is a valid counter. */
typedef struct {
  const char *const *keys;
  int n;
  int have[8];
  uint64_t v[8];
} keyed_t;

static void pkeyed(row_t *r, const char *s, size_t len, keyed_t *k) {
  const char *end = s + len;
  memset(k->have, 0, sizeof k->have);
  size_t klen[8];
  for (int i = 0; i < k->n; i++) klen[i] = strlen(k->keys[i]);
  for (const char *p = s; p <= end;) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    const char *a = p;
    while (a < e && is_blank(*a)) a++;
    const char *b = a;
    while (b < e && !is_blank(*b)) b++;
    const char *c = b;
    while (c < e && is_blank(*c)) c++;
    const char *d = c;
    while (d < e && !is_blank(*d)) d++;
    const char *z = d;
    while (z < e && is_blank(*z)) z++;
    if (b > a && d > c && z == e) {
      for (int i = 0; i < k->n; i++) {
        if (klen[i] != (size_t)(b - a) || memcmp(a, k->keys[i], klen[i]) != 0) continue;
        if (!k->have[i]) {
          uint64_t v;
          int neg;
          int pv = pcount(c, d, &v, &neg);
          if (pv == PV_EXOTIC) r->raw = 1;
          else if (pv == PV_OK && !neg) {
            k->have[i] = 1;
            k->v[i] = v;
          }
        }
        break;
      }
    }
    p = e + 1;
  }
}

static const char *const V2_CPU_STAT[] = {"usage_usec", "user_usec", "system_usec", "nr_periods", "nr_throttled", "throttled_usec"};
static const char *const V2_MEMORY_STAT[] = {"anon", "file", "kernel_stack", "slab", "kernel", "inactive_file"};
static const char *const MEMORY_EVENTS[] = {"oom", "oom_kill"};
static const char *const CPUACCT_STAT[] = {"user", "system"};
static const char *const V1_CPU_STAT[] = {"nr_periods", "nr_throttled", "throttled_time"};
static const char *const V1_MEMORY_STAT[] = {"total_rss", "rss", "total_cache", "cache", "total_inactive_file", "inactive_file"};
static const char *const OOM_CONTROL[] = {"oom_kill"};

static void or_key(row_t *r, int col, keyed_t *k, int i) {
  if (k->have[i]) or_ctr(r, col, k->v[i]);
}

/* ---- reads ---- */

static int bytes_put(bytes_t *b, const void *p, size_t n) {
  if (b->cap - b->len < n) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n) cap *= 2;
    char *m = realloc(b->data, cap);
    if (!m) return 0;
    b->data = m;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 1;
}

static const char *dir_of(cg_t *c, int h, const group_t *g) {
  snprintf(c->path, sizeof c->path, "%s%s", c->dir[h], strcmp(g->path, "/") == 0 ? "" : g->path);
  return c->path;
}

/*
 * readKept / readOnce (keptfds.ts): the file's text in c->b, its length, or -1 (gone, denied, not
 * listed). Every text read is kept in the scratch record (h, file, length, bytes) for a raw row.
 */
static ssize_t text(row_t *r, group_t *g, int h, int f) {
  cg_t *c = r->c;
  if (!(g->mask[h] & (1u << f))) return -1;
  ssize_t n = -1;
  int *fd = &g->fds[h][f];
  if (*fd >= 0) {
    /* A kept fd that fails (ENODEV: the group was removed) is closed and the path opened again. */
    n = pread_all(*fd, &c->b);
    if (n < 0) {
      close(*fd);
      *fd = -1;
      c->kept--;
      /* The group was removed: its directory's fd is the dead group's too (keptfds.ts readKept). */
      if ((gone_errno((int)-n) || n == -ENODEV) && g->dirfd[h] >= 0) {
        close(g->dirfd[h]);
        g->dirfd[h] = -1;
        c->kept--;
      }
    }
  }
  if (n >= 0) goto got;
  char path[8400];
  snprintf(path, sizeof path, "%s/%s", dir_of(c, h, g), CG_FILES[f]);
  /* Only on a cgroup filesystem: a fixture tree keeps a deleted file's text behind its fd (keptfds.ts). */
  if (!(c->kind[h] & HK_KEEP) || c->kept >= c->max_kept) n = read_once(path, &c->b, 0);
  else {
    int o = open_ro(path);
    if (o == -EMFILE || o == -ENFILE) n = read_once(path, &c->b, 0);
    else if (o >= 0) {
      *fd = o;
      c->kept++;
      n = pread_all(o, &c->b);
      if (n < 0) {
        close(o);
        *fd = -1;
        c->kept--;
      }
    }
  }
  if (n < 0) {
    struct stat st;
    if (stat(dir_of(c, h, g), &st) != 0) r->gone = 1;
    return -1;
  }
got:;
  unsigned char hd[6] = {(unsigned char)h, (unsigned char)f, (unsigned char)(n & 0xff), (unsigned char)((n >> 8) & 0xff),
                         (unsigned char)((n >> 16) & 0xff), (unsigned char)((n >> 24) & 0xff)};
  if (!bytes_put(&c->scratch, hd, sizeof hd) || !bytes_put(&c->scratch, c->b.buf, (size_t)n)) r->raw = 1;
  return n;
}

/* ---- io.stat and blkio ---- */

/* A device "maj:min" (the reference's /^\d+:\d+$/); 1 canonical, 0 not a device, PV_EXOTIC-like 2 when
 * a device the numbers would print differently (leading zeros, more than 15 digits). */
static int pdev(const char *s, const char *e, double *maj, double *min) {
  const char *colon = memchr(s, ':', (size_t)(e - s));
  if (!colon || colon == s || colon + 1 == e) return 0;
  for (const char *p = s; p < e; p++)
    if (p != colon && (*p < '0' || *p > '9')) return 0;
  size_t l1 = (size_t)(colon - s), l2 = (size_t)(e - colon - 1);
  if (l1 > 15 || l2 > 15 || (l1 > 1 && *s == '0') || (l2 > 1 && colon[1] == '0')) return 2;
  uint64_t a, b;
  parse_u64(s, colon, &a);
  parse_u64(colon + 1, e, &b);
  *maj = (double)a;
  *min = (double)b;
  return 1;
}

static void io_row(cg_t *c, double maj, double min, const uint64_t v[4]) {
  size_t i = c->io_n++;
  if (i >= c->iocap) return; /* counted: the caller grows the table and reads again */
  c->iof[CIO_MAJOR * c->iocap + i] = maj;
  c->iof[CIO_MINOR * c->iocap + i] = min;
  for (int k = 0; k < 4; k++) put_counter(c->iof, c->iou, (CIO_RBYTES + k) * c->iocap + i, v[k]);
}

static int words(const char *s, const char *e, const char **ws, const char **we, int max) {
  int n = 0;
  const char *p = s;
  while (p < e) {
    while (p < e && is_blank(*p)) p++;
    const char *a = p;
    while (p < e && !is_blank(*p)) p++;
    if (p > a) {
      if (n < max) {
        ws[n] = a;
        we[n] = p;
      }
      n++;
    }
  }
  return n;
}

/* parseIoStat into the io table; the row's CG_IO_N / CG_IO_FIRST. */
static void pio_stat(row_t *r, const char *s, size_t len) {
  cg_t *c = r->c;
  const char *end = s + len;
  size_t first = c->io_n;
  static const char *const keys[4] = {"rbytes", "wbytes", "rios", "wios"};
  for (const char *p = s; p <= end;) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    const char *ws[64], *we[64];
    int nw = words(p, e, ws, we, 64);
    double maj = 0, min = 0;
    int dv;
    if (nw > 64) r->raw = 1; /* not the kernel's: let the reference have it */
    else if (nw >= 5 && (dv = pdev(ws[0], we[0], &maj, &min)) != 0) {
      if (dv == 2) r->raw = 1;
      int have[4] = {0, 0, 0, 0};
      uint64_t v[4];
      for (int i = 1; i < nw; i++) {
        const char *eq = memchr(ws[i], '=', (size_t)(we[i] - ws[i]));
        if (!eq || eq == ws[i]) continue;
        for (int k = 0; k < 4; k++) {
          if ((size_t)(eq - ws[i]) != strlen(keys[k]) || memcmp(ws[i], keys[k], (size_t)(eq - ws[i])) != 0) continue;
          uint64_t x;
          int neg;
          int pv = pcount(eq + 1, we[i], &x, &neg);
          if (pv == PV_EXOTIC) r->raw = 1;
          else if (pv == PV_OK && !neg) {
            have[k] = 1;
            v[k] = x;
          }
        }
      }
      if (have[0] && have[1] && have[2] && have[3]) io_row(c, maj, min, v);
    }
    p = e + 1;
  }
  set_num(r, CG_IO_N, (double)(c->io_n - first));
  set_num(r, CG_IO_FIRST, (double)first);
}

typedef struct {
  char name[40];
  double maj, min;
  int has[2][2]; /* [file][read, write] */
  uint64_t v[2][2];
} blkdev_t;

typedef struct {
  blkdev_t *d;
  size_t n, cap;
} blk_t;

/* parseBlkio of one file (which: 0 bytes, 1 ios) into the device list. */
static void pblkio(row_t *r, const char *s, size_t len, int which, blk_t *out) {
  const char *end = s + len;
  for (const char *p = s; p <= end;) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    const char *ws[3], *we[3];
    double maj = 0, min = 0;
    int dv;
    if (words(p, e, ws, we, 3) == 3 && (dv = pdev(ws[0], we[0], &maj, &min)) != 0) {
      size_t l1 = (size_t)(we[1] - ws[1]);
      int rw = l1 == 4 && memcmp(ws[1], "Read", 4) == 0 ? 0 : l1 == 5 && memcmp(ws[1], "Write", 5) == 0 ? 1 : -1;
      if (dv == 2) r->raw = 1;
      else if (rw >= 0) {
        uint64_t x;
        int neg;
        int pv = pcount(ws[2], we[2], &x, &neg);
        if (pv == PV_EXOTIC) r->raw = 1;
        else if (pv == PV_OK && !neg) {
          char name[40];
          snprintf(name, sizeof name, "%.0f:%.0f", maj, min);
          size_t i = 0;
          while (i < out->n && strcmp(out->d[i].name, name) != 0) i++;
          if (i == out->n) {
            if (out->n == out->cap) {
              size_t cap = out->cap ? out->cap * 2 : 8;
              blkdev_t *m = realloc(out->d, cap * sizeof *m);
              if (!m) {
                r->raw = 1;
                p = e + 1;
                continue;
              }
              out->d = m;
              out->cap = cap;
            }
            memset(&out->d[i], 0, sizeof out->d[i]);
            memcpy(out->d[i].name, name, sizeof name);
            out->d[i].maj = maj;
            out->d[i].min = min;
            out->n++;
          }
          out->d[i].has[which][rw] = 1;
          out->d[i].v[which][rw] = x;
        }
      }
    }
    p = e + 1;
  }
}

static int blk_cmp(const void *a, const void *b) { return strcmp(((const blkdev_t *)a)->name, ((const blkdev_t *)b)->name); }

/* ---- PSI (parsePressure) ---- */

static const char *find(const char *s, const char *end, const char *pat, size_t plen) {
  return (size_t)(end - s) < plen ? NULL : memmem(s, (size_t)(end - s), pat, plen);
}

static int strpbrk_n(const char *s, const char *e, const char *set) {
  for (; s < e; s++)
    if (strchr(set, *s)) return 1;
  return 0;
}

/* valueOf: the text after " key=" within [at, end) up to the next space. */
static int psi_value(const char *tend, const char *at, const char *end, const char *key, const char **vs, const char **ve) {
  char pat[16];
  size_t pl = (size_t)snprintf(pat, sizeof pat, " %s=", key);
  const char *k = find(at, tend, pat, pl);
  if (!k || k >= end) return 0;
  const char *s = k + pl;
  const char *e = memchr(s, ' ', (size_t)(tend - s));
  if (!e || e > end) e = end;
  if (s >= e) return 0;
  *vs = s;
  *ve = e;
  return 1;
}

/* One line of a pressure file into 4 columns; 1 when it is there. */
static int psi_line(row_t *r, const char *text, size_t len, const char *kind, int col) {
  const char *tend = text + len;
  char pre[8];
  size_t pl = (size_t)snprintf(pre, sizeof pre, "%s ", kind);
  const char *at = line_starting(text, tend, text, pre, pl);
  if (!at) return 0;
  const char *end = memchr(at, '\n', (size_t)(tend - at));
  if (!end) end = tend;
  static const char *const keys[3] = {"avg10", "avg60", "avg300"};
  double avg[3];
  int ok = 1;
  for (int i = 0; i < 3; i++) {
    const char *vs, *ve;
    if (!psi_value(tend, at, end, keys[i], &vs, &ve)) {
      ok = 0;
      continue;
    }
    if (parse_decimal(vs, ve, &avg[i])) continue;
    /* Number() of a text with no digit and no blank is NaN or Infinity (null); of any other odd form, the reference's. */
    if (memchr(vs, '\t', (size_t)(ve - vs)) || strpbrk_n(vs, ve, "0123456789")) r->raw = 1;
    else ok = 0;
  }
  const char *vs, *ve;
  uint64_t total;
  int neg, pv = PV_NULL;
  if (psi_value(tend, at, end, "total", &vs, &ve)) pv = pcount(vs, ve, &total, &neg);
  if (pv == PV_EXOTIC || (pv == PV_OK && neg)) r->raw = 1;
  if (!ok || pv != PV_OK || neg || r->raw) return 0;
  for (int i = 0; i < 3; i++) set_num(r, col + i, avg[i]);
  set_ctr(r, col + 3, total);
  return 1;
}

/* ---- one group (group.ts) ---- */

/* A file of one number (a level or a counter), added into col. */
static void level_file(row_t *r, group_t *g, int h, int file, int col) {
  uint64_t v;
  ssize_t n = text(r, g, h, file);
  if (n < 0) return;
  if (odd_bytes(r->c->b.buf, (size_t)n)) r->raw = 1;
  if (note(r, plevel(r->c->b.buf, r->c->b.buf + n, &v))) or_ctr(r, col, v);
}

/* A limit file ("max" or a number): the number into col, "max" leaves it null. */
static void limit_file(row_t *r, group_t *g, int h, int file, int col) {
  uint64_t v;
  ssize_t n = text(r, g, h, file);
  if (n < 0) return;
  if (odd_bytes(r->c->b.buf, (size_t)n)) r->raw = 1;
  int l = plimit(r->c->b.buf, r->c->b.buf + n, &v);
  if (l == LIM_EXOTIC) r->raw = 1;
  else if (l == LIM_VAL) or_ctr(r, col, v);
}

/* Memory in use, its peak and its limit: the same three files under v1's and v2's names. */
static void mem_usage(row_t *r, group_t *g, int h, int cur_file, int peak_file, int lim_file) {
  uint64_t v;
  level_file(r, g, h, cur_file, CG_MEM_CUR);
  level_file(r, g, h, peak_file, CG_MEM_PEAK);
  ssize_t n = text(r, g, h, lim_file);
  if (n >= 0 && isnull(r, CG_MEM_LIMITED)) {
    if (odd_bytes(r->c->b.buf, (size_t)n)) r->raw = 1;
    int l = plimit(r->c->b.buf, r->c->b.buf + n, &v);
    if (l == LIM_EXOTIC) r->raw = 1;
    else if (l != LIM_NULL) {
      if (l == LIM_VAL) set_ctr(r, CG_MEM_MAX, v);
      set_num(r, CG_MEM_LIMITED, l == LIM_VAL);
    }
  }
}

static void read_v1(row_t *r, group_t *g, int h) {
  unsigned k = r->c->kind[h];
  ssize_t n;
  uint64_t v;
  keyed_t kd;
  if (k & HK_CPUACCT) {
    n = text(r, g, h, CF_CPUACCT_USAGE);
    if (n >= 0) {
      if (odd_bytes(r->c->b.buf, (size_t)n)) r->raw = 1;
      if (note(r, plevel(r->c->b.buf, r->c->b.buf + n, &v))) or_ns_to_us(r, CG_USAGE, v);
    }
    uint64_t u = 0, s = 0;
    int uok = 0, sok = 0;
    ssize_t nu = text(r, g, h, CF_CPUACCT_USER);
    if (nu >= 0 && odd_bytes(r->c->b.buf, (size_t)nu)) r->raw = 1;
    if (nu >= 0) uok = note(r, plevel(r->c->b.buf, r->c->b.buf + nu, &u));
    ssize_t ns = text(r, g, h, CF_CPUACCT_SYS);
    if (ns >= 0 && odd_bytes(r->c->b.buf, (size_t)ns)) r->raw = 1;
    if (ns >= 0) sok = note(r, plevel(r->c->b.buf, r->c->b.buf + ns, &s));
    if (nu >= 0 && ns >= 0) {
      if (uok) or_ns_to_us(r, CG_USER, u);
      if (sok) or_ns_to_us(r, CG_SYSTEM, s);
    } else {
      n = text(r, g, h, CF_CPUACCT_STAT);
      if (n >= 0) {
        kd = (keyed_t){.keys = CPUACCT_STAT, .n = 2};
        pkeyed(r, r->c->b.buf, (size_t)n, &kd);
        if (kd.have[0]) or_ticks_to_us(r, CG_USER, kd.v[0]);
        if (kd.have[1]) or_ticks_to_us(r, CG_SYSTEM, kd.v[1]);
      }
    }
  }
  if (k & HK_CPU) {
    n = text(r, g, h, CF_CPU_STAT);
    if (n >= 0) {
      kd = (keyed_t){.keys = V1_CPU_STAT, .n = 3};
      pkeyed(r, r->c->b.buf, (size_t)n, &kd);
      or_key(r, CG_PERIODS, &kd, 0);
      or_key(r, CG_THROTTLED, &kd, 1);
      if (kd.have[2]) or_ns_to_us(r, CG_THROTTLED_US, kd.v[2]);
    }
    /* parseCfs: the period first (a level, below 2^53, not 0), then the quota (-1: none). */
    int q_pv = PV_NULL, q_neg = 0;
    uint64_t q = 0;
    ssize_t nq = text(r, g, h, CF_CFS_QUOTA);
    if (nq >= 0) {
      const char *s = r->c->b.buf, *e = s + nq;
      if (odd_bytes(s, (size_t)nq)) r->raw = 1;
      trim(&s, &e);
      q_pv = pcount(s, e, &q, &q_neg);
      if (q_pv == PV_EXOTIC) r->raw = 1;
    }
    ssize_t np = text(r, g, h, CF_CFS_PERIOD);
    if (nq >= 0 && np >= 0) {
      if (odd_bytes(r->c->b.buf, (size_t)np)) r->raw = 1;
      uint64_t per;
      if (note(r, plevel(r->c->b.buf, r->c->b.buf + np, &per)) && per <= MAX_SAFE && per != 0 && q_pv == PV_OK && q <= MAX_SAFE &&
          isnull(r, CG_PERIOD)) {
        if (!q_neg) set_num(r, CG_QUOTA, (double)q);
        set_num(r, CG_PERIOD, (double)per);
      }
    }
  }
  if (k & HK_MEMORY) {
    mem_usage(r, g, h, CF_MEM_USAGE, CF_MEM_MAX_USAGE, CF_MEM_LIMIT);
    n = text(r, g, h, CF_MEM_STAT);
    if (n >= 0) {
      kd = (keyed_t){.keys = V1_MEMORY_STAT, .n = 6};
      pkeyed(r, r->c->b.buf, (size_t)n, &kd);
      /* usage_in_bytes counts the descendants (use_hierarchy): so do the total_* lines. */
      static const int cols[3] = {CG_ANON, CG_FILE, CG_INACTIVE};
      for (int i = 0; i < 3; i++) {
        if (kd.have[2 * i]) or_ctr(r, cols[i], kd.v[2 * i]);
        else if (kd.have[2 * i + 1]) or_ctr(r, cols[i], kd.v[2 * i + 1]);
      }
    }
    level_file(r, g, h, CF_MEM_KMEM, CG_KERNEL);
    n = text(r, g, h, CF_MEM_OOM_CONTROL);
    if (n >= 0) {
      kd = (keyed_t){.keys = OOM_CONTROL, .n = 1};
      pkeyed(r, r->c->b.buf, (size_t)n, &kd);
      or_key(r, CG_OOM_KILL, &kd, 0);
    }
  }
  if (k & HK_PIDS) {
    level_file(r, g, h, CF_PIDS_CURRENT, CG_PIDS_CUR);
    limit_file(r, g, h, CF_PIDS_MAX, CG_PIDS_MAX);
  }
  /* `g.io ??= blkioDevs(t(..), t(..))`: neither file is read once io is set. */
  if ((k & HK_BLKIO) && isnull(r, CG_IO_N)) {
    blk_t devs = {0};
    ssize_t nb = text(r, g, h, CF_BLKIO_BYTES);
    if (nb >= 0) pblkio(r, r->c->b.buf, (size_t)nb, 0, &devs);
    ssize_t no = text(r, g, h, CF_BLKIO_IOS);
    if (no >= 0) pblkio(r, r->c->b.buf, (size_t)no, 1, &devs);
    if (nb >= 0 || no >= 0) {
      qsort(devs.d, devs.n, sizeof *devs.d, blk_cmp);
      size_t first = r->c->io_n;
      for (size_t i = 0; i < devs.n; i++) {
        blkdev_t *d = &devs.d[i];
        uint64_t v4[4] = {d->has[0][0] ? d->v[0][0] : 0, d->has[0][1] ? d->v[0][1] : 0, d->has[1][0] ? d->v[1][0] : 0, d->has[1][1] ? d->v[1][1] : 0};
        io_row(r->c, d->maj, d->min, v4);
      }
      set_num(r, CG_IO_N, (double)devs.n);
      set_num(r, CG_IO_FIRST, (double)first);
    }
    free(devs.d);
  }
}

static void read_v2(row_t *r, group_t *g, int h) {
  ssize_t n;
  keyed_t kd;
  /* On a hybrid layout v1 may have filled all six already: the unified file would change nothing. A raw
   * row reads it anyway: the reference decides on its own parse. */
  int filled = !isnull(r, CG_USAGE) && !isnull(r, CG_USER) && !isnull(r, CG_SYSTEM) && !isnull(r, CG_PERIODS) &&
               !isnull(r, CG_THROTTLED) && !isnull(r, CG_THROTTLED_US);
  n = filled && !r->raw ? -1 : text(r, g, h, CF_CPU_STAT);
  if (n >= 0 && !filled) {
    kd = (keyed_t){.keys = V2_CPU_STAT, .n = 6};
    pkeyed(r, r->c->b.buf, (size_t)n, &kd);
    static const int cols[6] = {CG_USAGE, CG_USER, CG_SYSTEM, CG_PERIODS, CG_THROTTLED, CG_THROTTLED_US};
    for (int i = 0; i < 6; i++) or_key(r, cols[i], &kd, i);
  }
  n = text(r, g, h, CF_CPU_MAX);
  if (n >= 0) {
    /* parseCpuMax: two words; the period a level below 2^53 and not 0; the quota `max` or a level below 2^53. */
    const char *s = r->c->b.buf, *e = s + n;
    if (odd_bytes(s, (size_t)n)) r->raw = 1;
    trim(&s, &e);
    const char *ws[2], *we[2];
    uint64_t per, q;
    if (words(s, e, ws, we, 2) == 2 && note(r, plevel(ws[1], we[1], &per)) && per <= MAX_SAFE && per != 0) {
      int quota_max = we[0] - ws[0] == 3 && memcmp(ws[0], "max", 3) == 0;
      if ((quota_max || (note(r, plevel(ws[0], we[0], &q)) && q <= MAX_SAFE)) && isnull(r, CG_PERIOD)) {
        if (!quota_max) set_num(r, CG_QUOTA, (double)q);
        set_num(r, CG_PERIOD, (double)per);
      }
    }
  }
  mem_usage(r, g, h, CF_MEM_CURRENT, CF_MEM_PEAK, CF_MEM_MAX);
  limit_file(r, g, h, CF_MEM_HIGH, CG_MEM_HIGH);
  n = text(r, g, h, CF_MEM_STAT);
  if (n >= 0) {
    kd = (keyed_t){.keys = V2_MEMORY_STAT, .n = 6};
    pkeyed(r, r->c->b.buf, (size_t)n, &kd);
    or_key(r, CG_ANON, &kd, 0);
    or_key(r, CG_FILE, &kd, 1);
    /* `kernel` since 5.18; before it, kernel stacks and slab are most of it (a sum of two Numbers). */
    if (isnull(r, CG_KERNEL)) {
      if (kd.have[4]) set_ctr(r, CG_KERNEL, kd.v[4]);
      else if (kd.have[2] && kd.have[3]) {
        /* Number(ks) + Number(slab): above 2^53 each rounds as Number(bigint) does (to nearest, ties even). */
        set_num(r, CG_KERNEL, (double)kd.v[2] + (double)kd.v[3]);
      }
    }
    or_key(r, CG_INACTIVE, &kd, 5);
  }
  n = text(r, g, h, CF_MEM_EVENTS);
  if (n >= 0) {
    kd = (keyed_t){.keys = MEMORY_EVENTS, .n = 2};
    pkeyed(r, r->c->b.buf, (size_t)n, &kd);
    or_key(r, CG_OOM, &kd, 0);
    or_key(r, CG_OOM_KILL, &kd, 1);
  }
  n = text(r, g, h, CF_IO_STAT);
  if (n >= 0 && isnull(r, CG_IO_N)) pio_stat(r, r->c->b.buf, (size_t)n);
  level_file(r, g, h, CF_PIDS_CURRENT, CG_PIDS_CUR);
  limit_file(r, g, h, CF_PIDS_MAX, CG_PIDS_MAX);
  for (int res = 0; res < 3; res++) {
    n = text(r, g, h, CF_CPU_PRESSURE + res);
    int col = CG_PSI + res * 8;
    if (n < 0 || !isnull(r, col) || !isnull(r, col + 4)) continue;
    if (odd_bytes(r->c->b.buf, (size_t)n)) r->raw = 1;
    psi_line(r, r->c->b.buf, (size_t)n, "some", col);
    psi_line(r, r->c->b.buf, (size_t)n, "full", col + 4);
  }
}

/* Reads every group into the bound tables; returns the io rows it needed (more than bound: grow, read again). */
static size_t cg_read(cg_t *c) {
  c->io_n = 0;
  c->raw.len = 0;
  for (size_t i = 0; i < c->ng; i++) {
    group_t *g = &c->g[i];
    row_t r = {.c = c, .row = i};
    for (int col = 0; col < NCG_COLS; col++) c->gf[(size_t)col * c->gcap + i] = V_NUL;
    c->scratch.len = 0;
    size_t io_before = c->io_n;
    for (int h = 0; h < c->nh; h++)
      if (!(c->kind[h] & HK_V2) && g->mask[h]) read_v1(&r, g, h);
    for (int h = 0; h < c->nh; h++)
      if ((c->kind[h] & HK_V2) && g->mask[h]) read_v2(&r, g, h);
    g->raw_off = g->raw_len = 0;
    if (r.raw) {
      c->io_n = io_before; /* the reference makes this row's devices */
      g->raw_off = c->raw.len;
      g->raw_len = c->scratch.len;
      bytes_put(&c->raw, c->scratch.data, c->scratch.len);
    }
    c->gf[(size_t)CG_FLAGS * c->gcap + i] = (double)((r.gone ? CGF_GONE : 0) | (r.raw ? CGF_RAW : 0));
  }
  return c->io_n;
}

/* ---- the tree ---- */

static void group_close(cg_t *c, group_t *g) {
  for (int h = 0; h < c->nh; h++) {
    if (g->dirfd[h] >= 0) {
      close(g->dirfd[h]);
      g->dirfd[h] = -1;
      c->kept--;
    }
    free(g->ctrl[h]);
    g->ctrl[h] = NULL;
  }
  for (int h = 0; h < c->nh; h++)
    for (int f = 0; f < NCG_FILES; f++)
      if (g->fds[h][f] >= 0) {
        close(g->fds[h][f]);
        g->fds[h][f] = -1;
        c->kept--;
      }
  free(g->path);
  g->path = NULL;
}

static void cg_free(cg_t *c) {
  for (size_t i = 0; i < c->ng; i++) group_close(c, &c->g[i]);
  free(c->g);
  c->g = NULL;
  c->ng = 0;
  for (int h = 0; h < c->nh; h++) free(c->dir[h]);
  c->nh = 0;
  rbuf_free(&c->b);
  free(c->scratch.data);
  free(c->raw.data);
  c->scratch = c->raw = (bytes_t){0};
}

/*
 * tier.ts unchanged(): every directory (in every hierarchy, on a cgroup filesystem) has as many
 * subdirectories as the listing saw (kernfs: link count 2 + subdirectories, one fstat of a kept fd), and
 * every v2 group the same cgroup.controllers. 0 (list the tree again) when anything differs or cannot be
 * checked.
 */
static int cg_check(cg_t *c) {
  for (size_t i = 0; i < c->ng; i++) {
    group_t *g = &c->g[i];
    for (int h = 0; h < c->nh; h++) {
      if (!(g->mask[h] & CG_IN)) continue;
      if (!(c->kind[h] & HK_KEEP)) return 0;
      if (c->kind[h] & HK_V2) {
        /* cgroup.controllers first: if its fd reads ENODEV (the group was made again), the directory's fd goes with it. */
        row_t r = {.c = c};
        size_t keep_len = c->scratch.len;
        ssize_t n = text(&r, g, h, CF_CONTROLLERS);
        c->scratch.len = keep_len;
        int has = g->ctrl[h] != NULL;
        if ((n >= 0) != has || (n >= 0 && ((size_t)n != g->ctrl_len[h] || memcmp(c->b.buf, g->ctrl[h], (size_t)n) != 0))) return 0;
      }
      if (g->dirfd[h] < 0) {
        if (c->kept >= c->max_kept) return 0;
        int fd = open_ro(dir_of(c, h, g));
        if (fd < 0) return 0;
        g->dirfd[h] = fd;
        c->kept++;
      }
      struct stat st;
      if (fstat(g->dirfd[h], &st) != 0) {
        close(g->dirfd[h]);
        g->dirfd[h] = -1;
        c->kept--;
        return 0;
      }
      if ((long)st.st_nlink - 2 != g->subdirs[h]) return 0;
    }
  }
  return 1;
}

/* ---- N-API ---- */

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  cg_free(data);
  free(data);
}

static napi_value num(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

static int typed_arg(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  return napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) == napi_ok && t == want;
}

static cg_t *args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  cg_t *c = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      napi_get_value_external(env, argv[0], (void **)&c) != napi_ok || !c || c->nh < 0) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return c;
}

static char *str_arg(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len >= 4096) return NULL;
  char *s = malloc(len + 1);
  if (s && napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok) {
    free(s);
    return NULL;
  }
  return s;
}

napi_value js_cg_layout(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o;
  napi_create_object(env, &o);
#define SET(name) napi_set_named_property(env, o, #name, num(env, name))
  SET(NCG_FILES); SET(NCG_COLS); SET(NCIO_COLS); SET(CG_PSI); SET(CG_PIDS_MAX); SET(CIO_WIOS); SET(CF_BLKIO_IOS); SET(CF_CONTROLLERS);
#undef SET
  return o;
}

/* cgCreate(dirs: string[], kinds: number[], clkTck) */
napi_value js_cg_create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint32_t nd = 0, nk = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_get_array_length(env, argv[0], &nd) != napi_ok ||
      napi_get_array_length(env, argv[1], &nk) != napi_ok || nd != nk || nd > MAX_HIER) {
    napi_throw_type_error(env, NULL, "cgCreate(dirs: string[], kinds: number[], clkTck: number), at most 16 hierarchies");
    return NULL;
  }
  cg_t *c = calloc(1, sizeof *c);
  if (!c || !rbuf_init(&c->b, 16384)) {
    free(c);
    napi_throw_error(env, NULL, "cgroups: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < nd; i++) {
    napi_value d, k;
    uint32_t kind = 0;
    napi_get_element(env, argv[0], i, &d);
    napi_get_element(env, argv[1], i, &k);
    napi_get_value_uint32(env, k, &kind);
    c->dir[i] = str_arg(env, d);
    c->kind[i] = kind;
    c->nh = (int)i + 1;
    if (!c->dir[i]) {
      cg_free(c);
      free(c);
      napi_throw_type_error(env, NULL, "cgCreate: a directory is not a string");
      return NULL;
    }
  }
  napi_get_value_double(env, argv[2], &c->clk);
  napi_value out;
  if (napi_create_external(env, c, finalize, NULL, &out) != napi_ok) {
    cg_free(c);
    free(c);
    napi_throw_error(env, NULL, "cgroups: napi_create_external failed");
    return NULL;
  }
  return out;
}

/*
 * cgTree(h, paths: string[], masks: Uint32Array (group * hierarchies + h), maxKept): the groups of a new
 * listing. A group listed before (by path) keeps the fds of its files still listed; the rest are closed.
 */
napi_value js_cg_tree(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  cg_t *c = args(env, info, 6, argv, "cgTree(h, paths: string[], masks: Uint32Array, subdirs: Int32Array, controllers: (string | null)[], maxKept: number)");
  if (!c) return NULL;
  uint32_t n = 0, nc = 0;
  void *m, *sd;
  size_t ml, sl;
  double maxk = 0;
  if (napi_get_array_length(env, argv[1], &n) != napi_ok || !typed_arg(env, argv[2], napi_uint32_array, &m, &ml) || ml != (size_t)n * (size_t)c->nh ||
      !typed_arg(env, argv[3], napi_int32_array, &sd, &sl) || sl != ml || napi_get_array_length(env, argv[4], &nc) != napi_ok || nc != ml) {
    napi_throw_type_error(env, NULL, "cgTree: paths, then masks (Uint32Array), subdirs (Int32Array) and controllers of paths.length * hierarchies");
    return NULL;
  }
  napi_get_value_double(env, argv[5], &maxk);
  const uint32_t *masks = m;
  const int32_t *subdirs = sd;
  group_t *ng = calloc(n ? n : 1, sizeof *ng);
  if (!ng) {
    napi_throw_error(env, NULL, "cgroups: out of memory");
    return NULL;
  }
  size_t hint = 0;
  for (uint32_t i = 0; i < n; i++) {
    napi_value p;
    napi_get_element(env, argv[1], i, &p);
    group_t *g = &ng[i];
    memset(g->fds, 0xff, sizeof g->fds);
    memset(g->dirfd, 0xff, sizeof g->dirfd);
    g->path = str_arg(env, p);
    for (int h = 0; h < c->nh; h++) {
      size_t k = (size_t)i * c->nh + h;
      g->mask[h] = masks[k];
      g->subdirs[h] = subdirs[k];
      napi_value cv;
      napi_valuetype ct;
      napi_get_element(env, argv[4], (uint32_t)k, &cv);
      if (napi_typeof(env, cv, &ct) == napi_ok && ct == napi_string) {
        /* latin1, as tier.ts reads it: the bytes of the file (kernel text is ASCII). */
        size_t len = 0;
        napi_get_value_string_latin1(env, cv, NULL, 0, &len);
        g->ctrl[h] = malloc(len + 1);
        if (g->ctrl[h]) napi_get_value_string_latin1(env, cv, g->ctrl[h], len + 1, &g->ctrl_len[h]);
      }
    }
    if (!g->path) continue;
    /* The old group of the same path: listings keep their order, so look from the last match on. */
    group_t *old = NULL;
    for (size_t k = 0; k < c->ng && !old; k++) {
      group_t *o = &c->g[(hint + k) % c->ng];
      if (o->path && strcmp(o->path, g->path) == 0) {
        old = o;
        hint = (hint + k + 1) % c->ng;
      }
    }
    if (!old) continue;
    for (int h = 0; h < c->nh; h++) {
      if (old->dirfd[h] < 0) continue;
      if (g->mask[h] & CG_IN) g->dirfd[h] = old->dirfd[h];
      else {
        close(old->dirfd[h]);
        c->kept--;
      }
      old->dirfd[h] = -1;
    }
    for (int h = 0; h < c->nh; h++)
      for (int f = 0; f < NCG_FILES; f++) {
        if (old->fds[h][f] < 0) continue;
        if (g->mask[h] & (1u << f)) g->fds[h][f] = old->fds[h][f];
        else {
          close(old->fds[h][f]);
          c->kept--;
        }
        old->fds[h][f] = -1;
      }
  }
  for (size_t k = 0; k < c->ng; k++) group_close(c, &c->g[k]);
  free(c->g);
  c->g = ng;
  c->ng = n;
  c->max_kept = (long)maxk;
  return NULL;
}

/* cgBind(h, gf, gu, iof, iou): the group table (NCG_COLS columns) and the io table (NCIO_COLS). */
napi_value js_cg_bind(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  cg_t *c = args(env, info, 5, argv, "cgBind(h, gf, gu, iof, iou)");
  if (!c) return NULL;
  void *gf, *gu, *iof, *iou;
  size_t l1, l2, l3, l4;
  if (!typed_arg(env, argv[1], napi_float64_array, &gf, &l1) || !typed_arg(env, argv[2], napi_biguint64_array, &gu, &l2) ||
      !typed_arg(env, argv[3], napi_float64_array, &iof, &l3) || !typed_arg(env, argv[4], napi_biguint64_array, &iou, &l4) || l1 != l2 || l3 != l4) {
    napi_throw_type_error(env, NULL, "cgBind: a Float64Array and a BigUint64Array of the same length per table");
    return NULL;
  }
  for (int i = 0; i < 4; i++)
    if (c->refs[i]) {
      napi_delete_reference(env, c->refs[i]);
      c->refs[i] = NULL;
    }
  for (int i = 0; i < 4; i++) napi_create_reference(env, argv[1 + i], 1, &c->refs[i]);
  c->gf = gf;
  c->gu = gu;
  c->gcap = l1 / NCG_COLS;
  c->iof = iof;
  c->iou = iou;
  c->iocap = l3 / NCIO_COLS;
  return NULL;
}

/* cgRead(h): reads every group; the io rows needed (more than the io table holds: grow it, read again). */
napi_value js_cg_read(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  cg_t *c = args(env, info, 1, argv, "cgRead(h)");
  if (!c) return NULL;
  if (!c->gf || c->gcap < c->ng) {
    napi_throw_range_error(env, NULL, "cgRead: bind a group table of at least as many rows as groups first");
    return NULL;
  }
  return num(env, (double)cg_read(c));
}

/* cgCheck(h): 1 when the tree is as listed (tier.ts unchanged()), 0 when it must be listed again. */
napi_value js_cg_check(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  cg_t *c = args(env, info, 1, argv, "cgCheck(h)");
  return c ? num(env, (double)cg_check(c)) : NULL;
}

/* cgRaw(h, row): a raw row's texts as one Buffer of (u8 hierarchy, u8 file, u32le length, bytes) records. */
napi_value js_cg_raw(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  cg_t *c = args(env, info, 2, argv, "cgRaw(h, row)");
  if (!c) return NULL;
  uint32_t row = 0;
  napi_get_value_uint32(env, argv[1], &row);
  napi_value out;
  if (row >= c->ng) {
    napi_get_null(env, &out);
    return out;
  }
  group_t *g = &c->g[row];
  void *data;
  if (napi_create_buffer_copy(env, g->raw_len, g->raw_len ? c->raw.data + g->raw_off : "", &data, &out) != napi_ok) return NULL;
  return out;
}

napi_value js_cg_kept(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  cg_t *c = args(env, info, 1, argv, "cgKept(h)");
  return c ? num(env, (double)c->kept) : NULL;
}

napi_value js_cg_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  cg_t *c = args(env, info, 1, argv, "cgClose(h)");
  if (!c) return NULL;
  for (size_t i = 0; i < c->ng; i++) group_close(c, &c->g[i]);
  free(c->g);
  c->g = NULL;
  c->ng = 0;
  for (int i = 0; i < 4; i++)
    if (c->refs[i]) {
      napi_delete_reference(env, c->refs[i]);
      c->refs[i] = NULL;
    }
  c->gf = NULL;
  c->iof = NULL;
  return NULL;
}
