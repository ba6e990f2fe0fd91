/**
 * Sample ⇄ flat rows. flatten* turn the parts of a Sample into value arrays in the column order of
 * series.ts; build* turn decoded arrays back into the same objects. The round trip is exact (a test
 * compares derive() over both), except that entity order follows first appearance in the file.
 */
import { Counter, fromBig } from '../../model/counter';
import type {
  CpuTimes,
  DiskSample,
  FsSample,
  LoadSample,
  MemSample,
  NetDevSample,
  ProcSample,
  ProcSlow,
  ProcTcp,
  PsiLine,
  PsiResource,
  PsiSample,
  SnmpSample,
  SystemSample,
  VmstatSample,
} from '../../model';
import type { ConnsProcSample, TcpSockSample, TcpState } from '../../model/conns';
import type { Val } from './codec';
import { newRow, pick } from './new-row';
import {
  ABSENT, CPU_FIELDS, DISK_FIELDS, FS_FIELDS, MEM_FIELDS, NET_FIELDS, PROC_FIELDS, PSI_LINES, PSI_RESOURCES, SERIES, SLOW_FIELDS, SNMP_FIELDS,
  SOCK_FIELDS, SOCK_PROC_FIELDS, SYS_COLUMNS, TCP_FIELDS, VMSTAT_FIELDS,
} from './series';

/** One entity's values at one tick: `key` identifies it within its series, `ident` are its identity columns. */
export interface Item {
  key: string;
  ident: Val[];
  vals: Val[];
  /** For a series of another series' entities (SeriesSpec.owner): the owner's entity id. */
  e?: number;
}

/** A process: its row, and the parts kept in their own tables (proc_io, proc_tcp). */
export interface ProcItem extends Item {
  io: Val[];
  tcp: Val[];
}

function pushCpu(out: Val[], c: CpuTimes | null): void {
  for (const f of CPU_FIELDS) out.push(c === null ? null : c[f]);
}

export function flattenSys(s: Omit<SystemSample, 'net' | 'disks' | 'fs'>): Val[] {
  const out = newRow();
  let absent = 0;
  const st = s.stat;
  if (st.total === null) absent |= ABSENT.stat_total;
  pushCpu(out, st.total);
  out.push(st.ctxt, st.processes, st.procs_running, st.procs_blocked, st.btime);
  for (const f of MEM_FIELDS) out.push(s.mem[f]);
  const l = s.load;
  if (l === null) absent |= ABSENT.load;
  out.push(l?.load1 ?? null, l?.load5 ?? null, l?.load15 ?? null, l?.running ?? null, l?.total ?? null);
  PSI_RESOURCES.forEach((r, ri) => {
    const res = s.psi[r];
    if (res === null) absent |= ABSENT.psi(ri, 0);
    PSI_LINES.forEach((ln, li) => {
      const line = res?.[ln] ?? null;
      if (line === null) absent |= ABSENT.psi(ri, (li + 1) as 1 | 2);
      out.push(line?.avg10 ?? null, line?.avg60 ?? null, line?.avg300 ?? null, line?.total ?? null);
    });
  });
  if (s.snmp === null) absent |= ABSENT.snmp;
  for (const f of SNMP_FIELDS) out.push(s.snmp?.[f] ?? null);
  if (s.vmstat === null) absent |= ABSENT.vmstat;
  for (const f of VMSTAT_FIELDS) out.push(s.vmstat?.[f] ?? null);
  out.push(s.uptime_s, absent);
  return out;
}

