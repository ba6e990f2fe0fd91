/**
 * Black-box tests of `vigil serve`: the built CLI spawned as a user would run it.
 */
import * as net from 'net';
import t, { Test } from 'tap';
import { vigilIn } from '../../helpers/cli-inproc';
import { get, parseExposition, spawnCli, startServe, stop } from '../../helpers/prometheus';

async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const s = spawnCli(args);
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
  const { code } = await s.exited;
  clearTimeout(timer);
  return { code, stderr: s.stderr() };
}

function oneLine(t: Test, stderr: string, re: RegExp): void {
  t.match(stderr, /^vigil: [^\n]+\n$/, `exactly one line on stderr: ${JSON.stringify(stderr)}`);
  t.match(stderr, re);
  t.notMatch(stderr, /^\s+at /m, 'no stack trace');
}

t.test('--listen without a value is an error, not the default', async (t) => {
  const r = await run(['serve', '--listen']);
  t.equal(r.code, 2);
  oneLine(t, r.stderr, /--listen needs a value/);
});

t.test('bad --listen: exit 2 and one line', async (t) => {
  // Spawned side by side: each opens the live feed before it tries the address.
  const cases = [
    ['nonsense', /expected HOST:PORT/],
    ['127.0.0.1:99999', /port must be 0-65535/],
    [':9464', /give a host/],
    // TEST-NET-3 (RFC 5737): well-formed, but no interface of this machine has it.
    ['203.0.113.7:9464', /cannot listen on 203\.0\.113\.7:9464: no such address on this machine/],
    ['no-such-host.invalid:9464', /cannot resolve the host name/],
  ] as const;
  const results = await Promise.all(cases.map(([addr]) => run(['serve', '--listen', addr])));
  cases.forEach(([addr, re], i) => {
    t.equal(results[i].code, 2, `${addr}: exit 2`);
    oneLine(t, results[i].stderr, re);
  });
});

t.test('address in use: exit 75 and one line', async (t) => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => holder.close(() => r())));
  const port = (holder.address() as net.AddressInfo).port;
  const r = await run(['serve', '--listen', `127.0.0.1:${port}`]);
  t.equal(r.code, 75, 'EX_TEMPFAIL: in use');
  oneLine(t, r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
});

t.test('bad --proc-match, --proc-top, --interval: exit 2 and one line', async (t) => {
  for (const [args, re] of [
    [['--proc-match', '('], /--proc-match: Invalid regular expression/],
    [['--proc-top', '-1'], /--proc-top must be an integer of at least 0/],
    [['--proc-top', '2.5'], /--proc-top must be an integer of at least 0/],
    [['--interval', '10'], /--interval must be an integer from 50 to 3600000/],
    // A repeated --listen once bound every interface (an array is not a string); now it is refused.
    [['--listen', '127.0.0.1:0'], /--listen given more than once/],
    [['--proc-match', 'a', '--proc-match', 'b'], /--proc-match given more than once/],
    [['--proc-top'], /--proc-top needs a value/],
  ] as const) {
    // Refused while the arguments are read, before the feed starts: in-process (spawned: the cases above).
    const r = await vigilIn(['serve', '--listen', '127.0.0.1:0', ...args]);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    oneLine(t, r.stderr, re);
  }
});

t.test('help says the default is loopback and that another address is the user\'s choice', async (t) => {
  const s = spawnCli(['serve', '--help']);
  const { code } = await s.exited;
  t.equal(code, 0);
  t.match(s.stdout(), /--listen/);
  t.match(s.stdout(), /127\.0\.0\.1:9464/);
  t.match(s.stdout().replace(/\s+/g, ' '), /loopback by default/);
  t.match(s.stdout().replace(/\s+/g, ' '), /explicit choice/);
});

t.test('serves /metrics only, GET and HEAD only, and stops cleanly on SIGTERM', async (t) => {
  const s = await startServe(['--interval', '100', '--proc-interval', '200']);
  t.teardown(() => stop(s));
  const m = await get(s.url);
  t.equal(m.status, 200);
  t.match(m.type, /^text\/plain; version=0\.0\.4/);
  t.ok(parseExposition(m.body).series.some((x) => x.name === 'node_cpu_seconds_total'), 'system series from the first sample');
  const base = s.url.replace(/\/metrics$/, '');
  t.equal((await get(`${base}/`)).status, 404);
  t.equal((await get(`${base}/metrics/x`)).status, 404);
  t.equal((await get(`${base}/Metrics`)).status, 404);
  t.equal((await get(`${s.url}?x=1`)).status, 200, 'a query string is ignored');
  t.equal((await get(s.url, 'POST')).status, 405);
  const head = await get(s.url, 'HEAD');
  t.equal(head.status, 200);
  t.equal(head.body, '');
  s.child.kill('SIGTERM');
  const e = await s.exited;
  t.equal(e.code, 0, 'SIGTERM: exit 0');
  t.equal(s.stderr().split('\n').filter(Boolean).length, 1, 'only the "serving" line on stderr');
});
