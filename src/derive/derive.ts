/**
 * derive(prev, curr, host): the one function that turns two Samples into a Snapshot of rates and
 * percentages. Live, record/replay and export all go through it, so every formula on screen is here,
 * next to a comment naming its /proc fields. Every number it returns is finite; "no value" is null
 * (an interval under 1 ms, a field the kernel lacks, a counter that went backwards).
 */
import { Counter, counterDelta, counterDeltaWrap, counterToNumber } from '../model/counter';
import { deriveConns } from './conns';
import { deriveShim } from './shim';
import { deriveCgroups } from './cgroups';
import type { CgroupTable } from '../model/cgroups';
import type {
  CoreSnap,
  CpuPct,
  CpuTimes,
  DiskSample,
  DiskSnap,
  FsSnap,
  HostInfo,
  MemSample,
  MemSnap,
  NetDevSample,
  NetSnap,
  ProcSample,
  ProcSnap,
  ProcTable,
  ProcTcp,
  PsiResource,
  PsiSnap,
  Sample,
  Snapshot,
  TcpSnap,
  UdpSnap,
} from '../model';

/** Intervals shorter than this give no rates: the division would amplify noise (or divide by zero). */
export const MIN_INTERVAL_NS = 1_000_000n;
/** /proc/diskstats counts 512-byte sectors whatever the device's real sector size. */
const SECTOR_BYTES = 512;

/** x if it is a finite number ≥ 0, else null: the gate every derived value passes. */
function ok(x: number): number | null {
  return Number.isFinite(x) && x >= 0 ? x : null;
}

/** Per-second rate of a counter: Δ / Δt. */
function rate(p: Counter | null | undefined, c: Counter | null | undefined, dtS: number): number | null {
  if (p == null || c == null) return null;
  const d = counterDelta(p, c);
  return d === null ? null : ok(d / dtS);
}

/** Δ of a /proc/stat column, saturated at 0: NO_HZ kernels can report idle and iowait going backwards. */
function tickDelta(p: Counter | null, c: Counter | null): number | null {
  if (p === null || c === null) return null;
  return counterDelta(p, c) ?? 0;
}

/**
 * The Snapshot's objects are each made by one function (one object literal, every field present, in the
 * export's order), and each of those is called once at load with nulls, fractions and integers (see prime
 * at the end of this file): a field's representation then starts as "any value" instead of narrowing to
 * integers on an idle machine and widening the day a fraction or a null arrives, which made V8 deprecate
 * the map and throw away (deoptimise) the compiled derive, window push and views, minutes into a run.
 */
function cpuObj(
  cpu_pct: number | null, user_pct: number | null, nice_pct: number | null, system_pct: number | null, idle_pct: number | null,
  iowait_pct: number | null, irq_pct: number | null, softirq_pct: number | null, steal_pct: number | null, guest_pct: number | null,
): CpuPct {
  return { cpu_pct, user_pct, nice_pct, system_pct, idle_pct, iowait_pct, irq_pct, softirq_pct, steal_pct, guest_pct };
}

const NULL_CPU: CpuPct = cpuObj(null, null, null, null, null, null, null, null, null, null);

/** A core's line: its number, whether it is online, its shares (the CpuPct fields, in their order). */
function coreObj(cpu: number, online: boolean, p: CpuPct): CoreSnap {
  return {
    cpu, online, cpu_pct: p.cpu_pct, user_pct: p.user_pct, nice_pct: p.nice_pct, system_pct: p.system_pct, idle_pct: p.idle_pct,
    iowait_pct: p.iowait_pct, irq_pct: p.irq_pct, softirq_pct: p.softirq_pct, steal_pct: p.steal_pct, guest_pct: p.guest_pct,
  };
}

/** 100 × x / total through the finite gate; null stays null. */
function pctOf(x: number | null, total: number): number | null {
  return x === null ? null : ok((100 * x) / total);
}

/**
 * CPU shares of one /proc/stat line over the interval, in % of that line's capacity.
 *   total = Δ(user + nice + system + idle + iowait + irq + softirq + steal)
 * guest and guest_nice are already inside user and nice, so they are not added to total; user_pct and
 * nice_pct exclude them and guest_pct shows them, so that the parts add up to 100.
 *   cpu_pct = 100 × (total − Δidle − Δiowait) / total
 */
