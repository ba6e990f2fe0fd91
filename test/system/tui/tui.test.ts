/**
 * The live TUI end to end: the built CLI in a real pseudo-terminal (node-pty), drawn by a real terminal
 * emulator (@xterm/headless). What is checked is what a user would see.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { bytes } from '../../../src/render/format';
import { vigil } from '../../helpers/cli';
import { child, sleep } from '../../helpers/proc';
import { Tui } from '../../helpers/tui';

const MARK = `vigiltst${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tui-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
/** `sleep`, under a name of our choosing. */
function named(name: string): string {
  const p = path.join(dir, name);
  if (!fs.existsSync(p)) fs.symlinkSync('/bin/sleep', p);
  return p;
}

function startTui(t: Test, args: string[] = [], size = { cols: 200, rows: 50 }, env: NodeJS.ProcessEnv = {}): Tui {
  const tui = new Tui(args, { ...size, env });
  t.teardown(() => tui.kill());
  return tui;
}

const restored = (tui: Tui): boolean => !tui.alternate && tui.raw.lastIndexOf('\x1b[?25h') > tui.raw.lastIndexOf('\x1b[?25l');

t.test('starts, shows all five panes with plausible numbers, and q restores the terminal', async (t) => {
  const tui = startTui(t);
  const screen = await tui.waitFor((s) => /processes \d+\/\d+/.test(s) && /lo\s+\S+\/s/.test(s));
  t.ok(tui.alternate, 'runs in the alternate screen');
  t.match(screen, new RegExp(`cpu ${os.cpus().length}/${os.cpus().length} cores`), 'cpu pane with every core');
  const memTotal = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
  t.match(screen, new RegExp(`mem ${bytes(memTotal).replace('.', '\\.')}`), 'memory pane with MemTotal');
  t.match(screen, /iface\s+rx\/s\s+tx\/s/, 'net pane');
  t.match(screen, /disk\s+read\/s\s+write\/s/, 'disk pane');
  t.match(screen, /PID USER\s+NI S\s+THR\s+CPU%▼/, 'process table sorted by CPU');
  const pct = /(\d+(?:\.\d)?)%\s+usr/.exec(screen);
  t.ok(pct && Number(pct[1]) >= 0 && Number(pct[1]) <= 100, `total CPU ${pct?.[1]}%`);
  t.match(screen, /\/\s.*\d+(\.\d)?%\s+\S+\s+\S+/, 'root filesystem with a usage figure');
  t.match(screen, /NET RX\/s NET TX\/s/, 'per-process network columns');
  tui.keys('c');
  const conns = await tui.waitFor(/connections \d+ · sorted by throughput/);
  t.match(conns, /PID COMMAND\s+LOCAL\s+REMOTE\s+STATE/, 'the connections view');
  tui.keys('s');
  await tui.waitFor(/sorted by retrans/);
  tui.keys('\x1b');
  await tui.waitFor((x) => /processes \d+/.test(x) && !/sorted by retrans/.test(x));
  tui.keys('q');
  const r = await tui.exit();
  t.equal(r.exitCode, 0);
  t.ok(restored(tui), 'alternate screen left, cursor shown');
});

