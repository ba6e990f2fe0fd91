/*
 * The connections tier's NETLINK_SOCK_DIAG socket, its requests and the parse of its answers, in C. The
 * policy (when to dump, when to look up, what the counters mean) stays in src/sampler/conns/reader.ts;
 * the TypeScript framing (netlink.ts, inet-diag.ts, tcp-info.ts, over the npm `netlink` package) is the
 * reference and the fallback. There, every datagram is a Buffer the package allocates and zeroes and a
 * call into JavaScript, and every message a walk through DataViews; here a dump is one recv per datagram
 * into one kept buffer, and the answers of a batch of lookups come in one recvmmsg.
 *   sdLayout()                          { SD_NCOLS, SD_ID_LEN, SDS_NSTATS }, checked by native-diag.ts
 *   sdOpen()                            a handle; throws one line when the socket cannot be opened
 *   sdDump(h, kind, family, states, seq) sends a dump request (kind 0: the one-walk TCPDIAG_GETSOCK for
 *                                      both families; 1: inet_diag_req_v2 for `family`); 0 or -errno
 *   sdPump(h, sliceMs)                  receives the dump: 1 ended, 0 the slice ran out (call again after
 *                                      a turn of the event loop), 2 no datagram queued (not seen: the
 *                                      kernel makes the first inside the send and each next one inside
 *                                      a receive), -errno (-EMSGSIZE: a datagram larger than the buffer)
 *   sdLookup(h, ids, n, seq)            looks up the n sockets whose identities (SD_ID_LEN bytes each) are
 *                                      in ids, 32 per sendmsg: 1 every one answered (ENOENT or ESTALE:
 *                                      gone), 0 a surprise (another errno, an answer missing or cut: the
 *                                      caller dumps instead), -errno
 *   sdTake(h, f, ids, st)               the last request's sockets: rows of SD_NCOLS into f, identities
 *                                      into ids, counts into st; n, or -(1 + n) when f or ids is too small
 *   sdParse(h, datagram, seq, fresh)    walks a given datagram as sdPump walks one (for the tests)
 *   sdClose(h)
 * Answers are parsed as inet-diag.ts parses them (the same rejects, the same state filter), into rows
 * with no object per socket; native-diag.ts turns rows into TcpSockSamples.
 */
#define _GNU_SOURCE
#include "sockdiag.h"
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG_LEN 72 /* sizeof(struct inet_diag_msg) */
#define REQ_V2_LEN 56
#define REQ_COMPAT_LEN 60
#define TCPDIAG_GETSOCK_ 18
#define INFO_ATTR 2 /* INET_DIAG_INFO */
/* Every state a process can hold a socket in: not TIME_WAIT (6), NEW_SYN_RECV (12), BOUND_INACTIVE (13). */
#define DUMP_STATES (0x1ffe & ~((1u << 6) | (1u << 12)) & ~(1u << 13))
#define DUMP_BUF 65536   /* a dump's datagrams are capped near 32 KiB by the kernel */
#define LOOKUP_BATCH 32  /* lookups per sendmsg: their answers (one skb each) fit the receive buffer */
#define ANSWER_BUF 4096  /* one lookup's answer: header, inet_diag_msg, tcp_info and a few attributes */

_Static_assert(sizeof(struct inet_diag_msg) == MSG_LEN, "inet_diag_msg");
_Static_assert(sizeof(struct inet_diag_req_v2) == REQ_V2_LEN, "inet_diag_req_v2");
_Static_assert(sizeof(struct inet_diag_req) == REQ_COMPAT_LEN, "inet_diag_req");
_Static_assert(offsetof(struct inet_diag_msg, id) + sizeof(struct inet_diag_sockid) == SD_ID_LEN, "sockid end");
/* The offsets src/sampler/conns/tcp-info.ts reads (TCPI). */
_Static_assert(offsetof(struct tcp_info, tcpi_rtt) == 68, "rtt");
_Static_assert(offsetof(struct tcp_info, tcpi_rttvar) == 72, "rttvar");
_Static_assert(offsetof(struct tcp_info, tcpi_snd_cwnd) == 80, "cwnd");
_Static_assert(offsetof(struct tcp_info, tcpi_total_retrans) == 100, "total_retrans");
_Static_assert(offsetof(struct tcp_info, tcpi_bytes_acked) == 120, "bytes_acked");
_Static_assert(offsetof(struct tcp_info, tcpi_bytes_received) == 128, "bytes_received");

