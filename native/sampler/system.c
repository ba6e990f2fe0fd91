/*
 * The system tier's parsers, byte for byte the rules of src/sampler/parse/ (stat.ts, meminfo.ts,
 * loadavg.ts, pressure.ts, netdev.ts, snmp.ts, vmstat.ts, diskstats.ts, uptime.ts), except that a
 * negative number where a counter belongs is "not given" here rather than passed on.
 */
#define _GNU_SOURCE
#include "system.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

static const char *FILES[NSYS_FILES] = {
  "stat", "meminfo", "loadavg", "pressure/cpu", "pressure/memory", "pressure/io",
  "net/dev", "net/snmp", "vmstat", "diskstats", "uptime",
};

sys_t *sys_create(const char *root) {
  sys_t *s = calloc(1, sizeof *s);
  if (!s || !rbuf_init(&s->rb, 65536)) {
    free(s);
    return NULL;
  }
  for (int i = 0; i < NSYS_FILES; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, FILES[i]);
    kept_init(&s->files[i], path);
  }
  return s;
}

void sys_destroy(sys_t *s) {
  if (!s) return;
  for (int i = 0; i < NSYS_FILES; i++) kept_close(&s->files[i]);
  rbuf_free(&s->rb);
  free(s);
}

#define SC(i) (s->scal.f[(i)])
#define SCU(i) (s->scal.u[(i)])

/* The end of the line that starts at p. */
static const char *eol(const char *p, const char *end) {
  const char *q = memchr(p, '\n', (size_t)(end - p));
  return q ? q : end;
}

/* Splits [p, e) on spaces and tabs (words() in text.ts); returns the count, at most max kept. */
static int split_words(const char *p, const char *e, const char **ws, const char **we, int max) {
  int n = 0;
  while (p < e) {
    while (p < e && is_blank(*p)) p++;
    const char *s = p;
    while (p < e && !is_blank(*p)) p++;
    if (p > s) {
      if (n < max) {
        ws[n] = s;
        we[n] = p;
      }
      n++;
    }
  }
  return n;
}

static int word_is(const char *s, const char *e, const char *lit) {
  size_t n = strlen(lit);
  return (size_t)(e - s) == n && memcmp(s, lit, n) == 0;
}

/* ---- /proc/stat ---- */

static int parse_stat(sys_t *s, const char *buf, size_t n) {
  const char *p = buf, *end = buf + n;
  for (int i = S_CTXT; i <= S_BTIME; i++) put_null(s->scal.f, i);
  SC(S_TOTAL_PRESENT) = 0;
  size_t rows = 0, cap = s->cpu.cap;
  int ok = 1;
  while (p < end) {
    const char *e = eol(p, end);
    char c0 = *p;
    if (c0 == 'c' || c0 == 'b' || c0 == 'p') {
      const char *ws[12], *we[12];
      int nw = split_words(p, e, ws, we, 12);
      if (e - p >= 3 && memcmp(p, "cpu", 3) == 0) {
        /* A cpu line: 4 to 10 counters, all valid, or the line is left out. */
        long row = -1;
        if (nw >= 5) {
          if (word_is(ws[0], we[0], "cpu")) row = 0;
          else {
            uint64_t k;
            if (parse_u64(ws[0] + 3, we[0], &k) && k < 65536) row = 1 + (long)k;
          }
        }
        uint64_t v[10];
        int nv = nw - 1 < 10 ? nw - 1 : 10;
        for (int i = 0; row >= 0 && i < nv; i++)
          if (!parse_u64(ws[1 + i], we[1 + i], &v[i])) row = -1;
        if (row >= 0) {
          if ((size_t)row >= cap) ok = 0;
          else {
            for (size_t r = rows; r < (size_t)row; r++) s->cpu.f[C_PRESENT * cap + r] = 0;
            s->cpu.f[C_PRESENT * cap + row] = 1;
            for (int i = 0; i < 10; i++) {
              size_t at = (C_VALUES + i) * cap + row;
              if (i < nv) put_counter(s->cpu.f, s->cpu.u, at, v[i]);
              else put_null(s->cpu.f, at);
            }
          }
          if ((size_t)row + 1 > rows) rows = (size_t)row + 1;
          if (row == 0) SC(S_TOTAL_PRESENT) = 1;
        }
      } else if (nw >= 2) {
        uint64_t v;
        int slot = word_is(ws[0], we[0], "ctxt") ? S_CTXT
                 : word_is(ws[0], we[0], "processes") ? S_PROCESSES
                 : word_is(ws[0], we[0], "procs_running") ? S_PROCS_RUNNING
                 : word_is(ws[0], we[0], "procs_blocked") ? S_PROCS_BLOCKED
                 : word_is(ws[0], we[0], "btime") ? S_BTIME : -1;
        if (slot >= 0 && parse_u64(ws[1], we[1], &v)) {
          if (slot == S_CTXT || slot == S_PROCESSES) put_counter(s->scal.f, s->scal.u, slot, v);
          else SC(slot) = (double)v; /* Number(v) in the TypeScript parser */
        }
      }
    }
    p = e + 1;
  }
  /* The total row is row 0 whether or not the file had it; cores start at row 1. */
  if (rows == 0) rows = 1;
  if (!SC(S_TOTAL_PRESENT) && cap > 0) s->cpu.f[C_PRESENT * cap] = 0;
  SC(S_CPU_ROWS) = (double)rows;
  return ok;
}

