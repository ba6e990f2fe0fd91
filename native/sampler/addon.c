/*
 * The N-API face of the sampler core (vigil-sampler.node). Handles are externals; tables are typed
 * arrays the JavaScript side allocates and binds (it owns them; the core keeps a reference while bound).
 *   layout()                                   the numbers of layout.h, checked by src/sampler/native/load.ts
 *   sysCreate(procRoot) / sysBind(h, scalF, scalU, cpuF, cpuU, netF, netU, diskF, diskU, arena) / sysRead(h) / sysText(h, file)
 *   procCreate(procRoot, procIntervalMs, slowMs, statusMs, cmdlineRefreshMs, maxKeptFds)
 *   procBind(h, f, u) / procDiscover(h, nowNs) / procRead(h, nowNs) / procStrings(h, slot) / procTracked(h)
 *   fdStat(dir, out) / fdTable(dir, prev, nPrev, out) / fdProbe(dir, fds, n, out)  the connections tier's fd scan (fdsocks.c)
 *   close(h)
 *   timexRead(out: Float64Array of TX_N)  adjtimex(2) with modes = 0 (timex.h); returns its state or -errno
 *   trimFilePages(out: Float64Array of TRIM_N)  unmaps clean read-only file pages (trim.c); 0 or -errno
 *   sdLayout / sdOpen / sdDump / sdPump / sdLookup / sdTake / sdParse / sdClose  the connections tier's sock_diag
 *                                               socket (sockdiag.c)
 *   cgLayout / cgCreate / cgTree / cgBind / cgRead / cgCheck / cgRaw / cgKept / cgClose  the cgroup tier's reads (cgroup.c)
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup.h"
#include "fdsocks.h"
#include "layout.h"
#include "procs.h"
#include "sockdiag.h"
#include "system.h"
#include "timex.h"
#include "trim.h"

#define NREFS 9

typedef struct {
  int kind; /* 1 system, 2 procs */
  sys_t *sys;
  procs_t *procs;
  napi_ref refs[NREFS];
} handle_t;

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "vigil sampler: " #call " failed"); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static void unref_all(napi_env env, handle_t *h) {
  for (int i = 0; i < NREFS; i++)
    if (h->refs[i]) {
      napi_delete_reference(env, h->refs[i]);
      h->refs[i] = NULL;
    }
}

static void close_handle(napi_env env, handle_t *h) {
  if (h->sys) sys_destroy(h->sys);
  if (h->procs) procs_destroy(h->procs);
  h->sys = NULL;
  h->procs = NULL;
  unref_all(env, h);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  handle_t *h = data;
  /* References cannot be deleted from a finalizer safely on every Node version: leak them with the env. */
  if (h->sys) sys_destroy(h->sys);
  if (h->procs) procs_destroy(h->procs);
  (void)env;
  free(h);
}

static handle_t *get_handle(napi_env env, napi_value v, int kind) {
  handle_t *h = NULL;
  if (napi_get_value_external(env, v, (void **)&h) != napi_ok || !h || h->kind != kind || (!h->sys && !h->procs)) {
    napi_throw_type_error(env, NULL, "vigil sampler: not an open handle of this kind");
    return NULL;
  }
  return h;
}

static int get_string(napi_env env, napi_value v, char *out, size_t cap) {
  size_t len;
  return napi_get_value_string_utf8(env, v, out, cap, &len) == napi_ok && len < cap - 1;
}

static int64_t get_i64(napi_env env, napi_value v) {
  int64_t x = 0;
  bool lossless;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) napi_get_value_bigint_int64(env, v, &x, &lossless);
  else napi_get_value_int64(env, v, &x);
  return x;
}

/* A typed array's data and length, checked for its type; 0 when it is not one. */
static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) != napi_ok || t != want) return 0;
  return 1;
}

static napi_value wrap(napi_env env, handle_t *h) {
  napi_value out;
  CHECK(napi_create_external(env, h, finalize, NULL, &out));
  return out;
}