typedef struct {
  int fd;
  uint32_t seq;
  int done;
  /* An answer may still be queued (a request abandoned or cut short): drained before the next request. */
  int dirty;
  double *rows;
  uint8_t *ids;
  size_t n, cap;
  double malformed, dropped, stale, interrupted, err, datagrams;
  uint8_t *buf;                 /* DUMP_BUF */
  uint8_t *answers;             /* LOOKUP_BATCH * ANSWER_BUF, at the first lookup */
} sd_t;

static uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint16_t rd16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
static int32_t rdi32(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void reset(sd_t *s) {
  s->n = 0;
  s->done = 0;
  s->malformed = s->dropped = s->stale = s->interrupted = s->err = s->datagrams = 0;
}

static int grow(sd_t *s) {
  size_t cap = s->cap ? 2 * s->cap : 64;
  double *r = realloc(s->rows, cap * SD_NCOLS * sizeof *r);
  if (!r) return 0;
  s->rows = r;
  uint8_t *i = realloc(s->ids, cap * SD_ID_LEN);
  if (!i) return 0;
  s->ids = i;
  s->cap = cap;
  return 1;
}

/* A 64-bit tcp_info counter as two 32-bit words (lo, hi): exact in doubles, joined in JavaScript. */
static void put64(double *lo, const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  lo[0] = (double)(uint32_t)v;
  lo[1] = (double)(uint32_t)(v >> 32);
}

/* One SOCK_DIAG_BY_FAMILY (or TCPDIAG_GETSOCK) payload p[0, len): a row, or a count of why not. */
static void take_msg(sd_t *s, const uint8_t *p, size_t len, unsigned type) {
  if (type != SOCK_DIAG_BY_FAMILY && type != TCPDIAG_GETSOCK_) {
    s->malformed++;
    return;
  }
  /* A lookup answers whatever state the socket is in now; a dump lists only DUMP_STATES. The shift is
     taken mod 32 as JavaScript's >>> takes it, so that a hostile state is judged as inet-diag.ts judges it. */
  if (len >= MSG_LEN && ((DUMP_STATES >> (p[1] & 31)) & 1) == 0) {
    s->dropped++;
    return;
  }
  if (len < MSG_LEN || (p[0] != 2 && p[0] != 10)) {
    s->malformed++;
    return;
  }
  const uint8_t *info = NULL;
  size_t info_len = 0;
  size_t a = MSG_LEN;
  while (a <= len && len - a >= 4) {
    size_t rlen = rd16(p + a);
    unsigned rtype = rd16(p + a + 2) & 0x3fff; /* NLA_TYPE_MASK */
    if (rlen < 4 || rlen > len - a) {
      s->malformed++;
      return;
    }
    if (rtype == INFO_ATTR) {
      info = p + a + 4;
      info_len = rlen - 4;
    }
    a += (rlen + 3) & ~(size_t)3;
  }
  if (s->n == s->cap && !grow(s)) {
    s->malformed++;
    return;
  }
  double *r = s->rows + s->n * SD_NCOLS;
  memcpy(s->ids + s->n * SD_ID_LEN, p, SD_ID_LEN);
  s->n++;
  r[SD_STATE] = p[1];
  r[SD_FAMILY] = p[0];
  r[SD_INODE] = rd32(p + 68);
  r[SD_UID] = rd32(p + 64);
  r[SD_RQUEUE] = rd32(p + 56);
  r[SD_WQUEUE] = rd32(p + 60);
  r[SD_COOKIE_LO] = rd32(p + 44);
  r[SD_COOKIE_HI] = rd32(p + 48);
  for (int c = SD_RTT; c < SD_NCOLS; c++) r[c] = -1;
  if (!info) return;
  if (68 + 4 <= info_len) r[SD_RTT] = rd32(info + 68);
  if (72 + 4 <= info_len) r[SD_RTTVAR] = rd32(info + 72);
  if (80 + 4 <= info_len) r[SD_CWND] = rd32(info + 80);
  if (100 + 4 <= info_len) r[SD_RETRANS] = rd32(info + 100);
  if (120 + 8 <= info_len) put64(r + SD_ACKED_LO, info + 120);
  if (128 + 8 <= info_len) put64(r + SD_RCVD_LO, info + 128);
}

/* One datagram of a dump, as walkNlmsgs (netlink.ts) walks it. */
static void walk_dump(sd_t *s, const uint8_t *b, size_t lim) {
  size_t off = 0;
  while (off < lim) {
    if (lim - off < NLMSG_HDRLEN) goto bad;
    uint32_t len = rd32(b + off);
    if (len < NLMSG_HDRLEN || len > lim - off) goto bad;
    unsigned type = rd16(b + off + 4), flags = rd16(b + off + 6);
    size_t next = off + NLMSG_ALIGN(len);
    if (rd32(b + off + 8) != s->seq) {
      s->stale++;
      off = next;
      continue;
    }
    if (flags & NLM_F_DUMP_INTR) s->interrupted = 1;
    if (type == NLMSG_DONE) {
      s->done = 1;
      if (len >= NLMSG_HDRLEN + 4 && rdi32(b + off + NLMSG_HDRLEN) < 0) s->err = rdi32(b + off + NLMSG_HDRLEN);
      return;
    }
    if (type == NLMSG_ERROR) {
      if (len < NLMSG_HDRLEN + 4) goto bad;
      int32_t e = rdi32(b + off + NLMSG_HDRLEN);
      if (e != 0) { /* 0 is an ACK */
        s->err = e;
        s->done = 1;
        return;
      }
    } else if (type == NLMSG_OVERRUN) {
      goto bad;
    } else if (type != NLMSG_NOOP) {
      take_msg(s, b + off + NLMSG_HDRLEN, len - NLMSG_HDRLEN, type);
    }
    off = next;
  }
  return;
bad: /* the rest of this datagram cannot be framed: counted, and the dump goes on */
  s->malformed++;
}

static void drain(sd_t *s) {
  for (int i = 0; i < 100000; i++)
    if (recv(s->fd, s->buf, DUMP_BUF, MSG_DONTWAIT) < 0 && errno != EINTR) break;
  s->dirty = 0;
}

static int send_all(sd_t *s, const void *msg, size_t len) {
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  for (;;) {
    ssize_t r = sendto(s->fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
    if (r >= 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Receives the dump that sd_dump sent until it ends, no datagram is queued, or slice_ms has passed. */
static int sd_pump(sd_t *s, double slice_ms) {
  double until = now_ms() + slice_ms;
  while (!s->done) {
    ssize_t r = recv(s->fd, s->buf, DUMP_BUF, MSG_DONTWAIT | MSG_TRUNC);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 2;
      s->dirty = 1;
      return -errno;
    }
    if (r > DUMP_BUF) {
      s->dirty = 1;
      return -EMSGSIZE;
    }
    s->datagrams++;
    walk_dump(s, s->buf, (size_t)r);
    if (!s->done && now_ms() >= until) return 0;
  }
  return 1;
}

static int sd_dump(sd_t *s, int kind, int family, uint32_t states, uint32_t seq) {
  if (s->dirty || !s->done) drain(s);
  reset(s);
  s->seq = seq;
  struct {
    struct nlmsghdr h;
    union {
      struct inet_diag_req old;
      struct inet_diag_req_v2 v2;
    } r;
  } m;
  memset(&m, 0, sizeof m);
  m.h.nlmsg_seq = seq;
  m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  if (kind == 0) {
    m.h.nlmsg_len = NLMSG_HDRLEN + REQ_COMPAT_LEN;
    m.h.nlmsg_type = TCPDIAG_GETSOCK_;
    m.r.old.idiag_family = 2; /* ignored by the dump: it always covers both families */
    m.r.old.idiag_ext = 1 << (INFO_ATTR - 1);
    m.r.old.id.idiag_cookie[0] = m.r.old.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    m.r.old.idiag_states = states;
  } else {
    m.h.nlmsg_len = NLMSG_HDRLEN + REQ_V2_LEN;
    m.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    m.r.v2.sdiag_family = (uint8_t)family;
    m.r.v2.sdiag_protocol = 6; /* IPPROTO_TCP */
    m.r.v2.idiag_ext = 1 << (INFO_ATTR - 1);
    m.r.v2.idiag_states = states;
    m.r.v2.id.idiag_cookie[0] = m.r.v2.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  }
  int e = send_all(s, &m, m.h.nlmsg_len);
  if (e < 0) s->done = 1;
  return e;
}

/* The answers to one batch of k lookups (each one message: the socket, or an NLMSG_ERROR), as walkAnswers. */
static int lookup_batch(sd_t *s, const uint8_t *ids, size_t k) {
  uint8_t req[LOOKUP_BATCH * (NLMSG_HDRLEN + REQ_V2_LEN)];
  memset(req, 0, k * (NLMSG_HDRLEN + REQ_V2_LEN));
  for (size_t j = 0; j < k; j++) {
    uint8_t *m = req + j * (NLMSG_HDRLEN + REQ_V2_LEN);
    struct nlmsghdr h = {.nlmsg_len = NLMSG_HDRLEN + REQ_V2_LEN, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = s->seq};
    memcpy(m, &h, sizeof h);
    struct inet_diag_req_v2 r;
    memset(&r, 0, sizeof r);
    r.sdiag_family = ids[j * SD_ID_LEN];
    r.sdiag_protocol = 6;
    r.idiag_ext = 1 << (INFO_ATTR - 1);
    r.idiag_states = DUMP_STATES; /* ignored by a lookup: answers in other states are dropped */
    memcpy(&r.id, ids + j * SD_ID_LEN + 4, sizeof r.id);
    memcpy(m + NLMSG_HDRLEN, &r, sizeof r);
  }
  s->dirty = 1;
  int e = send_all(s, req, k * (NLMSG_HDRLEN + REQ_V2_LEN));
  if (e < 0) return e;
  struct mmsghdr mm[LOOKUP_BATCH];
  struct iovec iov[LOOKUP_BATCH];
  size_t got = 0;
  while (got < k) {
    size_t want = k - got;
    for (size_t i = 0; i < want; i++) {
      iov[i].iov_base = s->answers + i * ANSWER_BUF;
      iov[i].iov_len = ANSWER_BUF;
      memset(&mm[i], 0, sizeof mm[i]);
      mm[i].msg_hdr.msg_iov = &iov[i];
      mm[i].msg_hdr.msg_iovlen = 1;
    }
    /* Every answer was queued inside the sendmsg: none is waited for. */
    int r = recvmmsg(s->fd, mm, (unsigned)want, MSG_DONTWAIT, NULL);
    if (r < 0) {
      if (errno == EINTR) continue;
      /* Nothing queued, or the kernel dropped answers (ENOBUFS): not the sockets a dump would give. */
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return 0;
      return -errno;
    }
    for (int i = 0; i < r; i++) {
      s->datagrams++;
      if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) return 0;
      const uint8_t *b = s->answers + (size_t)i * ANSWER_BUF;
      size_t lim = mm[i].msg_len, off = 0;
      while (off < lim) {
        if (lim - off < NLMSG_HDRLEN) return 0;
        uint32_t len = rd32(b + off);
        if (len < NLMSG_HDRLEN || len > lim - off) return 0;
        unsigned type = rd16(b + off + 4);
        if (rd32(b + off + 8) == s->seq && type != NLMSG_NOOP && type != NLMSG_DONE) {
          got++;
          if (type == NLMSG_ERROR) {
            int32_t err = len >= NLMSG_HDRLEN + 4 ? rdi32(b + off + NLMSG_HDRLEN) : -EIO;
            /* ENOENT: no socket has that 4-tuple, or another socket has it now (ESTALE before 6.x): gone. */
            if (err != -ENOENT && err != -ESTALE) return 0;
          } else {
            take_msg(s, b + off + NLMSG_HDRLEN, len - NLMSG_HDRLEN, type);
          }
        } else if (rd32(b + off + 8) != s->seq) {
          s->stale++;
        }
        off += NLMSG_ALIGN(len);
      }
    }
  }
  s->dirty = 0;
  return 1;
}

static int sd_lookup(sd_t *s, const uint8_t *ids, size_t n, uint32_t seq) {
  if (s->dirty || !s->done) drain(s);
  reset(s);
  s->seq = seq;
  s->done = 1; /* no dump in flight */
  if (!s->answers && !(s->answers = malloc(LOOKUP_BATCH * ANSWER_BUF))) return -ENOMEM;
  for (size_t i = 0; i < n; i += LOOKUP_BATCH) {
    size_t k = n - i < LOOKUP_BATCH ? n - i : LOOKUP_BATCH;
    int r = lookup_batch(s, ids + i * SD_ID_LEN, k);
    if (r <= 0) return r;
  }
  return 1;
}

static void sd_free(sd_t *s) {
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  free(s->rows);
  free(s->ids);
  free(s->buf);
  free(s->answers);
  s->rows = NULL;
  s->ids = s->buf = s->answers = NULL;
  s->n = s->cap = 0;
}

/* ---- N-API ---- */

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sd_free(data);
  free(data);
}

static napi_value num(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

static int typed_arg(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  return napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) == napi_ok && t == want;
}

/* The handle and up to 5 more arguments; NULL (with a TypeError thrown) unless it is an open one. */
static sd_t *args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  sd_t *s = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || !s || s->fd < 0) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return s;
}

