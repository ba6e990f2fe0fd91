/*
 * The I/O of the connections tier's fd scan (InodeMap in src/sampler/conns/inode-map.ts), which keeps its
 * policy (what to check when) in TypeScript. In JavaScript each readlink of /proc/PID/fd/N is a string and
 * a libuv call, and a process that holds a thousand fds (another monitor's kept /proc files, vigil's own)
 * was read whole whenever its fd count moved: on a busy machine that was a quarter of `vigil record`. A
 * readlink is about 3 µs of kernel time, the listing about 0.6 µs an entry: a large table whose count
 * moved now has only its new fd numbers' links read (InodeMap decides when a table is read whole).
 *   fdStat(dir, out: Float64Array(2))  0: out = [st_ino, st_size]; 1: gone; 2: another error
 *   fdTable(dir, prev: Float64Array, nPrev, out: Float64Array)
 *                                      the whole table as (fd, socket inode or 0) pairs, fds ascending:
 *                                      an fd number also in prev's nPrev pairs (the last read, ascending)
 *                                      keeps its inode without a readlink. n >= 0: out[0] = readlink calls
 *                                      that succeeded, out[1 + 2i], out[2 + 2i] the pairs;
 *                                      -1 denied (the listing or a link); -2 gone; -3 another error;
 *                                      -(4 + need): out holds fewer than need pairs (call again).
 *   fdProbe(dir, fds: Float64Array, n, out: Float64Array)
 *                                      the links of the n fd numbers given, without listing the directory
 *                                      (the numbers a new socket most likely took): out[i] = the socket
 *                                      inode, 0 for another file, -1 for no such fd. Returns the readlink
 *                                      calls that succeeded; -1 denied (a link refused); -2 gone; -3 another error.
 * vigil's own table is the largest it reads (four kept fds per process) and the one whose count moves
 * most (processes come and go): its fds are fstat'ed instead, a socket's st_ino being the N of its
 * "socket:[N]" link, without the kernel writing a path per fd.
 */
#define _GNU_SOURCE
#include "fdsocks.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kept.h"

static int get_path(napi_env env, napi_value v, char *out, size_t cap) {
  size_t len;
  return napi_get_value_string_utf8(env, v, out, cap, &len) == napi_ok && len < cap - 1;
}

static int get_f64(napi_env env, napi_value v, double **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  return napi_get_typedarray_info(env, v, &t, len, (void **)data, &ab, &off) == napi_ok && t == napi_float64_array;
}

static napi_value ret(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

/* "socket:[N]" with N a decimal of at most 32 bits, as socketInode() in src/sampler/conns/proc-net.ts; else 0. */
static double socket_inode(const char *s, ssize_t n) {
  if (n < 10 || memcmp(s, "socket:[", 8) != 0 || s[n - 1] != ']') return 0;
  uint64_t v = 0;
  for (ssize_t i = 8; i < n - 1; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (d > 9) return 0;
    v = v * 10 + d;
    if (v > 0xffffffffULL) return 0;
  }
  return (double)v;
}

napi_value js_fd_stat(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char dir[4096];
  double *out;
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !get_path(env, argv[0], dir, sizeof dir) ||
      !get_f64(env, argv[1], &out, &len) || len < 2) {
    napi_throw_type_error(env, NULL, "fdStat(dir: string, out: Float64Array(2))");
    return NULL;
  }
  struct stat sb;
  if (stat(dir, &sb) != 0) return ret(env, gone_errno(errno) ? 1 : 2);
  out[0] = (double)sb.st_ino;
  out[1] = (double)sb.st_size;
  return ret(env, 0);
}

/* The inode prev holds for fd (pairs, fds ascending), or -1 when fd is not in it. */
static double prev_ino(const double *prev, size_t n, double fd) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    double f = prev[2 * mid];
    if (f == fd) return prev[2 * mid + 1];
    if (f < fd) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

