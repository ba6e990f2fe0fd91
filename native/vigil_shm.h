/*
 * vigil_shm.h: the layout of one per-process counter file, shared by the LD_PRELOAD shim (writer) and
 * vigil (reader, src/sampler/shim/layout.ts). This header is the one source of truth: the TypeScript
 * constants are tested against a program that prints offsetof()/sizeof() from it (test/shim/layout.test.ts).
 *
 * One file per process, named "<pid>-<starttime>.shm" in a 0700 directory of the user
 * ($XDG_RUNTIME_DIR/vigil, /dev/shm/vigil-<euid>, or $VIGIL_SHIM_DIR). All integers are native-endian
 * (little-endian on every Linux target vigil supports) and naturally aligned, so every counter is updated
 * with a single relaxed atomic add and read by pread without tearing an aligned word.
 *
 * The file is always exactly VIGIL_SHM_SIZE bytes. A reader compares every size, offset and count below
 * with its own constants and never uses a number from the file to index anything.
 *
 * Bump VIGIL_SHM_VERSION on any change to this file.
 */
#ifndef VIGIL_SHM_H
#define VIGIL_SHM_H

#include <stdint.h>

/* "VIGILSHM" read as a little-endian u64. Written last, with release order, by a new file's creator. */
#define VIGIL_SHM_MAGIC   0x4d48534c49474956ULL
#define VIGIL_SHM_VERSION 1u
#define VIGIL_SHM_SIZE    8192u

/* header.flags */
#define VIGIL_FLAG_ALLOC  1u   /* this image has the allocation hooks (vigil run --alloc) */

/* Socket classes. OTHER_INET: raw/ICMP/SCTP over IP; OTHER: netlink, packet, vsock, ... */
enum vigil_class {
  VIGIL_TCP = 0,
  VIGIL_UDP = 1,
  VIGIL_UNIX = 2,
  VIGIL_OTHER_INET = 3,
  VIGIL_OTHER = 4,
  VIGIL_NCLASS = 5
};

/* Intercepted calls. The first VIGIL_NTX move bytes out (tx), the rest in (rx). */
enum vigil_fn {
  VIGIL_F_SEND = 0,
  VIGIL_F_SENDTO,
  VIGIL_F_SENDMSG,
  VIGIL_F_SENDMMSG,
  VIGIL_F_WRITE,
  VIGIL_F_WRITEV,
  VIGIL_F_SENDFILE,
  VIGIL_F_RECV,
  VIGIL_F_RECVFROM,
  VIGIL_F_RECVMSG,
  VIGIL_F_RECVMMSG,
  VIGIL_F_READ,
  VIGIL_F_READV,
  VIGIL_NFN
};
#define VIGIL_NTX 7

/* Connect latency histogram: bucket i counts latencies in [2^i, 2^(i+1)) µs; bucket 0 also takes < 1 µs,
 * the last bucket everything from 2^(NHIST-1) µs (~8.4 s) up. */
#define VIGIL_NHIST 24

/* Fixed-size destination table: the first VIGIL_NDEST distinct peers; traffic to any further peer is
 * summed in the dest_overflow_* counters. */
#define VIGIL_NDEST 64

/*
 * Counter indices (u64 each) inside the counter block.
 * IO(class, fn): calls (successful calls that moved > 0 bytes) and bytes (sum of the returned counts).
 */
#define VIGIL_IO_CALLS(cls, fn) (((cls) * VIGIL_NFN + (fn)) * 2)
#define VIGIL_IO_BYTES(cls, fn) (((cls) * VIGIL_NFN + (fn)) * 2 + 1)
#define VIGIL_C_IO_END (VIGIL_NCLASS * VIGIL_NFN * 2)
/* Per class: connect() attempts (calls that started or finished a connection) and failures. */
#define VIGIL_C_CONNECT(cls)      (VIGIL_C_IO_END + (cls) * 2)
#define VIGIL_C_CONNECT_FAIL(cls) (VIGIL_C_IO_END + (cls) * 2 + 1)
#define VIGIL_C_CONNECT_END (VIGIL_C_IO_END + VIGIL_NCLASS * 2)

