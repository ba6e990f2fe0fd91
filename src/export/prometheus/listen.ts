/**
 * --listen ADDR: where /metrics is served. Loopback unless the user names another address: metrics
 * reveal process names, users and command activity, so exposing them is an explicit choice.
 *   HOST:PORT      127.0.0.1:9464, 0.0.0.0:9464 (every IPv4 interface), localhost:9464
 *   [IPV6]:PORT    [::1]:9464, [::]:9464
 *   PORT           127.0.0.1:PORT
 * `:PORT` (Go's "every interface") is refused: it is too easy to type for "just another port".
 * Port 0 asks the kernel for a free port; the address actually bound is reported on start.
 */
import * as net from 'net';
import { usageError } from '../../infra/errors';

export const DEFAULT_LISTEN = '127.0.0.1:9464';

/**
 * Prometheus scrapes every 15 s or so and the counters are cumulative, so sampling 10 times a second
 * would be work no scrape sees: serve samples once a second unless told otherwise.
 */
export const SERVE_INTERVAL_MS = 1000;

export interface ListenAddress {
  host: string;
  port: number;
}

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

function parsePort(s: string, whole: string): number {
  const port = /^\d{1,5}$/.test(s) ? Number(s) : NaN;
  if (!(port >= 0 && port <= 65535)) throw usageError(`--listen ${JSON.stringify(whole)}: port must be 0-65535`);
  return port;
}

/** Parses ADDR or throws a usage error (exit 2) saying what was expected. */
export function parseListen(addr: string): ListenAddress {
  const expected = `--listen ${JSON.stringify(addr)}: expected HOST:PORT, e.g. ${DEFAULT_LISTEN} (loopback) or 0.0.0.0:9464 (every interface)`;
  if (/^\d+$/.test(addr)) return { host: '127.0.0.1', port: parsePort(addr, addr) };
  const v6 = /^\[([^\]]*)\]:([^:]*)$/.exec(addr);
  if (v6) {
    if (!net.isIPv6(v6[1])) throw usageError(`--listen ${JSON.stringify(addr)}: ${JSON.stringify(v6[1])} is not an IPv6 address`);
    return { host: v6[1], port: parsePort(v6[2], addr) };
  }
  const m = /^([^:]*):([^:]*)$/.exec(addr);
  if (!m) {
    if (net.isIPv6(addr.replace(/:\d+$/, ''))) throw usageError(`--listen ${JSON.stringify(addr)}: put an IPv6 address in brackets, e.g. [::1]:9464`);
    throw usageError(expected);
  }
  if (m[1] === '') throw usageError(`--listen ${JSON.stringify(addr)}: give a host: 127.0.0.1${addr} for this machine only, 0.0.0.0${addr} for every interface`);
  if (!net.isIPv4(m[1]) && !HOSTNAME.test(m[1])) throw usageError(expected);
  return { host: m[1], port: parsePort(m[2], addr) };
}

/**
 * ADDR as a string to parse, or an address already parsed: checked either way, so that no malformed
 * value can reach listen(), where a missing host would mean every interface.
 */
export function toListenAddress(v: unknown): ListenAddress {
  if (typeof v === 'string') return parseListen(v);
  const a = v as Partial<ListenAddress> | null;
  if (a && typeof a.host === 'string' && a.host !== '' && Number.isInteger(a.port) && a.port! >= 0 && a.port! <= 65535) {
    return { host: a.host, port: a.port! };
  }
  throw usageError(`--listen: expected HOST:PORT, got ${JSON.stringify(v)}`);
}

/** host:port as a URL authority (IPv6 in brackets). */
export function formatHostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}
