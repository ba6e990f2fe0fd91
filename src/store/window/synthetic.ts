/**
 * Synthetic Snapshots for tests and benchmarks of code that consumes Snapshots (the window, panes,
 * alerts): a Snapshot with every field "no value", and filled ones shaped like a real machine with
 * values from a seeded generator. Nothing here reads /proc.
 */
import type { CpuPct, DiskSnap, FsSnap, MemSnap, NetSnap, ProcSnap, Snapshot, TcpSnap, UdpSnap } from '../../model';
import { PROC_FIGURES_BLANK } from '../../model/fields/proc';
import type { CgroupSnap } from '../../model/cgroups';

const nullCpu = (): CpuPct => ({
  cpu_pct: null, user_pct: null, nice_pct: null, system_pct: null, idle_pct: null, iowait_pct: null,
  irq_pct: null, softirq_pct: null, steal_pct: null, guest_pct: null,
});

const nullMem = (): MemSnap => ({
  mem_total_bytes: null, mem_used_bytes: null, mem_available_bytes: null, mem_free_bytes: null,
  mem_buffers_bytes: null, mem_cache_bytes: null, mem_shmem_bytes: null, mem_dirty_bytes: null,
  mem_used_pct: null, swap_total_bytes: null, swap_used_bytes: null, swap_used_pct: null,
});

const nullTcp = (): TcpSnap => ({
  retrans_per_s: null, in_segs_per_s: null, out_segs_per_s: null, active_opens_per_s: null,
  passive_opens_per_s: null, attempt_fails_per_s: null, estab_resets_per_s: null, out_rsts_per_s: null,
  in_errs_per_s: null, curr_estab: null,
});

const nullUdp = (): UdpSnap => ({
  in_datagrams_per_s: null, out_datagrams_per_s: null, in_errors_per_s: null, no_ports_per_s: null,
});

/** A Snapshot at (mono_ms, t) covering interval_ms, with every value null and no subjects. */
export function blankSnapshot(mono_ms: number, t: number, interval_ms: number): Snapshot {
  return {
    t, mono_ms, interval_ms, uptime_s: null, cpu: nullCpu(), cores: [], load1: null, load5: null, load15: null,
    procs_running: null, procs_blocked: null, ctxt_per_s: null, forks_per_s: null, mem: nullMem(),
    psi: { cpu: null, memory: null, io: null }, pgfault_per_s: null, pgmajfault_per_s: null,
    pswpin_per_s: null, pswpout_per_s: null, tcp: nullTcp(), udp: nullUdp(), net: [], disks: [], fs: [],
    procs: null, procs_interval_ms: null, conns: null,
  };
}

/** A process row with every rate null; override what the test needs. */
export function blankProc(pid: number, start_time: number, over: Partial<ProcSnap> = {}): ProcSnap {
  return {
    ...PROC_FIGURES_BLANK,
    pid, start_time, start_ms: null, ppid: 1, comm: `p${pid}`, cmdline: `/bin/p${pid}`, user: 'root', cgroup: null, uid: 0,
    state: 'S', kthread: false, threads: 1, nice: 0, cpu_pct: null, cpu_time_s: 0, wait_pct: null, mem_pct: null,
    rss_bytes: 0, vsize_bytes: 0, swap_bytes: null, read_bytes_per_s: null, write_bytes_per_s: null,
    rchar_per_s: null, wchar_per_s: null, minflt_per_s: null, majflt_per_s: null, ctxsw_per_s: null,
    fds: null, tcp_tx_bytes_per_s: null, tcp_rx_bytes_per_s: null, tcp_retrans_per_s: null, tcp_conns: null,
    net_rx_bytes_per_s: null, net_tx_bytes_per_s: null, net_source: null, shim: null, ...over,
  };
}

