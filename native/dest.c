/*
 * The destination table: a fixed number of peers (address:port, or address alone for peers that connected
 * to us), claimed lock-free by the first call that sees each. Traffic to peers beyond the table goes to
 * the dest_overflow counters (dest_add, shim.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "shim.h"

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

unsigned dest_code(const struct sockaddr *sa, socklen_t len, uint32_t flags)
{
  struct dkey k;
  if (!dkey_of(sa, len, flags, &k)) return 0;
  return dest_code_key(&k);
}
