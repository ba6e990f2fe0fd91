/**
 * The shim's counters against ground truth: test/system/shim/c/netprog.c moves known bytes with every call
 * family and reports what each call returned; the shim's counters, read by ShimReader while the processes
 * are alive, must match exactly, per pid.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import t, { Test } from 'tap';
import { counterToNumber } from '../../../src/model/counter';
import { CLASSES, COUNTERS_OFF, FNS, HDR, ioBytes } from '../../../src/sampler/shim/layout';
import { ShimReader } from '../../../src/sampler/shim/reader';
import type { ShimProcSample } from '../../../src/model/shim';
import { buildAll, Prog, shimEnv, startTimeOf, tmpDir } from '../../helpers/shim';

const built = buildAll();
const uid = process.geteuid!();

interface Tally {
  io: Record<string, [number, number]>;
  connect: Record<string, [number, number]>;
  lat: number;
  dests: Record<string, [number, number]>;
}

function parseReport(line: string): { tag: string; pid: number; tally: Tally } {
  const m = /^(\w+) (\d+) (.*)$/.exec(line);
  if (!m) throw new Error(`bad report line: ${line}`);
  return { tag: m[1], pid: Number(m[2]), tally: JSON.parse(m[3]) as Tally };
}

function addTally(a: Tally, b: Tally): Tally {
  const sum = (x: Record<string, [number, number]>, y: Record<string, [number, number]>) => {
    const out: Record<string, [number, number]> = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = [(out[k]?.[0] ?? 0) + v[0], (out[k]?.[1] ?? 0) + v[1]];
    return out;
  };
  return { io: sum(a.io, b.io), connect: sum(a.connect, b.connect), lat: a.lat + b.lat, dests: sum(a.dests, b.dests) };
}

/**
 * Node gives a child Unix socketpairs for stdio, not pipes, so the program's own report lines on stdout are
 * Unix-socket writes, and the shim rightly counts them: one write per line.
 */
function withStdout(tl: Tally, lines: string[]): Tally {
  const bytes = lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
  return addTally(tl, { io: { 'unix.write': [lines.length, bytes] }, connect: {}, lat: 0, dests: {} });
}

function newReader(dir: string): { reader: ShimReader; warnings: string[] } {
  const warnings: string[] = [];
  const reader = new ShimReader({ dirs: [{ path: dir, uid }], warn: (m) => warnings.push(m) });
  return { reader, warnings };
}

function byPid(procs: ShimProcSample[]): Map<number, ShimProcSample> {
  return new Map(procs.map((p) => [p.pid, p]));
}

const n = counterToNumber;

/**
 * The shim adds to a counter after the call returns, so a line the test has already received on stdout
 * may not be counted yet: read until the check passes (or 3 s pass, and the check's failure is reported).
 */
async function readUntil(reader: ShimReader, ok: (procs: Map<number, ShimProcSample>) => boolean): Promise<Map<number, ShimProcSample>> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const procs = byPid(reader.read().procs);
    if (ok(procs) || Date.now() > deadline) return procs;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function ioDiffs(s: ShimProcSample | undefined, tally: Tally): string[] {
  if (!s) return ['no sample'];
  const diffs: string[] = [];
  for (const cls of CLASSES) {
    for (const fn of FNS) {
      const want = tally.io[`${cls}.${fn}`] ?? [0, 0];
      const got = [n(s.io[cls][fn].calls), n(s.io[cls][fn].bytes)];
      if (got[0] !== want[0] || got[1] !== want[1]) diffs.push(`${cls}.${fn}: shim ${got.join('/')} program ${want.join('/')}`);
    }
  }
  return diffs;
}

/** Every (class, fn) cell: exactly the program's tally, zero where it did nothing. */
function checkIo(t: Test, s: ShimProcSample, tally: Tally, label: string): void {
  t.same(ioDiffs(s, tally), [], `${label}: every call family's calls and bytes match exactly`);
}


