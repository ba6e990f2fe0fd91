/*
 * `sendn PORT N PARTS PAUSE_MS LINGER_MS`: connects to 127.0.0.1:PORT and sends exactly N bytes with
 * send(2), in PARTS equal parts (the last takes the remainder) with PAUSE_MS between them, then waits
 * LINGER_MS before it closes and exits 0. The workload of the `vigil run --record` test: the bytes the
 * shim must count are known, and they move over several process ticks. Exits 3 on any failure.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) != 0) {}
}

int main(int argc, char **argv) {
  if (argc != 6) { fputs("usage: sendn PORT N PARTS PAUSE_MS LINGER_MS\n", stderr); return 2; }
  int port = atoi(argv[1]);
  long long n = atoll(argv[2]);
  long parts = atol(argv[3]);
  long pause = atol(argv[4]);
  long linger = atol(argv[5]);
  if (parts < 1) parts = 1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("sendn: connect"); return 3; }
  static char buf[65536];
  memset(buf, 'x', sizeof buf);
  for (long p = 0; p < parts; p++) {
    long long left = p == parts - 1 ? n - (n / parts) * (parts - 1) : n / parts;
    while (left > 0) {
      size_t want = left < (long long)sizeof buf ? (size_t)left : sizeof buf;
      ssize_t r = send(fd, buf, want, 0);
      if (r <= 0) { perror("sendn: send"); return 3; }
      left -= r;
    }
    if (p < parts - 1) sleep_ms(pause);
  }
  sleep_ms(linger);
  close(fd);
  return 0;
}
