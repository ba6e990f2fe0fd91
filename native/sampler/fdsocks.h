/* The connections tier's fd scan (src/sampler/conns/inode-map.ts) in C: see fdsocks.c. */
#ifndef VIGIL_SAMPLER_FDSOCKS_H
#define VIGIL_SAMPLER_FDSOCKS_H
#include <node_api.h>

napi_value js_fd_stat(napi_env env, napi_callback_info info);
napi_value js_fd_table(napi_env env, napi_callback_info info);
napi_value js_fd_probe(napi_env env, napi_callback_info info);

#endif