static double arg_num(napi_env env, napi_value v) {
  double x = 0;
  napi_get_value_double(env, v, &x);
  return x;
}

napi_value js_sd_layout(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "SD_NCOLS", num(env, SD_NCOLS));
  napi_set_named_property(env, o, "SD_ID_LEN", num(env, SD_ID_LEN));
  napi_set_named_property(env, o, "SDS_NSTATS", num(env, SDS_NSTATS));
  return o;
}

napi_value js_sd_open(napi_env env, napi_callback_info info) {
  (void)info;
  sd_t *s = calloc(1, sizeof *s);
  if (!s || !(s->buf = malloc(DUMP_BUF))) {
    free(s);
    napi_throw_error(env, NULL, "sock_diag: out of memory");
    return NULL;
  }
  s->done = 1;
  s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (s->fd < 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "netlink sockets unavailable (socket(AF_NETLINK, NETLINK_SOCK_DIAG): %s)", strerror(errno));
    free(s->buf);
    free(s);
    napi_throw_error(env, NULL, msg);
    return NULL;
  }
  napi_value out;
  if (napi_create_external(env, s, finalize, NULL, &out) != napi_ok) {
    sd_free(s);
    free(s);
    napi_throw_error(env, NULL, "sock_diag: napi_create_external failed");
    return NULL;
  }
  return out;
}

