/*
 * A cost proxy for a native system tier, for the `native` benchmark only: not a parser vigil uses.
 *   open(paths: string[])                   keeps an fd per file
 *   read(out: Float64Array, at: Int32Array)  preads every file and scans each run of digits into out;
 *                                             at[i] is where file i's numbers start. Returns the count.
 * Scanning every number costs about what picking fields by key would, so the figure bounds what moving
 * the reads and parsing of the system files into C could save; the benchmark's JS side then builds
 * objects of the size derive takes.
 */
#include <fcntl.h>
#include <node_api.h>
#include <unistd.h>

#define MAX_FILES 32
static int fds[MAX_FILES];
static int nfiles;
static char buf[65536];

static napi_value open_files(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "open(paths: string[])");
    return NULL;
  }
  for (uint32_t i = 0; i < n && nfiles < MAX_FILES; i++) {
    napi_value s;
    char path[512];
    size_t len;
    napi_get_element(env, argv[0], i, &s);
    if (napi_get_value_string_utf8(env, s, path, sizeof path, &len) != napi_ok) continue;
    fds[nfiles++] = open(path, O_RDONLY | O_CLOEXEC);
  }
  return NULL;
}

static napi_value read_files(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type type;
  size_t out_len, at_len, off;
  void *out_data, *at_data;
  napi_value ab;
  if (argc < 2 || napi_get_typedarray_info(env, argv[0], &type, &out_len, &out_data, &ab, &off) != napi_ok || type != napi_float64_array ||
      napi_get_typedarray_info(env, argv[1], &type, &at_len, &at_data, &ab, &off) != napi_ok || type != napi_int32_array || at_len < (size_t)nfiles + 1) {
    napi_throw_type_error(env, NULL, "read(out: Float64Array, at: Int32Array of files + 1)");
    return NULL;
  }
  double *out = out_data;
  int32_t *at = at_data;
  size_t k = 0;
  for (int i = 0; i < nfiles; i++) {
    at[i] = (int32_t)k;
    ssize_t n = fds[i] < 0 ? -1 : pread(fds[i], buf, sizeof buf, 0);
    double v = 0;
    int in = 0;
    for (ssize_t j = 0; j < n; j++) {
      unsigned d = (unsigned char)buf[j] - '0';
      if (d <= 9) {
        v = v * 10 + d;
        in = 1;
      } else if (in) {
        if (k < out_len) out[k++] = v;
        v = 0;
        in = 0;
      }
    }
  }
  at[nfiles] = (int32_t)k;
  napi_value r;
  napi_create_uint32(env, (uint32_t)k, &r);
  return r;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, open_files, NULL, &f);
  napi_set_named_property(env, exports, "open", f);
  napi_create_function(env, "read", NAPI_AUTO_LENGTH, read_files, NULL, &f);
  napi_set_named_property(env, exports, "read", f);
  return exports;
}
