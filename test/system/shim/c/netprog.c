/*
 * Test workload for the shim (built by the tests in test/shim into a temp dir). Every mode moves known
 * byte counts with known calls and reports its own tally of what the calls returned, so the test can
 * compare the shim's counters with ground truth taken from the syscalls' return values.
 *
 * Reporting uses write(2) on stdout in one call per line (pipes keep lines under PIPE_BUF whole), and
 * processes that must stay alive while the test reads their counters block on read(0) until EOF.
 *
 * Modes:
 *   full              W(1); fork: the child does W(2) and execs "exec-child" (W(3)); the parent does W(4)
 *   exec-child        W(3), then waits
 *   threads N ITER    N threads, each ITER UDP sendto/recvfrom of 64 bytes and unix send/recv of 100
 *   closerange FILE   socket traffic, close_range(3, ~0U, 0), writes FILE, more socket traffic
 *   closefrom FILE    the same with closefrom(3)
 *   simple            a little TCP, prints "OK", exits 0 (no waiting)
 *   alloc             known allocations in phases (no stdio: nothing allocates behind the test's back)
 *   exec-noshim       a little TCP, then execs /bin/cat with LD_PRELOAD removed from the environment
 *   vfork             vfork + execve(/bin/true) in the child, then waits
 *   pause-exec        prints READY, waits for a line, then execs itself in "simple" mode (same pid)
 *   exec-variants     children exec sh through execl, execlp and execle (with its own environment)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define die(what) do { char m_[256]; int n_ = snprintf(m_, sizeof m_, "FAIL %s: %s (line %d)\n", what, strerror(errno), __LINE__); \
  if (write(2, m_, n_)) {} _exit(3); } while (0)

enum { TCP, UDP, UNX, NCLS };
static const char *CLS[] = {"tcp", "udp", "unix"};
enum { F_SEND, F_SENDTO, F_SENDMSG, F_SENDMMSG, F_WRITE, F_WRITEV, F_SENDFILE,
       F_RECV, F_RECVFROM, F_RECVMSG, F_RECVMMSG, F_READ, F_READV, NF };
static const char *FN[] = {"send", "sendto", "sendmsg", "sendmmsg", "write", "writev", "sendfile",
                           "recv", "recvfrom", "recvmsg", "recvmmsg", "read", "readv"};

static long long io[NCLS][NF][2];
static long long conn[NCLS][2];
static long long lat;
struct dtal { char key[64]; long long tx, rx; };
static struct dtal dests[32];
static int ndests;

static void tally(int cls, int fn, ssize_t r) {
  if (r < 0) die(FN[fn]);
  if (r > 0) { io[cls][fn][0]++; io[cls][fn][1] += r; }
}

static void dest(const char *key, long long tx, long long rx) {
  for (int i = 0; i < ndests; i++)
    if (!strcmp(dests[i].key, key)) { dests[i].tx += tx; dests[i].rx += rx; return; }
  snprintf(dests[ndests].key, sizeof dests[0].key, "%s", key);
  dests[ndests].tx = tx; dests[ndests].rx = rx; ndests++;
}

static void report(const char *tag) {
  static char buf[4000];
  int n = snprintf(buf, sizeof buf, "%s %d {\"io\":{", tag, (int)getpid());
  int first = 1;
  for (int c = 0; c < NCLS; c++)
    for (int f = 0; f < NF; f++)
      if (io[c][f][0]) {
        n += snprintf(buf + n, sizeof buf - n, "%s\"%s.%s\":[%lld,%lld]", first ? "" : ",", CLS[c], FN[f], io[c][f][0], io[c][f][1]);
        first = 0;
      }
  n += snprintf(buf + n, sizeof buf - n, "},\"connect\":{");
  for (int c = 0; c < NCLS; c++)
    n += snprintf(buf + n, sizeof buf - n, "%s\"%s\":[%lld,%lld]", c ? "," : "", CLS[c], conn[c][0], conn[c][1]);
  n += snprintf(buf + n, sizeof buf - n, "},\"lat\":%lld,\"dests\":{", lat);
  for (int i = 0; i < ndests; i++)
    n += snprintf(buf + n, sizeof buf - n, "%s\"%s\":[%lld,%lld]", i ? "," : "", dests[i].key, dests[i].tx, dests[i].rx);
  n += snprintf(buf + n, sizeof buf - n, "}}\n");
  if (write(1, buf, n) != n) die("report");
}

static void wait_eof(void) {
  char b[64];
  while (read(0, b, sizeof b) > 0) {}
}

static char data[1 << 16];

static int port_of(int fd) {
  struct sockaddr_in a; socklen_t l = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &l)) die("getsockname");
  return ntohs(a.sin_port);
}

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static void key_out(char *k, int port) { snprintf(k, 64, "127.0.0.1:%d", port); }

/* Reads exactly n bytes from a stream socket with one call family, tallying every call. */
static void recv_all(int cls, int fd, int fn, size_t n) {
  while (n > 0) {
    ssize_t r;
    char *p = data;
    size_t want = n < sizeof data ? n : sizeof data;
    if (fn == F_RECV) r = recv(fd, p, want, 0);
    else if (fn == F_READ) r = read(fd, p, want);
    else if (fn == F_READV) {
      struct iovec v[2] = {{p, want / 2}, {p + want / 2, want - want / 2}};
      r = readv(fd, v, 2);
    } else if (fn == F_RECVMSG) {
      struct iovec v = {p, want};
      struct msghdr m = {0};
      m.msg_iov = &v; m.msg_iovlen = 1;
      r = recvmsg(fd, &m, 0);
    } else if (fn == F_RECVFROM) {
      struct sockaddr_storage ss; socklen_t sl = sizeof ss;
      r = recvfrom(fd, p, want, 0, (struct sockaddr *)&ss, &sl);
    } else die("recv_all fn");
    if (r == 0) { errno = EPIPE; die("eof"); }
    tally(cls, fn, r);
    n -= r;
  }
}

