/**
 * System metrics under node_exporter's names, types, units and labels (checked against node_exporter
 * 1.5's own output by test/system/prometheus/node-compat.test.ts), so dashboards built for node_exporter work
 * on vigil. Every value is a field of the latest Sample (raw /proc counters), converted to base units.
 * Counters are cumulative since boot, exactly as the kernel keeps them: Prometheus takes the rates.
 * Each family is a `prom` entry on a raw row of a field table (src/model/fields/); node_uname_info,
 * which is no Sample field, is the one defined here.
 */
import * as os from 'os';
import type { CpuTimes, HostInfo, Sample } from '../../model';
import { CPU_RAW } from '../../model/fields/cpu';
import { DISK_RAW } from '../../model/fields/disk';
import type { RawField, SysPromFamily } from '../../model/fields/field';
import { FS_RAW } from '../../model/fields/fs';
import { MEM_RAW, VM_RAW } from '../../model/fields/memory';
import { NET_RAW, SNMP_RAW } from '../../model/fields/net';
import { PSI_RAW } from '../../model/fields/psi';
import { SYSTEM_RAW } from '../../model/fields/system';
import type { FamilySpec, Labels, Series } from './family';
import { diskEntities, nodeTierFamilies } from './node-tier-families';

export interface SystemState {
  sample: Sample | null;
  host: HostInfo;
}

/**
 * The families of one field table's raw rows, in row order. `entities` lists the table's entities in a
 * Sample (a core, an interface, the whole host) with their own labels (`labels`, e.g. device); each
 * family adds its extra labels. Rows that share a family name (node_cpu_seconds_total: one row per mode)
 * make one family, listed entity by entity. A family with no entity in the Sample has no series.
 */
export function fromTable<R>(
  rows: readonly RawField<R, HostInfo>[], labels: readonly string[], entities: (s: Sample) => Iterable<readonly [Labels, R]>,
): FamilySpec<SystemState>[] {
  const byName = new Map<string, SysPromFamily<R, HostInfo>[]>();
  for (const row of rows) for (const fam of row.prom ?? []) byName.set(fam.name, [...(byName.get(fam.name) ?? []), fam]);
  return [...byName.values()].map((parts): FamilySpec<SystemState> => {
    const { name, type, help, extraLabels } = parts[0];
    return {
      name, type, help, labelNames: [...labels, ...(extraLabels ?? [])],
      *series(st) {
        if (st.sample === null) return;
        for (const [own, raw] of entities(st.sample)) {
          for (const part of parts) for (const [extra, v] of part.series(raw, st.host)) yield [extraLabels ? { ...own, ...extra } : own, v] as Series;
        }
      },
    };
  });
}

const HOST_ENTITY: Labels = {};
const whole = <R>(pick: (s: Sample) => R | null): ((s: Sample) => Iterable<readonly [Labels, R]>) =>
  (s) => { const r = pick(s); return r === null ? [] : [[HOST_ENTITY, r]]; };

/** Each online core with its number; an offline core is a hole: no series, not zeros. */
function* cores(s: Sample): Iterable<readonly [Labels, CpuTimes]> {
  const cs = s.sys.stat.cores;
  for (let i = 0; i < cs.length; i++) {
    const t = cs[i];
    if (t != null) yield [{ cpu: String(i) }, t];
  }
}

const FS_LABELS = ['device', 'fstype', 'mountpoint'] as const;

/** node_uname_info: the labels dashboards use to pick a host. uname(2) values, read once at start. */
function unameFamily(): FamilySpec<SystemState> {
  const labels: Labels = { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine() };
  return {
    name: 'node_uname_info', type: 'gauge', help: 'Labeled system information as provided by the uname system call.',
    labelNames: ['machine', 'nodename', 'release', 'sysname', 'version'],
    series: (st) => (st.sample === null ? [] : [[{ ...labels, nodename: st.host.hostname }, 1]]),
  };
}

export function nodeFamilies(): FamilySpec<SystemState>[] {
  return [
    ...fromTable(CPU_RAW, ['cpu'], cores),
    ...fromTable(SYSTEM_RAW, [], whole((s) => s)),
    ...fromTable(MEM_RAW, [], whole((s) => s.sys.mem)),
    ...fromTable(VM_RAW, [], whole((s) => s.sys.vmstat)),
    ...fromTable(SNMP_RAW, [], whole((s) => s.sys.snmp)),
    ...fromTable(PSI_RAW, [], whole((s) => s.sys.psi)),
    ...fromTable(NET_RAW, ['device'], (s) => s.sys.net.map((n) => [{ device: n.iface }, n] as const)),
    ...fromTable(DISK_RAW, ['device'], diskEntities),
    ...fromTable(FS_RAW, FS_LABELS, (s) => s.sys.fs.map((f) => [{ device: f.source, fstype: f.fstype, mountpoint: f.mount }, f] as const)),
    unameFamily(),
    ...nodeTierFamilies(fromTable),
  ];
}