t.test('TCP, UDP and Unix traffic with every call family, across fork and exec: exact, per pid', async (t) => {
  const dir = tmpDir('full');
  const prog = new Prog(built.netprog, ['full'], shimEnv(built.shim, dir));
  const lines = await prog.waitLines(/^(READY|PART) /, 3);
  const reports = lines.map(parseReport);
  const parent = reports.find((r) => r.tag === 'READY' && r.pid === prog.child.pid)!;
  const childParts = reports.filter((r) => r.pid !== prog.child.pid);
  t.equal(childParts.length, 2, 'the forked child reported before its exec, and again after it under the same pid');
  const childPid = childParts[0].pid;
  const child = childParts.reduce((acc, r) => addTally(acc, r.tally), { io: {}, connect: {}, lat: 0, dests: {} } as Tally);
  const parentLines = lines.filter((l) => parseReport(l).pid === prog.child.pid);
  const childLines = lines.filter((l) => parseReport(l).pid === childPid);

  // The workload did what it was written to do (so "matches the program" means "matches the plan").
  const bytes = (tl: Tally, cls: string, fns: readonly string[]) => fns.reduce((a, fn) => a + (tl.io[`${cls}.${fn}`]?.[1] ?? 0), 0);
  const TX = FNS.slice(0, 7);
  const RX = FNS.slice(7);
  // W(k): TCP 7780k + 50 each way, UDP 2292k, Unix 8119k; the parent ran k = 1 and 4, the child 2 and 3.
  for (const [label, tl] of [['parent', parent.tally], ['child', child]] as const) {
    t.equal(bytes(tl, 'tcp', TX), 7780 * 5 + 100, `${label}: planned TCP bytes sent`);
    t.equal(bytes(tl, 'tcp', RX), 7780 * 5 + 100, `${label}: planned TCP bytes received`);
    t.equal(bytes(tl, 'udp', TX), 2292 * 5, `${label}: planned UDP bytes sent`);
    t.equal(bytes(tl, 'unix', TX), 8119 * 5, `${label}: planned Unix bytes sent`);
  }

  const { reader, warnings } = newReader(dir);
  const pWant = withStdout(parent.tally, parentLines);
  const cWant = withStdout(child, childLines);
  const procs = await readUntil(
    reader,
    (m) => ioDiffs(m.get(prog.child.pid!), pWant).length === 0 && ioDiffs(m.get(childPid), cWant).length === 0,
  );
  t.same([...procs.keys()].sort(), [prog.child.pid!, childPid].sort(), 'one file per process');
  const ps = procs.get(prog.child.pid!)!;
  const cs = procs.get(childPid)!;
  t.equal(ps.start_time, startTimeOf(prog.child.pid!), 'keyed by the start time /proc shows');
  t.equal(cs.start_time, startTimeOf(childPid));
  checkIo(t, ps, pWant, 'parent');
  checkIo(t, cs, cWant, 'child (forked, then exec)');
  t.equal(n(ps.attaches), 1, 'the parent attached once');
  t.equal(n(cs.attaches), 2, 'the child: its own file at fork, reused by the exec image');
  t.ok(ps.attached && cs.attached);

  for (const [label, s, tl] of [['parent', ps, parent.tally], ['child', cs, child]] as const) {
    for (const cls of ['tcp', 'udp', 'unix'] as const) {
      t.same([n(s.connect[cls].attempts), n(s.connect[cls].failures)], tl.connect[cls], `${label}: ${cls} connects and failures`);
    }
    t.equal(n(s.connect_latency.count), tl.lat, `${label}: TCP connects with a latency (blocking + non-blocking via SO_ERROR)`);
    t.ok(n(s.connect_latency.sum_ns) > 0, `${label}: latency summed`);
    t.equal(
      s.connect_latency.hist.reduce((a: number, c) => a + n(c), 0),
      tl.lat,
      `${label}: histogram holds every latency`,
    );
    const peers = new Map(s.dests.map((d) => [d.inbound ? `${d.addr} (in)` : `${d.addr}:${d.port}`, d]));
    for (const [key, [tx, rx]] of Object.entries(tl.dests)) {
      const d = peers.get(key);
      t.ok(d, `${label}: peer ${key} is in the table`);
      if (d) t.same([n(d.tx_bytes), n(d.rx_bytes)], [tx, rx], `${label}: bytes to/from ${key}`);
    }
    t.equal(n(s.dest_overflow.tx_bytes) + n(s.dest_overflow.rx_bytes), 0, `${label}: the table did not overflow`);
    t.equal(n(s.untracked_calls), 0);
    t.equal(s.alloc, null, 'no allocation counters without --alloc');
  }

  const exit = await prog.finish();
  t.same(exit, { code: 0, signal: null }, 'the program ran normally');
  t.equal(prog.stderr, '', 'and printed nothing on stderr');
  const last = byPid(reader.read().procs);
  t.ok(last.get(prog.child.pid!)?.exited && last.get(childPid)?.exited, 'a final read after exit');
  checkIo(t, last.get(prog.child.pid!)!, withStdout(parent.tally, parentLines), 'final read of the parent');
  t.same(fs.readdirSync(dir), [], 'files of exited processes are removed');
  t.same(warnings, []);
  reader.close();
});

