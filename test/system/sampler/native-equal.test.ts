/**
 * The native sampler core against the TypeScript readers: the same fixture /proc trees (a real machine's
 * and a hostile one), the same clock, equal Samples field by field, tick after tick while the fixture
 * moves; a property over generated stat lines; pids that vanish mid-read; and the live /proc, on a
 * stopped child whose every file holds still. Skips, saying why, when the addon was not built.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import t, { Test } from 'tap';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeProcReader } from '../../../src/sampler/native/procs';
import { NativeSystemReader } from '../../../src/sampler/native/system';
import { ProcReader } from '../../../src/sampler/procs';
import { SHARED_SYSTEM_FILES, SharedSystemFile, SystemReader } from '../../../src/sampler/system';
import { becomeZombie, bornInExec, enterExec, finishExec } from '../../helpers/exec-fixture';
import { FIXTURES as FIXTURE_ROOT } from '../../helpers/paths';
import { sharedFdBudget } from '../../helpers/proc';

const { addon, error } = loadNative();
const skip = addon ? false : `the native sampler core is not built here (${error})`;
// The source tree's fixtures (helpers/paths), not __dirname's: under dist/test/ they were links to the
// sources, and a copy of links wrote this test's changes into the repository's fixtures.
const FIXTURES = path.join(FIXTURE_ROOT, 'proc');
const PAGE = 4096;

function copyTree(t: Test, name: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-native-'));
  fs.cpSync(path.join(FIXTURES, name), root, { recursive: true });
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nann:x:1001:1001::/home/ann:/bin/sh\n');
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Both readers of both tiers over one root, read at the same clock. */
function pair(t: Test, root: string, sysRoot = path.join(root, 'no-sys'), procIntervalMs = 100) {
  const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: PAGE, procIntervalMs, maxKeptFds: sharedFdBudget() };
  const ts = { sys: new SystemReader({ procRoot: root, sysRoot }), procs: new ProcReader(opts) };
  const nat = { sys: new NativeSystemReader(addon!, { procRoot: root, sysRoot }), procs: new NativeProcReader(addon!, opts) };
  t.teardown(() => {
    ts.sys.close();
    ts.procs.close();
    nat.sys.close();
    nat.procs.close();
  });
  const read = (r: typeof ts | typeof nat, ns: bigint) => {
    r.procs.discover(ns);
    return { sys: r.sys.read(ns), procs: r.procs.read(ns) };
  };
  return { ts, nat, read: (ns: bigint) => ({ ts: read(ts, ns), nat: read(nat, ns) }) };
}

t.test('fixture trees: equal Samples tick after tick while the files move', { skip }, async (t) => {
  for (const tree of ['debian12-6.18', 'hostile']) {
    const root = copyTree(t, tree);
    const p = pair(t, root);
    // 4243's schedstat sits near 2^64: moving it down would add its whole value again (a reused tid) and
    // take the running sum past 2^64, which C keeps in 64 bits (584 years of CPU) and TypeScript exactly.
    const pids = fs.readdirSync(root).filter((n) => /^\d+$/.test(n) && n !== '4243');
    for (let tick = 1; tick <= 80; tick++) {
      // Every 7th tick a process runs (schedstat and stat move); every 11th its io moves; at 40 one is reused.
      if (tick % 7 === 0) {
        const pid = pids[tick % pids.length];
        fs.writeFileSync(path.join(root, pid, 'schedstat'), `${1000 * tick} ${tick} ${tick}\n`);
        const st = fs.readFileSync(path.join(root, pid, 'stat'), 'latin1');
        fs.writeFileSync(path.join(root, pid, 'stat'), st.replace(/ 20 0 (\d+) 0 /, ` 20 ${tick % 3} $1 0 `), 'latin1');
      }
      if (tick % 11 === 0 && fs.existsSync(path.join(root, pids[0], 'io'))) {
        fs.writeFileSync(path.join(root, pids[0], 'io'), `rchar: ${tick}\nwchar: 0\nread_bytes: 0\nwrite_bytes: ${tick * 4096}\n`);
      }
      if (tick === 40) {
        const st = fs.readFileSync(path.join(root, pids[0], 'stat'), 'latin1');
        fs.writeFileSync(path.join(root, pids[0], 'stat'), st.replace(' 84632 ', ' 99999 '), 'latin1');
      }
      const ns = BigInt(tick) * 100_000_000n;
      const r = p.read(ns);
      t.same(r.nat.sys, r.ts.sys, `${tree} tick ${tick}: system`, { diagnostic: tick === 1 });
      t.same(r.nat.procs, r.ts.procs, `${tree} tick ${tick}: processes`);
    }
  }
});