/* ---- /proc/meminfo, /proc/vmstat ---- */

static const char *MEM_KEYS[12] = {
  "MemTotal:", "MemFree:", "MemAvailable:", "Buffers:", "Cached:", "SwapCached:", "SwapTotal:", "SwapFree:",
  "Shmem:", "SReclaimable:", "Dirty:", "Writeback:",
};

static int parse_meminfo(sys_t *s, const char *buf, size_t n) {
  for (int i = 0; i < 12; i++) {
    const char *vs, *ve;
    uint64_t v;
    if (value_after_key(buf, buf + n, MEM_KEYS[i], &vs, &ve) && parse_u64(vs, ve, &v) && v <= MAX_SAFE)
      SC(S_MEM + i) = (double)v * 1024.0;
    else put_null(s->scal.f, S_MEM + i);
  }
  return 1;
}

static int parse_vmstat(sys_t *s, const char *buf, size_t n) {
  static const char *KEYS[4] = {"pgfault ", "pgmajfault ", "pswpin ", "pswpout "};
  for (int i = 0; i < 4; i++) {
    const char *vs, *ve;
    if (value_after_key(buf, buf + n, KEYS[i], &vs, &ve)) put_field(s->scal.f, s->scal.u, S_VMSTAT + i, vs, ve);
    else put_null(s->scal.f, S_VMSTAT + i);
  }
  return 1;
}

/* ---- /proc/loadavg, /proc/uptime ---- */

static int parse_loadavg(sys_t *s, const char *buf, size_t n) {
  const char *ws[5], *we[5];
  int nw = split_words(buf, buf + n, ws, we, 5);
  /* trim() then words(): a newline ends the last word. */
  SC(S_LOAD) = 0;
  if (nw < 4) return 1;
  for (int i = 0; i < 4; i++) {
    const char *nl = memchr(ws[i], '\n', (size_t)(we[i] - ws[i]));
    if (nl) we[i] = nl;
  }
  double load[3];
  for (int i = 0; i < 3; i++)
    if (!parse_decimal(ws[i], we[i], &load[i])) return 1;
  const char *slash = memchr(ws[3], '/', (size_t)(we[3] - ws[3]));
  uint64_t running, total;
  if (!slash || !parse_u64(ws[3], slash, &running) || !parse_u64(slash + 1, we[3], &total)) return 1;
  if (running > MAX_SAFE || total > MAX_SAFE) return 1;
  SC(S_LOAD) = 1;
  SC(S_LOAD + 1) = load[0];
  SC(S_LOAD + 2) = load[1];
  SC(S_LOAD + 3) = load[2];
  SC(S_LOAD + 4) = (double)running;
  SC(S_LOAD + 5) = (double)total;
  return 1;
}

