/**
 * Per-process metrics, vigil's own (node_exporter has none): `vigil_process_*{pid,comm,user,...}` for
 * the bounded set chosen by proc-select.ts. Values are the cumulative counters of the latest process
 * table (a Sample's ProcTable), in base units; Prometheus takes the rates.
 *
 * EXTENSION POINT (issues 7 and 8): a new per-process counter is one more row in PROC_FAMILIES once its
 * field is on ProcSample (e.g. `p.tcp?.rx_bytes` → vigil_process_tcp_received_bytes_total, shim counters
 * → vigil_process_shim_*_total), or, for data kept outside the Sample, PrometheusMetrics.addProcFamily()
 * at run time. Either way the family inherits the pid/comm/user labels and the cardinality bound.
 */
import type { Counter } from '../../counter';
import { counterToNumber } from '../../counter';
import type { HostInfo, ProcSample } from '../../model';
import type { FamilySpec, FamilyType, Labels, Series, SeriesValue } from './family';
import type { ProcRow } from './proc-select';

export const PROC_LABELS = ['pid', 'comm', 'user'] as const;

export interface ProcState {
  rows: readonly ProcRow[];
  host: HostInfo;
}

/** A per-process family: its extra label names and, per process, its series with those extra labels. */
export interface ProcFamilySpec {
  name: string;
  help: string;
  type: FamilyType;
  extraLabels?: readonly string[];
  series(row: ProcRow, host: HostInfo): Iterable<Series>;
}

/** user is the passwd name, else the uid, else empty (Prometheus: an empty label is an absent label). */
export function procLabels(p: ProcSample): Labels {
  return { pid: String(p.pid), comm: p.comm, user: p.user ?? (p.uid === null ? '' : String(p.uid)) };
}

export function toFamily(spec: ProcFamilySpec): FamilySpec<ProcState> {
  return {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    labelNames: [...PROC_LABELS, ...(spec.extraLabels ?? [])],
    *series(st) {
      for (const row of st.rows) {
        const base = procLabels(row.proc);
        for (const [extra, v] of spec.series(row, st.host)) yield [{ ...base, ...extra }, v];
      }
    },
  };
}

const one = (v: SeriesValue): Series[] => [[{}, v]];

/** The shim's bytes per socket class and direction, summed over the call families (send, write, ...). */
function shimBytes(s: ProcSample['shim']): Series[] {
  if (s === null || !s.attached) return [];
  const out: Series[] = [];
  for (const [cls, fns] of Object.entries(s.io)) {
    let tx = 0;
    let rx = 0;
    for (const [fn, io] of Object.entries(fns)) {
      // send, sendto, sendmsg, sendmmsg, sendfile, write, writev send; recv*, read, readv receive.
      if (fn.startsWith('send') || fn.startsWith('write')) tx += counterToNumber(io.bytes);
      else rx += counterToNumber(io.bytes);
    }
    out.push([{ class: cls, direction: 'tx' }, tx], [{ class: cls, direction: 'rx' }, rx]);
  }
  return out;
}
const ns = (v: Counter | null | undefined): number | null => (v == null ? null : counterToNumber(v) / 1e9);

