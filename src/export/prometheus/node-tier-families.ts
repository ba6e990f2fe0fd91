/**
 * The node_* families over the node tier (Sample.node, src/model/node.ts): fixed ones from the tables of
 * src/model/fields/node-*.ts, and KeyedFamilies, whose names come from the kernel's files. No series
 * without a node tier (a TUI, a replay).
 */
import type { Registry } from 'prom-client';
import type { DiskSample, HostInfo, Sample } from '../../model';
import { NETCLASS_RAW, NETDEV_EXTRA_RAW } from '../../model/fields/node-net';
import { ARP_RAW, CONNTRACK_RAW, NODE_HOST_RAW, SOFTNET_RAW, UDP_QUEUES_RAW } from '../../model/fields/node-host';
import { DISK_EXTRA_RAW, FS_STATUS_RAW } from '../../model/fields/node-disk';
import { KEYED_RULES } from '../../model/fields/node-keyed';
import type { RawField } from '../../model/fields/field';
import type { NodeSample } from '../../model/node';
import { FamilySpec, Labels, registerFamily } from './family';
import type { SystemState } from './node-families';

type Entities<R> = (s: Sample) => Iterable<readonly [Labels, R]>;
type FromTable = <R>(rows: readonly RawField<R, HostInfo>[], labels: readonly string[], entities: Entities<R>) => FamilySpec<SystemState>[];

const HOST: Labels = {};
const ofNode = <R>(pick: (n: NodeSample) => Iterable<readonly [Labels, R]>): Entities<R> => (s) => (s.node ? pick(s.node) : []);

/**
 * The disks of node_disk_*: the hot tier's whole disks (fresh at every tick), then the node tier's other
 * devices (node_exporter's set: everything but partitions, loop and RAM disks), which it reads once a second.
 */
export function* diskEntities(s: Sample): Iterable<readonly [Labels, DiskSample]> {
  const seen = new Set<string>();
  for (const d of s.sys.disks) {
    seen.add(d.device);
    yield [{ device: d.device }, d];
  }
  for (const d of s.node?.disks ?? []) if (!seen.has(d.device)) yield [{ device: d.device }, d];
}

const FS_LABELS = ['device', 'fstype', 'mountpoint'] as const;

export function nodeTierFamilies(fromTable: FromTable): FamilySpec<SystemState>[] {
  const device = <T extends { iface: string }>(list: readonly T[]) => list.map((x) => [{ device: x.iface }, x] as const);
  return [
    ...fromTable(NETDEV_EXTRA_RAW, ['device'], ofNode((n) => device(n.netdev))),
    ...fromTable(NETCLASS_RAW, ['device'], ofNode((n) => device(n.netclass))),
    ...fromTable(NODE_HOST_RAW, [], ofNode((n) => [[HOST, n]])),
    ...fromTable(CONNTRACK_RAW, [], ofNode((n) => (n.conntrack ? [[HOST, n]] : []))),
    ...fromTable(SOFTNET_RAW, ['cpu'], ofNode((n) => n.softnet.map((c) => [{ cpu: String(c.cpu) }, c] as const))),
    ...fromTable(ARP_RAW, ['device'], ofNode((n) => [...(n.arp ?? [])].map(([dev, entries]) => [{ device: dev }, { entries }] as const))),
    ...fromTable(UDP_QUEUES_RAW, ['ip'], ofNode((n) => n.udp.map((q) => [{ ip: q.ip }, q] as const))),
    ...fromTable(DISK_EXTRA_RAW, ['device'], ofNode((n) => n.disks.map((d) => [{ device: d.device }, d] as const))),
    ...fromTable(FS_STATUS_RAW, FS_LABELS, ofNode((n) => n.fs.map((f) => [{ device: f.source, fstype: f.fstype, mountpoint: f.mount }, f] as const))),
  ];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A bound on families made from file contents: the kernel's files hold a few hundred names. */
const MAX_KEYED = 2000;

/**
 * Families named by the kernel's files (src/model/fields/node-keyed.ts). prom-client needs a family
 * registered by name before a scrape, and the names are known only once the files are read, so sync()
 * (from update(), once per new NodeSample: once a second) registers the names not seen yet and takes
 * their values; a scrape then only reads that map. A name a fixed family already serves (the hot tier's
 * node_memory_MemTotal_bytes, ...) is left to it. A family whose entry disappears has no series.
 */
export class KeyedFamilies {
  private readonly values = new Map<string, number>();
  /** Names registered here, and names refused (invalid, over the bound, or a fixed family's). */
  private readonly mine = new Set<string>();
  private readonly refused = new Set<string>();
  private last: NodeSample | null = null;

  /**
   * `register` adds a family to `registry` (a caller that filters or times families passes its own);
   * `registry` is asked which names are taken.
   */
  constructor(
    private readonly registry: Registry,
    private readonly register: (spec: FamilySpec<null>) => void = (spec) => registerFamily(registry, spec, () => null),
  ) {}

  sync(node: NodeSample | null | undefined, host: HostInfo): void {
    if (node == null || node === this.last) return;
    this.last = node;
    this.values.clear();
    for (const rule of KEYED_RULES) {
      for (const s of rule.series(node, host)) {
        if (this.values.has(s.name) || this.refused.has(s.name)) continue;
        if (this.mine.has(s.name) || this.add(s.name, s.type, s.help)) this.values.set(s.name, s.value);
      }
    }
  }

  private add(name: string, type: 'gauge' | 'untyped', help: string): boolean {
    if (!METRIC_NAME.test(name) || this.mine.size >= MAX_KEYED || this.registry.getSingleMetric(name) !== undefined) {
      if (this.refused.size < MAX_KEYED) this.refused.add(name);
      return false;
    }
    this.mine.add(name);
    this.register({ name, type, help, labelNames: [], series: () => [[{}, this.values.get(name)]] });
    return true;
  }
}
