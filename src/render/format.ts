/**
 * Number formatting for the screen. Every function takes number | null and shows null as '-':
 * no value is never shown as 0.
 */
const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 → "1.5K", binary multiples as top and htop show them; at most 5 characters. */
export function bytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)}B`;
  return `${v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(1)}${UNITS[u]}`;
}

/** A byte rate: "1.5M/s". */
export function byteRate(n: number | null): string {
  return n === null || !Number.isFinite(n) ? '-' : `${bytes(n)}/s`;
}

/** A count rate or count: 999, 1.2k, 34k, 1.2M. */
export function count(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  const v = Math.max(0, n);
  if (v < 10) return v === Math.round(v) ? String(v) : v.toFixed(1);
  if (v < 1000) return String(Math.round(v));
  if (v < 1e6) return `${(v / 1e3).toFixed(v < 1e4 ? 1 : 0)}k`;
  if (v < 1e9) return `${(v / 1e6).toFixed(v < 1e7 ? 1 : 0)}M`;
  return `${(v / 1e9).toFixed(1)}G`;
}

/** A percentage: "12.3" (no sign; the column header says %), 100+ without decimals. */
export function pct(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  return n >= 99.95 ? String(Math.round(n)) : n.toFixed(1);
}

/** Seconds as "3d 04:05:06" / "04:05:06" (uptime). */
export function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s) || s < 0) return '-';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  const hms = [h, m, sec].map((x) => String(x).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d ${hms}` : hms;
}

/** Wall-clock time HH:MM:SS in local time (HH:MM:SS.mmm with `millis`). */
export function clock(ms: number, millis = false): string {
  const d = new Date(ms);
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
  return millis ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms;
}

/**
 * CPU time as htop's TIME+ shows it: "M:SS.cc" under an hour, "H:MM:SS" under 100 hours, then "123h45"
 * and "12d03h" (at most 8 characters).
 */
export function cpuTime(s: number | null): string {
  if (s === null || !Number.isFinite(s) || s < 0) return '-';
  const cs = Math.floor(s * 100);
  const totalS = Math.floor(cs / 100);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = totalS % 60;
  const two = (x: number): string => String(x).padStart(2, '0');
  if (h === 0) return `${m}:${two(sec)}.${two(cs % 100)}`;
  if (h < 100) return `${h}:${two(m)}:${two(sec)}`;
  if (h < 1000) return `${h}h${two(m)}`;
  const d = Math.floor(h / 24);
  return d < 100_000 ? `${d}d${two(h % 24)}h` : `${d}d`;
}
