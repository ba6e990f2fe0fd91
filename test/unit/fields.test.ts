/**
 * The field tables are the one list of each family's figures. docs/fields.md (and the procs columns of
 * docs/recording.md) say what they say; they name every figure derive() produces and only those; each
 * row's raw inputs exist on the raw sample; the export columns, window series and Prometheus families
 * generated from them are complete, unique and in table order.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { TABLES } from '../../src/commands/export-tables';
import { derive } from '../../src/derive/derive';
import { fieldsDoc } from '../../src/model/fields/docs';
import { PROC_FIELDS, PROC_FIGURES_BLANK, PROC_RAW, PROC_RAW_BLANK } from '../../src/model/fields/proc';
import { PROC_FAMILIES } from '../../src/export/prometheus/proc-families';
import { COLUMN_ORDER, COLUMNS } from '../../src/panes/processes';
import { PROC_SERIES } from '../../src/store/window/series';
import { HOST, proc, sample } from '../helpers/samples';
import { FIXTURES, ROOT } from '../helpers/paths';
import type { Sample, Snapshot } from '../../src/model';
import { CGROUP_FIELDS, CGROUP_IO_RAW, CGROUP_RAW } from '../../src/model/fields/cgroup';
import { CGROUP_FAMILIES } from '../../src/export/prometheus/cgroup-families';
import { CGROUP_COLUMNS } from '../../src/store/recording/cgroup-cols';
import { CONN_FIELDS } from '../../src/model/fields/conns';
import { CPU_FIELDS, CPU_RAW } from '../../src/model/fields/cpu';
import { DISK_FIELDS, DISK_RAW } from '../../src/model/fields/disk';
import { FS_FIELDS, FS_RAW } from '../../src/model/fields/fs';
import { MEM_FIELDS, MEM_RAW, VM_FIELDS, VM_RAW } from '../../src/model/fields/memory';
import { NET_FIELDS, NET_RAW, SNMP_RAW, TCP_FIELDS, UDP_FIELDS } from '../../src/model/fields/net';
import { PSI_FIELDS, PSI_RAW, PSI_RESOURCES } from '../../src/model/fields/psi';
import { SYSTEM_FIELDS, SYSTEM_RAW } from '../../src/model/fields/system';
import { nodeFamilies } from '../../src/export/prometheus/node-families';
import { DISK_EXTRA_RAW, FS_STATUS_RAW } from '../../src/model/fields/node-disk';
import { ARP_RAW, CONNTRACK_RAW, NODE_HOST_RAW, SOFTNET_RAW, UDP_QUEUES_RAW } from '../../src/model/fields/node-host';
import { NETCLASS_RAW, NETDEV_EXTRA_RAW } from '../../src/model/fields/node-net';
import { Recording } from '../../src/store/recording/reader';
import { SCHEMA_VERSION } from '../../src/store/recording/schema';
import { PROC_FIELDS as RECORDED_PROC_FIELDS, SERIES, SYS_COLUMNS } from '../../src/store/recording/series';
import { snapshots } from '../../src/store/recording/snapshots';
import { blankProc } from '../../src/store/window/synthetic';
import { CGROUP_SERIES, CORE_SERIES, DISK_SERIES, FS_SERIES, NET_SERIES, SYSTEM_SERIES } from '../../src/store/window/series';

t.test('docs/fields.md is what the field tables generate', async (t) => {
  const file = fs.readFileSync(path.join(ROOT, 'docs', 'fields.md'), 'utf8');
  t.equal(file, fieldsDoc(), 'regenerate with: npm run build && node dist/src/model/fields/docs.js > docs/fields.md');
});

t.test("docs/recording.md's procs export columns are the table's exported rows", async (t) => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'recording.md'), 'utf8');
  const row = doc.split('\n').find((l) => l.startsWith('| procs | '));
  const listed = row?.match(/`([^`]*)`/)?.[1].split(', ');
  t.same(listed, TABLES.procs.columns, 'docs/recording.md (Columns) lists the columns in order');
  t.same(TABLES.procs.columns, ['t', 'interval_ms', ...PROC_FIELDS.filter((f) => f.exported).map((f) => f.key), 'tcp_interval_ms']);
});

t.test('every figure derive() gives a process has a row; every row is a figure derive() gives', async (t) => {
  const a = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(10, 5)] } });
  const b = sample({ monoMs: 1000, procs: { monoMs: 1000, list: [proc(10, 5)] } });
  const snap = derive(a, b, HOST).procs?.[0];
  t.ok(snap, 'a process row');
  // shim (the shim's nested figures) and net_source (which source the NET columns show) are not figures.
  const figures = Object.keys(snap ?? {}).filter((k) => k !== 'shim' && k !== 'net_source').sort();
  t.same(PROC_FIELDS.map((f) => f.key).sort(), figures);
});

t.test("each row's raw inputs are fields of the raw process sample", async (t) => {
  const raw = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(10, 5)] } }).procs?.procs[0] as unknown as Record<string, unknown>;
  const bad: string[] = [];
  for (const f of PROC_FIELDS) {
    for (const r of f.raw) {
      const [top, sub] = r.split('.');
      if (!(top in raw)) bad.push(`${f.key}: ${r}`);
      // Nested inputs (slow.rchar, tcp.tx_bytes) are read from sub-objects that may be null on a sample.
      else if (sub !== undefined && raw[top] !== null && typeof raw[top] === 'object' && !(sub in (raw[top] as object))) bad.push(`${f.key}: ${r}`);
    }
  }
  t.same(bad, [], 'no unknown raw field');
});

t.test('generated names are unique and complete', async (t) => {
  const ids = PROC_FIELDS.flatMap((f) => ('pane' in f ? [f.pane.id] : []));
  t.equal(new Set(ids).size, ids.length, 'pane ids unique');
  const ats = PROC_FIELDS.flatMap((f) => ('pane' in f ? [f.pane.at] : []));
  t.equal(new Set(ats).size, ats.length, 'pane positions unique');
  t.same([...COLUMN_ORDER].sort(), Object.keys(COLUMNS).sort(), 'every column is laid out once');
  t.same(Object.keys(PROC_SERIES), PROC_FIELDS.filter((f) => 'series' in f).map((f) => `proc.${f.key}`));
  const names = PROC_FAMILIES.map((f) => f.name);
  t.equal(new Set(names).size, names.length, 'Prometheus family names unique');
  t.ok(names.every((n) => /^vigil_process_[a-z_]+$/.test(n) && (n.endsWith('_total') || !n.includes('_total'))), 'names as Prometheus expects');
  const counters = PROC_FAMILIES.filter((f) => f.type === 'counter').map((f) => f.name);
  t.ok(counters.every((n) => n.endsWith('_total')), 'every counter ends in _total');
});

// ---------------------------------------------------------------------------------------------------
// The machine-wide families (cpu, system, memory, vm, psi, net, tcp/udp, disk, fs, conns)
// ---------------------------------------------------------------------------------------------------

interface Figures {
  readonly key: string;
  readonly exported: boolean;
  readonly raw: readonly string[];
  readonly column?: string;
  readonly series?: string;
}
interface Raws {
  readonly key: string;
  readonly prom?: readonly { readonly name: string; readonly type: string }[];
}

/** The first snapshot of a fixture recording that passes `ok`, with the sample it was derived to. */
function firstSnapshot(file: string, ok: (snap: Snapshot, s: Sample) => boolean): { snap: Snapshot; sample: Sample } {
  const rec = Recording.open(path.join(FIXTURES, 'recordings', file));
  try {
    for (const { pair, snap } of snapshots(rec.pairs(rec.first()!.s, rec.last()!.s, { procs: false, conns: true }))) {
      if (ok(snap, pair.curr)) return { snap, sample: pair.curr };
    }
  } finally {
    rec.close();
  }
  throw new Error(`${file} has no such snapshot`);
}