t.test('16 threads sending concurrently: totals exact', async (t) => {
  const dir = tmpDir('threads');
  const THREADS = 16;
  const ITER = 2000;
  const prog = new Prog(built.netprog, ['threads', String(THREADS), String(ITER)], shimEnv(built.shim, dir));
  const [line] = await prog.waitLines(/^READY /, 1);
  const { tally } = parseReport(line);
  const { reader } = newReader(dir);
  const s = byPid(reader.read().procs).get(prog.child.pid!)!;
  const total = THREADS * ITER;
  t.same([n(s.io.udp.sendto.calls), n(s.io.udp.sendto.bytes)], [total, total * 64], 'UDP sendto');
  t.same([n(s.io.udp.recvfrom.calls), n(s.io.udp.recvfrom.bytes)], [total, total * 64], 'UDP recvfrom');
  t.same([n(s.io.unix.send.calls), n(s.io.unix.send.bytes)], [total, total * 100], 'Unix send');
  t.same([n(s.io.unix.recv.calls), n(s.io.unix.recv.bytes)], tally.io['unix.recv'], 'Unix recv (calls as the program counted them)');
  const udpPeers = s.dests.filter((d) => d.port !== 0);
  t.equal(udpPeers.length, THREADS, 'one peer per thread');
  t.equal(udpPeers.reduce((a, d) => a + n(d.tx_bytes), 0), total * 64, 'per-peer bytes add up');
  t.same(await prog.finish(), { code: 0, signal: null });
  reader.close();
});

for (const mode of ['closerange', 'closefrom'] as const) {
  t.test(`${mode === 'closerange' ? 'close_range(3, ~0U)' : 'closefrom(3)'} then writing a file: the file is intact, counting goes on`, async (t) => {
    const dir = tmpDir(mode);
    const out = path.join(tmpDir(`${mode}-out`), 'file.txt');
    const prog = new Prog(built.netprog, [mode, out], shimEnv(built.shim, dir));
    const [ready] = await prog.waitLines(/^READY /, 1);
    const line = 'the quick brown fox jumps over the lazy dog\n';
    t.equal(fs.readFileSync(out, 'utf8'), line.repeat(1000), 'the file holds exactly what the program wrote');
    const { reader } = newReader(dir);
    const s = (await readUntil(reader, (m) => n(m.get(prog.child.pid!)?.io.unix.write.calls ?? 0) > 0)).get(prog.child.pid!)!;
    t.same([n(s.io.unix.send.calls), n(s.io.unix.send.bytes)], [2, 300], 'socket traffic before and after');
    t.equal(n(s.io.unix.recv.bytes), 300);
    const writes = CLASSES.reduce((a, c) => a + n(s.io[c].write.calls), 0);
    // The one socket write is the READY line on stdout (a socketpair from Node); the 1000 file writes on
    // the fd number the socket had are not socket traffic.
    t.equal(writes, 1, 'writes to the file that took the socket fd number are not counted as socket traffic');
    t.same([n(s.io.unix.write.calls), n(s.io.unix.write.bytes)], [1, Buffer.byteLength(ready) + 1], 'only the stdout line');
    t.same(await prog.finish(), { code: 0, signal: null });
    reader.close();
  });
}

t.test('--alloc: known allocations and frees give exact outstanding bytes', async (t) => {
  const dir = tmpDir('alloc');
  const prog = new Prog(built.netprog, ['alloc'], shimEnv(built.shimAlloc, dir));
  const { reader } = newReader(dir);
  const pid = prog.child.pid!;
  const read = () => byPid(reader.read().procs).get(pid)!;
  const outstanding = (s: ShimProcSample) => n(s.alloc!.inherited_bytes) + n(s.alloc!.alloc_bytes) - n(s.alloc!.free_bytes);

  await prog.waitLines(/^A$/, 1);
  const a = read();
  t.ok(a.alloc, 'allocation counters present');
  prog.send('\n');
  const [b] = await prog.waitLines(/^B /, 1);
  const [, usableS, npS] = b.split(' ');
  const usable = Number(usableS);
  const sb = read();
  // 1000 and 4008 are 8 mod 16: glibc's usable size equals the request for them.
  t.ok(usable >= 100 * 1000 + 10 * 1000 + 4008 + 1000 + 1024, 'the program allocated what it meant to');
  t.equal(outstanding(sb) - outstanding(a), usable, 'outstanding grew by exactly the usable bytes allocated');
  t.equal(n(sb.alloc!.malloc_calls) - n(a.alloc!.malloc_calls), 101, 'malloc calls');
  t.equal(n(sb.alloc!.calloc_calls) - n(a.alloc!.calloc_calls), 10, 'calloc calls');
  t.equal(n(sb.alloc!.realloc_calls) - n(a.alloc!.realloc_calls), 1, 'realloc calls');
  t.equal(n(sb.alloc!.memalign_calls) - n(a.alloc!.memalign_calls), 2, 'posix_memalign + aligned_alloc');
  prog.send('\n');
  await prog.waitLines(/^C$/, 1);
  const sc = read();
  t.equal(outstanding(sc), outstanding(a), 'after freeing everything, outstanding is back where it was');
  t.equal(n(sc.alloc!.free_calls) - n(a.alloc!.free_calls), Number(npS), 'free calls');
  prog.send('\n');
  await prog.waitLines(/^D$/, 1);
  const procs = reader.read().procs;
  const parent = procs.find((p) => p.pid === pid)!;
  const child = procs.find((p) => p.pid !== pid)!;
  t.ok(child, 'the forked child has its own file');
  t.equal(n(child.alloc!.inherited_bytes), outstanding(parent), "the child starts with the parent's heap");
  t.equal(outstanding(child) - outstanding(parent), 1000, 'plus the 1000 bytes it allocated');
  t.same(await prog.finish(), { code: 0, signal: null });
  reader.close();
});

