#include "text.h"
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *s, const char *e, uint64_t *out) {
  if (s >= e) return 0;
  uint64_t v = 0;
  for (; s < e; s++) {
    unsigned d = (unsigned char)*s - '0';
    if (d > 9) return 0;
    if (v > (UINT64_MAX - d) / 10) return 0; /* above 2^64 - 1: no such kernel counter */
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

int parse_i64(const char *s, const char *e, int64_t *out) {
  int neg = s < e && *s == '-';
  uint64_t v;
  if (!parse_u64(s + neg, e, &v) || v > (uint64_t)INT64_MAX) return 0;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return 1;
}

int parse_decimal(const char *s, const char *e, double *out) {
  if (s >= e || e - s > 63) return 0;
  const char *p = s;
  int digits = 0;
  while (p < e && *p >= '0' && *p <= '9') p++, digits++;
  if (p < e && *p == '.') {
    p++;
    while (p < e && *p >= '0' && *p <= '9') p++, digits++;
  }
  if (p != e || digits == 0) return 0;
  char tmp[64];
  memcpy(tmp, s, (size_t)(e - s));
  tmp[e - s] = 0;
  *out = strtod(tmp, NULL); /* correctly rounded, as Number() is */
  return 1;
}

int next_field(const char **p, const char *end, const char **fs, const char **fe) {
  const char *q = *p;
  while (q < end && is_sep(*q)) q++;
  if (q >= end) {
    *p = q;
    return 0;
  }
  *fs = q;
  while (q < end && !is_sep(*q)) q++;
  *fe = q;
  *p = q;
  return 1;
}

const char *line_starting(const char *text, const char *end, const char *from, const char *key, size_t klen) {
  if ((size_t)(end - from) >= klen && memcmp(from, key, klen) == 0) return from;
  for (const char *p = from; p < end; p++) {
    p = memchr(p, '\n', (size_t)(end - p));
    if (!p) return NULL;
    if ((size_t)(end - p - 1) >= klen && memcmp(p + 1, key, klen) == 0) return p + 1;
  }
  (void)text;
  return NULL;
}

int value_after_key(const char *text, const char *end, const char *key, const char **vs, const char **ve) {
  size_t klen = strlen(key);
  const char *at = line_starting(text, end, text, key, klen);
  if (!at) return 0;
  const char *i = at + klen;
  while (i < end && is_blank(*i)) i++;
  const char *s = i;
  while (i < end && *i != ' ' && *i != '\n' && *i != '\t') i++;
  if (i == s) return 0;
  *vs = s;
  *ve = i;
  return 1;
}
