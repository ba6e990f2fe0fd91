/**
 * What an exporter reads at the moment of a scrape rather than on the sampling tick, because it
 * describes that moment (node_exporter reads them per scrape too): the kernel's clock discipline and the
 * exporter's own process. The sampler reads them (src/sampler/timex.ts, src/sampler/self.ts); the
 * Prometheus layer is handed the readers (ScrapeSources) and never touches /proc itself.
 */

/** adjtimex(2)'s fields in kernel units, as in struct timex (see adjtimex(2)). */
export interface TimexRaw {
  /** The call's return: the clock state, TIME_OK (0) .. TIME_ERROR (5). */
  state: number;
  offset: number; freq: number; maxerror: number; esterror: number; status: number; constant: number;
  precision: number; tolerance: number; tick: number; ppsfreq: number; jitter: number; shift: number;
  stabil: number; jitcnt: number; calcnt: number; errcnt: number; stbcnt: number; tai: number;
}

/** The exporter's own process, in base units; null: not readable. */
export interface SelfStats {
  cpuSeconds: number | null;
  residentBytes: number | null;
  virtualBytes: number | null;
  openFds: number | null;
  maxFds: number | null;
  virtualMaxBytes: number | null;
  startTimeSeconds: number | null;
}

export interface TimexReader {
  /** The current state, or null when the call failed (EPERM under a seccomp filter, ...). */
  read(): TimexRaw | null;
}

export interface SelfStatsReader {
  read(): SelfStats;
}

/** The readers a scrape calls; a null one: its families are not served. */
export interface ScrapeSources {
  /** adjtimex (node_timex_*); null without the native addon. */
  timex: TimexReader | null;
  /** The exporter's own process (process_*). */
  self: SelfStatsReader | null;
}