t.test('hostile fixtures read as the kernel means them', { skip }, async (t) => {
  const root = copyTree(t, 'hostile');
  const { nat } = pair(t, root);
  nat.procs.discover(1n);
  const sys = nat.sys.read(1n);
  const procs = nat.procs.read(1n).procs;
  const max = 18446744073709551615n;
  t.equal(sys.stat.total?.user, max, 'a counter of 2^64 - 1 stays exact');
  t.same(sys.stat.cores.map((c) => (c === null ? null : Object.values(c).filter((v) => v !== null).length)), [4, 7, 8, null, 10, 10], '4/7/8/10 columns; cpu3 offline; cpu6 with 3 columns left out');
  t.equal(sys.stat.cores[2]?.user, 9007199254740993n, '2^53 + 1 is not rounded');
  t.equal(sys.stat.processes, 9007199254740992n);
  t.same(sys.disks.map((d) => [d.device, d.discards === null, d.flushes === null]), [['vda', true, true], ['vdb', false, true], ['nvme0n1', false, false]], '14/18/20 fields; partitions and loop out');
  t.equal(sys.net.find((n) => n.iface === 'abcdefghijklmno')?.rx_bytes, max, 'a 15-character name touching its colon');
  t.notOk(sys.net.some((n) => n.iface === 'bad0'), 'a short row is left out');
  t.equal(sys.mem.dirty, null, 'a value past 2^53 kB is not a byte count');
  t.same(sys.psi.memory, { some: { avg10: 0, avg60: 0, avg300: 0, total: 0 }, full: null }, 'a PSI line missing a key is left out');
  const odd = procs.find((x) => x.pid === 4242)!;
  t.equal(odd.comm, 'a) R 1 (b\nx y', 'comm up to the last )');
  t.equal(odd.state, 'S');
  t.equal(odd.minflt, max);
  t.equal(procs.find((x) => x.pid === 4243)?.comm, ')()');
  t.equal(procs.find((x) => x.pid === 4300)?.run_ns, 1000n + 2000n + 9007199254740000n, 'threads summed (exact above 2^53)');
  t.equal(procs.find((x) => x.pid === 4300)?.vol_ctxsw, max);
  t.equal(procs.find((x) => x.pid === 4400)?.slow?.rchar, null, 'no io: unknown, not 0');
  for (const x of procs) for (const [k, v] of Object.entries(x)) if (typeof v === 'number') t.ok(Number.isFinite(v) && (v >= 0 || k === 'nice' || k === 'priority'), `${x.pid}.${k} = ${v}`);
});

t.test('the text handed to the node tier: this read\'s bytes, the same in C and TypeScript, null when unreadable', { skip }, async (t) => {
  const root = copyTree(t, 'debian12-6.18');
  fs.rmSync(path.join(root, 'net', 'snmp'));
  const p = pair(t, root);
  const rel: Record<SharedSystemFile, string> = { stat: 'stat', meminfo: 'meminfo', netdev: 'net/dev', snmp: 'net/snmp', vmstat: 'vmstat', diskstats: 'diskstats' };
  for (let tick = 1; tick <= 6; tick++) {
    // The files move on odd ticks (parsed again) and hold still on even ones (the kept bytes are handed over).
    if (tick % 2 === 1) {
      fs.appendFileSync(path.join(root, 'meminfo'), `Extra${tick}:   ${tick} kB\n`);
      fs.writeFileSync(path.join(root, 'vmstat'), `pgfault ${tick}\npgmajfault 1\n`);
    }
    p.read(BigInt(tick) * 100_000_000n);
    for (const f of SHARED_SYSTEM_FILES) {
      const truth = fs.existsSync(path.join(root, rel[f])) ? fs.readFileSync(path.join(root, rel[f]), 'utf8') : null;
      t.equal(p.ts.sys.text(f), truth, `tick ${tick}: ${f} (TypeScript)`);
      t.equal(p.nat.sys.text(f), truth, `tick ${tick}: ${f} (native)`);
    }
  }
  t.equal(p.nat.sys.text('snmp'), null, 'a file the kernel lacks: null, and the node tier reads it itself');
});

