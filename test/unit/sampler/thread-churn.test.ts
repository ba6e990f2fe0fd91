/**
 * A process's CPU % over thread births and deaths (issue 17: an idle python process read 1884 % on the
 * tick its second thread was joined, the main thread's whole lifetime counted as one interval's work).
 * A fixture /proc tree whose threads' schedstat the test moves by known amounts: vigil's rate may lose a
 * dead thread's last partial interval, but never count more than the threads ran.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import t, { Test } from 'tap';
import { derive } from '../../../src/derive/derive';
import { Sampler } from '../../../src/sampler/sampler';
import { FIXTURES } from '../../helpers/paths';

const REAL = path.join(FIXTURES, 'proc', 'debian12-6.18');
const PID = 1234;
const STEP_NS = 100_000_000;

function fixtureRoot(t: Test): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-threads-'));
  fs.cpSync(REAL, root, { recursive: true });
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

/** The fixture process as it would read with these threads (tid → on-CPU ns) and dead threads' time. */
class FakeProcess {
  private readonly stat: string;
  readonly threads = new Map<number, { run: number; wait: number; slices: number }>();
  /** CPU ns of threads that exited: still in the process's utime+stime, as the kernel keeps it. */
  private deadRun = 0;
  private nextTid = PID + 1;

  constructor(private readonly root: string, mainRun: number) {
    this.stat = fs.readFileSync(path.join(REAL, `${PID}/stat`), 'utf8');
    this.threads.set(PID, { run: mainRun, wait: 1000, slices: 10 });
  }

  /** A new thread, made by the main thread, which therefore ran (clone is a syscall). */
  spawn(run: number): void {
    const main = this.threads.get(PID)!;
    main.run += 1000;
    main.slices += 1;
    this.threads.set(this.nextTid++, { run, wait: 0, slices: run > 0 ? 1 : 0 });
  }

  kill(tid: number): void {
    const th = this.threads.get(tid);
    if (th === undefined || tid === PID) return;
    this.deadRun += th.run;
    this.threads.delete(tid);
    // A dead thread's kept fd reads ESRCH in /proc; an unlinked fixture file would still read its bytes,
    // so empty it first: vigil then finds it unreadable, as it would the real one.
    const file = path.join(this.root, `${PID}/task/${tid}/schedstat`);
    if (fs.existsSync(file)) fs.truncateSync(file, 0);
    fs.rmSync(path.join(this.root, `${PID}/task/${tid}`), { recursive: true, force: true });
  }

  /** Sum of every thread's run, dead ones included: what the process really ran. */
  get totalRun(): number {
    let s = this.deadRun;
    for (const th of this.threads.values()) s += th.run;
    return s;
  }

  write(): void {
    const dir = path.join(this.root, String(PID));
    // utime + stime (all threads, dead ones too) in 10 ms ticks: the sampler's "did it run" hint.
    const ticks = Math.floor(this.totalRun / 10_000_000);
    const stat = this.stat.replace(' 0 0 0 0 20 0 1 0 84632 ', ` ${ticks} 0 0 0 20 0 ${this.threads.size} 0 84632 `);
    if (!this.stat.includes(' 0 0 0 0 20 0 1 0 84632 ')) throw new Error('fixture stat is not the one this test edits');
    fs.writeFileSync(path.join(dir, 'stat'), stat);
    const main = this.threads.get(PID)!;
    fs.writeFileSync(path.join(dir, 'schedstat'), `${main.run} ${main.wait} ${main.slices}\n`);
    for (const [tid, th] of this.threads) {
      fs.mkdirSync(path.join(dir, 'task', String(tid)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'task', String(tid), 'schedstat'), `${th.run} ${th.wait} ${th.slices}\n`);
    }
  }
}

type Step = { born: number[]; deaths: number[]; work: number[] };

/** Thread births (with the ns each ran since), deaths (by index) and work per thread, one 100 ms step each. */
const steps = fc.array(
  fc.record({
    born: fc.array(fc.integer({ min: 0, max: STEP_NS / 2 }), { maxLength: 2 }),
    deaths: fc.array(fc.nat({ max: 5 }), { maxLength: 2 }),
    work: fc.array(fc.integer({ min: 0, max: STEP_NS }), { maxLength: 6 }),
  }),
  { minLength: 2, maxLength: 25 },
);

