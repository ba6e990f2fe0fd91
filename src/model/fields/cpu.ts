/**
 * The cpu family: /proc/stat's time columns, for the whole machine (the `cpu` line) and per core
 * (`cpuN`). The raw rows are the recorded ticks and node_cpu_*_seconds_total; the figure rows are the
 * shares derive() makes of them (cpuPct), which are the `system` table's and the `cpu` table's first
 * columns, the `cpu.*` (whole machine) and `cpu.core.*` (per core) window series, and the CPU meters.
 */
import { counterToNumber } from '../counter';
import type { Counter } from '../counter';
import type { CpuPct, CpuTimes, HostInfo } from '../index';
import type { RawField, SysField, SysPromFamily } from './field';

type Row = RawField<CpuTimes, HostInfo>;

/** Σ ticks / USER_HZ: /proc/stat's unit to seconds. */
const seconds = (v: Counter | null, h: HostInfo): number | null => (v === null ? null : counterToNumber(v) / h.clk_tck);

/**
 * node_cpu_seconds_total{cpu,mode}: one family, a series per mode, each from its own row (user and nice
 * include guest time, as the kernel and node_exporter give them). Rows of one family name are one family.
 */
const cpuSeconds = (mode: string, key: keyof CpuTimes): SysPromFamily<CpuTimes, HostInfo> => ({
  name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode (/proc/stat ticks / USER_HZ).',
  extraLabels: ['mode'], series: (t, h) => [[{ mode }, seconds(t[key], h)]],
});
const guestSeconds = (mode: string, key: keyof CpuTimes): SysPromFamily<CpuTimes, HostInfo> => ({
  name: 'node_cpu_guest_seconds_total', type: 'counter', help: 'Seconds the CPUs spent running guests (already included in user and nice).',
  extraLabels: ['mode'], series: (t, h) => [[{ mode }, seconds(t[key], h)]],
});
const mode = <K extends keyof CpuTimes & string>(key: K, source: string, prom = [cpuSeconds(key, key)]) =>
  ({ key, kind: 'counter', unit: 'ticks', source: `/proc/stat cpuN ${source}`, prom } as const satisfies Row);

/** CpuTimes, in recording order; one per core (label cpu) and one for the whole machine. */
export const CPU_RAW = [
  mode('user', 'user (guest included)'),
  mode('nice', 'nice (guest_nice included)'),
  mode('system', 'system'),
  mode('idle', 'idle (can go backwards on NO_HZ kernels)'),
  mode('iowait', 'iowait'),
  mode('irq', 'irq'),
  mode('softirq', 'softirq'),
  mode('steal', 'steal'),
  mode('guest', 'guest', [guestSeconds('user', 'guest')]),
  mode('guest_nice', 'guest_nice', [guestSeconds('nice', 'guest_nice')]),
] as const;

/** A CPU figure: its whole-machine series (`series`) and, if kept per core, its per-core one with its own help. */
export interface CpuField extends SysField<CpuPct> {
  readonly core?: { readonly series: string; readonly help: string };
}

const SHARE = 'Δ / Δ(user + nice + system + idle + iowait + irq + softirq + steal) × 100';

/** CpuPct: the export columns of `system` (whole machine) and `cpu` (per core), in order. */
export const CPU_FIELDS = [
  {
    key: 'cpu_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: '100 − idle − iowait shares',
    help: 'CPU busy: 100 − idle − iowait, all cores', raw: ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'],
    exported: true, series: 'cpu.total_pct', core: { series: 'cpu.core.total_pct', help: 'core busy: 100 − idle − iowait' }, pane: 'CPU meter, cpu pane',
  },
  {
    key: 'user_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: `Δ(user − guest) share: ${SHARE}`,
    help: 'CPU in user mode (without guest)', raw: ['user', 'guest'], exported: true, series: 'cpu.user_pct',
    core: { series: 'cpu.core.user_pct', help: 'core in user mode' },
  },
  {
    key: 'nice_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δ(nice − guest_nice) share',
    help: 'CPU in user mode at positive nice (without guest_nice)', raw: ['nice', 'guest_nice'], exported: true, series: 'cpu.nice_pct',
    core: { series: 'cpu.core.nice_pct', help: 'core in user mode at positive nice' },
  },
  {
    key: 'system_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δsystem share',
    help: 'CPU in the kernel', raw: ['system'], exported: true, series: 'cpu.system_pct',
    core: { series: 'cpu.core.system_pct', help: 'core in the kernel' },
  },
  {
    key: 'idle_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δidle share (saturated at 0)',
    help: 'CPU idle', raw: ['idle'], exported: true, series: 'cpu.idle_pct',
  },
  {
    key: 'iowait_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δiowait share',
    help: 'CPU idle with I/O outstanding', raw: ['iowait'], exported: true, series: 'cpu.iowait_pct',
    core: { series: 'cpu.core.iowait_pct', help: 'core idle with I/O outstanding' },
  },
  {
    key: 'irq_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δirq share',
    help: 'CPU in hard interrupts', raw: ['irq'], exported: true, series: 'cpu.irq_pct',
    core: { series: 'cpu.core.irq_pct', help: 'core in hard interrupts' },
  },
  {
    key: 'softirq_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δsoftirq share',
    help: 'CPU in soft interrupts', raw: ['softirq'], exported: true, series: 'cpu.softirq_pct',
    core: { series: 'cpu.core.softirq_pct', help: 'core in soft interrupts' },
  },
  {
    key: 'steal_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δsteal share',
    help: 'CPU taken by the hypervisor', raw: ['steal'], exported: true, series: 'cpu.steal_pct',
    core: { series: 'cpu.core.steal_pct', help: 'core taken by the hypervisor' },
  },
  {
    key: 'guest_pct', kind: 'gauge', unit: '%', source: '/proc/stat cpu, cpuN', formula: 'Δ(guest + guest_nice) share, at most user + nice',
    help: 'CPU running guests (inside user and nice)', raw: ['guest', 'guest_nice'], exported: true, series: 'cpu.guest_pct',
  },
] as const satisfies readonly CpuField[];
