/*
 * vigil run --alloc: the malloc family, counted (calls, and usable bytes allocated and freed). Compiled
 * only into vigil-preload-alloc.so, so that a program traced without --alloc keeps its malloc untouched.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

#ifndef VIGIL_ALLOC
#error "alloc.c is built only with -DVIGIL_ALLOC"
#endif

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static size_t (*real_malloc_usable_size)(void *);


#define RESOLVE(name) real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name)

void resolve_alloc(void)
{
  RESOLVE(malloc);
  RESOLVE(calloc);
  RESOLVE(realloc);
  RESOLVE(free);
  RESOLVE(posix_memalign);
  RESOLVE(memalign);
  RESOLVE(aligned_alloc);
  RESOLVE(valloc);
  RESOLVE(pvalloc);
  RESOLVE(malloc_usable_size);
}

/*
 * dlsym() may itself allocate before the real malloc is known: those requests are served from a static
 * bump arena, never freed, recognised by address in free/realloc/malloc_usable_size.
 */
#define ARENA_SIZE (256 * 1024)
static char arena[ARENA_SIZE] __attribute__((aligned(64)));
static size_t arena_top;

static void *arena_alloc(size_t n, size_t align)
{
  if (align < 16) align = 16;
  size_t top = __atomic_load_n(&arena_top, __ATOMIC_RELAXED);
  for (;;) {
    size_t p = (top + sizeof(size_t) + align - 1) & ~(align - 1);
    size_t end = p + n;
    if (end < p || end > ARENA_SIZE) return NULL;
    if (__atomic_compare_exchange_n(&arena_top, &top, end, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
      memcpy(arena + p - sizeof(size_t), &n, sizeof n);
      return arena + p;
    }
  }
}

static inline int in_arena(const void *p) { return (const char *)p >= arena && (const char *)p < arena + ARENA_SIZE; }

static size_t arena_size(const void *p)
{
  size_t n;
  memcpy(&n, (const char *)p - sizeof(size_t), sizeof n);
  return n;
}

/* True when the real allocator is usable; false means: serve this one from the arena. */
static inline int alloc_ready(void)
{
  if (LIKELY(real_malloc != NULL)) return 1;
  if (in_resolve) return 0;
  resolve_all();
  return real_malloc != NULL;
}

static inline void count_alloc(int which, void *p)
{
  struct vigil_shm *s = shm();
  add(&s->c[which], 1);
  add(&s->c[VIGIL_C_ALLOC_BYTES], real_malloc_usable_size(p));
}

EXPORT void *malloc(size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, 16);
  void *p = real_malloc(n);
  if (p) count_alloc(VIGIL_C_MALLOC_CALLS, p);
  return p;
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
  if (UNLIKELY(!alloc_ready())) {
    size_t n;
    if (__builtin_mul_overflow(nmemb, size, &n)) return NULL;
    return arena_alloc(n, 16); /* the arena is .bss, never reused: already zero */
  }
  void *p = real_calloc(nmemb, size);
  if (p) count_alloc(VIGIL_C_CALLOC_CALLS, p);
  return p;
}

EXPORT void free(void *p)
{
  if (!p || in_arena(p)) return;
  if (UNLIKELY(!alloc_ready())) return; /* cannot happen: p came from the real allocator */
  size_t n = real_malloc_usable_size(p);
  real_free(p);
  struct vigil_shm *s = shm();
  add(&s->c[VIGIL_C_FREE_CALLS], 1);
  add(&s->c[VIGIL_C_FREE_BYTES], n);
}

EXPORT void *realloc(void *p, size_t n)
{
  if (UNLIKELY(!alloc_ready())) {
    void *q = arena_alloc(n, 16);
    if (q && p && in_arena(p)) memcpy(q, p, arena_size(p) < n ? arena_size(p) : n);
    return q;
  }
  struct vigil_shm *s;
  if (p && in_arena(p)) {
    void *q = real_malloc(n ? n : 1);
    if (!q) return NULL;
    memcpy(q, p, arena_size(p) < n ? arena_size(p) : n);
    count_alloc(VIGIL_C_REALLOC_CALLS, q);
    return q;
  }
  size_t old = p ? real_malloc_usable_size(p) : 0;
  void *q = real_realloc(p, n);
  s = shm();
  if (q) {
    add(&s->c[VIGIL_C_REALLOC_CALLS], 1);
    add(&s->c[VIGIL_C_ALLOC_BYTES], real_malloc_usable_size(q));
    if (old) add(&s->c[VIGIL_C_FREE_BYTES], old);
  } else if (p && n == 0) {
    /* glibc's realloc(p, 0) frees p and returns NULL. */
    add(&s->c[VIGIL_C_REALLOC_CALLS], 1);
    add(&s->c[VIGIL_C_FREE_BYTES], old);
  }
  return q;
}

/* glibc's reallocarray may reach realloc without passing through the PLT: done here, once. */
EXPORT void *reallocarray(void *p, size_t nmemb, size_t size)
{
  size_t n;
  if (__builtin_mul_overflow(nmemb, size, &n)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, n);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
  if (UNLIKELY(!alloc_ready())) {
    void *p = arena_alloc(n, align);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
  }
  int r = real_posix_memalign(out, align, n);
  if (r == 0) count_alloc(VIGIL_C_MEMALIGN_CALLS, *out);
  return r;
}

EXPORT void *memalign(size_t align, size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, align);
  void *p = real_memalign(align, n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, align);
  void *p = real_aligned_alloc(align, n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT void *valloc(size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc(n, 4096);
  void *p = real_valloc(n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT void *pvalloc(size_t n)
{
  if (UNLIKELY(!alloc_ready())) return arena_alloc((n + 4095) & ~(size_t)4095, 4096);
  void *p = real_pvalloc(n);
  if (p) count_alloc(VIGIL_C_MEMALIGN_CALLS, p);
  return p;
}

EXPORT size_t malloc_usable_size(void *p)
{
  if (!p) return 0;
  if (in_arena(p)) return arena_size(p);
  if (UNLIKELY(!alloc_ready())) return 0;
  return real_malloc_usable_size(p);
}

