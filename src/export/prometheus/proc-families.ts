/**
 * Per-process metrics, vigil's own (node_exporter has none): `vigil_process_*{pid,comm,user,...}` for
 * the bounded set chosen by proc-select.ts. Values are the cumulative counters of the latest process
 * table (a Sample's ProcTable), in base units; Prometheus takes the rates.
 *
 * A new per-process counter is a `prom` entry on its row of the process field table, or, for data kept
 * outside the Sample, PrometheusMetrics.addProcFamily() at run time. Either way the family inherits the
 * pid/comm/user labels and the cardinality bound.
 */
import type { HostInfo, ProcSample } from '../../model';
import { PROC_FIELDS } from '../../model/fields/proc';
import type { FamilySpec, FamilyType, Labels, Series } from './family';
import { rowLines } from './row-lines';
import type { ProcRow } from './proc-select';

export const PROC_LABELS = ['pid', 'comm', 'user'] as const;

export interface ProcState {
  rows: readonly ProcRow[];
  host: HostInfo;
}

/** A per-process family: its extra label names and, per process, its series with those extra labels. */
export interface ProcFamilySpec {
  name: string;
  help: string;
  type: FamilyType;
  extraLabels?: readonly string[];
  series(row: ProcRow, host: HostInfo): Iterable<Series>;
}

/** user is the passwd name, else the uid, else empty (Prometheus: an empty label is an absent label). */
export function procLabels(p: ProcSample): Labels {
  return { pid: String(p.pid), comm: p.comm, user: p.user ?? (p.uid === null ? '' : String(p.uid)) };
}

/**
 * procLabels of a sample, made once per sample: the reader hands back the very same sample for a process
 * that did not move, and every family of a scrape asks for the same rows. Never mutated by a family.
 */
const labelsOf = new WeakMap<ProcSample, Labels>();
function rowLabels(p: ProcSample): Labels {
  let l = labelsOf.get(p);
  if (l === undefined) labelsOf.set(p, (l = procLabels(p)));
  return l;
}

export function toFamily(spec: ProcFamilySpec): FamilySpec<ProcState> {
  const fam: FamilySpec<ProcState> = {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    labelNames: [...PROC_LABELS, ...(spec.extraLabels ?? [])],
    *series(st) {
      for (const row of st.rows) {
        const base = rowLabels(row.proc);
        for (const [extra, v] of spec.series(row, st.host)) {
          let empty = true;
          for (const _ in extra) {
            empty = false;
            break;
          }
          yield [empty ? base : { ...base, ...extra }, v];
        }
      }
    },
  };
  const own = { fam, rows: (st: ProcState) => st.rows, labels: (r: ProcRow) => rowLabels(r.proc), series: (r: ProcRow, st: ProcState) => spec.series(r, st.host), own: PROC_LABELS, extra: spec.extraLabels ?? [] };
  fam.lines = (st, out) => rowLines(own, st, out);
  return fam;
}

/** Every `vigil_process_*` family: those of the process field table (src/model/fields/proc.ts), in its order. */
export const PROC_FAMILIES: readonly ProcFamilySpec[] = PROC_FIELDS.flatMap((f) =>
  ('prom' in f ? f.prom : []).map((fam): ProcFamilySpec => ({
    name: fam.name,
    help: fam.help,
    type: fam.type,
    ...(fam.extraLabels ? { extraLabels: fam.extraLabels } : {}),
    series: ({ proc }, host) => fam.series(proc, host),
  })),
);
