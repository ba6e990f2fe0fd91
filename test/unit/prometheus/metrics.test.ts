import t from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { cpuTimes, find, HOST, parseExposition, proc, procSnap, sample, snapshot, valueOf } from '../../helpers/prometheus';

async function scrape(m: PrometheusMetrics) {
  return parseExposition(await m.metrics());
}

t.test('system counters are the Sample\'s raw counters in base units, under node_exporter names', async (t) => {
  const host = { ...HOST, clk_tck: 250 }; // not 100: proves USER_HZ comes from the host, not a constant
  const m = new PrometheusMetrics({ host });
  m.update(sample({
    sys: {
      stat: {
        total: null,
        cores: [cpuTimes({ user: 1000, nice: 5, system: 250, idle: 5000, iowait: 25, irq: 1, softirq: 2, steal: 3, guest: 100, guest_nice: 4 }), cpuTimes({ user: 10 })],
        ctxt: 123456, processes: 789, procs_running: 3, procs_blocked: 1, btime: 1_700_000_000,
      },
      mem: {
        total: 8 * 2 ** 30, free: 2 ** 30, available: 4 * 2 ** 30, buffers: 1024, cached: 2048, swap_cached: 0, swap_total: 2 ** 31,
        swap_free: 2 ** 30, shmem: 4096, sreclaimable: 8192, dirty: 12288, writeback: 0,
      },
      load: { load1: 0.5, load5: 1.25, load15: 2, running: 1, total: 100 },
      vmstat: { pgfault: 1e9, pgmajfault: 42, pswpin: 7, pswpout: 8 },
      net: [{ iface: 'eth0', ifindex: 2, rx_bytes: 1000, rx_packets: 10, rx_errs: 1, rx_drop: 2, tx_bytes: 3000, tx_packets: 30, tx_errs: 3, tx_drop: 4 }],
      disks: [{
        device: 'vda', major: 254, minor: 0, reads: 100, reads_merged: 5, read_sectors: 2000, read_ms: 1500, writes: 50,
        writes_merged: 6, write_sectors: 4000, write_ms: 2500, in_flight: 2, io_ms: 3000, weighted_io_ms: 4000,
        discards: null, discard_sectors: null, flushes: 9,
      }],
      fs: [{ mount: '/', source: '/dev/vda', fstype: 'ext4', size_bytes: 1e10, free_bytes: 4e9, avail_bytes: 3.5e9, files: 1000, files_free: 900 }],
      psi: { cpu: { some: { avg10: 0, avg60: 0, avg300: 0, total: 2_500_000 }, full: null }, memory: null, io: { some: { avg10: 0, avg60: 0, avg300: 0, total: 1_000_000 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 500_000 } } },
      snmp: {
        tcp_active_opens: 11, tcp_passive_opens: 12, tcp_attempt_fails: 13, tcp_estab_resets: 14, tcp_curr_estab: 15, tcp_in_segs: 16,
        tcp_out_segs: 17, tcp_retrans_segs: 18, tcp_in_errs: 19, tcp_out_rsts: 20, udp_in_datagrams: 21, udp_out_datagrams: 22,
        udp_in_errors: 23, udp_no_ports: 24,
      },
    },
  }), null);
  const e = await scrape(m);
  // ticks / USER_HZ
  t.equal(valueOf(e, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' }), 1000 / 250);
  t.equal(valueOf(e, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' }), 5000 / 250);
  t.equal(valueOf(e, 'node_cpu_seconds_total', { cpu: '0', mode: 'steal' }), 3 / 250);
  t.equal(valueOf(e, 'node_cpu_seconds_total', { cpu: '1', mode: 'user' }), 10 / 250);
  t.equal(find(e, 'node_cpu_seconds_total').length, 16, '8 modes × 2 cores, no aggregate line');
  t.equal(valueOf(e, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'user' }), 100 / 250);
  t.equal(valueOf(e, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' }), 4 / 250);
  t.equal(e.types.get('node_cpu_seconds_total'), 'counter');
  t.equal(valueOf(e, 'node_context_switches_total'), 123456);
  t.equal(valueOf(e, 'node_forks_total'), 789);
  t.equal(valueOf(e, 'node_procs_running'), 3);
  t.equal(valueOf(e, 'node_boot_time_seconds'), 1_700_000_000);
  t.equal(valueOf(e, 'node_time_seconds'), 1_700_000_100);
  t.equal(valueOf(e, 'node_load5'), 1.25);
  t.equal(e.types.get('node_load5'), 'gauge');
  t.equal(valueOf(e, 'node_memory_MemTotal_bytes'), 8 * 2 ** 30);
  t.equal(valueOf(e, 'node_memory_MemAvailable_bytes'), 4 * 2 ** 30);
  t.equal(valueOf(e, 'node_memory_SReclaimable_bytes'), 8192);
  t.equal(e.types.get('node_memory_MemTotal_bytes'), 'gauge');
  t.equal(valueOf(e, 'node_vmstat_pgmajfault'), 42);
  t.equal(valueOf(e, 'node_vmstat_pgfault'), 1e9);
  t.equal(e.types.get('node_vmstat_pgmajfault'), 'untyped', 'as node_exporter: raw vmstat fields are untyped');
  t.equal(valueOf(e, 'node_netstat_Tcp_RetransSegs'), 18);
  t.equal(valueOf(e, 'node_netstat_Udp_NoPorts'), 24);
  t.equal(valueOf(e, 'node_pressure_cpu_waiting_seconds_total'), 2.5, 'µs / 1e6');
  t.equal(valueOf(e, 'node_pressure_io_stalled_seconds_total'), 0.5);
  t.equal(valueOf(e, 'node_pressure_memory_waiting_seconds_total'), undefined, 'no /proc/pressure/memory: no series');
  t.equal(valueOf(e, 'node_network_receive_bytes_total', { device: 'eth0' }), 1000);
  t.equal(valueOf(e, 'node_network_transmit_drop_total', { device: 'eth0' }), 4);
  t.equal(valueOf(e, 'node_disk_read_bytes_total', { device: 'vda' }), 2000 * 512, 'sectors × 512');
  t.equal(valueOf(e, 'node_disk_written_bytes_total', { device: 'vda' }), 4000 * 512);
  t.equal(valueOf(e, 'node_disk_read_time_seconds_total', { device: 'vda' }), 1.5, 'ms / 1000');
  t.equal(valueOf(e, 'node_disk_io_time_seconds_total', { device: 'vda' }), 3);
  t.equal(valueOf(e, 'node_disk_io_now', { device: 'vda' }), 2);
  t.equal(valueOf(e, 'node_disk_flush_requests_total', { device: 'vda' }), 9);
  t.equal(valueOf(e, 'node_disk_discards_completed_total', { device: 'vda' }), undefined, 'pre-4.18 field: absent, not 0');
  t.equal(valueOf(e, 'node_filesystem_avail_bytes', { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' }), 3.5e9);
  t.equal(valueOf(e, 'node_filesystem_files_free', { mountpoint: '/' }), 900);
  t.equal(valueOf(e, 'node_uname_info', { nodename: 'testhost', sysname: 'Linux' }), 1);
});

t.test('unknown is not zero: null fields, offline cores and missing files give no series', async (t) => {
  const m = new PrometheusMetrics({ host: HOST });
  let e = await scrape(m);
  t.equal(e.series.filter((s) => s.name.startsWith('node_') || s.name.startsWith('vigil_')).length, 0, 'before the first update nothing is made up');
  t.ok(e.types.has('node_cpu_seconds_total'), 'families are still declared');
  const cores = [cpuTimes({ user: 1, iowait: null, irq: null, softirq: null, steal: null, guest: null, guest_nice: null })];
  cores[2] = cpuTimes({ user: 2 }); // core 1 offline: a hole in the array
  m.update(sample({ sys: { stat: { total: null, cores, ctxt: null, processes: null, procs_running: null, procs_blocked: null, btime: null }, load: null }, procs: null }), null);
  e = await scrape(m);
  t.same(find(e, 'node_cpu_seconds_total', { cpu: '0' }).map((s) => s.labels.mode).sort(), ['idle', 'nice', 'system', 'user'], 'a 4-column /proc/stat line');
  t.equal(find(e, 'node_cpu_seconds_total', { cpu: '1' }).length, 0, 'offline core: no series');
  t.equal(find(e, 'node_cpu_seconds_total', { cpu: '2' }).length, 8);
  t.equal(find(e, 'node_cpu_guest_seconds_total', { cpu: '0' }).length, 0);
  for (const n of ['node_load1', 'node_context_switches_total', 'node_procs_running', 'vigil_processes', 'vigil_processes_exported']) {
    t.equal(valueOf(e, n), undefined, `${n} absent`);
  }
  t.equal(valueOf(e, 'node_boot_time_seconds'), HOST.boot_time_s, 'btime missing: the host\'s boot time');
});

t.test('counters above 2^53 and non-finite values', async (t) => {
  const m = new PrometheusMetrics({ host: HOST });
  const big = 18446744073709551615n; // a u64 sentinel as /proc prints it
  m.update(sample({
    sys: {
      net: [{ iface: 'big0', ifindex: 3, rx_bytes: big, rx_packets: 9007199254740993n, rx_errs: 0, rx_drop: 0, tx_bytes: 0, tx_packets: 0, tx_errs: 0, tx_drop: 0 }],
      load: { load1: NaN, load5: Infinity, load15: 1, running: 1, total: 1 },
    },
  }), null);
  const text = await m.metrics();
  const e = parseExposition(text);
  t.equal(valueOf(e, 'node_network_receive_bytes_total', { device: 'big0' }), Number(big), 'a bigint becomes the nearest float, as Prometheus stores it');
  t.equal(valueOf(e, 'node_network_receive_packets_total', { device: 'big0' }), 9007199254740992);
  t.equal(valueOf(e, 'node_load1'), undefined, 'NaN never reaches a scrape');
  t.equal(valueOf(e, 'node_load5'), undefined, 'Infinity never reaches a scrape');
  t.notMatch(text, /\bNa[Nn]\b|Inf\b/);
});

t.test('per-process series: values, labels, and hostile names', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 5 });
  const hostile = 'a) R 1 (b\n"x\\y\x1b]0;t\x07';
  const p1 = proc(101, {
    comm: hostile, user: null, uid: 4242, utime: 250, stime: 50, wait_ns: 1_500_000_000, minflt: 77, majflt: 3, rss_bytes: 1 << 20,
    threads: 4, start_time: 500, timeslices: 12, swap_bytes: 8192, vol_ctxsw: 10, invol_ctxsw: 2, slow: {
      mono_ns: 0n, rchar: 100, wchar: 200, read_bytes: 4096, write_bytes: 8192, fds: 12,
    },
  });
  const p2 = proc(102, { comm: 'worker', user: 'bob', rss_bytes: 2 << 20, slow: null });
  const s = sample({ procs: [p1, p2] });
  m.update(s, snapshot([procSnap(p1, 50), procSnap(p2, 0)]));
  const e = await scrape(m);
  const l1 = { pid: '101', comm: hostile, user: '4242' };
  t.equal(valueOf(e, 'vigil_process_cpu_seconds_total', { ...l1, mode: 'user' }), 2.5, 'utime / USER_HZ; the hostile comm round-trips');
  t.equal(valueOf(e, 'vigil_process_cpu_seconds_total', { ...l1, mode: 'system' }), 0.5);
  t.equal(valueOf(e, 'vigil_process_run_queue_wait_seconds_total', l1), 1.5);
  t.equal(valueOf(e, 'vigil_process_resident_memory_bytes', l1), 1 << 20);
  t.equal(valueOf(e, 'vigil_process_minor_page_faults_total', l1), 77);
  t.equal(valueOf(e, 'vigil_process_major_page_faults_total', l1), 3);
  t.equal(valueOf(e, 'vigil_process_context_switches_total', l1), 12, 'all threads, from schedstat timeslices');
  t.equal(valueOf(e, 'vigil_process_io_read_bytes_total', l1), 100);
  t.equal(valueOf(e, 'vigil_process_storage_written_bytes_total', l1), 8192);
  t.equal(valueOf(e, 'vigil_process_open_fds', l1), 12);
  t.equal(valueOf(e, 'vigil_process_swap_bytes', l1), 8192);
  t.equal(valueOf(e, 'vigil_process_threads', l1), 4);
  t.equal(valueOf(e, 'vigil_process_start_time_seconds', l1), HOST.boot_time_s! + 5);
  const l2 = { pid: '102', comm: 'worker', user: 'bob' };
  t.equal(valueOf(e, 'vigil_process_resident_memory_bytes', l2), 2 << 20, 'in by RSS although idle');
  t.equal(valueOf(e, 'vigil_process_open_fds', l2), undefined, 'slow tier not read yet: absent, not 0');
  t.equal(valueOf(e, 'vigil_process_run_queue_wait_seconds_total', l2), undefined, 'no schedstat: absent');
  t.equal(valueOf(e, 'vigil_processes'), 2);
  t.equal(valueOf(e, 'vigil_processes_exported'), 2);
  t.equal(e.types.get('vigil_process_cpu_seconds_total'), 'counter');
  t.equal(e.types.get('vigil_process_resident_memory_bytes'), 'gauge');
});

t.test('a process whose comm mimics another\'s labels cannot merge into its series', async (t) => {
  // prom-client's own label map keys series by `name:value,`; vigil lists series itself.
  const m = new PrometheusMetrics({ host: HOST, procTop: 0, procMatch: /./ });
  const a = proc(7, { comm: 'x', user: 'u', minflt: 5 });
  const b = proc(8, { comm: 'x,pid:7,user:u', user: 'u', minflt: 1000 });
  m.update(sample({ procs: [a, b] }), null);
  const e = await scrape(m);
  t.equal(valueOf(e, 'vigil_process_minor_page_faults_total', { pid: '7' }), 5);
  t.equal(valueOf(e, 'vigil_process_minor_page_faults_total', { pid: '8' }), 1000);
});

t.test('a scrape serves what update() kept, and update keeps the last process rows', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 1 });
  const busy = proc(1, { rss_bytes: 0 });
  const idle = proc(2, { rss_bytes: 0 });
  const s1 = sample({ procs: [busy, idle] });
  m.update(s1, snapshot([procSnap(busy, 90), procSnap(idle, 0)]));
  const first = await m.metrics();
  // (node_scrape_collector_duration_seconds is the one family about the scrape itself: its values move.)
  const steady = (text: string) => text.replace(/^node_scrape_collector_duration_seconds\{.*\n/gm, '');
  t.equal(steady(await m.metrics()), steady(first), 'two scrapes without an update are identical: nothing is read at scrape time');
  // The system tier ticks on; its Snapshots carry no process rows until the table is re-read.
  m.update(sample({ procs: [busy, idle], t: 1_700_000_200_000 }), snapshot(null));
  let e = parseExposition(await m.metrics());
  t.equal(valueOf(e, 'node_time_seconds'), 1_700_000_200, 'the newer Sample is served');
  t.same(find(e, 'vigil_process_threads').map((s) => s.labels.pid), ['1'], 'CPU ranking kept from the last rows');
  // pid 1 is reused by a new process: the old row's CPU must not rank it.
  const reborn = proc(1, { start_time: 99999, rss_bytes: 0 });
  m.update(sample({ procs: [reborn, idle] }), snapshot(null));
  e = parseExposition(await m.metrics());
  t.same(find(e, 'vigil_process_threads'), [], 'a reused pid does not inherit the old process\'s rank');
});

t.test('extension points: addFamily and addProcFamily', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 1 });
  const active = [{ rule: 'cpu>90', subject: 'host' }, { rule: 'rss>1G', subject: 'java' }];
  m.addFamily({
    name: 'vigil_alert_active', type: 'gauge', labelNames: ['rule', 'subject'], help: 'Active breaches (1 while active).',
    series: () => active.map((a) => [a, 1] as const),
  });
  const tcp = new Map<number, number>([[1, 5000], [2, 7000]]);
  m.addProcFamily({
    name: 'vigil_process_example_bytes_total', type: 'counter', help: 'TCP bytes received.',
    series: ({ proc: p }) => [[{}, tcp.get(p.pid)]],
  });
  const a = proc(1, { rss_bytes: 10 });
  const b = proc(2, { rss_bytes: 5 });
  m.update(sample({ procs: [a, b] }), snapshot([procSnap(a, 0), procSnap(b, 0)]));
  const e = parseExposition(await m.metrics());
  t.equal(valueOf(e, 'vigil_alert_active', { rule: 'rss>1G', subject: 'java' }), 1);
  t.equal(valueOf(e, 'vigil_process_example_bytes_total', { pid: '1', comm: 'p1', user: 'alice' }), 5000);
  t.equal(valueOf(e, 'vigil_process_example_bytes_total', { pid: '2' }), undefined, 'the extension obeys the process bound');
  t.throws(() => m.addFamily({ name: 'vigil_alert_active', type: 'gauge', labelNames: [], help: 'x', series: () => [] }), 'duplicate names are refused');
});

t.test('per-process TCP (sock_diag) and shim counters are served as counters', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 5 });
  const tcp = { mono_ns: 1n, since_ns: null, tx_bytes: 7000, rx_bytes: 9000, retrans: 3, conns: 2 };
  const p = proc(301, { rss_bytes: 1 << 20, tcp, tcp_prev: tcp });
  m.update(sample({ procs: [p] }), snapshot([procSnap(p, 1)]));
  const e = await scrape(m);
  const l = { pid: '301', comm: 'p301', user: 'alice' };
  t.equal(valueOf(e, 'vigil_process_tcp_sent_bytes_total', l), 7000);
  t.equal(valueOf(e, 'vigil_process_tcp_received_bytes_total', l), 9000);
  t.equal(valueOf(e, 'vigil_process_tcp_retransmits_total', l), 3);
  t.equal(valueOf(e, 'vigil_process_tcp_connections', l), 2);
  t.equal(valueOf(e, 'vigil_process_shim_socket_bytes_total', { ...l, class: 'tcp', direction: 'tx' }), undefined, 'no shim: no series');
});
