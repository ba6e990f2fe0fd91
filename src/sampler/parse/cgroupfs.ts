/**
 * The files of a cgroup directory, v2 and v1: pure parsers, text in, object out. Every parser returns
 * null (or a null field) for what is missing or malformed; none throws. Counters stay exact above 2^53
 * (Counter); limits come back as `Limit`, where `max` (v2), -1 (v1 quota) and anything at or above 2^62
 * (v1's "no limit" is PAGE_COUNTER_MAX × page size, 9223372036854771712) mean "no limit".
 */
import { Counter, parseCounter } from '../../model/counter';
import type { CgroupIoDev } from '../../model/cgroups';
import { asText, ProcText, words } from './text';

/** A limit: a number of units, 'max' for none, or null when the text is not one. */
export type Limit = number | 'max' | null;

/** v1 prints "no limit" as a page-rounded 2^63 − 1; any real limit is far below 2^62 bytes (4 EiB). */
const UNLIMITED_FROM = 2 ** 62;

/** One value: `max`, or a non-negative integer; a huge one (v1's sentinel) is `max`. */
export function parseLimit(input: ProcText): Limit {
  const s = asText(input).trim();
  if (s === 'max') return 'max';
  const c = parseCounter(s);
  if (c === null) return null;
  if (c < 0) return null;
  // Compared exactly: a bigint just below 2^62 is a (vast) limit, not the sentinel.
  if (typeof c === 'bigint' ? c >= BigInt(UNLIMITED_FROM) : c >= UNLIMITED_FROM) return 'max';
  return Number(c);
}

/** A single non-negative integer level (memory.current, pids.current, cpuacct.usage). */
export function parseLevel(input: ProcText): Counter | null {
  const c = parseCounter(asText(input).trim());
  return c === null || c < 0 ? null : c;
}

/** A level that fits a number (bytes, pids): a gauge may lose precision above 2^53, never becomes NaN. */
export function parseGauge(input: ProcText): number | null {
  const c = parseLevel(input);
  return c === null ? null : Number(c);
}

/**
 * A flat "key value" file (cpu.stat, memory.stat, memory.events, v1 memory.oom_control, cpuacct.stat):
 * every line with exactly two words whose second is a non-negative integer. Later duplicates lose.
 */
export function parseKeyed(input: ProcText): Map<string, Counter> {
  const out = new Map<string, Counter>();
  for (const line of asText(input).split('\n')) {
    const w = words(line);
    if (w.length !== 2 || out.has(w[0])) continue;
    const c = parseCounter(w[1]);
    if (c !== null && c >= 0) out.set(w[0], c);
  }
  return out;
}

const blank = (c: number): boolean => c === 32 || c === 9;

/**
 * parseKeyed's answer for `keys` only: the same lines count, the first valid one wins. The tier reads 2 to
 * 6 keys of files such as memory.stat (some 70 lines), and a word array per line and a Map of every key
 * were most of what it allocated, at every process tick; here nothing is made for a line not asked for.
 */
export function parseKeyedOnly(input: ProcText, keys: readonly string[]): Map<string, Counter> {
  const s = asText(input);
  const out = new Map<string, Counter>();
  const n = s.length;
  for (let i = 0; i <= n && out.size < keys.length; ) {
    let e = s.indexOf('\n', i);
    if (e < 0) e = n;
    // The line's words: exactly two, [a, b) and [c, d).
    let a = i;
    while (a < e && blank(s.charCodeAt(a))) a++;
    let b = a;
    while (b < e && !blank(s.charCodeAt(b))) b++;
    let c = b;
    while (c < e && blank(s.charCodeAt(c))) c++;
    let d = c;
    while (d < e && !blank(s.charCodeAt(d))) d++;
    let z = d;
    while (z < e && blank(s.charCodeAt(z))) z++;
    if (b > a && d > c && z === e) {
      for (const k of keys) {
        if (k.length !== b - a || !s.startsWith(k, a)) continue;
        if (!out.has(k)) {
          const v = parseCounter(s.slice(c, d));
          if (v !== null && v >= 0) out.set(k, v);
        }
        break;
      }
    }
    i = e + 1;
  }
  return out;
}