export function buildSys(v: Val[]): Omit<SystemSample, 'net' | 'disks' | 'fs'> {
  let i = 0;
  const next = (): Val => v[i++];
  const absent = Number(v[SYS_COLUMNS.length - 1] ?? 0);
  const cpu = buildCpu(v, 0);
  i = CPU_FIELDS.length;
  const stat = {
    total: absent & ABSENT.stat_total ? null : cpu,
    cores: [] as (CpuTimes | null)[],
    ctxt: next() as Counter | null,
    processes: next() as Counter | null,
    procs_running: next() as number | null,
    procs_blocked: next() as number | null,
    btime: next() as number | null,
  };
  const mem = {} as MemSample;
  for (const f of MEM_FIELDS) mem[f] = next() as number | null;
  const lv = [next(), next(), next(), next(), next()] as number[];
  const load: LoadSample | null = absent & ABSENT.load ? null : { load1: lv[0], load5: lv[1], load15: lv[2], running: lv[3], total: lv[4] };
  const psi = {} as PsiSample;
  PSI_RESOURCES.forEach((r, ri) => {
    const res: PsiResource = { some: null, full: null };
    PSI_LINES.forEach((ln, li) => {
      const x = [next(), next(), next(), next()];
      if (!(absent & ABSENT.psi(ri, (li + 1) as 1 | 2))) {
        res[ln] = { avg10: x[0] as number, avg60: x[1] as number, avg300: x[2] as number, total: x[3] as Counter } satisfies PsiLine;
      }
    });
    psi[r] = absent & ABSENT.psi(ri, 0) ? null : res;
  });
  const snmp = {} as SnmpSample;
  for (const f of SNMP_FIELDS) (snmp as unknown as Record<string, Val>)[f] = next();
  const vm = {} as VmstatSample;
  for (const f of VMSTAT_FIELDS) vm[f] = next() as Counter | null;
  const uptime = next() as number | null;
  return {
    stat,
    mem,
    load,
    psi,
    snmp: absent & ABSENT.snmp ? null : snmp,
    vmstat: absent & ABSENT.vmstat ? null : vm,
    uptime_s: uptime,
  };
}

export function buildCpu(v: Val[], at = 0): CpuTimes {
  const c = {} as Record<string, Val>;
  CPU_FIELDS.forEach((f, j) => (c[f] = v[at + j]));
  return c as unknown as CpuTimes;
}

export function flattenCores(cores: (CpuTimes | null)[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < cores.length; i++) {
    const c = cores[i];
    if (c === null) continue;
    const vals = newRow();
    pushCpu(vals, c);
    out.push({ key: String(i), ident: [i], vals });
  }
  return out;
}

export function flattenNet(net: NetDevSample[]): Item[] {
  return net.map((n) => ({ key: n.iface, ident: [n.iface, n.ifindex], vals: pick(n, NET_FIELDS) }));
}

export function buildNet(ident: Val[], v: Val[]): NetDevSample {
  const n = { iface: ident[0] as string, ifindex: ident[1] as number | null } as Record<string, unknown>;
  NET_FIELDS.forEach((f, j) => (n[f] = v[j]));
  return n as unknown as NetDevSample;
}

export function flattenDisks(disks: DiskSample[]): Item[] {
  return disks.map((d) => ({ key: d.device, ident: [d.device, d.major, d.minor], vals: pick(d, DISK_FIELDS) }));
}

export function buildDisk(ident: Val[], v: Val[]): DiskSample {
  const d = { device: ident[0] as string, major: ident[1] as number, minor: ident[2] as number } as Record<string, unknown>;
  DISK_FIELDS.forEach((f, j) => (d[f] = v[j]));
  return d as unknown as DiskSample;
}

export function flattenFs(fs: FsSample[]): Item[] {
  return fs.map((f) => ({ key: f.mount, ident: [f.mount, f.source, f.fstype], vals: pick(f, FS_FIELDS) }));
}

export function buildFs(ident: Val[], v: Val[]): FsSample {
  const f = { mount: ident[0] as string, source: ident[1] as string, fstype: ident[2] as string } as Record<string, unknown>;
  FS_FIELDS.forEach((k, j) => (f[k] = v[j]));
  return f as unknown as FsSample;
}

const SLOW_AT = SERIES.procIo.values.findIndex((c) => c.name === 'slow_age_ns');
const PREV_AT = SERIES.procIo.values.findIndex((c) => c.name === 'slow_gap_ns');
const TCP_AT = SERIES.procTcp.values.findIndex((c) => c.name === 'tcp_age_ns');
const TCP_PREV_AT = SERIES.procTcp.values.findIndex((c) => c.name === 'tcp_gap_ns');

/** A monotonic time (bigint ns) as a column value, and back. */
const monoVal = (ns: bigint | null): Val => (ns === null ? null : fromBig(ns));
const valMono = (v: Val): bigint | null => (v === null ? null : BigInt(v as Counter));

/**
 * The proc_tcp values of a process without a connections read: every process that holds no socket
 * shares this one array (only read: the codec rewrites a value only when it is a non-finite number),
 * instead of a row of nulls each kept for as long as the process lives.
 */
const NO_TCP: Val[] = [null, null, ...TCP_FIELDS.map(() => null), null, null, ...TCP_FIELDS.map(() => null)];