enum vigil_counter {
  /* TCP connects that completed: blocking ones, and non-blocking ones at getsockopt(SO_ERROR) or at
   * the first byte moved. Latency from the connect() call to completion. */
  VIGIL_C_LAT_COUNT = VIGIL_C_CONNECT_END,
  VIGIL_C_LAT_SUM_NS,
  VIGIL_C_LAT_HIST,                               /* VIGIL_NHIST buckets */
  VIGIL_C_UNTRACKED = VIGIL_C_LAT_HIST + VIGIL_NHIST, /* calls on fds beyond the fd cache: not counted */
  VIGIL_C_DEST_OVF_TX_BYTES,
  VIGIL_C_DEST_OVF_TX_CALLS,
  VIGIL_C_DEST_OVF_RX_BYTES,
  VIGIL_C_DEST_OVF_RX_CALLS,
  /* Allocation hooks (VIGIL_FLAG_ALLOC). Bytes are malloc_usable_size() of each block, so that a free
   * subtracts exactly what its allocation added. outstanding = inherited + alloc_bytes - free_bytes. */
  VIGIL_C_MALLOC_CALLS,
  VIGIL_C_CALLOC_CALLS,
  VIGIL_C_REALLOC_CALLS,
  VIGIL_C_MEMALIGN_CALLS,                          /* posix_memalign, memalign, aligned_alloc, valloc, pvalloc */
  VIGIL_C_FREE_CALLS,
  VIGIL_C_ALLOC_BYTES,
  VIGIL_C_FREE_BYTES,
  VIGIL_C_INHERITED_BYTES,                         /* heap outstanding in the parent at fork() */
  VIGIL_NCOUNTERS
};

/* One destination: an IPv4/IPv6 peer. 64 bytes. */
struct vigil_dest {
  uint32_t state;     /* 0 empty, 1 being filled (ignore), 2 ready: key fields below are final */
  uint16_t family;    /* 2 = AF_INET, 10 = AF_INET6 (v4-mapped v6 is stored as AF_INET) */
  uint16_t port;      /* host byte order; 0 for inbound peers */
  uint8_t addr[16];   /* AF_INET: the first 4 bytes */
  uint32_t flags;     /* VIGIL_DEST_INBOUND: a peer that connected to us (accept), keyed by address only */
  uint32_t pad;
  uint64_t tx_bytes;
  uint64_t tx_calls;
  uint64_t rx_bytes;
  uint64_t rx_calls;
};
#define VIGIL_DEST_INBOUND 1u

struct vigil_shm_header {
  uint64_t magic;          /* VIGIL_SHM_MAGIC */
  uint32_t version;        /* VIGIL_SHM_VERSION */
  uint32_t size;           /* VIGIL_SHM_SIZE */
  int32_t pid;             /* getpid() of the writer */
  uint32_t flags;          /* VIGIL_FLAG_* of the image that created the file */
  uint64_t start_time;     /* /proc/PID/stat field 22, clock ticks after boot: with pid, the identity */
  uint64_t pidns;          /* inode of /proc/self/ns/pid, 0 if unknown: pids mean nothing across namespaces */
  uint32_t ndest;          /* VIGIL_NDEST */
  uint32_t nhist;          /* VIGIL_NHIST */
  uint32_t counters_off;   /* offsetof(struct vigil_shm, c) */
  uint32_t ncounters;      /* VIGIL_NCOUNTERS */
  uint32_t dest_off;       /* offsetof(struct vigil_shm, dest) */
  uint32_t exec_pending;   /* 1 from just before execve() until exec fails or the new image attaches */
  uint64_t attaches;       /* images that attached to this file: 1 + execs that kept the shim */
  uint8_t reserved[56];
};

struct vigil_shm {
  struct vigil_shm_header h;
  uint64_t c[VIGIL_NCOUNTERS];
  struct vigil_dest dest[VIGIL_NDEST] __attribute__((aligned(64)));
};

_Static_assert(sizeof(struct vigil_dest) == 64, "vigil_dest is 64 bytes");
_Static_assert(sizeof(struct vigil_shm_header) == 128, "header is 128 bytes");
_Static_assert(sizeof(struct vigil_shm) <= VIGIL_SHM_SIZE, "layout fits the file");
_Static_assert(VIGIL_SHM_SIZE % 4096 == 0, "whole pages");

#endif
