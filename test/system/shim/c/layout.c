/* Prints every number of native/vigil_shm.h that the TypeScript reader mirrors (test/system/shim/layout.test.ts). */
#include <stddef.h>
#include <stdio.h>
#include "vigil_shm.h"

#define H(f) printf("\"hdr.%s\":%zu,", #f, offsetof(struct vigil_shm_header, f))
#define D(f) printf("\"dest.%s\":%zu,", #f, offsetof(struct vigil_dest, f))
#define N(name, v) printf("\"%s\":%llu,", name, (unsigned long long)(v))

int main(void) {
  printf("{");
  N("magic", VIGIL_SHM_MAGIC); N("version", VIGIL_SHM_VERSION); N("size", VIGIL_SHM_SIZE);
  N("flag_alloc", VIGIL_FLAG_ALLOC); N("dest_inbound", VIGIL_DEST_INBOUND);
  N("nclass", VIGIL_NCLASS); N("nfn", VIGIL_NFN); N("ntx", VIGIL_NTX); N("nhist", VIGIL_NHIST); N("ndest", VIGIL_NDEST);
  N("tcp", VIGIL_TCP); N("udp", VIGIL_UDP); N("unix", VIGIL_UNIX); N("other_inet", VIGIL_OTHER_INET); N("other", VIGIL_OTHER);
  N("f.send", VIGIL_F_SEND); N("f.sendto", VIGIL_F_SENDTO); N("f.sendmsg", VIGIL_F_SENDMSG); N("f.sendmmsg", VIGIL_F_SENDMMSG);
  N("f.write", VIGIL_F_WRITE); N("f.writev", VIGIL_F_WRITEV); N("f.sendfile", VIGIL_F_SENDFILE); N("f.recv", VIGIL_F_RECV);
  N("f.recvfrom", VIGIL_F_RECVFROM); N("f.recvmsg", VIGIL_F_RECVMSG); N("f.recvmmsg", VIGIL_F_RECVMMSG);
  N("f.read", VIGIL_F_READ); N("f.readv", VIGIL_F_READV);
  N("header_size", sizeof(struct vigil_shm_header)); N("dest_size", sizeof(struct vigil_dest));
  N("counters_off", offsetof(struct vigil_shm, c)); N("dest_off", offsetof(struct vigil_shm, dest));
  N("ncounters", VIGIL_NCOUNTERS);
  N("io_calls(3,5)", VIGIL_IO_CALLS(3, 5)); N("io_bytes(4,12)", VIGIL_IO_BYTES(4, 12));
  N("connect(2)", VIGIL_C_CONNECT(2)); N("connect_fail(4)", VIGIL_C_CONNECT_FAIL(4));
  N("c.LAT_COUNT", VIGIL_C_LAT_COUNT); N("c.LAT_SUM_NS", VIGIL_C_LAT_SUM_NS); N("c.LAT_HIST", VIGIL_C_LAT_HIST);
  N("c.UNTRACKED", VIGIL_C_UNTRACKED); N("c.DEST_OVF_TX_BYTES", VIGIL_C_DEST_OVF_TX_BYTES);
  N("c.DEST_OVF_TX_CALLS", VIGIL_C_DEST_OVF_TX_CALLS); N("c.DEST_OVF_RX_BYTES", VIGIL_C_DEST_OVF_RX_BYTES);
  N("c.DEST_OVF_RX_CALLS", VIGIL_C_DEST_OVF_RX_CALLS); N("c.MALLOC_CALLS", VIGIL_C_MALLOC_CALLS);
  N("c.CALLOC_CALLS", VIGIL_C_CALLOC_CALLS); N("c.REALLOC_CALLS", VIGIL_C_REALLOC_CALLS);
  N("c.MEMALIGN_CALLS", VIGIL_C_MEMALIGN_CALLS); N("c.FREE_CALLS", VIGIL_C_FREE_CALLS);
  N("c.ALLOC_BYTES", VIGIL_C_ALLOC_BYTES); N("c.FREE_BYTES", VIGIL_C_FREE_BYTES); N("c.INHERITED_BYTES", VIGIL_C_INHERITED_BYTES);
  H(magic); H(version); H(size); H(pid); H(flags); H(start_time); H(pidns); H(ndest); H(nhist);
  H(counters_off); H(ncounters); H(dest_off); H(exec_pending); H(attaches);
  D(state); D(family); D(port); D(addr); D(flags); D(tx_bytes); D(tx_calls); D(rx_bytes); D(rx_calls);
  printf("\"end\":0}\n");
  return 0;
}
