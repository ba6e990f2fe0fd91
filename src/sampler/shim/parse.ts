/**
 * Pure parsing of one shim file (bytes in, counters or a reason out). Every size, offset and count comes
 * from layout.ts; the file only supplies values, each of which is checked before it is believed.
 */
import { Counter, fromBig } from '../../model/counter';
import {
  AF_INET,
  AF_INET6,
  C,
  CLASSES,
  connectAttempts,
  connectFailures,
  COUNTERS_OFF,
  DEST,
  DEST_INBOUND,
  DEST_OFF,
  DEST_SIZE,
  DEST_STATE_READY,
  FLAG_ALLOC,
  FNS,
  HDR,
  ioBytes,
  ioCalls,
  NCOUNTERS,
  NDEST,
  NHIST,
  SHM_MAGIC_HI,
  SHM_MAGIC_LO,
  SHM_SIZE,
  SHM_VERSION,
} from './layout';
import type { ShimAlloc, ShimClass, ShimDest, ShimFn, ShimIo, ShimProcSample } from '../../model/shim';

const TWO_32 = 4294967296;
/** hi below 2^21 keeps hi·2^32 + lo below 2^53. */
const HI_SAFE = 0x200000;

/** An aligned little-endian u64 as a canonical Counter (a number unless it passes 2^53). */
export function readU64(buf: Buffer, off: number): Counter {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readUInt32LE(off + 4);
  if (hi < HI_SAFE) return hi * TWO_32 + lo;
  return fromBig((BigInt(hi) << 32n) | BigInt(lo));
}

/** u64 a < u64 b, compared as two u32 halves. */
function u64Less(a: Buffer, aOff: number, b: Buffer, bOff: number): boolean {
  const ah = a.readUInt32LE(aOff + 4);
  const bh = b.readUInt32LE(bOff + 4);
  if (ah !== bh) return ah < bh;
  return a.readUInt32LE(aOff) < b.readUInt32LE(bOff);
}

export interface ShimExpect {
  pid: number;
  start_time: number;
  /** The reader's own pid namespace inode, null if unknown. */
  pidns: number | null;
}

export type ShimParse =
  | { ok: true; sample: ShimProcSample; execPending: boolean }
  /**
   * notReady: no magic yet (the creator is between creating and publishing the header): not an error
   * unless it lasts. foreign: another pid namespace, whose pids this reader cannot check: skip quietly.
   */
  | { ok: false; reason: string; notReady?: boolean; foreign?: boolean };

function fail(reason: string): ShimParse {
  return { ok: false, reason };
}

export function formatAddr(family: 4 | 6, b: Buffer, off: number): string {
  if (family === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(off + i * 2));
  // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function parseDests(buf: Buffer): ShimDest[] | string {
  const byKey = new Map<string, ShimDest>();
  for (let i = 0; i < NDEST; i++) {
    const o = DEST_OFF + i * DEST_SIZE;
    const state = buf.readUInt32LE(o + DEST.state);
    if (state === 0 || state === 1) continue; // empty, or being filled: its key is not final yet
    if (state !== DEST_STATE_READY) return `destination slot ${i} has state ${state}`;
    const fam = buf.readUInt16LE(o + DEST.family);
    const flags = buf.readUInt32LE(o + DEST.flags);
    const port = buf.readUInt16LE(o + DEST.port);
    if (fam !== AF_INET && fam !== AF_INET6) return `destination slot ${i} has family ${fam}`;
    if ((flags & ~DEST_INBOUND) !== 0) return `destination slot ${i} has flags ${flags}`;
    const inbound = (flags & DEST_INBOUND) !== 0;
    if (inbound && port !== 0) return `destination slot ${i} is inbound with a port`;
    const family: 4 | 6 = fam === AF_INET ? 4 : 6;
    if (family === 4) {
      for (let k = 4; k < 16; k++) if (buf[o + DEST.addr + k] !== 0) return `destination slot ${i} has a long IPv4 address`;
    }
    const addr = formatAddr(family, buf, o + DEST.addr);
    const key = `${family}|${addr}|${port}|${flags}`;
    const d: ShimDest = {
      family,
      addr,
      port,
      inbound,
      tx_bytes: readU64(buf, o + DEST.tx_bytes),
      tx_calls: readU64(buf, o + DEST.tx_calls),
      rx_bytes: readU64(buf, o + DEST.rx_bytes),
      rx_calls: readU64(buf, o + DEST.rx_calls),
    };
    const prev = byKey.get(key);
    if (prev) {
      // Two threads racing on a new peer can claim two slots for it.
      prev.tx_bytes = add(prev.tx_bytes, d.tx_bytes);
      prev.tx_calls = add(prev.tx_calls, d.tx_calls);
      prev.rx_bytes = add(prev.rx_bytes, d.rx_bytes);
      prev.rx_calls = add(prev.rx_calls, d.rx_calls);
    } else {
      byKey.set(key, d);
    }
  }
  return [...byKey.values()];
}

function add(a: Counter, b: Counter): Counter {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a + b)) return a + b;
  return fromBig(BigInt(a) + BigInt(b));
}

const cnt = (buf: Buffer, idx: number): Counter => readU64(buf, COUNTERS_OFF + idx * 8);

/**
 * Validates and decodes a whole file. `len` is how many bytes the read returned: anything but exactly
 * SHM_SIZE is refused (a short or padded file is not one of ours).
 */