static int cmp_pair(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

napi_value js_fd_table(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char dir[4096];
  double *prev, *out;
  size_t prevLen, cap;
  uint32_t nPrev;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !get_path(env, argv[0], dir, sizeof dir) ||
      !get_f64(env, argv[1], &prev, &prevLen) || napi_get_value_uint32(env, argv[2], &nPrev) != napi_ok || 2 * (size_t)nPrev > prevLen ||
      !get_f64(env, argv[3], &out, &cap) || cap < 1) {
    napi_throw_type_error(env, NULL, "fdTable(dir: string, prev: Float64Array, nPrev: number, out: Float64Array)");
    return NULL;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    int e = errno;
    return ret(env, gone_errno(e) ? -2 : denied_errno(e) ? -1 : -3);
  }
  DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return ret(env, -3);
  }
  char self[64];
  snprintf(self, sizeof self, "/proc/%d/fd", (int)getpid());
  int own = strcmp(dir, self) == 0;
  /* Its own fds are fstat'ed, a call cheaper than the lookup it would save: always read whole, exact. */
  if (own) nPrev = 0;
  size_t n = 0, need = 0;
  double links = 0, last = -1;
  int sorted = 1;
  char buf[64];
  struct dirent *de;
  int e = 0;
  for (;;) {
    errno = 0;
    if ((de = readdir(d)) == NULL) {
      e = errno;
      break;
    }
    char *end;
    long fdn = strtol(de->d_name, &end, 10);
    if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end != '\0') continue; /* ".", ".." */
    double fd = (double)fdn, ino = prev_ino(prev, nPrev, fd);
    if (ino < 0) {
      if (own) {
        struct stat sb;
        if (fstat((int)fdn, &sb) != 0) continue; /* closed since the listing */
        links++;
        ino = S_ISSOCK(sb.st_mode) && sb.st_ino <= 0xffffffffULL ? (double)sb.st_ino : 0;
      } else {
        ssize_t m = readlinkat(dfd, de->d_name, buf, sizeof buf);
        if (m < 0) {
          /* Closed between the listing and here: skipped, as in TypeScript. A refused link (a process we
           * may list but not inspect: not dumpable, another user namespace's init) refuses them all: the
           * table is denied, at the cost of one call instead of one per fd. */
          if (denied_errno(errno)) {
            e = errno;
            break;
          }
          continue;
        }
        links++;
        ino = m < (ssize_t)sizeof buf ? socket_inode(buf, m) : 0;
      }
    }
    if (fd < last) sorted = 0;
    last = fd;
    need++;
    if (2 + 2 * n < cap) {
      out[1 + 2 * n] = fd;
      out[2 + 2 * n] = ino;
      n++;
    }
  }
  closedir(d);
  if (e != 0) return ret(env, gone_errno(e) ? -2 : denied_errno(e) ? -1 : -3);
  if (need > n) return ret(env, -(4.0 + (double)need));
  /* /proc lists fds ascending; sorted here all the same, since the next call's lookup relies on it. */
  if (!sorted) qsort(out + 1, n, 2 * sizeof(double), cmp_pair);
  out[0] = links;
  return ret(env, (double)n);
}

napi_value js_fd_probe(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char dir[4096];
  double *fds, *out;
  size_t fdsLen, cap;
  uint32_t n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !get_path(env, argv[0], dir, sizeof dir) ||
      !get_f64(env, argv[1], &fds, &fdsLen) || napi_get_value_uint32(env, argv[2], &n) != napi_ok || (size_t)n > fdsLen ||
      !get_f64(env, argv[3], &out, &cap) || cap < (size_t)n) {
    napi_throw_type_error(env, NULL, "fdProbe(dir: string, fds: Float64Array, n: number, out: Float64Array)");
    return NULL;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    int e = errno;
    return ret(env, gone_errno(e) ? -2 : denied_errno(e) ? -1 : -3);
  }
  double links = 0;
  char name[32], buf[64];
  for (uint32_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%.0f", fds[i]);
    ssize_t m = readlinkat(dfd, name, buf, sizeof buf);
    if (m < 0) {
      int e = errno;
      if (denied_errno(e)) {
        close(dfd);
        return ret(env, -1);
      }
      out[i] = -1; /* not open (or gone: the next stat says) */
      continue;
    }
    links++;
    out[i] = m < (ssize_t)sizeof buf ? socket_inode(buf, m) : 0;
  }
  close(dfd);
  return ret(env, links);
}
