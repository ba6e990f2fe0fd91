/**
 * The recorded series: which columns each table has, and the identity columns of its entities. Column
 * names are the user-facing contract of the file (docs/recording.md); units are those of the
 * kernel's counters (ticks of 1/clk_tck s, bytes, 512-byte sectors, ms, ns, µs).
 */
import type { ProcSample } from '../../model';
import type { ProcRawField } from '../../model/fields/field';
import { CPU_RAW } from '../../model/fields/cpu';
import { DISK_RAW } from '../../model/fields/disk';
import { FS_RAW } from '../../model/fields/fs';
import { MEM_RAW, VM_RAW } from '../../model/fields/memory';
import { NET_RAW, SNMP_RAW } from '../../model/fields/net';
import { PROC_RAW } from '../../model/fields/proc';
import type { Col, Kind, Val } from './codec';
import { newRow } from './new-row';
import { SHIM_COLUMNS } from './shim-cols';
import { CGROUP_COLUMNS } from './cgroup-cols';

export interface EntitySpec {
  table: string;
  columns: { name: string; type: 'INTEGER' | 'TEXT' }[];
}

export interface SeriesSpec {
  /** Table of values. */
  table: string;
  /** null: one row per sample (the `sys` table), or rows of another series' entities (`owner`). */
  entity: EntitySpec | null;
  /**
   * A part of another series' entities kept in its own table (a tier of the process, read on its own
   * clock): rows keyed by the owner's entity id, written only when this part changed.
   */
  owner?: string;
  values: Col[];
  /**
   * Which ticks the series lives on: every sample, the ticks where the process table was re-read, or
   * those where the connections tier read again.
   */
  tier: 'sys' | 'procs' | 'conns' | 'cgroups';
}

const col = (name: string, kind: Kind, ref?: number): Col => (ref === undefined ? { name, kind } : { name, kind, ref });
const timed = (name: string, kind: 'ra' | 'rg', clock: number): Col => ({ name, kind, clock });

/** A raw row's kind as a column kind: a counter is stored as deltas against the previous row. */
const RAW_KIND = { counter: 'c', gauge: 'g' } as const satisfies Record<'counter' | 'gauge', Kind>;
const keysOf = <R extends { readonly key: string }>(rows: readonly R[]): R['key'][] => rows.map((r) => r.key);
/** A field table's raw rows as columns: `prefix` + key, of the row's kind. */
const rawCols = (rows: readonly { readonly key: string; readonly kind: 'counter' | 'gauge' }[], name = (k: string): string => k): Col[] =>
  rows.map((r) => col(name(r.key), RAW_KIND[r.kind]));

// The machine-wide families' recorded values: the raw rows of their field tables (src/model/fields/),
// in row order. A new raw row there is a new column here (and a SCHEMA_VERSION bump in schema.ts).
export const CPU_FIELDS = keysOf(CPU_RAW);
export const MEM_FIELDS = keysOf(MEM_RAW);
export const PSI_RESOURCES = ['cpu', 'memory', 'io'] as const;
export const PSI_LINES = ['some', 'full'] as const;
export const SNMP_FIELDS = keysOf(SNMP_RAW);
export const VMSTAT_FIELDS = keysOf(VM_RAW);
export const NET_FIELDS = keysOf(NET_RAW);
export const DISK_FIELDS = keysOf(DISK_RAW);
export const FS_FIELDS = keysOf(FS_RAW);
export const SLOW_FIELDS = ['rchar', 'wchar', 'read_bytes', 'write_bytes', 'fds'] as const;
const SLOW_GAUGES = new Set<string>(['fds']);
/** ProcTcp's values, as `tcp_<field>` columns. */
export const TCP_FIELDS = ['tx_bytes', 'rx_bytes', 'retrans', 'conns'] as const;
const TCP_GAUGES = new Set<string>(['conns']);
/** The clocks of a process tick (RowClocks): the table's read, and the connections-tier read it was joined with. */
export const CLOCK_TABLE = 0;
export const CLOCK_CONNS = 1;
/** TcpSockSample's values (tcp_sock_sample), after `state`; then `pids`. */
export const SOCK_FIELDS = ['inode', 'rqueue', 'wqueue', 'rtt_us', 'rttvar_us', 'cwnd', 'bytes_acked', 'bytes_received', 'total_retrans'] as const;
const SOCK_COUNTERS = new Set<string>(['bytes_acked', 'bytes_received', 'total_retrans']);
/** ConnsProcSample's values (sock_proc_sample), then `since_ns`. */
export const SOCK_PROC_FIELDS = ['tcp', 'tcp_listen', 'udp', 'unix', 'tcp_tx_bytes', 'tcp_rx_bytes', 'tcp_retrans'] as const;
const SOCK_PROC_GAUGES = new Set<string>(['tcp', 'tcp_listen', 'udp', 'unix']);

/** Bits of sys.absent: a part of the Sample that was null as a whole (as opposed to its fields). */
export const ABSENT = {
  stat_total: 1 << 0,
  load: 1 << 1,
  snmp: 1 << 2,
  vmstat: 1 << 3,
  // psi: 3 bits per resource (resource, some, full), from bit 4
  psi: (r: number, part: 0 | 1 | 2): number => 1 << (4 + r * 3 + part),
} as const;