t.test('filter, sort, tree, detail and kill on processes the test started', async (t) => {
  const sleeper = named(`${MARK}-sleep`);
  // A parent (sh) with a child: the sleeper. And a burner, busy on one core.
  const parent = child(t, 'sh', ['-c', `${sleeper} 300 & wait`]);
  const burner = child(t, process.execPath, ['-e', 'for(;;){}', `${MARK}-burn`]);
  // 300 columns: the tree view indents the sleeper by every ancestor of this test (CI's shell, npm, the
  // test runner, tap...); at 200 its command could be cut before the text the test looks for.
  const tui = startTui(t, ['--proc-interval', '200'], { cols: 300, rows: 50 });
  await tui.waitFor(/processes \d+/);
  tui.keys(`/${MARK}`);
  await tui.waitFor(/filter: vigiltst/);
  tui.keys('\r');
  // Each input waits for its effect: a terminal can deliver two quick writes in one read.
  let s = await tui.waitFor((x) => x.includes(`${MARK}-burn`) && x.includes(`${MARK}-sleep 300`) && /CPU%▼/.test(x) && !/filter: /.test(x));
  t.match(s, /processes 3\/\d+ · filter "vigiltst/, 'the filter finds the test processes (sh, sleeper, burner)');
  // Sorted by CPU (the default, descending): the burner is the first row once it has a rate. How much of
  // a core it gets depends on what else this machine runs; above its idle siblings is what sorting means.
  s = await tui.waitFor((x) => {
    const rows = x.split('\n').filter((l) => l.includes(MARK) && !l.includes('filter'));
    const cpu = (l: string): number => Number(/^\W*\d+\s+\S+\s+-?\d+\s+\S\s+\S+\s+([\d.]+)\s/.exec(l)?.[1] ?? NaN);
    return rows.length >= 3 && rows[0].includes(`${MARK}-burn`) && cpu(rows[0]) > 1 && rows.slice(1).every((r) => !(cpu(r) > cpu(rows[0])));
  });
  t.pass('the core burner sorts first by CPU');
  // A click on a column title sorts by it (mouse reports as blessed asks for them: X10 with UTF-8 coordinates).
  const head = s.split('\n');
  const row = head.findIndex((l) => l.includes('PID USER'));
  const col = head[row].indexOf('PID');
  tui.keys(`\x1b[M ${String.fromCharCode(33 + col)}${String.fromCharCode(33 + row)}`);
  await tui.waitFor(/PID▲ USER/);
  t.pass('clicking PID sorts by pid');
  tui.keys('t');
  s = await tui.waitFor((x) => / tree/.test(x) && new RegExp(`└─.*${MARK}-sleep 300`).test(x));
  const lines = s.split('\n');
  const pi = lines.findIndex((l) => l.includes(`${parent.pid} `) && l.includes('sh -c'));
  const ci = lines.findIndex((l) => l.includes(`└─`) && l.includes(`${MARK}-sleep 300`));
  t.ok(pi >= 0 && ci === pi + 1, 'tree view: the sleeper right under its shell');
  tui.keys('t');
  // Narrow to the shell and its sleeper (sorted by pid now: the sleeper second), select it, open details.
  tui.keys(`/`);
  tui.keys('-sleep\r');
  s = await tui.waitFor(/processes 2\/\d+ · filter "vigiltst\d+-sleep"/);
  tui.keys('\x1b[H'); // Home
  tui.keys('\x1b[B'); // Down
  await sleep(300);
  tui.keys('\r');
  s = await tui.waitFor(/process \d+ · last 10 min/);
  t.match(s, /cwd\s+\//, 'detail view shows the cwd');
  t.match(s, /parents\s+\d+ sh/, 'and the parent chain');
  t.match(s, /CPU %/, 'and history charts');
  tui.keys('\x1b');
  await tui.waitFor((x) => !/last 10 min/.test(x));
  // k, Enter (SIGTERM is first), y: the sleeper gets SIGTERM.
  const sleeperPid = Number(/process (\d+) · last 10 min/.exec(s)![1]);
  t.match(s, new RegExp(`command\\s+\\S*${MARK}-sleep 300`), 'the detail view was the sleeper\'s');
  tui.keys('k');
  await tui.waitFor(/send a signal to \d+/);
  tui.keys('\r');
  await tui.waitFor(/Send SIGTERM to \d+/);
  tui.keys('y');
  s = await tui.waitFor(/sent SIGTERM to \d+/);
  const sent = Number(/sent SIGTERM to (\d+)/.exec(s)![1]);
  t.equal(sent, sleeperPid, 'sent to the selected process');
  await new Promise<void>((resolve) => {
    const check = (): void => (fs.existsSync(`/proc/${sent}`) ? void setTimeout(check, 50) : resolve());
    check();
  });
  t.pass('the sleeper is gone');
  t.ok(burner.exitCode === null, 'the burner was not touched');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('a process named with an escape sequence is shown escaped', async (t) => {
  const evil = named(`${MARK}-\x1b]0;pwned\x07-\x1b[2J`);
  child(t, evil, ['300']);
  const tui = startTui(t);
  let title = '';
  tui.term.onTitleChange((x) => (title = x));
  await tui.waitFor(/processes \d+/);
  tui.keys(`/${MARK}-\r`);
  // The OSC part is enough to show the escaping: with the CGROUP column on screen the command may be cut
  // (with an ellipsis) before the name's `\e[2J` tail.
  const s = await tui.waitFor(/\\e\]0;pwned\\x07/);
  t.match(s, /\\e\]0;pwned\\x07/, 'shown as text');
  t.not(title, 'pwned', 'the terminal title was not changed');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('resizes: 60x20 drops panes, 10x4 is too small, and back; then SIGTERM exits cleanly and restores the terminal', async (t) => {
  const tui = startTui(t);
  await tui.waitFor(/processes \d+/);
  tui.resize(60, 20);
  let s = await tui.waitFor((x) => /processes \d+/.test(x) && !/mem \d/.test(x));
  t.notMatch(s, /disk\s+read\/s/, 'disk dropped at 60x20');
  tui.resize(10, 4);
  s = await tui.waitFor(/too small/);
  t.pass('10x4: terminal too small');
  for (let i = 0; i < 30; i++) tui.resize(100 + (i % 7) * 10, 30 + (i % 5)); // a storm of resizes
  tui.resize(200, 50);
  s = await tui.waitFor((x) => /processes \d+/.test(x) && /mem \d/.test(x) && /disk\s+read\/s/.test(x));
  t.pass('back to 200x50 with every pane');
  // The same session ends by SIGTERM (q ends the others).
  process.kill(tui.proc.pid, 'SIGTERM');
  t.equal((await tui.exit()).exitCode, 0);
  await sleep(100);
  t.ok(restored(tui));
});

for (const writer of ['nonblock', 'ring']) {
  t.test(`a stalled terminal does not stop sampling (${writer} writer)`, async (t) => {
    const tui = startTui(t, [], { cols: 200, rows: 50 }, { VIGIL_TTY_WRITER: writer });
    await tui.waitFor(/processes \d+/);
    const pid = tui.proc.pid;
    const io = (field: string): number => Number(new RegExp(`${field}: (\\d+)`).exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
    const tasks = (): string[] => fs.readdirSync(`/proc/${pid}/task`);
    const wchan = (tid: string): string => fs.readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8');
    // Stop reading the terminal, as a frozen ssh session does: the pty fills and takes no more. A few
    // resizes make vigil repaint whole, so it fills within seconds. Frames are due ten times a second,
    // a few hundred bytes a second even when little moves; once the pty is full, only libuv's own
    // wake-ups (8 bytes each) are written: two quiet seconds in a row say the terminal is full.
    (tui.proc as unknown as { pause(): void }).pause();
    for (const cols of [199, 200, 199, 200]) {
      tui.resize(cols, 50);
      await sleep(300);
    }
    const quiet = async (): Promise<boolean> => {
      const w = io('wchar');
      await sleep(1000);
      return io('wchar') - w < 100;
    };
    let full = false;
    for (const end = Date.now() + 60000; !full && Date.now() < end; ) full = (await quiet()) && (await quiet());
    t.ok(full, 'vigil writes nothing more to the stalled terminal');
    const mainWchan = wchan(String(pid));
    t.notMatch(mainWchan, /wait_woken|tty_write/, `the main thread is not blocked on it (${mainWchan})`);
    if (writer === 'ring') t.ok(tasks().some((tid) => /wait_woken|n_tty_write|tty_write/.test(wchan(tid))), 'the writer thread is');
    const a = io('rchar');
    await sleep(2000);
    const read = io('rchar') - a;
    t.ok(read > 50_000, `still reading /proc while stalled: ${read} bytes in 2 s`);
    (tui.proc as unknown as { resume(): void }).resume();
    const before = tui.text().split('\n')[0];
    await tui.waitFor((x) => x.split('\n')[0] !== before && /processes \d+/.test(x));
    t.pass('the screen catches up once the terminal reads again');
    tui.keys('q');
    t.equal((await tui.exit()).exitCode, 0);
  });
}

t.test('no TUI without a terminal: one line, exit 2', async (t) => {
  const r = await vigil([]);
  t.equal(r.code, 2);
  t.match(r.stderr, /^vigil: stdout is not a terminal; use 'vigil record FILE' or 'vigil sample' for headless use\n$/);
  const dumb = startTui(t, [], { cols: 80, rows: 24 }, { TERM: 'dumb' });
  const e = await dumb.exit();
  t.equal(e.exitCode, 2);
  t.match(dumb.raw, /TERM is 'dumb'/);
});

t.test('--no-color and NO_COLOR send no colour', async (t) => {
  // The two sessions side by side.
  await Promise.all(([[['--no-color'], {}], [[], { NO_COLOR: '1' }]] as [string[], NodeJS.ProcessEnv][]).map(async ([args, env]) => {
    const tui = startTui(t, args, { cols: 120, rows: 40 }, env);
    await tui.waitFor(/processes \d+/);
    await sleep(500);
    tui.keys('q');
    await tui.exit();
    // Colours in SGR sequences (ESC [ params m): 30-38 and 40-48, 90-97 and 100-107.
    const colours = [...tui.raw.matchAll(/\x1b\[([0-9;]*)m/g)].filter((m) => m[1].split(';').some((p) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p)));
    t.same(colours.map((m) => m[0]), [], `${args.join(' ') || 'NO_COLOR'}: no colour codes`);
  }));
});

t.test('a bad config file names the field, exit 2', async (t) => {
  const cfg = path.join(dir, 'bad.json');
  fs.writeFileSync(cfg, '{"panes": {"cpu": "yes"}}');
  const tui = startTui(t, ['--config', cfg], { cols: 80, rows: 24 });
  t.equal((await tui.exit()).exitCode, 2);
  t.match(tui.raw, /config .*bad\.json: panes\.cpu: expected true or false, got "yes"/);
});


t.test('alerts: a breach shows in the header, marks its process and pane, and lists under a', async (t) => {
  // A rule matches a process by its comm: a shell under a short name of our own (comm holds 15 bytes).
  const burn = `vb${process.pid % 1000000}`;
  const sh = path.join(dir, burn);
  fs.symlinkSync('/bin/sh', sh);
  child(t, sh, ['-c', 'while :; do :; done']);
  const cfg = path.join(dir, 'alerts.json');
  fs.writeFileSync(cfg, JSON.stringify({ alerts: [{ name: 'busy test process', metric: 'proc.cpu_pct', op: '>', threshold: 20, window: '1s', for: '1s', match: burn }] }));
  const db = path.join(dir, 'alerts.db');
  const tui = startTui(t, ['--config', cfg, '--alerts-db', db, '--proc-interval', '200']);
  await tui.waitFor(/⚠ .*busy test process/, 20000);
  // The breach's first frame moves every pane down a row (the header grows): wait for that frame to have
  // arrived whole rather than read one caught halfway through the terminal's output.
  const s = await tui.waitFor((x) => /⚠ .*busy test process/.test(x) && /! processes/.test(x), 3000).catch((e: Error) => e.message);
  t.match(s, /! processes/, 'the process pane is marked');
  tui.keys(`/${burn}\r`);
  const isRow = (l: string): boolean => l.startsWith('│') && l.includes(`${burn} -c`);
  const row = (await tui.waitFor((x) => x.split('\n').some((l) => isRow(l) && / ! /.test(l)))).split('\n').find(isRow);
  t.match(row ?? '', / ! \S*vb\d+ -c/, 'the process row is marked');
  tui.keys('a');
  const list = await tui.waitFor(/Active \(1\)/);
  t.match(list, /busy test process/);
  tui.keys('x');
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
  t.ok(fs.existsSync(db), 'the breach went to the alert log');
});