/* Sends exactly n bytes on a stream socket with one call family. */
static void send_all(int cls, int fd, int fn, size_t n) {
  while (n > 0) {
    ssize_t r;
    size_t want = n < sizeof data ? n : sizeof data;
    if (fn == F_SEND) r = send(fd, data, want, 0);
    else if (fn == F_WRITE) r = write(fd, data, want);
    else if (fn == F_WRITEV) {
      struct iovec v[2] = {{data, want / 3}, {data + want / 3, want - want / 3}};
      r = writev(fd, v, 2);
    } else if (fn == F_SENDMSG) {
      struct iovec v = {data, want};
      struct msghdr m = {0};
      m.msg_iov = &v; m.msg_iovlen = 1;
      r = sendmsg(fd, &m, 0);
    } else if (fn == F_SENDTO) r = sendto(fd, data, want, 0, NULL, 0);
    else die("send_all fn");
    tally(cls, fn, r);
    n -= r;
  }
}

/* Known traffic over TCP, UDP and Unix sockets with every call family; sizes scale with k. */
static void workload(int k) {
  char key[64];
  /* --- TCP --- */
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = lo(0);
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 8)) die("listen");
  int lport = port_of(l);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  a = lo(lport);
  if (connect(c, (struct sockaddr *)&a, sizeof a)) die("connect");
  conn[TCP][0]++; lat++;
  int s = accept(l, NULL, NULL);
  if (s < 0) die("accept");
  static const int txfns[] = {F_SEND, F_WRITE, F_WRITEV, F_SENDMSG, F_SENDTO};
  static const int rxfns[] = {F_RECV, F_READ, F_READV, F_RECVMSG, F_RECVFROM};
  long long ctx = 0, crx = 0;
  for (int i = 0; i < 5; i++) {
    size_t n = (size_t)(1000 + 111 * i) * k;
    send_all(TCP, c, txfns[i], n);     /* client -> server */
    recv_all(TCP, s, rxfns[i], n);
    ctx += n;
    size_t m = (size_t)(300 + 17 * i) * k;
    send_all(TCP, s, txfns[(i + 1) % 5], m); /* server -> client */
    recv_all(TCP, c, rxfns[(i + 2) % 5], m);
    crx += m;
  }
  /* MSG_PEEK is not consumption: only the recv after it counts. */
  send_all(TCP, c, F_SEND, 50);
  ctx += 50;
  if (recv(s, data, 50, MSG_PEEK | MSG_WAITALL) != 50) die("peek");
  recv_all(TCP, s, F_RECV, 50);
  key_out(key, lport);
  dest(key, ctx, crx);
  dest("127.0.0.1 (in)", crx, ctx);
  /* A non-blocking connect, completed by poll + getsockopt(SO_ERROR). */
  int nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  a = lo(lport);
  int r = connect(nb, (struct sockaddr *)&a, sizeof a);
  if (r != 0 && errno != EINPROGRESS) die("nb connect");
  struct pollfd pfd = {nb, POLLOUT, 0};
  if (poll(&pfd, 1, 5000) != 1) die("poll");
  int err = 0; socklen_t el = sizeof err;
  if (getsockopt(nb, SOL_SOCKET, SO_ERROR, &err, &el) || err) die("SO_ERROR");
  conn[TCP][0]++; lat++;
  int s2 = accept(l, NULL, NULL);
  close(s2); close(nb);
  /* A refused connect: a port with nobody listening. */
  int tmp = socket(AF_INET, SOCK_STREAM, 0);
  a = lo(0);
  if (bind(tmp, (struct sockaddr *)&a, sizeof a)) die("bind tmp");
  int dead = port_of(tmp);
  close(tmp);
  int rc = socket(AF_INET, SOCK_STREAM, 0);
  a = lo(dead);
  if (connect(rc, (struct sockaddr *)&a, sizeof a) == 0 || errno != ECONNREFUSED) die("refused connect");
  conn[TCP][0]++; conn[TCP][1]++;
  close(rc);
  close(c); close(s); close(l);

  /* --- UDP --- */
  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  a = lo(0);
  if (bind(u1, (struct sockaddr *)&a, sizeof a) || bind(u2, (struct sockaddr *)&a, sizeof a)) die("udp bind");
  int p1 = port_of(u1), p2 = port_of(u2);
  struct sockaddr_in a2 = lo(p2);
  struct sockaddr_storage ss; socklen_t sl;
  long long to2 = 0, from1 = 0;
  size_t n = 512 * k;
  tally(UDP, F_SENDTO, sendto(u1, data, n, 0, (struct sockaddr *)&a2, sizeof a2));
  to2 += n;
  sl = sizeof ss;
  tally(UDP, F_RECVFROM, recvfrom(u2, data, sizeof data, 0, (struct sockaddr *)&ss, &sl));
  from1 += n;
  {
    struct iovec v = {data, 700 * (size_t)k};
    struct msghdr m = {0};
    m.msg_name = &a2; m.msg_namelen = sizeof a2; m.msg_iov = &v; m.msg_iovlen = 1;
    tally(UDP, F_SENDMSG, sendmsg(u1, &m, 0));
    to2 += v.iov_len;
    struct sockaddr_storage from; struct iovec rv = {data, sizeof data};
    struct msghdr rm = {0};
    rm.msg_name = &from; rm.msg_namelen = sizeof from; rm.msg_iov = &rv; rm.msg_iovlen = 1;
    tally(UDP, F_RECVMSG, recvmsg(u2, &rm, 0));
    from1 += v.iov_len;
  }
  {
    struct mmsghdr mm[3]; struct iovec v[3];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
      v[i].iov_base = data; v[i].iov_len = (size_t)(100 + i) * k;
      mm[i].msg_hdr.msg_name = &a2; mm[i].msg_hdr.msg_namelen = sizeof a2;
      mm[i].msg_hdr.msg_iov = &v[i]; mm[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = sendmmsg(u1, mm, 3, 0);
    if (sent != 3) die("sendmmsg");
    long long tot = 0;
    for (int i = 0; i < 3; i++) tot += mm[i].msg_len;
    io[UDP][F_SENDMMSG][0]++; io[UDP][F_SENDMMSG][1] += tot;
    to2 += tot;
    struct mmsghdr rm[3]; struct iovec rv[3]; struct sockaddr_storage from[3];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 3; i++) {
      rv[i].iov_base = data + i * 1024; rv[i].iov_len = 1024;
      rm[i].msg_hdr.msg_name = &from[i]; rm[i].msg_hdr.msg_namelen = sizeof from[i];
      rm[i].msg_hdr.msg_iov = &rv[i]; rm[i].msg_hdr.msg_iovlen = 1;
    }
    int got = recvmmsg(u2, rm, 3, 0, NULL);
    if (got != 3) die("recvmmsg");
    long long rt = 0;
    for (int i = 0; i < 3; i++) rt += rm[i].msg_len;
    io[UDP][F_RECVMMSG][0]++; io[UDP][F_RECVMMSG][1] += rt;
    from1 += rt;
  }
  /* Connected UDP: send, write; received with recv, read. */
  if (connect(u1, (struct sockaddr *)&a2, sizeof a2)) die("udp connect");
  conn[UDP][0]++;
  n = 333 * k;
  tally(UDP, F_SEND, send(u1, data, n, 0));
  to2 += n;
  tally(UDP, F_RECV, recv(u2, data, sizeof data, 0));
  n = 444 * k;
  tally(UDP, F_WRITE, write(u1, data, n));
  to2 += n;
  tally(UDP, F_READ, read(u2, data, sizeof data));
  key_out(key, p2);
  dest(key, to2, 0);
  key_out(key, p1);
  dest(key, 0, from1); /* recv/read on u2 carry no source address (u2 is unconnected): no peer */
  close(u1); close(u2);

  /* --- Unix stream and datagram --- */
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) die("socketpair");
  static const int utx[] = {F_SEND, F_WRITE, F_WRITEV, F_SENDMSG};
  static const int urx[] = {F_READ, F_RECV, F_RECVMSG, F_READV};
  for (int i = 0; i < 4; i++) {
    size_t m = (size_t)(2000 + 7 * i) * k;
    send_all(UNX, sv[0], utx[i], m);
    recv_all(UNX, sv[1], urx[i], m);
  }
  close(sv[0]); close(sv[1]);
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv)) die("socketpair dgram");
  tally(UNX, F_SENDTO, sendto(sv[0], data, 77 * k, 0, NULL, 0));
  tally(UNX, F_RECVFROM, recvfrom(sv[1], data, sizeof data, 0, NULL, NULL));
  close(sv[0]); close(sv[1]);
}