/**
 * One process. Slow-tier and connections-tier times go in as absolute monotonic times (the codec's
 * 'ra' stores them as ages against the tick's clocks); their previous reads as a gap and values (stored
 * as deltas against the latest read).
 */
export function flattenProc(p: ProcSample): ProcItem {
  const vals = procVals(p);
  const s = p.slow;
  const sp = s === null ? null : p.slow_prev;
  const io: Val[] = [s === null ? null : s.mono_ns];
  for (const f of SLOW_FIELDS) io.push(s === null ? null : s[f]);
  io.push(sp === null ? null : Number((s as ProcSlow).mono_ns - sp.mono_ns));
  for (const f of SLOW_FIELDS) io.push(sp === null ? null : sp[f]);
  const t = p.tcp;
  const tp = t === null ? null : p.tcp_prev;
  let tcp = NO_TCP;
  if (t !== null) {
    tcp = [t.mono_ns, monoVal(t.since_ns)];
    for (const f of TCP_FIELDS) tcp.push(t[f]);
    tcp.push(tp === null ? null : Number(t.mono_ns - tp.mono_ns), tp === null ? null : monoVal(tp.since_ns));
    for (const f of TCP_FIELDS) tcp.push(tp === null ? null : tp[f]);
  }
  return {
    key: String(p.pid),
    ident: [p.pid, p.start_time, p.comm, p.cmdline, p.cmdline_truncated ? 1 : 0, p.kthread ? 1 : 0, p.uid, p.user],
    vals,
    io,
    tcp,
  };
}

/**
 * The first two connections reads a process was given (the connections clocks of its process ticks:
 * `c1` of the first tick that had one, `c2` of the first later tick with another), or null.
 */
export interface TcpEpoch {
  c1: bigint | null;
  c2: bigint | null;
}

/** Takes one process tick's connections clock (null: no connections read yet) into an epoch. */
export function advanceEpoch(ep: TcpEpoch, connsNs: bigint | null): void {
  if (connsNs === null || ep.c2 !== null) return;
  if (ep.c1 === null) ep.c1 = connsNs;
  else if (connsNs !== ep.c1) ep.c2 = connsNs;
}

/**
 * proc_tcp's values of a process that has held no socket, as the sampler gives them: zero counters as of
 * the first connections read it was given and none before, then as of the second with the first as the
 * previous read, a pair it keeps while it holds no socket (src/sampler/sampler.ts); all null before the
 * tier's first read. A process whose values are these has no proc_tcp row (most processes never hold a
 * socket, and a row each was most of what a short-lived process cost): the reader rebuilds them.
 */
export function noSocketTcpVals(hasConns: boolean, ep: TcpEpoch): Val[] {
  const nulls = TCP_FIELDS.map(() => null);
  if (!hasConns || ep.c1 === null) return [null, null, ...nulls, null, null, ...nulls];
  const zeros = TCP_FIELDS.map(() => 0);
  if (ep.c2 === null) return [ep.c1, null, ...zeros, null, null, ...nulls];
  return [ep.c2, null, ...zeros, Number(ep.c2 - ep.c1), null, ...zeros];
}

