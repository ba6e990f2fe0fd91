/**
 * proc_shim (schema 3): the counters of the `vigil run` LD_PRELOAD shim, per process, as the shim's file
 * holds them (src/model/shim.ts ShimProcSample) — raw cumulative counters, never rates, so that
 * replay derives the same figures as the live view (src/derive/shim.ts). A process gets rows only while it
 * runs under the shim; a row of all NULLs (`attached` NULL) says its shim file went away while it lived.
 *
 * Columns (README.md, "The recording file"):
 *   attached            1 while the process runs an image with the shim, 0 after it exec'd one without
 *   exited              1 on the final read, taken after the process exited
 *   attaches            images that attached to the file (1 + execs that kept the shim)
 *   CLASS_FN_calls      calls of FN on sockets of CLASS that moved bytes (returned > 0), FN in send,
 *   CLASS_FN_bytes      sendto, sendmsg, sendmmsg, write, writev, sendfile (tx) and recv, recvfrom,
 *                       recvmsg, recvmmsg, read, readv (rx); CLASS in tcp, udp, unix, other_inet, other
 *   CLASS_connects, CLASS_connect_fails       connect() attempts and failures per class
 *   connect_lat_count, connect_lat_sum_ns     TCP connects that completed and their summed latency
 *   connect_lat_hist_I  of those, how many took [2^I, 2^(I+1)) µs, I = 0..23
 *   untracked_calls     calls on fds beyond the shim's fd cache (not attributed)
 *   dest_overflow_{tx,rx}_{bytes,calls}       traffic to peers after the peer table was full
 *   alloc_*             the --alloc heap counters (malloc/calloc/realloc/memalign/free calls, alloc_bytes,
 *                       free_bytes, inherited_bytes); NULL without --alloc
 *   dests               the peer table as text: entries `family addr port inbound tx_bytes tx_calls
 *                       rx_bytes rx_calls` separated by ';' (written only when it changes)
 */
import { Counter, parseCounter } from '../../model/counter';
import { CLASSES, FNS, NHIST } from '../../sampler/shim/layout';
import type { ShimAlloc, ShimDest, ShimProcSample } from '../../model/shim';
import type { Col, Val } from './codec';
import { newRow } from './new-row';

const ALLOC_FIELDS = [
  'malloc_calls', 'calloc_calls', 'realloc_calls', 'memalign_calls', 'free_calls', 'alloc_bytes', 'free_bytes', 'inherited_bytes',
] as const satisfies readonly (keyof ShimAlloc)[];
const OVF_FIELDS = ['tx_bytes', 'tx_calls', 'rx_bytes', 'rx_calls'] as const;

function columns(): Col[] {
  const out: Col[] = [{ name: 'attached', kind: 'g' }, { name: 'exited', kind: 'g' }, { name: 'attaches', kind: 'c' }];
  for (const cls of CLASSES) for (const fn of FNS) out.push({ name: `${cls}_${fn}_calls`, kind: 'c' }, { name: `${cls}_${fn}_bytes`, kind: 'c' });
  for (const cls of CLASSES) out.push({ name: `${cls}_connects`, kind: 'c' }, { name: `${cls}_connect_fails`, kind: 'c' });
  out.push({ name: 'connect_lat_count', kind: 'c' }, { name: 'connect_lat_sum_ns', kind: 'c' });
  for (let i = 0; i < NHIST; i++) out.push({ name: `connect_lat_hist_${i}`, kind: 'c' });
  out.push({ name: 'untracked_calls', kind: 'c' });
  for (const f of OVF_FIELDS) out.push({ name: `dest_overflow_${f}`, kind: 'c' });
  for (const f of ALLOC_FIELDS) out.push({ name: f.startsWith('alloc_') ? f : `alloc_${f}`, kind: 'c' });
  out.push({ name: 'dests', kind: 't' });
  return out;
}