static void mode_full(const char *self) {
  workload(1);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    memset(io, 0, sizeof io); memset(conn, 0, sizeof conn); lat = 0; ndests = 0;
    workload(2);
    report("PART");
    execl(self, self, "exec-child", (char *)NULL);
    die("execl");
  }
  workload(4);
  report("READY");
  wait_eof();
  int st;
  if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st)) { errno = ECHILD; die("child"); }
}

static int nthreads_iter;
static void *thread_main(void *arg) {
  (void)arg;
  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = lo(0);
  if (bind(u1, (struct sockaddr *)&a, sizeof a) || bind(u2, (struct sockaddr *)&a, sizeof a)) die("bind");
  struct sockaddr_in to = lo(port_of(u2));
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) die("socketpair");
  char b[128];
  for (int i = 0; i < nthreads_iter; i++) {
    if (sendto(u1, b, 64, 0, (struct sockaddr *)&to, sizeof to) != 64) die("sendto");
    if (recvfrom(u2, b, sizeof b, 0, NULL, NULL) != 64) die("recvfrom");
    if (send(sv[0], b, 100, 0) != 100) die("send");
    size_t got = 0;
    while (got < 100) {
      ssize_t r = recv(sv[1], b, 100 - got, 0);
      if (r <= 0) die("recv");
      __atomic_fetch_add(&io[UNX][F_RECV][0], 1, __ATOMIC_RELAXED);
      got += r;
    }
  }
  close(u1); close(u2); close(sv[0]); close(sv[1]);
  return NULL;
}