export function sameVals(a: Val[], b: Val[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function buildSlow(v: Val[], at: number, mono: bigint): ProcSlow {
  const o = { mono_ns: mono } as Record<string, unknown>;
  SLOW_FIELDS.forEach((f, j) => (o[f] = v[at + 1 + j]));
  return o as unknown as ProcSlow;
}

/** A ProcTcp from its since column at `at` and the values after it. */
function buildTcp(v: Val[], at: number, mono: bigint): ProcTcp {
  const o = { mono_ns: mono, since_ns: valMono(v[at]) } as Record<string, unknown>;
  TCP_FIELDS.forEach((f, j) => (o[f] = v[at + 1 + j]));
  return o as unknown as ProcTcp;
}

/** A process from its row and its proc_io and proc_tcp parts (written with the row, so always there). */
export function buildProc(ident: Val[], v: Val[], io: Val[], t: Val[], shim: ProcSample['shim'] = null): ProcSample {
  const slowNs = io[SLOW_AT] as bigint | null;
  const slow = slowNs === null ? null : buildSlow(io, SLOW_AT, slowNs);
  const slowPrev = slowNs === null || io[PREV_AT] === null ? null : buildSlow(io, PREV_AT, slowNs - BigInt(io[PREV_AT] as number));
  const tcpNs = t[TCP_AT] as bigint | null;
  const tcp = tcpNs === null ? null : buildTcp(t, TCP_AT + 1, tcpNs);
  const tcpPrev = tcpNs === null || t[TCP_PREV_AT] === null ? null : buildTcp(t, TCP_PREV_AT + 1, tcpNs - BigInt(t[TCP_PREV_AT] as number));
  return makeProc(ident, v, slow, slowPrev, tcp, tcpPrev, shim);
}

/*
 * A process's values by name (series.ts PROC_FIELDS), as two functions generated once from that list: an
 * array push of every field and an object literal are what V8 makes fast (a loop over field names does the
 * same work 2 to 6 times slower, in the writer and the reader of every process row). The names are checked
 * to be plain identifiers; a column a file lacks arrives here as null.
 */
const PROC_NAMES = PROC_FIELDS.map(([f]) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(f)) throw new Error(`bad process field name ${f}`);
  return f;
});
// Pushed into a newRow(), not an array literal: a literal's first rows take the kind of their first values
// (small integers), and idle processes keep those rows as their previous values for as long as they live.
const procVals = new Function('newRow', `return (p) => { const r = newRow(); r.push(${PROC_NAMES.map((f) => `p.${f}`).join(', ')}); return r; };`)(
  newRow,
) as (p: ProcSample) => Val[];
const makeProc = new Function(
  'ident', 'v', 'slow', 'slow_prev', 'tcp', 'tcp_prev', 'shim',
  `return {
    pid: Number(ident[0]), start_time: Number(ident[1]), comm: ident[2], cmdline: ident[3], cmdline_truncated: Number(ident[4]) === 1,
    kthread: Number(ident[5]) === 1, uid: ident[6] === null ? null : Number(ident[6]), user: ident[7],
    ${PROC_NAMES.map((f, j) => `${f}: v[${j}]`).join(', ')},
    slow, slow_prev, tcp, tcp_prev, shim, // proc_shim (schema 3), null for a process without the shim
  };`,
) as (
  ident: Val[], v: Val[], slow: ProcSlow | null, slowPrev: ProcSlow | null, tcp: ProcTcp | null, tcpPrev: ProcTcp | null, shim: ProcSample['shim'],
) => ProcSample;

/** A socket's key: its cookie, the kernel's id for it (never reused while the kernel runs). */
export function flattenSocks(socks: TcpSockSample[]): Item[] {
  const out = new Array<Item>(socks.length);
  for (let i = 0; i < socks.length; i++) {
    const k = socks[i];
    const vals = newRow();
    vals.push(k.state);
    for (const f of SOCK_FIELDS) vals.push(k[f]);
    vals.push(k.pids.join(','));
    out[i] = { key: String(k.cookie), ident: [k.cookie, k.family, k.local, k.remote, k.local_port, k.remote_port, k.uid], vals };
  }
  return out;
}

const NO_PIDS: number[] = [];

export function buildSock(ident: Val[], v: Val[]): TcpSockSample {
  const c = ident[0] as Counter;
  // The cookie is a u64, stored as a signed 64-bit integer.
  const cookie = typeof c === 'bigint' || c < 0 ? fromBig(BigInt.asUintN(64, BigInt(c))) : c;
  const o = {
    cookie, inode: 0, uid: Number(ident[6]), family: Number(ident[1]) as 4 | 6, state: v[0] as TcpState,
    local: ident[2] as string, remote: ident[3] as string, local_port: Number(ident[4]), remote_port: Number(ident[5]),
  } as Record<string, unknown>;
  SOCK_FIELDS.forEach((f, j) => (o[f] = v[1 + j]));
  const pids = v[1 + SOCK_FIELDS.length] as string | null;
  o.pids = pids === null || pids === '' ? NO_PIDS : pids.split(',').map(Number);
  return o as unknown as TcpSockSample;
}

export function flattenSockProcs(procs: ConnsProcSample[]): Item[] {
  return procs.map((p) => {
    const vals = pick(p, SOCK_PROC_FIELDS);
    vals.push(monoVal(p.since_ns));
    return { key: String(p.pid), ident: [p.pid, p.comm], vals };
  });
}

export function buildSockProc(ident: Val[], v: Val[]): ConnsProcSample {
  const o = { pid: Number(ident[0]), comm: ident[1] as string } as Record<string, unknown>;
  SOCK_PROC_FIELDS.forEach((f, j) => (o[f] = v[j]));
  o.since_ns = valMono(v[SOCK_PROC_FIELDS.length]);
  return o as unknown as ConnsProcSample;
}
