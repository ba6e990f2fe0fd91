/**
 * node_exporter's collectors, as vigil groups its node_* families: for `--collectors` (turn families off,
 * like node_exporter's --no-collector.X) and for node_scrape_collector_{success,duration_seconds}.
 *
 * A family belongs to the collector of the LONGEST prefix of its name in the table, so a family added
 * later (node_network_carrier, node_sockstat_TCP_inuse, ...) falls into place without an edit here:
 * node_network_transmit_queue_length is netclass's although node_network_transmit_ is netdev's.
 * Families with no prefix here (vigil_*, process_*) belong to no collector and are always served;
 * test/unit/prometheus/collectors.test.ts checks that every node_* family vigil serves has a collector.
 * Names are node_exporter 1.5's (node_intr_total is the stat collector's, not "interrupts").
 */
import { usageError } from '../../infra/errors';

const PREFIXES: Readonly<Record<string, string>> = {
  node_arp_: 'arp',
  node_boot_time_seconds: 'stat',
  node_context_switches_total: 'stat',
  node_cpu_: 'cpu',
  node_disk_: 'diskstats',
  node_entropy_: 'entropy',
  node_filefd_: 'filefd',
  node_filesystem_: 'filesystem',
  node_forks_total: 'stat',
  node_intr_total: 'stat',
  node_load: 'loadavg',
  node_memory_: 'meminfo',
  node_netstat_: 'netstat',
  node_network_: 'netclass',
  node_network_receive_: 'netdev',
  node_network_transmit_: 'netdev',
  node_network_transmit_queue_length: 'netclass',
  node_nf_conntrack_: 'conntrack',
  node_pressure_: 'pressure',
  node_procs_: 'stat',
  node_sockstat_: 'sockstat',
  node_softnet_: 'softnet',
  node_time_: 'time',
  node_timex_: 'timex',
  node_udp_queues: 'udp_queues',
  node_uname_: 'uname',
  node_vmstat_: 'vmstat',
};

/** Every collector name `--collectors` accepts, sorted. */
export const COLLECTORS: readonly string[] = [...new Set(Object.values(PREFIXES))].sort();

const BY_LENGTH = Object.keys(PREFIXES).sort((a, b) => b.length - a.length);

/** The collector that serves family `name`, or null for a family outside node_exporter's (always on). */
export function collectorOf(name: string): string | null {
  for (const p of BY_LENGTH) if (name.startsWith(p)) return PREFIXES[p];
  return null;
}

/** The collectors on; null: all of them (the default). */
export type CollectorSet = ReadonlySet<string> | null;

export function isEnabled(set: CollectorSet, collector: string | null): boolean {
  return collector === null || set === null || set.has(collector);
}

/**
 * `--collectors` / the config's "collectors": either names to keep (`cpu,meminfo`: only these) or names
 * to drop, each with a leading minus (`-netstat,-softnet`: all but these, node_exporter's
 * --no-collector.netstat --no-collector.softnet). A list mixing both, an empty list or an unknown name is
 * an error (thrown as a usage error; `where` names the option or key in the message).
 */
export function parseCollectors(spec: string | readonly string[], where = '--collectors'): ReadonlySet<string> {
  const items = (typeof spec === 'string' ? spec.split(',') : spec.flatMap((s) => s.split(','))).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw usageError(`${where}: expected collector names like cpu,meminfo or -netstat,-softnet, got nothing`);
  const drops = items.filter((s) => s.startsWith('-'));
  if (drops.length > 0 && drops.length < items.length) {
    throw usageError(`${where}: either names to keep (cpu,meminfo) or names to drop (-netstat,-softnet), not both`);
  }
  const names = items.map((s) => (s.startsWith('-') ? s.slice(1) : s));
  for (const n of names) {
    if (!COLLECTORS.includes(n)) throw usageError(`${where}: unknown collector '${n}' (collectors: ${COLLECTORS.join(', ')})`);
  }
  return drops.length > 0 ? new Set(COLLECTORS.filter((c) => !names.includes(c))) : new Set(names);
}
