import fc from 'fast-check';
import t from 'tap';
import { derive } from '../../src/derive/derive';
import type { ProcTable, Snapshot } from '../../src/model';
import { cpu, disk, HOST, net, proc, sample } from '../helpers/samples';

t.test('CPU: shares of the interval, guest not counted twice', async (t) => {
  const a = sample({ monoMs: 0, total: cpu(100, 50, 1000), cores: [cpu(50, 25, 500), cpu(50, 25, 500)] });
  const b = sample({ monoMs: 1000, total: cpu(160, 70, 1120), cores: [cpu(110, 45, 500), cpu(50, 25, 620)] });
  const s = derive(a, b, HOST);
  // Δuser 60, Δsystem 20, Δidle 120: total 200.
  t.equal(s.cpu.cpu_pct, 40);
  t.equal(s.cpu.user_pct, 30);
  t.equal(s.cpu.system_pct, 10);
  t.equal(s.cpu.idle_pct, 60);
  t.equal(s.cores[0].cpu_pct, 100, 'core 0 fully busy');
  t.equal(s.cores[1].cpu_pct, 0);
  const g1 = sample({ monoMs: 0, total: cpu(100, 0, 100, { guest: 0 }) });
  const g2 = sample({ monoMs: 1000, total: cpu(180, 0, 120, { guest: 50 }) });
  const g = derive(g1, g2, HOST);
  // Δuser 80 includes Δguest 50: total = 80 + 20 = 100, not 150.
  t.equal(g.cpu.cpu_pct, 80);
  t.equal(g.cpu.user_pct, 30);
  t.equal(g.cpu.guest_pct, 50);
});

t.test('CPU: idle going backwards (NO_HZ) saturates at 0; missing columns are null', async (t) => {
  const a = sample({ monoMs: 0, total: cpu(100, 0, 1000, { iowait: 50 }) });
  const b = sample({ monoMs: 100, total: cpu(110, 0, 995, { iowait: 40 }) });
  const s = derive(a, b, HOST);
  t.equal(s.cpu.cpu_pct, 100);
  t.equal(s.cpu.idle_pct, 0);
  t.equal(s.cpu.iowait_pct, 0);
  const four1 = sample({ monoMs: 0, total: cpu(0, 0, 0, { iowait: null, irq: null, softirq: null, steal: null, guest: null, guest_nice: null }) });
  const four2 = sample({ monoMs: 100, total: cpu(5, 0, 5, { iowait: null, irq: null, softirq: null, steal: null, guest: null, guest_nice: null }) });
  const f = derive(four1, four2, HOST);
  t.equal(f.cpu.cpu_pct, 50);
  t.equal(f.cpu.steal_pct, null, 'the kernel has no steal column');
  const idle = derive(a, sample({ monoMs: 100, total: cpu(100, 0, 1000, { iowait: 50 }) }), HOST);
  t.equal(idle.cpu.cpu_pct, null, 'no ticks at all in the interval: no value, not 0/0');
});

t.test('an offline core shows as such', async (t) => {
  const a = sample({ monoMs: 0, cores: [cpu(0, 0, 0), null, cpu(0, 0, 0)] });
  const b = sample({ monoMs: 100, cores: [cpu(5, 0, 5), null, cpu(0, 0, 10)] });
  const s = derive(a, b, HOST);
  t.equal(s.cores.length, 3);
  t.same([s.cores[0].online, s.cores[1].online, s.cores[2].online], [true, false, true]);
  t.equal(s.cores[1].cpu_pct, null);
  t.equal(s.cores[2].cpu, 2);
});

t.test('memory as free(1) shows it', async (t) => {
  const a = sample({ monoMs: 0 });
  const s = derive(a, sample({ monoMs: 100 }), HOST);
  t.equal(s.mem.mem_used_bytes, 400 * 1024, 'total − available');
  t.equal(s.mem.mem_used_pct, 40);
  t.equal(s.mem.mem_cache_bytes, 120 * 1024, 'Cached + SReclaimable');
  t.equal(s.mem.swap_used_bytes, 25 * 1024);
  t.equal(s.mem.swap_used_pct, 25);
  const old = derive(a, sample({ monoMs: 100, mem: 'MemTotal: 1000 kB\nMemFree: 300 kB\nBuffers: 10 kB\nCached: 90 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n' }), HOST);
  t.equal(old.mem.mem_available_bytes, 400 * 1024, 'without MemAvailable: free + buffers + cached');
  t.equal(old.mem.swap_used_pct, null, 'no swap: no percentage');
  const zero = derive(a, sample({ monoMs: 100, mem: 'MemTotal: 0 kB\nMemAvailable: 0 kB\n' }), HOST);
  t.equal(zero.mem.mem_used_pct, null, 'MemTotal 0: no percentage, not NaN');
});

