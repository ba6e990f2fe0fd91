/*
 * vigil's LD_PRELOAD shim: counts a process's socket traffic (and, built with -DVIGIL_ALLOC, its heap
 * allocations) into a per-process shared-memory file that vigil reads each tick. Layout: vigil_shm.h.
 *
 * The rules this file lives by (a traced program must never notice it):
 *  - hot path = relaxed atomic adds into the mapping: no lock, allocation, syscall or output. The few
 *    syscalls the shim makes happen once per process (attach), once per fork (the child's own file),
 *    once per fd it did not see created (classification) and once per connect completion;
 *  - every wrapper is async-signal-safe and preserves errno; the shim's own I/O goes through raw
 *    syscalls or the resolved real functions, never through its own hooks;
 *  - any failure (no directory, a refused directory, a full /dev/shm) disables counting silently: the
 *    counters then go to a private static block nobody reads;
 *  - the file descriptor of the mapping is closed right after mmap, so a program that closes every fd
 *    (close_range, closefrom) cannot make the shim write into one of its own files.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#ifdef VIGIL_ALLOC
#include <malloc.h>
#endif

#include "vigil_shm.h"

#define EXPORT __attribute__((visibility("default")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
/* initial-exec: a global-dynamic TLS access may call malloc (__tls_get_addr) on first use. */
#define TLS_IE __attribute__((tls_model("initial-exec")))

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* ------------------------------------------------------------------------------------------------ */
/* Real functions                                                                                    */
/* ------------------------------------------------------------------------------------------------ */

static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_sendfile)(int, int, off_t *, size_t);
static ssize_t (*real_sendfile64)(int, int, off64_t *, size_t);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static ssize_t (*real___read_chk)(int, void *, size_t, size_t);
static ssize_t (*real___recv_chk)(int, void *, size_t, size_t, int);
static ssize_t (*real___recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
static int (*real_socket)(int, int, int);
static int (*real_socketpair)(int, int, int, int[2]);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_getsockopt)(int, int, int, void *, socklen_t *);
static int (*real_close)(int);
static int (*real_close_range)(unsigned int, unsigned int, int);
static void (*real_closefrom)(int);
static int (*real_fclose)(FILE *);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static pid_t (*real__Fork)(void);
static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execv)(const char *, char *const[]);
static int (*real_execvp)(const char *, char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_fexecve)(int, char *const[], char *const[]);
static int (*real_execveat)(int, const char *, char *const[], char *const[], int);
#ifdef VIGIL_ALLOC
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static size_t (*real_malloc_usable_size)(void *);
#endif

/* Set while this thread runs dlsym: allocations then come from the static arena. */
static __thread int in_resolve TLS_IE;
static int resolved;

#define RESOLVE(name) real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name)

static void resolve_all(void)
{
  if (in_resolve) return;
  in_resolve = 1;
#ifdef VIGIL_ALLOC
  /* First, so that dlsym's own allocations after these four no longer need the arena. */
  RESOLVE(malloc);
  RESOLVE(calloc);
  RESOLVE(realloc);
  RESOLVE(free);
  RESOLVE(posix_memalign);
  RESOLVE(memalign);
  RESOLVE(aligned_alloc);
  RESOLVE(valloc);
  RESOLVE(pvalloc);
  RESOLVE(malloc_usable_size);
#endif
  RESOLVE(send);
  RESOLVE(sendto);
  RESOLVE(sendmsg);
  RESOLVE(sendmmsg);
  RESOLVE(write);
  RESOLVE(writev);
  RESOLVE(sendfile);
  RESOLVE(sendfile64);
  RESOLVE(recv);
  RESOLVE(recvfrom);
  RESOLVE(recvmsg);
  RESOLVE(recvmmsg);
  RESOLVE(read);
  RESOLVE(readv);
  RESOLVE(__read_chk);
  RESOLVE(__recv_chk);
  RESOLVE(__recvfrom_chk);
  RESOLVE(socket);
  RESOLVE(socketpair);
  RESOLVE(accept);
  RESOLVE(accept4);
  RESOLVE(connect);
  RESOLVE(getsockopt);
  RESOLVE(close);
  RESOLVE(close_range);
  RESOLVE(closefrom);
  RESOLVE(fclose);
  RESOLVE(dup);
  RESOLVE(dup2);
  RESOLVE(dup3);
  RESOLVE(_Fork);
  RESOLVE(execve);
  RESOLVE(execv);
  RESOLVE(execvp);
  RESOLVE(execvpe);
  RESOLVE(fexecve);
  RESOLVE(execveat);
  __atomic_store_n(&resolved, 1, __ATOMIC_RELEASE);
  in_resolve = 0;
}

