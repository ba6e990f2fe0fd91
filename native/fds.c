/*
 * Where fds are born (socket, socketpair, accept, dup) and die (close, close_range, closefrom, fclose),
 * which keeps the fd cache true, and connect/getsockopt, which count connects and their latency.
 */
#include <string.h>
#include <unistd.h>

#include "shim.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

EXPORT int socket(int domain, int type, int proto)
{
  NEED(socket);
  int r = real_socket(domain, type, proto);
  if (r >= 0) fi_store(r, FI_MK(T_CLASS(class_of(domain, type, proto)), 0));
  return r;
}

EXPORT int socketpair(int domain, int type, int proto, int sv[2])
{
  NEED(socketpair);
  int r = real_socketpair(domain, type, proto, sv);
  if (r == 0) {
    uint16_t v = FI_MK(T_CLASS(class_of(domain, type, proto)), 0);
    fi_store(sv[0], v);
    fi_store(sv[1], v);
  }
  return r;
}

/* An accepted connection inherits the listener's class; its peer is keyed by address only (inbound),
 * so a server's clients do not fill the table with one slot per ephemeral port. */
static void accepted(int lfd, int fd, const struct sockaddr *peer, socklen_t plen)
{
  if ((unsigned)lfd >= FDMAX || (unsigned)fd >= FDMAX) return;
  uint16_t lfi = fd_info(lfd);
  unsigned t = FI_TYPE(lfi);
  if (t < 2) {
    fi_store(fd, T_UNKNOWN);
    return;
  }
  unsigned d = is_inet_class((int)t - 2) ? dest_code(peer, plen, VIGIL_DEST_INBOUND) : 0;
  fi_store(fd, FI_MK(t, d));
}

/* After accept/accept4: the peer comes from the caller's buffer, or from ours (own) when it passed none. */
static int accept_done(int lfd, int r, const struct sockaddr *addr, const socklen_t *alen, const struct sockaddr_storage *own, socklen_t ownlen)
{
  if (r < 0) return r;
  int e = errno;
  if (own) accepted(lfd, r, (const struct sockaddr *)own, ownlen);
  else accepted(lfd, r, addr, alen ? (*alen < (socklen_t)sizeof *own ? *alen : (socklen_t)sizeof *own) : 0);
  errno = e;
  return r;
}

/* The peer is asked for even when the caller does not want it: the kernel has it, no extra syscall. */
EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *alen, int flags)
{
  NEED(accept4);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int r = real_accept4(fd, addr ? addr : (struct sockaddr *)&ss, addr ? alen : &sl, flags);
  return accept_done(fd, r, addr, alen, addr ? NULL : &ss, sl);
}

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *alen)
{
  NEED(accept);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int r = real_accept(fd, addr ? addr : (struct sockaddr *)&ss, addr ? alen : &sl);
  return accept_done(fd, r, addr, alen, addr ? NULL : &ss, sl);
}

EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
  NEED(connect);
  uint64_t t0 = now_ns();
  int r = real_connect(fd, addr, len);
  int e = errno;
  if ((unsigned)fd >= FDMAX) return r;
  uint16_t fi = fd_info(fd);
  unsigned t = FI_TYPE(fi);
  if (t < 2) {
    errno = e;
    return r;
  }
  int cls = (int)t - 2;
  struct vigil_shm *s = shm();
  if (addr && len >= (socklen_t)sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) {
    fi_store(fd, FI_MK(t, 0)); /* UDP "disconnect" */
    errno = e;
    return r;
  }
  if (r != 0 && (e == EALREADY || e == EISCONN)) {
    /* Polling an attempt already counted; EISCONN means it is done. */
    if (e == EISCONN && (fi & FI_PENDING)) pend_finish(fd, 1);
    errno = e;
    return r;
  }
  unsigned d = is_inet_class(cls) ? dest_code(addr, len, 0) : 0;
  add(&s->c[VIGIL_C_CONNECT(cls)], 1);
  if (fi & FI_PENDING) { /* a new attempt replaces an abandoned one */
    uint64_t old;
    pend_take(fd, &old);
  }
  if (r == 0) {
    fi_store(fd, FI_MK(t, d));
    if (cls == VIGIL_TCP) record_latency(s, now_ns() - t0);
  } else if (e == EINPROGRESS || e == EINTR) {
    /* Completes later: at getsockopt(SO_ERROR), EISCONN, or the first byte moved. */
    fi_store(fd, (uint16_t)(FI_MK(t, d) | (pend_put(fd, t0) ? FI_PENDING : 0)));
  } else {
    fi_store(fd, FI_MK(t, d));
    add(&s->c[VIGIL_C_CONNECT_FAIL(cls)], 1);
  }
  errno = e;
  return r;
}

EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
  NEED(getsockopt);
  int r = real_getsockopt(fd, level, name, val, len);
  if (r == 0 && level == SOL_SOCKET && name == SO_ERROR && (unsigned)fd < FDMAX && (fi_load(fd) & FI_PENDING) && val &&
      len && *len >= (socklen_t)sizeof(int)) {
    int e = errno;
    int err;
    memcpy(&err, val, sizeof err);
    if (err != 0) {
      pend_finish(fd, 0);
    } else {
      /* SO_ERROR is also 0 while still connecting: only a known peer means it finished. */
      struct sockaddr_storage ss;
      socklen_t sl = sizeof ss;
      if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) pend_finish(fd, 1);
    }
    errno = e;
  }
  return r;
}

/* Invalidated after the real close: a socket() racing in another thread then at worst reclassifies. */
EXPORT int close(int fd)
{
  NEED(close);
  int r = real_close(fd);
  int e = errno;
  forget_fd(fd);
  errno = e;
  return r;
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
  NEED(close_range);
  int r = real_close_range(first, last, flags);
  if (r == 0 && !(flags & CLOSE_RANGE_CLOEXEC)) fi_clear_range(first, last);
  return r;
}

EXPORT void closefrom(int lowfd)
{
  if (UNLIKELY(!real_closefrom)) {
    if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) resolve_all();
    if (!real_closefrom) return;
  }
  real_closefrom(lowfd);
  int e = errno;
  if (lowfd >= 0) fi_clear_range((unsigned)lowfd, ~0u);
  errno = e;
}

/* fclose closes its fd inside libc, where no wrapper sees it. */
EXPORT int fclose(FILE *f)
{
  if (UNLIKELY(!real_fclose)) {
    if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) resolve_all();
    if (!real_fclose) { errno = ENOSYS; return EOF; }
  }
  int fd = f ? fileno(f) : -1;
  int r = real_fclose(f);
  int e = errno;
  if (fd >= 0) forget_fd(fd);
  errno = e;
  return r;
}

/* dup2/dup3 closed whatever `to` was (and a connect in flight on it), then made it a copy of `from`. */
static void copy_fd(int from, int to)
{
  if ((unsigned)to >= FDMAX || to == from) return;
  uint16_t v = (unsigned)from < FDMAX ? (uint16_t)(fi_load(from) & ~FI_PENDING) : T_UNKNOWN;
  int e = errno;
  forget_fd(to);
  errno = e;
  fi_store(to, v);
}

EXPORT int dup(int fd)
{
  NEED(dup);
  int r = real_dup(fd);
  if (r >= 0) copy_fd(fd, r);
  return r;
}

EXPORT int dup2(int fd, int fd2)
{
  NEED(dup2);
  int r = real_dup2(fd, fd2);
  if (r >= 0) copy_fd(fd, r);
  return r;
}

EXPORT int dup3(int fd, int fd2, int flags)
{
  NEED(dup3);
  int r = real_dup3(fd, fd2, flags);
  if (r >= 0) copy_fd(fd, r);
  return r;
}