export function cpuPct(p: CpuTimes | null, c: CpuTimes | null): CpuPct {
  if (p === null || c === null) return NULL_CPU;
  const user = tickDelta(p.user, c.user) ?? 0;
  const nice = tickDelta(p.nice, c.nice) ?? 0;
  const system = tickDelta(p.system, c.system) ?? 0;
  const idle = tickDelta(p.idle, c.idle) ?? 0;
  const iowait = tickDelta(p.iowait, c.iowait);
  const irq = tickDelta(p.irq, c.irq);
  const softirq = tickDelta(p.softirq, c.softirq);
  const steal = tickDelta(p.steal, c.steal);
  const guest = tickDelta(p.guest, c.guest);
  const guestNice = tickDelta(p.guest_nice, c.guest_nice);
  const total = user + nice + system + idle + (iowait ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  if (total <= 0) return NULL_CPU;
  const g = (guest ?? 0) + (guestNice ?? 0);
  return cpuObj(
    pctOf(Math.max(0, total - idle - (iowait ?? 0)), total),
    pctOf(Math.max(0, user - (guest ?? 0)), total),
    pctOf(Math.max(0, nice - (guestNice ?? 0)), total),
    pctOf(system, total),
    pctOf(idle, total),
    pctOf(iowait, total),
    pctOf(irq, total),
    pctOf(softirq, total),
    pctOf(steal, total),
    guest === null && guestNice === null ? null : pctOf(Math.min(g, user + nice), total),
  );
}

/**
 * Memory as free(1) shows it (procps ≥ 3.3.10):
 *   used = MemTotal − MemAvailable; cache = Cached + SReclaimable; used_pct = used / MemTotal.
 * Kernels before 3.14 have no MemAvailable; there available ≈ MemFree + Buffers + Cached (the old
 * "-/+ buffers/cache" line). MemTotal 0 or missing gives no percentage.
 */
export function memSnap(m: MemSample): MemSnap {
  const total = m.total;
  let available = m.available;
  if (available === null && m.free !== null) available = m.free + (m.buffers ?? 0) + (m.cached ?? 0);
  if (available !== null && total !== null) available = Math.min(available, total);
  const used = total !== null && available !== null ? Math.max(0, total - available) : null;
  const swapUsed = m.swap_total !== null && m.swap_free !== null ? Math.max(0, m.swap_total - m.swap_free) : null;
  return memObj(
    total,
    used,
    available,
    m.free,
    m.buffers,
    m.cached === null ? null : m.cached + (m.sreclaimable ?? 0),
    m.shmem,
    m.dirty,
    used !== null && total ? ok((100 * used) / total) : null,
    m.swap_total,
    swapUsed,
    swapUsed !== null && m.swap_total ? ok((100 * swapUsed) / m.swap_total) : null,
  );
}

function memObj(
  mem_total_bytes: number | null, mem_used_bytes: number | null, mem_available_bytes: number | null, mem_free_bytes: number | null,
  mem_buffers_bytes: number | null, mem_cache_bytes: number | null, mem_shmem_bytes: number | null, mem_dirty_bytes: number | null,
  mem_used_pct: number | null, swap_total_bytes: number | null, swap_used_bytes: number | null, swap_used_pct: number | null,
): MemSnap {
  return {
    mem_total_bytes, mem_used_bytes, mem_available_bytes, mem_free_bytes, mem_buffers_bytes, mem_cache_bytes, mem_shmem_bytes,
    mem_dirty_bytes, mem_used_pct, swap_total_bytes, swap_used_bytes, swap_used_pct,
  };
}

/** PSI: avgN as the kernel gives them; some_pct/full_pct = 100 × Δtotal_µs / Δt_µs over this interval. */
export function psiSnap(p: PsiResource | null, c: PsiResource | null, dtS: number): PsiSnap | null {
  if (c === null) return null;
  return psiObj(
    c.some?.avg10 ?? null,
    c.some?.avg60 ?? null,
    c.some?.avg300 ?? null,
    p ? psiShare(p.some, c.some, dtS) : null,
    c.full?.avg10 ?? null,
    p ? psiShare(p.full, c.full, dtS) : null,
  );
}

function psiObj(
  some_avg10: number | null, some_avg60: number | null, some_avg300: number | null, some_pct: number | null, full_avg10: number | null, full_pct: number | null,
): PsiSnap {
  return { some_avg10, some_avg60, some_avg300, some_pct, full_avg10, full_pct };
}

/** The share of the interval stalled, %: Δtotal_µs per second / 1e4, at most 100. */
function psiShare(pl: PsiResource['some'], cl: PsiResource['some'], dtS: number): number | null {
  const r = rate(pl?.total, cl?.total, dtS); // µs of stall per second
  return r === null ? null : Math.min(100, r / 1e4);
}

/**
 * Per interface, Δ/Δt of /proc/net/dev. A new ifindex, or bytes and packets both falling, is a re-created
 * interface: no rates this interval. One of the pair falling while the other rose is a 32-bit wrap.
 */
function netSnap(p: NetDevSample | undefined, c: NetDevSample, dtS: number): NetSnap {
  if (p === undefined || (p.ifindex !== null && c.ifindex !== null && p.ifindex !== c.ifindex)) {
    return netObj(c.iface, null, null, null, null, null, null, null, null);
  }
  // Bytes and packets of one direction are read as a pair: one falling while the other rose is a wrap.
  const rxBytesRose = counterDelta(p.rx_bytes, c.rx_bytes) !== null;
  const rxPacketsRose = counterDelta(p.rx_packets, c.rx_packets) !== null;
  const txBytesRose = counterDelta(p.tx_bytes, c.tx_bytes) !== null;
  const txPacketsRose = counterDelta(p.tx_packets, c.tx_packets) !== null;
  return netObj(
    c.iface,
    wrapRate(p.rx_bytes, c.rx_bytes, rxPacketsRose, dtS),
    wrapRate(p.tx_bytes, c.tx_bytes, txPacketsRose, dtS),
    wrapRate(p.rx_packets, c.rx_packets, rxBytesRose, dtS),
    wrapRate(p.tx_packets, c.tx_packets, txBytesRose, dtS),
    rate(p.rx_errs, c.rx_errs, dtS),
    rate(p.tx_errs, c.tx_errs, dtS),
    rate(p.rx_drop, c.rx_drop, dtS),
    rate(p.tx_drop, c.tx_drop, dtS),
  );
}

/** Per-second rate of a 32- or 64-bit counter that may have wrapped when its partner rose (counterDeltaWrap). */
function wrapRate(p: Counter, c: Counter, partnerRose: boolean, dtS: number): number | null {
  const d = counterDeltaWrap(p, c, partnerRose);
  return d === null ? null : ok(d / dtS);
}

function netObj(
  iface: string, rx_bytes_per_s: number | null, tx_bytes_per_s: number | null, rx_packets_per_s: number | null, tx_packets_per_s: number | null,
  rx_errs_per_s: number | null, tx_errs_per_s: number | null, rx_drop_per_s: number | null, tx_drop_per_s: number | null,
): NetSnap {
  return { iface, rx_bytes_per_s, tx_bytes_per_s, rx_packets_per_s, tx_packets_per_s, rx_errs_per_s, tx_errs_per_s, rx_drop_per_s, tx_drop_per_s };
}

/**
 * Per disk, from /proc/diskstats:
 *   read/write bytes/s = Δsectors × 512 / Δt;  IOPS = Δcompleted / Δt;
 *   util_pct = 100 × Δio_ticks_ms / Δt_ms (capped at 100; iostat's %util);
 *   await_ms = (Δread_ms + Δwrite_ms) / (Δreads + Δwrites).
 * A device re-added under the same name (new major:minor, or counters falling) gives no values.
 */
function diskSnap(p: DiskSample | undefined, c: DiskSample, dtS: number): DiskSnap {
  if (p === undefined || p.major !== c.major || p.minor !== c.minor) return diskObj(c.device, null, null, null, null, null, null, c.in_flight);
  const rs = rate(p.read_sectors, c.read_sectors, dtS);
  const ws = rate(p.write_sectors, c.write_sectors, dtS);
  const io = counterDelta(p.io_ms, c.io_ms);
  const ios = (counterDelta(p.reads, c.reads) ?? NaN) + (counterDelta(p.writes, c.writes) ?? NaN);
  const ms = (counterDelta(p.read_ms, c.read_ms) ?? NaN) + (counterDelta(p.write_ms, c.write_ms) ?? NaN);
  return diskObj(
    c.device,
    rs === null ? null : rs * SECTOR_BYTES,
    ws === null ? null : ws * SECTOR_BYTES,
    rate(p.reads, c.reads, dtS),
    rate(p.writes, c.writes, dtS),
    io === null ? null : ok(Math.min(100, (100 * io) / (dtS * 1000))),
    ios > 0 ? ok(ms / ios) : null,
    c.in_flight,
  );
}

function diskObj(
  device: string, read_bytes_per_s: number | null, write_bytes_per_s: number | null, read_iops: number | null, write_iops: number | null,
  util_pct: number | null, await_ms: number | null, in_flight: DiskSnap['in_flight'],
): DiskSnap {
  return { device, read_bytes_per_s, write_bytes_per_s, read_iops, write_iops, util_pct, await_ms, in_flight };
}

/** df's arithmetic: used = f_blocks − f_bfree; Use% = used / (used + f_bavail). */
function fsSnap(f: Sample['sys']['fs'][number]): FsSnap {
  const used = Math.max(0, f.size_bytes - f.free_bytes);
  const denom = used + f.avail_bytes;
  return fsObj(f.mount, f.source, f.fstype, f.size_bytes, used, f.avail_bytes, f.size_bytes > 0 && denom > 0 ? ok(Math.min(100, (100 * used) / denom)) : null);
}

function fsObj(mount: string, source: string, fstype: string, size_bytes: number, used_bytes: number, avail_bytes: number, used_pct: number | null): FsSnap {
  return { mount, source, fstype, size_bytes, used_bytes, avail_bytes, used_pct };
}

const RX = (x: ProcTcp): Counter | null => x.rx_bytes;
const TX = (x: ProcTcp): Counter | null => x.tx_bytes;
const RETRANS = (x: ProcTcp): Counter | null => x.retrans;

function perSecond(d: number | null, s: number): number | null {
  return d === null ? null : ok(d / s);
}

/**
 * A process's TCP counter growth between two connections-tier reads. The same counting epoch
 * (`since_ns`): the difference. Counting that started after the earlier read: all of it is new.
 * Otherwise (restarted, or the lifetime baseline of the tier's first read): no value.
 */
function tcpDelta(p: ProcTcp, c: ProcTcp, pick: (t: ProcTcp) => Counter | null): number | null {
  const v = pick(c);
  if (v === null) return null;
  if (p.since_ns === c.since_ns) return counterDelta(pick(p) ?? 0, v);
  if (c.since_ns !== null && c.since_ns >= p.mono_ns) return counterDelta(0, v);
  return null;
}

const procIndex = new WeakMap<ProcTable, Map<number, ProcSample>>();
function indexOf(t: ProcTable): Map<number, ProcSample> {
  let m = procIndex.get(t);
  if (m === undefined) {
    m = new Map();
    for (const p of t.procs) m.set(p.pid, p);
    procIndex.set(t, m);
  }
  return m;
}

/**
 * One process over the process tier's interval. A pid whose start time changed is a new process: no
 * rates (pid reuse never shows as a spike).
 *   cpu_pct  = 100 × Δrun_ns / Δt_ns (schedstat, summed over threads; 100% = one core, like top), or
 *              100 × Δ(utime + stime) / CLK_TCK / Δt_s when schedstat is missing (10 ms resolution);
 *   wait_pct = 100 × Δwait_ns / Δt_ns (time runnable but not running: CPU contention);
 *   mem_pct  = 100 × rss / MemTotal;  faults/s = Δminflt, Δmajflt / Δt;
 *   ctxsw/s  = Δtimeslices / Δt (schedstat's switch-ins, all threads: equal to voluntary + involuntary);
 *   I/O bytes/s: Δ over the slow tier's own interval (slow_prev → slow);
 *   TCP bytes/s = Δ(tcpi_bytes_acked, tcpi_bytes_received sums) over the connections tier's interval.
 */
function procSnap(
  c: ProcSample, p: ProcSample | undefined, dtNs: number, host: HostInfo, memTotal: number | null,
): ProcSnap {
  const same = p !== undefined && p.start_time === c.start_time;
  const dtS = dtNs / 1e9;
  let cpu: number | null = null;
  let wait: number | null = null;
  let minflt: number | null = null;
  let majflt: number | null = null;
  let ctxsw: number | null = null;
  if (same && dtNs > 0) {
    const prev = p as ProcSample;
    if (c.run_ns !== null && prev.run_ns !== null) {
      const d = counterDelta(prev.run_ns, c.run_ns);
      cpu = d === null ? null : ok((100 * d) / dtNs);
      const w = c.wait_ns !== null && prev.wait_ns !== null ? counterDelta(prev.wait_ns, c.wait_ns) : null;
      wait = w === null ? null : ok((100 * w) / dtNs);
    } else {
      const du = counterDelta(prev.utime, c.utime);
      const ds = counterDelta(prev.stime, c.stime);
      cpu = du === null || ds === null ? null : ok((100 * (du + ds)) / host.clk_tck / dtS);
    }
    minflt = rate(prev.minflt, c.minflt, dtS);
    majflt = rate(prev.majflt, c.majflt, dtS);
    ctxsw = rate(prev.timeslices, c.timeslices, dtS);
  }
  // I/O per second over the slow tier's own interval (slow_prev → slow). No closures: this runs for
  // every process on every process tick.
  const s = c.slow;
  const sp = c.slow_prev;
  const slowS = s !== null && sp !== null && s.mono_ns - sp.mono_ns >= MIN_INTERVAL_NS ? Number(s.mono_ns - sp.mono_ns) / 1e9 : NaN;
  const slowOk = s !== null && sp !== null && slowS === slowS;
  // TCP per second over the connections tier's own interval (tcp_prev → tcp), likewise.
  const t = c.tcp;
  const tp = c.tcp_prev;
  const tcpS = t !== null && tp !== null && t.mono_ns - tp.mono_ns >= MIN_INTERVAL_NS ? Number(t.mono_ns - tp.mono_ns) / 1e9 : NaN;
  const tcpOk = t !== null && tp !== null && tcpS === tcpS;
  const tcpRx = tcpOk ? perSecond(tcpDelta(tp!, t!, RX), tcpS) : null;
  const tcpTx = tcpOk ? perSecond(tcpDelta(tp!, t!, TX), tcpS) : null;
  // The shim reads on the process tier: its rates cover the same interval as the CPU figures.
  const shim = c.shim === null ? null : deriveShim(same ? (p as ProcSample).shim : null, c.shim, BigInt(Math.round(dtNs)));
  const viaShim = shim !== null && shim.attached;
  return {
    pid: c.pid,
    start_time: c.start_time,
    start_ms: host.boot_time_s === null ? null : Math.round((host.boot_time_s + c.start_time / host.clk_tck) * 1000),
    ppid: c.ppid,
    comm: c.comm,
    cmdline: c.cmdline,
    user: c.user,
    cgroup: c.cgroup,
    uid: c.uid,
    state: c.state,
    kthread: c.kthread,
    threads: c.threads,
    nice: c.nice,
    cpu_pct: cpu,
    // (utime + stime) / CLK_TCK: /proc/PID/stat's CPU time since start, exited threads included (TIME+).
    cpu_time_s: (counterToNumber(c.utime) + counterToNumber(c.stime)) / host.clk_tck,
    wait_pct: wait,
    mem_pct: memTotal ? ok((100 * c.rss_bytes) / memTotal) : null,
    rss_bytes: c.rss_bytes,
    vsize_bytes: c.vsize_bytes,
    swap_bytes: c.swap_bytes,
    read_bytes_per_s: slowOk ? rate(sp!.read_bytes, s!.read_bytes, slowS) : null,
    write_bytes_per_s: slowOk ? rate(sp!.write_bytes, s!.write_bytes, slowS) : null,
    rchar_per_s: slowOk ? rate(sp!.rchar, s!.rchar, slowS) : null,
    wchar_per_s: slowOk ? rate(sp!.wchar, s!.wchar, slowS) : null,
    minflt_per_s: minflt,
    majflt_per_s: majflt,
    ctxsw_per_s: ctxsw,
    fds: s?.fds ?? null,
    tcp_tx_bytes_per_s: tcpTx,
    tcp_rx_bytes_per_s: tcpRx,
    tcp_retrans_per_s: tcpOk ? perSecond(tcpDelta(tp!, t!, RETRANS), tcpS) : null,
    tcp_conns: t?.conns ?? null,
    net_rx_bytes_per_s: viaShim ? shim.net_rx_bytes_per_s : tcpRx,
    net_tx_bytes_per_s: viaShim ? shim.net_tx_bytes_per_s : tcpTx,
    net_source: viaShim ? 'shim' : t !== null ? 'tcp' : null,
    shim,
  };
}

/** Snapshots of samples the reader found unchanged, by sample (a process that slept through the interval). */
const unmoved = new WeakMap<ProcSample, { memTotal: number | null; snap: ProcSnap }>();

/**
 * What deriveProcs made of a table (as `curr`), for the next call, which has it as `prev`:
 * - `distinct`: the table lists each pid once (proved below), so a pid found by walking it is the one
 *   indexOf would give;
 * - `same[i]`: row i was the very sample of the table before it, and `snaps[i]` its unmoved snapshot.
 */
interface Derived {
  distinct: boolean;
  same: Uint8Array;
  snaps: ProcSnap[];
  memTotal: number | null;
  host: HostInfo;
}
const derivedOf = new WeakMap<ProcTable, Derived>();

/** How far ahead in the previous table a process is looked for before the pid index is built. */
const LOOKAHEAD = 8;

/**
 * Process rates, when the process table was re-read between prev and curr; else null.
 *
 * Both readers list processes in the same order from one table to the next (the order /proc lists
 * them), so a process's previous sample is found by walking the previous table beside this one: no pid
 * index per tick, and for a process that did not run, the snapshot made for it last time, by position.
 * What the walk cannot place (a table out of that order, a pid listed twice) goes through the pid index
 * as before, with the same result.
 */
export function deriveProcs(prev: ProcTable | null, curr: ProcTable | null, host: HostInfo, memTotal: number | null): ProcSnap[] | null {
  if (curr === null || (prev !== null && curr.mono_ns === prev.mono_ns)) return null;
  const dtNs = prev === null ? 0 : Number(curr.mono_ns - prev.mono_ns);
  const valid = dtNs >= Number(MIN_INTERVAL_NS);
  const list = curr.procs;
  const n = list.length;
  const out = new Array<ProcSnap>(n);
  const same = new Uint8Array(n);
  const pd = prev !== null && valid ? derivedOf.get(prev) : undefined;
  // The walk needs a previous table proved to list each pid once; reuse of its snapshots, the same inputs.
  const pl = pd !== undefined && pd.distinct ? (prev as ProcTable).procs : null;
  const reuse = pl !== null && pd!.memTotal === memTotal && pd!.host === host;
  let before: Map<number, ProcSample> | null = null;
  // curr lists each pid once if every row was walked to a row of a distinct prev (rows in increasing
  // order: distinct pids) or is unknown to prev, once. Without a walk, a set of pids proves it.
  let distinct = true;
  const pids = pl === null ? new Set<number>() : null;
  let fresh: Set<number> | null = null;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const c = list[i];
    let p: ProcSample | undefined;
    let at = -1;
    if (pl !== null) {
      // The very sample first (a process that did not run): its pid is the same without reading either
      // object, which at +1000 rows are spread over the heap (a cache miss each).
      if (j < pl.length && pl[j] === c) at = j;
      else {
        for (let k = j; k < pl.length && k < j + LOOKAHEAD; k++) {
          if (pl[k].pid === c.pid) {
            at = k;
            break;
          }
        }
      }
    }
    if (pids !== null) {
      if (pids.has(c.pid)) distinct = false;
      pids.add(c.pid);
    }
    if (at >= 0) {
      p = pl![at];
      j = at + 1;
    } else if (prev !== null && valid) {
      p = (before ??= indexOf(prev)).get(c.pid);
      if (p !== undefined) {
        if (pl !== null) distinct = false; // out of the walk's order, or listed twice: not proved next time
      } else if (pl !== null && distinct) {
        // New: unknown to prev; two new rows of one pid would make curr not distinct.
        fresh ??= new Set();
        if (fresh.has(c.pid)) distinct = false;
        fresh.add(c.pid);
      }
    }
    if (p === c && valid) {
      // The reader handed back the same sample: nothing moved, every rate is 0, the same snapshot holds.
      same[i] = 1;
      if (reuse && at >= 0 && pd!.same[at] === 1) {
        out[i] = pd!.snaps[at];
        continue;
      }
      const hit = unmoved.get(c);
      if (hit !== undefined && hit.memTotal === memTotal) {
        out[i] = hit.snap;
        continue;
      }
      out[i] = procSnap(c, p, dtNs, host, memTotal);
      unmoved.set(c, { memTotal, snap: out[i] });
      continue;
    }
    out[i] = procSnap(c, p, valid ? dtNs : 0, host, memTotal);
  }
  derivedOf.set(curr, { distinct, same, snaps: out, memTotal, host });
  return out;
}