/* Only before the constructor has run (another library's constructor calling us first). */
#define NEED(name)                                                                \
  do {                                                                            \
    if (UNLIKELY(!real_##name)) {                                                 \
      if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) resolve_all();           \
      if (!real_##name) { errno = ENOSYS; return -1; }                            \
    }                                                                             \
  } while (0)

/* ------------------------------------------------------------------------------------------------ */
/* The mapping                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

/*
 * Counters go wherever `cur` points: the process's mapped file once attached, a private static block
 * before that (and forever if attaching failed). So the hot path has no "attached?" branch; what lands in
 * the static block before attach is folded into the file when it appears.
 */
static struct vigil_shm dummy;
static struct vigil_shm *cur = &dummy;

static inline struct vigil_shm *shm(void) { return __atomic_load_n(&cur, __ATOMIC_RELAXED); }
static inline void add(uint64_t *p, uint64_t v) { __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

static uint32_t image_flags;
static uint64_t self_pidns;
static char dir_main[4096];   /* $VIGIL_SHIM_DIR, or $XDG_RUNTIME_DIR/vigil, or /dev/shm/vigil-EUID */
static char dir_fallback[64]; /* /dev/shm/vigil-EUID when dir_main came from XDG_RUNTIME_DIR */

static long sys_close(int fd) { return syscall(SYS_close, fd); }

static size_t put_str(char *dst, size_t at, size_t cap, const char *s)
{
  while (*s && at + 1 < cap) dst[at++] = *s++;
  dst[at] = 0;
  return at;
}

static size_t put_u64(char *dst, size_t at, size_t cap, uint64_t v)
{
  char tmp[24];
  int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n && at + 1 < cap) dst[at++] = tmp[--n];
  dst[at] = 0;
  return at;
}

/* Field 22 of /proc/self/stat: start time in clock ticks after boot. comm (field 2) may hold spaces and
 * parentheses, so fields are counted from the last ')'. */
static int self_start_time(uint64_t *out)
{
  char buf[1024];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = syscall(SYS_read, fd, buf, sizeof buf - 1);
  sys_close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = NULL;
  for (ssize_t i = n - 1; i >= 0; i--)
    if (buf[i] == ')') { p = buf + i + 1; break; }
  if (!p) return -1;
  for (int field = 2; field < 21; field++) { /* skip fields 3..21 */
    while (*p == ' ') p++;
    while (*p && *p != ' ') p++;
    if (!*p) return -1;
  }
  while (*p == ' ') p++;
  if (*p < '0' || *p > '9') return -1;
  uint64_t v = 0;
  while (*p >= '0' && *p <= '9') v = v * 10 + (uint64_t)(*p++ - '0');
  *out = v;
  return 0;
}

/* The directory must be ours alone: a real directory (not a symlink: O_NOFOLLOW on the open, then
 * fstat on what was opened, so there is no check-then-use race), owned by our euid, no group/other bits. */
static int open_dir_checked(const char *path)
{
  if (!path[0]) return -1;
  if (mkdir(path, 0700) != 0 && errno != EEXIST) return -1;
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) return -1;
  struct stat st;
  if (fstat(dfd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    sys_close(dfd);
    return -1;
  }
  return dfd;
}

static void init_header(struct vigil_shm *m, int32_t pid, uint64_t start)
{
  m->h.version = VIGIL_SHM_VERSION;
  m->h.size = VIGIL_SHM_SIZE;
  m->h.pid = pid;
  m->h.flags = image_flags;
  m->h.start_time = start;
  m->h.pidns = self_pidns;
  m->h.ndest = VIGIL_NDEST;
  m->h.nhist = VIGIL_NHIST;
  m->h.counters_off = offsetof(struct vigil_shm, c);
  m->h.ncounters = VIGIL_NCOUNTERS;
  m->h.dest_off = offsetof(struct vigil_shm, dest);
  m->h.exec_pending = 0;
  m->h.attaches = 1;
  /* Last: a reader that sees the magic sees a complete header. */
  __atomic_store_n(&m->h.magic, VIGIL_SHM_MAGIC, __ATOMIC_RELEASE);
}

/* An existing file with our own pid and start time: we are the same process after an exec. */
static int reusable(const struct vigil_shm *m, int32_t pid, uint64_t start)
{
  return __atomic_load_n(&m->h.magic, __ATOMIC_ACQUIRE) == VIGIL_SHM_MAGIC && m->h.version == VIGIL_SHM_VERSION &&
         m->h.size == VIGIL_SHM_SIZE && m->h.pid == pid && m->h.start_time == start && m->h.ndest == VIGIL_NDEST &&
         m->h.nhist == VIGIL_NHIST && m->h.counters_off == offsetof(struct vigil_shm, c) &&
         m->h.ncounters == VIGIL_NCOUNTERS && m->h.dest_off == offsetof(struct vigil_shm, dest);
}

static struct vigil_shm *attach_in(const char *dir, int fork_child, int32_t pid, uint64_t start)
{
  int dfd = open_dir_checked(dir);
  if (dfd < 0) return NULL;
  char name[64];
  size_t at = put_u64(name, 0, sizeof name, (uint64_t)pid);
  at = put_str(name, at, sizeof name, "-");
  at = put_u64(name, at, sizeof name, start);
  put_str(name, at, sizeof name, ".shm");

  int created = 1;
  int fd = openat(dfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    /* Reserve every page now: a sparse tmpfs file would SIGBUS the program on first touch when
     * /dev/shm fills up. */
    if (posix_fallocate(fd, 0, VIGIL_SHM_SIZE) != 0) {
      sys_close(fd);
      unlinkat(dfd, name, 0);
      sys_close(dfd);
      return NULL;
    }
  } else if (errno == EEXIST && !fork_child) {
    created = 0;
    fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1 ||
        st.st_size != (off_t)VIGIL_SHM_SIZE) {
      if (fd >= 0) sys_close(fd);
      sys_close(dfd);
      return NULL;
    }
  } else {
    sys_close(dfd);
    return NULL;
  }
  void *p = mmap(NULL, VIGIL_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  sys_close(fd);
  if (p == MAP_FAILED) {
    if (created) unlinkat(dfd, name, 0);
    sys_close(dfd);
    return NULL;
  }
  sys_close(dfd);
  struct vigil_shm *m = p;
  if (created) {
    init_header(m, pid, start);
  } else {
    if (!reusable(m, pid, start)) {
      munmap(p, VIGIL_SHM_SIZE);
      return NULL;
    }
    /* The exec replaced the heap: whatever the previous image had outstanding is gone. Kept monotonic by
     * counting it as freed. */
    uint64_t out = m->c[VIGIL_C_INHERITED_BYTES] + m->c[VIGIL_C_ALLOC_BYTES] - m->c[VIGIL_C_FREE_BYTES];
    if ((int64_t)out > 0) add(&m->c[VIGIL_C_FREE_BYTES], out);
    __atomic_store_n(&m->h.flags, image_flags, __ATOMIC_RELAXED);
    add(&m->h.attaches, 1);
    __atomic_store_n(&m->h.exec_pending, 0, __ATOMIC_RELEASE);
  }
  return m;
}

static struct vigil_shm *attach(int fork_child)
{
  uint64_t start;
  int32_t pid = (int32_t)syscall(SYS_getpid);
  if (self_start_time(&start) != 0) return NULL;
  struct vigil_shm *m = attach_in(dir_main, fork_child, pid, start);
  if (!m && dir_fallback[0]) m = attach_in(dir_fallback, fork_child, pid, start);
  return m;
}

/* Moves what was counted into the static block into the file, then makes the file current. */
static void go_live(struct vigil_shm *m)
{
  for (int i = 0; i < VIGIL_NCOUNTERS; i++) {
    uint64_t v = __atomic_exchange_n(&dummy.c[i], 0, __ATOMIC_RELAXED);
    if (v) add(&m->c[i], v);
  }
  __atomic_store_n(&cur, m, __ATOMIC_RELEASE);
}

/*
 * fork(): the child inherits the parent's MAP_SHARED mapping and must not count into it. Runs in the child
 * before fork() returns there, with only async-signal-safe calls (the parent may have had other threads).
 */
static void atfork_child(void)
{
  int e = errno;
  struct vigil_shm *old = shm();
  /* Until the child has its own file, count privately (a signal handler may run meanwhile). */
  memset(dummy.c, 0, sizeof dummy.c);
  __atomic_store_n(&cur, &dummy, __ATOMIC_RELEASE);
  struct vigil_shm *m = attach(1);
  if (m && old != &dummy) {
    /* Keep destination slots at the same indices: the inherited fd cache refers to them. */
    for (int i = 0; i < VIGIL_NDEST; i++) {
      if (__atomic_load_n(&old->dest[i].state, __ATOMIC_ACQUIRE) != 2) continue;
      m->dest[i].family = old->dest[i].family;
      m->dest[i].port = old->dest[i].port;
      memcpy(m->dest[i].addr, old->dest[i].addr, 16);
      m->dest[i].flags = old->dest[i].flags;
      __atomic_store_n(&m->dest[i].state, 2, __ATOMIC_RELEASE);
    }
    /* The child starts with the parent's heap. */
    uint64_t out = old->c[VIGIL_C_INHERITED_BYTES] + old->c[VIGIL_C_ALLOC_BYTES] - old->c[VIGIL_C_FREE_BYTES];
    if ((int64_t)out > 0) m->c[VIGIL_C_INHERITED_BYTES] = out;
  }
  if (m) go_live(m);
  if (old != &dummy) munmap(old, VIGIL_SHM_SIZE);
  errno = e;
}

/* ------------------------------------------------------------------------------------------------ */
/* The fd cache                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

/*
 * One uint16 per fd: bits 0-2 the type, bit 3 a connect in progress, bits 4-11 the destination slot + 1
 * (0 none, FD_DEST_OVF: the table was full). 2 MiB of .bss, untouched (and so unallocated) beyond the
 * highest fd the process uses. fds at or above FDMAX (nr_open's default) are counted as untracked.
 */
#define FDMAX (1 << 20)
#define T_UNKNOWN 0
#define T_NOTSOCK 1
#define T_CLASS(c) ((c) + 2)
#define FI_TYPE(v) ((v) & 7u)
#define FI_PENDING 8u
#define FI_DEST(v) (((v) >> 4) & 0xffu)
#define FI_MK(type, dest) ((uint16_t)((type) | ((dest) << 4)))
#define FD_DEST_OVF 0xffu

static uint16_t fdinfo[FDMAX];
static int fd_hi = -1; /* highest fd ever given a non-zero entry: bounds close_range's clearing */

static inline uint16_t fi_load(int fd) { return __atomic_load_n(&fdinfo[fd], __ATOMIC_RELAXED); }

static inline void fi_store(int fd, uint16_t v)
{
  if ((unsigned)fd >= FDMAX) return;
  __atomic_store_n(&fdinfo[fd], v, __ATOMIC_RELAXED);
  if (v) {
    int hi = __atomic_load_n(&fd_hi, __ATOMIC_RELAXED);
    while (fd > hi && !__atomic_compare_exchange_n(&fd_hi, &hi, fd, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
  }
}

static void fi_clear_range(unsigned first, unsigned last)
{
  int hi = __atomic_load_n(&fd_hi, __ATOMIC_RELAXED);
  if (hi < 0 || first > (unsigned)hi) return;
  if (last > (unsigned)hi) last = (unsigned)hi;
  for (unsigned fd = first; fd <= last; fd++) __atomic_store_n(&fdinfo[fd], 0, __ATOMIC_RELAXED);
}

static int class_of(int domain, int type, int proto)
{
  type &= 0xf; /* SOCK_NONBLOCK / SOCK_CLOEXEC ride in socket()'s type */
  if (domain == AF_UNIX) return VIGIL_UNIX;
  if (domain != AF_INET && domain != AF_INET6) return VIGIL_OTHER;
  if (type == SOCK_STREAM && (proto == 0 || proto == IPPROTO_TCP || proto == IPPROTO_MPTCP)) return VIGIL_TCP;
  if (type == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE)) return VIGIL_UDP;
  return VIGIL_OTHER_INET; /* raw, ICMP ping sockets, SCTP */
}

static inline int is_inet_class(int cls) { return cls == VIGIL_TCP || cls == VIGIL_UDP || cls == VIGIL_OTHER_INET; }

/* ------------------------------------------------------------------------------------------------ */
/* Destinations                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

struct dkey {
  uint16_t family, port;
  uint32_t flags;
  uint8_t addr[16];
};

static int dkey_of(const struct sockaddr *sa, socklen_t len, uint32_t flags, struct dkey *k)
{
  if (!sa || len < (socklen_t)sizeof(sa_family_t)) return 0;
  memset(k, 0, sizeof *k);
  if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    k->family = AF_INET;
    memcpy(k->addr, &s4->sin_addr, 4);
    k->port = ntohs(s4->sin_port);
  } else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      k->family = AF_INET;
      memcpy(k->addr, &s6->sin6_addr.s6_addr[12], 4);
    } else {
      k->family = AF_INET6;
      memcpy(k->addr, &s6->sin6_addr, 16);
    }
    k->port = ntohs(s6->sin6_port);
  } else {
    return 0;
  }
  k->flags = flags;
  if (flags & VIGIL_DEST_INBOUND) k->port = 0;
  return 1;
}

static inline int dkey_eq(const struct vigil_dest *d, const struct dkey *k)
{
  return d->family == k->family && d->port == k->port && d->flags == k->flags && memcmp(d->addr, k->addr, 16) == 0;
}

/*
 * Slot + 1 for this peer, claiming an empty slot if it is new: lock-free (a CAS per claim), so safe from
 * any thread or signal handler. Two threads racing on a new peer may claim two slots for it; the reader
 * sums slots with equal keys. Slots are never freed, so a found key stays valid for the process's life.
 */
static unsigned dest_code_key(const struct dkey *k)
{
  struct vigil_shm *s = shm();
  if (s == &dummy) return 0;
  uint64_t a, b;
  memcpy(&a, k->addr, 8);
  memcpy(&b, k->addr + 8, 8);
  uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)k->port << 17) ^ k->family ^ ((uint64_t)k->flags << 40)) *
               0xff51afd7ed558ccdULL;
  unsigned start = (unsigned)(h >> 58) % VIGIL_NDEST;
  for (unsigned i = 0; i < VIGIL_NDEST; i++) {
    unsigned idx = (start + i) % VIGIL_NDEST;
    struct vigil_dest *d = &s->dest[idx];
    uint32_t st = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE);
    if (st == 0) {
      if (__atomic_compare_exchange_n(&d->state, &st, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
        d->family = k->family;
        d->port = k->port;
        d->flags = k->flags;
        memcpy(d->addr, k->addr, 16);
        __atomic_store_n(&d->state, 2, __ATOMIC_RELEASE);
        return idx + 1;
      }
    }
    if (st == 2 && dkey_eq(d, k)) return idx + 1;
  }
  return FD_DEST_OVF;
}