t.test('network: rates, 32-bit wrap, reset, re-created interface', async (t) => {
  const a = sample({ monoMs: 0, net: [net('eth0', 1000, 2000, { rx_packets: 10, tx_packets: 20 })] });
  const b = sample({ monoMs: 500, net: [net('eth0', 1500, 3000, { rx_packets: 15, tx_packets: 30 })] });
  const s = derive(a, b, HOST);
  t.equal(s.net[0].rx_bytes_per_s, 1000);
  t.equal(s.net[0].tx_bytes_per_s, 2000);
  t.equal(s.net[0].rx_packets_per_s, 10);
  const w1 = sample({ monoMs: 0, net: [net('eth0', 4294967000, 0, { rx_packets: 100 })] });
  const w2 = sample({ monoMs: 1000, net: [net('eth0', 704, 0, { rx_packets: 110 })] });
  t.equal(derive(w1, w2, HOST).net[0].rx_bytes_per_s, 1000, 'bytes wrapped at 2^32 while packets rose');
  const r2 = sample({ monoMs: 1000, net: [net('eth0', 704, 0, { rx_packets: 3 })] });
  t.equal(derive(w1, r2, HOST).net[0].rx_bytes_per_s, null, 'bytes and packets both fell: a reset, no rate');
  const idx = sample({ monoMs: 1000, net: [net('eth0', 5000000000, 0, { rx_packets: 500, ifindex: 7 })] });
  t.equal(derive(w1, idx, HOST).net[0].rx_bytes_per_s, null, 'a new ifindex: re-created, no rate even though counters rose');
  t.equal(derive(a, sample({ monoMs: 500, net: [net('new0', 5, 5)] }), HOST).net[0].rx_bytes_per_s, null, 'a new interface has no rate yet');
});

t.test('disks: bytes from 512-byte sectors, utilisation from io_ticks', async (t) => {
  const a = sample({ monoMs: 0, disks: [disk('sda', 0, 0, 0, { reads: 0, writes: 0, read_ms: 0, write_ms: 0 })] });
  const b = sample({ monoMs: 2000, disks: [disk('sda', 2048, 4096, 500, { reads: 10, writes: 30, read_ms: 20, write_ms: 60 })] });
  const d = derive(a, b, HOST).disks[0];
  t.equal(d.read_bytes_per_s, 512 * 1024);
  t.equal(d.write_bytes_per_s, 1024 * 1024);
  t.equal(d.util_pct, 25);
  t.equal(d.read_iops, 5);
  t.equal(d.await_ms, 2);
  const over = derive(a, sample({ monoMs: 1000, disks: [disk('sda', 0, 0, 1100)] }), HOST).disks[0];
  t.equal(over.util_pct, 100, 'capped at 100');
  const readded = derive(a, sample({ monoMs: 1000, disks: [disk('sda', 10, 10, 10, { major: 259 })] }), HOST).disks[0];
  t.equal(readded.read_bytes_per_s, null, 'new major:minor: a different device');
});

t.test('processes: rates over the process tier, pid reuse gives no spike', async (t) => {
  const p1: ProcTable['procs'] = [proc(10, 500, { run_ns: 1e9, wait_ns: 0, minflt: 100 }), proc(11, 600, { run_ns: 0 })];
  const p2: ProcTable['procs'] = [
    proc(10, 500, { run_ns: 1.5e9, wait_ns: 1e8, minflt: 300 }),
    proc(11, 999, { run_ns: 9e12, utime: 1e6 }), // pid 11 reused by a process that has run for hours
  ];
  const a = sample({ monoMs: 0, procs: { monoMs: 0, list: p1 } });
  const b = sample({ monoMs: 1000, procs: { monoMs: 1000, list: p2 } });
  const s = derive(a, b, HOST);
  t.ok(s.procs);
  const [x, y] = s.procs!;
  t.equal(x.cpu_pct, 50, 'Δrun 0.5 s over 1 s');
  t.equal(x.wait_pct, 10);
  t.equal(x.minflt_per_s, 200);
  t.equal(y.cpu_pct, null, 'a new start time is a new process: no rate');
  t.equal(s.procs_interval_ms, 1000);
  t.equal(x.start_ms, (1_700_000_000 + 5) * 1000);
  const same = derive(b, sample({ monoMs: 1100, procs: { monoMs: 1000, list: p2 } }), HOST);
  t.equal(same.procs, null, 'process table not re-read: no process rates this tick');
  const ticks = derive(
    sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(12, 1, { run_ns: null, wait_ns: null, utime: 10, stime: 5 })] } }),
    sample({ monoMs: 1000, procs: { monoMs: 1000, list: [proc(12, 1, { run_ns: null, wait_ns: null, utime: 60, stime: 15 })] } }),
    HOST,
  );
  t.equal(ticks.procs![0].cpu_pct, 60, 'without schedstat: Δ(utime+stime) / CLK_TCK / Δt');
  t.equal(ticks.procs![0].cpu_time_s, 0.75, 'TIME+: (utime + stime) / CLK_TCK since start, 75 ticks at 100 Hz');
  t.equal(y.cpu_time_s, 1e6 / 100, 'TIME+ needs no previous sample (a new process has it at once)');
});

