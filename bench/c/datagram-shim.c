/*
 * For comparison only (bench/shim.ts): the design vigil does not use. Every send/recv reports itself to a
 * collector with one UDP datagram, as a "socket-based" shim would (one extra syscall per call).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static int report_fd = -1;
static struct sockaddr_in collector;

__attribute__((constructor)) static void init(void) {
  real_send = dlsym(RTLD_NEXT, "send");
  real_recv = dlsym(RTLD_NEXT, "recv");
  real_sendto = dlsym(RTLD_NEXT, "sendto");
  report_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  /* The cheapest possible collector: a bound socket that never reads (its queue fills, the rest drop). */
  int sink = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  collector.sin_family = AF_INET;
  collector.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(sink, (struct sockaddr *)&collector, sizeof collector);
  socklen_t l = sizeof collector;
  getsockname(sink, (struct sockaddr *)&collector, &l);
}

static void report(int fd, int fn, ssize_t r) {
  struct { int32_t pid, fd, fn; int64_t bytes; } rec = {0, fd, fn, r};
  real_sendto(report_fd, &rec, sizeof rec, MSG_DONTWAIT, (struct sockaddr *)&collector, sizeof collector);
}

ssize_t send(int fd, const void *b, size_t n, int f) { ssize_t r = real_send(fd, b, n, f); if (r > 0) report(fd, 0, r); return r; }
ssize_t recv(int fd, void *b, size_t n, int f) { ssize_t r = real_recv(fd, b, n, f); if (r > 0) report(fd, 1, r); return r; }
ssize_t sendto(int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t l) {
  ssize_t r = real_sendto(fd, b, n, f, a, l); if (r > 0) report(fd, 2, r); return r;
}