t.test('an exec into a program without the shim shows n/a (attached: false), not frozen counters', async (t) => {
  const dir = tmpDir('noshim');
  const prog = new Prog(built.netprog, ['exec-noshim'], shimEnv(built.shim, dir));
  await prog.waitLines(/^OK$/, 1);
  const { reader } = newReader(dir);
  let s: ShimProcSample | undefined;
  for (let i = 0; i < 60; i++) {
    s = byPid(reader.read().procs).get(prog.child.pid!);
    if (s && !s.attached) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(s?.attached, false, 'marked as running without the shim');
  t.equal(n(s!.io.tcp.send.bytes), 10000, 'its counters from before the exec are kept');
  t.same(await prog.finish(), { code: 0, signal: null });
  reader.close();
});

t.test('a vfork child that execs does not mark its parent', async (t) => {
  const dir = tmpDir('vfork');
  const prog = new Prog(built.netprog, ['vfork'], shimEnv(built.shim, dir));
  await prog.waitLines(/^READY$/, 1);
  const file = path.join(dir, `${prog.child.pid}-${startTimeOf(prog.child.pid!)}.shm`);
  t.equal(fs.readFileSync(file).readUInt32LE(HDR.exec_pending), 0, 'exec_pending stays 0 in the parent');
  const { reader } = newReader(dir);
  reader.read();
  await new Promise((r) => setTimeout(r, 30));
  t.equal(byPid(reader.read().procs).get(prog.child.pid!)?.attached, true);
  t.same(await prog.finish(), { code: 0, signal: null });
  reader.close();
});

t.test('a static binary cannot load the shim: no file, so vigil shows n/a', async (t) => {
  const dir = tmpDir('static');
  const r = spawnSync('/sbin/ldconfig', ['--version'], { env: shimEnv(built.shim, dir), encoding: 'utf8' });
  t.equal(r.status, 0);
  t.same(fs.readdirSync(dir), [], 'no counter file');
});

t.test('both shim variants preloaded at once: every call is counted once, by the first', async (t) => {
  for (const order of [
    [built.shimAlloc, built.shim],
    [built.shim, built.shimAlloc],
  ]) {
    const dir = tmpDir('twice');
    const r = spawnSync(built.netprog, ['simple'], { env: shimEnv(order.join(':'), dir), encoding: 'utf8' });
    t.equal(r.status, 0);
    const files = fs.readdirSync(dir);
    t.equal(files.length, 1, 'one file');
    const b = fs.readFileSync(path.join(dir, files[0]));
    t.equal(b.readBigUInt64LE(HDR.attaches), 1n, 'attached once');
    const sendBytes = b.readBigUInt64LE(COUNTERS_OFF + ioBytes(0, 0) * 8); // tcp, send
    t.equal(sendBytes, 10000n, '10000 bytes sent, counted once');
    t.equal((b.readUInt32LE(HDR.flags) & 1) === 1, order[0] === built.shimAlloc, 'the first copy is the one that counts');
  }
});

t.test('execl, execlp and execle (variadic wrappers) pass argv and the environment through intact', async (t) => {
  const dir = tmpDir('execl');
  const r = spawnSync(built.netprog, ['exec-variants'], { env: shimEnv(built.shim, dir), encoding: 'utf8' });
  t.same({ status: r.status, stderr: r.stderr }, { status: 0, stderr: '' });
  // sh -c CMD a b: a is $0. The same program without the shim is the reference.
  const plain = spawnSync(built.netprog, ['exec-variants'], { env: { ...process.env, LD_PRELOAD: '' }, encoding: 'utf8' });
  t.equal(r.stdout, plain.stdout, 'the same output as without the shim');
  t.same(r.stdout.trim().split('\n'), ['execl:a:b c:', 'execlp:2', 'execle:42:none'], "execle's envp is the one given, not ours");
});
