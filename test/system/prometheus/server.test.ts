/**
 * startMetricsServer, the API `vigil record --listen` uses, in-process.
 */
import * as http from 'http';
import * as net from 'net';
import * as zlib from 'zlib';
import t, { Test } from 'tap';
import { VigilError } from '../../../src/infra/errors';
import { startMetricsServer } from '../../../src/export/prometheus/server';
import { get, HOST, parseExposition, proc, procSnap, sample, snapshot, valueOf } from '../../helpers/prometheus';

t.test('serves what update() hands over; close() frees the port even with a kept-alive connection', async (t) => {
  const server = await startMetricsServer({ listen: '127.0.0.1:0', host: HOST, procTop: 1 });
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const p = proc(42, { comm: 'db', rss_bytes: 1 << 30 });
  server.update(sample({ procs: [p] }), snapshot([procSnap(p, 12)]));
  const e = parseExposition((await get(server.url)).body);
  t.equal(valueOf(e, 'vigil_process_resident_memory_bytes', { pid: '42', comm: 'db' }), 1 << 30);

  // A keep-alive connection, as Prometheus keeps between scrapes.
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    http.get(server.url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    }).on('error', reject);
  });
  const port = Number(new URL(server.url).port);
  const t0 = Date.now();
  await server.close();
  t.ok(Date.now() - t0 < 1000, `close() did not wait for the idle connection (${Date.now() - t0} ms)`);
  agent.destroy();
  const again = net.createServer();
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.listen(port, '127.0.0.1', () => resolve());
  });
  t.pass('the port can be bound again');
  await new Promise<void>((r) => again.close(() => r()));
});

t.test('gzip when asked, identical text once decoded', async (t) => {
  const server = await startMetricsServer({ listen: '127.0.0.1:0', host: HOST });
  t.teardown(() => server.close());
  server.update(sample({ procs: [proc(1, { rss_bytes: 5 })] }), null);
  const raw = (accept: string | null) => new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http.get(server.url, { headers: accept ? { 'Accept-Encoding': accept } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  const plainRes = await raw(null);
  t.equal(plainRes.headers['content-encoding'], undefined);
  const gz = await raw('gzip, deflate');
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.equal(Number(gz.headers['content-length']), gz.body.length);
  t.equal(steady(zlib.gunzipSync(gz.body).toString()), steady(plainRes.body.toString()));
  t.ok(gz.body.length * 3 < plainRes.body.length, `compressed ${plainRes.body.length} → ${gz.body.length} bytes`);
  t.equal((await raw('identity')).headers['content-encoding'], undefined);
});

t.test('bind errors are VigilErrors with their exit codes', async (t) => {
  const holder = await startMetricsServer({ listen: '127.0.0.1:0', host: HOST });
  t.teardown(() => holder.close());
  const port = Number(new URL(holder.url).port);
  const failure = async (listen: Parameters<typeof startMetricsServer>[0]['listen']): Promise<VigilError> => {
    try {
      await startMetricsServer({ listen, host: HOST });
    } catch (err) {
      if (err instanceof VigilError) return err;
      throw err;
    }
    throw new Error(`${JSON.stringify(listen)} was bound`);
  };
  let err = await failure({ host: '127.0.0.1', port });
  t.equal(err.exitCode, 75);
  t.match(err.message, /address already in use/);
  err = await failure('127.0.0.1:70000');
  t.equal(err.exitCode, 2);
  err = await failure('203.0.113.7:9464');
  t.equal(err.exitCode, 2);
  t.match(err.message, /no such address/);
});

t.test('a family that throws gives a one-line 500, and the next scrape works', async (t) => {
  const server = await startMetricsServer({ listen: '127.0.0.1:0', host: HOST });
  t.teardown(() => server.close());
  let broken = true;
  server.metrics.addFamily({
    name: 'vigil_test_fragile', type: 'gauge', labelNames: [], help: 'Throws while broken.',
    series: () => {
      if (broken) throw new Error('boom\nsecond line');
      return [[{}, 1]];
    },
  });
  server.update(sample(), null);
  const bad = await get(server.url);
  t.equal(bad.status, 500);
  t.equal(bad.body, 'vigil: cannot build metrics: boom\n');
  broken = false;
  const good = await get(server.url);
  t.equal(good.status, 200);
  t.equal(valueOf(parseExposition(good.body), 'vigil_test_fragile'), 1);
});

/**
 * One request on a raw socket, read to EOF, as a scraper or a proxy sends it. halfClose: the client ends
 * its side (FIN) right after the request, as `printf ... | nc -N` and some proxies do.
 */
function rawRequest(url: string, acceptEncoding: string | null, halfClose: boolean): Promise<{ status: number; headers: Record<string, string>; body: Buffer; raw: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    const chunks: Buffer[] = [];
    sock.setTimeout(5000, () => sock.destroy(new Error('no EOF from the server within 5 s')));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      sock.end();
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      if (sep < 0) return resolve({ status: 0, headers: {}, body: Buffer.alloc(0), raw: all.length });
      const [statusLine, ...lines] = all.subarray(0, sep).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: all.subarray(sep + 4), raw: all.length });
    });
    sock.on('connect', () => {
      // Connection: close so that, without a half-close, the server ends the connection after the response.
      sock.write(`GET /metrics HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n${acceptEncoding === null ? '' : `Accept-Encoding: ${acceptEncoding}\r\n`}\r\n`);
      if (halfClose) sock.end();
    });
  });
}