napi_value js_sd_dump(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  sd_t *s = args(env, info, 5, argv, "sdDump(h, kind, family, states, seq)");
  if (!s) return NULL;
  return num(env, sd_dump(s, (int)arg_num(env, argv[1]), (int)arg_num(env, argv[2]), (uint32_t)arg_num(env, argv[3]), (uint32_t)arg_num(env, argv[4])));
}

napi_value js_sd_pump(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  sd_t *s = args(env, info, 2, argv, "sdPump(h, sliceMs)");
  if (!s) return NULL;
  return num(env, sd_pump(s, arg_num(env, argv[1])));
}

napi_value js_sd_lookup(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const char *usage = "sdLookup(h, ids: Uint8Array, n, seq)";
  sd_t *s = args(env, info, 4, argv, usage);
  if (!s) return NULL;
  void *ids;
  size_t len;
  double n = arg_num(env, argv[2]);
  if (!typed_arg(env, argv[1], napi_uint8_array, &ids, &len) || n < 0 || n * SD_ID_LEN > (double)len) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return num(env, sd_lookup(s, ids, (size_t)n, (uint32_t)arg_num(env, argv[3])));
}

napi_value js_sd_take(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const char *usage = "sdTake(h, f: Float64Array, ids: Uint8Array, st: Float64Array)";
  sd_t *s = args(env, info, 4, argv, usage);
  if (!s) return NULL;
  void *f, *ids, *st;
  size_t lf, li, ls;
  if (!typed_arg(env, argv[1], napi_float64_array, &f, &lf) || !typed_arg(env, argv[2], napi_uint8_array, &ids, &li) ||
      !typed_arg(env, argv[3], napi_float64_array, &st, &ls) || ls < SDS_NSTATS) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  double *o = st;
  o[SDS_N] = (double)s->n;
  o[SDS_MALFORMED] = s->malformed;
  o[SDS_DROPPED] = s->dropped;
  o[SDS_STALE] = s->stale;
  o[SDS_INTERRUPTED] = s->interrupted;
  o[SDS_ERRNO] = s->err;
  o[SDS_DATAGRAMS] = s->datagrams;
  if (lf < s->n * SD_NCOLS || li < s->n * SD_ID_LEN) return num(env, -1.0 - (double)s->n);
  if (s->n) {
    memcpy(f, s->rows, s->n * SD_NCOLS * sizeof(double));
    memcpy(ids, s->ids, s->n * SD_ID_LEN);
  }
  return num(env, (double)s->n);
}

/* sdParse(h, datagram: Uint8Array, seq, fresh): walks a datagram as sdPump does one it received (fresh:
   as the first of a dump); 1 if it ended the dump. For the tests that hold this parse equal to inet-diag.ts. */
napi_value js_sd_parse(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const char *usage = "sdParse(h, datagram: Uint8Array, seq, fresh)";
  sd_t *s = args(env, info, 4, argv, usage);
  if (!s) return NULL;
  void *b;
  size_t len;
  if (!typed_arg(env, argv[1], napi_uint8_array, &b, &len)) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  bool fresh = false;
  napi_get_value_bool(env, argv[3], &fresh);
  if (fresh) reset(s);
  s->seq = (uint32_t)arg_num(env, argv[2]);
  s->datagrams++;
  walk_dump(s, b, len);
  return num(env, s->done ? 1 : 0);
}

napi_value js_sd_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  sd_t *s = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 1 &&
      napi_get_value_external(env, argv[0], (void **)&s) == napi_ok && s)
    sd_free(s);
  return NULL;
}
