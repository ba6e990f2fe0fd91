/**
 * What the process readers attach besides /proc (src/sampler/attach.ts): a process gaining and losing
 * connections-tier counters and a shim file keeps the right figures, in both readers, through the path
 * that skips the lookup when nothing is attached to any process (prepare() returns null).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import type { ProcSample, ProcTable } from '../../../src/model';
import type { ConnsProcSample, ConnsSample } from '../../../src/model/conns';
import type { ShimProcSample, ShimTable } from '../../../src/model/shim';
import { Attachments } from '../../../src/sampler/attach';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeProcReader } from '../../../src/sampler/native/procs';
import { ProcReader } from '../../../src/sampler/procs';
import { FIXTURES } from '../../helpers/paths';

const TEMPLATE = path.join(FIXTURES, 'proc', 'debian12-6.18', '1234');
const START = 84632;
const { addon } = loadNative();

function addPid(root: string, pid: number): void {
  const dir = path.join(root, String(pid));
  fs.cpSync(TEMPLATE, dir, { recursive: true });
  const st = fs.readFileSync(path.join(TEMPLATE, 'stat'), 'latin1');
  fs.writeFileSync(path.join(dir, 'stat'), st.replace(/^1234 /, `${pid} `), 'latin1');
}

function fixture(t: Test, pids: number[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-attach-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const p of pids) addPid(root, p);
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  return root;
}

function connsProc(pid: number, tx: number, rx: number, tcp: number): ConnsProcSample {
  return { pid, comm: 'sleep', tcp, tcp_listen: 0, udp: 0, unix: 0, tcp_tx_bytes: tx, tcp_rx_bytes: rx, tcp_retrans: 0, since_ns: null } as ConnsProcSample;
}

function conns(sec: number, procs: ConnsProcSample[], denied: number[] = []): ConnsSample {
  return { mono_ns: BigInt(sec * 1e9), t: 0, tcp: [], procs, denied, scan_incomplete: false, malformed: 0, cost_ms: 0 } as unknown as ConnsSample;
}

/** Only its identity matters to the readers: they pass the object on. */
function shimFile(pid: number): ShimProcSample {
  return { pid, start_time: START, attached: true, exited: false } as unknown as ShimProcSample;
}

const shims = (procs: ShimProcSample[]): ShimTable => ({ mono_ns: 0n, procs });

type Reader = Pick<ProcReader, 'read' | 'close'>;

/** What each step attaches, and what process 1300 and 1400 must carry after it. */
interface Step {
  conns: ConnsSample | null;
  shims: ShimTable | null;
  /** prepare() returns null: nothing to attach to any process this read. */
  none: boolean;
  check(t: Test, p: Record<number, ProcSample>, before: Record<number, ProcSample> | null): void;
}

const c1 = conns(1, [connsProc(1300, 500, 700, 2)]);
const c2 = conns(2, []);
const s1 = shimFile(1400);

const STEPS: Step[] = [
  {
    conns: null, shims: null, none: true,
    check(t, p) {
      for (const pid of [1300, 1400]) t.same([p[pid].tcp, p[pid].tcp_prev, p[pid].shim], [null, null, null], `${pid}: nothing attached`);
    },
  },
  {
    conns: null, shims: null, none: true,
    check(t, p, b) {
      t.equal(p[1300], b![1300], 'an idle process with nothing attached: the very same sample');
    },
  },
  {
    // A shim file alone, the connections tier off: then gone, with nothing else attached anywhere.
    conns: null, shims: shims([s1]), none: false,
    check(t, p, b) {
      t.equal(p[1400].shim, s1, 'the shim file is attached');
      t.equal(p[1300], b![1300], 'the other process: the same sample');
    },
  },
  {
    conns: null, shims: shims([]), none: true,
    check(t, p, b) {
      t.equal(p[1400].shim, null, 'shim file gone, through the path that looks nothing up');
      t.not(p[1400], b![1400], 'a new sample');
      t.equal(p[1400].run_ns, b![1400].run_ns, '/proc values as before');
      t.equal(p[1300], b![1300]);
    },
  },
  {
    // 1300 gains sockets; 1400 gains a shim file and is seen without sockets.
    conns: c1, shims: shims([s1]), none: false,
    check(t, p, b) {
      t.not(p[1300], b![1300], 'new counters: a new sample');
      t.match(p[1300].tcp, { mono_ns: 1_000_000_000n, tx_bytes: 500, rx_bytes: 700, conns: 2, since_ns: null });
      t.equal(p[1300].tcp_prev, null, 'first read of the tier: no previous');
      t.equal(p[1300].shim, null);
      t.equal(p[1400].shim, s1, 'the shim file is attached');
      t.match(p[1400].tcp, { mono_ns: 1_000_000_000n, tx_bytes: 0, rx_bytes: 0, conns: 0 });
      t.equal(p[1300].run_ns, b![1300].run_ns, '/proc values as before');
    },
  },
  {
    // The same tier read again: the same objects serve.
    conns: c1, shims: shims([s1]), none: false,
    check(t, p, b) {
      t.equal(p[1300], b![1300], 'nothing new: the same sample');
      t.equal(p[1400], b![1400]);
    },
  },
  {
    // 1300 loses its sockets; 1400 loses its shim file.
    conns: c2, shims: shims([]), none: false,
    check(t, p, b) {
      t.match(p[1300].tcp, { mono_ns: 2_000_000_000n, tx_bytes: 0, rx_bytes: 0, conns: 0 });
      t.equal(p[1300].tcp_prev, b![1300].tcp, 'the last read is the previous one');
      t.equal(p[1400].shim, null, 'shim file gone');
      t.equal(p[1400].tcp_prev, b![1400].tcp);
    },
  },
  {
    // The connections tier has nothing now, the history is still there: the lookup runs, answering nulls.
    conns: null, shims: null, none: false,
    check(t, p) {
      for (const pid of [1300, 1400]) t.same([p[pid].tcp, p[pid].tcp_prev, p[pid].shim], [null, null, null], `${pid}: tcp dropped`);
    },
  },
  {
    // A shim file alone, with the connections tier off.
    conns: null, shims: shims([s1]), none: false,
    check(t, p) {
      t.equal(p[1400].shim, s1);
      t.equal(p[1300].shim, null);
    },
  },
];

