/* The system tier: every system-wide /proc file read through a kept fd and parsed into tables. */
#ifndef VIGIL_SAMPLER_SYSTEM_H
#define VIGIL_SAMPLER_SYSTEM_H
#include <stddef.h>
#include <stdint.h>
#include "kept.h"
#include "layout.h"

/* A Float64Array and its BigUint64Array twin, cap rows per column. */
typedef struct {
  double *f;
  uint64_t *u;
  size_t cap;
} table_t;

typedef struct {
  char name[64];
  size_t len;
} iname_t;

/* Names seen in a table (interfaces, disks), so that JS decodes each name once. */
typedef struct {
  iname_t v[1024];
  int n;
} names_t;

typedef struct {
  kept_t files[NSYS_FILES];
  rbuf_t rb;
  table_t scal, cpu, net, disk;
  unsigned char *arena;
  size_t arena_cap;
  names_t net_names, disk_names;
  /* The files whose kept bytes (files[i].last) are those of the last sys_read: what sys_text hands over. */
  uint32_t fresh;
} sys_t;

sys_t *sys_create(const char *proc_root);
/* Reads every file. Returns the changed bits (0..10), the unavailable bits (16..26) and R_OVERFLOW. */
uint32_t sys_read(sys_t *s);
/* The bytes file i read at the last sys_read (NULL if it was unavailable or not kept), for the node tier. */
const char *sys_text(const sys_t *s, int i, size_t *len);
void sys_destroy(sys_t *s);

#endif