/** A snapshot from a real machine's recording with every system part (psi, snmp, vmstat, fs, net, disks). */
const fullSnapshot = (): { snap: Snapshot; sample: Sample } => firstSnapshot('schema-v3.vigil', (_, { sys: s }) =>
  Boolean(s.psi.cpu && s.psi.memory && s.psi.io && s.snmp && s.vmstat && s.fs.length && s.net.length && s.disks.length));
/** One with connections (the synthetic recording's; the real one has none). */
const connsSnapshot = (): { snap: Snapshot; sample: Sample } =>
  firstSnapshot('schema-v3-synth.vigil', (snap, s) => (snap.conns?.conns.length ?? 0) > 0 && (s.conns?.tcp.length ?? 0) > 0);

const keys = (o: object | null | undefined, leave: readonly string[] = []): string[] =>
  Object.keys(o ?? {}).filter((k) => !leave.includes(k)).sort();
const rowKeys = (rows: readonly Figures[]): string[] => rows.map((r) => r.key).sort();
const exported = (rows: readonly Figures[]): string[] => rows.flatMap((r) => (r.exported ? [r.column ?? r.key] : []));

t.test('every figure derive() gives a machine-wide family has a row; every row is a figure derive() gives', async (t) => {
  const { snap } = fullSnapshot();
  t.same(rowKeys(CPU_FIELDS), keys(snap.cpu), 'cpu (whole machine)');
  t.same(rowKeys(CPU_FIELDS), keys(snap.cores[0], ['cpu', 'online']), 'cpu (per core; cpu and online are its identity)');
  // The Snapshot's own scalars: the system and vm figures; the rest are its parts and its clocks.
  const parts = ['t', 'mono_ms', 'interval_ms', 'cpu', 'cores', 'mem', 'psi', 'tcp', 'udp', 'net', 'disks', 'fs', 'procs', 'procs_interval_ms', 'conns'];
  t.same([...rowKeys(SYSTEM_FIELDS), ...rowKeys(VM_FIELDS)].sort(), keys(snap, parts), 'system and vm');
  t.same(rowKeys(MEM_FIELDS), keys(snap.mem), 'memory');
  for (const r of PSI_RESOURCES) t.same(rowKeys(PSI_FIELDS), keys(snap.psi[r]), `psi ${r}`);
  t.same(rowKeys(TCP_FIELDS), keys(snap.tcp), 'tcp');
  t.same(rowKeys(UDP_FIELDS), keys(snap.udp), 'udp');
  t.same(rowKeys(NET_FIELDS), keys(snap.net[0]), 'net');
  t.same(rowKeys(DISK_FIELDS), keys(snap.disks[0]), 'disk');
  t.same(rowKeys(FS_FIELDS), keys(snap.fs[0]), 'fs');
  // pids (every holder) and new (a flag for the pane) are not columns.
  t.same(rowKeys(CONN_FIELDS), keys(connsSnapshot().snap.conns?.conns[0], ['pids', 'new']), 'conns');
});

