/**
 * node_scrape_collector_duration_seconds and node_scrape_collector_success, per node_exporter collector
 * (collectors.ts), for the "exporter health" panels of node_exporter dashboards.
 *
 * vigil reads /proc on its sampler's tick, not in the scrape, so a collector's duration is what THIS
 * scrape spent on it: listing its series from the kept Sample, plus, for timex, the adjtimex call. (The
 * tick's parse time per /proc source is what --debug-timings shows.) Success is node_exporter's meaning
 * of it: 1 when the collector had data to serve in this scrape, 0 when it had none (a file this kernel
 * lacks, no native addon for timex). Before the first Sample neither family has series.
 */
import type { FamilySpec, Series } from './family';

export class CollectorStats {
  /** Collectors with at least one family registered (or a declared source), in first-seen order. */
  private readonly names = new Set<string>();
  private readonly ns = new Map<string, number>();
  private readonly series = new Map<string, number>();

  /** A collector that takes part in every scrape even when it has no family (timex without the addon). */
  declare(collector: string): void {
    this.names.add(collector);
  }

  /** Forget the last scrape's figures: called as a scrape begins. */
  begin(): void {
    this.ns.clear();
    this.series.clear();
  }

  /** Adds time (ns) and a count of series to a collector's figures for this scrape. */
  add(collector: string, ns: number, series: number): void {
    this.ns.set(collector, (this.ns.get(collector) ?? 0) + ns);
    this.series.set(collector, (this.series.get(collector) ?? 0) + series);
  }

  /** `spec`, timed and counted under `collector`: its series are listed once, inside the clock. */
  timed<S>(collector: string, spec: FamilySpec<S>): FamilySpec<S> {
    this.declare(collector);
    return {
      ...spec,
      series: (st: S): Series[] => {
        const t0 = process.hrtime.bigint();
        const out: Series[] = [];
        // Counted as served: a series whose value is missing (a file this kernel lacks) is left out of the scrape.
        let served = 0;
        for (const s of spec.series(st)) {
          out.push(s);
          const v = s[1];
          if (v != null && (typeof v !== 'number' || Number.isFinite(v))) served++;
        }
        this.add(collector, Number(process.hrtime.bigint() - t0), served);
        return out;
      },
    };
  }

  /**
   * The two families; registered to be listed after every other family of the scrape. Their state says
   * whether there is a Sample yet: before the first one nothing was collected, and nothing is reported.
   */
  families(): FamilySpec<boolean>[] {
    const names = (): string[] => [...this.names].sort();
    return [
      {
        name: 'node_scrape_collector_duration_seconds', type: 'gauge', labelNames: ['collector'],
        help: 'node_exporter: Duration of a collector scrape.',
        series: (sampled) => (sampled ? names().map((c): Series => [{ collector: c }, (this.ns.get(c) ?? 0) / 1e9]) : []),
      },
      {
        name: 'node_scrape_collector_success', type: 'gauge', labelNames: ['collector'],
        help: 'node_exporter: Whether a collector succeeded.',
        series: (sampled) => (sampled ? names().map((c): Series => [{ collector: c }, (this.series.get(c) ?? 0) > 0 ? 1 : 0]) : []),
      },
    ];
  }
}
