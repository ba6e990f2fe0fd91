/* Number scanning over raw /proc bytes: no strings, no locale, exact 64-bit. */
#ifndef VIGIL_SAMPLER_TEXT_H
#define VIGIL_SAMPLER_TEXT_H
#include <stddef.h>
#include <stdint.h>

#define MAX_SAFE 9007199254740991ULL

static inline int is_sep(char c) { return c == ' ' || c == '\n' || c == '\t'; }
static inline int is_blank(char c) { return c == ' ' || c == '\t'; }

/* A run of digits [s, e) as an unsigned 64-bit value; 0 on overflow, an empty run or a non-digit. */
int parse_u64(const char *s, const char *e, uint64_t *out);
/* Like parse_u64, with an optional leading '-' (the few signed stat fields). */
int parse_i64(const char *s, const char *e, int64_t *out);
/* A plain decimal (digits, optionally '.' and digits), as the kernel prints averages; 0 otherwise. */
int parse_decimal(const char *s, const char *e, double *out);

/* The next field (run of non-separators) at or after *p, before end; 0 when none is left. */
int next_field(const char **p, const char *end, const char **fs, const char **fe);

/* Start of the first line at or after `from` that begins with key, or NULL (as valueAfterKey). */
const char *line_starting(const char *text, const char *end, const char *from, const char *key, size_t klen);
/* The first word after key on the first line that begins with key; 0 when absent. */
int value_after_key(const char *text, const char *end, const char *key, const char **vs, const char **ve);

/* Writers into a table twin: a counter (exact), an absent value, a plain number. */
static inline void put_counter(double *f, uint64_t *u, size_t i, uint64_t v) {
  if (v <= MAX_SAFE) f[i] = (double)v;
  else { f[i] = -2.0; u[i] = v; }
}
static inline void put_null(double *f, size_t i) { f[i] = -1.0; }
/* A counter field of [s, e): written exactly, or absent (returns 0) when it is not an unsigned integer. */
static inline int put_field(double *f, uint64_t *u, size_t i, const char *s, const char *e) {
  uint64_t v;
  if (!parse_u64(s, e, &v)) { put_null(f, i); return 0; }
  put_counter(f, u, i, v);
  return 1;
}

#endif