t.test("each raw row is a field of the Sample, and each figure's raw inputs are raw rows of its family", async (t) => {
  const { sample: s } = fullSnapshot();
  const at = (o: unknown, key: string): boolean => {
    let v: unknown = o;
    for (const k of key.split('.')) {
      if (v === null || typeof v !== 'object' || !(k in v)) return false;
      v = (v as Record<string, unknown>)[k];
    }
    return true;
  };
  const families: [string, readonly Raws[], unknown, readonly (readonly Figures[])[]][] = [
    ['cpu', CPU_RAW, s.sys.stat.total, [CPU_FIELDS]],
    ['system', SYSTEM_RAW, { ...s, stat: s.sys.stat, load: s.sys.load, uptime_s: s.sys.uptime_s }, [SYSTEM_FIELDS]],
    ['memory', MEM_RAW, s.sys.mem, [MEM_FIELDS]],
    ['vm', VM_RAW, s.sys.vmstat, [VM_FIELDS]],
    ['psi', PSI_RAW, s.sys.psi.io, [PSI_FIELDS]],
    ['snmp', SNMP_RAW, s.sys.snmp, [TCP_FIELDS, UDP_FIELDS]],
    ['net', NET_RAW, s.sys.net[0], [NET_FIELDS]],
    ['disk', DISK_RAW, s.sys.disks[0], [DISK_FIELDS]],
    ['fs', FS_RAW, s.sys.fs[0], [FS_FIELDS]],
  ];
  for (const [name, raws, obj, figures] of families) {
    t.same(raws.filter((r) => !at(obj, r.key)).map((r) => r.key), [], `${name}: every raw row is on the Sample`);
    const known = new Set(raws.map((r) => r.key));
    const unknown = figures.flat().flatMap((f) => f.raw.filter((r) => !known.has(r)).map((r) => `${f.key}: ${r}`));
    t.same(unknown, [], `${name}: every raw input is a raw row`);
  }
  const sock = connsSnapshot().sample.conns?.tcp[0] as unknown as Record<string, unknown>;
  const connRaw = CONN_FIELDS.flatMap((f) => f.raw).filter((r) => !(r in sock) && r !== 'comm');
  t.same(connRaw, [], 'conns: raw inputs are fields of the socket sample (comm is the process\'s)');
});

