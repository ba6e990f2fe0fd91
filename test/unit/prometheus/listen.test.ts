import t from 'tap';
import { formatHostPort, parseListen, toListenAddress } from '../../../src/export/prometheus/listen';
import { VigilError } from '../../../src/infra/errors';
import { thrown } from '../../helpers/errors';

t.test('accepted forms', async (t) => {
  t.same(parseListen('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  t.same(parseListen('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
  t.same(parseListen('localhost:9464'), { host: 'localhost', port: 9464 });
  t.same(parseListen('[::1]:9464'), { host: '::1', port: 9464 });
  t.same(parseListen('[::]:1'), { host: '::', port: 1 });
  t.same(parseListen('9464'), { host: '127.0.0.1', port: 9464 }, 'a bare port stays on loopback');
  t.same(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 }, 'port 0: the kernel picks');
  t.same(parseListen('127.0.0.1:65535'), { host: '127.0.0.1', port: 65535 });
});

t.test('refused forms: a usage error (exit 2) that says what was expected', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /expected HOST:PORT/],
    ['nonsense', /expected HOST:PORT/],
    [':9464', /give a host: 127\.0\.0\.1:9464 for this machine only, 0\.0\.0\.0:9464 for every interface/],
    ['127.0.0.1:99999', /port must be 0-65535/],
    ['127.0.0.1:', /port must be 0-65535/],
    ['127.0.0.1:-1', /port must be 0-65535/],
    ['127.0.0.1:12ab', /port must be 0-65535/],
    ['127.0.0.1:9464:1', /expected HOST:PORT/],
    ['::1:9464', /put an IPv6 address in brackets/],
    ['[127.0.0.1]:9464', /is not an IPv6 address/],
    ['[::1]', /expected HOST:PORT/],
    ['bad host:9464', /expected HOST:PORT/],
    ['-h:9464', /expected HOST:PORT/],
    ['http://127.0.0.1:9464', /expected HOST:PORT/],
  ];
  for (const [addr, re] of cases) {
    try {
      parseListen(addr);
      t.fail(`${JSON.stringify(addr)} accepted`);
    } catch (err) {
      t.ok(err instanceof VigilError && err.exitCode === 2, `${JSON.stringify(addr)}: exit 2`);
      t.match((err as Error).message, re, `${JSON.stringify(addr)}: ${(err as Error).message}`);
      t.notMatch((err as Error).message, /\n/, 'one line');
    }
  }
});

t.test('formatHostPort brackets IPv6', async (t) => {
  t.equal(formatHostPort('::1', 9464), '[::1]:9464');
  t.equal(formatHostPort('127.0.0.1', 9464), '127.0.0.1:9464');
});

t.test('toListenAddress checks an already-parsed address too: nothing malformed reaches listen()', async (t) => {
  t.same(toListenAddress({ host: '::1', port: 0 }), { host: '::1', port: 0 });
  t.same(toListenAddress('9464'), { host: '127.0.0.1', port: 9464 });
  for (const bad of [['127.0.0.1:1', '127.0.0.1:2'], {}, { host: '', port: 1 }, { host: '127.0.0.1' }, { host: '127.0.0.1', port: 1.5 }, { host: '127.0.0.1', port: 70000 }, null, 9464]) {
    t.match(thrown(() => toListenAddress(bad)), { exitCode: 2 }, JSON.stringify(bad));
  }
});