export function parseShimFile(buf: Buffer, len: number, expect: ShimExpect): ShimParse {
  if (len !== SHM_SIZE || buf.length < SHM_SIZE) return fail(`size ${len}, expected ${SHM_SIZE}`);
  const magicLo = buf.readUInt32LE(HDR.magic);
  const magicHi = buf.readUInt32LE(HDR.magic + 4);
  if (magicLo === 0 && magicHi === 0) return { ok: false, reason: 'no header yet', notReady: true };
  if (magicLo !== SHM_MAGIC_LO || magicHi !== SHM_MAGIC_HI) return fail('bad magic');
  const version = buf.readUInt32LE(HDR.version);
  if (version !== SHM_VERSION) return fail(`layout version ${version}, this vigil reads ${SHM_VERSION}`);
  if (buf.readUInt32LE(HDR.size) !== SHM_SIZE) return fail('size field does not match');
  if (
    buf.readUInt32LE(HDR.ndest) !== NDEST ||
    buf.readUInt32LE(HDR.nhist) !== NHIST ||
    buf.readUInt32LE(HDR.counters_off) !== COUNTERS_OFF ||
    buf.readUInt32LE(HDR.ncounters) !== NCOUNTERS ||
    buf.readUInt32LE(HDR.dest_off) !== DEST_OFF
  ) {
    return fail('table sizes do not match this layout');
  }
  const pidns = readU64(buf, HDR.pidns);
  if (pidns !== 0 && expect.pidns !== null && pidns !== expect.pidns) {
    return { ok: false, reason: 'written from another pid namespace', foreign: true };
  }
  const pid = buf.readInt32LE(HDR.pid);
  if (pid !== expect.pid) return fail(`pid ${pid} does not match the file name`);
  const start = readU64(buf, HDR.start_time);
  if (start !== expect.start_time) return fail(`start time ${String(start)} does not match the process`);
  const flags = buf.readUInt32LE(HDR.flags);
  if ((flags & ~FLAG_ALLOC) !== 0) return fail(`unknown flags ${flags}`);
  const execPending = buf.readUInt32LE(HDR.exec_pending);
  if (execPending > 1) return fail(`exec_pending is ${execPending}`);

  const dests = parseDests(buf);
  if (typeof dests === 'string') return fail(dests);

  const io = {} as Record<ShimClass, Record<ShimFn, ShimIo>>;
  const connect = {} as Record<ShimClass, { attempts: Counter; failures: Counter }>;
  CLASSES.forEach((cls, ci) => {
    const row = {} as Record<ShimFn, ShimIo>;
    FNS.forEach((fn, fi) => {
      row[fn] = { calls: cnt(buf, ioCalls(ci, fi)), bytes: cnt(buf, ioBytes(ci, fi)) };
    });
    io[cls] = row;
    connect[cls] = { attempts: cnt(buf, connectAttempts(ci)), failures: cnt(buf, connectFailures(ci)) };
  });
  const hist: Counter[] = [];
  for (let i = 0; i < NHIST; i++) hist.push(cnt(buf, C.LAT_HIST + i));
  const alloc: ShimAlloc | null =
    (flags & FLAG_ALLOC) === 0
      ? null
      : {
          malloc_calls: cnt(buf, C.MALLOC_CALLS),
          calloc_calls: cnt(buf, C.CALLOC_CALLS),
          realloc_calls: cnt(buf, C.REALLOC_CALLS),
          memalign_calls: cnt(buf, C.MEMALIGN_CALLS),
          free_calls: cnt(buf, C.FREE_CALLS),
          alloc_bytes: cnt(buf, C.ALLOC_BYTES),
          free_bytes: cnt(buf, C.FREE_BYTES),
          inherited_bytes: cnt(buf, C.INHERITED_BYTES),
        };
  const sample: ShimProcSample = {
    pid,
    start_time: expect.start_time,
    attached: true,
    exited: false,
    attaches: readU64(buf, HDR.attaches),
    io,
    connect,
    connect_latency: { count: cnt(buf, C.LAT_COUNT), sum_ns: cnt(buf, C.LAT_SUM_NS), hist },
    untracked_calls: cnt(buf, C.UNTRACKED),
    dests,
    dest_overflow: {
      tx_bytes: cnt(buf, C.DEST_OVF_TX_BYTES),
      tx_calls: cnt(buf, C.DEST_OVF_TX_CALLS),
      rx_bytes: cnt(buf, C.DEST_OVF_RX_BYTES),
      rx_calls: cnt(buf, C.DEST_OVF_RX_CALLS),
    },
    alloc,
  };
  return { ok: true, sample, execPending: execPending === 1 };
}

/**
 * Compares two validated reads of the same file: every counter only grows, and a destination slot,
 * once ready, keeps its key. Returns what went wrong, or null. (Each u64 is written with one aligned
 * atomic add and copied by the kernel in aligned words, so a read never sees half an update.)
 */
export function firstRegression(prev: Buffer, curr: Buffer): string | null {
  if (u64Less(curr, HDR.attaches, prev, HDR.attaches)) return 'the attach count went down';
  for (let i = 0; i < NCOUNTERS; i++) {
    const off = COUNTERS_OFF + i * 8;
    if (u64Less(curr, off, prev, off)) return `counter ${i} went down`;
  }
  for (let i = 0; i < NDEST; i++) {
    const o = DEST_OFF + i * DEST_SIZE;
    if (prev.readUInt32LE(o + DEST.state) !== DEST_STATE_READY) continue;
    if (curr.readUInt32LE(o + DEST.state) !== DEST_STATE_READY) return `destination slot ${i} was emptied`;
    if (prev.compare(curr, o + DEST.family, o + DEST.tx_bytes, o + DEST.family, o + DEST.tx_bytes) !== 0) {
      return `destination slot ${i} changed its peer`;
    }
    for (const f of [DEST.tx_bytes, DEST.tx_calls, DEST.rx_bytes, DEST.rx_calls]) {
      if (u64Less(curr, o + f, prev, o + f)) return `destination slot ${i} went down`;
    }
  }
  return null;
}
