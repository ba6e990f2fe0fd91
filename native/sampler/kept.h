/* Whole-file reads through kept fds (one pread per read), and the growable buffer they fill. */
#ifndef VIGIL_SAMPLER_KEPT_H
#define VIGIL_SAMPLER_KEPT_H
#include <stddef.h>
#include <sys/types.h>

typedef struct {
  char *buf;
  size_t cap;
} rbuf_t;

int rbuf_init(rbuf_t *b, size_t cap);
void rbuf_free(rbuf_t *b);

/*
 * Reads a whole file from offset 0 into b, growing it when it does not fit. seq_file fills a read with
 * whole records, so a read that stops 4 KiB short of the buffer's end has reached EOF (as preadAll in
 * src/sampler/procfile.ts). Returns the byte count, or -errno.
 */
ssize_t pread_all(int fd, rbuf_t *b);
/* At most max bytes from offset 0 (a cmdline can be 2 MiB; vigil keeps 4 KiB). */
ssize_t pread_head(int fd, rbuf_t *b, size_t max);
/* open + read + close; max 0 means the whole file. -errno on failure. */
ssize_t read_once(const char *path, rbuf_t *b, size_t max);
/* open(O_RDONLY|O_CLOEXEC), -errno on failure. */
int open_ro(const char *path);

/* The process or file went away (ENOENT, ESRCH, ENOTDIR) or is not ours (EACCES, EPERM). */
int gone_errno(int e);
int denied_errno(int e);

/* A system file read every tick; the bytes of its last parse, to skip a parse of the same bytes. */
typedef struct {
  char *path;
  int fd;
  int missing;
  char *last;
  size_t last_len, last_cap;
  int have_last;
} kept_t;

int kept_init(kept_t *k, const char *path);
/* The file's bytes in b; -1 when it is unavailable (and stays so: a kernel without PSI). */
ssize_t kept_read(kept_t *k, rbuf_t *b);
/* Whether these bytes are those of the last parse. */
int kept_same(const kept_t *k, const char *buf, size_t n);
/* Remember these bytes as parsed. */
int kept_commit(kept_t *k, const char *buf, size_t n);
void kept_close(kept_t *k);

#endif
