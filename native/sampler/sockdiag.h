/* The connections tier's sock_diag socket (src/sampler/conns/native-diag.ts) in C: see sockdiag.c. */
#ifndef VIGIL_SAMPLER_SOCKDIAG_H
#define VIGIL_SAMPLER_SOCKDIAG_H
#include <node_api.h>

/*
 * Columns of one socket's row in the Float64Array sdTake() fills (row i at i * SD_NCOLS), mirrored in
 * src/sampler/conns/native-diag.ts. A tcp_info field the kernel's attribute is too short to hold (or a
 * socket without the attribute) is -1; for the 64-bit counters, the _HI word is -1.
 */
enum {
  SD_STATE, SD_FAMILY, SD_INODE, SD_UID, SD_RQUEUE, SD_WQUEUE, SD_COOKIE_LO, SD_COOKIE_HI,
  SD_RTT, SD_RTTVAR, SD_CWND, SD_RETRANS, SD_ACKED_LO, SD_ACKED_HI, SD_RCVD_LO, SD_RCVD_HI,
  SD_NCOLS
};

/* Bytes of a socket's identity copied out per row: inet_diag_msg up to the end of its inet_diag_sockid. */
#define SD_ID_LEN 52

/* Slots of the Float64Array of counts sdTake() fills. */
enum { SDS_N, SDS_MALFORMED, SDS_DROPPED, SDS_STALE, SDS_INTERRUPTED, SDS_ERRNO, SDS_DATAGRAMS, SDS_NSTATS };

napi_value js_sd_layout(napi_env env, napi_callback_info info);
napi_value js_sd_open(napi_env env, napi_callback_info info);
napi_value js_sd_dump(napi_env env, napi_callback_info info);
napi_value js_sd_pump(napi_env env, napi_callback_info info);
napi_value js_sd_lookup(napi_env env, napi_callback_info info);
napi_value js_sd_take(napi_env env, napi_callback_info info);
napi_value js_sd_parse(napi_env env, napi_callback_info info);
napi_value js_sd_close(napi_env env, napi_callback_info info);

#endif