type Snmp = NonNullable<Sample['sys']['snmp']>;

/** Rates of /proc/net/snmp counters when both reads have the table (named reads: no closure, no keyed read per tick). */
function tcpSnap(p: Snmp | null, c: Snmp | null, dtS: number): TcpSnap {
  if (!p || !c) return tcpObj(null, null, null, null, null, null, null, null, null, c?.tcp_curr_estab ?? null);
  return tcpObj(
    rate(p.tcp_retrans_segs, c.tcp_retrans_segs, dtS),
    rate(p.tcp_in_segs, c.tcp_in_segs, dtS),
    rate(p.tcp_out_segs, c.tcp_out_segs, dtS),
    rate(p.tcp_active_opens, c.tcp_active_opens, dtS),
    rate(p.tcp_passive_opens, c.tcp_passive_opens, dtS),
    rate(p.tcp_attempt_fails, c.tcp_attempt_fails, dtS),
    rate(p.tcp_estab_resets, c.tcp_estab_resets, dtS),
    rate(p.tcp_out_rsts, c.tcp_out_rsts, dtS),
    rate(p.tcp_in_errs, c.tcp_in_errs, dtS),
    c.tcp_curr_estab ?? null,
  );
}

function tcpObj(
  retrans_per_s: number | null, in_segs_per_s: number | null, out_segs_per_s: number | null, active_opens_per_s: number | null,
  passive_opens_per_s: number | null, attempt_fails_per_s: number | null, estab_resets_per_s: number | null, out_rsts_per_s: number | null,
  in_errs_per_s: number | null, curr_estab: number | null,
): TcpSnap {
  return {
    retrans_per_s, in_segs_per_s, out_segs_per_s, active_opens_per_s, passive_opens_per_s, attempt_fails_per_s, estab_resets_per_s,
    out_rsts_per_s, in_errs_per_s, curr_estab,
  };
}