static unsigned dest_code(const struct sockaddr *sa, socklen_t len, uint32_t flags)
{
  struct dkey k;
  if (!dkey_of(sa, len, flags, &k)) return 0;
  return dest_code_key(&k);
}

static inline void dest_add(struct vigil_shm *s, unsigned code, int tx, uint64_t bytes, uint64_t calls)
{
  if (!code) return;
  if (code == FD_DEST_OVF) {
    add(&s->c[tx ? VIGIL_C_DEST_OVF_TX_BYTES : VIGIL_C_DEST_OVF_RX_BYTES], bytes);
    add(&s->c[tx ? VIGIL_C_DEST_OVF_TX_CALLS : VIGIL_C_DEST_OVF_RX_CALLS], calls);
    return;
  }
  if (s == &dummy || code > VIGIL_NDEST) return;
  struct vigil_dest *d = &s->dest[code - 1];
  add(tx ? &d->tx_bytes : &d->rx_bytes, bytes);
  add(tx ? &d->tx_calls : &d->rx_calls, calls);
}

/* ------------------------------------------------------------------------------------------------ */
/* Classifying fds the shim did not see created (inherited, received, made inside libc)              */
/* ------------------------------------------------------------------------------------------------ */

static uint16_t classify(int fd)
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
/* Connect latency                                                                                   */
/* ------------------------------------------------------------------------------------------------ */