function sysColumns(): Col[] {
  const out: Col[] = [];
  out.push(...rawCols(CPU_RAW, (k) => `cpu_${k}`));
  out.push(col('ctxt', 'c'), col('processes', 'c'), col('procs_running', 'g'), col('procs_blocked', 'g'), col('btime', 'g'));
  out.push(...rawCols(MEM_RAW, (k) => (k.startsWith('swap_') ? k : `mem_${k}`)));
  out.push(col('load1_x100', 'f'), col('load5_x100', 'f'), col('load15_x100', 'f'), col('load_running', 'g'), col('load_total', 'g'));
  for (const r of PSI_RESOURCES) {
    for (const l of PSI_LINES) {
      const p = `psi_${r}_${l}_`;
      out.push(col(p + 'avg10_x100', 'f'), col(p + 'avg60_x100', 'f'), col(p + 'avg300_x100', 'f'), col(p + 'total_us', 'c'));
    }
  }
  out.push(...rawCols(SNMP_RAW), ...rawCols(VM_RAW));
  out.push(col('uptime_x100', 'f'), col('absent', 'r'));
  return out;
}

/**
 * A system sample's values in one list (what flattenSys and buildSys use), stored in three tables,
 * each with a row only when one of its values changed: `sys`; `sys_avg`, the kernel's moving averages
 * (load1/5/15, PSI avg10/60/300), which it updates every 2 s (PSI) or 5 s (load); `snmp`, the TCP and
 * UDP counters, which stand still on a machine without network traffic. SQLite spends a byte per column
 * on every row, so values that do not change with every sample are kept out of the 100 ms rows.
 */
export const SYS_COLUMNS: readonly Col[] = sysColumns();
const SNMP_NAMES = new Set<string>(SNMP_FIELDS);
const sysPart = (c: Col): 0 | 1 | 2 => (c.kind === 'f' && c.name !== 'uptime_x100' ? 1 : SNMP_NAMES.has(c.name) ? 2 : 0);
const SYS_PART_AT = [0, 1, 2].map((part) => SYS_COLUMNS.flatMap((c, i) => (sysPart(c) === part ? [i] : [])));

/** The values of sys, sys_avg and snmp. */
export function splitSys(v: Val[]): Val[][] {
  return SYS_PART_AT.map((at) => {
    const r = newRow();
    for (let j = 0; j < at.length; j++) r.push(v[at[j]]);
    return r;
  });
}

export function joinSys(parts: Val[][]): Val[] {
  const out = new Array<Val>(SYS_COLUMNS.length);
  SYS_PART_AT.forEach((at, p) => at.forEach((i, j) => (out[i] = parts[p][j])));
  return out;
}

/** A raw row's kind as a column kind: a counter is stored as deltas, a text only when it changes. */
const REC_KIND = { counter: 'c', gauge: 'g', text: 't' } as const satisfies Record<ProcRawField['kind'], Kind>;

/**
 * ProcSample's values kept in proc_sample, by name and kind, in column order: the process field table's
 * raw rows (PROC_RAW in src/model/fields/proc.ts). flattenProc and buildProc go through this list, so a
 * per-process value is one row there, whose `since` makes the new SCHEMA_VERSION (schema.ts).
 */
export const PROC_FIELDS: readonly (readonly [keyof ProcSample & string, Kind])[] = PROC_RAW.map((r) => [r.key, REC_KIND[r.kind]] as const);

function procColumns(): Col[] {
  return PROC_FIELDS.map(([f, kind]) => col(f, kind));
}

/** proc_io: the slow tier (io, fd/), its own table so that the process row stays narrow. */
function procIoColumns(): Col[] {
  // Its age relative to the table, then its values.
  const out: Col[] = [timed('slow_age_ns', 'ra', CLOCK_TABLE)];
  const slowStart = out.length;
  out.push(...SLOW_FIELDS.map((f) => col(f, SLOW_GAUGES.has(f) ? 'g' : 'c')));
  // The previous slow read: its distance in ns, then each value as (this read − previous read), the delta
  // that slow-tier rates divide by slow_gap_ns.
  out.push(timed('slow_gap_ns', 'rg', CLOCK_TABLE));
  SLOW_FIELDS.forEach((f, i) => out.push(col(`${f}_delta`, SLOW_GAUGES.has(f) ? 'pg' : 'pc', slowStart + i)));
  return out;
}

/**
 * proc_tcp: the connections tier's per-process counters (ProcTcp), the same way: its age relative to
 * the connections read the table was joined with (usually 0), when its counting started (absolute
 * monotonic ns: it changes only when counting starts over), its values; then the previous read's
 * distance and deltas.
 */
