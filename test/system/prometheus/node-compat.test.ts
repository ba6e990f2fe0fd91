/**
 * "Existing dashboards work": vigil's node_* families against node_exporter's (Debian's
 * prometheus-node-exporter 1.5, which `apt-get install prometheus` pulls in as a recommendation) on this
 * same machine, in the same seconds:
 *   - every node_* family vigil serves exists in node_exporter's output with the same type;
 *   - for every family of issue 21's list, every metric name and label set node_exporter emits here is
 *     emitted by vigil too, except the EXCUSED ones below, each with its reason;
 *   - values: counters read by vigil lie between two node_exporter scrapes taken just before and just after
 *     vigil's read (ground truth bracketing the read, so load cannot make it flaky), and values that do
 *     not move (MemTotal, mtu, speed, boot time, filefd max, ...) are equal.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { selectMounts } from '../../../src/sampler/fsusage';
import { parseMountinfo } from '../../../src/sampler/parse/mountinfo';
import { Sampler } from '../../../src/sampler/sampler';
import { Exposition, freePort, guard, hasBinary, parseExposition, ParsedSeries, until } from '../../helpers/prometheus';

const skip = hasBinary('prometheus-node-exporter') ? false : 'prometheus-node-exporter is not installed (apt-get install -y prometheus-node-exporter)';

/**
 * Families vigil serves that node_exporter 1.5 leaves out of its default output here although it has them:
 * the netstat fields outside its default --collector.netstat.fields (AttemptFails, EstabResets).
 */
const NOT_IN_DEFAULT_OUTPUT = new Set(['node_netstat_Tcp_AttemptFails', 'node_netstat_Tcp_EstabResets']);

/** The families of issue 21 (part A): every name and label set node_exporter emits for them must be vigil's too. */
const IN_SCOPE = /^node_(memory_|network_|sockstat_|netstat_|vmstat_|softnet_|filefd_|entropy_|nf_conntrack_|arp_entries$|udp_queues$|intr_total$|context_switches_total$|forks_total$|boot_time_seconds$|disk_|filesystem_)/;

/** node_exporter series vigil does not have, by design: name pattern, which series, and why. */
const EXCUSED: { name: RegExp; why: string; applies: (s: ParsedSeries) => boolean }[] = [
  {
    name: /^node_filesystem_/,
    why: 'vigil statfs-es local data filesystems only, one mount per device (a dead NFS or FUSE mount would hang statfs); node_exporter lists pid 1\'s mounts',
    applies: (s) => !VIGIL_MOUNTS.has(s.labels.mountpoint),
  },
];

/** node_exporter's values that cannot agree with /proc/net/dev's by definition (it reads rtnetlink's struct). */
const NETLINK_DEFINED = new Set([
  // /proc/net/dev: length + over + crc + frame errors; rtnetlink's rx_frame_errors alone.
  'node_network_receive_frame_total',
  // /proc/net/dev: carrier + aborted + window + heartbeat errors; rtnetlink's tx_carrier_errors alone.
  'node_network_transmit_carrier_total',
  // /proc/net/dev: rx_dropped + rx_missed_errors; rtnetlink's rx_dropped alone.
  'node_network_receive_drop_total',
]);

/** Values that do not move on a running machine: equal in both. */
const STEADY = /^node_(memory_(MemTotal|SwapTotal|Hugepagesize|HugePages_Total|VmallocTotal)_?(bytes)?|network_(mtu_bytes|speed_bytes|transmit_queue_length|iface_id|iface_link|flags|protocol_type|address_assign_type|device_id|net_dev_group|info|up)|boot_time_seconds|filefd_maximum|entropy_pool_size_bits|nf_conntrack_entries_limit|netstat_Ip_Forwarding|disk_info|filesystem_(size_bytes|files|readonly|device_error))$/;

/** Counters: node_exporter's before ≤ vigil's ≤ node_exporter's after. Untyped netstat/vmstat fields count too, except gauges. */
const GAUGE_LIKE = /^node_netstat_(Tcp_CurrEstab|Ip_Forwarding)$/;
const MONOTONE_GAUGE = /^node_nf_conntrack_stat_/;

const VIGIL_MOUNTS = new Set(selectMounts(parseMountinfo(fs.readFileSync('/proc/self/mountinfo')), false).map((m) => m.mountPoint));

/**
 * a ≤ b, up to a float's last bit: node_exporter turns ms into seconds as ms × 0.001 and vigil as ms / 1000
 * (1306225 ms: 1306.2250000000001 against 1306.225).
 */
const leq = (a: number, b: number): boolean => a <= b + Math.abs(b) * 1e-12;

const key = (s: ParsedSeries): string => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;

