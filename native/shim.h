/*
 * Internal to the shim (the .c files of native/, linked into one library): what they share. Everything
 * here is hidden (the library is built with -fvisibility=hidden); only the wrappers marked EXPORT are
 * visible to the programs it is preloaded into. The file format vigil reads is in vigil_shm.h.
 *
 * The rules every file lives by (a traced program must never notice the shim):
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
#ifndef VIGIL_SHIM_H
#define VIGIL_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "vigil_shm.h"

#define EXPORT __attribute__((visibility("default")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
/* initial-exec: a global-dynamic TLS access may call malloc (__tls_get_addr) on first use. */
#define TLS_IE __attribute__((tls_model("initial-exec")))

/* ---- real functions (preload.c resolves them; alloc.c's own in resolve_alloc) --------------------- */

extern ssize_t (*real_send)(int, const void *, size_t, int);
extern ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
extern ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
extern int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
extern ssize_t (*real_write)(int, const void *, size_t);
extern ssize_t (*real_writev)(int, const struct iovec *, int);
extern ssize_t (*real_sendfile)(int, int, off_t *, size_t);
extern ssize_t (*real_sendfile64)(int, int, off64_t *, size_t);
extern ssize_t (*real_recv)(int, void *, size_t, int);
extern ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
extern ssize_t (*real_recvmsg)(int, struct msghdr *, int);
extern int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
extern ssize_t (*real_read)(int, void *, size_t);
extern ssize_t (*real_readv)(int, const struct iovec *, int);
extern ssize_t (*real___read_chk)(int, void *, size_t, size_t);
extern ssize_t (*real___recv_chk)(int, void *, size_t, size_t, int);
extern ssize_t (*real___recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
extern int (*real_socket)(int, int, int);
extern int (*real_socketpair)(int, int, int, int[2]);
extern int (*real_accept)(int, struct sockaddr *, socklen_t *);
extern int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
extern int (*real_connect)(int, const struct sockaddr *, socklen_t);
extern int (*real_getsockopt)(int, int, int, void *, socklen_t *);
extern int (*real_close)(int);
extern int (*real_close_range)(unsigned int, unsigned int, int);
extern void (*real_closefrom)(int);
extern int (*real_fclose)(FILE *);
extern int (*real_dup)(int);
extern int (*real_dup2)(int, int);
extern int (*real_dup3)(int, int, int);
extern pid_t (*real__Fork)(void);
extern int (*real_execve)(const char *, char *const[], char *const[]);
extern int (*real_execv)(const char *, char *const[]);
extern int (*real_execvp)(const char *, char *const[]);
extern int (*real_execvpe)(const char *, char *const[], char *const[]);
extern int (*real_fexecve)(int, char *const[], char *const[]);
extern int (*real_execveat)(int, const char *, char *const[], char *const[], int);

/* Set while this thread runs dlsym: allocations then come from alloc.c's static arena. */
extern __thread int in_resolve TLS_IE;
extern int resolved;
void resolve_all(void);
#ifdef VIGIL_ALLOC
void resolve_alloc(void);
#endif

/* Only before the constructor has run (another library's constructor calling us first). */
#define NEED(name)                                                                \
  do {                                                                            \
    if (UNLIKELY(!real_##name)) {                                                 \
      if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) resolve_all();           \
      if (!real_##name) { errno = ENOSYS; return -1; }                            \
    }                                                                             \
  } while (0)

/* ---- the mapping (preload.c) --------------------------------------------------------------------- */

/*
 * Counters go wherever `cur` points: the process's mapped file once attached, the private static block
 * `dummy` before that (and forever if attaching failed). So the hot path has no "attached?" branch.
 */
extern struct vigil_shm dummy;
extern struct vigil_shm *cur;

static inline struct vigil_shm *shm(void) { return __atomic_load_n(&cur, __ATOMIC_RELAXED); }
static inline void add(uint64_t *p, uint64_t v) { __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

/* fork(): makes the child count into a file of its own. */
void atfork_child(void);

/* ---- the fd cache (fdcache.c) -------------------------------------------------------------------- */

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

extern uint16_t fdinfo[FDMAX];

static inline uint16_t fi_load(int fd) { return __atomic_load_n(&fdinfo[fd], __ATOMIC_RELAXED); }
void fi_store(int fd, uint16_t v);
/* fd was closed: its entry (and any connect in flight on it) is forgotten. */
void forget_fd(int fd);
void fi_clear_range(unsigned first, unsigned last);
int class_of(int domain, int type, int proto);
static inline int is_inet_class(int cls) { return cls == VIGIL_TCP || cls == VIGIL_UDP || cls == VIGIL_OTHER_INET; }
/* Type (and peer) of an fd the shim did not see created: a few syscalls, once per fd. */
uint16_t classify(int fd);

static inline uint16_t fd_info(int fd)
{
  uint16_t fi = fi_load(fd);
  if (UNLIKELY(fi == T_UNKNOWN)) fi = classify(fd);
  return fi;
}

/* ---- connects in flight and their latency (fdcache.c) -------------------------------------------- */

static inline uint64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no syscall */
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int pend_put(int fd, uint64_t t);
int pend_take(int fd, uint64_t *t);
void record_latency(struct vigil_shm *s, uint64_t ns);
/* A pending connect finished: ok = it connected. Clears the fd's pending bit. */
void pend_finish(int fd, int ok);

/* ---- destinations (dest.c) ----------------------------------------------------------------------- */

/* Slot + 1 of this peer in the current file (claimed if new), FD_DEST_OVF when full, 0 if not IP. */
unsigned dest_code(const struct sockaddr *sa, socklen_t len, uint32_t flags);

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

#endif
