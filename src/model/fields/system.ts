/**
 * The system family: /proc/stat's counts, /proc/loadavg and /proc/uptime, machine-wide. The figures are
 * `vigil export --table system`'s columns after the CPU shares, the `load.*`, `procs.*` and `sys.*`
 * window series and the load meter; the raw rows are recorded and exported as node_exporter's families.
 */
import type { HostInfo, Sample, Snapshot } from '../index';
import { scalar } from './field';
import type { RawField, SysField } from './field';

const one = scalar<Sample, HostInfo>;

/** The Sample's machine-wide values, in the order of their Prometheus families. */
export const SYSTEM_RAW = [
  { key: 'stat.ctxt', kind: 'counter', unit: '', source: '/proc/stat ctxt',
    prom: [one('node_context_switches_total', 'counter', 'Context switches since boot (/proc/stat ctxt).', (s) => s.sys.stat.ctxt)] },
  { key: 'stat.processes', kind: 'counter', unit: '', source: '/proc/stat processes (forks since boot)',
    prom: [one('node_forks_total', 'counter', 'Forks since boot (/proc/stat processes).', (s) => s.sys.stat.processes)] },
  { key: 'stat.procs_running', kind: 'gauge', unit: '', source: '/proc/stat procs_running',
    prom: [one('node_procs_running', 'gauge', 'Runnable tasks (/proc/stat procs_running).', (s) => s.sys.stat.procs_running)] },
  { key: 'stat.procs_blocked', kind: 'gauge', unit: '', source: '/proc/stat procs_blocked',
    prom: [one('node_procs_blocked', 'gauge', 'Tasks blocked on I/O (/proc/stat procs_blocked).', (s) => s.sys.stat.procs_blocked)] },
  { key: 'stat.btime', kind: 'gauge', unit: 's', source: '/proc/stat btime (seconds since the epoch)',
    prom: [one('node_boot_time_seconds', 'gauge', 'Boot time, seconds since the epoch (/proc/stat btime).', (s, h) => s.sys.stat.btime ?? h.boot_time_s)] },
  { key: 't', kind: 'gauge', unit: 'ms', source: 'the wall clock at the read (a label: intervals come from the monotonic clock)',
    prom: [one('node_time_seconds', 'gauge', 'Wall clock of the sample being served, seconds since the epoch.', (s) => s.t / 1000)] },
  { key: 'load.load1', kind: 'gauge', unit: '', source: '/proc/loadavg field 1',
    prom: [one('node_load1', 'gauge', '1-minute load average (/proc/loadavg).', (s) => s.sys.load?.load1)] },
  { key: 'load.load5', kind: 'gauge', unit: '', source: '/proc/loadavg field 2',
    prom: [one('node_load5', 'gauge', '5-minute load average (/proc/loadavg).', (s) => s.sys.load?.load5)] },
  { key: 'load.load15', kind: 'gauge', unit: '', source: '/proc/loadavg field 3',
    prom: [one('node_load15', 'gauge', '15-minute load average (/proc/loadavg).', (s) => s.sys.load?.load15)] },
  { key: 'load.running', kind: 'gauge', unit: '', source: '/proc/loadavg field 4, before the /' },
  { key: 'load.total', kind: 'gauge', unit: '', source: '/proc/loadavg field 4, after the /' },
  { key: 'uptime_s', kind: 'gauge', unit: 's', source: '/proc/uptime field 1' },
] as const satisfies readonly RawField<Sample, HostInfo>[];

/** Snapshot's machine-wide scalars, in `system` export column order. */
export const SYSTEM_FIELDS = [
  { key: 'uptime_s', kind: 'gauge', unit: 's', source: '/proc/uptime', formula: 'as given', help: 'seconds since boot', raw: ['uptime_s'], exported: true },
  { key: 'load1', kind: 'gauge', unit: '', source: '/proc/loadavg', formula: 'as given', help: 'load average, 1 minute',
    raw: ['load.load1'], exported: true, series: 'load.1m', pane: 'load meter' },
  { key: 'load5', kind: 'gauge', unit: '', source: '/proc/loadavg', formula: 'as given', help: 'load average, 5 minutes',
    raw: ['load.load5'], exported: true, series: 'load.5m', pane: 'load meter' },
  { key: 'load15', kind: 'gauge', unit: '', source: '/proc/loadavg', formula: 'as given', help: 'load average, 15 minutes',
    raw: ['load.load15'], exported: true, series: 'load.15m', pane: 'load meter' },
  { key: 'procs_running', kind: 'gauge', unit: '', source: '/proc/stat procs_running', formula: 'as given',
    help: 'runnable tasks (/proc/stat procs_running)', raw: ['stat.procs_running'], exported: true, series: 'procs.running' },
  { key: 'procs_blocked', kind: 'gauge', unit: '', source: '/proc/stat procs_blocked', formula: 'as given',
    help: 'tasks blocked on I/O (/proc/stat procs_blocked)', raw: ['stat.procs_blocked'], exported: true, series: 'procs.blocked' },
  { key: 'ctxt_per_s', kind: 'rate', unit: '/s', source: '/proc/stat ctxt', formula: 'Δ / Δt',
    help: 'context switches per second', raw: ['stat.ctxt'], exported: true, series: 'sys.ctxt_per_s' },
  { key: 'forks_per_s', kind: 'rate', unit: '/s', source: '/proc/stat processes', formula: 'Δ / Δt',
    help: 'processes created per second', raw: ['stat.processes'], exported: true, series: 'sys.forks_per_s' },
] as const satisfies readonly SysField<Snapshot>[];