t.test('the export tables are the exported figure rows, in order', async (t) => {
  t.same(TABLES.cpu.columns, ['t', 'interval_ms', 'cpu', 'online', ...exported(CPU_FIELDS)]);
  t.same(TABLES.memory.columns, ['t', ...exported(MEM_FIELDS)]);
  t.same(TABLES.net.columns, ['t', 'interval_ms', ...exported(NET_FIELDS)]);
  t.same(TABLES.disk.columns, ['t', 'interval_ms', ...exported(DISK_FIELDS)]);
  t.same(TABLES.fs.columns, ['t', ...exported(FS_FIELDS)]);
  t.same(TABLES.conns.columns, ['t', 'interval_ms', ...exported(CONN_FIELDS)]);
  t.same(TABLES.system.columns, [
    't', 'interval_ms', ...exported(CPU_FIELDS), ...exported(SYSTEM_FIELDS), ...exported(VM_FIELDS),
    ...PSI_RESOURCES.flatMap((r) => exported(PSI_FIELDS).map((c) => `psi_${r}_${c}`)),
    ...exported(TCP_FIELDS).map((c) => `tcp_${c}`), ...exported(UDP_FIELDS).map((c) => `udp_${c}`),
  ]);
});

t.test('the window series are the figure rows that name one, and nothing else', async (t) => {
  const named = (rows: readonly Figures[]): string[] => rows.flatMap((r) => (r.series === undefined ? [] : [r.series]));
  const system = [
    ...named(CPU_FIELDS), ...named(SYSTEM_FIELDS), ...named(MEM_FIELDS),
    ...PSI_RESOURCES.flatMap((r) => named(PSI_FIELDS).map((n) => `psi.${r}.${n}`)), ...named(VM_FIELDS), ...named(TCP_FIELDS), ...named(UDP_FIELDS),
  ];
  t.same(Object.keys(SYSTEM_SERIES), system);
  t.same(Object.keys(CORE_SERIES), CPU_FIELDS.flatMap((r) => ('core' in r ? [r.core.series] : [])));
  t.same(Object.keys(NET_SERIES), named(NET_FIELDS));
  t.same(Object.keys(DISK_SERIES), named(DISK_FIELDS));
  t.same(Object.keys(FS_SERIES), named(FS_FIELDS));
  const all = [...system, ...Object.keys(CORE_SERIES), ...named(NET_FIELDS), ...named(DISK_FIELDS), ...named(FS_FIELDS)];
  t.equal(new Set(all).size, all.length, 'series names unique');
  // A series reads the figure its row names (not a neighbour's).
  const { snap } = fullSnapshot();
  t.equal(SYSTEM_SERIES['mem.cache_bytes'].get(snap), snap.mem.mem_cache_bytes);
  t.equal(SYSTEM_SERIES['psi.io.full_pct'].get(snap), snap.psi.io?.full_pct ?? null);
  t.equal(SYSTEM_SERIES['tcp.curr_estab'].get(snap), snap.tcp.curr_estab);
  t.equal(DISK_SERIES['disk.await_ms'].get(snap.disks[0]), snap.disks[0].await_ms);
});

