/** Tags, kill of the tagged and nice (F7/F8) in a real terminal, with processes the test started. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { CLI } from '../../helpers/cli';
import { child } from '../../helpers/proc';
import { Tui } from '../../helpers/tui';

const F = { f1: '\x1bOP', f3: '\x1bOR', f4: '\x1bOS', f5: '\x1b[15~', f6: '\x1b[17~', f7: '\x1b[18~', f8: '\x1b[19~', f9: '\x1b[20~', f10: '\x1b[21~' };

const MARK = `vigiltag${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-keys-'));
fs.chmodSync(dir, 0o755);
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
/** `sleep`, under a name of our choosing. */
function named(name: string): string {
  const p = path.join(dir, name);
  if (!fs.existsSync(p)) fs.symlinkSync('/bin/sleep', p);
  return p;
}
function startTui(t: Test, args: string[], size: { cols: number; rows: number }, spawn?: { file: string; args: string[] }, env?: NodeJS.ProcessEnv): Tui {
  const tui = new Tui(args, { ...size, spawn, env });
  t.teardown(() => tui.kill());
  return tui;
}
const niceOf = (pid: number): number => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19: nice
};

t.test('Space tags, F9 signals the tagged; F8 renices', async (t) => {
  const a = child(t, named(`${MARK}-tag`), ['300']);
  const b = child(t, named(`${MARK}-tag`), ['301']);
  const c = child(t, named(`${MARK}-nice`), ['302']);
  const tui = startTui(t, ['--proc-interval', '200'], { cols: 120, rows: 30 });
  await tui.waitFor(/processes \d+/);
  tui.keys(`${F.f4}${MARK}-nice\r`);
  await tui.waitFor((x) => /processes 1\/\d+/.test(x) && x.includes(`${c.pid} `));
  tui.keys(F.f8);
  await tui.waitFor(new RegExp(`nice of ${c.pid} is now 1`));
  t.equal(niceOf(c.pid!), 1, 'F8: nice +1, as /proc says');
  // Esc clears the filter (sent alone: Esc and a key in one read is Alt-key).
  tui.keys('\x1b');
  await tui.waitFor((x) => !/filter "/.test(x));
  tui.keys(`/${MARK}-tag\r`);
  await tui.waitFor((x) => /processes 2\/\d+/.test(x) && x.includes(`${a.pid} `) && x.includes(`${b.pid} `));
  tui.keys('\x1b[H ');
  await tui.waitFor(/1 tagged/);
  tui.keys(' ');
  const s = await tui.waitFor(/2 tagged/);
  const rowOf = (pid: number): string => s.split('\n').find((l) => new RegExp(`^│\\s*${pid} `).test(l)) ?? '';
  t.match(rowOf(a.pid!), / \*\//, 'the first tagged row carries the mark');
  t.match(rowOf(b.pid!), / \*\//, 'and the second');
  tui.keys(F.f9);
  await tui.waitFor(/send a signal to 2 tagged processes/);
  tui.keys('\r');
  await tui.waitFor(/Send SIGTERM to 2 tagged processes\?/);
  tui.keys('y');
  await tui.waitFor(/sent SIGTERM to 2 processes/);
  await new Promise<void>((resolve) => {
    const check = (): void => (a.signalCode === null || b.signalCode === null ? void setTimeout(check, 50) : resolve());
    check();
  });
  t.same([a.signalCode, b.signalCode], ['SIGTERM', 'SIGTERM'], 'both tagged sleepers got SIGTERM');
  t.ok(c.exitCode === null && c.signalCode === null, 'the untagged one was not touched');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('F7 without the right to lower nice: EACCES in the status line, no crash', { skip: process.getuid?.() !== 0 ? 'needs root to run vigil as nobody' : false }, async (t) => {
  // vigil as nobody, with a sleeper of its own (another user's process would be EPERM instead).
  const tui = startTui(t, [], { cols: 120, rows: 30 }, {
    file: 'setpriv',
    args: ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', `${named(`${MARK}-own`)} 300 & exec ${process.execPath} ${CLI}`],
  }, { HOME: dir, XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir });
  await tui.waitFor(/processes \d+/);
  tui.keys(`/${MARK}-own\r`);
  await tui.waitFor((x) => /processes 1\/\d+/.test(x));
  tui.keys(F.f7);
  const s = await tui.waitFor(/renice \d+ failed: EACCES/);
  t.match(s, /only root can lower a nice value/);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0, 'still running, quits normally');
});