/** The reader's table after each step, and whether prepare() had nothing to attach at it. */
function tables(reader: Reader, steps: Step[], at: Attachments): { tb: ProcTable; none: boolean }[] {
  return steps.map((s, i) => {
    const x = at.prepare(s.conns, s.shims);
    return { tb: reader.read(BigInt(i + 1) * 100_000_000n, x), none: x === null };
  });
}

const byPid = (tb: ProcTable): Record<number, ProcSample> => Object.fromEntries(tb.procs.map((p) => [p.pid, p]));

for (const kind of ['ts', 'native'] as const) {
  t.test(`${kind} reader: processes gaining and losing connections and shim data`, { skip: kind === 'native' && !addon ? 'no native core built' : false }, async (t) => {
    const root = fixture(t, [1300, 1400]);
    const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 };
    const reader: Reader = kind === 'ts' ? new ProcReader(opts) : new NativeProcReader(addon!, opts);
    t.teardown(() => reader.close());
    const at = new Attachments();
    const got = tables(reader, STEPS, at);
    got.forEach(({ tb, none }, i) =>
      t.test(`step ${i}`, async (t) => {
        t.equal(none, STEPS[i].none, `prepare() says ${STEPS[i].none ? 'nothing' : 'something'} to attach`);
        STEPS[i].check(t, byPid(tb), i === 0 ? null : byPid(got[i - 1].tb));
      }),
    );
  });
}

t.test('both readers attach the same, step by step, over random sequences', { skip: addon ? false : 'no native core built' }, async (t) => {
  const root = fixture(t, [1300, 1400, 1500]);
  const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 };
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 20; round++) {
    const ts = new ProcReader(opts);
    const nat = new NativeProcReader(addon!, opts);
    const a1 = new Attachments();
    const a2 = new Attachments();
    let connsSec = 0;
    let c: ConnsSample | null = null;
    for (let i = 0; i < 12; i++) {
      const r = rnd(5);
      if (r === 0) c = null;
      else if (r === 1) c = conns(++connsSec, [1300, 1400, 1500].filter(() => rnd(2) === 0).map((pid) => connsProc(pid, rnd(1000), rnd(1000), rnd(3))), rnd(4) === 0 ? [1500] : []);
      const sh = rnd(3) === 0 ? null : shims([1300, 1400, 1500].filter(() => rnd(2) === 0).map(shimFile));
      const ns = BigInt(round * 100 + i + 1) * 100_000_000n;
      const x = ts.read(ns, a1.prepare(c, sh));
      const y = nat.read(ns, a2.prepare(c, sh));
      const pick = (tb: ProcTable) => tb.procs.map((p) => [p.pid, p.tcp, p.tcp_prev, p.shim]);
      t.same(pick(y), pick(x), `round ${round} step ${i}`);
      // Only identity tells the attached objects apart from equal copies.
      y.procs.forEach((p, k) => {
        if (p.shim !== x.procs[k].shim) t.fail(`round ${round} step ${i}: ${p.pid}'s shim is another object`);
      });
    }
    ts.close();
    nat.close();
  }
});
