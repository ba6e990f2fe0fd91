/*
 * bench/shim.ts's workloads. Prints "loop_ns N cpu_ns M": the timed loop's wall time (CLOCK_MONOTONIC)
 * and the CPU time (user + system) the loop cost in this process and its child.
 *   tcp N   1-byte ping-pong over loopback TCP, N round trips (fork: the child echoes)
 *   udp N   N sendto() calls of 64-byte datagrams to a bound loopback socket nobody reads
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long cpu(int who) {
  struct rusage r;
  getrusage(who, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000000000LL + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1000LL;
}

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int port_of(int fd) {
  struct sockaddr_in a; socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin_port);
}

static int tcp(long n) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = lo(0);
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1)) return 1;
  a = lo(port_of(l));
  pid_t c = fork();
  if (c == 0) {
    int s = accept(l, NULL, NULL), one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char b;
    while (recv(s, &b, 1, 0) == 1) if (send(s, &b, 1, 0) != 1) _exit(1);
    _exit(0);
  }
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  if (connect(s, (struct sockaddr *)&a, sizeof a)) return 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char b = 'x';
  long long c0 = cpu(RUSAGE_SELF), t0 = now();
  for (long i = 0; i < n; i++)
    if (send(s, &b, 1, 0) != 1 || recv(s, &b, 1, 0) != 1) return 1;
  long long t1 = now(), c1 = cpu(RUSAGE_SELF);
  close(s);
  waitpid(c, NULL, 0);
  /* The echoing child's whole life is the loop (plus an accept). */
  printf("loop_ns %lld cpu_ns %lld\n", t1 - t0, c1 - c0 + cpu(RUSAGE_CHILDREN));
  return 0;
}

static int udp(long n) {
  int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = lo(0);
  if (bind(r, (struct sockaddr *)&a, sizeof a)) return 1;
  a = lo(port_of(r));
  char b[64];
  memset(b, 'x', sizeof b);
  long long c0 = cpu(RUSAGE_SELF), t0 = now();
  for (long i = 0; i < n; i++)
    if (sendto(s, b, sizeof b, 0, (struct sockaddr *)&a, sizeof a) != sizeof b) return 1;
  long long t1 = now(), c1 = cpu(RUSAGE_SELF);
  printf("loop_ns %lld cpu_ns %lld\n", t1 - t0, c1 - c0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  long n = atol(argv[2]);
  if (!strcmp(argv[1], "tcp")) return tcp(n);
  if (!strcmp(argv[1], "udp")) return udp(n);
  return 2;
}
