/**
 * The /metrics HTTP endpoint (node:http). It serves whatever PrometheusMetrics holds; the caller's
 * sampling loop feeds it with update(). Used by `vigil serve` and by `vigil record FILE --listen ADDR`.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';
import { EXIT, VigilError } from '../../infra/errors';
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

// RFC 9110 token characters; a coding that is not a token is no coding at all.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), after a case-insensitive "q=".
const QVALUE = /^[qQ]=(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/** Strips OWS (spaces and tabs only, unlike trim()) in linear time, which a regex like /[ \t]+$/ is not. */
function stripOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return s.slice(a, b);
}

/**
 * The weight of each coding in an Accept-Encoding value (RFC 9110 §12.5.3), by lowercased name. A weight
 * that does not parse counts as 0, as does any parameter other than one q: an odd header never gets gzip
 * by accident. A coding listed twice keeps its lowest weight. Linear in the header's length.
 */
export function acceptEncodingWeights(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const element of header.split(',')) {
    const [name, ...params] = element.split(';').map(stripOws);
    if (name === '' && params.length === 0) continue; // an empty list element
    if (!TOKEN.test(name)) continue;
    const q = params.length === 0 ? 1 : params.length === 1 && QVALUE.test(params[0]) ? Number(params[0].slice(2)) : 0;
    const coding = name.toLowerCase();
    weights.set(coding, Math.min(q, weights.get(coding) ?? 1));
  }
  return weights;
}

/**
 * gzip or plain text for this Accept-Encoding. gzip only when asked with a weight above 0 (x-gzip is gzip;
 * `*` covers it when it is not named) and not below identity's when identity is weighed (named or under
 * `*`). With nothing acceptable, plain text anyway: RFC 9110 says to send it rather than refuse.
 */
export function negotiateEncoding(header: string | string[] | undefined): 'gzip' | 'identity' {
  if (header === undefined) return 'identity';
  const w = acceptEncodingWeights(Array.isArray(header) ? header.join(',') : header);
  const star = w.get('*');
  const named = [w.get('gzip'), w.get('x-gzip')].filter((q): q is number => q !== undefined);
  const gzip = named.length > 0 ? Math.min(...named) : star ?? 0;
  const identity = w.get('identity') ?? star;
  return gzip > 0 && (identity === undefined || gzip >= identity) ? 'gzip' : 'identity';
}

function plain(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/**
 * gzip's fastest level, in the request's own turn: about 0.5 ms of CPU for this machine's 110 KB scrape,
 * against 1.4 ms for zlib.gzip() at the default level (a stream and a thread-pool hop per scrape), for a
 * body 13 % larger (17 KB, not 15). Prometheus scrapes once every few seconds at most; the CPU is what
 * counts against node_exporter's.
 */
const GZIP_OPTIONS: zlib.ZlibOptions = { level: zlib.constants.Z_BEST_SPEED };

export function handler(metrics: PrometheusMetrics): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return plain(res, 404, 'not found: vigil serves /metrics only');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const fail = (err: unknown): void => plain(res, 500, `vigil: cannot build metrics: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
    metrics.metricsBody().then((bytes) => {
      // Prometheus asks for gzip; a scrape's text shrinks about 8 times, which matters across a fleet's network.
      const gzip = negotiateEncoding(req.headers['accept-encoding']) === 'gzip';
      const send = (body: Buffer): void => {
        res.writeHead(200, {
          'Content-Type': metrics.contentType, 'Content-Length': body.length, Vary: 'Accept-Encoding',
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (!gzip) return send(bytes);
      let body: Buffer;
      try {
        body = zlib.gzipSync(bytes, GZIP_OPTIONS);
      } catch (err) {
        return fail(err);
      }
      send(body);
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
  // A client that sends its request and then half-closes (FIN) still gets the response: by default Node
  // ends the socket on FIN, before an asynchronous body (a scrape resolves in a later turn) is written.
  // (httpAllowHalfOpen is Node's own switch for this, untyped; server.test.ts checks that it works.)
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
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
