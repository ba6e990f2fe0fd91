/*
 * Sorting a listing of ~1000 names with qsort and strcmp was the largest user-space cost of a process
 * tick after the reads. procfs lists pids in numeric order, and numeric order is name order among names
 * of one length, so the names are split by length (each part already sorted) and merged on listing_key.
 * A root that lists in another order (a fixture tree on a real filesystem) is sorted on the keys.
 */
#define _GNU_SOURCE
#include "listing.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

static int grow(listing_t *l) {
  long c = l->cap ? l->cap * 2 : 1024;
  uint64_t *k = realloc(l->key, (size_t)c * sizeof *k);
  if (k) l->key = k;
  int *p = realloc(l->pid, (size_t)c * sizeof *p);
  if (p) l->pid = p;
  uint64_t *tk = realloc(l->tkey, (size_t)c * sizeof *tk);
  if (tk) l->tkey = tk;
  int *tp = realloc(l->tpid, (size_t)c * sizeof *tp);
  if (tp) l->tpid = tp;
  if (!k || !p || !tk || !tp) return 0;
  l->cap = c;
  return 1;
}

static int by_key(const void *a, const void *b) {
  uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];
  return x < y ? -1 : x > y;
}

/* Merges the runs of each name length (each in key order) from tkey/tpid into key/pid. */
static void merge_by_length(listing_t *l) {
  long start[12] = {0}, at[11];
  for (long i = 0; i < l->n; i++) start[(l->tkey[i] & 15) + 1]++;
  for (int len = 1; len <= 11; len++) start[len] += start[len - 1];
  /* tkey is in readdir order: move each name to its length's run first (stable). */
  long fill[11];
  for (int len = 0; len <= 10; len++) fill[len] = start[len];
  for (long i = 0; i < l->n; i++) {
    unsigned len = (unsigned)(l->tkey[i] & 15);
    l->key[fill[len]] = l->tkey[i];
    l->pid[fill[len]++] = l->tpid[i];
  }
  memcpy(l->tkey, l->key, (size_t)l->n * sizeof *l->key);
  memcpy(l->tpid, l->pid, (size_t)l->n * sizeof *l->pid);
  for (int len = 0; len <= 10; len++) at[len] = start[len];
  /* Only the lengths present are compared (a machine's pids have a few lengths, not ten). */
  int live[10], nlive = 0;
  for (int len = 1; len <= 10; len++)
    if (start[len] < start[len + 1]) live[nlive++] = len;
  for (long o = 0; o < l->n; o++) {
    int best = -1;
    for (int q = 0; q < nlive; q++) {
      int len = live[q];
      if (at[len] < start[len + 1] && (best < 0 || l->tkey[at[len]] < l->tkey[at[best]])) best = len;
    }
    l->key[o] = l->tkey[at[best]];
    l->pid[o] = l->tpid[at[best]++];
  }
}

int listing_read(listing_t *l, const char *root) {
  l->n = 0;
  DIR *d = opendir(root);
  if (!d) return 0;
  struct dirent *de;
  int ascending = 1, last = 0;
  while ((de = readdir(d))) {
    const char *nm = de->d_name;
    size_t len = strlen(nm);
    uint64_t pid;
    if (len == 0 || len > 10 || !parse_u64(nm, nm + len, &pid) || pid == 0 || pid > 0x7fffffff) continue;
    if (l->n == l->cap && !grow(l)) break;
    l->tkey[l->n] = listing_key(pid, (unsigned)len);
    l->tpid[l->n++] = (int)pid;
    if ((int)pid <= last) ascending = 0;
    last = (int)pid;
  }
  closedir(d);
  if (ascending) {
    merge_by_length(l);
    return 1;
  }
  /* Sort (key, pid) pairs on the key: pack them side by side for qsort. */
  uint64_t (*pairs)[2] = malloc((size_t)l->n * sizeof *pairs);
  if (!pairs) return 0;
  for (long i = 0; i < l->n; i++) {
    pairs[i][0] = l->tkey[i];
    pairs[i][1] = (uint64_t)l->tpid[i];
  }
  qsort(pairs, (size_t)l->n, sizeof *pairs, by_key);
  for (long i = 0; i < l->n; i++) {
    l->key[i] = pairs[i][0];
    l->pid[i] = (int)pairs[i][1];
  }
  free(pairs);
  return 1;
}

void listing_free(listing_t *l) {
  free(l->key);
  free(l->pid);
  free(l->tkey);
  free(l->tpid);
  memset(l, 0, sizeof *l);
}
