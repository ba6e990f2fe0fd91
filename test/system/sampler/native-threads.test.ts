/**
 * A multithreaded process's scheduler time (run_ns, wait_ns, timeslices summed over its threads) from the
 * native core and the TypeScript reader, on a fixture /proc tree whose threads come and go, run while the
 * leader sleeps, and whose tid is reused: equal Samples tick after tick, and both equal to the sum the
 * test keeps itself. The main thread's time comes from /proc/PID/schedstat (read anyway), never from
 * task/PID/schedstat: the test makes the latter lie, and neither reader may see it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeProcReader } from '../../../src/sampler/native/procs';
import { ProcReader } from '../../../src/sampler/procs';
import { FIXTURES } from '../../helpers/paths';

const { addon, error } = loadNative();
const skip = addon ? false : `the native sampler core is not built here (${error})`;
const REAL = path.join(FIXTURES, 'proc', 'debian12-6.18');
const PID = 1234;

interface Th {
  run: number;
  wait: number;
  slices: number;
}

/** The fixture process: its threads' schedstat, and the stat's utime (10 ms ticks of everything run). */
class Proc {
  readonly threads = new Map<number, Th>([[PID, { run: 5_000_000, wait: 100, slices: 3 }]]);
  private ticks = 0;
  private readonly stat: string;

  constructor(private readonly root: string) {
    this.stat = fs.readFileSync(path.join(REAL, `${PID}/stat`), 'utf8');
    if (!this.stat.includes(' 0 0 0 0 20 0 1 0 84632 ')) throw new Error('fixture stat is not the one this test edits');
  }

  /** A thread runs ns (and waits w): the process's CPU ticks move by whole 10 ms only. */
  run(tid: number, ns: number, w = 0): void {
    const th = this.threads.get(tid)!;
    th.run += ns;
    th.wait += w;
    th.slices += 1;
    this.ticks += Math.floor(ns / 10_000_000);
  }

  write(): void {
    const dir = path.join(this.root, String(PID));
    const stat = this.stat.replace(' 0 0 0 0 20 0 1 0 84632 ', ` ${this.ticks} 0 0 0 20 0 ${this.threads.size} 0 84632 `);
    fs.writeFileSync(path.join(dir, 'stat'), stat);
    const main = this.threads.get(PID)!;
    fs.writeFileSync(path.join(dir, 'schedstat'), `${main.run} ${main.wait} ${main.slices}\n`);
    // Files are rewritten in place: a reader's kept fd must see the new bytes, as it would in /proc. A
    // gone thread's file is emptied before it goes, as a dead thread's kept fd reads nothing (ESRCH).
    const task = path.join(dir, 'task');
    for (const name of fs.existsSync(task) ? fs.readdirSync(task) : []) {
      if (this.threads.has(Number(name))) continue;
      fs.truncateSync(path.join(task, name, 'schedstat'), 0);
      fs.rmSync(path.join(task, name), { recursive: true, force: true });
    }
    for (const [tid, th] of this.threads) {
      fs.mkdirSync(path.join(dir, 'task', String(tid)), { recursive: true });
      // The main thread's file under task/ lies: a reader must take the main thread from PID/schedstat.
      const line = tid === PID ? '999999999999 999999999 999999\n' : `${th.run} ${th.wait} ${th.slices}\n`;
      fs.writeFileSync(path.join(dir, 'task', String(tid), 'schedstat'), line);
    }
  }
}

function tree(t: Test): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-nthreads-'));
  fs.cpSync(REAL, root, { recursive: true });
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

t.test('threads that come and go, run while the leader sleeps, and a reused tid: equal sums', { skip }, async (t) => {
  const root = tree(t);
  const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 };
  const ts = new ProcReader(opts);
  const nat = new NativeProcReader(addon!, opts);
  t.teardown(() => {
    ts.close();
    nat.close();
  });
  const p = new Proc(root);
  // What both readers must show: the main thread's whole value when first seen, then every thread's Δ;
  // a new thread (or a reused tid, whose counters fell) adds its whole value.
  let run = 0;
  let wait = 0;
  let slices = 0;
  const seen = new Map<number, Th>();
  const account = () => {
    for (const [tid, th] of p.threads) {
      const last = seen.get(tid);
      const fell = last !== undefined && (th.run < last.run || th.wait < last.wait || th.slices < last.slices);
      run += last && !fell ? th.run - last.run : th.run;
      wait += last && !fell ? th.wait - last.wait : th.wait;
      slices += last && !fell ? th.slices - last.slices : th.slices;
      seen.set(tid, { ...th });
    }
    for (const tid of [...seen.keys()]) if (!p.threads.has(tid)) seen.delete(tid);
  };
  const steps: [string, () => void][] = [
    ['single-threaded', () => {}],
    ['two threads born, the main one ran to make them', () => {
      p.run(PID, 20_000);
      p.threads.set(PID + 1, { run: 1_000, wait: 5, slices: 1 });
      p.threads.set(PID + 2, { run: 0, wait: 0, slices: 0 });
    }],
    ['a thread runs 30 ms while the leader sleeps', () => p.run(PID + 1, 30_000_000, 700)],
    ['a thread runs 12 ms and waits while the leader sleeps', () => p.run(PID + 2, 12_000_000, 50_000)],
    ['the leader runs, the others sleep', () => p.run(PID, 15_000_000)],
    ['a thread exits, another is born', () => {
      p.run(PID, 10_000_000);
      p.threads.delete(PID + 1);
      p.threads.set(PID + 3, { run: 400, wait: 1, slices: 1 });
    }],
    ['the exited thread\'s tid is reused by a new thread', () => {
      p.run(PID, 11_000_000);
      p.threads.set(PID + 1, { run: 77, wait: 2, slices: 1 });
    }],
    ['the reused tid runs', () => p.run(PID + 1, 25_000_000, 300)],
    ['back to one thread', () => {
      p.run(PID, 10_000_000);
      p.threads.delete(PID + 1);
      p.threads.delete(PID + 2);
      p.threads.delete(PID + 3);
    }],
    ['single-threaded, the main thread runs', () => p.run(PID, 10_000_000, 9)],
  ];
  for (const [i, [what, change]] of steps.entries()) {
    change();
    p.write();
    account();
    const ns = BigInt(i + 1) * 100_000_000n;
    ts.discover(ns);
    nat.discover(ns);
    const a = ts.read(ns).procs.find((x) => x.pid === PID);
    const b = nat.read(ns).procs.find((x) => x.pid === PID);
    t.same(b, a, `${what}: the native row equals the TypeScript row`);
    t.same([a?.run_ns, a?.wait_ns, a?.timeslices], [run, wait, slices], `${what}: run, wait, timeslices as summed by hand`);
  }
});
