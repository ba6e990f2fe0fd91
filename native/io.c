/*
 * The wrappers that move bytes: send, sendto, sendmsg, sendmmsg, write, writev, sendfile and recv,
 * recvfrom, recvmsg, recvmmsg, read, readv (and the _FORTIFY_SOURCE variants). Each counts a successful
 * call (> 0 bytes) by class and call, and by peer, with relaxed atomic adds.
 */
#include <string.h>
#include <sys/sendfile.h>

#include "shim.h"

/*
 * One successful call that moved n > 0 bytes on fd. dest: a per-call peer (sendto/recvfrom address) or
 * 0 to use the fd's own peer. Returns without counting when fd is not a socket.
 */
static void count_io(int fd, int fn, uint64_t n, unsigned dest)
{
  struct vigil_shm *s = shm();
  if (UNLIKELY((unsigned)fd >= FDMAX)) {
    add(&s->c[VIGIL_C_UNTRACKED], 1);
    return;
  }
  uint16_t fi = fd_info(fd);
  unsigned t = FI_TYPE(fi);
  if (t < 2) return;
  int cls = (int)t - 2;
  add(&s->c[VIGIL_IO_CALLS(cls, fn)], 1);
  add(&s->c[VIGIL_IO_BYTES(cls, fn)], n);
  dest_add(s, dest ? dest : FI_DEST(fi), fn < VIGIL_NTX, n, 1);
  if (UNLIKELY(fi & FI_PENDING)) {
    int e = errno;
    pend_finish(fd, 1); /* bytes moved: the connection is up */
    errno = e;
  }
}

/* read()/write() on anything: the common case (files, pipes, ttys) costs one load and one compare. */
static inline void count_fd(int fd, int fn, ssize_t r)
{
  if (r <= 0) return;
  if ((unsigned)fd < FDMAX && fi_load(fd) == T_NOTSOCK) return;
  count_io(fd, fn, (uint64_t)r, 0);
}

static inline unsigned addr_code(const struct sockaddr *sa, socklen_t len)
{
  return sa ? dest_code(sa, len, 0) : 0;
}

/* File descriptors passed with SCM_RIGHTS are new to this process: unknown until first used. */
static void forget_passed_fds(const struct msghdr *m)
{
  if (!m->msg_control || m->msg_controllen < sizeof(struct cmsghdr)) return;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR((struct msghdr *)m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0)) continue;
    size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char *data = CMSG_DATA(c);
    for (size_t i = 0; i < nfd; i++) {
      int fd;
      memcpy(&fd, data + i * sizeof(int), sizeof fd);
      fi_store(fd, T_UNKNOWN);
    }
  }
}

/*
 * sendmmsg/recvmmsg: one call moving the messages' total; per peer, each message counts as a call, since
 * each may have its own address.
 */
static void count_mmsg(int fd, int fn, const struct mmsghdr *vec, int r)
{
  uint64_t total = 0;
  for (int i = 0; i < r; i++) total += vec[i].msg_len;
  if (total == 0) return;
  struct vigil_shm *s = shm();
  if ((unsigned)fd >= FDMAX) {
    add(&s->c[VIGIL_C_UNTRACKED], 1);
    return;
  }
  uint16_t fi = fd_info(fd);
  if (FI_TYPE(fi) < 2) return;
  int cls = (int)FI_TYPE(fi) - 2;
  add(&s->c[VIGIL_IO_CALLS(cls, fn)], 1);
  add(&s->c[VIGIL_IO_BYTES(cls, fn)], total);
  for (int i = 0; i < r; i++) {
    const struct msghdr *h = &vec[i].msg_hdr;
    unsigned d = h->msg_name && h->msg_namelen > 0 ? dest_code(h->msg_name, h->msg_namelen, 0) : 0;
    dest_add(s, d ? d : FI_DEST(fi), fn < VIGIL_NTX, vec[i].msg_len, 1);
  }
  if (UNLIKELY(fi & FI_PENDING)) {
    int e = errno;
    pend_finish(fd, 1);
    errno = e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Wrappers                                                                                         */
/* ------------------------------------------------------------------------------------------------ */

EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
  NEED(send);
  ssize_t r = real_send(fd, buf, len, flags);
  if (r > 0) count_io(fd, VIGIL_F_SEND, (uint64_t)r, 0);
  return r;
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
  NEED(sendto);
  ssize_t r = real_sendto(fd, buf, len, flags, to, tolen);
  if (r > 0) count_io(fd, VIGIL_F_SENDTO, (uint64_t)r, addr_code(to, tolen));
  return r;
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
  NEED(sendmsg);
  ssize_t r = real_sendmsg(fd, msg, flags);
  if (r > 0) count_io(fd, VIGIL_F_SENDMSG, (uint64_t)r, addr_code(msg->msg_name, msg->msg_namelen));
  return r;
}

EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
  NEED(sendmmsg);
  int r = real_sendmmsg(fd, vec, vlen, flags);
  if (r > 0) count_mmsg(fd, VIGIL_F_SENDMMSG, vec, r);
  return r;
}

EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
  NEED(write);
  ssize_t r = real_write(fd, buf, n);
  count_fd(fd, VIGIL_F_WRITE, r);
  return r;
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
  NEED(writev);
  ssize_t r = real_writev(fd, iov, cnt);
  count_fd(fd, VIGIL_F_WRITEV, r);
  return r;
}

EXPORT ssize_t sendfile(int out, int in, off_t *off, size_t n)
{
  NEED(sendfile);
  ssize_t r = real_sendfile(out, in, off, n);
  count_fd(out, VIGIL_F_SENDFILE, r);
  return r;
}

EXPORT ssize_t sendfile64(int out, int in, off64_t *off, size_t n)
{
  NEED(sendfile64);
  ssize_t r = real_sendfile64(out, in, off, n);
  count_fd(out, VIGIL_F_SENDFILE, r);
  return r;
}

/* MSG_PEEK leaves the data queued: the read that consumes it is the one counted. */
EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
  NEED(recv);
  ssize_t r = real_recv(fd, buf, len, flags);
  if (r > 0 && !(flags & MSG_PEEK)) count_io(fd, VIGIL_F_RECV, (uint64_t)r, 0);
  return r;
}

EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
  NEED(__recv_chk);
  ssize_t r = real___recv_chk(fd, buf, len, buflen, flags);
  if (r > 0 && !(flags & MSG_PEEK)) count_io(fd, VIGIL_F_RECV, (uint64_t)r, 0);
  return r;
}

/* A stream socket leaves the address untouched (length 0): the fd's own peer is used then. */
static inline unsigned from_code(const struct sockaddr *from, const socklen_t *fromlen)
{
  return from && fromlen && *fromlen > 0 ? dest_code(from, *fromlen, 0) : 0;
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
  NEED(recvfrom);
  ssize_t r = real_recvfrom(fd, buf, len, flags, from, fromlen);
  if (r > 0 && !(flags & MSG_PEEK)) count_io(fd, VIGIL_F_RECVFROM, (uint64_t)r, from_code(from, fromlen));
  return r;
}

EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags, struct sockaddr *from,
                              socklen_t *fromlen)
{
  NEED(__recvfrom_chk);
  ssize_t r = real___recvfrom_chk(fd, buf, len, buflen, flags, from, fromlen);
  if (r > 0 && !(flags & MSG_PEEK)) count_io(fd, VIGIL_F_RECVFROM, (uint64_t)r, from_code(from, fromlen));
  return r;
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
  NEED(recvmsg);
  ssize_t r = real_recvmsg(fd, msg, flags);
  if (r >= 0 && msg->msg_controllen) forget_passed_fds(msg);
  if (r > 0 && !(flags & MSG_PEEK)) {
    unsigned d = msg->msg_name && msg->msg_namelen > 0 ? dest_code(msg->msg_name, msg->msg_namelen, 0) : 0;
    count_io(fd, VIGIL_F_RECVMSG, (uint64_t)r, d);
  }
  return r;
}

EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout)
{
  NEED(recvmmsg);
  int r = real_recvmmsg(fd, vec, vlen, flags, timeout);
  if (r > 0) {
    for (int i = 0; i < r; i++)
      if (vec[i].msg_hdr.msg_controllen) forget_passed_fds(&vec[i].msg_hdr);
    if (!(flags & MSG_PEEK)) count_mmsg(fd, VIGIL_F_RECVMMSG, vec, r);
  }
  return r;
}

EXPORT ssize_t read(int fd, void *buf, size_t n)
{
  NEED(read);
  ssize_t r = real_read(fd, buf, n);
  count_fd(fd, VIGIL_F_READ, r);
  return r;
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
  NEED(__read_chk);
  ssize_t r = real___read_chk(fd, buf, n, buflen);
  count_fd(fd, VIGIL_F_READ, r);
  return r;
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
  NEED(readv);
  ssize_t r = real_readv(fd, iov, cnt);
  count_fd(fd, VIGIL_F_READV, r);
  return r;
}