export const PROC_FAMILIES: readonly ProcFamilySpec[] = [
  {
    // utime and stime (/proc/PID/stat) count from the process's start and include its exited threads;
    // schedstat's run_ns as the sampler keeps it counts only threads it has seen. For a counter read every
    // 15 s, 10 ms ticks are exact enough, so the since-birth value wins.
    name: 'vigil_process_cpu_seconds_total', type: 'counter', extraLabels: ['mode'],
    help: 'CPU time of the process, all threads: utime or stime ticks / USER_HZ (/proc/PID/stat).',
    series: ({ proc }, h) => [
      [{ mode: 'user' }, counterToNumber(proc.utime) / h.clk_tck],
      [{ mode: 'system' }, counterToNumber(proc.stime) / h.clk_tck],
    ],
  },
  {
    name: 'vigil_process_run_queue_wait_seconds_total', type: 'counter',
    help: 'Time the process\'s threads were runnable but waiting for a CPU (schedstat wait_ns / 1e9, summed over threads since vigil first saw them).',
    series: ({ proc }) => one(ns(proc.wait_ns)),
  },
  {
    name: 'vigil_process_resident_memory_bytes', type: 'gauge',
    help: 'Resident set size (/proc/PID/stat rss pages × page size).',
    series: ({ proc }) => one(proc.rss_bytes),
  },
  {
    name: 'vigil_process_virtual_memory_bytes', type: 'gauge',
    help: 'Virtual memory size (/proc/PID/stat vsize).',
    series: ({ proc }) => one(proc.vsize_bytes),
  },
  {
    name: 'vigil_process_swap_bytes', type: 'gauge',
    help: 'Swapped-out memory (/proc/PID/status VmSwap).',
    series: ({ proc }) => one(proc.swap_bytes),
  },
  {
    name: 'vigil_process_minor_page_faults_total', type: 'counter',
    help: 'Page faults served without I/O (/proc/PID/stat minflt).',
    series: ({ proc }) => one(proc.minflt),
  },
  {
    name: 'vigil_process_major_page_faults_total', type: 'counter',
    help: 'Page faults that needed I/O (/proc/PID/stat majflt).',
    series: ({ proc }) => one(proc.majflt),
  },
  {
    name: 'vigil_process_context_switches_total', type: 'counter',
    help: 'Context switches of all threads (/proc/PID/task/*/schedstat timeslices; status counts the main thread only).',
    series: ({ proc }) => one(proc.timeslices),
  },
  {
    name: 'vigil_process_io_read_bytes_total', type: 'counter',
    help: 'Bytes read through read-family syscalls, page-cache hits included (/proc/PID/io rchar).',
    series: ({ proc }) => one(proc.slow?.rchar),
  },
  {
    name: 'vigil_process_io_written_bytes_total', type: 'counter',
    help: 'Bytes written through write-family syscalls (/proc/PID/io wchar).',
    series: ({ proc }) => one(proc.slow?.wchar),
  },
  {
    name: 'vigil_process_storage_read_bytes_total', type: 'counter',
    help: 'Bytes the process caused to be fetched from storage (/proc/PID/io read_bytes).',
    series: ({ proc }) => one(proc.slow?.read_bytes),
  },
  {
    name: 'vigil_process_storage_written_bytes_total', type: 'counter',
    help: 'Bytes the process caused to be sent to storage (/proc/PID/io write_bytes).',
    series: ({ proc }) => one(proc.slow?.write_bytes),
  },
  {
    name: 'vigil_process_open_fds', type: 'gauge',
    help: 'Open file descriptors (entries of /proc/PID/fd).',
    series: ({ proc }) => one(proc.slow?.fds),
  },
  // Per-process TCP from the kernel's socket counters (sock_diag): vigil's sums of its sockets' deltas,
  // counted since the process first held a socket while vigil ran (a restart shows as a counter reset).
  {
    name: 'vigil_process_tcp_sent_bytes_total', type: 'counter',
    help: 'TCP bytes the peers acknowledged, over the process\'s sockets (sock_diag tcpi_bytes_acked).',
    series: ({ proc }) => one(proc.tcp?.tx_bytes),
  },
  {
    name: 'vigil_process_tcp_received_bytes_total', type: 'counter',
    help: 'TCP bytes received, over the process\'s sockets (sock_diag tcpi_bytes_received).',
    series: ({ proc }) => one(proc.tcp?.rx_bytes),
  },
  {
    name: 'vigil_process_tcp_retransmits_total', type: 'counter',
    help: 'TCP segments retransmitted, over the process\'s sockets (sock_diag tcpi_total_retrans).',
    series: ({ proc }) => one(proc.tcp?.retrans),
  },
  {
    name: 'vigil_process_tcp_connections', type: 'gauge',
    help: 'TCP sockets of the process other than listeners.',
    series: ({ proc }) => one(proc.tcp?.conns),
  },
  // Processes running under the vigil run shim: every socket call, by socket class and direction.
  {
    name: 'vigil_process_shim_socket_bytes_total', type: 'counter', extraLabels: ['class', 'direction'],
    help: 'Bytes moved by socket calls, counted by the vigil run LD_PRELOAD shim (class: tcp, udp, unix, other_inet, other).',
    series: ({ proc }) => shimBytes(proc.shim),
  },
  {
    name: 'vigil_process_threads', type: 'gauge',
    help: 'Threads (/proc/PID/stat num_threads).',
    series: ({ proc }) => one(proc.threads),
  },
  {
    // Tells two processes apart that had the same pid and comm one after the other.
    name: 'vigil_process_start_time_seconds', type: 'gauge',
    help: 'Start time, seconds since the epoch (boot time + /proc/PID/stat starttime / USER_HZ).',
    series: ({ proc }, h) => one(h.boot_time_s === null ? null : h.boot_time_s + proc.start_time / h.clk_tck),
  },
  // Issue 8 (per-process TCP bytes) and issue 7 (shim counters) add their rows here; see the header.
];