function udpSnap(p: Snmp | null, c: Snmp | null, dtS: number): UdpSnap {
  if (!p || !c) return udpObj(null, null, null, null);
  return udpObj(
    rate(p.udp_in_datagrams, c.udp_in_datagrams, dtS),
    rate(p.udp_out_datagrams, c.udp_out_datagrams, dtS),
    rate(p.udp_in_errors, c.udp_in_errors, dtS),
    rate(p.udp_no_ports, c.udp_no_ports, dtS),
  );
}

function udpObj(in_datagrams_per_s: number | null, out_datagrams_per_s: number | null, in_errors_per_s: number | null, no_ports_per_s: number | null): UdpSnap {
  return { in_datagrams_per_s, out_datagrams_per_s, in_errors_per_s, no_ports_per_s };
}

/** The cgroup part of a Snapshot: rows and their interval when the tier read again, else null. */
function cgroupPart(snap: Snapshot, prev: CgroupTable | null, curr: CgroupTable | null): void {
  if (curr === null || prev === curr) {
    snap.cgroups = null;
    snap.cgroups_interval_ms = null;
    return;
  }
  snap.cgroups = deriveCgroups(prev, curr);
  snap.cgroups_interval_ms = prev === null ? null : Number(curr.mono_ns - prev.mono_ns) / 1e6;
}

