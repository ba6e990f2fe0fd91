/**
 * Gives back the file pages of the node binary and of the shared libraries that vigil mapped at start-up and
 * no longer uses. Of a node process's ~46 MB of file pages (the binary's .text, .rodata, symbol tables and
 * embedded ICU data, mapped 16 pages at a time by the kernel's fault-around), vigil's steady state touches
 * about 20 MB: without this, the rest counts in its resident set for as long as it runs, and the kernel
 * holds those pages as mapped (harder to reclaim) page cache.
 *
 * The release is native/sampler/trim.c: MADV_DONTNEED on clean, private, read-only file mappings, which only
 * unmaps them (the page cache keeps the bytes, a later access is a minor fault). Pages start-up touched
 * come back as they are used, so it runs again a few times while the process settles, and then rarely.
 * The same call runs malloc_trim(0): glibc keeps freed memory in per-thread arenas (V8's compiler and GC
 * threads allocate in their own) and returns it to the kernel only from an arena's top; start-up's compiles
 * leave ~10-15 MB of such free pages resident.
 * Without the native core (no C compiler at install) nothing is released and nothing is said.
 * VIGIL_PAGE_TRIM=0 turns it off (to compare the two side by side).
 */
import { loadNative } from './load';

/** Slots of trimFilePages()'s Float64Array: native/sampler/trim.h. */
const TRIM_MAPPINGS = 0;
const TRIM_KB = 1;
const TRIM_SKIPPED = 2;
const TRIM_N = 3;

/** After start-up (ms from the first call): while modules load, the first frames draw and V8 compiles. */
const SETTLE_MS = [400, 1500, 5000, 30_000];
/** Then rarely: what comes back by then is what vigil uses. */
const EVERY_MS = 10 * 60_000;

export interface TrimResult {
  /** Mappings released. */
  mappings: number;
  /** Their resident kB before the release. */
  kb: number;
  /** Read-only file mappings left alone because they hold copied pages (RELRO). */
  skipped: number;
}

/**
 * Releases now (1-8 ms: the smaps read and malloc_trim); null without the native core (or one built before
 * trimFilePages) or when smaps is unreadable.
 */
export function trimFilePages(): TrimResult | null {
  const addon = loadNative().addon;
  if (!addon?.trimFilePages) return null;
  const out = new Float64Array(TRIM_N);
  if (addon.trimFilePages(out) !== 0) return null;
  return { mappings: out[TRIM_MAPPINGS], kb: out[TRIM_KB], skipped: out[TRIM_SKIPPED] };
}

/** trimFilePages() unless VIGIL_PAGE_TRIM=0: a one-off release at a known point of a command's start-up. */
export function trimNow(env: NodeJS.ProcessEnv = process.env): TrimResult | null {
  return env.VIGIL_PAGE_TRIM === '0' ? null : trimFilePages();
}

let started = false;

/**
 * Releases now and on unref'd timers (they never keep a command alive). Once per process; a no-op when
 * VIGIL_PAGE_TRIM=0.
 */
export function startPageTrim(env: NodeJS.ProcessEnv = process.env): void {
  if (started || env.VIGIL_PAGE_TRIM === '0') return;
  started = true;
  if (trimFilePages() === null) return;
  let prev = 0;
  const next = (i: number): void => {
    const wait = i < SETTLE_MS.length ? SETTLE_MS[i] - prev : EVERY_MS;
    if (i < SETTLE_MS.length) prev = SETTLE_MS[i];
    setTimeout(() => {
      trimFilePages();
      next(i + 1);
    }, wait).unref();
  };
  next(0);
}
