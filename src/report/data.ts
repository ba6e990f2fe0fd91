/**
 * Everything the report shows, read from a recording in one pass over the chosen range: the system
 * series on the sample axis, the processes on the process-table axis, the breaches, and the header.
 * Rates are derive()'s over the recorded pairs (snapshotOf), the figures `vigil replay` and `vigil export`
 * show for the same samples. Series go straight into their encoders: memory grows with bytes, not points.
 */
import type { HostInfo } from '../model';
import { sanitize } from '../render/sanitize';
import { ALERT_METRICS } from '../store/alerts/metrics';
import type { Recording } from '../store/recording/reader';
import { snapshotOf } from '../store/recording/snapshots';
import { CGROUP_TOP_N, CgroupCollector, CgroupMeta } from './cgroups';
import { ChartSpec, chartSpecs } from './charts';
import { ProcCollector, ProcEntry, Ranking } from './procs';
import { Block, SeriesRef, SeriesSet } from './series-set';
import { noEntities, putSystem } from './system';

/** Processes per ranking on the page. */
export const TOP_N = 10;

export interface ReportHeader {
  file: string;
  hosts: string[];
  kernels: string[];
  cores: number;
  mem_total_bytes: number | null;
  /** Wall times of the first and last sample in the report, ms (null: no samples in the range). */
  from: number | null;
  to: number | null;
  /** As asked for with --from/--to, when given. */
  asked_from: number | null;
  asked_to: number | null;
  intervals: { interval_ms: number; proc_interval_ms: number }[];
  sessions: number;
  samples: number;
  recorded_by: string[];
  report_by: string;
  schema_version: number | null;
}

export interface ReportAlert {
  rule: string;
  metric: string;
  op: string;
  unit: string;
  subject: string;
  pid: number | null;
  comm: string | null;
  start_t: number;
  fired_t: number;
  end_t: number | null;
  end_reason: string | null;
  peak: number | null;
  average: number | null;
  threshold: number;
}

export interface ReportMeta {
  header: ReportHeader;
  sys: { t: SeriesRef; series: Record<string, SeriesRef> };
  charts: ChartSpec[];
  procs: { t: SeriesRef; list: ProcEntry[]; tops: Record<Ranking, number[]> };
  alerts: ReportAlert[];
  /** The top cgroups (schema 4 on); null: the recording holds no read of the cgroup tier. */
  cgroups: CgroupMeta | null;
}

export interface ReportData {
  meta: ReportMeta;
  /** The series, as the meta's references say (not yet compressed). */
  block: Buffer;
}

export interface CollectOptions {
  file: string;
  fromT: number;
  toT: number;
  /** Sample ids to read (null: none in the range). */
  fromS: number | null;
  toS: number | null;
  version: string;
  topN?: number;
}

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

export function collect(rec: Recording, o: CollectOptions): ReportData {
  const sys = new SeriesSet();
  // A process that started after the range's first sample did everything it did inside the range.
  const procs = new ProcCollector(o.fromS === null ? Infinity : rec.guard(() => rec.ref(o.fromS!))?.t ?? -Infinity);
  // Recordings before schema 4, or made without the tier, have no cgroup reads: their report is as before.
  const cg = rec.hasCgroups() ? new CgroupCollector() : null;
  const seen = noEntities();
  const hosts: HostInfo[] = [];
  const sessions = new Set<number>();
  let memTotal: number | null = null;
  let lastT: number | null = null;
  let lastSession: number | null = null;
  let firstT: number | null = null;
  if (o.fromS !== null && o.toS !== null) {
    for (const pair of rec.pairs(o.fromS, o.toS, { procs: true, conns: false, cgroups: cg !== null })) {
      const snap = snapshotOf(pair);
      if (snap === null) continue;
      if (lastSession !== null && pair.session.id !== lastSession && lastT !== null) {
        // A new session: a sample with no values between the two, so that no line bridges the gap.
        const gapT = Math.min(lastT + 1, snap.t - 1);
        sys.next(gapT);
        procs.gap(gapT);
        cg?.gap(gapT);
      }
      if (!sessions.has(pair.session.id)) hosts.push(pair.host);
      sessions.add(pair.session.id);
      lastSession = pair.session.id;
      firstT ??= snap.t;
      lastT = snap.t;
      memTotal = snap.mem.mem_total_bytes ?? memTotal;
      sys.next(snap.t);
      putSystem(sys, seen, snap);
      if (snap.procs !== null) procs.add(snap.t, snap.procs_interval_ms, snap.procs, pair.curr.procs?.procs ?? []);
      // Non-null only at a sample where the tier read again: one point per read, as export's rows.
      if (cg !== null && snap.cgroups) cg.add(snap.t, snap.cgroups_interval_ms ?? null, snap.cgroups);
    }
  }
  const block = new Block();
  const sysRefs = sys.write(block);
  const procRefs = procs.write(block, o.topN ?? TOP_N);
  const cgroups = cg === null ? null : cg.write(block, CGROUP_TOP_N);
  const alerts: ReportAlert[] = [];
  for (const a of rec.alerts(o.fromT, o.toT)) {
    alerts.push({
      rule: sanitize(a.rule), metric: a.metric, op: a.op, unit: (ALERT_METRICS as Record<string, { unit: string } | undefined>)[a.metric]?.unit ?? '',
      subject: sanitize(a.subject), pid: a.pid, comm: a.comm === null ? null : sanitize(a.comm),
      start_t: a.start_t, fired_t: a.fired_t, end_t: a.end_t, end_reason: a.end_reason, peak: a.peak, average: a.average, threshold: a.threshold,
    });
  }
  const used = rec.sessions.filter((s) => sessions.has(s.id));
  const header: ReportHeader = {
    file: sanitize(o.file),
    hosts: uniq(hosts.map((h) => sanitize(h.hostname))),
    kernels: uniq(hosts.map((h) => sanitize(h.kernel))),
    cores: Math.max(0, ...hosts.map((h) => h.ncpu)),
    mem_total_bytes: memTotal,
    from: firstT,
    to: lastT,
    asked_from: Number.isFinite(o.fromT) ? o.fromT : null,
    asked_to: Number.isFinite(o.toT) ? o.toT : null,
    intervals: uniq(used.map((s) => `${s.interval_ms}/${s.proc_interval_ms}`)).map((k) => {
      const [i, p] = k.split('/').map(Number);
      return { interval_ms: i, proc_interval_ms: p };
    }),
    sessions: sessions.size,
    samples: sys.n - Math.max(0, sessions.size - 1),
    recorded_by: uniq(used.map((s) => sanitize(s.vigil_version))),
    report_by: o.version,
    schema_version: typeof rec.meta.schema_version === 'number' ? rec.meta.schema_version : null,
  };
  return {
    meta: { header, sys: sysRefs, charts: chartSpecs((id) => sys.has(id), seen), procs: procRefs, alerts, cgroups },
    block: block.bytes(),
  };
}