/**
 * The per-subject families of a Snapshot, each of which derive can leave empty ([] or null) for a consumer
 * that reads none of it: `vigil record`'s alert rules read a few series (see rulesParts), and a derive of
 * every interface, disk and connection per tick for them was most of record's derive.
 */
export interface DeriveParts {
  cores: boolean;
  net: boolean;
  disks: boolean;
  fs: boolean;
  procs: boolean;
  conns: boolean;
}

export const ALL_PARTS: Readonly<DeriveParts> = Object.freeze({ cores: true, net: true, disks: true, fs: true, procs: true, conns: true });

export function derive(prev: Sample, curr: Sample, host: HostInfo, parts: Readonly<DeriveParts> = ALL_PARTS): Snapshot {
  const dtNs = curr.mono_ns - prev.mono_ns;
  const valid = dtNs >= MIN_INTERVAL_NS;
  // An invalid interval yields dtS = NaN: every rate below then fails the finite gate and is null.
  const dtS = valid ? Number(dtNs) / 1e9 : NaN;
  const ps = prev.sys;
  const cs = curr.sys;
  const ncores = parts.cores ? Math.max(cs.stat.cores.length, host.ncpu) : 0;
  const cores: CoreSnap[] = new Array(ncores);
  for (let i = 0; i < ncores; i++) {
    const pc = ps.stat.cores[i] ?? null;
    const cc = cs.stat.cores[i] ?? null;
    cores[i] = coreObj(i, cc !== null, valid ? cpuPct(pc, cc) : NULL_CPU);
  }
  const mem = memSnap(cs.mem);
  const procs = parts.procs ? deriveProcs(prev.procs, curr.procs, host, cs.mem.total) : null;
  const snap = snapObj(
    curr.t,
    Number(curr.mono_ns) / 1e6,
    valid ? Number(dtNs) / 1e6 : 0,
    cs.uptime_s,
    valid ? cpuPct(ps.stat.total, cs.stat.total) : NULL_CPU,
    cores,
    cs.load?.load1 ?? null,
    cs.load?.load5 ?? null,
    cs.load?.load15 ?? null,
    cs.stat.procs_running,
    cs.stat.procs_blocked,
    rate(ps.stat.ctxt, cs.stat.ctxt, dtS),
    rate(ps.stat.processes, cs.stat.processes, dtS),
    mem,
    {
      cpu: psiSnap(ps.psi.cpu, cs.psi.cpu, dtS),
      memory: psiSnap(ps.psi.memory, cs.psi.memory, dtS),
      io: psiSnap(ps.psi.io, cs.psi.io, dtS),
    },
    rate(ps.vmstat?.pgfault, cs.vmstat?.pgfault, dtS),
    rate(ps.vmstat?.pgmajfault, cs.vmstat?.pgmajfault, dtS),
    rate(ps.vmstat?.pswpin, cs.vmstat?.pswpin, dtS),
    rate(ps.vmstat?.pswpout, cs.vmstat?.pswpout, dtS),
    tcpSnap(ps.snmp, cs.snmp, dtS),
    udpSnap(ps.snmp, cs.snmp, dtS),
    parts.net ? netSnaps(ps.net, cs.net, dtS) : [],
    parts.disks ? diskSnaps(ps.disks, cs.disks, dtS) : [],
    parts.fs ? cs.fs.map(fsSnap) : [],
    procs,
    procs !== null && prev.procs !== null && curr.procs !== null ? Number(curr.procs.mono_ns - prev.procs.mono_ns) / 1e6 : null,
    // Connections, like processes, only on the ticks where their tier read again.
    parts.conns && curr.conns !== null && prev.conns !== curr.conns ? deriveConns(prev.conns, curr.conns) : null,
  );
  // Cgroups too (cheap: only on the tier's ticks); the keys are there only when the tier runs, so outputs
  // without it are unchanged. Added after the literal, not spread into it: the same two shapes every tick.
  if (curr.cgroups !== undefined) cgroupPart(snap, prev.cgroups ?? null, curr.cgroups);
  return snap;
}

