/**
 * The native process table's shape against the TypeScript reader: rows in name order (fs.readdirSync's),
 * per-slot columns that keep a still process's values while the table grows past its capacity and slots
 * are freed and reused, on a fixture tree of 1- to 4-digit pids; and the live /proc's row order (procfs
 * lists in numeric order, which the core merges into name order). Skips, saying why, without the addon.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeProcReader } from '../../../src/sampler/native/procs';
import { ProcReader } from '../../../src/sampler/procs';
import { FIXTURES } from '../../helpers/paths';
import { sharedFdBudget } from '../../helpers/proc';

const { addon, error } = loadNative();
const skip = addon ? false : `the native sampler core is not built here (${error})`;
const TEMPLATE = path.join(FIXTURES, 'proc', 'debian12-6.18', '1234');

/** A pid directory copied from the fixture's sleep, with its own pid and start time. */
function addPid(root: string, pid: number, start = 84632): void {
  const dir = path.join(root, String(pid));
  fs.cpSync(TEMPLATE, dir, { recursive: true });
  const st = fs.readFileSync(path.join(TEMPLATE, 'stat'), 'latin1');
  fs.writeFileSync(path.join(dir, 'stat'), st.replace(/^1234 /, `${pid} `).replace(' 84632 ', ` ${start} `), 'latin1');
}

function run(dir: string, pid: number, tick: number): void {
  fs.writeFileSync(path.join(dir, String(pid), 'schedstat'), `${1000 * tick} ${tick} ${tick}\n`);
  const st = fs.readFileSync(path.join(dir, String(pid), 'stat'), 'latin1');
  fs.writeFileSync(path.join(dir, String(pid), 'stat'), st.replace(/ 20 0 (\d+) 0 /, ` 20 ${tick % 3} $1 0 `), 'latin1');
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

t.test('fixture: name order, growth past the capacity, slots freed and reused: equal tables tick after tick', { skip }, async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-native-table-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 };
  fs.writeFileSync(opts.passwdPath, 'root:x:0:0:root:/root:/bin/sh\n');
  const ts = new ProcReader(opts);
  const nat = new NativeProcReader(addon!, opts);
  t.teardown(() => {
    ts.close();
    nat.close();
  });
  // 20 processes first (the table starts with room for 512), then 1300 more: it grows while the first
  // slots hold rows of processes that have not run, whose values must survive the move.
  for (let pid = 1; pid <= 20; pid++) addPid(root, pid * 97);
  for (let tick = 1; tick <= 12; tick++) {
    if (tick === 4) for (let pid = 1; pid <= 1300; pid++) if (pid % 97 !== 0) addPid(root, pid);
    if (tick === 7) {
      // Some go (their slots are freed), one pid is reused by a new process, then new ones take the slots.
      for (let pid = 2; pid <= 600; pid += 7) fs.rmSync(path.join(root, String(pid)), { recursive: true });
      fs.rmSync(path.join(root, '97'), { recursive: true });
      addPid(root, 97, 90000);
    }
    if (tick === 9) for (let pid = 2; pid <= 300; pid += 7) addPid(root, pid, 95000);
    if (tick % 2 === 0) for (const pid of [194, 5, 1000, 1300]) if (fs.existsSync(path.join(root, String(pid)))) run(root, pid, tick);
    const ns = BigInt(tick) * 100_000_000n;
    ts.discover(ns);
    nat.discover(ns);
    const a = ts.read(ns);
    const b = nat.read(ns);
    t.same(b, a, `tick ${tick}: ${a.procs.length} processes`);
    const names = b.procs.map((p) => String(p.pid));
    t.same(names, [...names].sort(byName), `tick ${tick}: rows in name order`);
  }
  t.ok(nat.tracked > 1200, `${nat.tracked} tracked after growing`);
});

t.test('live /proc: the rows of both readers come in the same (name) order', { skip }, async (t) => {
  const opts = { procRoot: '/proc', pageSize: 4096, procIntervalMs: 1000, maxKeptFds: sharedFdBudget() };
  const ts = new ProcReader(opts);
  const nat = new NativeProcReader(addon!, opts);
  t.teardown(() => {
    ts.close();
    nat.close();
  });
  for (let i = 0; i < 3; i++) {
    const ns = process.hrtime.bigint();
    nat.discover(ns);
    ts.discover(ns);
    const b = nat.read(ns).procs.map((p) => String(p.pid));
    const a = ts.read(ns).procs.map((p) => String(p.pid));
    // Processes come and go between the two reads: compare the pids both listed.
    const inA = new Set(a);
    const inB = new Set(b);
    t.same(b.filter((x) => inA.has(x)), a.filter((x) => inB.has(x)), `read ${i + 1}: ${b.length} rows, the same order`);
    t.same(b, [...b].sort(byName), `read ${i + 1}: name order`);
    t.ok(b.length > 1, 'more than one process');
  }
});