static int parse_uptime(sys_t *s, const char *buf, size_t n) {
  const char *p = buf, *end = buf + n;
  while (p < end && is_sep(*p)) p++;
  const char *q = p;
  while (q < end && !is_sep(*q)) q++;
  double v;
  if (q > p && parse_decimal(p, q, &v)) SC(S_UPTIME) = v;
  else put_null(s->scal.f, S_UPTIME);
  return 1;
}

/* ---- /proc/pressure/{cpu,memory,io} ---- */

/* The text after " key=" up to the next space, within [from, end). */
static int psi_value(const char *from, const char *end, const char *key, const char **vs, const char **ve) {
  char pat[16];
  int k = snprintf(pat, sizeof pat, " %s=", key);
  const char *at = memmem(from, (size_t)(end - from), pat, (size_t)k);
  if (!at) return 0;
  const char *s = at + k, *e = s;
  while (e < end && *e != ' ') e++;
  if (e == s) return 0;
  *vs = s;
  *ve = e;
  return 1;
}

static int parse_pressure(sys_t *s, int res, const char *buf, size_t n) {
  static const char *KIND[2] = {"some ", "full "};
  const char *end = buf + n;
  for (int l = 0; l < 2; l++) {
    int base = S_PSI + res * 10 + l * 5;
    SC(base) = 0;
    const char *at = line_starting(buf, end, buf, KIND[l], 5);
    if (!at) continue;
    const char *le = eol(at, end);
    const char *vs, *ve;
    double avg[3];
    uint64_t total;
    static const char *AVG[3] = {"avg10", "avg60", "avg300"};
    int ok = 1;
    for (int i = 0; i < 3 && ok; i++) ok = psi_value(at, le, AVG[i], &vs, &ve) && parse_decimal(vs, ve, &avg[i]);
    if (!ok || !psi_value(at, le, "total", &vs, &ve) || !parse_u64(vs, ve, &total)) continue;
    SC(base) = 1;
    for (int i = 0; i < 3; i++) SC(base + 1 + i) = avg[i];
    put_counter(s->scal.f, s->scal.u, base + 4, total);
  }
  return 1;
}

/* ---- names for net and disk rows ---- */

/* The id of a name (interned on first sight), or -1 when it is too long or the table is full. */
static int intern(names_t *t, const char *p, size_t len) {
  if (len >= sizeof t->v[0].name) return -1;
  for (int i = 0; i < t->n; i++)
    if (t->v[i].len == len && memcmp(t->v[i].name, p, len) == 0) return i;
  if (t->n == (int)(sizeof t->v / sizeof t->v[0])) return -1;
  memcpy(t->v[t->n].name, p, len);
  t->v[t->n].len = len;
  return t->n++;
}

/* Writes a row's name: its id and its bytes in the arena (JS decodes the bytes of ids it has not seen). */
static int put_name(sys_t *s, table_t *t, names_t *names, int c_id, size_t row, const char *p, size_t len, size_t *arena_used) {
  t->f[c_id * t->cap + row] = intern(names, p, len);
  if (*arena_used + len > s->arena_cap) {
    *arena_used += len;
    return 0;
  }
  memcpy(s->arena + *arena_used, p, len);
  t->f[(c_id + 1) * t->cap + row] = (double)*arena_used;
  t->f[(c_id + 2) * t->cap + row] = (double)len;
  *arena_used += len;
  return 1;
}

/* ---- /proc/net/dev ---- */

static int parse_netdev(sys_t *s, const char *buf, size_t n, size_t *arena_used) {
  const char *p = buf, *end = buf + n;
  size_t rows = 0, cap = s->net.cap;
  int ok = 1;
  while (p < end) {
    const char *e = eol(p, end);
    const char *colon = memchr(p, ':', (size_t)(e - p));
    if (colon && !memchr(p, '|', (size_t)(e - p))) {
      const char *name = p;
      while (name < colon && *name == ' ') name++;
      const char *ws[16], *we[16];
      int nw = split_words(colon + 1, e, ws, we, 16);
      uint64_t v[16];
      int good = name < colon && nw >= 16;
      for (int i = 0; good && i < 16; i++) good = parse_u64(ws[i], we[i], &v[i]);
      if (good) {
        if (rows >= cap) ok = 0;
        else {
          static const int PICK[8] = {0, 1, 2, 3, 8, 9, 10, 11};
          if (!put_name(s, &s->net, &s->net_names, N_NAME_ID, rows, name, (size_t)(colon - name), arena_used)) ok = 0;
          for (int i = 0; i < 8; i++) put_counter(s->net.f, s->net.u, (N_VALUES + i) * cap + rows, v[PICK[i]]);
        }
        rows++;
      }
    }
    p = e + 1;
  }
  SC(S_NET_ROWS) = (double)rows;
  return ok;
}

