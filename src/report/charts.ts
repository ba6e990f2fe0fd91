/**
 * Which charts the page draws, and which series each holds: decided here, from the series the recording
 * had, so the page is generic. A chart none of whose series has a value is left out.
 */
import { Entities, PSI_SERIES } from './system';

export type Unit = '%' | 'B' | 'B/s' | '/s';

export interface ChartSeries {
  id: string;
  label: string;
  /** Hidden until its legend entry is clicked (loopback traffic). */
  hidden?: boolean;
}

export interface ChartSpec {
  id: string;
  group: string;
  title: string;
  unit: Unit;
  /** 'heat': one row per series, colour for value (the per-core strip); else lines. */
  kind: 'line' | 'heat';
  /** A fixed 0–100 axis (shares of time), rather than one fitted to the data. */
  full?: boolean;
  series: ChartSeries[];
}

export function chartSpecs(has: (id: string) => boolean, seen: Entities): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const chart = (spec: Omit<ChartSpec, 'kind'> & { kind?: ChartSpec['kind'] }): void => {
    const series = spec.series.filter((s) => has(s.id));
    if (series.length > 0) specs.push({ kind: 'line', ...spec, series });
  };
  const sorted = <T>(xs: Set<T>): T[] => [...xs];
  chart({
    id: 'cpu', group: 'CPU', title: 'CPU (share of all cores)', unit: '%', full: true,
    series: [
      { id: 'cpu.total', label: 'busy' }, { id: 'cpu.user', label: 'usr' }, { id: 'cpu.system', label: 'sys' },
      { id: 'cpu.iowait', label: 'iowait' }, { id: 'cpu.steal', label: 'steal' },
    ],
  });
  chart({
    id: 'cores', group: 'CPU', title: 'Per core busy %', unit: '%', kind: 'heat', full: true,
    series: [...seen.cores].sort((a, b) => a - b).map((c) => ({ id: `core.${c}`, label: `cpu${c}` })),
  });
  chart({
    id: 'mem', group: 'Memory', title: 'Memory used, cache and swap', unit: 'B',
    series: [{ id: 'mem.used', label: 'used' }, { id: 'mem.cache', label: 'cache' }, { id: 'mem.swap', label: 'swap used' }],
  });
  chart({
    id: 'psi', group: 'Pressure', title: 'Pressure stall (share of time, PSI)', unit: '%',
    series: PSI_SERIES.map(([res, kind]) => ({ id: `psi.${res}.${kind}`, label: `${res} ${kind}` })),
  });
  chart({
    id: 'net', group: 'Network', title: 'Network per interface', unit: 'B/s',
    series: sorted(seen.net).flatMap((n) => [
      { id: `net.${n}.rx`, label: `${n} rx`, hidden: n === 'lo' },
      { id: `net.${n}.tx`, label: `${n} tx`, hidden: n === 'lo' },
    ]),
  });
  chart({ id: 'tcp', group: 'Network', title: 'TCP retransmitted segments', unit: '/s', series: [{ id: 'tcp.retrans', label: 'retransmits' }] });
  const disks = sorted(seen.disk);
  chart({
    id: 'disk-bytes', group: 'Disk', title: 'Disk throughput per device', unit: 'B/s',
    series: disks.flatMap((d) => [{ id: `disk.${d}.read`, label: `${d} read` }, { id: `disk.${d}.write`, label: `${d} write` }]),
  });
  chart({
    id: 'disk-iops', group: 'Disk', title: 'Disk IOPS per device', unit: '/s',
    series: disks.flatMap((d) => [{ id: `disk.${d}.riops`, label: `${d} reads` }, { id: `disk.${d}.wiops`, label: `${d} writes` }]),
  });
  chart({ id: 'disk-util', group: 'Disk', title: 'Disk utilisation (time busy)', unit: '%', full: true, series: disks.map((d) => ({ id: `disk.${d}.util`, label: d })) });
  chart({ id: 'fs', group: 'Filesystems', title: 'Filesystems used', unit: '%', full: true, series: sorted(seen.fs).map((m) => ({ id: `fs.${m}.used`, label: m })) });
  return specs;
}