t.test('vigil\'s node_* families match node_exporter\'s names, types, labels and values', { skip }, async (t) => {
  const port = await freePort();
  const ne = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  guard(ne.pid!);
  const exited = new Promise<void>((r) => ne.once('exit', () => r()));
  t.teardown(async () => {
    ne.kill('SIGKILL');
    await exited;
  });
  const scrapeNe = async (): Promise<Exposition> => parseExposition(await until('node_exporter to answer', async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      return r.ok ? r.text() : null;
    } catch {
      return null;
    }
  }, 10_000, 100));
  await scrapeNe();

  // No process or connections tier: node_exporter has no such families, and they would only add load.
  const sampler = new Sampler({ intervalMs: 100, procs: false, connections: false, node: true });
  t.teardown(() => sampler.close());
  // Filesystems arrive on their own async tier: give them a moment. Then let the node tier's second go by,
  // so that the sample() between the two node_exporter scrapes reads every file afresh.
  await until('filesystem usage', () => sampler.sample().sys.fs.length > 0, 15_000, 100);
  await new Promise((r) => setTimeout(r, 1100));
  const before = await scrapeNe();
  const m = new PrometheusMetrics({ host: sampler.host });
  m.update(sampler.sample(), null);
  const ours = parseExposition(await m.metrics());
  const after = await scrapeNe();

  // 1. Every vigil family is a node_exporter family of the same type.
  let compared = 0;
  for (const [name, type] of ours.types) {
    if (!name.startsWith('node_') || NOT_IN_DEFAULT_OUTPUT.has(name)) continue;
    const theirType = before.types.get(name);
    if (theirType === undefined) {
      t.fail(`${name}: node_exporter has no such family here`);
      continue;
    }
    if (type !== theirType) t.fail(`${name}: vigil ${type}, node_exporter ${theirType}`);
    compared++;
  }
  t.ok(compared >= 150, `${compared} families compared by name and type`);

  // 2. Every in-scope series node_exporter emits in both scrapes (a series that came or went between them
  //    is not a steady fact of this machine) is vigil's too, with the same label set.
  const mine = new Map(ours.series.map((s) => [key(s), s]));
  const afterKeys = new Map(after.series.map((s) => [key(s), s]));
  let present = 0;
  let excused = 0;
  let bracketed = 0;
  let steady = 0;
  const missing: string[] = [];
  for (const theirs of before.series) {
    if (!IN_SCOPE.test(theirs.name)) continue;
    const k = key(theirs);
    const later = afterKeys.get(k);
    if (later === undefined) continue;
    const v = mine.get(k);
    if (v === undefined) {
      const why = EXCUSED.find((e) => e.name.test(theirs.name) && e.applies(theirs));
      if (why) excused++;
      else missing.push(k);
      continue;
    }
    present++;
    // 3. Values.
    const type = before.types.get(theirs.name);
    if (STEADY.test(theirs.name)) {
      steady++;
      if (!(theirs.value === later.value && v.value === theirs.value)) t.fail(`${k}: steady value: node_exporter ${theirs.value} then ${later.value}, vigil ${v.value}`);
    } else if (!NETLINK_DEFINED.has(theirs.name) && (type === 'counter' || MONOTONE_GAUGE.test(theirs.name) || (type === 'untyped' && !GAUGE_LIKE.test(theirs.name)))) {
      bracketed++;
      if (!(leq(theirs.value, v.value) && leq(v.value, later.value))) t.fail(`${k}: counter: node_exporter ${theirs.value} before, vigil ${v.value}, node_exporter ${later.value} after`);
    }
  }
  t.same(missing, [], 'no series of node_exporter\'s is missing from vigil');
  t.ok(present >= 250, `${present} node_exporter series found in vigil (${excused} excused, ${steady} steady values equal, ${bracketed} counters bracketed)`);
  t.ok(bracketed >= 100, 'most counters are compared');

  // The families of issue 21 each have series here (a family that vanished from both would pass the above).
  for (const name of ['node_memory_Slab_bytes', 'node_memory_PageTables_bytes', 'node_memory_Committed_AS_bytes', 'node_network_info', 'node_network_mtu_bytes',
    'node_sockstat_TCP_inuse', 'node_netstat_Tcp_InSegs', 'node_vmstat_oom_kill', 'node_softnet_processed_total', 'node_filefd_allocated',
    'node_intr_total', 'node_disk_discards_merged_total', 'node_filesystem_readonly', 'node_udp_queues']) {
    t.ok(ours.series.some((s) => s.name === name), `${name} is served`);
  }

  // Same kernel counters: the values vigil and node_exporter serve for cpu0 are within a second's ticks.
  const cpu0 = (e: Exposition) => e.series.find((s) => s.name === 'node_cpu_seconds_total' && s.labels.cpu === '0' && s.labels.mode === 'user')!.value;
  t.ok(cpu0(before) <= cpu0(ours) + 0.011 && cpu0(ours) <= cpu0(after) + 0.011, `cpu0 user: node_exporter ${cpu0(before)} s, vigil ${cpu0(ours)} s, node_exporter ${cpu0(after)} s`);
});
