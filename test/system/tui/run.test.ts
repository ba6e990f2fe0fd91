/** `vigil run` in a real pseudo-terminal: the command runs under the shim, followed, and sets the exit code. */
import * as net from 'net';
import t from 'tap';
import { Tui } from '../../helpers/tui';

t.test('vigil run: follows the command, shows its shim-counted traffic, exits with its code', async (t) => {
  let received = 0;
  const server = net.createServer((s) => s.on('data', (d) => (received += d.length)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  // Sends 1 MiB a second for a few seconds, then exits with 3.
  const script = `const c=require('net').connect(${port},'127.0.0.1');let n=0;const i=setInterval(()=>{c.write(Buffer.alloc(1<<20));if(++n===6){clearInterval(i);c.end(()=>process.exit(3));}},1000);`;
  const tui = new Tui(['run', '--proc-interval', '500', '--', process.execPath, '-e', script, 'vigil-run-test'], { cols: 220, rows: 50 });
  t.teardown(() => tui.kill());
  let s = await tui.waitFor(/follow \d+/);
  t.match(s, /running .* its output goes to/, 'the status line says where the output goes');
  const pid = /follow (\d+)/.exec(s)![1];
  const rowOf = (x: string): string | undefined => x.split('\n').find((l) => new RegExp(`^│\\s*${pid}\\s`).test(l));
  s = await tui.waitFor((x) => /\d(\.\d)?[KM]\*/.test(rowOf(x) ?? ''));
  const row = rowOf(s)!;
  t.match(row, /[\d.]+[KM]\*/, `NET TX/s from the shim, marked *: ${row.replace(/\s+/g, ' ').slice(0, 120)}`);
  tui.keys('\r');
  s = await tui.waitFor(/shim\s+ip rx .* tx /);
  t.match(s, /peers\s+127\.0\.0\.1:\d+ tx/, 'the detail view lists the peer');
  tui.keys('\x1b');
  await tui.waitFor(/exited with code 3/, 20000);
  t.ok(received >= 6 << 20, `the server got ${received} bytes`);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 3, "vigil exits with the command's code");
});

t.test('vigil run: quitting before the command ends stops it', async (t) => {
  const tui = new Tui(['run', '--', 'sleep', '300'], { cols: 120, rows: 40 });
  t.teardown(() => tui.kill());
  await tui.waitFor(/follow \d+/);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 143, 'sleep got SIGTERM: 128 + 15');
});
