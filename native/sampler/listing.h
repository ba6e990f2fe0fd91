/*
 * The pids of a /proc root, in the order fs.readdirSync gives its names (libuv's scandir sorts with
 * strcmp), which is the order of the process table's rows in both readers.
 */
#ifndef VIGIL_SAMPLER_LISTING_H
#define VIGIL_SAMPLER_LISTING_H
#include <stdint.h>

typedef struct {
  /* key orders as strcmp orders the names (listing_key); pid is the name's value. */
  uint64_t *key;
  int *pid;
  long n, cap;
  uint64_t *tkey; /* scratch for the merge */
  int *tpid;
} listing_t;

/* A name of 1..10 digits as a number that sorts as the names do: its digits padded to 10, then its length. */
static inline uint64_t listing_key(uint64_t value, unsigned len) {
  static const uint64_t POW10[11] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000ULL};
  return (value * POW10[10 - len]) << 4 | len;
}

/* Lists root, keeping the names of 1..10 digits whose value is a pid (1..2^31-1); 0 when root cannot be read. */
int listing_read(listing_t *l, const char *root);
void listing_free(listing_t *l);

#endif