static napi_value num(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

static napi_value js_layout(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o;
  CHECK(napi_create_object(env, &o));
#define SET(name) napi_set_named_property(env, o, #name, num(env, name))
  SET(NSYS_FILES); SET(NSCALARS); SET(S_MEM); SET(S_LOAD); SET(S_PSI); SET(S_SNMP); SET(S_VMSTAT); SET(S_UPTIME);
  SET(S_NET_ROWS); SET(S_DISK_ROWS); SET(S_ARENA_NEED); SET(NCPU_COLS); SET(NNET_COLS); SET(NDISK_COLS);
  SET(NPROC_COLS); SET(P_FDS); SET(P_SWAP); SET(PF_SLOW); SET(R_MISSING_SHIFT); SET(R_OVERFLOW);
#undef SET
  return o;
}

static napi_value js_sys_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char root[4096];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !get_string(env, argv[0], root, sizeof root)) {
    napi_throw_type_error(env, NULL, "sysCreate(procRoot: string)");
    return NULL;
  }
  handle_t *h = calloc(1, sizeof *h);
  if (!h || !(h->sys = sys_create(root))) {
    free(h);
    napi_throw_error(env, NULL, "vigil sampler: out of memory");
    return NULL;
  }
  h->kind = 1;
  return wrap(env, h);
}

static napi_value js_sys_bind(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 10 ? get_handle(env, argv[0], 1) : NULL;
  if (!h) return NULL;
  sys_t *s = h->sys;
  table_t *tabs[4] = {&s->scal, &s->cpu, &s->net, &s->disk};
  const size_t cols[4] = {1, NCPU_COLS, NNET_COLS, NDISK_COLS};
  table_t next[4];
  for (int i = 0; i < 4; i++) {
    size_t lf, lu;
    void *f, *u;
    if (!typed(env, argv[1 + 2 * i], napi_float64_array, &f, &lf) || !typed(env, argv[2 + 2 * i], napi_biguint64_array, &u, &lu) || lf != lu) {
      napi_throw_type_error(env, NULL, "sysBind: a Float64Array and a BigUint64Array of the same length per table");
      return NULL;
    }
    next[i].f = f;
    next[i].u = u;
    next[i].cap = lf / cols[i];
  }
  if (next[0].cap < NSCALARS) {
    napi_throw_range_error(env, NULL, "sysBind: the scalar table is too small");
    return NULL;
  }
  void *arena;
  size_t alen;
  if (!typed(env, argv[9], napi_uint8_array, &arena, &alen)) {
    napi_throw_type_error(env, NULL, "sysBind: arena must be a Uint8Array");
    return NULL;
  }
  unref_all(env, h);
  for (int i = 0; i < 9; i++) CHECK(napi_create_reference(env, argv[1 + i], 1, &h->refs[i]));
  for (int i = 0; i < 4; i++) *tabs[i] = next[i];
  s->arena = arena;
  s->arena_cap = alen;
  return NULL;
}

static napi_value js_sys_read(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 1 ? get_handle(env, argv[0], 1) : NULL;
  if (!h) return NULL;
  if (!h->sys->scal.f) {
    napi_throw_error(env, NULL, "sysRead: bind tables first");
    return NULL;
  }
  return num(env, (double)sys_read(h->sys));
}

/* sysText(h, file): the text that file read at the last sysRead, or null (the node tier then reads it). */
static napi_value js_sys_text(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 2 ? get_handle(env, argv[0], 1) : NULL;
  if (!h) return NULL;
  int32_t i;
  if (napi_get_value_int32(env, argv[1], &i) != napi_ok) {
    napi_throw_type_error(env, NULL, "sysText(h, file: number)");
    return NULL;
  }
  size_t len = 0;
  const char *text = sys_text(h->sys, i, &len);
  napi_value out;
  if (text == NULL) CHECK(napi_get_null(env, &out));
  else CHECK(napi_create_string_utf8(env, text, len, &out));
  return out;
}