t.test('process slow tier: I/O over its own interval; switches from schedstat timeslices', async (t) => {
  const slow = (ms: number, rb: number) => ({ mono_ns: BigInt(ms * 1e6), rchar: 0, wchar: 0, read_bytes: rb, write_bytes: 0, fds: 7 });
  const a = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(5, 1, { timeslices: 100 })] } });
  const b = sample({ monoMs: 100, procs: { monoMs: 100, list: [proc(5, 1, { timeslices: 104, slow: slow(100, 3000), slow_prev: slow(-900, 1000) })] } });
  const p = derive(a, b, HOST).procs![0];
  t.equal(p.read_bytes_per_s, 2000, 'Δread_bytes over the 1 s between the two io reads');
  t.equal(p.ctxsw_per_s, 40, 'Δtimeslices / Δt');
  t.equal(p.fds, 7);
  const unknown = derive(a, sample({ monoMs: 100, procs: { monoMs: 100, list: [proc(5, 1, { slow: { ...slow(100, 0), read_bytes: null }, slow_prev: slow(-900, 0) })] } }), HOST);
  t.equal(unknown.procs![0].read_bytes_per_s, null, 'io unreadable: unknown, not 0');
});

t.test('an interval under 1 ms gives no rates at all', async (t) => {
  const a = sample({ monoMs: 0, total: cpu(0, 0, 0), ctxt: 0, net: [net('lo', 0, 0)] });
  const b = sample({ monoMs: 0.5, total: cpu(10, 0, 0), ctxt: 100, net: [net('lo', 10, 10)] });
  const s = derive(a, b, HOST);
  t.equal(s.cpu.cpu_pct, null);
  t.equal(s.ctxt_per_s, null);
  t.equal(s.net[0].rx_bytes_per_s, null);
  t.equal(s.interval_ms, 0);
});

/** Every number anywhere in a Snapshot, with its path. */
function numbers(v: unknown, path = '', out: [string, number][] = []): [string, number][] {
  if (typeof v === 'number') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => numbers(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) numbers(x, `${path}.${k}`, out);
  return out;
}

t.test('property: derive never returns NaN, Infinity or a negative number', async (t) => {
  // Counters that go up, down (resets), jump past 2^53 and wrap; intervals from 0 to seconds.
  const counter = fc.oneof(
    fc.nat({ max: 5000 }),
    fc.constantFrom(0, 4294967295, 4294967290, 2 ** 53 - 1),
    fc.bigInt({ min: 0n, max: 18446744073709551615n }),
  );
  const step = fc.record({ dtMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5000, noNaN: true })), a: counter, b: counter, c: counter, d: counter });
  let checked = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 2, maxLength: 8 }), (steps) => {
      let mono = 0;
      let prev = null as ReturnType<typeof sample> | null;
      for (const s of steps) {
        mono += s.dtMs;
        const cur = sample({
          monoMs: mono,
          total: cpu(s.a, s.b, s.c, { iowait: s.d }),
          cores: [cpu(s.b, s.a, s.d), null],
          ctxt: s.c,
          net: [net('eth0', s.a, s.b, { rx_packets: s.c, tx_packets: s.d })],
          disks: [disk('sda', s.a, s.b, s.c, { reads: s.d, writes: s.a, read_ms: s.b, write_ms: s.c })],
          procs: { monoMs: mono, list: [proc(1, 1, { run_ns: s.a, wait_ns: s.b, minflt: s.c, majflt: s.d, utime: s.a, stime: s.b })] },
        });
        if (prev) {
          const snap: Snapshot = derive(prev, cur, HOST);
          for (const [path, v] of numbers(snap)) {
            if (!Number.isFinite(v)) throw new Error(`${path} = ${v}`);
            if (v < 0 && !path.endsWith('.nice')) throw new Error(`${path} = ${v}`);
          }
          checked++;
        }
        prev = cur;
      }
    }),
    { numRuns: 400 },
  );
  t.ok(checked > 400, `checked ${checked} snapshots`);
});
