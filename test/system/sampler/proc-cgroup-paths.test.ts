/**
 * `cgroupPaths: false` (what `vigil serve` asks for: nothing it serves or alerts on reads a process's cgroup
 * path) leaves /proc/PID/cgroup unread in both process readers; everything else is read as before.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import t from 'tap';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeProcReader } from '../../../src/sampler/native/procs';
import { ProcReader } from '../../../src/sampler/procs';
import { sharedFdBudget } from '../../helpers/proc';

const { addon } = loadNative();

t.test('live /proc: cgroup null without cgroup paths, the path with them, the same processes', async (t) => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 100));
  const truth = fs.readFileSync(`/proc/${child.pid}/cgroup`, 'utf8');
  const base = { pageSize: 4096, procIntervalMs: 1000, maxKeptFds: sharedFdBudget() };
  const kinds: [string, (o: typeof base & { cgroupPaths?: boolean }) => ProcReader | NativeProcReader][] = [['TypeScript', (o) => new ProcReader(o)]];
  if (addon) kinds.push(['native', (o) => new NativeProcReader(addon, o)]);
  for (const [label, make] of kinds) {
    // One pair open at a time: each reader keeps fds per process, and four at once ran out of fds (EMFILE)
    // beside 1,000 extra processes.
    const on = make(base);
    const off = make({ ...base, cgroupPaths: false });
    let a, b;
    try {
      for (const r of [on, off]) r.discover(1n);
      a = on.read(1n).procs.find((p) => p.pid === child.pid);
      b = off.read(1n).procs.find((p) => p.pid === child.pid);
    } finally {
      on.close();
      off.close();
    }
    t.ok(a !== undefined && b !== undefined, `${label}: the child is read by both`);
    t.ok(a!.cgroup !== null && truth.includes(a!.cgroup), `${label}: with cgroup paths, ${a!.cgroup} (from ${JSON.stringify(truth.split('\n')[0])})`);
    t.equal(b!.cgroup, null, `${label}: without, none`);
    t.same({ ...b!, cgroup: a!.cgroup }, a!, `${label}: the rest is the same read`);
  }
});