/* ---- /proc/diskstats ---- */

static int parse_diskstats(sys_t *s, const char *buf, size_t n, size_t *arena_used) {
  const char *p = buf, *end = buf + n;
  size_t rows = 0, cap = s->disk.cap;
  int ok = 1;
  while (p < end) {
    const char *e = eol(p, end);
    const char *ws[21], *we[21];
    int nw = split_words(p, e, ws, we, 21);
    int64_t major, minor;
    uint64_t v[17];
    int good = (nw == 14 || nw == 18 || nw == 20) && parse_i64(ws[0], we[0], &major) && parse_i64(ws[1], we[1], &minor);
    for (int i = 3; good && i < nw; i++) good = parse_u64(ws[i], we[i], &v[i - 3]);
    if (good) {
      if (rows >= cap) ok = 0;
      else {
        int nv = nw - 3;
        if (!put_name(s, &s->disk, &s->disk_names, D_NAME_ID, rows, ws[2], (size_t)(we[2] - ws[2]), arena_used)) ok = 0;
        s->disk.f[D_MAJOR * cap + rows] = (double)major;
        s->disk.f[D_MINOR * cap + rows] = (double)minor;
        /* reads .. weighted_io_ms (in_flight among them), then discards, discard_sectors, flushes. */
        for (int i = 0; i < 11; i++) put_counter(s->disk.f, s->disk.u, (D_VALUES + i) * cap + rows, v[i]);
        size_t at = D_VALUES + 11;
        if (nv >= 15) {
          put_counter(s->disk.f, s->disk.u, at * cap + rows, v[11]);
          put_counter(s->disk.f, s->disk.u, (at + 1) * cap + rows, v[13]);
        } else {
          put_null(s->disk.f, at * cap + rows);
          put_null(s->disk.f, (at + 1) * cap + rows);
        }
        if (nv >= 17) put_counter(s->disk.f, s->disk.u, (at + 2) * cap + rows, v[15]);
        else put_null(s->disk.f, (at + 2) * cap + rows);
      }
      rows++;
    }
    p = e + 1;
  }
  SC(S_DISK_ROWS) = (double)rows;
  return ok;
}

/* ---- /proc/net/snmp ---- */

#define SNMP_MAXW 64

/* The header and value rows of one protocol, as snmpRow in snmp.ts; 0 when absent. */
static int snmp_row(const char *buf, const char *end, const char *prefix, const char **hs, const char **he, int *nh,
                    const char **vs, const char **ve, int *nv) {
  size_t plen = strlen(prefix);
  const char *at = line_starting(buf, end, buf, prefix, plen);
  while (at) {
    const char *le = eol(at, end);
    if (le >= end) return 0;
    const char *next = line_starting(buf, end, le + 1, prefix, plen);
    if (!next) return 0;
    *nh = split_words(at, le, hs, he, SNMP_MAXW);
    uint64_t dummy;
    int64_t sdummy;
    if (next == le + 1 && *nh >= 2 && word_is(hs[0], he[0], prefix) && !parse_u64(hs[1], he[1], &dummy) &&
        !parse_i64(hs[1], he[1], &sdummy)) {
      *nv = split_words(next, eol(next, end), vs, ve, SNMP_MAXW);
      if (*nh > SNMP_MAXW) *nh = SNMP_MAXW;
      if (*nv > SNMP_MAXW) *nv = SNMP_MAXW;
      return 1;
    }
    at = next;
  }
  return 0;
}