t.test("every node_* family on /metrics is a raw row's, once; rows sharing a name agree on its type, help and labels", async (t) => {
  const raws: readonly Raws[] = [...CPU_RAW, ...SYSTEM_RAW, ...MEM_RAW, ...VM_RAW, ...SNMP_RAW, ...PSI_RAW, ...NET_RAW, ...DISK_RAW, ...FS_RAW];
  // The node tier's tables (src/model/fields/node-*.ts), served after uname.
  const nodeRaws: readonly Raws[] = [
    ...NETDEV_EXTRA_RAW, ...NETCLASS_RAW, ...NODE_HOST_RAW, ...CONNTRACK_RAW, ...SOFTNET_RAW, ...ARP_RAW, ...UDP_QUEUES_RAW, ...DISK_EXTRA_RAW, ...FS_STATUS_RAW,
  ] as readonly Raws[];
  const names = (rows: readonly Raws[]): string[] => [...new Set(rows.flatMap((r) => (r.prom ?? []).map((p) => p.name)))];
  const fromRows = names(raws);
  const served = nodeFamilies().map((f) => f.name);
  t.same(served, [...fromRows, 'node_uname_info', ...names(nodeRaws)], 'the served families, in table order, uname, then the node tier\'s');
  t.equal(new Set(served).size, served.length, 'no family twice');
  const first = new Map<string, string>();
  for (const r of [...raws, ...nodeRaws]) {
    for (const p of (r.prom ?? []) as readonly { name: string; type: string; help: string; extraLabels?: readonly string[] }[]) {
      const sig = JSON.stringify([p.type, p.help, p.extraLabels ?? []]);
      if (!first.has(p.name)) first.set(p.name, sig);
      else t.equal(sig, first.get(p.name), `${p.name} on ${r.key}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------
// The process row a recording keeps (PROC_RAW): the recording's columns, the schema version, the blanks
// ---------------------------------------------------------------------------------------------------

/** The parts of a ProcSample that are not PROC_RAW rows: its identity and the tiers read on their own clocks. */
const PROC_PARTS = ['pid', 'start_time', 'comm', 'cmdline', 'cmdline_truncated', 'kthread', 'uid', 'user', 'slow', 'slow_prev', 'tcp', 'tcp_prev', 'shim'];

t.test("PROC_RAW is the recording's process row: its columns, their kinds and SCHEMA_VERSION", async (t) => {
  t.same(RECORDED_PROC_FIELDS.map(([f]) => f), PROC_RAW.map((r) => r.key), 'proc_sample columns, in order');
  t.same(SERIES.proc.values.map((c) => c.name), PROC_RAW.map((r) => r.key));
  const kinds = { counter: 'c', gauge: 'g', text: 't' };
  t.same(SERIES.proc.values.map((c) => c.kind), PROC_RAW.map((r) => kinds[r.kind]), 'counters as deltas, texts kept when they change');
  t.equal(SCHEMA_VERSION, Math.max(4, ...PROC_RAW.map((r) => ('since' in r ? r.since : 1))), 'the newest row sets the version (4: the cgroup tables)');
  // A process read back from a real recording: every field is a PROC_RAW row or one of its other parts.
  const rec = Recording.open(path.join(FIXTURES, 'recordings', 'schema-v3.vigil'));
  try {
    const pair = rec.pairs(rec.first()!.s, rec.last()!.s, { procs: true }).next().value;
    const p = pair?.curr.procs?.procs[0];
    t.ok(p, 'a process');
    t.same(keys(p, PROC_PARTS), PROC_RAW.map((r) => r.key).sort());
  } finally {
    rec.close();
  }
});

t.test("the machine-wide raw rows are the recording's columns, counters stored as counters", async (t) => {
  const cols = (rows: readonly { key: string; kind: string }[]): string[] => rows.map((r) => `${r.key}:${r.kind === 'counter' ? 'c' : 'g'}`);
  const stored = (spec: { values: readonly { name: string; kind: string }[] }): string[] => spec.values.map((c) => `${c.name}:${c.kind}`);
  t.same(stored(SERIES.cpu), cols(CPU_RAW));
  t.same(stored(SERIES.net), cols(NET_RAW));
  t.same(stored(SERIES.disk), cols(DISK_RAW));
  t.same(stored(SERIES.fs), cols(FS_RAW));
  const sys = SYS_COLUMNS.map((c) => `${c.name}:${c.kind}`);
  for (const c of [
    ...cols(CPU_RAW).map((x) => `cpu_${x}`), ...cols(MEM_RAW).map((x) => (x.startsWith('swap_') ? x : `mem_${x}`)), ...cols(SNMP_RAW), ...cols(VM_RAW),
  ]) t.ok(sys.includes(c), `sys column ${c}`);
});

t.test('the blanks synthetic samples start from hold every row, each blank', async (t) => {
  t.same(keys(PROC_RAW_BLANK), PROC_RAW.map((r) => r.key).sort());
  t.same(keys(PROC_FIGURES_BLANK), PROC_FIELDS.map((f) => f.key).sort());
  t.equal(PROC_RAW_BLANK.cgroup, null, 'nullable: null');
  t.equal(PROC_RAW_BLANK.state, '', 'text: empty');
  t.equal(PROC_RAW_BLANK.utime, 0, 'counter: 0');
  t.equal(PROC_FIGURES_BLANK.kthread, false, 'boolean: false');
  t.ok(Object.isFrozen(PROC_RAW_BLANK) && Object.isFrozen(PROC_FIGURES_BLANK), 'no builder can change them');
  // The builders that start from them give whole objects: a derived row's keys, no more, no fewer.
  const a = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(10, 5)] } });
  const b = sample({ monoMs: 1000, procs: { monoMs: 1000, list: [proc(10, 5)] } });
  t.same(keys(blankProc(1, 2)), keys(derive(a, b, HOST).procs?.[0]));
});

t.test('the cgroup table: every raw value and figure has a row, and every layer takes its rows from it', async (t) => {
  const rec = Recording.open(path.join(FIXTURES, 'recordings', 'schema-v4.vigil'));
  let found: { snap: Snapshot; sample: Sample } | null = null;
  try {
    for (const { pair, snap } of snapshots(rec.pairs(rec.first()!.s, rec.last()!.s, { procs: false, conns: false, cgroups: true }))) {
      if ((snap.cgroups?.length ?? 0) > 0 && (pair.curr.cgroups?.groups.length ?? 0) > 0) {
        found = { snap, sample: pair.curr };
        break;
      }
    }
  } finally {
    rec.close();
  }
  t.ok(found, 'the v4 fixture has a snapshot with cgroups');
  const { snap, sample } = found!;
  // path is the row's identity, psi the per-resource PSI figures (columns psi_R_some_pct).
  t.same(rowKeys(CGROUP_FIELDS), keys(snap.cgroups![0], ['path', 'psi']), 'every CgroupSnap figure is a row');
  t.same(
    [...CGROUP_RAW.map((r) => r.key)].sort(),
    keys(sample.cgroups!.groups[0], ['path', 'depth', 'mem_limited', 'io', 'psi']),
    'every scalar of CgroupSample is a raw row (io per device, psi and the limit flag apart)',
  );
  const known = new Set<string>([...CGROUP_RAW, ...CGROUP_IO_RAW].map((r) => r.key));
  t.same(CGROUP_FIELDS.flatMap((f) => f.raw.filter((r) => !known.has(r))), [], 'every raw input is a raw row');
  t.same(TABLES.cgroups.columns, ['t', 'interval_ms', 'path', 'name', ...exported(CGROUP_FIELDS), ...PSI_RESOURCES.map((r) => `psi_${r}_some_pct`)]);
  t.same(Object.keys(CGROUP_SERIES), CGROUP_FIELDS.flatMap((r) => ('series' in r ? [r.series] : [])), 'the window series');
  t.equal(CGROUP_SERIES['cgroup.mem_used_pct_of_limit'].get(snap.cgroups![0]), snap.cgroups![0].mem_used_pct_of_limit);
  const cols = CGROUP_COLUMNS.map((c) => c.name);
  t.same(cols.slice(0, CGROUP_RAW.length), CGROUP_RAW.map((r) => r.key), 'cgroup_sample starts with the raw rows, in order');
  const promNames = [...CGROUP_RAW, ...CGROUP_IO_RAW].flatMap((r) => ((r as Raws).prom ?? []).map((p) => p.name));
  t.same(CGROUP_FAMILIES.map((f) => f.name).slice(0, promNames.length), promNames, 'container_* families are the rows\', in row order');
  t.equal(new Set(CGROUP_FAMILIES.map((f) => f.name)).size, CGROUP_FAMILIES.length, 'no family twice');
});