export const SHIM_COLUMNS: readonly Col[] = columns();

/** The values of a process without a shim file (after it had one): every column NULL. */
export const NO_SHIM_VALS: readonly Val[] = SHIM_COLUMNS.map(() => null);

function destsText(ds: readonly ShimDest[]): string {
  return ds
    .map((d) => [d.family, d.addr, d.port, d.inbound ? 1 : 0, d.tx_bytes, d.tx_calls, d.rx_bytes, d.rx_calls].map(String).join(' '))
    .join(';');
}

function parseDests(text: string | null): ShimDest[] {
  if (text === null || text === '') return [];
  const out: ShimDest[] = [];
  for (const part of text.split(';')) {
    const f = part.split(' ');
    const n = f.slice(4).map((x) => parseCounter(x));
    if (f.length !== 8 || n.some((x) => x === null) || (f[0] !== '4' && f[0] !== '6')) throw new Error(`proc_shim.dests: bad entry '${part}'`);
    out.push({
      family: f[0] === '6' ? 6 : 4, addr: f[1], port: Number(f[2]), inbound: f[3] === '1',
      tx_bytes: n[0] as Counter, tx_calls: n[1] as Counter, rx_bytes: n[2] as Counter, rx_calls: n[3] as Counter,
    });
  }
  return out;
}

/** A shim read as proc_shim's values, in SHIM_COLUMNS order. */
export function flattenShim(s: ShimProcSample): Val[] {
  const out = newRow();
  out.push(s.attached ? 1 : 0, s.exited ? 1 : 0, s.attaches);
  for (const cls of CLASSES) for (const fn of FNS) out.push(s.io[cls][fn].calls, s.io[cls][fn].bytes);
  for (const cls of CLASSES) out.push(s.connect[cls].attempts, s.connect[cls].failures);
  out.push(s.connect_latency.count, s.connect_latency.sum_ns);
  for (let i = 0; i < NHIST; i++) out.push(s.connect_latency.hist[i] ?? 0);
  out.push(s.untracked_calls);
  for (const f of OVF_FIELDS) out.push(s.dest_overflow[f]);
  for (const f of ALLOC_FIELDS) out.push(s.alloc === null ? null : s.alloc[f]);
  out.push(destsText(s.dests));
  return out;
}

/** proc_shim's values back into a shim read of process (pid, start_time); null for a row of NULLs. */
export function buildShim(pid: number, startTime: number, v: readonly Val[]): ShimProcSample | null {
  if (v[0] === null) return null;
  let i = 3;
  const next = (): Counter => (v[i++] ?? 0) as Counter;
  const io = {} as ShimProcSample['io'];
  for (const cls of CLASSES) {
    const row = {} as ShimProcSample['io'][typeof cls];
    for (const fn of FNS) row[fn] = { calls: next(), bytes: next() };
    io[cls] = row;
  }
  const connect = {} as ShimProcSample['connect'];
  for (const cls of CLASSES) connect[cls] = { attempts: next(), failures: next() };
  const count = next();
  const sumNs = next();
  const hist: Counter[] = [];
  for (let h = 0; h < NHIST; h++) hist.push(next());
  const untracked = next();
  const ovf = { tx_bytes: next(), tx_calls: next(), rx_bytes: next(), rx_calls: next() };
  let alloc: ShimAlloc | null = null;
  if (v[i] !== null) {
    alloc = {} as ShimAlloc;
    for (const f of ALLOC_FIELDS) alloc[f] = next();
  } else i += ALLOC_FIELDS.length;
  return {
    pid, start_time: startTime, attached: Number(v[0]) === 1, exited: Number(v[1]) === 1, attaches: (v[2] ?? 0) as Counter,
    io, connect, connect_latency: { count, sum_ns: sumNs, hist }, untracked_calls: untracked, dests: parseDests(v[i] as string | null),
    dest_overflow: ovf, alloc,
  };
}
