/* Parsers of the per-process files: /proc/PID/stat, schedstat, status, io. */
#ifndef VIGIL_SAMPLER_PIDFILES_H
#define VIGIL_SAMPLER_PIDFILES_H
#include "procs.h"

#define PF_KTHREAD_FLAG 0x00200000

typedef struct {
  int has_uid;
  uint64_t uid;
  int has_swap;
  double swap_bytes;
  int has_vol, has_invol;
  uint64_t vol, invol;
} pstatus_t;

void parse_status(const char *buf, size_t n, pstatus_t *out);
/* rchar wchar read_bytes write_bytes into out->v[0..3] (nul when absent). */
void parse_io(const char *buf, size_t n, slow_t *out);

#endif
