/**
 * vigil's Prometheus metrics: the latest Sample and Snapshot held in memory, listed as metric families
 * when scraped. update() only keeps references (it runs on every sampler tick, up to 10 times a second);
 * all the work happens in a scrape, and a scrape only reads what update() kept: it never reads /proc.
 *
 * One Registry of vigil's own, never prom-client's global one and never its default Node.js metrics
 * (promtool rejects those: gauges named `_total`), so /metrics holds exactly what is documented.
 *
 * A scrape is consistent: every family is listed in one synchronous pass (family.ts renderRegistry), and
 * update() runs from a timer, so no update can land between two families of the same scrape.
 *
 * Two sources are read in the scrape itself, before the families list their series, because they describe
 * the moment of the scrape, as node_exporter's do: adjtimex(2) (node_timex_*) and the exporter's own
 * /proc/self (process_*). Both are a syscall or two, bounded, and both readers are the sampler's, handed
 * in as `sources`: this layer still reads nothing itself.
 */
import { Registry } from 'prom-client';
import type { HostInfo, ProcSnap, ProcTable, Sample, Snapshot } from '../../model';
import type { CgroupSnap, CgroupTable } from '../../model/cgroups';
import { CGROUP_FAMILIES, CgroupRow, CgroupState, selectCgroups } from './cgroup-families';
import type { ScrapeSources, SelfStats, TimexRaw } from '../../model/exporter';
import { CollectorStats } from './collector-stats';
import { collectorOf, CollectorSet, isEnabled } from './collectors';
import { blocksBuffer, blocksText, FamilySpec, registerFamily, renderBlocks } from './family';
import { nodeFamilies, SystemState } from './node-families';
import { KeyedFamilies } from './node-tier-families';
import { PROC_FAMILIES, ProcFamilySpec, ProcState, toFamily } from './proc-families';
import { DEFAULT_PROC_TOP, ProcRow, selectRows, SnapOf } from './proc-select';
import { selfFamilies } from './self-families';
import { timexFamilies } from './timex-families';

export interface PrometheusMetricsOptions {
  host: HostInfo;
  /** N of the top-N-by-CPU and top-N-by-RSS sets (default 20). */
  procTop?: number;
  /** Processes whose comm or command line matches are exported too, beyond the top sets. */
  procMatch?: RegExp | null;
  /** Serve the cgroup tier's container_* families (the feed must run the tier). */
  cgroups?: boolean;
  /** The node_exporter collectors served (--collectors); null or absent: all. */
  collectors?: CollectorSet;
  /**
   * What a scrape reads itself (adjtimex, the exporter's own /proc/self), from the sampler
   * (src/sampler/self.ts scrapeSources()); absent: no node_timex_* and no process_* families.
   */
  sources?: ScrapeSources;
}

/** What an added family sees at a scrape. It must only read memory. */
export interface ScrapeView {
  sample: Sample | null;
  snapshot: Snapshot | null;
  host: HostInfo;
}