/**
 * Lists this short are searched (from the end: the last of a name, as a Map built from the list would
 * give) rather than indexed: a Map and a pair per entry, every tick, for a handful of interfaces or disks.
 */
const SCAN_MAX = 16;

function netSnaps(prev: NetDevSample[], curr: NetDevSample[], dtS: number): NetSnap[] {
  return pairSnaps(prev, curr, netKey, netSnap, dtS);
}

function diskSnaps(prev: DiskSample[], curr: DiskSample[], dtS: number): DiskSnap[] {
  return pairSnaps(prev, curr, diskKey, diskSnap, dtS);
}

const netKey = (n: NetDevSample): string => n.iface;
const diskKey = (d: DiskSample): string => d.device;

/** Each current entry with the previous one of its name (the last of that name, as a Map would give). */
function pairSnaps<S, O>(prev: S[], curr: S[], key: (s: S) => string, snap: (p: S | undefined, c: S, dtS: number) => O, dtS: number): O[] {
  const index = prev.length > SCAN_MAX ? new Map(prev.map((x) => [key(x), x])) : null;
  const out: O[] = [];
  for (let i = 0; i < curr.length; i++) {
    const c = curr[i];
    const name = key(c);
    let p: S | undefined;
    if (index !== null) p = index.get(name);
    else for (let j = prev.length - 1; j >= 0 && p === undefined; j--) if (key(prev[j]) === name) p = prev[j];
    out.push(snap(p, c, dtS));
  }
  return out;
}

