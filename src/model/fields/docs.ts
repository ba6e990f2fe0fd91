/**
 * docs/fields.md, generated from the field tables: what each figure is, where it comes from and every
 * name it goes by. A test keeps the file equal to this output; after changing a table, regenerate it:
 *   npm run build && node dist/src/docs/update.js
 */
import { CGROUP_FIELDS, CGROUP_IO_RAW, CGROUP_RAW } from './cgroup';
import { CONN_FIELDS } from './conns';
import { CPU_FIELDS, CPU_RAW, CpuField } from './cpu';
import { DISK_FIELDS, DISK_RAW } from './disk';
import type { Field, RawField, SysField } from './field';
import { FS_FIELDS, FS_RAW } from './fs';
import { MEM_FIELDS, MEM_RAW, VM_FIELDS, VM_RAW } from './memory';
import { NET_FIELDS, NET_RAW, SNMP_RAW, TCP_FIELDS, UDP_FIELDS } from './net';
import { DISK_EXTRA_RAW, FS_STATUS_RAW } from './node-disk';
import { ARP_RAW, CONNTRACK_RAW, NODE_HOST_RAW, SOFTNET_RAW, UDP_QUEUES_RAW } from './node-host';
import { KEYED_RULES } from './node-keyed';
import { NETCLASS_RAW, NETDEV_EXTRA_RAW } from './node-net';
import { PROC_FIELDS, PROC_RAW } from './proc';
import { PSI_FIELDS, PSI_RAW } from './psi';
import { SYSTEM_FIELDS, SYSTEM_RAW } from './system';

const cell = (s: string): string => s.replace(/\|/g, '\\|');
const code = (s: string): string => `\`${s}\``;
const unit = (u: string): string => (u === '' ? 'count' : u);
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

function familyTable<S, R, H>(rows: readonly Field<S, R, H>[], seriesPrefix: string): string {
  const out = [
    '| field | kind | unit | source | formula | export column | alert metric | Prometheus | screen |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of rows) {
    out.push(row([
      code(f.key),
      f.kind,
      unit(f.unit),
      cell(f.source),
      cell(f.formula),
      f.exported ? code(f.key) : '-',
      f.series === true ? code(`${seriesPrefix}.${f.key}`) : '-',
      f.prom === undefined ? '-' : f.prom.map((p) => `${code(p.name)} (${p.type})`).join(', '),
      f.pane === undefined ? '-' : code(f.pane.title),
    ]));
  }
  return out.join('\n');
}

interface FigureNames {
  /** The export column a row is, as the table writes it (a prefix, a resource placeholder). */
  column?: (f: SysField<Record<string, unknown>>) => string;
  /** Its alert metric(s). */
  series?: (f: SysField<Record<string, unknown>>) => string[];
}

/** A family's figures: what derive() makes of the raw values, and where each is offered. */
function figureTable(rows: readonly SysField<Record<string, unknown>>[], names: FigureNames = {}): string {
  const out = [
    '| field | kind | unit | formula | raw inputs | export column | alert metric | screen |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of rows) {
    const series = names.series ? names.series(f) : f.series === undefined ? [] : [f.series];
    out.push(row([
      code(f.key),
      f.kind,
      unit(f.unit),
      cell(f.formula),
      f.raw.length === 0 ? '-' : f.raw.join(', '),
      f.exported ? code(names.column ? names.column(f) : f.column ?? f.key) : '-',
      series.length === 0 ? '-' : series.map(code).join(', '),
      f.pane === undefined ? '-' : cell(f.pane),
    ]));
  }
  return out.join('\n');
}

/** A family's raw values: as the kernel keeps them, recorded, and exported to Prometheus. */
function rawTable<R, H>(rows: readonly RawField<R, H>[]): string {
  const out = ['| raw value | kind | unit | source | Prometheus |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const prom = r.prom === undefined ? '-' : r.prom.map((p) => `${code(p.name)} (${p.type})`).join(', ');
    out.push(row([code(r.key), r.kind, unit(r.unit), cell(r.source), prom]));
  }
  return out.join('\n');
}

