/**
 * The tables of `vigil export`: column names (snake_case, with units: a user-facing contract, listed in
 * docs/recording.md, checked by test/unit/docs.test.ts) and how each row comes out of a Snapshot. Every rate here is derive()'s.
 * The columns of every table but shim and alerts are the exported rows of the field tables (src/model/fields/).
 */
import type { CoreSnap, ProcSample, Sample, Snapshot } from '../model';
import type { ShimSnap } from '../model/shim';
import { cgroupName } from '../model/cgroup-name';
import { CGROUP_FIELDS } from '../model/fields/cgroup';
import { CONN_FIELDS } from '../model/fields/conns';
import { CPU_FIELDS } from '../model/fields/cpu';
import { DISK_FIELDS } from '../model/fields/disk';
import { FS_FIELDS } from '../model/fields/fs';
import { MEM_FIELDS, VM_FIELDS } from '../model/fields/memory';
import { NET_FIELDS, TCP_FIELDS, UDP_FIELDS } from '../model/fields/net';
import { PROC_FIELDS, ProcExportKey } from '../model/fields/proc';
import { PSI_FIELDS, PSI_RESOURCES } from '../model/fields/psi';
import { SYSTEM_FIELDS } from '../model/fields/system';
import type { AlertRow } from '../store/recording/reader';

export type Cell = string | number | boolean | null;

