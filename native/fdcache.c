/*
 * The fd cache: what each fd is (not a socket, or a socket of which class, and its peer), so that read()
 * and write() on files cost one load and one compare, and socket calls need no syscall to classify.
 * Entries are set where fds are born (fds.c), cleared where they die, and filled lazily (classify) for
 * fds the shim did not see created. Also here: connects in flight, for their latency.
 */
#include <netinet/in.h>
#include <sys/stat.h>

#include "shim.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

uint16_t fdinfo[FDMAX];
static int fd_hi = -1; /* highest fd ever given a non-zero entry: bounds close_range's clearing */

void fi_store(int fd, uint16_t v)
{
  if ((unsigned)fd >= FDMAX) return;
  __atomic_store_n(&fdinfo[fd], v, __ATOMIC_RELAXED);
  if (v) {
    int hi = __atomic_load_n(&fd_hi, __ATOMIC_RELAXED);
    while (fd > hi && !__atomic_compare_exchange_n(&fd_hi, &hi, fd, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
  }
}

int class_of(int domain, int type, int proto)
{
  type &= 0xf; /* SOCK_NONBLOCK / SOCK_CLOEXEC ride in socket()'s type */
  if (domain == AF_UNIX) return VIGIL_UNIX;
  if (domain != AF_INET && domain != AF_INET6) return VIGIL_OTHER;
  if (type == SOCK_STREAM && (proto == 0 || proto == IPPROTO_TCP || proto == IPPROTO_MPTCP)) return VIGIL_TCP;
  if (type == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE)) return VIGIL_UDP;
  return VIGIL_OTHER_INET; /* raw, ICMP ping sockets, SCTP */
}

void forget_fd(int fd)
{
  if ((unsigned)fd >= FDMAX) return;
  if (fi_load(fd) & FI_PENDING) {
    uint64_t t;
    pend_take(fd, &t); /* abandoned: neither a success nor a failure */
  }
  __atomic_store_n(&fdinfo[fd], 0, __ATOMIC_RELAXED);
}

void fi_clear_range(unsigned first, unsigned last)
{
  int hi = __atomic_load_n(&fd_hi, __ATOMIC_RELAXED);
  if (hi < 0 || first > (unsigned)hi) return;
  if (last > (unsigned)hi) last = (unsigned)hi;
  for (unsigned fd = first; fd <= last; fd++) forget_fd((int)fd);
}

/* ------------------------------------------------------------------------------------------------ */
/* Classifying fds the shim did not see created (inherited, received, made inside libc)             */
/* ------------------------------------------------------------------------------------------------ */

uint16_t classify(int fd)
{
  int e = errno;
  uint16_t v = T_UNKNOWN;
  struct stat st;
  if (fstat(fd, &st) != 0) goto out; /* EBADF: leave unknown */
  if (!S_ISSOCK(st.st_mode)) {
    v = T_NOTSOCK;
    goto out;
  }
  int type = 0, dom = -1, proto = 0;
  socklen_t l = sizeof type;
  if (real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0) goto out;
  l = sizeof dom;
  if (real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) != 0) dom = -1;
  l = sizeof proto;
  if (real_getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) != 0) proto = 0;
  int cls = class_of(dom, type, proto);
  unsigned dest = 0;
  if (is_inet_class(cls)) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) dest = dest_code((struct sockaddr *)&ss, sl, 0);
  }
  v = FI_MK(T_CLASS(cls), dest);
out:
  if (v != T_UNKNOWN) fi_store(fd, v);
  errno = e;
  return v;
}

/* ------------------------------------------------------------------------------------------------ */
/* Connects in flight and their latency                                                             */
/* ------------------------------------------------------------------------------------------------ */

/* Non-blocking connects in flight: fd + 1 (0 free, -1 being claimed) and the time connect() was called. */
#define NPEND 64
static struct {
  int key;
  uint64_t t;
} pend[NPEND];

int pend_put(int fd, uint64_t t)
{
  for (int i = 0; i < NPEND; i++) {
    int z = 0;
    if (__atomic_compare_exchange_n(&pend[i].key, &z, -1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
      __atomic_store_n(&pend[i].t, t, __ATOMIC_RELAXED);
      __atomic_store_n(&pend[i].key, fd + 1, __ATOMIC_RELEASE);
      return 1;
    }
  }
  return 0;
}

int pend_take(int fd, uint64_t *t)
{
  for (int i = 0; i < NPEND; i++) {
    int k = fd + 1;
    if (__atomic_load_n(&pend[i].key, __ATOMIC_ACQUIRE) != k) continue;
    uint64_t v = __atomic_load_n(&pend[i].t, __ATOMIC_RELAXED);
    if (__atomic_compare_exchange_n(&pend[i].key, &k, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
      *t = v;
      return 1;
    }
  }
  return 0;
}

void record_latency(struct vigil_shm *s, uint64_t ns)
{
  uint64_t us = ns / 1000;
  int b = us ? 63 - __builtin_clzll(us) : 0;
  if (b >= VIGIL_NHIST) b = VIGIL_NHIST - 1;
  add(&s->c[VIGIL_C_LAT_COUNT], 1);
  add(&s->c[VIGIL_C_LAT_SUM_NS], ns);
  add(&s->c[VIGIL_C_LAT_HIST + b], 1);
}

void pend_finish(int fd, int ok)
{
  uint64_t t0;
  uint16_t fi = fi_load(fd);
  __atomic_store_n(&fdinfo[fd], (uint16_t)(fi & ~FI_PENDING), __ATOMIC_RELAXED);
  if (!pend_take(fd, &t0)) return;
  struct vigil_shm *s = shm();
  int cls = (int)FI_TYPE(fi) - 2;
  if (ok) {
    if (cls == VIGIL_TCP) record_latency(s, now_ns() - t0);
  } else if (cls >= 0) {
    add(&s->c[VIGIL_C_CONNECT_FAIL(cls)], 1);
  }
}

