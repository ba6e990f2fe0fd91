import type { Snapshot } from '../../src/model';
import type { ConnsSample, ConnsSnap } from '../../src/model/conns';

/**
 * Order is not part of what a recording keeps: the reader returns processes in pid order and sockets in
 * the order they first appeared in the file; live has /proc's and the dump's order (which also orders
 * connections of equal throughput). These put both in one order before comparing.
 */
const key = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

export function sortByKey<T>(xs: T[]): T[] {
  const keyed = xs.map((x) => [key(x), x] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((k) => k[1]);
}

export function normConns(c: ConnsSnap): ConnsSnap {
  return { ...c, procs: [...c.procs].sort((x, y) => x.pid - y.pid), conns: sortByKey(c.conns), retrans_events: sortByKey(c.retrans_events) };
}

export function norm(s: Snapshot): Snapshot {
  return { ...s, procs: s.procs && [...s.procs].sort((x, y) => x.pid - y.pid), conns: s.conns && normConns(s.conns) };
}

export function normConnsSample(c: ConnsSample | null): unknown {
  return c === null ? null : { ...c, tcp: sortByKey(c.tcp), procs: [...c.procs].sort((x, y) => x.pid - y.pid) };
}

export const stableKey = key;