static napi_value js_proc_create(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  char root[4096];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6 || !get_string(env, argv[0], root, sizeof root)) {
    napi_throw_type_error(env, NULL, "procCreate(procRoot, procIntervalMs, slowMs, statusMs, cmdlineRefreshMs, maxKeptFds)");
    return NULL;
  }
  double ms[4];
  for (int i = 0; i < 4; i++) CHECK(napi_get_value_double(env, argv[1 + i], &ms[i]));
  procs_opts_t o = {
    .proc_interval_ns = (int64_t)(ms[0] * 1e6 + 0.5),
    .slow_ns = (int64_t)(ms[1] * 1e6 + 0.5),
    .status_ns = (int64_t)(ms[2] * 1e6 + 0.5),
    .cmdline_refresh_ns = (int64_t)(ms[3] * 1e6 + 0.5),
    .max_kept_fds = (long)get_i64(env, argv[5]),
  };
  if (o.proc_interval_ns <= 0) {
    napi_throw_range_error(env, NULL, "procCreate: procIntervalMs must be positive");
    return NULL;
  }
  handle_t *h = calloc(1, sizeof *h);
  if (!h || !(h->procs = procs_create(root, &o))) {
    free(h);
    napi_throw_error(env, NULL, "vigil sampler: out of memory");
    return NULL;
  }
  h->kind = 2;
  return wrap(env, h);
}

static napi_value js_proc_bind(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 3 ? get_handle(env, argv[0], 2) : NULL;
  if (!h) return NULL;
  void *f, *u;
  size_t lf, lu;
  if (!typed(env, argv[1], napi_float64_array, &f, &lf) || !typed(env, argv[2], napi_biguint64_array, &u, &lu) || lf != lu) {
    napi_throw_type_error(env, NULL, "procBind: a Float64Array and a BigUint64Array of the same length");
    return NULL;
  }
  unref_all(env, h);
  CHECK(napi_create_reference(env, argv[1], 1, &h->refs[0]));
  CHECK(napi_create_reference(env, argv[2], 1, &h->refs[1]));
  procs_bind(h->procs, f, u, lf / NPROC_COLS);
  return NULL;
}

static napi_value js_proc_discover(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 2 ? get_handle(env, argv[0], 2) : NULL;
  if (!h) return NULL;
  return num(env, (double)procs_discover(h->procs, get_i64(env, argv[1])));
}

static napi_value js_proc_read(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 2 ? get_handle(env, argv[0], 2) : NULL;
  if (!h) return NULL;
  return num(env, (double)procs_read(h->procs, get_i64(env, argv[1])));
}

/* A slot's comm and raw cmdline as one Buffer: u32 comm length (LE), comm bytes, cmdline bytes. */
static napi_value js_proc_strings(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 2 ? get_handle(env, argv[0], 2) : NULL;
  if (!h) return NULL;
  const char *comm, *cmd;
  size_t cl, ml;
  napi_value out;
  if (!procs_strings(h->procs, (long)get_i64(env, argv[1]), &comm, &cl, &cmd, &ml)) {
    napi_get_null(env, &out);
    return out;
  }
  void *data;
  CHECK(napi_create_buffer(env, 4 + cl + ml, &data, &out));
  unsigned char *b = data;
  b[0] = cl & 0xff;
  b[1] = (cl >> 8) & 0xff;
  b[2] = (cl >> 16) & 0xff;
  b[3] = (cl >> 24) & 0xff;
  if (cl) memcpy(b + 4, comm, cl);
  if (ml) memcpy(b + 4 + cl, cmd, ml);
  return out;
}

static napi_value js_proc_tracked(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc == 1 ? get_handle(env, argv[0], 2) : NULL;
  if (!h) return NULL;
  return num(env, (double)procs_tracked(h->procs));
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = NULL;
  if (argc == 1 && napi_get_value_external(env, argv[0], (void **)&h) == napi_ok && h) close_handle(env, h);
  return NULL;
}

