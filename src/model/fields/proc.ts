/**
 * The process family's field table: every per-process figure, in `vigil export --table procs` column
 * order. The export columns, the process table's columns and sort keys, the window series `proc.*` (the
 * alert metrics), the `vigil_process_*` Prometheus families and docs/fields.md come from these rows.
 *
 * PROC_RAW lists the raw values of the process row a recording keeps (proc_sample): the model's
 * ProcSample fields, the recording's columns and SCHEMA_VERSION come from it. ProcSnap is mapped from
 * PROC_FIELDS, so a figure's type is written once, on its row.
 *
 * Adding a per-process column: a PROC_RAW row (with `since`: the next schema version) for what the
 * sampler reads, a PROC_FIELDS row for what is shown or exported with its formula in derive.ts, the
 * sampler's read (both tiers), and a test.
 */
import type { Counter } from '../counter';
import { counterToNumber } from '../counter';
import type { HostInfo, ProcSample } from '../index';
import { blankValues } from './field';
import type { Field, ProcRawField, PromFamily, ValuesOf } from './field';

/**
 * The raw values of a process's recorded row, in column order. The identity (pid, start_time, comm,
 * cmdline, kthread, uid, user) and the tiers read on their own clocks (slow: /proc/PID/io and fd/; tcp:
 * sock_diag; shim) are ProcSample's other parts, recorded in their own tables.
 */
export const PROC_RAW = [
  { key: 'ppid', type: 'number', kind: 'gauge', source: '/proc/PID/stat ppid' },
  { key: 'pgrp', type: 'number', kind: 'gauge', source: '/proc/PID/stat pgrp' },
  { key: 'state', type: 'string', kind: 'text', source: '/proc/PID/stat state' },
  { key: 'nice', type: 'number', kind: 'gauge', source: '/proc/PID/stat nice' },
  { key: 'priority', type: 'number', kind: 'gauge', source: '/proc/PID/stat priority' },
  { key: 'threads', type: 'number', kind: 'gauge', source: '/proc/PID/stat num_threads' },
  { key: 'processor', type: 'number', kind: 'gauge', source: '/proc/PID/stat processor (the CPU it last ran on)' },
  { key: 'vsize_bytes', type: 'number', kind: 'gauge', source: '/proc/PID/stat vsize' },
  { key: 'rss_bytes', type: 'number', kind: 'gauge', source: '/proc/PID/stat rss × page size' },
  { key: 'minflt', type: 'counter', kind: 'counter', source: '/proc/PID/stat minflt' },
  { key: 'majflt', type: 'counter', kind: 'counter', source: '/proc/PID/stat majflt' },
  // Clock ticks, all threads.
  { key: 'utime', type: 'counter', kind: 'counter', source: '/proc/PID/stat utime' },
  { key: 'stime', type: 'counter', kind: 'counter', source: '/proc/PID/stat stime' },
  // ns, summed over the threads vigil has seen; null without schedstat (no CONFIG_SCHEDSTATS / SCHED_INFO).
  { key: 'run_ns', type: 'counter | null', kind: 'counter', source: '/proc/PID/task/*/schedstat field 1 (time on a CPU)' },
  { key: 'wait_ns', type: 'counter | null', kind: 'counter', source: '/proc/PID/task/*/schedstat field 2 (time on a run queue)' },
  { key: 'timeslices', type: 'counter | null', kind: 'counter', source: '/proc/PID/task/*/schedstat field 3 (switch-ins)' },
  // /proc/PID/status is the dearest file: read when the process is first seen, then every few seconds.
  // Its switch counts are the main thread's only (timeslices counts all threads).
  { key: 'swap_bytes', type: 'number | null', kind: 'gauge', source: '/proc/PID/status VmSwap' },
  { key: 'vol_ctxsw', type: 'counter | null', kind: 'counter', source: '/proc/PID/status voluntary_ctxt_switches' },
  { key: 'invol_ctxsw', type: 'counter | null', kind: 'counter', source: '/proc/PID/status nonvoluntary_ctxt_switches' },
  // Read with the cmdline (new process, exec, every minute); see parseCgroup.
  { key: 'cgroup', type: 'string | null', kind: 'text', source: '/proc/PID/cgroup', since: 2 },
] as const satisfies readonly ProcRawField[];