static inline uint64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no syscall */
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Non-blocking connects in flight: fd + 1 (0 free, -1 being claimed) and the time connect() was called. */
#define NPEND 64
static struct {
  int key;
  uint64_t t;
} pend[NPEND];

static int pend_put(int fd, uint64_t t)
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

static int pend_take(int fd, uint64_t *t)
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

static void record_latency(struct vigil_shm *s, uint64_t ns)
{
  uint64_t us = ns / 1000;
  int b = us ? 63 - __builtin_clzll(us) : 0;
  if (b >= VIGIL_NHIST) b = VIGIL_NHIST - 1;
  add(&s->c[VIGIL_C_LAT_COUNT], 1);
  add(&s->c[VIGIL_C_LAT_SUM_NS], ns);
  add(&s->c[VIGIL_C_LAT_HIST + b], 1);
}

/* A pending connect finished: ok = it connected. Clears the fd's pending bit. */
static void pend_finish(int fd, int ok)
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

/* ------------------------------------------------------------------------------------------------ */
/* Counting                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

static inline uint16_t fd_info(int fd)
{
  uint16_t fi = fi_load(fd);
  if (UNLIKELY(fi == T_UNKNOWN)) fi = classify(fd);
  return fi;
}

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

/* ------------------------------------------------------------------------------------------------ */
/* Socket wrappers                                                                                   */
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
  if (r > 0) {
    uint64_t total = 0;
    for (int i = 0; i < r; i++) total += vec[i].msg_len;
    if (total == 0) return r;
    /* One call; per-destination calls count messages, since each may go elsewhere. */
    struct vigil_shm *s = shm();
    if ((unsigned)fd < FDMAX) {
      uint16_t fi = fd_info(fd);
      if (FI_TYPE(fi) >= 2) {
        int cls = (int)FI_TYPE(fi) - 2;
        add(&s->c[VIGIL_IO_CALLS(cls, VIGIL_F_SENDMMSG)], 1);
        add(&s->c[VIGIL_IO_BYTES(cls, VIGIL_F_SENDMMSG)], total);
        for (int i = 0; i < r; i++) {
          unsigned d = addr_code(vec[i].msg_hdr.msg_name, vec[i].msg_hdr.msg_namelen);
          dest_add(s, d ? d : FI_DEST(fi), 1, vec[i].msg_len, 1);
        }
      }
    } else {
      add(&s->c[VIGIL_C_UNTRACKED], 1);
    }
  }
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
    if (flags & MSG_PEEK) return r;
    uint64_t total = 0;
    for (int i = 0; i < r; i++) total += vec[i].msg_len;
    if (total == 0) return r;
    struct vigil_shm *s = shm();
    if ((unsigned)fd < FDMAX) {
      uint16_t fi = fd_info(fd);
      if (FI_TYPE(fi) >= 2) {
        int cls = (int)FI_TYPE(fi) - 2;
        add(&s->c[VIGIL_IO_CALLS(cls, VIGIL_F_RECVMMSG)], 1);
        add(&s->c[VIGIL_IO_BYTES(cls, VIGIL_F_RECVMMSG)], total);
        for (int i = 0; i < r; i++) {
          const struct msghdr *h = &vec[i].msg_hdr;
          unsigned d = h->msg_name && h->msg_namelen > 0 ? dest_code(h->msg_name, h->msg_namelen, 0) : 0;
          dest_add(s, d ? d : FI_DEST(fi), 0, vec[i].msg_len, 1);
        }
      }
    } else {
      add(&s->c[VIGIL_C_UNTRACKED], 1);
    }
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