static napi_value js_timex_read(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || !typed(env, argv[0], napi_float64_array, &data, &len) || len < TX_N) {
    napi_throw_type_error(env, NULL, "timexRead(out: Float64Array of at least TX_N)");
    return NULL;
  }
  return num(env, (double)timex_read(data));
}

static napi_value js_trim_file_pages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || !typed(env, argv[0], napi_float64_array, &data, &len) || len < TRIM_N) {
    napi_throw_type_error(env, NULL, "trimFilePages(out: Float64Array of at least TRIM_N)");
    return NULL;
  }
  return num(env, (double)trim_file_pages(data));
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor d[] = {
    {"layout", NULL, js_layout, NULL, NULL, NULL, napi_default, NULL},
    {"sysCreate", NULL, js_sys_create, NULL, NULL, NULL, napi_default, NULL},
    {"sysBind", NULL, js_sys_bind, NULL, NULL, NULL, napi_default, NULL},
    {"sysRead", NULL, js_sys_read, NULL, NULL, NULL, napi_default, NULL},
    {"sysText", NULL, js_sys_text, NULL, NULL, NULL, napi_default, NULL},
    {"procCreate", NULL, js_proc_create, NULL, NULL, NULL, napi_default, NULL},
    {"procBind", NULL, js_proc_bind, NULL, NULL, NULL, napi_default, NULL},
    {"procDiscover", NULL, js_proc_discover, NULL, NULL, NULL, napi_default, NULL},
    {"procRead", NULL, js_proc_read, NULL, NULL, NULL, napi_default, NULL},
    {"procStrings", NULL, js_proc_strings, NULL, NULL, NULL, napi_default, NULL},
    {"procTracked", NULL, js_proc_tracked, NULL, NULL, NULL, napi_default, NULL},
    {"fdStat", NULL, js_fd_stat, NULL, NULL, NULL, napi_default, NULL},
    {"fdTable", NULL, js_fd_table, NULL, NULL, NULL, napi_default, NULL},
    {"fdProbe", NULL, js_fd_probe, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
    {"timexRead", NULL, js_timex_read, NULL, NULL, NULL, napi_default, NULL},
    {"trimFilePages", NULL, js_trim_file_pages, NULL, NULL, NULL, napi_default, NULL},
    {"sdLayout", NULL, js_sd_layout, NULL, NULL, NULL, napi_default, NULL},
    {"sdOpen", NULL, js_sd_open, NULL, NULL, NULL, napi_default, NULL},
    {"sdDump", NULL, js_sd_dump, NULL, NULL, NULL, napi_default, NULL},
    {"sdPump", NULL, js_sd_pump, NULL, NULL, NULL, napi_default, NULL},
    {"sdLookup", NULL, js_sd_lookup, NULL, NULL, NULL, napi_default, NULL},
    {"sdTake", NULL, js_sd_take, NULL, NULL, NULL, napi_default, NULL},
    {"sdParse", NULL, js_sd_parse, NULL, NULL, NULL, napi_default, NULL},
    {"sdClose", NULL, js_sd_close, NULL, NULL, NULL, napi_default, NULL},
    {"cgLayout", NULL, js_cg_layout, NULL, NULL, NULL, napi_default, NULL},
    {"cgCreate", NULL, js_cg_create, NULL, NULL, NULL, napi_default, NULL},
    {"cgTree", NULL, js_cg_tree, NULL, NULL, NULL, napi_default, NULL},
    {"cgBind", NULL, js_cg_bind, NULL, NULL, NULL, napi_default, NULL},
    {"cgRead", NULL, js_cg_read, NULL, NULL, NULL, napi_default, NULL},
    {"cgCheck", NULL, js_cg_check, NULL, NULL, NULL, napi_default, NULL},
    {"cgRaw", NULL, js_cg_raw, NULL, NULL, NULL, napi_default, NULL},
    {"cgKept", NULL, js_cg_kept, NULL, NULL, NULL, napi_default, NULL},
    {"cgClose", NULL, js_cg_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof *d, d);
  return exports;
}
