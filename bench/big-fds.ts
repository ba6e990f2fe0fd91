/**
 * What other vigils look like to the connections tier's fd scan: processes holding thousands of fds
 * (kept /proc files) whose count moves every second, holding a listener, and each second opening a
 * connection to their own listener and closing the one of the second before (a scrape). For
 * `npm run bench -- conns-native` (BENCH_CN_CASES=bigfds,servebig).
 */
import { ChildProcess, spawn } from 'child_process';
import { sleep } from './util';

const CHILD = `
const fs = require('fs'), net = require('net');
const n = Number(process.argv[1]);
const fds = [];
for (let i = 0; i < n; i++) fds.push(fs.openSync('/dev/null', 'r'));
const held = [];
const srv = net.createServer((s) => held.push(s)).listen(0, '127.0.0.1', () => {
  const port = srv.address().port;
  let k = 0;
  let c = null;
  setInterval(() => {
    // The count moves by a few fds every second, up and down, as processes come and go.
    const d = (k++ % 4) - 1;
    for (let j = 0; j < Math.abs(d) * 3; j++) d > 0 ? fds.push(fs.openSync('/dev/null', 'r')) : fs.closeSync(fds.pop());
    if (c) c.destroy();
    for (const s of held.splice(0)) s.destroy();
    c = net.connect(port, '127.0.0.1');
    c.on('error', () => {});
  }, 1000);
});
`;

/** Starts k such processes of n fds each; returns the function that kills them. */
export async function bigFdProcesses(k: number, n: number): Promise<() => void> {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < k; i++) kids.push(spawn(process.execPath, ['-e', CHILD, String(n)], { stdio: 'ignore' }));
  await sleep(1000);
  return () => {
    for (const c of kids) {
      try {
        if (c.pid) process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
}