static void snmp_field(sys_t *s, int slot, const char **hs, const char **he, int nh, const char **vs, const char **ve, int nv, const char *key, int plain) {
  /* The first header column of that name whose value column exists (Map.set keeps the last: look from the end). */
  for (int k = (nh < nv ? nh : nv) - 1; k >= 1; k--) {
    if (!word_is(hs[k], he[k], key)) continue;
    uint64_t v;
    if (!parse_u64(vs[k], ve[k], &v)) break;
    if (plain) SC(slot) = (double)v;
    else put_counter(s->scal.f, s->scal.u, slot, v);
    return;
  }
  put_null(s->scal.f, slot);
}

static int parse_snmp(sys_t *s, const char *buf, size_t n) {
  static const char *TCP[10] = {"ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts"};
  static const char *UDP[4] = {"InDatagrams", "OutDatagrams", "InErrors", "NoPorts"};
  const char *hs[SNMP_MAXW], *he[SNMP_MAXW], *vs[SNMP_MAXW], *ve[SNMP_MAXW];
  int nh = 0, nv = 0;
  const char *end = buf + n;
  int have = snmp_row(buf, end, "Tcp:", hs, he, &nh, vs, ve, &nv);
  for (int i = 0; i < 10; i++) {
    if (have) snmp_field(s, S_SNMP + i, hs, he, nh, vs, ve, nv, TCP[i], i == 4);
    else put_null(s->scal.f, S_SNMP + i);
  }
  have = snmp_row(buf, end, "Udp:", hs, he, &nh, vs, ve, &nv);
  for (int i = 0; i < 4; i++) {
    if (have) snmp_field(s, S_SNMP + 10 + i, hs, he, nh, vs, ve, nv, UDP[i], 0);
    else put_null(s->scal.f, S_SNMP + 10 + i);
  }
  return 1;
}

/* ---- the tier ---- */

uint32_t sys_read(sys_t *s) {
  uint32_t out = 0;
  size_t arena_used = 0;
  s->fresh = 0;
  for (int i = 0; i < NSYS_FILES; i++) {
    kept_t *k = &s->files[i];
    ssize_t n = kept_read(k, &s->rb);
    if (n < 0) {
      out |= 1u << (R_MISSING_SHIFT + i);
      continue;
    }
    const char *b = s->rb.buf;
    if (kept_same(k, b, (size_t)n)) {
      s->fresh |= 1u << i;
      continue;
    }
    int ok;
    switch (i) {
      case F_STAT: ok = parse_stat(s, b, (size_t)n); break;
      case F_MEMINFO: ok = parse_meminfo(s, b, (size_t)n); break;
      case F_LOADAVG: ok = parse_loadavg(s, b, (size_t)n); break;
      case F_PSI_CPU: ok = parse_pressure(s, 0, b, (size_t)n); break;
      case F_PSI_MEMORY: ok = parse_pressure(s, 1, b, (size_t)n); break;
      case F_PSI_IO: ok = parse_pressure(s, 2, b, (size_t)n); break;
      case F_NETDEV: ok = parse_netdev(s, b, (size_t)n, &arena_used); break;
      case F_SNMP: ok = parse_snmp(s, b, (size_t)n); break;
      case F_VMSTAT: ok = parse_vmstat(s, b, (size_t)n); break;
      case F_DISKSTATS: ok = parse_diskstats(s, b, (size_t)n, &arena_used); break;
      default: ok = parse_uptime(s, b, (size_t)n); break;
    }
    /* A table too small: not remembered, so the read after the caller grew it parses these bytes again. */
    if (!ok) {
      out |= R_OVERFLOW;
      continue;
    }
    if (kept_commit(k, b, (size_t)n)) s->fresh |= 1u << i;
    out |= 1u << i;
  }
  SC(S_ARENA_NEED) = (double)arena_used;
  return out;
}

const char *sys_text(const sys_t *s, int i, size_t *len) {
  if (i < 0 || i >= NSYS_FILES || !(s->fresh & (1u << i))) return NULL;
  *len = s->files[i].last_len;
  return s->files[i].last;
}