static void mode_threads(int n, int iter) {
  nthreads_iter = iter;
  pthread_t t[64];
  for (int i = 0; i < n; i++) if (pthread_create(&t[i], NULL, thread_main, NULL)) die("pthread_create");
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  long long total = (long long)n * iter;
  io[UDP][F_SENDTO][0] = total; io[UDP][F_SENDTO][1] = total * 64;
  io[UDP][F_RECVFROM][0] = total; io[UDP][F_RECVFROM][1] = total * 64;
  io[UNX][F_SEND][0] = total; io[UNX][F_SEND][1] = total * 100;
  io[UNX][F_RECV][1] = total * 100;
  report("READY");
  wait_eof();
}

static void mode_closerange(const char *file, int use_closefrom) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) die("socketpair");
  if (sv[0] != 3) { errno = EBADF; die("expected the socket on fd 3"); }
  send_all(UNX, sv[0], F_SEND, 100);
  recv_all(UNX, sv[1], F_RECV, 100);
  /* Close everything above stderr without telling anyone, as daemons and sandboxes do. */
  if (use_closefrom) closefrom(3);
  else if (close_range(3, ~0U, 0)) die("close_range");
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd != 3) { errno = EBADF; die("expected the file on fd 3"); }
  static const char line[] = "the quick brown fox jumps over the lazy dog\n";
  for (int i = 0; i < 1000; i++)
    if (write(fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) die("write file");
  if (close(fd)) die("close file");
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) die("socketpair 2");
  send_all(UNX, sv[0], F_SEND, 200);
  recv_all(UNX, sv[1], F_RECV, 200);
  report("READY");
  wait_eof();
}

static void mode_simple(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = lo(0);
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1)) die("listen");
  int c = socket(AF_INET, SOCK_STREAM, 0);
  a = lo(port_of(l));
  if (connect(c, (struct sockaddr *)&a, sizeof a)) die("connect");
  int s = accept(l, NULL, NULL);
  send_all(TCP, c, F_SEND, 10000);
  recv_all(TCP, s, F_RECV, 10000);
  if (write(1, "OK\n", 3) != 3) die("write");
}