t.test('the native core takes no negative number for a counter', { skip }, async (t) => {
  const root = copyTree(t, 'debian12-6.18');
  fs.writeFileSync(path.join(root, 'vmstat'), 'pgfault -5\npgmajfault 1\n');
  const { nat, ts } = pair(t, root);
  t.equal(nat.sys.read(1n).vmstat?.pgfault, null, 'native: not given');
  t.equal(ts.sys.read(1n).vmstat?.pgfault, -5, 'the TypeScript parser passes it on (left as it is: the reference)');
});

t.test('pids that vanish between listing and reading are dropped, never an error', { skip }, async (t) => {
  const root = copyTree(t, 'hostile');
  const p = pair(t, root);
  p.read(100_000_000n);
  // Listed but gone before its files are opened (ENOENT); and one whose stat is cut short after it ran.
  fs.mkdirSync(path.join(root, '5555'));
  for (const r of [p.ts, p.nat]) r.procs.discover(200_000_000n);
  fs.writeFileSync(path.join(root, '4243', 'schedstat'), '1 2 3\n');
  fs.writeFileSync(path.join(root, '4243', 'stat'), '4243 (torn');
  const a = p.ts.procs.read(200_000_000n);
  const b = p.nat.procs.read(200_000_000n);
  t.same(b, a);
  t.same(b.procs.map((x) => x.pid).sort(), [4242, 4300, 4400]);
  // (A fixture file stays readable through a kept fd after its directory is removed; the live test below
  // checks the real thing, ESRCH from a kept fd of a process that exited.)
});

t.test('a process inside execve: both readers leave it out for one tick, the same way', { skip }, async (t) => {
  const root = copyTree(t, 'debian12-6.18');
  const p = pair(t, root);
  const steps: [string, () => void][] = [
    ['before', () => {}],
    ['1234 enters exec, 5555 is born inside one', () => {
      enterExec(root, 1234, 'python3');
      bornInExec(root, 1234, 5555, 90000);
    }],
    ['1234 done; 5555 still at startcode 0', () => finishExec(root, 1234, ['python3', '-c', 'pass'])],
    ['5555 done', () => finishExec(root, 5555, ['sleep', '5'])],
    ['1234 exits', () => becomeZombie(root, 1234)],
  ];
  let tick = 0;
  for (const [what, step] of steps) {
    step();
    const r = p.read(BigInt(++tick) * 100_000_000n);
    t.same(r.nat.procs, r.ts.procs, what);
    const names = r.ts.procs.procs.map((x) => `${x.pid}:${x.comm}:${x.cmdline}`).sort();
    t.ok(!names.some((n) => n.startsWith('1234:python3:sleep')), `${what}: never the mixed identity (${names})`);
  }
});