export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly host: HostInfo;
  private readonly top: number;
  private readonly match: RegExp | null;
  private sample: Sample | null = null;
  /** node_* families named by the kernel's files (registered as the node tier finds them). */
  private readonly keyed: KeyedFamilies;
  private snapshot: Snapshot | null = null;
  /** The latest derived process rows (a Snapshot has them only when the table was re-read). */
  private procSnaps: ProcSnap[] | null = null;
  /** The latest derived cgroup rows (a Snapshot has them only when the tier read again). */
  private cgroupSnaps: CgroupSnap[] | null = null;
  private cgMemo: { table: CgroupTable | null; snaps: CgroupSnap[] | null; rows: CgroupRow[] } = { table: null, snaps: null, rows: [] };
  private memo: { table: ProcTable | null; snaps: ProcSnap[] | null; rows: ProcRow[] } = { table: null, snaps: null, rows: [] };
  private readonly collectors: CollectorSet;
  private readonly stats = new CollectorStats();
  private readonly sources: ScrapeSources;
  /** What this scrape read of adjtimex and of /proc/self (see metrics()). */
  private timexNow: TimexRaw | null = null;
  private selfNow: SelfStats | null = null;

  constructor(opts: PrometheusMetricsOptions) {
    this.host = opts.host;
    this.top = opts.procTop ?? DEFAULT_PROC_TOP;
    this.match = opts.procMatch ?? null;
    this.collectors = opts.collectors ?? null;
    const system = (): SystemState => ({ sample: this.sample, host: this.host });
    for (const spec of nodeFamilies()) this.addCollected(spec, system);
    // node_* families named by the node tier's files, as it finds them; --collectors applies to them too.
    this.keyed = new KeyedFamilies(this.registry, (spec) => this.addCollected(spec, () => null));
    const timex = isEnabled(this.collectors, 'timex') ? opts.sources?.timex ?? null : null;
    this.sources = { timex, self: opts.sources?.self ?? null };
    if (isEnabled(this.collectors, 'timex')) this.stats.declare('timex');
    // Without the addon there are no node_timex_* families at all, and timex's success is 0.
    if (timex !== null) for (const spec of timexFamilies()) this.addCollected(spec, () => ({ timex: this.timexNow }));
    if (this.sources.self !== null) for (const spec of selfFamilies()) registerFamily(this.registry, spec, () => ({ self: this.selfNow }));
    registerFamily(this.registry, {
      name: 'vigil_processes', type: 'gauge', labelNames: [],
      help: 'Processes in the latest process table.',
      series: (v: ScrapeView) => [[{}, v.sample?.procs?.procs.length]],
    }, () => this.view());
    registerFamily(this.registry, {
      name: 'vigil_processes_exported', type: 'gauge', labelNames: [],
      help: 'Processes with vigil_process_* series in this scrape (top N by CPU ∪ top N by RSS ∪ --proc-match).',
      series: (v: ScrapeView) => [[{}, v.sample?.procs ? this.rows().length : null]],
    }, () => this.view());
    for (const spec of PROC_FAMILIES) this.addProcFamily(spec);
    if (opts.cgroups) for (const spec of CGROUP_FAMILIES) registerFamily(this.registry, spec, (): CgroupState => ({ rows: this.cgroupRows() }));
    for (const spec of this.stats.families()) registerFamily(this.registry, spec, () => this.sample !== null, true);
  }

  /** A family of a node_exporter collector (or of none): left out when --collectors turned it off, else timed. */
  private addCollected<S>(spec: FamilySpec<S>, getState: () => S): void {
    const collector = collectorOf(spec.name);
    if (!isEnabled(this.collectors, collector)) return;
    registerFamily(this.registry, collector === null ? spec : this.stats.timed(collector, spec), getState);
  }

  /**
   * Keep the latest state. O(1): no copying, no selection; `snapshot` may be null before the first rate.
   * (Once a second, when the node tier has a new read, its file-named families are refreshed.)
   */
  update(sample: Sample, snapshot: Snapshot | null): void {
    this.sample = sample;
    this.keyed.sync(sample.node, this.host);
    if (snapshot !== null) {
      this.snapshot = snapshot;
      if (snapshot.procs !== null) this.procSnaps = snapshot.procs;
      if (snapshot.cgroups) this.cgroupSnaps = snapshot.cgroups;
    }
  }

  /**
   * EXTENSION POINT (issue 6 and any other source of whole-host series): register a family whose series
   * come from state the caller keeps, e.g. `vigil_alert_active{rule,subject}` = 1 for each active breach
   * of the alert store. series() runs in a scrape: read memory only.
   */
  addFamily(spec: FamilySpec<ScrapeView>): void {
    this.addCollected(spec, () => this.view());
  }

  /** EXTENSION POINT (issues 7, 8): a per-process family over the bounded set; see proc-families.ts. */
  addProcFamily(spec: ProcFamilySpec): void {
    registerFamily(this.registry, toFamily(spec), (): ProcState => ({ rows: this.rows(), host: this.host }));
  }

  /** The text exposition format, as served on /metrics. */
  async metrics(): Promise<string> {
    return blocksText(await this.scrape());
  }

  /** metrics() as the UTF-8 bytes /metrics sends (made without the whole text as one string). */
  async metricsBody(): Promise<Buffer> {
    return blocksBuffer(await this.scrape());
  }

  private scrape(): Promise<string[]> {
    this.stats.begin();
    const { timex, self } = this.sources;
    if (timex !== null) {
      const t0 = process.hrtime.bigint();
      this.timexNow = timex.read();
      this.stats.add('timex', Number(process.hrtime.bigint() - t0), 0);
    }
    if (self !== null) this.selfNow = self.read();
    return renderBlocks(this.registry);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private view(): ScrapeView {
    return { sample: this.sample, snapshot: this.snapshot, host: this.host };
  }

  /** The exported cgroups, chosen once per (table, derived rows) pair, bounded as processes are (--proc-top). */
  cgroupRows(): CgroupRow[] {
    const table = this.sample?.cgroups ?? null;
    if (table === this.cgMemo.table && this.cgroupSnaps === this.cgMemo.snaps) return this.cgMemo.rows;
    this.cgMemo = { table, snaps: this.cgroupSnaps, rows: selectCgroups(table, this.cgroupSnaps, this.top) };
    return this.cgMemo.rows;
  }

  /** The exported processes, chosen once per (process table, derived rows) pair and reused by every family. */
  rows(): ProcRow[] {
    const table = this.sample?.procs ?? null;
    if (table === this.memo.table && this.procSnaps === this.memo.snaps) return this.memo.rows;
    const rows = table === null ? [] : selectRows(table.procs, snapLookup(this.procSnaps), { top: this.top, match: this.match });
    this.memo = { table, snaps: this.procSnaps, rows };
    return rows;
  }

}

/**
 * Each process's derived row. derive lists a table's rows in the table's own order, so the i-th derived
 * row is the i-th process's when its pid says so; a pid index is built only for rows out of that order
 * (derived rows of another table), once.
 */
function snapLookup(snaps: readonly ProcSnap[] | null): SnapOf {
  if (snaps === null) return () => null;
  let byPid: Map<number, ProcSnap> | null = null;
  return (p, i) => {
    const s = snaps[i];
    if (s !== undefined && s.pid === p.pid) return s;
    byPid ??= new Map(snaps.map((x) => [x.pid, x]));
    return byPid.get(p.pid) ?? null;
  };
}