/* --- alloc: no stdio anywhere, so the only allocations between phases are the ones listed --- */
static char line_buf[256];
static void say(const char *s) { if (write(1, s, strlen(s)) < 0) die("say"); }
static void wait_line(void) { if (read(0, line_buf, sizeof line_buf) <= 0) _exit(0); }

static void mode_alloc(void) {
  static void *p[128];
  say("A\n");
  wait_line();
  size_t usable = 0;
  int np = 0;
  /* 1000 and 4008 are 8 mod 16: glibc's usable size equals the request, so the expected bytes are exact. */
  for (int i = 0; i < 100; i++) { p[np] = malloc(1000); usable += malloc_usable_size(p[np]); np++; }
  for (int i = 0; i < 10; i++) { p[np] = calloc(10, 100); usable += malloc_usable_size(p[np]); np++; }
  void *r = malloc(24);
  r = realloc(r, 4008);
  p[np] = r; usable += malloc_usable_size(r); np++;
  void *m1;
  if (posix_memalign(&m1, 64, 1000)) die("posix_memalign");
  p[np] = m1; usable += malloc_usable_size(m1); np++;
  p[np] = aligned_alloc(256, 1024); usable += malloc_usable_size(p[np]); np++;
  char msg[128];
  snprintf(msg, sizeof msg, "B %zu %d\n", usable, np); /* snprintf to a stack buffer does not allocate */
  say(msg);
  wait_line();
  for (int i = 0; i < np; i++) free(p[i]);
  say("C\n");
  wait_line();
  pid_t child = fork();
  if (child == 0) {
    p[0] = malloc(1000); /* kept in a static: a malloc/free pair nobody reads may be optimised away */
    say("D\n");
    wait_line();
    free(p[0]);
    _exit(0);
  }
  wait_line();
  waitpid(child, NULL, 0);
}

static void mode_exec_noshim(char **envp) {
  mode_simple();
  static char *clean[256];
  int n = 0;
  for (char **e = envp; *e && n < 255; e++)
    if (strncmp(*e, "LD_PRELOAD=", 11) != 0) clean[n++] = *e;
  clean[n] = NULL;
  char *argv[] = {"cat", NULL};
  execve("/bin/cat", argv, clean);
  die("execve");
}

static void mode_vfork(void) {
  mode_simple();
  pid_t c = vfork();
  if (c == 0) {
    char *argv[] = {"true", NULL};
    execve("/bin/true", argv, environ);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  say("READY\n");
  wait_eof();
}

static void mode_pause_exec(const char *self) {
  say("READY\n");
  wait_line();
  execl(self, self, "simple", (char *)NULL);
  die("execl");
}

static void mode_exec_variants(void) {
  for (int k = 0; k < 3; k++) {
    pid_t c = fork();
    if (c == 0) {
      char *env[] = {"VIGIL_T=42", NULL};
      if (k == 0) execl("/bin/sh", "sh", "-c", "echo execl:$0:$1:$2", "a", "b c", (char *)NULL);
      if (k == 1) execlp("sh", "sh", "-c", "echo execlp:$#", "x", "y", "z", (char *)NULL);
      if (k == 2) execle("/bin/sh", "sh", "-c", "echo execle:$VIGIL_T:${LD_PRELOAD:-none}", (char *)NULL, env);
      _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st)) { errno = ECHILD; die("exec variant"); }
  }
}

int main(int argc, char **argv, char **envp) {
  memset(data, 'x', sizeof data);
  if (argc < 2) return 2;
  const char *m = argv[1];
  if (!strcmp(m, "full")) mode_full(argv[0]);
  else if (!strcmp(m, "exec-child")) { workload(3); report("READY"); wait_eof(); }
  else if (!strcmp(m, "threads") && argc == 4) mode_threads(atoi(argv[2]), atoi(argv[3]));
  else if (!strcmp(m, "closerange") && argc == 3) mode_closerange(argv[2], 0);
  else if (!strcmp(m, "closefrom") && argc == 3) mode_closerange(argv[2], 1);
  else if (!strcmp(m, "simple")) mode_simple();
  else if (!strcmp(m, "alloc")) mode_alloc();
  else if (!strcmp(m, "exec-noshim")) mode_exec_noshim(envp);
  else if (!strcmp(m, "vfork")) mode_vfork();
  else if (!strcmp(m, "pause-exec")) mode_pause_exec(argv[0]);
  else if (!strcmp(m, "exec-variants")) mode_exec_variants();
  else return 2;
  return 0;
}