const cpuSeries = (f: SysField<Record<string, unknown>>): string[] => {
  const c = f as CpuField;
  return [...(c.series ? [c.series] : []), ...(c.core ? [c.core.series] : [])];
};

export function fieldsDoc(): string {
  return [
    '# Fields',
    '',
    'Generated from the field tables in src/model/fields/ (do not edit by hand: see src/model/fields/docs.ts).',
    'Each row is one figure: its kind (gauge, per-second rate or label), its unit, the kernel file it comes',
    'from and the formula, and the names it goes by in `vigil export`, in alert rules (the history window\'s',
    'series), in Prometheus and on screen. Counts have no unit; `-` means the figure is not offered there.',
    '',
    'The machine-wide families have two tables. Raw values are the Sample\'s fields as the kernel keeps them',
    '(counters since boot, levels): a recording stores every one of them and Prometheus is served them under',
    'node_exporter\'s names (Prometheus takes the rates). Figures are what vigil derives from two samples',
    '(shares, per-second rates over the interval): `vigil export`, alert rules and the panes show them.',
    '',
    '## Processes',
    '',
    'One row per process in `vigil export --table procs` (which adds `t`, `interval_ms` first and',
    '`tcp_interval_ms` last), in the process table, and as `vigil_process_*{pid,comm,user}` on /metrics.',
    '',
    familyTable(PROC_FIELDS, 'proc'),
    '',
    'The raw values a recording keeps in each process row (`proc_sample`), besides the identity (pid,',
    'start_time, comm, cmdline, kthread, uid, user) and the parts read on their own clocks (/proc/PID/io',
    'and fd/ in `proc_io`, sock_diag in `proc_tcp`, the shim in `proc_shim`):',
    '',
    '| raw value | kind | type | source | recorded since schema |',
    '| --- | --- | --- | --- | --- |',
    ...PROC_RAW.map((r) => row([code(r.key), r.kind, cell(r.type), cell(r.source), String('since' in r ? r.since : 1)])),
    '',
    '## CPU',
    '',
    'From /proc/stat\'s `cpu` line (the whole machine: `vigil export --table system`, alert metrics `cpu.*`)',
    'and its `cpuN` lines (per core: `--table cpu`, which adds `cpu` and `online`, and `cpu.core.*`, or',
    '`cpu.N.*` for one core). On /metrics per core, label `cpu`; an offline core has no series.',
    '',
    rawTable(CPU_RAW),
    '',
    figureTable(CPU_FIELDS, { series: cpuSeries }),
    '',
    '## System',
    '',
    'Machine-wide counts of /proc/stat, /proc/loadavg and /proc/uptime: columns of `--table system`.',
    '',
    rawTable(SYSTEM_RAW),
    '',
    figureTable(SYSTEM_FIELDS),
    '',
    '## Memory',
    '',
    '/proc/meminfo: `vigil export --table memory`.',
    '',
    rawTable(MEM_RAW),
    '',
    figureTable(MEM_FIELDS),
    '',
    '### Paging',
    '',
    '/proc/vmstat: columns of `--table system`.',
    '',
    rawTable(VM_RAW),
    '',
    figureTable(VM_FIELDS),
    '',
    '## Pressure (PSI)',
    '',
    'Each of /proc/pressure/cpu, memory and io (`R`): columns `psi_R_*` of `--table system`, alert metrics',
    '`psi.R.*`.',
    '',
    rawTable(PSI_RAW),
    '',
    figureTable(PSI_FIELDS, {
      column: (f) => `psi_R_${f.column ?? f.key}`,
      series: (f) => (f.series === undefined ? [] : [`psi.R.${f.series}`]),
    }),
    '',
    '## Network',
    '',
    '/proc/net/dev, one row per interface in `vigil export --table net` (after `t`, `interval_ms`); on',
    '/metrics label `device`. Rates of a re-created interface (a new ifindex) start over.',
    '',
    rawTable(NET_RAW),
    '',
    figureTable(NET_FIELDS),
    '',
    '### TCP and UDP',
    '',
    'The kernel\'s protocol counters in /proc/net/snmp: columns `tcp_*` and `udp_*` of `--table system`.',
    '',
    rawTable(SNMP_RAW),
    '',
    figureTable(TCP_FIELDS, { column: (f) => `tcp_${f.key}` }),
    '',
    figureTable(UDP_FIELDS, { column: (f) => `udp_${f.key}` }),
    '',
    '## Disks',
    '',
    '/proc/diskstats, whole disks only: one row per disk in `vigil export --table disk` (after `t`,',
    '`interval_ms`); on /metrics label `device`.',
    '',
    rawTable(DISK_RAW),
    '',
    figureTable(DISK_FIELDS),
    '',
    '## Filesystems',
    '',
    'statfs of each local mount: one row per mount in `vigil export --table fs` (after `t`); on /metrics',
    'labels `device`, `fstype`, `mountpoint`.',
    '',
    rawTable(FS_RAW),
    '',
    figureTable(FS_FIELDS),
    '',
    '## Cgroups',
    '',
    'Per control group, read at the process interval (docs/cgroups.md has the layouts): one row per group per',
    'read in `vigil export --table cgroups` (after `t`, `interval_ms`, `path`, `name`; then `psi_R_some_pct`',
    'per resource), in the `g` view, and on /metrics under cAdvisor\'s container_* names with labels `id` (the',
    'path) and `name`, for the root and the top groups. A recording keeps each raw value (`cgroup_sample`),',
    'io.stat as its sum over devices. The group\'s cpu/memory/io.pressure are read as for the machine (PSI',
    'above) and their totals served as `container_pressure_R_{waiting,stalled}_seconds_total`.',
    '',
    rawTable([...CGROUP_RAW, ...CGROUP_IO_RAW] as readonly RawField<unknown, unknown>[]),
    '',
    figureTable(CGROUP_FIELDS as readonly SysField<Record<string, unknown>>[], { series: (f) => (f.series === undefined ? [] : [f.series]) }),
    '',
    '## Connections',
    '',
    'One row per TCP connection per read of the connections tier in `vigil export --table conns` (after `t`,',
    '`interval_ms`) and in the connections pane; no alert metric or Prometheus family.',
    '',
    figureTable(CONN_FIELDS),
    '',
    '## Exported only: the node tier',
    '',
    'Files only node_exporter-compatible families need (src/model/node.ts), read at most once a second and only',
    'by `vigil serve` and `vigil record --listen`: never recorded, never on screen. Fixed families:',
    '',
    rawTable([...NETDEV_EXTRA_RAW, ...NETCLASS_RAW] as readonly RawField<unknown, unknown>[]),
    '',
    rawTable([...NODE_HOST_RAW, ...CONNTRACK_RAW, ...SOFTNET_RAW, ...ARP_RAW, ...UDP_QUEUES_RAW] as readonly RawField<unknown, unknown>[]),
    '',
    rawTable([...DISK_EXTRA_RAW, ...FS_STATUS_RAW] as readonly RawField<unknown, unknown>[]),
    '',
    'Families named by the files themselves (one per line or field the kernel prints):',
    '',
    keyedTable(),
    '',
  ].join('\n');
}

function keyedTable(): string {
  const out = ['| collector | source | Prometheus | type | fields exported |', '| --- | --- | --- | --- | --- |'];
  for (const k of KEYED_RULES) out.push(row([k.collector, cell(k.source), k.pattern.split(', ').map((n) => code(n)).join(', '), k.type, k.filter === 'all' ? 'all' : code(cell(k.filter))]));
  return out.join('\n');
}

if (require.main === module) process.stdout.write(fieldsDoc());
