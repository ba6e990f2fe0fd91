/*
 * The I/O of the connections tier's fd scan (InodeMap in src/sampler/conns/inode-map.ts), which keeps its
 * policy (what to check when) in TypeScript. In JavaScript each readlink of /proc/PID/fd/N is a string and
 * a libuv call, and a process that holds a thousand fds (another monitor's kept /proc files, vigil's own)
 * is read whole whenever its fd count moves: on a busy machine that was a quarter of `vigil record`.
 *   fdStat(dir, out: Float64Array(2))  0: out = [st_ino, st_size]; 1: gone; 2: another error
 *   fdSocks(dir, out: Float64Array)    the socket inodes among dir's links, as InodeMap.reread reads them:
 *                                      n >= 0: out[0] = readlink calls that succeeded, out[1..n] the inodes
 *                                      (unsorted, with duplicates); -1 denied (the listing or a link);
 *                                      -2 gone; -3 another error;
 *                                      -(4 + need): out holds fewer than need numbers (call again).
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

napi_value js_fd_socks(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char dir[4096];
  double *out;
  size_t cap;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !get_path(env, argv[0], dir, sizeof dir) ||
      !get_f64(env, argv[1], &out, &cap) || cap < 1) {
    napi_throw_type_error(env, NULL, "fdSocks(dir: string, out: Float64Array)");
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
  size_t n = 0, need = 0;
  double links = 0;
  char buf[64];
  struct dirent *de;
  int e = 0;
  for (;;) {
    errno = 0;
    if ((de = readdir(d)) == NULL) {
      e = errno;
      break;
    }
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    double ino;
    if (own) {
      struct stat sb;
      char *end;
      long fd = strtol(de->d_name, &end, 10);
      /* Closed between the listing and here: skipped, as a failed readlink. */
      if (*end != '\0' || fstat((int)fd, &sb) != 0) continue;
      links++;
      ino = S_ISSOCK(sb.st_mode) && sb.st_ino <= 0xffffffffULL ? (double)sb.st_ino : 0;
    } else {
      /* Closed between the listing and here: skipped, as in TypeScript. A refused link (a process we may
       * list but not inspect: not dumpable, another user namespace's init) refuses them all: the table is
       * denied, at the cost of one call instead of one per fd. */
      ssize_t m = readlinkat(dfd, de->d_name, buf, sizeof buf);
      if (m < 0) {
        if (denied_errno(errno)) {
          e = errno;
          break;
        }
        continue;
      }
      links++;
      /* A target longer than the buffer is no socket link (readlink truncates silently). */
      ino = m < (ssize_t)sizeof buf ? socket_inode(buf, m) : 0;
    }
    if (ino == 0) continue;
    need++;
    if (1 + n < cap) out[1 + n++] = ino;
  }
  closedir(d);
  /* A listing that failed part-way (the process exited under it) is "gone", as fs.readdirSync throws. */
  if (e != 0) return ret(env, gone_errno(e) ? -2 : denied_errno(e) ? -1 : -3);
  if (need > n) return ret(env, -(4.0 + (double)need));
  out[0] = links;
  return ret(env, (double)n);
}
