/*
 * Why: a node process's resident set is ~46 MB of file pages (the 98 MB node binary's .text, .rodata,
 * .dynstr/.dynsym, its embedded ICU data, and the shared libraries), of which vigil's steady state uses
 * about 20 MB. The rest was mapped at start-up, mostly by the kernel's fault-around (each file page fault
 * maps up to 16 neighbouring pages that are in the page cache) and by start-up code that never runs again.
 *
 * What: madvise(MADV_DONTNEED) on every private, read-only, file-backed mapping whose smaps says it holds no
 * anonymous (copied-on-write) page. For such a mapping this only removes page table entries: the pages stay
 * in the page cache, and a later access faults the same bytes back from it (a minor fault), exactly as after
 * the kernel reclaims a clean page under memory pressure. A mapping with copied pages (RELRO after
 * relocation, text a debugger patched) is skipped, since DONTNEED would drop the copy; writable mappings are
 * never touched.
 *
 * Then malloc_trim(0), for the anonymous side: see below.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include "trim.h"

#define MAX_RANGES 2048

typedef struct {
  unsigned long start, end;
} range_t;

int trim_file_pages(double *out) {
  for (int i = 0; i < TRIM_N; i++) out[i] = 0;
  FILE *f = fopen("/proc/self/smaps", "re");
  if (!f) return -errno;
  static range_t ranges[MAX_RANGES];
  int n = 0;
  char line[4096];
  unsigned long start = 0, end = 0;
  long rss = 0;
  int candidate = 0; /* the current mapping is private, read-only and file-backed */
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perms[8];
    int off = 0;
    /* A mapping's header line: "start-end perms offset dev inode   path". Field lines start with a name. */
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &a, &b, perms, &off) == 3 && off > 0) {
      start = a;
      end = b;
      rss = 0;
      const char *path = line + off;
      candidate = perms[0] == 'r' && perms[1] != 'w' && perms[3] == 'p' && path[0] == '/';
      continue;
    }
    if (!candidate) continue;
    long v;
    if (strncmp(line, "Rss:", 4) == 0 && sscanf(line + 4, "%ld", &v) == 1) {
      rss = v;
    } else if (strncmp(line, "Anonymous:", 10) == 0 && sscanf(line + 10, "%ld", &v) == 1) {
      candidate = 0;
      if (v != 0) {
        out[TRIM_SKIPPED]++;
      } else if (rss > 0 && n < MAX_RANGES) {
        ranges[n].start = start;
        ranges[n].end = end;
        n++;
        out[TRIM_KB] += (double)rss;
      }
    }
  }
  fclose(f);
  /* After the file is closed: no smaps read is in flight while page tables change. */
  for (int i = 0; i < n; i++)
    if (madvise((void *)ranges[i].start, ranges[i].end - ranges[i].start, MADV_DONTNEED) == 0) out[TRIM_MAPPINGS]++;
  /* The same for malloc: free memory that glibc keeps in its arenas (one per thread that allocated: V8's
   * compiler and GC threads, libuv's) is given back with madvise, as free() alone does only at an arena's
   * top. */
  malloc_trim(0);
  return 0;
}
