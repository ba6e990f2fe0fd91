/**
 * The series table: every name reads its own Snapshot field, the alert metric names exist, and metric
 * names as users write them resolve to (series, subject).
 */
import t from 'tap';
import { HistoryWindow, isSeriesName, parseMetric, procSubject, SERIES, SERIES_NAMES } from '../../../src/store/window';
import type { SeriesName } from '../../../src/store/window';
import { prng, syntheticCgroups, syntheticProcs, syntheticSnapshot } from '../../../src/store/window/synthetic';

const shape = { cores: 3, ifaces: 2, disks: 2, mounts: 2 };

function subjectFor(name: SeriesName): string {
  switch (SERIES[name].subject) {
    case 'none': return '';
    case 'core': return '2';
    case 'iface': return 'eth1';
    case 'disk': return 'sdb';
    case 'mount': return '/mnt/m1';
    case 'proc': return procSubject(101, 101);
    case 'cgroup': return '/g1.slice';
  }
}

t.test('every series reads a value of its own from a full Snapshot', async (t) => {
  const w = new HistoryWindow();
  const s = syntheticSnapshot(10_000, 1.7e12, 100, shape, prng(1));
  s.procs = syntheticProcs(100, 3, prng(2));
  s.procs_interval_ms = 1000;
  s.cgroups = syntheticCgroups(2, prng(3));
  w.push(s);
  const seen = new Map<number, SeriesName>();
  for (const name of SERIES_NAMES) {
    const v = w.avg(name, subjectFor(name), 1).value;
    t.ok(v !== null && Number.isFinite(v), `${name} has a value`);
    const other = seen.get(v as number);
    t.equal(other, undefined, `${name} does not read the same field as ${other}`);
    seen.set(v as number, name);
  }
  const core2 = s.cores[2];
  const eth1 = s.net[1];
  const sdb = s.disks[1];
  const m1 = s.fs[1];
  const p = s.procs[1];
  const expect: [SeriesName, string, number | null][] = [
    ['cpu.total_pct', '', s.cpu.cpu_pct], ['cpu.iowait_pct', '', s.cpu.iowait_pct], ['mem.used_pct', '', s.mem.mem_used_pct],
    ['swap.used_pct', '', s.mem.swap_used_pct], ['load.1m', '', s.load1], ['psi.memory.some_avg10', '', s.psi.memory!.some_avg10],
    ['tcp.retrans_per_s', '', s.tcp.retrans_per_s], ['cpu.core.user_pct', '2', core2.user_pct],
    ['net.rx_bytes_per_s', 'eth1', eth1.rx_bytes_per_s], ['disk.util_pct', 'sdb', sdb.util_pct],
    ['disk.write_bytes_per_s', 'sdb', sdb.write_bytes_per_s], ['fs.used_pct', '/mnt/m1', m1.used_pct],
    ['proc.cpu_pct', procSubject(101, 101), p.cpu_pct], ['proc.rss_bytes', procSubject(101, 101), p.rss_bytes],
    ['proc.fds', procSubject(101, 101), p.fds], ['proc.majflt_per_s', procSubject(101, 101), p.majflt_per_s],
    ['proc.wait_pct', procSubject(101, 101), p.wait_pct], ['proc.write_bytes_per_s', procSubject(101, 101), p.write_bytes_per_s],
  ];
  for (const [name, subject, want] of expect) t.equal(w.avg(name, subject, 1).value, want, `${name}[${subject}]`);
  t.same(w.subjects('disk.util_pct').sort(), ['sda', 'sdb']);
  t.same(w.subjects('cpu.core.total_pct').sort(), ['0', '1', '2']);
  t.equal(w.procs().length, 3);
});

t.test('the table is complete and consistent', async (t) => {
  for (const name of ['cpu.total_pct', 'cpu.iowait_pct', 'mem.used_pct', 'swap.used_pct', 'load.1m', 'psi.memory.some_avg10',
    'tcp.retrans_per_s', 'disk.util_pct', 'net.rx_bytes_per_s', 'fs.used_pct', 'proc.cpu_pct', 'proc.rss_bytes', 'proc.fds',
    'proc.majflt_per_s']) {
    t.ok(isSeriesName(name), `alert metric ${name} is a series`);
  }
  for (const name of SERIES_NAMES) {
    const i = SERIES[name];
    t.equal(i.name, name);
    t.ok(i.description.length > 0, `${name} is described`);
    t.equal(i.kind === 'rate', i.unit.endsWith('/s'), `${name}: rates, and only rates, are per second`);
    t.equal(i.family === 'proc', name.startsWith('proc.'));
  }
  t.notOk(isSeriesName('toString'), 'no prototype names');
  t.notOk(isSeriesName('cpu.total'));
});

t.test('metric names as written in a config', async (t) => {
  t.same(parseMetric('mem.used_pct'), { series: 'mem.used_pct', subject: '' });
  t.same(parseMetric('cpu.3.user_pct'), { series: 'cpu.core.user_pct', subject: '3' });
  t.same(parseMetric('cpu.03.total_pct'), { series: 'cpu.core.total_pct', subject: '3' });
  t.equal(parseMetric('cpu.3.bogus_pct'), null);
  t.equal(parseMetric('cpu.x.user_pct'), null);
  t.equal(parseMetric(''), null);
  t.equal(parseMetric('__proto__'), null);
});
