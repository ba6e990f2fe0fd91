/**
 * --on-alert: how CMD is split (no shell), that the breach arrives as JSON on stdin, and that a command
 * that hangs is killed after the timeout (300 ms here, 10 s in vigil) and one that fails is noted —
 * without ever blocking the caller.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { VigilError } from '../../../src/infra/errors';
import type { Breach, BreachEvent } from '../../../src/store/alerts/evaluator';
import { findExecutable, OnAlertRunner, parseOnAlert, splitCommand } from '../../../src/store/alerts/on-alert';
import { sleep, tmpDir } from '../../helpers/tmp';

const breach = (over: Partial<Breach> = {}): Breach => ({
  rule: 'cpu.total_pct > 90', metric: 'cpu.total_pct', op: '>', subject: 'host', pid: null, start_time: null, comm: null, user: null,
  start_t: 1_700_000_000_000, fired_t: 1_700_000_030_000, end_t: null, end_reason: null, peak: 97.5, average: 95, threshold: 90,
  samples: 300, kind: 'none', unit: '%', clear: 80, for_ms: 30_000, window_ms: 10_000, value: 96, clearing: false, ...over,
});
const start = (over: Partial<Breach> = {}): BreachEvent => ({ type: 'start', breach: breach(over) });

t.test('splitCommand: words like a simple shell command, and nothing more', async (t) => {
  t.strictSame(splitCommand('notify-send  vigil'), ['notify-send', 'vigil']);
  t.strictSame(splitCommand(`sh -c 'cat >> "/tmp/a b"; echo $HOME'`), ['sh', '-c', 'cat >> "/tmp/a b"; echo $HOME']);
  t.strictSame(splitCommand('say "a \\"quoted\\" \\$word\\\\" x'), ['say', 'a "quoted" $word\\', 'x']);
  t.strictSame(splitCommand('say "keep \\n as is"'), ['say', 'keep \\n as is']);
  t.strictSame(splitCommand('a\\ b c'), ['a b', 'c'], 'a backslash keeps a blank');
  t.strictSame(splitCommand("x '' y"), ['x', '', 'y'], 'an empty quoted word is a word');
  t.strictSame(splitCommand('cmd | grep x; rm -rf /'), ['cmd', '|', 'grep', 'x;', 'rm', '-rf', '/'], 'pipes and ; are plain words: no shell');
  t.strictSame(splitCommand('a"b"\'c\'d'), ['abcd'], 'quotes join a word');
  for (const [bad, msg] of [['', '--on-alert: empty command'], ['   ', '--on-alert: empty command'], ["sh -c 'x", `--on-alert: unclosed ' in "sh -c 'x"`], ['say "x', '--on-alert: unclosed " in "say \\"x"']]) {
    let got: unknown = null;
    try {
      splitCommand(bad);
    } catch (e) {
      got = e;
    }
    t.ok(got instanceof VigilError && got.exitCode === 2, `${JSON.stringify(bad)}: a usage error`);
    t.equal((got as Error).message, msg);
  }
});

t.test('parseOnAlert checks that the command exists at startup', async (t) => {
  t.strictSame(parseOnAlert('true --x'), ['true', '--x']);
  t.ok(findExecutable('sh'));
  t.equal(findExecutable('/etc/passwd'), null, 'not executable');
  t.throws(() => parseOnAlert('vigil-no-such-command-xyz arg'), { message: "--on-alert: 'vigil-no-such-command-xyz' is not an executable file in PATH" });
  t.throws(() => parseOnAlert('/nonexistent/notify'), { message: "--on-alert: '/nonexistent/notify' is not an executable file" });
});

async function waitFor(fn: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

t.test('the breach arrives as one line of JSON on stdin, for starts and ends, not for updates', async (t) => {
  const dir = tmpDir(t);
  const out = path.join(dir, 'events.jsonl');
  const notes: string[] = [];
  const r = new OnAlertRunner({ argv: ['sh', '-c', `cat >> '${out}'`], onNote: (x) => notes.push(x), hostname: 'web1' });
  r.event(start({ comm: 'evil\x1b]52;c;x\x07' }));
  r.event({ type: 'update', breach: breach() });
  await waitFor(() => r.busy === 0, 5000);
  r.event({ type: 'end', breach: breach({ end_t: 1_700_000_090_000, end_reason: 'clear' }) });
  await waitFor(() => r.busy === 0, 5000);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 2);
  t.equal(lines[0].event, 'start');
  t.equal(lines[0].host, 'web1');
  t.equal(lines[0].rule, 'cpu.total_pct > 90');
  t.equal(lines[0].comm, 'evil\x1b]52;c;x\x07', 'JSON carries the raw name, escaped by JSON itself');
  t.equal(lines[1].event, 'end');
  t.equal(lines[1].end_t, 1_700_000_090_000);
  t.strictSame(notes, []);
  t.equal(r.started, 2);
  t.equal(r.failed, 0);
});

t.test('a command that hangs is killed after the timeout, with its children, and noted; the caller never waits', async (t) => {
  const dir = tmpDir(t);
  const pidFile = path.join(dir, 'child.pid');
  const notes: string[] = [];
  const r = new OnAlertRunner({ argv: ['sh', '-c', `sleep 60 & echo $! > '${pidFile}'; wait`], onNote: (x) => notes.push(x), timeoutMs: 300 });
  const t0 = process.hrtime.bigint();
  r.event(start());
  const callMs = Number(process.hrtime.bigint() - t0) / 1e6;
  t.ok(callMs < 100, `event() returned at once (${callMs.toFixed(1)} ms): spawning is not waiting`);
  await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 5000);
  const child = Number(fs.readFileSync(pidFile, 'utf8').trim());
  const began = Date.now();
  await waitFor(() => r.busy === 0, 5000);
  const tookMs = Date.now() - began;
  t.ok(tookMs < 3000, `killed within the timeout plus slack (${tookMs} ms)`);
  t.strictSame(notes, ["--on-alert 'sh' (start of 'cpu.total_pct > 90' on host): killed after 300 ms (still running)"]);
  await waitFor(() => {
    try {
      process.kill(child, 0);
      return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${child}/status`, 'utf8'));
    } catch {
      return true;
    }
  }, 3000);
  t.pass('the command\'s own child (sleep 60) went with its process group');
  t.equal(r.failed, 1);
});

t.test('a command that fails is noted with the last line of its stderr; one that cannot start too', async (t) => {
  const notes: string[] = [];
  const r = new OnAlertRunner({ argv: ['sh', '-c', 'echo first >&2; echo "webhook said 503" >&2; exit 3'], onNote: (x) => notes.push(x) });
  r.event(start());
  await waitFor(() => r.busy === 0, 5000);
  t.strictSame(notes, ["--on-alert 'sh' (start of 'cpu.total_pct > 90' on host): exited with status 3: webhook said 503"]);
  const notes2: string[] = [];
  const r2 = new OnAlertRunner({ argv: ['/nonexistent/vigil-notify'], onNote: (x) => notes2.push(x) });
  r2.event(start());
  await waitFor(() => r2.busy === 0, 5000);
  t.strictSame(notes2, ["--on-alert '/nonexistent/vigil-notify' (start of 'cpu.total_pct > 90' on host): cannot start (ENOENT)"]);
  const notes3: string[] = [];
  const r3 = new OnAlertRunner({ argv: ['true'], onNote: (x) => notes3.push(x) });
  r3.event(start());
  await waitFor(() => r3.busy === 0, 5000);
  t.strictSame(notes3, [], 'a command that does not read its stdin is fine');
});

t.test('a flood of events: at most N run at once, a bounded queue, the rest dropped and noted', async (t) => {
  const notes: string[] = [];
  const r = new OnAlertRunner({ argv: ['sleep', '0.2'], onNote: (x) => notes.push(x), maxRunning: 2, maxQueued: 3 });
  for (let i = 0; i < 8; i++) r.event(start({ subject: `s${i}` }));
  t.equal(r.busy, 5, '2 running + 3 queued');
  t.equal(notes.length, 3);
  t.match(notes[0], /--on-alert: 3 events already waiting; dropped the start of 'cpu.total_pct > 90' on s5/);
  await waitFor(() => r.busy === 0, 10_000);
  t.equal(r.started, 5);
});

t.test('drain at exit waits briefly, then kills what still runs', async (t) => {
  const notes: string[] = [];
  const r = new OnAlertRunner({ argv: ['sleep', '30'], onNote: (x) => notes.push(x), maxRunning: 1 });
  r.event(start());
  r.event(start({ subject: 'other' }));
  const t0 = Date.now();
  await r.drain(200);
  t.ok(Date.now() - t0 < 2000);
  await waitFor(() => r.busy === 0, 3000);
  t.match(notes.join('\n'), /vigil is stopping; 1 queued event\(s\) not run/);
  t.match(notes.join('\n'), /killed by SIGKILL/);
});