function run(root: string, plan: Step[], mainRun: number): { pct: number; truthPct: number }[] {
  const proc = new FakeProcess(root, mainRun);
  proc.write();
  const s = new Sampler({
    procRoot: root, sysRoot: path.join(root, 'no-sys'), passwdPath: path.join(root, 'passwd'),
    filesystems: false, connections: false, procIntervalMs: 100,
  });
  const out: { pct: number; truthPct: number }[] = [];
  try {
    let t = 1_000_000_000n;
    let prev = s.sample(t);
    let truthBefore = proc.totalRun;
    for (const step of plan) {
      for (const born of step.born) proc.spawn(born);
      const tids = [...proc.threads.keys()];
      // Each thread runs at most one core's worth of the step; the machine has as many cores as it has.
      step.work.forEach((w, i) => {
        const th = proc.threads.get(tids[i % tids.length])!;
        th.run += Math.floor(w / Math.max(1, step.work.length));
        th.slices += 1;
      });
      for (const d of step.deaths) if (tids.length > 1) proc.kill(tids[1 + (d % (tids.length - 1))]);
      proc.write();
      t += BigInt(STEP_NS);
      // Forced: the sampler moves its stamp by the real time discovery took, and on a loaded machine
      // that can exceed half a step, leaving the next step without a process table of its own (and
      // this test's truth, counted per step, would then cover less time than the rate does).
      const cur = s.sample(t, true);
      const snap = derive(prev, cur, s.host).procs?.find((p) => p.pid === PID);
      const dtNs = Number(cur.procs!.mono_ns - prev.procs!.mono_ns);
      const truthPct = (100 * (proc.totalRun - truthBefore)) / dtNs;
      if (snap?.cpu_pct != null) out.push({ pct: snap.cpu_pct, truthPct });
      truthBefore = proc.totalRun;
      prev = cur;
    }
  } finally {
    s.close();
  }
  return out;
}

t.test('a join (two threads to one) adds the main thread\'s Δ, not its lifetime', async (t) => {
  const root = fixtureRoot(t);
  // A process that ran 4 s, then sleeps while a second thread is started and joined.
  const plan: Step[] = [
    { born: [], deaths: [], work: [] },
    { born: [1_000_000], deaths: [], work: [] },
    { born: [], deaths: [], work: [0, 2_000_000] },
    { born: [], deaths: [0], work: [] },
    { born: [], deaths: [], work: [] },
  ];
  const rates = run(root, plan, 4_000_000_000);
  t.equal(rates.length, plan.length, 'a rate on every step');
  for (const [i, r] of rates.entries()) t.ok(r.pct <= r.truthPct + 0.01, `step ${i}: ${r.pct.toFixed(2)} % ≤ truth ${r.truthPct.toFixed(2)} %`);
});

t.test('property: CPU % never exceeds what the threads ran, nor 100 × cores', async (t) => {
  const root = fixtureRoot(t);
  let cores = 0;
  fc.assert(
    fc.property(steps, fc.integer({ min: 0, max: 10_000_000_000 }), (plan, mainRun) => {
      fs.rmSync(path.join(root, `${PID}/task`), { recursive: true, force: true });
      const rates = run(root, plan, mainRun);
      cores = cores || os.cpus().length;
      for (const r of rates) {
        // 1e-6 relative: the stamps are exact here, the rates differ only by float rounding.
        if (r.pct < 0 || r.pct > r.truthPct * (1 + 1e-6) + 1e-9) throw new Error(`${r.pct} % against ${r.truthPct} % in ${JSON.stringify(rates)}`);
      }
      if (rates.length !== plan.length) throw new Error(`rates ${JSON.stringify(rates)} for ${plan.length} steps`);
      return true;
    }),
    { numRuns: 120 },
  );
  t.pass('120 random thread histories');
});
