/*
 * vigil's LD_PRELOAD shim: counts a process's socket traffic (and, built with -DVIGIL_ALLOC, its heap
 * allocations) into a per-process shared-memory file that vigil reads each tick. Layout: vigil_shm.h;
 * the rules every file of the shim follows: shim.h.
 *
 * This file: resolving the real functions, creating or reusing the process's file (attach), a fork
 * child's own file, and the constructor. The wrappers: io.c (send/recv/read/write), fds.c (where fds are
 * born and die; connect), exec.c (fork and exec), alloc.c (--alloc). Helpers: fdcache.c, dest.c.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

/* ------------------------------------------------------------------------------------------------ */
/* Real functions                                                                                   */
/* ------------------------------------------------------------------------------------------------ */

ssize_t (*real_send)(int, const void *, size_t, int);
ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
ssize_t (*real_write)(int, const void *, size_t);
ssize_t (*real_writev)(int, const struct iovec *, int);
ssize_t (*real_sendfile)(int, int, off_t *, size_t);
ssize_t (*real_sendfile64)(int, int, off64_t *, size_t);
ssize_t (*real_recv)(int, void *, size_t, int);
ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
ssize_t (*real_recvmsg)(int, struct msghdr *, int);
int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
ssize_t (*real_read)(int, void *, size_t);
ssize_t (*real_readv)(int, const struct iovec *, int);
ssize_t (*real___read_chk)(int, void *, size_t, size_t);
ssize_t (*real___recv_chk)(int, void *, size_t, size_t, int);
ssize_t (*real___recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
int (*real_socket)(int, int, int);
int (*real_socketpair)(int, int, int, int[2]);
int (*real_accept)(int, struct sockaddr *, socklen_t *);
int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
int (*real_connect)(int, const struct sockaddr *, socklen_t);
int (*real_getsockopt)(int, int, int, void *, socklen_t *);
int (*real_close)(int);
int (*real_close_range)(unsigned int, unsigned int, int);
void (*real_closefrom)(int);
int (*real_fclose)(FILE *);
int (*real_dup)(int);
int (*real_dup2)(int, int);
int (*real_dup3)(int, int, int);
pid_t (*real__Fork)(void);
int (*real_execve)(const char *, char *const[], char *const[]);
int (*real_execv)(const char *, char *const[]);
int (*real_execvp)(const char *, char *const[]);
int (*real_execvpe)(const char *, char *const[], char *const[]);
int (*real_fexecve)(int, char *const[], char *const[]);
int (*real_execveat)(int, const char *, char *const[], char *const[], int);

__thread int in_resolve TLS_IE;
int resolved;

#define RESOLVE(name) real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name)

void resolve_all(void)
{
  if (in_resolve) return;
  in_resolve = 1;
#ifdef VIGIL_ALLOC
  resolve_alloc(); /* first, so that dlsym's own allocations after it no longer need the arena */
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

/* ------------------------------------------------------------------------------------------------ */
/* The mapping                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

/* What lands in `dummy` before attach is folded into the file when it appears (go_live). */
struct vigil_shm dummy;
struct vigil_shm *cur = &dummy;

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

/* 1 in SWEEP_EVERY new files (by pid) sweeps the directory; VIGIL_SHIM_SWEEP=1: every one (tests). */
#define SWEEP_EVERY 64
#define SWEEP_MAX 4096
static int sweep_always;

/* "<pid>-<start>.shm": the pid, or 0 for any other name. */
static int32_t name_pid(const char *n)
{
  int64_t pid = 0;
  const char *p = n;
  while (*p >= '0' && *p <= '9' && pid < 0x7fffffff) pid = pid * 10 + (*p++ - '0');
  if (p == n || *p++ != '-' || *p < '0' || *p > '9') return 0;
  while (*p >= '0' && *p <= '9') p++;
  if (p[0] != '.' || p[1] != 's' || p[2] != 'h' || p[3] != 'm' || p[4] != 0) return 0;
  return pid > 0 && pid <= 0x7fffffff ? (int32_t)pid : 0;
}

/*
 * Files of processes that no longer exist, removed: vigil does this when it runs, but a program preloaded
 * with the shim while vigil is not running would otherwise leave 8 KiB of /dev/shm per process behind.
 * kill(pid, 0) failing with ESRCH is the test (EPERM: alive, someone else's). Bounded work, raw syscalls.
 */
static void sweep(int dfd, int32_t self)
{
  struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
  };
  char buf[4096] __attribute__((aligned(8)));
  int checked = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
    if (n <= 0) return;
    for (long off = 0; off < n;) {
      struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
      if (d->reclen == 0) return;
      off += d->reclen;
      int32_t pid = name_pid(d->name);
      if (pid == 0 || pid == self) continue;
      if (++checked > SWEEP_MAX) return;
      if (kill(pid, 0) != 0 && errno == ESRCH) unlinkat(dfd, d->name, 0);
    }
  }
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
    if (sweep_always || pid % SWEEP_EVERY == 0) sweep(dfd, pid);
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
void atfork_child(void)
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
/* Constructor                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

static int abs_path(const char *p) { return p && p[0] == '/'; }

static void choose_dirs(void)
{
  char uid[24];
  put_u64(uid, 0, sizeof uid, (uint64_t)geteuid());
  size_t at = put_str(dir_fallback, 0, sizeof dir_fallback, "/dev/shm/vigil-");
  put_str(dir_fallback, at, sizeof dir_fallback, uid);
  const char *sw = getenv("VIGIL_SHIM_SWEEP");
  sweep_always = sw && sw[0] == '1';
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