/** A scrape without node_scrape_collector_duration_seconds' values: the one thing that differs between two scrapes of the same state. */
function steady(text: string): string {
  return text.replace(/^node_scrape_collector_duration_seconds\{.*\n/gm, '');
}

/** Decoded gzip, or a note saying it was not gzip (so that one failed check does not hide the next). */
function gunzipped(body: Buffer): string {
  try {
    return zlib.gunzipSync(body).toString();
  } catch (err) {
    return `(not gzip: ${(err as Error).message})`;
  }
}

async function metricsServer(t: Test): Promise<{ url: string; text: string }> {
  const server = await startMetricsServer({ listen: '127.0.0.1:0', host: HOST });
  t.teardown(() => server.close());
  server.update(sample({ procs: [proc(1, { rss_bytes: 5 })] }), null);
  const text = (await rawRequest(server.url, null, false)).body.toString();
  t.match(text, /^# HELP /m, 'plain text without the header');
  return { url: server.url, text };
}

t.test('Accept-Encoding: gzip;q=0 on a real socket gets plain text', async (t) => {
  const { url, text } = await metricsServer(t);
  const r = await rawRequest(url, 'gzip;q=0', false);
  t.equal(r.status, 200);
  t.equal(r.headers['content-encoding'], undefined, 'no Content-Encoding');
  t.equal(steady(r.body.toString()), steady(text));
});

t.test('Accept-Encoding: GZIP (capitals) on a real socket gets gzip', async (t) => {
  const { url, text } = await metricsServer(t);
  const r = await rawRequest(url, 'GZIP', false);
  t.equal(r.headers['content-encoding'], 'gzip');
  t.equal(steady(gunzipped(r.body)), steady(text));
});

t.test('a request followed by a half-close (FIN) still gets the whole response', async (t) => {
  const { url, text } = await metricsServer(t);
  for (const ae of ['gzip', null, 'gzip;q=0']) {
    const r = await rawRequest(url, ae, true);
    t.equal(r.status, 200, `${ae}, then FIN: a response (${r.raw} bytes)`);
    t.equal(Number(r.headers['content-length']), r.body.length, `${ae}, then FIN: the whole body`);
    t.equal(steady(ae === 'gzip' ? gunzipped(r.body) : r.body.toString()), steady(text), `${ae}, then FIN: the same text`);
  }
});
