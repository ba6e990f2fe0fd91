/**
 * The /metrics HTTP endpoint (node:http). It serves whatever PrometheusMetrics holds; the caller's
 * sampling loop feeds it with update(). Used by `vigil serve` and by `vigil record FILE --listen ADDR`.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';
import { EXIT, VigilError } from '../../errors';
import type { Sample, Snapshot } from '../../model';
import { formatHostPort, ListenAddress, toListenAddress } from './listen';
import { PrometheusMetrics, PrometheusMetricsOptions } from './metrics';

export interface MetricsServerOptions extends PrometheusMetricsOptions {
  /** ADDR as given to --listen, or already parsed. */
  listen: string | ListenAddress;
}

export interface MetricsServer {
  /** http://HOST:PORT/metrics as actually bound (port 0 resolved). */
  readonly url: string;
  readonly metrics: PrometheusMetrics;
  /** Hand over the latest Sample and Snapshot (null until there are two Samples). O(1). */
  update(sample: Sample, snapshot: Snapshot | null): void;
  close(): Promise<void>;
}

/** Exit code for an address already in use: sysexits' EX_TEMPFAIL, which vigil uses for "in use". */
export const EXIT_ADDR_IN_USE = EXIT.TEMPFAIL;

function bindError(err: NodeJS.ErrnoException, where: string): VigilError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new VigilError(`cannot listen on ${where}: address already in use (choose another with --listen)`, EXIT_ADDR_IN_USE);
    case 'EADDRNOTAVAIL':
      return new VigilError(`cannot listen on ${where}: no such address on this machine`, EXIT.USAGE);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new VigilError(`cannot listen on ${where}: cannot resolve the host name`, EXIT.USAGE);
    case 'EACCES':
      return new VigilError(`cannot listen on ${where}: permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)`, EXIT.USAGE);
    default:
      return new VigilError(`cannot listen on ${where}: ${err.code ?? err.message}`, EXIT.RUNTIME);
  }
}

function plain(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

export function handler(metrics: PrometheusMetrics): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return plain(res, 404, 'not found: vigil serves /metrics only');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const fail = (err: unknown): void => plain(res, 500, `vigil: cannot build metrics: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
    metrics.metrics().then((text) => {
      // Prometheus asks for gzip; a scrape's text shrinks about 8 times, which matters across a fleet's network.
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const send = (body: Buffer): void => {
        res.writeHead(200, {
          'Content-Type': metrics.contentType, 'Content-Length': body.length, Vary: 'Accept-Encoding',
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (!gzip) return send(Buffer.from(text));
      zlib.gzip(text, (err, body) => (err ? fail(err) : send(body)));
    }, fail);
  };
}

/**
 * Binds ADDR and serves /metrics. Rejects with a VigilError (one line; exit 2 for an address that cannot
 * work here, 75 for one already in use) without leaving anything open.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const addr = toListenAddress(opts.listen);
  const metrics = new PrometheusMetrics(opts);
  const server = http.createServer(handler(metrics));
  // A scrape is one short request: a client that dribbles its headers or body is cut off.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(bindError(err, formatHostPort(addr.host, addr.port)));
    server.once('error', onError);
    server.listen({ host: addr.host, port: addr.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After a successful bind, a server error (EMFILE on accept, ...) is logged once per kind, not fatal.
  const seen = new Set<string>();
  server.on('error', (err: NodeJS.ErrnoException) => {
    const k = err.code ?? err.message;
    if (!seen.has(k)) process.stderr.write(`vigil: metrics server: ${k}\n`);
    seen.add(k);
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${formatHostPort(bound.address, bound.port)}/metrics`,
    metrics,
    update: (sample, snapshot) => metrics.update(sample, snapshot),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // Prometheus keeps its connection alive between scrapes
      }),
  };
}