/** The ProcSample fields of PROC_RAW. */
export type ProcRawValues = ValuesOf<(typeof PROC_RAW)[number]>;

type ProcPromFamily = PromFamily<ProcSample, HostInfo>;
/** ProcSnap is made from these rows, so the key check is against any string key. */
export type ProcField = Field<Record<string, unknown>, ProcSample, HostInfo>;

type Value = Counter | number | null | undefined;
const one = (v: Value): [Record<string, string>, Value][] => [[{}, v]];
const ns = (v: Counter | null | undefined): number | null => (v == null ? null : counterToNumber(v) / 1e9);

/** The shim's bytes per socket class and direction, summed over the call families (send, write, ...). */
function shimBytes(s: ProcSample['shim']): [Record<string, string>, Value][] {
  if (s === null || !s.attached) return [];
  const out: [Record<string, string>, Value][] = [];
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

/** Prometheus families are counters in base units over the raw sample; Prometheus takes the rates. */
const counter = (name: string, help: string, series: ProcPromFamily['series'], extraLabels?: readonly string[]): ProcPromFamily =>
  ({ name, type: 'counter', help, series, ...(extraLabels ? { extraLabels } : {}) });
const gauge = (name: string, help: string, series: ProcPromFamily['series']): ProcPromFamily => ({ name, type: 'gauge', help, series });

export const PROC_FIELDS = [
  {
    key: 'pid', type: 'number', kind: 'label', unit: 'text', source: '/proc', formula: 'the directory name', help: 'process id',
    raw: ['pid'], exported: true,
    pane: { id: 'pid', title: 'PID', width: 7, drop: 0, align: 'right', at: 0, format: 'int' },
  },
  {
    key: 'start_time', type: 'number', kind: 'label', unit: 'text', source: '/proc/PID/stat starttime', formula: 'clock ticks after boot; (pid, start_time) names one process',
    help: 'start time, clock ticks after boot', raw: ['start_time'], exported: true,
  },
  {
    key: 'start_ms', type: 'number | null', kind: 'label', unit: 'ms', source: '/proc/PID/stat starttime, /proc/stat btime', formula: '1000 × (btime + starttime / CLK_TCK)',
    help: 'start time, ms since the epoch', raw: ['start_time'], exported: true,
    prom: [gauge('vigil_process_start_time_seconds', 'Start time, seconds since the epoch (boot time + /proc/PID/stat starttime / USER_HZ).',
      // Tells two processes apart that had the same pid and comm one after the other.
      (p, h) => one(h.boot_time_s === null ? null : h.boot_time_s + p.start_time / h.clk_tck))],
  },
  {
    key: 'ppid', type: 'number', kind: 'label', unit: 'text', source: '/proc/PID/stat ppid', formula: 'as given', help: 'parent process id',
    raw: ['ppid'], exported: true,
  },
  {
    key: 'comm', type: 'string', kind: 'label', unit: 'text', source: '/proc/PID/stat comm', formula: 'between the first ( and the last )', help: 'command name',
    raw: ['comm'], exported: true,
  },
  {
    key: 'cmdline', type: 'string', kind: 'label', unit: 'text', source: '/proc/PID/cmdline', formula: 'arguments joined by spaces', help: 'command line',
    raw: ['cmdline'], exported: true,
    pane: { id: 'command', title: 'COMMAND', width: 0, drop: 0, align: 'left', at: 18, format: 'text' },
  },
  {
    key: 'user', type: 'string | null', kind: 'label', unit: 'text', source: '/proc/PID/status Uid, /etc/passwd', formula: 'the real uid\'s name', help: 'user name',
    raw: ['uid', 'user'], exported: true,
    pane: { id: 'user', title: 'USER', width: 9, drop: 4, align: 'left', at: 1, format: 'text' },
  },
  {
    key: 'uid', type: 'number | null', kind: 'label', unit: 'text', source: '/proc/PID/status Uid', formula: 'the real uid', help: 'user id',
    raw: ['uid'], exported: true,
  },
  {
    key: 'state', type: 'string', kind: 'label', unit: 'text', source: '/proc/PID/stat state', formula: 'as given (R, S, D, Z, T, ...)', help: 'scheduler state',
    raw: ['state'], exported: true,
    // Two cells, so that the sort mark has room beside the title.
    pane: { id: 'state', title: 'S', width: 2, drop: 3, align: 'left', at: 3, format: 'text' },
  },
  {
    key: 'kthread', type: 'boolean', kind: 'label', unit: 'text', source: '/proc/PID/stat flags', formula: 'PF_KTHREAD set', help: 'a kernel thread',
    raw: ['kthread'], exported: true,
  },
  {
    key: 'threads', type: 'number', kind: 'gauge', unit: '', source: '/proc/PID/stat num_threads', formula: 'as given', help: 'threads',
    raw: ['threads'], exported: true,
    pane: { id: 'threads', title: 'THR', width: 4, drop: 10, align: 'right', at: 4, format: 'count' },
    prom: [gauge('vigil_process_threads', 'Threads (/proc/PID/stat num_threads).', (p) => one(p.threads))],
  },
  {
    key: 'nice', type: 'number', kind: 'gauge', unit: '', source: '/proc/PID/stat nice', formula: 'as given', help: 'nice value',
    raw: ['nice'], exported: true,
    pane: { id: 'nice', title: 'NI', width: 3, drop: 8, align: 'right', at: 2, format: 'int' },
  },
  {
    key: 'cpu_pct', type: 'number | null', kind: 'gauge', unit: '%', source: '/proc/PID/task/*/schedstat run_ns (all threads)',
    formula: '100 × Δrun_ns / Δt_ns (100% is one core, as in top); without schedstat 100 × Δ(utime+stime) / CLK_TCK / Δt',
    help: 'CPU, 100% = one core', raw: ['run_ns', 'utime', 'stime'], exported: true, series: true,
    pane: { id: 'cpu', title: 'CPU%', width: 5, drop: 0, align: 'right', at: 5, format: 'pct', level: true },
    // utime and stime (/proc/PID/stat) count from the process's start and include its exited threads;
    // schedstat's run_ns as the sampler keeps it counts only threads it has seen. For a counter read every
    // 15 s, 10 ms ticks are exact enough, so the since-birth value wins.
    prom: [counter('vigil_process_cpu_seconds_total', 'CPU time of the process, all threads: utime or stime ticks / USER_HZ (/proc/PID/stat).',
      (p, h) => [
        [{ mode: 'user' }, counterToNumber(p.utime) / h.clk_tck],
        [{ mode: 'system' }, counterToNumber(p.stime) / h.clk_tck],
      ], ['mode'])],
  },
  {
    key: 'cpu_time_s', type: 'number', kind: 'gauge', unit: 's', source: '/proc/PID/stat utime, stime', formula: '(utime + stime) / CLK_TCK: CPU time since the process started, all threads, exited ones included',
    help: 'CPU time used since the process started', raw: ['utime', 'stime'], exported: false,
    // The sort key is 'time' (htop's T sorts by it).
    pane: { id: 'time', title: 'TIME+', width: 9, drop: 5, align: 'right', at: 8, format: 'time' },
  },
  {
    key: 'wait_pct', type: 'number | null', kind: 'gauge', unit: '%', source: '/proc/PID/task/*/schedstat wait_ns (all threads)',
    formula: '100 × Δrun-queue-wait_ns / Δt_ns: time runnable but not running (can pass 100 with threads)',
    help: 'time runnable but waiting for a CPU', raw: ['wait_ns'], exported: true, series: true,
    pane: { id: 'wait', title: 'WAIT%', width: 5, drop: 9, align: 'right', at: 16, format: 'pct', level: true },
    prom: [counter('vigil_process_run_queue_wait_seconds_total',
      'Time the process\'s threads were runnable but waiting for a CPU (schedstat wait_ns / 1e9, summed over threads since vigil first saw them).',
      (p) => one(ns(p.wait_ns)))],
  },
  {
    key: 'mem_pct', type: 'number | null', kind: 'gauge', unit: '%', source: '/proc/PID/stat rss, /proc/meminfo MemTotal', formula: '100 × rss_bytes / MemTotal',
    help: 'resident memory, share of RAM', raw: ['rss_bytes'], exported: true,
    pane: { id: 'mem', title: 'MEM%', width: 5, drop: 1, align: 'right', at: 6, format: 'pct', level: true },
  },
  {
    key: 'rss_bytes', type: 'number', kind: 'gauge', unit: 'B', source: '/proc/PID/stat rss', formula: 'rss pages × page size',
    help: 'resident set size', raw: ['rss_bytes'], exported: true, series: true,
    pane: { id: 'rss', title: 'RSS', width: 6, drop: 2, align: 'right', at: 7, format: 'bytes' },
    prom: [gauge('vigil_process_resident_memory_bytes', 'Resident set size (/proc/PID/stat rss pages × page size).', (p) => one(p.rss_bytes))],
  },
  {
    key: 'vsize_bytes', type: 'number', kind: 'gauge', unit: 'B', source: '/proc/PID/stat vsize', formula: 'as given',
    help: 'virtual memory size', raw: ['vsize_bytes'], exported: true,
    prom: [gauge('vigil_process_virtual_memory_bytes', 'Virtual memory size (/proc/PID/stat vsize).', (p) => one(p.vsize_bytes))],
  },
  {
    key: 'swap_bytes', type: 'number | null', kind: 'gauge', unit: 'B', source: '/proc/PID/status VmSwap', formula: 'kB × 1024',
    help: 'swapped-out memory', raw: ['swap_bytes'], exported: true,
    prom: [gauge('vigil_process_swap_bytes', 'Swapped-out memory (/proc/PID/status VmSwap).', (p) => one(p.swap_bytes))],
  },
  {
    key: 'read_bytes_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: '/proc/PID/io read_bytes',
    formula: 'Δ / Δt over the io tier\'s own interval; null (unknown, not 0) when io is unreadable',
    help: 'storage bytes read per second (/proc/PID/io)', raw: ['slow.read_bytes'], exported: true, series: true,
    pane: { id: 'read', title: 'READ/s', width: 7, drop: 7, align: 'right', at: 9, format: 'bytes' },
    prom: [counter('vigil_process_storage_read_bytes_total', 'Bytes the process caused to be fetched from storage (/proc/PID/io read_bytes).',
      (p) => one(p.slow?.read_bytes))],
  },
  {
    key: 'write_bytes_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: '/proc/PID/io write_bytes',
    formula: 'Δ / Δt over the io tier\'s own interval; null when io is unreadable',
    help: 'storage bytes written per second', raw: ['slow.write_bytes'], exported: true, series: true,
    pane: { id: 'write', title: 'WRITE/s', width: 7, drop: 7, align: 'right', at: 10, format: 'bytes' },
    prom: [counter('vigil_process_storage_written_bytes_total', 'Bytes the process caused to be sent to storage (/proc/PID/io write_bytes).',
      (p) => one(p.slow?.write_bytes))],
  },
  {
    key: 'rchar_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: '/proc/PID/io rchar', formula: 'Δ / Δt over the io tier\'s own interval',
    help: 'bytes read by read-family calls per second, page-cache hits included', raw: ['slow.rchar'], exported: true,
    prom: [counter('vigil_process_io_read_bytes_total', 'Bytes read through read-family syscalls, page-cache hits included (/proc/PID/io rchar).',
      (p) => one(p.slow?.rchar))],
  },
  {
    key: 'wchar_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: '/proc/PID/io wchar', formula: 'Δ / Δt over the io tier\'s own interval',
    help: 'bytes written by write-family calls per second', raw: ['slow.wchar'], exported: true,
    prom: [counter('vigil_process_io_written_bytes_total', 'Bytes written through write-family syscalls (/proc/PID/io wchar).',
      (p) => one(p.slow?.wchar))],
  },
  {
    key: 'minflt_per_s', type: 'number | null', kind: 'rate', unit: '/s', source: '/proc/PID/stat minflt', formula: 'Δ / Δt',
    help: 'minor page faults per second', raw: ['minflt'], exported: true, series: true,
    pane: { id: 'minflt', title: 'MINFLT/s', width: 8, drop: 14, align: 'right', at: 13, format: 'count' },
    prom: [counter('vigil_process_minor_page_faults_total', 'Page faults served without I/O (/proc/PID/stat minflt).', (p) => one(p.minflt))],
  },
  {
    key: 'majflt_per_s', type: 'number | null', kind: 'rate', unit: '/s', source: '/proc/PID/stat majflt', formula: 'Δ / Δt',
    help: 'major page faults per second', raw: ['majflt'], exported: true, series: true,
    pane: { id: 'majflt', title: 'MAJFLT/s', width: 8, drop: 13, align: 'right', at: 14, format: 'count' },
    prom: [counter('vigil_process_major_page_faults_total', 'Page faults that needed I/O (/proc/PID/stat majflt).', (p) => one(p.majflt))],
  },
  {
    key: 'ctxsw_per_s', type: 'number | null', kind: 'rate', unit: '/s', source: '/proc/PID/task/*/schedstat timeslices (all threads)',
    formula: 'Δ / Δt (equals voluntary + involuntary switches)', help: 'context switches per second, all threads',
    raw: ['timeslices'], exported: true,
    pane: { id: 'ctxsw', title: 'CSW/s', width: 6, drop: 12, align: 'right', at: 15, format: 'count' },
    prom: [counter('vigil_process_context_switches_total',
      'Context switches of all threads (/proc/PID/task/*/schedstat timeslices; status counts the main thread only).', (p) => one(p.timeslices))],
  },
  {
    key: 'fds', type: 'number | null', kind: 'gauge', unit: '', source: '/proc/PID/fd', formula: 'open fds: the directory\'s size on Linux ≥ 6.2, a listing before',
    help: 'open file descriptors', raw: ['slow.fds'], exported: true, series: true,
    pane: { id: 'fds', title: 'FDS', width: 5, drop: 11, align: 'right', at: 17, format: 'count' },
    prom: [gauge('vigil_process_open_fds', 'Open file descriptors (entries of /proc/PID/fd).', (p) => one(p.slow?.fds))],
  },
  // Per-process TCP from the kernel's socket counters (sock_diag): vigil's sums of its sockets' deltas,
  // counted since the process first held a socket while vigil ran (a restart shows as a counter reset).
  {
    key: 'tcp_tx_bytes_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: 'sock_diag tcp_info of the process\'s sockets',
    formula: 'Δ(Σ tcpi_bytes_acked) / Δt over the connections tier\'s interval', help: 'TCP bytes the peers acknowledged per second',
    raw: ['tcp.tx_bytes'], exported: true,
    prom: [counter('vigil_process_tcp_sent_bytes_total', 'TCP bytes the peers acknowledged, over the process\'s sockets (sock_diag tcpi_bytes_acked).',
      (p) => one(p.tcp?.tx_bytes))],
  },
  {
    key: 'tcp_rx_bytes_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: 'sock_diag tcp_info of the process\'s sockets',
    formula: 'Δ(Σ tcpi_bytes_received) / Δt over the connections tier\'s interval', help: 'TCP bytes received per second',
    raw: ['tcp.rx_bytes'], exported: true,
    prom: [counter('vigil_process_tcp_received_bytes_total', 'TCP bytes received, over the process\'s sockets (sock_diag tcpi_bytes_received).',
      (p) => one(p.tcp?.rx_bytes))],
  },
  {
    key: 'tcp_conns', type: 'number | null', kind: 'gauge', unit: '', source: 'sock_diag, /proc/PID/fd', formula: 'the process\'s TCP sockets other than listeners',
    help: 'TCP connections', raw: ['tcp.conns'], exported: true,
    prom: [gauge('vigil_process_tcp_connections', 'TCP sockets of the process other than listeners.', (p) => one(p.tcp?.conns))],
  },
  {
    key: 'tcp_retrans_per_s', type: 'number | null', kind: 'rate', unit: '/s', source: 'sock_diag tcp_info of the process\'s sockets',
    formula: 'Δ(Σ tcpi_total_retrans) / Δt over the connections tier\'s interval', help: 'TCP segments retransmitted per second',
    raw: ['tcp.retrans'], exported: true,
    prom: [counter('vigil_process_tcp_retransmits_total', 'TCP segments retransmitted, over the process\'s sockets (sock_diag tcpi_total_retrans).',
      (p) => one(p.tcp?.retrans))],
  },
  {
    key: 'cgroup', type: 'string | null', kind: 'label', unit: 'text', source: '/proc/PID/cgroup',
    formula: 'the v2 (0::) path; on a hybrid layout where that is /, the name=systemd or first non-root v1 path',
    help: 'the cgroup the process runs in', raw: ['cgroup'], exported: true,
    // On screen, the unit, container or pod the path names (cgroupName); the export keeps the whole path.
    pane: { id: 'cgroup', title: 'CGROUP', width: 16, drop: 14, align: 'left', at: 17.5, format: 'text' },
  },
  // What the NET columns show: the shim's count of every IP socket call when the process runs under it
  // (marked '*' on screen), else the TCP figures above.
  {
    key: 'net_rx_bytes_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: 'the vigil run shim, else sock_diag',
    formula: 'the shim\'s IP socket bytes received / Δt when the process runs under it, else tcp_rx_bytes_per_s',
    help: 'network bytes received per second', raw: ['shim', 'tcp.rx_bytes'], exported: false,
    pane: { id: 'netrx', title: 'NET RX/s', width: 8, drop: 6, align: 'right', at: 11, format: 'bytes' },
    prom: [counter('vigil_process_shim_socket_bytes_total',
      'Bytes moved by socket calls, counted by the vigil run LD_PRELOAD shim (class: tcp, udp, unix, other_inet, other).',
      (p) => shimBytes(p.shim), ['class', 'direction'])],
  },
  {
    key: 'net_tx_bytes_per_s', type: 'number | null', kind: 'rate', unit: 'B/s', source: 'the vigil run shim, else sock_diag',
    formula: 'the shim\'s IP socket bytes sent / Δt when the process runs under it, else tcp_tx_bytes_per_s',
    help: 'network bytes sent per second', raw: ['shim', 'tcp.tx_bytes'], exported: false,
    pane: { id: 'nettx', title: 'NET TX/s', width: 8, drop: 6, align: 'right', at: 12, format: 'bytes' },
  },
] as const satisfies readonly ProcField[];

type Row = (typeof PROC_FIELDS)[number];

/** The process table's column ids ('cpu', 'rss', 'command', ...): its sort keys too. */
export type ProcColumnId = Extract<Row, { pane: unknown }>['pane']['id'];

/** Per-process window series (alert metrics): `proc.<key>`. */
export type ProcSeriesKey = Extract<Row, { series: true }>['key'];

export type ProcExportKey = Extract<Row, { exported: true }>['key'];

/** The ProcSnap fields of PROC_FIELDS. */
export type ProcFigureValues = ValuesOf<Row>;

/**
 * Every PROC_RAW value blank (0, '', null): what synthetic process samples (tests, bench, fixtures) start
 * from, so that a new row needs no edit in them. Spread it first; frozen, so no builder can change it.
 */
export const PROC_RAW_BLANK: Readonly<ProcRawValues> = Object.freeze(blankValues(PROC_RAW));

/** Every PROC_FIELDS figure blank (0, '', false, null): what synthetic ProcSnaps start from. */
export const PROC_FIGURES_BLANK: Readonly<ProcFigureValues> = Object.freeze(blankValues(PROC_FIELDS));