/** The Snapshot's literal (its fields in the export's order), shared with primeShapes. */
function snapObj(
  t: number, mono_ms: number, interval_ms: number, uptime_s: Snapshot['uptime_s'], cpu: CpuPct, cores: CoreSnap[],
  load1: number | null, load5: number | null, load15: number | null, procs_running: Snapshot['procs_running'], procs_blocked: Snapshot['procs_blocked'],
  ctxt_per_s: number | null, forks_per_s: number | null, mem: MemSnap, psi: Snapshot['psi'],
  pgfault_per_s: number | null, pgmajfault_per_s: number | null, pswpin_per_s: number | null, pswpout_per_s: number | null,
  tcp: TcpSnap, udp: UdpSnap, net: NetSnap[], disks: DiskSnap[], fs: FsSnap[], procs: ProcSnap[] | null, procs_interval_ms: number | null,
  conns: Snapshot['conns'],
): Snapshot {
  return {
    t, mono_ms, interval_ms, uptime_s, cpu, cores, load1, load5, load15, procs_running, procs_blocked, ctxt_per_s, forks_per_s, mem, psi,
    pgfault_per_s, pgmajfault_per_s, pswpin_per_s, pswpout_per_s, tcp, udp, net, disks, fs, procs, procs_interval_ms, conns,
  };
}

