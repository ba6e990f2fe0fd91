/**
 * process_*: the exporter's own process under the names, types and help of Go's process collector (what
 * node_exporter serves about itself), so the usual "exporter overhead" panels work on vigil. Not prom-client's
 * collectDefaultMetrics(): promtool rejects some of its families, and it adds Node.js internals no
 * node_exporter dashboard asks for. Always on (node_exporter too has them outside its collectors).
 */
import type { SelfStats } from '../../model/exporter';
import type { FamilySpec, FamilyType } from './family';

export interface SelfState {
  self: SelfStats | null;
}

const ROWS: readonly [string, FamilyType, string, keyof SelfStats][] = [
  ['process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', 'cpuSeconds'],
  ['process_max_fds', 'gauge', 'Maximum number of open file descriptors.', 'maxFds'],
  ['process_open_fds', 'gauge', 'Number of open file descriptors.', 'openFds'],
  ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', 'residentBytes'],
  ['process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', 'startTimeSeconds'],
  ['process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.', 'virtualBytes'],
  ['process_virtual_memory_max_bytes', 'gauge', 'Maximum amount of virtual memory available in bytes.', 'virtualMaxBytes'],
];

export function selfFamilies(): FamilySpec<SelfState>[] {
  return ROWS.map(([name, type, help, key]) => ({
    name, type, help, labelNames: [],
    series: (st: SelfState) => (st.self === null ? [] : [[{}, st.self[key]]]),
  }));
}