t.test('property: generated stat lines read the same in C and in TypeScript', { skip }, async (t) => {
  const root = copyTree(t, 'debian12-6.18');
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const small = fc.integer({ min: 0, max: 1 << 30 });
  const comm = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '(', ')', '\n', 'R', '1', 'é', '\t'), maxLength: 20 });
  let pid = 20000;
  let cols = 4;
  await fc.assert(
    fc.asyncProperty(comm, u64, u64, u64, u64, small, fc.integer({ min: -20, max: 19 }), small, fc.integer({ min: 4, max: 11 }), async (c, minflt, majflt, utime, stime, threads, nice, start, ncols) => {
      pid++;
      const dir = path.join(root, String(pid));
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'stat'), `${pid} (${c}) S 1 ${pid} ${pid} 0 -1 4194304 ${minflt} 0 ${majflt} 0 ${utime} ${stime} 0 0 20 ${nice} ${threads % 4 + 1} 0 ${start} 2990080 403 18446744073709551615 1 2 3 0 0 0 0 6 0 1 0 0 17 1 0 0\n`);
      fs.writeFileSync(path.join(dir, 'status'), 'Uid:\t0\t0\t0\t0\n');
      cols = ncols;
      const line = (name: string) => `${name} ${Array.from({ length: cols }, (_, i) => (i === 0 ? String(utime) : String(i))).join(' ')}\n`;
      fs.writeFileSync(path.join(root, 'stat'), `${line('cpu')}${line('cpu0')}${line('cpu3')}ctxt ${minflt}\n`);
      const p = pair(t, root);
      const r = p.read(BigInt(pid) * 1_000_000n);
      fs.rmSync(dir, { recursive: true });
      return JSON.stringify(r.nat, big) === JSON.stringify(r.ts, big);
    }),
    { numRuns: 150 },
  );
  t.pass('150 generated stat files');
});

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

t.test('live /proc: a stopped process reads the same; what cannot move between two reads agrees', { skip }, async (t) => {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise((res) => child.once('spawn', res));
  // Wait until the child has exec'd sleep (its comm says so), then stop it: its files hold still.
  for (let i = 0; i < 200 && !fs.readFileSync(`/proc/${child.pid}/stat`, 'latin1').includes('(sleep)'); i++) await new Promise((r) => setTimeout(r, 10));
  process.kill(child.pid!, 'SIGSTOP');
  for (let i = 0; i < 200 && !/\) T /.test(fs.readFileSync(`/proc/${child.pid}/stat`, 'latin1')); i++) await new Promise((r) => setTimeout(r, 10));
  const p = pair(t, '/proc', '/sys', 1000);
  const ns = process.hrtime.bigint();
  const r = p.read(ns);
  const mine = (x: typeof r.ts) => x.procs.procs.find((q) => q.pid === child.pid);
  t.ok(mine(r.ts), 'the TypeScript reader sees the child');
  t.same(mine(r.nat), mine(r.ts), 'the stopped child, field by field');
  const still = (x: typeof r.ts) => ({
    cores: x.sys.stat.cores.length,
    online: x.sys.stat.cores.map((c) => c !== null),
    btime: x.sys.stat.btime,
    memTotal: x.sys.mem.total,
    swapTotal: x.sys.mem.swap_total,
    ifaces: x.sys.net.map((n) => [n.iface, n.ifindex]),
    disks: x.sys.disks.map((d) => [d.device, d.major, d.minor]),
    psi: [x.sys.psi.cpu === null, x.sys.psi.memory === null, x.sys.psi.io === null],
  });
  t.same(still(r.nat), still(r.ts), 'system facts that cannot change between two back-to-back reads');
  // Processes in both reads with the same identity agree on what identity means.
  const ids = new Map(r.ts.procs.procs.map((q) => [q.pid, q]));
  let compared = 0;
  for (const q of r.nat.procs.procs) {
    const o = ids.get(q.pid);
    if (!o || o.start_time !== q.start_time) continue;
    compared++;
    if (q.kthread !== o.kthread || q.uid !== o.uid || q.pgrp !== o.pgrp) t.fail(`pid ${q.pid} differs: ${JSON.stringify([q.kthread, q.uid, q.pgrp])} vs ${JSON.stringify([o.kthread, o.uid, o.pgrp])}`);
  }
  t.ok(compared > 1, `${compared} processes compared by identity`);
  // The child exits while the readers hold its fds: ESRCH on the next read drops it quietly.
  child.kill('SIGKILL');
  await new Promise((res) => child.once('exit', res));
  const later = p.read(ns + 1_000_000_000n);
  t.notOk(mine(later.nat), 'gone after it exited');
  t.notOk(mine(later.ts));
});