/**
 * Gives each field of the Snapshot's objects a null, a fraction and an integer, once, at load (see
 * cpuObj): their representation is "any value" before any code that reads them is compiled.
 */
function primeShapes(): void {
  const vs = [null, 0.5, 1, 2 ** 40 + 0.5];
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    const n = v ?? 0;
    coreObj(i, true, cpuObj(v, v, v, v, v, v, v, v, v, v));
    memObj(v, v, v, v, v, v, v, v, v, v, v, v);
    psiObj(v, v, v, v, v, v);
    netObj('', v, v, v, v, v, v, v, v);
    diskObj('', v, v, v, v, v, v, n);
    fsObj('', '', '', n, n, n, v);
    tcpObj(v, v, v, v, v, v, v, v, v, v);
    udpObj(v, v, v, v);
    const u = v as number;
    primedProc(v);
    const snap = snapObj(n, n, n, v as number, NULL_CPU, [], v, v, v, u, u, v, v, memObj(v, v, v, v, v, v, v, v, v, v, v, v), { cpu: null, memory: null, io: null }, v, v, v, v, tcpObj(v, v, v, v, v, v, v, v, v, v), udpObj(v, v, v, v), [], [], [], null, v, null);
    // The keys cgroupPart adds, when the cgroup tier runs.
    snap.cgroups = null;
    snap.cgroups_interval_ms = v;
  }
}
primeShapes();

/**
 * A ProcSnap-shaped object with every field v, in procSnap's order (a test holds the two orders equal):
 * primeShapes gives the process rows' map its "any value" fields with it, while procSnap's literal, its
 * fields computed in place, stays as it is.
 */
export function primedProc(v: unknown): Record<string, unknown> {
  return { pid: v, start_time: v, start_ms: v, ppid: v, comm: v, cmdline: v, user: v, cgroup: v, uid: v, state: v, kthread: v, threads: v, nice: v, cpu_pct: v, cpu_time_s: v, wait_pct: v, mem_pct: v, rss_bytes: v, vsize_bytes: v, swap_bytes: v, read_bytes_per_s: v, write_bytes_per_s: v, rchar_per_s: v, wchar_per_s: v, minflt_per_s: v, majflt_per_s: v, ctxsw_per_s: v, fds: v, tcp_tx_bytes_per_s: v, tcp_rx_bytes_per_s: v, tcp_retrans_per_s: v, tcp_conns: v, net_rx_bytes_per_s: v, net_tx_bytes_per_s: v, net_source: v, shim: v };
}