/** Deterministic PRNG (mulberry32): the same seed gives the same machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MachineShape {
  cores: number;
  ifaces: number;
  disks: number;
  mounts: number;
}

/** A busy-looking Snapshot: every system value set, per-core/interface/disk/mount rows as in `shape`. */
export function syntheticSnapshot(mono_ms: number, t: number, interval_ms: number, shape: MachineShape, rnd: () => number): Snapshot {
  const s = blankSnapshot(mono_ms, t, interval_ms);
  const pct = (): number => rnd() * 100;
  const cpu = (): CpuPct => ({
    cpu_pct: pct(), user_pct: pct(), nice_pct: pct(), system_pct: pct(), idle_pct: pct(), iowait_pct: pct(),
    irq_pct: pct(), softirq_pct: pct(), steal_pct: pct(), guest_pct: pct(),
  });
  s.cpu = cpu();
  s.cores = Array.from({ length: shape.cores }, (_, i) => ({ cpu: i, online: true, ...cpu() }));
  s.load1 = rnd() * 4;
  s.load5 = rnd() * 4;
  s.load15 = rnd() * 4;
  s.procs_running = Math.floor(rnd() * 8);
  s.procs_blocked = Math.floor(rnd() * 2);
  s.ctxt_per_s = rnd() * 1e5;
  s.forks_per_s = rnd() * 10;
  const total = 16 * 2 ** 30;
  const used = rnd() * total;
  s.mem = {
    mem_total_bytes: total, mem_used_bytes: used, mem_available_bytes: total - used, mem_free_bytes: rnd() * total,
    mem_buffers_bytes: rnd() * 1e8, mem_cache_bytes: rnd() * 4e9, mem_shmem_bytes: rnd() * 1e8,
    mem_dirty_bytes: rnd() * 1e7, mem_used_pct: (100 * used) / total, swap_total_bytes: 2 ** 31,
    swap_used_bytes: rnd() * 2 ** 31, swap_used_pct: pct(),
  };
  const psi = () => ({ some_avg10: pct(), some_avg60: pct(), some_avg300: pct(), some_pct: pct(), full_avg10: pct(), full_pct: pct() });
  s.psi = { cpu: psi(), memory: psi(), io: psi() };
  s.pgfault_per_s = rnd() * 1e4;
  s.pgmajfault_per_s = rnd() * 10;
  s.pswpin_per_s = rnd();
  s.pswpout_per_s = rnd();
  s.tcp = {
    retrans_per_s: rnd(), in_segs_per_s: rnd() * 1e4, out_segs_per_s: rnd() * 1e4, active_opens_per_s: rnd() * 10,
    passive_opens_per_s: rnd() * 10, attempt_fails_per_s: rnd(), estab_resets_per_s: rnd(), out_rsts_per_s: rnd(),
    in_errs_per_s: rnd(), curr_estab: Math.floor(rnd() * 100),
  };
  s.udp = { in_datagrams_per_s: rnd() * 100, out_datagrams_per_s: rnd() * 100, in_errors_per_s: rnd(), no_ports_per_s: rnd() };
  s.net = Array.from({ length: shape.ifaces }, (_, i): NetSnap => ({
    iface: `eth${i}`, rx_bytes_per_s: rnd() * 1e8, tx_bytes_per_s: rnd() * 1e8, rx_packets_per_s: rnd() * 1e5,
    tx_packets_per_s: rnd() * 1e5, rx_errs_per_s: rnd(), tx_errs_per_s: rnd(), rx_drop_per_s: rnd(), tx_drop_per_s: rnd(),
  }));
  s.disks = Array.from({ length: shape.disks }, (_, i): DiskSnap => ({
    device: `sd${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`, read_bytes_per_s: rnd() * 1e8,
    write_bytes_per_s: rnd() * 1e8, read_iops: rnd() * 1e3, write_iops: rnd() * 1e3, util_pct: pct(),
    await_ms: rnd() * 10, in_flight: Math.floor(rnd() * 4),
  }));
  s.fs = Array.from({ length: shape.mounts }, (_, i): FsSnap => ({
    mount: i === 0 ? '/' : `/mnt/m${i}`, source: `/dev/sd${i}`, fstype: 'ext4', size_bytes: 1e11,
    used_bytes: rnd() * 1e11, avail_bytes: rnd() * 1e11, used_pct: pct(),
  }));
  return s;
}

/** n process rows with pids first..first+n-1 (start time = pid), values from rnd. */
export function syntheticProcs(first: number, n: number, rnd: () => number): ProcSnap[] {
  const out = new Array<ProcSnap>(n);
  for (let i = 0; i < n; i++) {
    const pid = first + i;
    out[i] = blankProc(pid, pid, {
      cpu_pct: rnd() * 10, wait_pct: rnd(), rss_bytes: Math.floor(rnd() * 1e9), read_bytes_per_s: rnd() * 1e5,
      write_bytes_per_s: rnd() * 1e5, majflt_per_s: rnd(), minflt_per_s: rnd() * 100, fds: Math.floor(rnd() * 100),
    });
  }
  return out;
}

/** Cgroup rows /g0.slice … with every figure set from rnd (a Snapshot's `cgroups`, when a test wants them). */
export function syntheticCgroups(n: number, rnd: () => number): CgroupSnap[] {
  const psi = () => ({ some_avg10: rnd() * 100, some_avg60: rnd() * 100, some_avg300: rnd() * 100, some_pct: rnd() * 100, full_avg10: rnd() * 100, full_pct: rnd() * 100 });
  return Array.from({ length: n }, (_, i): CgroupSnap => ({
    path: `/g${i}.slice`, depth: 1, cpu_pct: rnd() * 100, cpu_user_pct: rnd() * 50, cpu_system_pct: rnd() * 50, cpu_throttled_pct: rnd() * 100,
    cpu_limit_cores: 1, mem_current_bytes: Math.floor(rnd() * 1e9), mem_peak_bytes: 2e9, mem_max_bytes: 4e9, mem_high_bytes: null,
    mem_working_set_bytes: Math.floor(rnd() * 1e9), mem_used_pct_of_limit: rnd() * 100, mem_anon_bytes: null, mem_file_bytes: null,
    mem_kernel_bytes: null, oom_kills: Math.floor(rnd() * 3) + rnd(), io_read_bytes_per_s: rnd() * 1e7, io_write_bytes_per_s: rnd() * 1e7,
    io_read_ops_per_s: rnd() * 100, io_write_ops_per_s: rnd() * 100, pids_current: 5, pids_max: null,
    psi: { cpu: psi(), memory: psi(), io: psi() },
  }));
}
