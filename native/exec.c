/*
 * fork and exec: a child of fork() (or _Fork) gets its own file (atfork_child, preload.c); an exec is
 * marked in the file so that an image without the shim shows as n/a instead of frozen counters.
 */
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

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

/*
 * The execl family is variadic: argv is built on the stack from arg and the arguments after it up to the
 * NULL, as glibc does (glibc declares arg non-null, so argv[0] is always there). n_: the count.
 */
#define VA_ARGV(arg, argv)                                                      \
  size_t n_ = 1;                                                                \
  {                                                                             \
    va_list ap_;                                                                \
    va_start(ap_, arg);                                                         \
    while (va_arg(ap_, char *)) n_++;                                           \
    va_end(ap_);                                                                \
  }                                                                             \
  char *argv[n_ + 1];                                                           \
  {                                                                             \
    va_list ap_;                                                                \
    va_start(ap_, arg);                                                         \
    argv[0] = (char *)(arg);                                                    \
    for (size_t i_ = 1; i_ < n_; i_++) argv[i_] = va_arg(ap_, char *);          \
    va_end(ap_);                                                                \
  }                                                                             \
  argv[n_] = NULL

EXPORT int execl(const char *p, const char *arg, ...)
{
  VA_ARGV(arg, argv);
  EXEC_WRAP(execv, real_execv(p, argv));
}

EXPORT int execlp(const char *f, const char *arg, ...)
{
  VA_ARGV(arg, argv);
  EXEC_WRAP(execvp, real_execvp(f, argv));
}

/* execle: after the arguments and their NULL comes envp. */
EXPORT int execle(const char *p, const char *arg, ...)
{
  VA_ARGV(arg, argv);
  va_list ap;
  va_start(ap, arg);
  for (size_t i = 1; i <= n_; i++) (void)va_arg(ap, char *);
  char *const *envp = va_arg(ap, char *const *);
  va_end(ap);
  EXEC_WRAP(execve, real_execve(p, argv, envp));
}