/* ------------------------------------------------------------------------------------------------ */
/* Where fds are born and die                                                                        */
/* ------------------------------------------------------------------------------------------------ */

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

EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *alen, int flags)
{
  NEED(accept4);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int own = addr == NULL; /* ask for the peer anyway: the kernel has it, no extra syscall */
  int r = real_accept4(fd, own ? (struct sockaddr *)&ss : addr, own ? &sl : alen, flags);
  if (r >= 0) {
    int e = errno;
    if (own) accepted(fd, r, (struct sockaddr *)&ss, sl);
    else accepted(fd, r, addr, alen ? (*alen < (socklen_t)sizeof ss ? *alen : (socklen_t)sizeof ss) : 0);
    errno = e;
  }
  return r;
}

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *alen)
{
  NEED(accept);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int own = addr == NULL;
  int r = real_accept(fd, own ? (struct sockaddr *)&ss : addr, own ? &sl : alen);
  if (r >= 0) {
    int e = errno;
    if (own) accepted(fd, r, (struct sockaddr *)&ss, sl);
    else accepted(fd, r, addr, alen ? (*alen < (socklen_t)sizeof ss ? *alen : (socklen_t)sizeof ss) : 0);
    errno = e;
  }
  return r;
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

static void forget_fd(int fd)
{
  if ((unsigned)fd >= FDMAX) return;
  if (fi_load(fd) & FI_PENDING) {
    uint64_t t;
    pend_take(fd, &t); /* abandoned: neither a success nor a failure */
  }
  __atomic_store_n(&fdinfo[fd], 0, __ATOMIC_RELAXED);
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

static void copy_fd(int from, int to)
{
  if ((unsigned)to >= FDMAX) return;
  uint16_t v = (unsigned)from < FDMAX ? (uint16_t)(fi_load(from) & ~FI_PENDING) : T_UNKNOWN;
  if (to != from) fi_store(to, v);
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

/* ------------------------------------------------------------------------------------------------ */
/* fork and exec                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

/* _Fork (glibc 2.34) skips atfork handlers; the child still needs its own file. */
EXPORT pid_t _Fork(void)
{
  NEED(_Fork);
  pid_t r = real__Fork();
  if (r == 0) atfork_child();
  return r;
}

/*
 * Before an exec the file is marked: the new image clears the mark when it attaches (same pid, same start
 * time). A mark that stays means the new image runs without the shim (static, setuid, environment
 * cleared): vigil then shows n/a for the process instead of frozen counters. A vfork child shares our
 * memory but not our pid: it must not mark the parent's file.
 */
static int exec_begin(void)
{
  struct vigil_shm *s = shm();
  if (s == &dummy || s->h.pid != (int32_t)syscall(SYS_getpid)) return 0;
  __atomic_store_n(&s->h.exec_pending, 1, __ATOMIC_RELEASE);
  return 1;
}

static void exec_failed(int marked)
{
  if (!marked) return;
  __atomic_store_n(&shm()->h.exec_pending, 0, __ATOMIC_RELEASE);
}

#define EXEC_WRAP(name, call)      \
  do {                             \
    NEED(name);                    \
    int m = exec_begin();          \
    int r = call;                  \
    int e = errno;                 \
    exec_failed(m);                \
    errno = e;                     \
    return r;                      \
  } while (0)

EXPORT int execve(const char *p, char *const argv[], char *const envp[]) { EXEC_WRAP(execve, real_execve(p, argv, envp)); }
EXPORT int execv(const char *p, char *const argv[]) { EXEC_WRAP(execv, real_execv(p, argv)); }
EXPORT int execvp(const char *f, char *const argv[]) { EXEC_WRAP(execvp, real_execvp(f, argv)); }
EXPORT int execvpe(const char *f, char *const argv[], char *const envp[])
{
  EXEC_WRAP(execvpe, real_execvpe(f, argv, envp));
}
EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) { EXEC_WRAP(fexecve, real_fexecve(fd, argv, envp)); }
EXPORT int execveat(int dfd, const char *p, char *const argv[], char *const envp[], int flags)
{
  EXEC_WRAP(execveat, real_execveat(dfd, p, argv, envp, flags));
}

/* The execl family is variadic; the argument vector is built on the stack, as glibc does. */
#define COUNT_ARGS(first, n)                      \
  do {                                            \
    va_list ap;                                   \
    va_start(ap, first);                          \
    n = first ? 1 : 0;                            \
    if (first)                                    \
      while (va_arg(ap, char *)) n++;             \
    va_end(ap);                                   \
  } while (0)

EXPORT int execl(const char *p, const char *arg, ...)
{
  size_t n;
  COUNT_ARGS(arg, n);
  char *argv[n + 1];
  va_list ap;
  va_start(ap, arg);
  if (n) argv[0] = (char *)arg;
  for (size_t i = 1; i < n; i++) argv[i] = va_arg(ap, char *);
  argv[n] = NULL;
  va_end(ap);
  EXEC_WRAP(execv, real_execv(p, argv));
}

EXPORT int execlp(const char *f, const char *arg, ...)
{
  size_t n;
  COUNT_ARGS(arg, n);
  char *argv[n + 1];
  va_list ap;
  va_start(ap, arg);
  if (n) argv[0] = (char *)arg;
  for (size_t i = 1; i < n; i++) argv[i] = va_arg(ap, char *);
  argv[n] = NULL;
  va_end(ap);
  EXEC_WRAP(execvp, real_execvp(f, argv));
}

EXPORT int execle(const char *p, const char *arg, ...)
{
  size_t n;
  COUNT_ARGS(arg, n);
  char *argv[n + 1];
  va_list ap;
  va_start(ap, arg);
  if (n) argv[0] = (char *)arg;
  for (size_t i = 1; i < n; i++) argv[i] = va_arg(ap, char *);
  if (n) (void)va_arg(ap, char *); /* the terminating NULL */
  argv[n] = NULL;
  char *const *envp = va_arg(ap, char *const *);
  va_end(ap);
  EXEC_WRAP(execve, real_execve(p, argv, envp));
}

/* ------------------------------------------------------------------------------------------------ */
/* Allocations (vigil run --alloc builds this file with -DVIGIL_ALLOC)                               */
/* ------------------------------------------------------------------------------------------------ */

#ifdef VIGIL_ALLOC

/*
 * dlsym() may itself allocate before the real malloc is known: those requests are served from a static
 * bump arena, never freed, recognised by address in free/realloc/malloc_usable_size.
 */
#define ARENA_SIZE (256 * 1024)
static char arena[ARENA_SIZE] __attribute__((aligned(64)));
static size_t arena_top;

static void *arena_alloc(size_t n, size_t align)
{
  if (align < 16) align = 16;
  size_t top = __atomic_load_n(&arena_top, __ATOMIC_RELAXED);
  for (;;) {
    size_t p = (top + sizeof(size_t) + align - 1) & ~(align - 1);
    size_t end = p + n;
    if (end < p || end > ARENA_SIZE) return NULL;
    if (__atomic_compare_exchange_n(&arena_top, &top, end, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
      memcpy(arena + p - sizeof(size_t), &n, sizeof n);
      return arena + p;
    }
  }
}

static inline int in_arena(const void *p) { return (const char *)p >= arena && (const char *)p < arena + ARENA_SIZE; }

static size_t arena_size(const void *p)
{
  size_t n;
  memcpy(&n, (const char *)p - sizeof(size_t), sizeof n);
  return n;
}

/* True when the real allocator is usable; false means: serve this one from the arena. */
static inline int alloc_ready(void)
{
  if (LIKELY(real_malloc != NULL)) return 1;
  if (in_resolve) return 0;
  resolve_all();
  return real_malloc != NULL;
}

static inline void count_alloc(int which, void *p)
{
  struct vigil_shm *s = shm();
  add(&s->c[which], 1);
  add(&s->c[VIGIL_C_ALLOC_BYTES], real_malloc_usable_size(p));
}

EXPORT void *malloc(size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, 16);
  void *p = real_malloc(n);
  if (p) count_alloc(VIGIL_C_MALLOC_CALLS, p);
  return p;
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
  if (UNLIKELY(!alloc_ready())) {
    size_t n;
    if (__builtin_mul_overflow(nmemb, size, &n)) return NULL;
    return arena_alloc(n, 16); /* the arena is .bss, never reused: already zero */
  }
  void *p = real_calloc(nmemb, size);
  if (p) count_alloc(VIGIL_C_CALLOC_CALLS, p);
  return p;
}

EXPORT void free(void *p)
{
  if (!p || in_arena(p)) return;
  if (UNLIKELY(!alloc_ready())) return; /* cannot happen: p came from the real allocator */
  size_t n = real_malloc_usable_size(p);
  real_free(p);
  struct vigil_shm *s = shm();
  add(&s->c[VIGIL_C_FREE_CALLS], 1);
  add(&s->c[VIGIL_C_FREE_BYTES], n);
}

EXPORT void *realloc(void *p, size_t n)
{
  if (UNLIKELY(!alloc_ready())) {
    void *q = arena_alloc(n, 16);
    if (q && p && in_arena(p)) memcpy(q, p, arena_size(p) < n ? arena_size(p) : n);
    return q;
  }
  struct vigil_shm *s;
  if (p && in_arena(p)) {
    void *q = real_malloc(n ? n : 1);
    if (!q) return NULL;
    memcpy(q, p, arena_size(p) < n ? arena_size(p) : n);
    count_alloc(VIGIL_C_REALLOC_CALLS, q);
    return q;
  }
  size_t old = p ? real_malloc_usable_size(p) : 0;
  void *q = real_realloc(p, n);
  s = shm();
  if (q) {
    add(&s->c[VIGIL_C_REALLOC_CALLS], 1);
    add(&s->c[VIGIL_C_ALLOC_BYTES], real_malloc_usable_size(q));
    if (old) add(&s->c[VIGIL_C_FREE_BYTES], old);
  } else if (p && n == 0) {
    /* glibc's realloc(p, 0) frees p and returns NULL. */
    add(&s->c[VIGIL_C_REALLOC_CALLS], 1);
    add(&s->c[VIGIL_C_FREE_BYTES], old);
  }
  return q;
}

/* glibc's reallocarray may reach realloc without passing through the PLT: done here, once. */
EXPORT void *reallocarray(void *p, size_t nmemb, size_t size)
{
  size_t n;
  if (__builtin_mul_overflow(nmemb, size, &n)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, n);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
  if (UNLIKELY(!alloc_ready())) {
    void *p = arena_alloc(n, align);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
  }
  int r = real_posix_memalign(out, align, n);
  if (r == 0) count_alloc(VIGIL_C_MEMALIGN_CALLS, *out);
  return r;
}

EXPORT void *memalign(size_t align, size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, align);
  void *p = real_memalign(align, n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, align);
  void *p = real_aligned_alloc(align, n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT void *valloc(size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, 4096);
  void *p = real_valloc(n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT void *pvalloc(size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc((n + 4095) & ~(size_t)4095, 4096);
  void *p = real_pvalloc(n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT size_t malloc_usable_size(void *p)
{
  if (!p) return 0;
  if (in_arena(p)) return arena_size(p);
  if (UNLIKELY(!alloc_ready())) return 0;
  return real_malloc_usable_size(p);
}

#endif /* VIGIL_ALLOC */

/* ------------------------------------------------------------------------------------------------ */
/* Constructor                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

static int abs_path(const char *p) { return p && p[0] == '/'; }

static void choose_dirs(void)
{
  char uid[24];
  put_u64(uid, 0, sizeof uid, (uint64_t)geteuid());
  size_t at = put_str(dir_fallback, 0, sizeof dir_fallback, "/dev/shm/vigil-");
  put_str(dir_fallback, at, sizeof dir_fallback, uid);
  const char *forced = getenv("VIGIL_SHIM_DIR");
  if (forced) {
    /* Exactly this directory or nothing: a test or vigil run chose it. */
    if (abs_path(forced) && strlen(forced) < sizeof dir_main) put_str(dir_main, 0, sizeof dir_main, forced);
    dir_fallback[0] = 0;
    return;
  }
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (abs_path(xdg) && strlen(xdg) + 8 < sizeof dir_main) {
    at = put_str(dir_main, 0, sizeof dir_main, xdg);
    put_str(dir_main, at, sizeof dir_main, "/vigil");
    return;
  }
  put_str(dir_main, 0, sizeof dir_main, dir_fallback);
  dir_fallback[0] = 0;
}

/*
 * Every copy of the shim exports this. With two copies preloaded (both variants, or two installs), the
 * first one's wrappers call the second one's, and both would count every call into the same file: only
 * the copy that the global scope resolves first attaches; the others count into their private block.
 */
static const int marker_local = VIGIL_SHM_VERSION; /* its own address, never interposed */
extern const int vigil_shim_marker __attribute__((alias("marker_local"), visibility("default")));

__attribute__((constructor(101))) static void vigil_init(void)
{
  int e = errno;
  if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) resolve_all();
#ifdef VIGIL_ALLOC
  image_flags = VIGIL_FLAG_ALLOC;
#endif
  in_resolve = 1; /* dlsym may allocate: from the arena, not through a half-initialised path */
  const void *first = dlsym(RTLD_DEFAULT, "vigil_shim_marker");
  in_resolve = 0;
  if (first && first != (const void *)&marker_local) {
    errno = e;
    return;
  }
  /* Secure-execution (setuid, capabilities): never create files as the elevated user. */
  if (getauxval(AT_SECURE)) {
    errno = e;
    return;
  }
  struct stat st;
  if (stat("/proc/self/ns/pid", &st) == 0) self_pidns = (uint64_t)st.st_ino;
  choose_dirs();
  struct vigil_shm *m = attach(0);
  if (m) go_live(m);
  pthread_atfork(NULL, NULL, atfork_child);
  errno = e;
}
