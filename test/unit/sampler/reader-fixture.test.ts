/** The whole sampler over a directory of fixture text standing in for /proc. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { derive } from '../../../src/derive/derive';
import { Sampler } from '../../../src/sampler/sampler';
import { classifyDisk } from '../../../src/sampler/system';
import { FIXTURES } from '../../helpers/paths';

const REAL = path.join(FIXTURES, 'proc', 'debian12-6.18');

function fixtureRoot(t: Test): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-proc-'));
  fs.cpSync(REAL, root, { recursive: true });
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

function newSampler(root: string): Sampler {
  const passwd = path.join(root, 'passwd');
  fs.writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\n');
  return new Sampler({ procRoot: root, sysRoot: path.join(root, 'no-sys'), passwdPath: passwd, filesystems: false, connections: false, procIntervalMs: 100 });
}

t.test('system and process files read from a fixture root', async (t) => {
  const root = fixtureRoot(t);
  const s = newSampler(root);
  t.teardown(() => s.close());
  const a = s.sample(1_000_000_000n);
  t.equal(a.sys.stat.cores.length, 2);
  t.ok(a.sys.mem.total);
  t.ok(a.sys.net.find((n) => n.iface === 'lo'));
  t.same(a.sys.disks.map((d) => d.device), ['vda'], 'whole disks only: loop and zram left out');
  t.ok(a.sys.psi.cpu?.some);
  const pids = a.procs?.procs.map((p) => p.pid).sort((x, y) => x - y);
  t.same(pids, [2, 1234]);
  const sleep = a.procs?.procs.find((p) => p.pid === 1234);
  t.equal(sleep?.cmdline, 'sleep 30');
  t.equal(sleep?.user, 'root');
  t.equal(sleep?.run_ns, 870828);
  t.equal(sleep?.rss_bytes, 403 * s.host.page_size);
  t.equal(sleep?.slow?.rchar, 6976);
  const kt = a.procs?.procs.find((p) => p.pid === 2);
  t.equal(kt?.kthread, true);
  t.equal(kt?.cmdline, '');
});

t.test('counters move between reads of kept fds; a reused pid starts over', async (t) => {
  const root = fixtureRoot(t);
  const s = newSampler(root);
  t.teardown(() => s.close());
  const a = s.sample(1_000_000_000n);
  const stat = fs.readFileSync(path.join(root, '1234/stat'), 'utf8');
  // One second later: 0.5 s more on the CPU (schedstat), 100 more minor faults.
  fs.writeFileSync(path.join(root, '1234/schedstat'), `${870828 + 5e8} 267219 5\n`);
  fs.writeFileSync(path.join(root, '1234/stat'), stat.replace(' 143 0 0 0 ', ' 243 0 0 0 '));
  const b = s.sample(2_000_000_000n);
  const p = derive(a, b, s.host).procs?.find((x) => x.pid === 1234);
  // A sample's stamp moves by the real time its discovery took (µs here, ms on a loaded machine: 50.06 %
  // was seen), so the rates are taken against the two tables' own stamps, 1 s apart give or take that.
  const dt = Number(b.procs!.mono_ns - a.procs!.mono_ns) / 1e9;
  t.ok(dt > 0.5 && dt < 1.5, `interval ${dt} s`);
  t.ok(Math.abs(p!.cpu_pct! - (0.5 / dt) * 100) < 1e-6, `cpu ${p?.cpu_pct} = 0.5 s on CPU over ${dt} s`);
  t.ok(Math.abs(p!.minflt_per_s! - 100 / dt) < 1e-6, `minflt/s ${p?.minflt_per_s} = 100 over ${dt} s`);
  // pid 1234 is reused by a process with another start time and a large schedstat: no spike.
  fs.writeFileSync(path.join(root, '1234/stat'), stat.replace(' 84632 ', ' 99999 '));
  fs.writeFileSync(path.join(root, '1234/schedstat'), '900000000000 1 1\n');
  const c = s.sample(3_000_000_000n);
  const q = derive(b, c, s.host).procs?.find((x) => x.pid === 1234);
  t.equal(q?.start_time, 99999);
  t.equal(q?.cpu_pct, null, 'new identity: no rate');
});

t.test('an idle process is read through schedstat alone; what moves without it running shows in bounded time', async (t) => {
  const root = fixtureRoot(t);
  const stat = fs.readFileSync(path.join(root, '1234/stat'), 'utf8');
  // 1300: a child of 1234, as idle as its parent.
  fs.cpSync(path.join(root, '1234'), path.join(root, '1300'), { recursive: true });
  fs.writeFileSync(path.join(root, '1300/stat'), stat.replace(/^1234 /, '1300 ').replace(' S 6497 ', ' S 1234 '));
  const s = newSampler(root);
  t.teardown(() => s.close());
  // Every call a process tick: the sampler moves its stamp by the real time discovery took, and on a
  // loaded machine more than half a 100 ms step would skip the next table and slow the tiers' rotation.
  const at = (ms: number): ReturnType<Sampler['sample']> => s.sample(BigInt(ms) * 1_000_000n, true);
  const find = (x: ReturnType<Sampler['sample']>, pid: number) => x.procs!.procs.find((p) => p.pid === pid)!;
  // Two io/fd reads that agree make a zero-rate pair; from then on nothing of 1234 is re-read but schedstat.
  let prev = at(1000);
  for (let ms = 1100; ms <= 3000; ms += 100) prev = at(ms);
  const idle = at(3100);
  t.equal(find(idle, 1234), find(prev, 1234), 'same schedstat bytes: the previous sample, unchanged');
  t.equal(derive(prev, idle, s.host).procs!.find((p) => p.pid === 1234)!.cpu_pct, 0);

  // Reclaim takes pages from the sleeping process (RSS down) while it does not run: by design that waits
  // for the status tier, which forces a full read within 5 s.
  fs.writeFileSync(path.join(root, '1234/stat'), stat.replace(' 2990080 403 ', ' 2990080 300 '));
  t.equal(find(at(3200), 1234).rss_bytes, 403 * s.host.page_size, 'not run: stat not re-read yet');
  let seenAt = -1;
  for (let ms = 3300; ms <= 8300 && seenAt < 0; ms += 100) if (find(at(ms), 1234).rss_bytes === 300 * s.host.page_size) seenAt = ms;
  t.ok(seenAt > 0 && seenAt - 3200 <= 5000, `RSS change seen ${seenAt - 3200} ms later (≤ 5 s)`);

  // It runs: schedstat moves and stat is read on the same tick.
  fs.writeFileSync(path.join(root, '1234/schedstat'), `${870828 + 1e6} 267219 2\n`);
  fs.writeFileSync(path.join(root, '1234/stat'), stat.replace(' 143 0 0 0 ', ' 150 0 0 0 '));
  t.equal(find(at(8400), 1234).minflt, 150);

  // The parent exits and 1300 is reparented to init without running: read in full within one more tick.
  fs.rmSync(path.join(root, '1234'), { recursive: true });
  fs.writeFileSync(path.join(root, '1300/stat'), stat.replace(/^1234 /, '1300 ').replace(' S 6497 ', ' S 1 '));
  const a = at(8500);
  const b = at(8600);
  t.ok(find(a, 1300).ppid === 1 || find(b, 1300).ppid === 1, 'new parent shown within a tick of the old one leaving');
  t.equal(find(b, 1300).ppid, 1);
});

t.test('a pid listed but gone before it is read is skipped silently', async (t) => {
  const root = fixtureRoot(t);
  fs.mkdirSync(path.join(root, '777')); // listed, but no stat: exited between readdir and open
  fs.mkdirSync(path.join(root, '778'));
  fs.writeFileSync(path.join(root, '778/stat'), '778 (half'); // torn
  const s = newSampler(root);
  t.teardown(() => s.close());
  const pids = s.sample(1n).procs?.procs.map((p) => p.pid);
  t.notOk(pids?.includes(777));
  t.notOk(pids?.includes(778));
  fs.rmSync(path.join(root, '1234'), { recursive: true });
  const later = s.sample(2_000_000_000n).procs?.procs.map((p) => p.pid);
  t.notOk(later?.includes(1234), 'a process that left the listing is dropped');
});

t.test('hostile comm with a newline through the whole reader', async (t) => {
  const root = fixtureRoot(t);
  const stat = fs.readFileSync(path.join(root, '1234/stat'), 'utf8');
  fs.writeFileSync(path.join(root, '1234/stat'), stat.replace('(sleep)', '(a) R 1 (b\nx)'));
  const s = newSampler(root);
  t.teardown(() => s.close());
  const p = s.sample(1n).procs?.procs.find((x) => x.pid === 1234);
  t.equal(p?.comm, 'a) R 1 (b\nx');
  t.equal(p?.ppid, 6497);
});

t.test('missing system files give empty sections, not errors', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-empty-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const s = new Sampler({ procRoot: root, sysRoot: root, filesystems: false, connections: false });
  t.teardown(() => s.close());
  const a = s.sample(1n);
  t.equal(a.sys.stat.total, null);
  t.same(a.sys.net, []);
  t.equal(a.sys.psi.cpu, null);
  t.same(a.procs?.procs, []);
  const snap = derive(a, s.sample(200_000_000n), s.host);
  t.equal(snap.cpu.cpu_pct, null);
});

t.test('disk classification by /sys, or by name without it', async (t) => {
  t.equal(classifyDisk('/sys', 'vda'), 'disk');
  t.equal(classifyDisk('/sys', 'loop0'), 'virtual');
  t.equal(classifyDisk('/sys', 'vda1'), 'partition', 'not in /sys/block');
  t.equal(classifyDisk('/nonexistent', 'sda1'), 'partition');
  t.equal(classifyDisk('/nonexistent', 'nvme0n1p2'), 'partition');
  t.equal(classifyDisk('/nonexistent', 'nvme0n1'), 'disk');
  t.equal(classifyDisk('/nonexistent', 'dm-0'), 'virtual');
});
