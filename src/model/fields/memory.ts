/**
 * The memory family: /proc/meminfo (levels, in bytes) and /proc/vmstat (paging counters). The raw rows
 * are recorded and exported as node_exporter's node_memory_<Field>_bytes (node_exporter keeps the
 * kernel's CamelCase; dashboards query exactly these names) and node_vmstat_<field>; the figures are
 * `vigil export --table memory` (MEM_FIELDS) and the `system` table's paging columns (VM_FIELDS), the
 * `mem.*`, `swap.*` and `vm.*` window series and the memory pane.
 */
import type { HostInfo, MemSample, MemSnap, Snapshot, VmstatSample } from '../index';
import { scalar } from './field';
import type { RawField, SysField } from './field';

/** A /proc/meminfo field (`kB` there, which is KiB) as node_memory_<Field>_bytes. */
function meminfo<K extends keyof MemSample & string>(key: K, field: string) {
  return {
    key, kind: 'gauge', unit: 'B', source: `/proc/meminfo ${field} × 1024`,
    prom: [scalar<MemSample, HostInfo>(`node_memory_${field}_bytes`, 'gauge', `Memory information field ${field}_bytes (/proc/meminfo ${field}, kB × 1024).`, (m) => m[key])],
  } as const satisfies RawField<MemSample, HostInfo>;
}

/** MemSample, in recording order. */
export const MEM_RAW = [
  meminfo('total', 'MemTotal'), meminfo('free', 'MemFree'), meminfo('available', 'MemAvailable'), meminfo('buffers', 'Buffers'),
  meminfo('cached', 'Cached'), meminfo('swap_cached', 'SwapCached'), meminfo('swap_total', 'SwapTotal'), meminfo('swap_free', 'SwapFree'),
  meminfo('shmem', 'Shmem'), meminfo('sreclaimable', 'SReclaimable'), meminfo('dirty', 'Dirty'), meminfo('writeback', 'Writeback'),
] as const;

/** MemSnap, in `vigil export --table memory` column order. */
export const MEM_FIELDS = [
  { key: 'mem_total_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'MemTotal', help: 'MemTotal',
    raw: ['total'], exported: true, pane: 'memory pane title' },
  { key: 'mem_used_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'MemTotal − MemAvailable (as free(1)); without MemAvailable, MemFree + Buffers + Cached stands in',
    help: 'MemTotal − MemAvailable', raw: ['total', 'available', 'free', 'buffers', 'cached'], exported: true, series: 'mem.used_bytes', pane: 'memory pane: used' },
  { key: 'mem_available_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'MemAvailable, at most MemTotal',
    help: 'MemAvailable', raw: ['available', 'total'], exported: true, series: 'mem.available_bytes', pane: 'memory pane: avail' },
  { key: 'mem_free_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'MemFree', help: 'MemFree',
    raw: ['free'], exported: true, series: 'mem.free_bytes' },
  { key: 'mem_buffers_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'Buffers', help: 'Buffers',
    raw: ['buffers'], exported: true, series: 'mem.buffers_bytes' },
  { key: 'mem_cache_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'Cached + SReclaimable (free(1)\'s cache)',
    help: 'Cached + SReclaimable', raw: ['cached', 'sreclaimable'], exported: true, series: 'mem.cache_bytes', pane: 'memory pane: cache' },
  { key: 'mem_shmem_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'Shmem', help: 'Shmem',
    raw: ['shmem'], exported: true, series: 'mem.shmem_bytes' },
  { key: 'mem_dirty_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'Dirty', help: 'Dirty',
    raw: ['dirty'], exported: true, series: 'mem.dirty_bytes' },
  { key: 'mem_used_pct', kind: 'gauge', unit: '%', source: '/proc/meminfo', formula: '100 × used / MemTotal',
    help: 'memory used: (MemTotal − MemAvailable) / MemTotal', raw: ['total', 'available'], exported: true, series: 'mem.used_pct', pane: 'Mem meter, memory pane chart' },
  { key: 'swap_total_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'SwapTotal', help: 'SwapTotal',
    raw: ['swap_total'], exported: true },
  { key: 'swap_used_bytes', kind: 'gauge', unit: 'B', source: '/proc/meminfo', formula: 'SwapTotal − SwapFree',
    help: 'SwapTotal − SwapFree', raw: ['swap_total', 'swap_free'], exported: true, series: 'swap.used_bytes', pane: 'memory pane: swap' },
  { key: 'swap_used_pct', kind: 'gauge', unit: '%', source: '/proc/meminfo', formula: '100 × (SwapTotal − SwapFree) / SwapTotal',
    help: 'swap used: (SwapTotal − SwapFree) / SwapTotal', raw: ['swap_total', 'swap_free'], exported: true, series: 'swap.used_pct', pane: 'Swp meter' },
] as const satisfies readonly SysField<MemSnap>[];

const vm = <K extends keyof VmstatSample & string>(key: K) => ({
  key, kind: 'counter', unit: '', source: `/proc/vmstat ${key}`,
  // node_exporter exports the raw /proc/vmstat fields untyped, without _total.
  prom: [scalar<VmstatSample, HostInfo>(`node_vmstat_${key}`, 'untyped', `/proc/vmstat information field ${key}.`, (v) => v[key])],
} as const satisfies RawField<VmstatSample, HostInfo>);

/** VmstatSample, in recording order. */
export const VM_RAW = [vm('pgfault'), vm('pgmajfault'), vm('pswpin'), vm('pswpout')] as const;

/** The paging rates: columns of `vigil export --table system`. */
export const VM_FIELDS = [
  { key: 'pgfault_per_s', kind: 'rate', unit: '/s', source: '/proc/vmstat pgfault', formula: 'Δ / Δt',
    help: 'page faults per second (/proc/vmstat pgfault)', raw: ['pgfault'], exported: true, series: 'vm.pgfault_per_s' },
  { key: 'pgmajfault_per_s', kind: 'rate', unit: '/s', source: '/proc/vmstat pgmajfault', formula: 'Δ / Δt',
    help: 'major page faults per second', raw: ['pgmajfault'], exported: true, series: 'vm.pgmajfault_per_s' },
  { key: 'pswpin_per_s', kind: 'rate', unit: '/s', source: '/proc/vmstat pswpin', formula: 'Δ / Δt',
    help: 'pages swapped in per second', raw: ['pswpin'], exported: true, series: 'vm.pswpin_per_s' },
  { key: 'pswpout_per_s', kind: 'rate', unit: '/s', source: '/proc/vmstat pswpout', formula: 'Δ / Δt',
    help: 'pages swapped out per second', raw: ['pswpout'], exported: true, series: 'vm.pswpout_per_s' },
] as const satisfies readonly SysField<Snapshot>[];