function procTcpColumns(): Col[] {
  const out: Col[] = [timed('tcp_age_ns', 'ra', CLOCK_CONNS)];
  const sinceAt = out.length;
  out.push(col('tcp_since_ns', 'c'));
  const tcpStart = out.length;
  out.push(...TCP_FIELDS.map((f) => col(`tcp_${f}`, TCP_GAUGES.has(f) ? 'g' : 'c')));
  out.push(timed('tcp_gap_ns', 'rg', CLOCK_CONNS));
  out.push(col('tcp_since_ns_delta', 'pc', sinceAt));
  TCP_FIELDS.forEach((f, i) => out.push(col(`tcp_${f}_delta`, TCP_GAUGES.has(f) ? 'pg' : 'pc', tcpStart + i)));
  return out;
}

function sockColumns(): Col[] {
  return [col('state', 't'), ...SOCK_FIELDS.map((f) => col(f, SOCK_COUNTERS.has(f) ? 'c' : 'g')), col('pids', 't')];
}

function sockProcColumns(): Col[] {
  return [...SOCK_PROC_FIELDS.map((f) => col(f, SOCK_PROC_GAUGES.has(f) ? 'g' : 'c')), col('since_ns', 'c')];
}

export const SERIES = {
  sys: { table: 'sys', entity: null, values: SYS_PART_AT[0].map((i) => SYS_COLUMNS[i]), tier: 'sys' },
  sysAvg: { table: 'sys_avg', entity: null, values: SYS_PART_AT[1].map((i) => SYS_COLUMNS[i]), tier: 'sys' },
  snmp: { table: 'snmp', entity: null, values: SYS_PART_AT[2].map((i) => SYS_COLUMNS[i]), tier: 'sys' },
  cpu: {
    table: 'cpu',
    entity: { table: 'cpu_core', columns: [{ name: 'cpu', type: 'INTEGER' }] },
    values: rawCols(CPU_RAW),
    tier: 'sys',
  },
  net: {
    table: 'net',
    entity: { table: 'net_iface', columns: [{ name: 'iface', type: 'TEXT' }, { name: 'ifindex', type: 'INTEGER' }] },
    values: rawCols(NET_RAW),
    tier: 'sys',
  },
  disk: {
    table: 'disk',
    entity: {
      table: 'disk_dev',
      columns: [{ name: 'device', type: 'TEXT' }, { name: 'major', type: 'INTEGER' }, { name: 'minor', type: 'INTEGER' }],
    },
    values: rawCols(DISK_RAW),
    tier: 'sys',
  },
  fs: {
    table: 'fs',
    entity: {
      table: 'fs_mount',
      columns: [{ name: 'mount', type: 'TEXT' }, { name: 'source', type: 'TEXT' }, { name: 'fstype', type: 'TEXT' }],
    },
    values: rawCols(FS_RAW),
    tier: 'sys',
  },
  proc: {
    table: 'proc_sample',
    entity: {
      table: 'proc',
      columns: [
        { name: 'pid', type: 'INTEGER' }, { name: 'start_time', type: 'INTEGER' }, { name: 'comm', type: 'TEXT' },
        { name: 'cmdline', type: 'TEXT' }, { name: 'cmdline_truncated', type: 'INTEGER' }, { name: 'kthread', type: 'INTEGER' },
        { name: 'uid', type: 'INTEGER' }, { name: 'user', type: 'TEXT' },
      ],
    },
    values: procColumns(),
    tier: 'procs',
  },
  procIo: { table: 'proc_io', entity: null, owner: 'proc', values: procIoColumns(), tier: 'procs' },
  procTcp: { table: 'proc_tcp', entity: null, owner: 'proc', values: procTcpColumns(), tier: 'procs' },
  // Schema 3: the vigil run shim's counters (shim-cols.ts), only for processes that run with it.
  procShim: { table: 'proc_shim', entity: null, owner: 'proc', values: [...SHIM_COLUMNS], tier: 'procs' },
  sock: {
    table: 'tcp_sock_sample',
    entity: {
      table: 'tcp_sock',
      columns: [
        { name: 'cookie', type: 'INTEGER' }, { name: 'family', type: 'INTEGER' }, { name: 'local', type: 'TEXT' },
        { name: 'remote', type: 'TEXT' }, { name: 'local_port', type: 'INTEGER' }, { name: 'remote_port', type: 'INTEGER' },
        { name: 'uid', type: 'INTEGER' },
      ],
    },
    values: sockColumns(),
    tier: 'conns',
  },
  sockProc: {
    table: 'sock_proc_sample',
    entity: { table: 'sock_proc', columns: [{ name: 'pid', type: 'INTEGER' }, { name: 'comm', type: 'TEXT' }] },
    values: sockProcColumns(),
    tier: 'conns',
  },
  // Schema 4: the cgroup tier (cgroup-cols.ts), on the ticks where it read (cgroup_tick).
  cgroup: {
    table: 'cgroup_sample',
    entity: { table: 'cgroup', columns: [{ name: 'path', type: 'TEXT' }, { name: 'depth', type: 'INTEGER' }] },
    values: [...CGROUP_COLUMNS],
    tier: 'cgroups',
  },
} satisfies Record<string, SeriesSpec>;

export type SeriesName = keyof typeof SERIES;
export const SERIES_NAMES = Object.keys(SERIES) as SeriesName[];