export const TABLE_NAMES = ['system', 'cpu', 'memory', 'net', 'disk', 'fs', 'procs', 'conns', 'shim', 'cgroups', 'alerts'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** The exported keys of a field table, in its row order. */
function exportKeys<R extends { readonly key: string; readonly exported: boolean }>(rows: readonly R[]): Extract<R, { exported: true }>['key'][] {
  return rows.flatMap((r) => (r.exported ? [r.key as Extract<R, { exported: true }>['key']] : []));
}

const CPU_PCT = exportKeys(CPU_FIELDS);
const MEM = exportKeys(MEM_FIELDS);
const NET = exportKeys(NET_FIELDS);
const DISK = exportKeys(DISK_FIELDS);
const FS = exportKeys(FS_FIELDS);
/** The procs table's columns: the exported rows of the process field table, in its order. */
const PROC: readonly ProcExportKey[] = exportKeys(PROC_FIELDS);
const CONN = exportKeys(CONN_FIELDS);
/**
 * The shim table (vigil run): derive/shim.ts's figures per process that ran with the shim, per process tick.
 * net_* are IP sockets (TCP, UDP, other IP); net_tx_bytes/net_rx_bytes are cumulative since the process
 * started, the rest are rates over the process interval; connect_latency_ms is this interval's mean,
 * connect_latency_avg_ms the process's life's; alloc_* need --alloc.
 */
const SHIM = [
  'attached', 'net_tx_bytes', 'net_rx_bytes', 'net_tx_bytes_per_s', 'net_rx_bytes_per_s', 'net_tx_calls_per_s', 'net_rx_calls_per_s',
  'unix_tx_bytes_per_s', 'unix_rx_bytes_per_s', 'connects_per_s', 'connect_fails_per_s', 'connect_latency_ms', 'connect_latency_p50_ms',
  'connect_latency_p99_ms', 'connect_latency_avg_ms', 'alloc_outstanding_bytes', 'alloc_calls_per_s', 'free_calls_per_s',
  'alloc_bytes_per_s', 'free_bytes_per_s', 'peers',
] as const satisfies readonly (keyof ShimSnap)[];
export const SHIM_COLUMNS = ['t', 'interval_ms', 'pid', 'start_time', 'comm', ...SHIM] as const;

/** The cgroups table: derive/cgroups.ts's figures per group, the field table's exported rows. */
const CGROUP_EXPORT = exportKeys(CGROUP_FIELDS);

const SYS_SCALARS = [...exportKeys(SYSTEM_FIELDS), ...exportKeys(VM_FIELDS)];
/** Per resource: the `psi_<resource>_<column>` columns and the PsiSnap keys they hold. */
const PSI = PSI_FIELDS.flatMap((f) => (f.exported ? [['column' in f ? f.column : f.key, f.key] as const] : []));
const TCP = exportKeys(TCP_FIELDS);
const UDP = exportKeys(UDP_FIELDS);

export interface SnapshotTable {
  kind: 'snapshot';
  columns: readonly string[];
  /** Whether rows need process tables rebuilt. */
  procs: boolean;
  /** Whether rows need the connections tier's samples rebuilt (default: as procs). */
  conns?: boolean;
  /** Whether rows need the cgroup tier's tables rebuilt (default false). */
  cgroups?: boolean;
  /** The rows of one Snapshot; `curr` is the later Sample it was derived from. */
  rows(s: Snapshot, curr: Sample): Cell[][];
}
export interface AlertTable {
  kind: 'alerts';
  columns: readonly string[];
  row(a: AlertRow): Cell[];
}

const pick = <T>(o: T, keys: readonly (keyof T)[]): Cell[] => keys.map((k) => o[k] as Cell);

/**
 * The interval a process's TCP rates cover, ms: the connections tier's own (tcp_prev → tcp), which is
 * not the process table's. When the table is read more often than the tier, consecutive rows repeat
 * the same interval and rates; summing rate × interval over distinct intervals gives the bytes moved.
 */
function tcpIntervalMs(p: ProcSample | undefined, pid: number): number | null {
  if (p === undefined || p.pid !== pid || p.tcp === null || p.tcp_prev === null) return null;
  const ms = Number(p.tcp.mono_ns - p.tcp_prev.mono_ns) / 1e6;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

export const TABLES: { [K in TableName]: K extends 'alerts' ? AlertTable : SnapshotTable } = {
  system: {
    kind: 'snapshot',
    procs: false,
    columns: [
      't', 'interval_ms', ...CPU_PCT, ...SYS_SCALARS,
      ...PSI_RESOURCES.flatMap((r) => PSI.map(([name]) => `psi_${r}_${name}`)),
      ...TCP.map((f) => `tcp_${f}`), ...UDP.map((f) => `udp_${f}`),
    ],
    rows: (s) => [[
      s.t, s.interval_ms, ...pick(s.cpu, CPU_PCT), ...pick(s, SYS_SCALARS),
      ...PSI_RESOURCES.flatMap((r) => PSI.map(([, k]) => s.psi[r]?.[k] ?? null)),
      ...pick(s.tcp, TCP), ...pick(s.udp, UDP),
    ]],
  },
  cpu: {
    kind: 'snapshot',
    procs: false,
    columns: ['t', 'interval_ms', 'cpu', 'online', ...CPU_PCT],
    rows: (s) => s.cores.map((c: CoreSnap) => [s.t, s.interval_ms, c.cpu, c.online, ...pick(c, CPU_PCT)]),
  },
  memory: { kind: 'snapshot', procs: false, columns: ['t', ...MEM], rows: (s) => [[s.t, ...pick(s.mem, MEM)]] },
  net: { kind: 'snapshot', procs: false, columns: ['t', 'interval_ms', ...NET], rows: (s) => s.net.map((n) => [s.t, s.interval_ms, ...pick(n, NET)]) },
  disk: { kind: 'snapshot', procs: false, columns: ['t', 'interval_ms', ...DISK], rows: (s) => s.disks.map((d) => [s.t, s.interval_ms, ...pick(d, DISK)]) },
  fs: { kind: 'snapshot', procs: false, columns: ['t', ...FS], rows: (s) => s.fs.map((f) => [s.t, ...pick(f, FS)]) },
  procs: {
    kind: 'snapshot',
    procs: true,
    conns: false,
    columns: ['t', 'interval_ms', ...PROC, 'tcp_interval_ms'],
    // derive() keeps the table's order, so the i-th ProcSnap is the i-th process of the table.
    rows: (s, curr) =>
      s.procs === null ? [] : s.procs.map((p, i) => [s.t, s.procs_interval_ms, ...pick(p, PROC), tcpIntervalMs(curr.procs?.procs[i], p.pid)]),
  },
  conns: {
    kind: 'snapshot',
    procs: false,
    conns: true,
    // One row per connection (listeners are not connections) per read of the connections tier.
    columns: ['t', 'interval_ms', ...CONN],
    rows: (s) => (s.conns === null ? [] : s.conns.conns.map((c) => [s.t, s.conns!.interval_ms, ...pick(c, CONN)])),
  },
  shim: {
    kind: 'snapshot',
    procs: true,
    conns: false,
    columns: SHIM_COLUMNS,
    // One row per process under the shim per process tick.
    rows: (s) =>
      s.procs === null
        ? []
        : s.procs.flatMap((p) => (p.shim === null ? [] : [[s.t, s.procs_interval_ms, p.pid, p.start_time, p.comm, ...pick(p.shim, SHIM)]])),
  },
  cgroups: {
    kind: 'snapshot',
    procs: false,
    conns: false,
    cgroups: true,
    // One row per cgroup per read of the cgroup tier (recordings of schema 4 on).
    columns: ['t', 'interval_ms', 'path', 'name', ...CGROUP_EXPORT, ...PSI_RESOURCES.map((r) => `psi_${r}_some_pct`)],
    rows: (s) =>
      !s.cgroups
        ? []
        : s.cgroups.map((c) => [s.t, s.cgroups_interval_ms ?? null, c.path, cgroupName(c.path), ...pick(c, CGROUP_EXPORT), ...PSI_RESOURCES.map((r) => c.psi[r]?.some_pct ?? null)]),
  },
  alerts: {
    kind: 'alerts',
    columns: [
      't', 'end_t', 'duration_ms', 'rule', 'metric', 'op', 'subject', 'pid', 'start_time', 'comm', 'user', 'fired_t',
      'end_reason', 'peak', 'average', 'threshold', 'samples',
    ],
    row: (a) => [
      a.start_t, a.end_t, a.end_t === null ? null : a.end_t - a.start_t, a.rule, a.metric, a.op, a.subject, a.pid,
      a.start_time, a.comm, a.user, a.fired_t, a.end_reason, a.peak, a.average, a.threshold, a.samples,
    ],
  },
};
