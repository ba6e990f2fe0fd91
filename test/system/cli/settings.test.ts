/**
 * The config file's intervals reach every sampling command, bad values are refused with exit 2, and
 * SIGHUP stops the headless commands cleanly (issue 17, items 7, 9 and 11).
 */
import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { isOneLineError, until, vigil, vigilBg } from '../../helpers/cli';
import { vigilIn } from '../../helpers/cli-inproc';
import { tmpDir } from '../../helpers/tmp';

function config(t: Parameters<typeof tmpDir>[0], body: object): string {
  const file = path.join(tmpDir(t), 'config.json');
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

function sessionIntervals(file: string): { interval_ms: number; proc_interval_ms: number } {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT interval_ms, proc_interval_ms FROM session').get() as { interval_ms: number; proc_interval_ms: number };
  } finally {
    db.close();
  }
}

t.test('record takes interval_ms and proc_interval_ms from the config file; a flag wins over it', async (t) => {
  const cfg = config(t, { interval_ms: 250, proc_interval_ms: 1500 });
  const dir = tmpDir(t);
  const a = path.join(dir, 'a.vigil');
  const r = await vigil(['record', a, '--config', cfg, '--duration', '600ms']);
  t.equal(r.code, 0, r.stderr);
  t.same(sessionIntervals(a), { interval_ms: 250, proc_interval_ms: 1500 });
  const b = path.join(dir, 'b.vigil');
  const r2 = await vigil(['record', b, '--config', cfg, '--interval', '200', '--duration', '600ms']);
  t.equal(r2.code, 0, r2.stderr);
  t.same(sessionIntervals(b), { interval_ms: 200, proc_interval_ms: 1500 });
});

t.test('run --record takes them too', async (t) => {
  const cfg = config(t, { interval_ms: 300, proc_interval_ms: 900 });
  const file = path.join(tmpDir(t), 'run.vigil');
  const r = await vigil(['run', '--config', cfg, '--record', file, '--', 'sleep', '0.5'], { timeoutMs: 30_000 });
  t.equal(r.code, 0, r.stderr);
  t.same(sessionIntervals(file), { interval_ms: 300, proc_interval_ms: 900 });
});

t.test('sample ticks at the config file\'s interval', async (t) => {
  const cfg = config(t, { interval_ms: 400 });
  const r = await vigil(['sample', '--config', cfg, '--count', '2']);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { interval_ms: number });
  t.equal(lines.length, 2);
  // Ticks are scheduled 400 ms apart on the monotonic clock; a busy machine can only make one later.
  for (const l of lines) t.ok(l.interval_ms >= 350, `interval ${l.interval_ms} ms`);
});

t.test('out-of-range intervals: exit 2, the field named, no sampling', async (t) => {
  for (const args of [
    ['sample', '--interval', '2147483648', '--count', '1'],
    ['sample', '--interval', '1e300', '--count', '1'],
    ['sample', '--proc-interval', '99999999', '--count', '1'],
    ['serve', '--interval', '1e300', '--listen', '127.0.0.1:0'],
    ['record', '/nonexistent/never.vigil', '--interval', '1e300'],
  ]) {
    // Refused while the arguments are read, before any sampling: in-process, but for one spawned bin.
    const r = await (args[0] === 'serve' ? vigil : vigilIn)(args);
    t.equal(r.code, 2, args.join(' '));
    t.ok(isOneLineError(r.stderr), r.stderr);
    t.match(r.stderr, /--(proc-)?interval must be an integer from \d+ to 3600000/);
    t.equal(r.stdout, '', 'nothing sampled');
  }
  const cfg = config(t, { interval_ms: 1e300 });
  for (const cmd of [['sample', '--count', '1'], ['serve', '--listen', '127.0.0.1:0'], ['record', '/nonexistent/never.vigil']]) {
    const r = await (cmd[0] === 'record' ? vigil : vigilIn)([...cmd, '--config', cfg]);
    t.equal(r.code, 2, cmd[0]);
    t.match(r.stderr, /^vigil: config .*: interval_ms: expected an integer from 50 to 3600000 \(ms\), got 1e\+300\n$/);
  }
});

for (const cmd of [['sample'], ['serve', '--listen', '127.0.0.1:0']]) {
  t.test(`${cmd[0]} exits 0 on SIGHUP, as on SIGINT and SIGTERM`, async (t) => {
    // One process per signal, side by side: each waits for its own start.
    await Promise.all(
      (['SIGHUP', 'SIGINT', 'SIGTERM'] as const).map(async (sig) => {
        const c = vigilBg(cmd);
        t.teardown(() => void c.kill('SIGKILL'));
        let out = '';
        c.stdout!.on('data', (d) => (out += d));
        c.stderr!.on('data', (d) => (out += d));
        // Running: sample has printed a line, serve has said where it listens.
        await until(() => out.length > 0, 20_000, `${cmd[0]} to start`);
        c.kill(sig);
        const r = await c.done;
        t.equal(r.code, 0, `${sig}: exit 0 (${r.signal ?? ''} ${r.stderr})`);
      }),
    );
  });
}

t.test('the first line already has process rates, whatever the process interval (one live feed for every command)', async (t) => {
  // Before the one LiveFeed, only the screen forced the process table on the first tick: `sample` printed
  // procs: null until a whole process interval had passed.
  const r = await vigil(['sample', '--count', '1', '--proc-interval', '60000']);
  t.equal(r.code, 0, r.stderr);
  const snap = JSON.parse(r.stdout) as {
    t: number;
    procs_interval_ms: number | null;
    procs: { pid: number; start_ms: number | null; cpu_pct: number | null }[] | null;
  };
  t.ok(Array.isArray(snap.procs) && snap.procs.length > 0, 'procs on the first line');
  // A process born between the two reads has nothing to take a rate against: null, not a guess. Its start
  // (btime is whole seconds, so up to 1 s early) falls inside the interval; every older process has a rate.
  const since = snap.t - (snap.procs_interval_ms ?? 0) - 1000;
  const bad = (snap.procs ?? []).filter((p) =>
    p.cpu_pct === null ? !(p.start_ms !== null && p.start_ms >= since) : !(Number.isFinite(p.cpu_pct) && p.cpu_pct >= 0));
  t.same(bad, [], 'every cpu_pct a finite rate, or null for a process born during the interval');
  t.ok((snap.procs ?? []).some((p) => p.cpu_pct !== null), 'rates, not only nulls');
});