/** v2 cpu.max: "$QUOTA $PERIOD", quota `max` for none. quota null = no limit; both null = not a cpu.max. */
export function parseCpuMax(input: ProcText): { quota: number | null; period: number | null } | null {
  const w = words(asText(input).trim());
  if (w.length !== 2) return null;
  const period = parseLevel(w[1]);
  if (period === null || typeof period === 'bigint' || period === 0) return null;
  if (w[0] === 'max') return { quota: null, period };
  const q = parseLevel(w[0]);
  if (q === null || typeof q === 'bigint') return null;
  return { quota: q, period };
}

/** v1 cpu.cfs_quota_us (-1 = none) and cpu.cfs_period_us, as parseCpuMax. */
export function parseCfs(quotaText: ProcText, periodText: ProcText): { quota: number | null; period: number | null } | null {
  const period = parseLevel(periodText);
  if (period === null || typeof period === 'bigint' || period === 0) return null;
  const q = parseCounter(asText(quotaText).trim());
  if (q === null || typeof q === 'bigint') return null;
  return { quota: q < 0 ? null : q, period };
}

/**
 * v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. A device line with any of
 * the four missing is skipped (the kernel writes them together).
 */
export function parseIoStat(input: ProcText): CgroupIoDev[] {
  const out: CgroupIoDev[] = [];
  for (const line of asText(input).split('\n')) {
    const w = words(line);
    if (w.length < 5 || !/^\d+:\d+$/.test(w[0])) continue;
    const kv = new Map<string, Counter>();
    for (const p of w.slice(1)) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const c = parseCounter(p.slice(eq + 1));
      if (c !== null && c >= 0) kv.set(p.slice(0, eq), c);
    }
    const rbytes = kv.get('rbytes');
    const wbytes = kv.get('wbytes');
    const rios = kv.get('rios');
    const wios = kv.get('wios');
    if (rbytes === undefined || wbytes === undefined || rios === undefined || wios === undefined) continue;
    out.push({ dev: w[0], rbytes, wbytes, rios, wios });
  }
  return out;
}

/**
 * v1 blkio.throttle.io_service_bytes and io_serviced: "8:0 Read 123", "8:0 Write 45", ..., "Total 168".
 * Returns per device its Read and Write values (bytes for the first file, operations for the second).
 */
export function parseBlkio(input: ProcText): Map<string, { read: Counter; write: Counter }> {
  const out = new Map<string, { read: Counter; write: Counter }>();
  for (const line of asText(input).split('\n')) {
    const w = words(line);
    if (w.length !== 3 || !/^\d+:\d+$/.test(w[0]) || (w[1] !== 'Read' && w[1] !== 'Write')) continue;
    const c = parseCounter(w[2]);
    if (c === null || c < 0) continue;
    const d = out.get(w[0]) ?? { read: 0, write: 0 };
    if (w[1] === 'Read') d.read = c;
    else d.write = c;
    out.set(w[0], d);
  }
  return out;
}

/** Both v1 blkio files as io.stat devices (a device in only one of them gets 0 for the other). */
export function blkioDevs(bytes: ProcText | null, ios: ProcText | null): CgroupIoDev[] | null {
  if (bytes === null && ios === null) return null;
  const b = bytes === null ? new Map() : parseBlkio(bytes);
  const o = ios === null ? new Map() : parseBlkio(ios);
  const devs = [...new Set([...b.keys(), ...o.keys()])].sort();
  return devs.map((dev) => ({
    dev,
    rbytes: b.get(dev)?.read ?? 0,
    wbytes: b.get(dev)?.write ?? 0,
    rios: o.get(dev)?.read ?? 0,
    wios: o.get(dev)?.write ?? 0,
  }));
}

/** Nanoseconds to µs, exact (v1 cpuacct counts ns, v1 cpu.stat throttled_time is ns). */
export function nsToUs(c: Counter | null | undefined): Counter | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'number') return Math.floor(c / 1000);
  const v = c / 1000n;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Clock ticks (v1 cpuacct.stat) to µs. */
export function ticksToUs(c: Counter | null | undefined, clkTck: number): Counter | null {
  if (c === null || c === undefined || !(clkTck > 0)) return null;
  if (typeof c === 'number') {
    const v = (c * 1e6) / clkTck;
    if (Number.isSafeInteger(Math.floor(v))) return Math.floor(v);
  }
  const v = (BigInt(c) * 1000000n) / BigInt(Math.round(clkTck));
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
