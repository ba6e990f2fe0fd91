/**
 * Issue 18, items 4-6 and the column chooser, read off a real terminal (node-pty + @xterm/headless):
 * the process table's rows and whole figures at 80x24, the sort mark on every column, RTT in the
 * connections view at 100, 200 and 300 columns, F2 saving the columns to the config file.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { COLUMNS } from '../../../src/panes/processes';
import type { ColumnKey } from '../../../src/panes/proctable';
import { vigil } from '../../helpers/cli';
import { Tui } from '../../helpers/tui';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-small-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

function startTui(t: Test, args: string[], cols: number, rows: number): Tui {
  // The config's default place is under this test's own directory: F2 must never touch the user's.
  const tui = new Tui(args, { cols, rows, env: { XDG_CONFIG_HOME: path.join(dir, 'xdg') } });
  t.teardown(() => tui.kill());
  return tui;
}

/** What a cell of each numeric column may hold: a whole formatted figure, or '-'. */
const WHOLE: Partial<Record<ColumnKey, RegExp>> = {
  pid: /^\d+$/,
  nice: /^(-|-?\d+)$/,
  threads: /^(-|\d+(\.\d)?[kMG]?)$/,
  cpu: /^(-|\d+(\.\d)?)$/,
  mem: /^(-|\d+(\.\d)?)$/,
  rss: /^(-|\d+(\.\d)?[BKMGTP])$/,
  time: /^(-|\d+:\d\d\.\d\d|\d+:\d\d:\d\d|\d+h\d\d|\d+d(\d\dh)?)$/,
  read: /^(-|\d+(\.\d)?[BKMGTP])$/,
  write: /^(-|\d+(\.\d)?[BKMGTP])$/,
  netrx: /^(-|\d+(\.\d)?[BKMGTP]\*?)$/,
  nettx: /^(-|\d+(\.\d)?[BKMGTP]\*?)$/,
  wait: /^(-|\d+(\.\d)?)$/,
  fds: /^(-|\d+(\.\d)?[kMG]?)$/,
};

/** The process pane's rows: the lines between its column header and its bottom border. */
function table(screen: string): { head: string; rows: string[] } {
  const lines = screen.split('\n');
  const h = lines.findIndex((l) => /│\s+PID/.test(l));
  const rows: string[] = [];
  for (let i = h + 1; i < lines.length && lines[i].startsWith('│'); i++) rows.push(lines[i].slice(1, -1));
  return { head: h < 0 ? '' : lines[h].slice(1, -1), rows };
}

t.test('80x24: 14+ process rows, the panes folded into a meter strip, no figure cut', async (t) => {
  const tui = startTui(t, [], 80, 24);
  // Two process reads: every rate has a value.
  const screen = await tui.waitFor((s) => /processes \d+\/\d+/.test(s) && /CPU\[/.test(s) && table(s).rows.filter((r) => /\d\.\d/.test(r)).length >= 14);
  const { head, rows } = table(screen);
  const filled = rows.filter((r) => r.trim() !== '');
  t.ok(filled.length >= 14, `${filled.length} process rows at 80x24 (htop shows 16, btop 14; this was 6)`);
  const lines = screen.split('\n');
  t.match(lines[1], /^CPU\[[|\s]*\d+(\.\d)?%\]/, 'a CPU meter');
  t.match(lines[2], /^Mem\[[|\s]*\d+(\.\d)?[BKMGT]\/\d+(\.\d)?[BKMGT]\]/, 'a memory meter');
  for (const line of lines.slice(0, 3)) {
    // The header and the strip leave fields out whole: a load average has its three figures.
    const load = /load .*$/.exec(line)?.[0];
    if (load !== undefined) t.match(load, /^load \d+\.\d\d \d+\.\d\d \d+\.\d\d/, `whole load: '${line}'`);
    t.notMatch(line, /\[[^\]]*$/, `no meter cut: '${line}'`);
  }
  t.notMatch(head, /NET RX/, 'NET goes before RSS');
  t.match(head, /RSS\s+TIME\+/, 'RSS and TIME+ shown');
  // Each numeric column, read at the place its title stands: right-aligned, so it ends where the title ends.
  let checked = 0;
  for (const [key, re] of Object.entries(WHOLE) as [ColumnKey, RegExp][]) {
    const title = COLUMNS[key].title;
    const at = new RegExp(`(^|\\s)${title.replace(/[+%/]/g, '\\$&')}[▼▲]?(?=\\s|$)`).exec(head);
    if (at === null) continue;
    const end = at.index + at[0].length;
    const start = end - COLUMNS[key].width;
    for (const r of filled) {
      t.match(r.slice(start, end).trim(), re, `${key}: '${r.slice(start, end)}' is a whole figure`);
      t.ok(start === 0 || r[start - 1] === ' ', `${key}: nothing runs into it from the left`);
      checked++;
    }
  }
  t.ok(checked >= filled.length * 5, `${checked} cells checked (PID, CPU%, MEM%, RSS, TIME+ at least)`);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});

t.test('the sort mark shows on every column < and > reach, PID and S included', async (t) => {
  const tui = startTui(t, [], 200, 30);
  let screen = await tui.waitFor((s) => /CPU%▼/.test(table(s).head));
  const marked = (h: string): string | undefined => /((?:NET )?[A-Za-z%+/]*)[▼▲]/.exec(h)?.[1];
  const seen = new Set<string>();
  // Round the whole cycle with >: every column on screen, each with its mark, back to CPU%.
  for (let i = 0; i < 25; i++) {
    const before = table(screen).head;
    tui.keys('>');
    screen = await tui.waitFor((s) => table(s).head !== before && /[▼▲]/.test(table(s).head));
    const title = marked(table(screen).head);
    t.ok(title, `a marked title in '${table(screen).head.trim()}'`);
    seen.add(title!);
    if (title === 'CPU%') break;
  }
  for (const want of ['PID', 'S', 'WRITE', 'NET RX', 'NET TX', 'MINFLT', 'MAJFLT', 'WAIT', 'TIME+', 'NI', 'COMMAND']) t.ok(seen.has(want), `${want} carried the mark`);
  t.notOk([...seen].some((x) => x.includes('…')), 'no title cut to an ellipsis');
  // And < walks back from CPU% to PID, which sorts ascending.
  for (let i = 0; i < 5 && !/PID▲/.test(table(screen).head); i++) {
    const before = table(screen).head;
    tui.keys('<');
    screen = await tui.waitFor((s) => table(s).head !== before);
  }
  t.match(table(screen).head, /PID▲/, '< reaches PID');
  const pids = table(screen).rows.filter((r) => r.trim() !== '').map((r) => Number(r.trim().split(/\s+/)[0]));
  t.same(pids, [...pids].sort((a, b) => a - b), 'the rows in pid order');
  tui.keys('q');
  await tui.exit();
});

t.test('connections view: RTT shows at 100, 200 and 300 columns', async (t) => {
  // A connection this test holds, busy enough to be at the top of the list.
  const srv = net.createServer((s) => s.on('data', () => undefined));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const c = net.connect(port, '127.0.0.1');
  const timer = setInterval(() => c.write(Buffer.alloc(64 * 1024)), 50);
  t.teardown(() => {
    clearInterval(timer);
    c.destroy();
    srv.close();
  });
  const tui = startTui(t, [], 100, 20);
  await tui.waitFor(/processes \d+/);
  tui.keys('c');
  const row = (s: string): string | undefined => s.split('\n').find((l) => l.includes(`127.0.0.1:${port}`) && /ESTABLISHED/.test(l));
  for (const cols of [100, 200, 300]) {
    tui.resize(cols, 20);
    const screen = await tui.waitFor((s) => {
      const r = row(s);
      // The view's top border spans the new width once the resize has been drawn.
      return /RTT ms/.test(s) && r !== undefined && /\s\d+\.\d\s*│\s*$/.test(r) && s.split('\n')[1].length === cols;
    });
    const head = screen.split('\n').find((l) => /PID COMMAND/.test(l))!;
    t.match(head, /LOCAL\s+REMOTE\s+STATE\s+TX\/s▼\s+RX\/s\s+RETR\s+RTT ms/, `${cols}: every column title`);
    t.match(row(screen)!, /127\.0\.0\.1:\d+\s+127\.0\.0\.1:\d+\s+ESTABLISHED\s+\S+\/s\s+\S+\/s\s+\d+\s+\d+\.\d\s*│/, `${cols}: a row with its RTT`);
    t.notMatch(head, /LOCAL\s{20,}/, `${cols}: LOCAL not padded past what an address needs`);
  }
  tui.keys('q');
  await tui.exit();
});

t.test('F2: the column chooser applies at once and saves to the config file, keeping its other keys', async (t) => {
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ interval_ms: 200, panes: { disk: false } }));
  const tui = startTui(t, ['--config', cfg], 120, 40);
  await tui.waitFor((s) => /USER/.test(table(s).head));
  tui.keys('\x1bOQ'); // F2
  await tui.waitFor(/\[x\] USER/);
  tui.keys('\x1b[B'); // down to USER
  await new Promise<void>((r) => tui.term.write('', r));
  tui.keys(' ');
  let screen = await tui.waitFor(/\[ \] USER/);
  t.match(screen, /columns saved to /, 'the footer says where');
  tui.keys('\x1b');
  screen = await tui.waitFor((s) => !/\[ \] USER/.test(s) && /PID/.test(table(s).head));
  t.notMatch(table(screen).head, /USER/, 'USER left the table at once');
  const saved = JSON.parse(fs.readFileSync(cfg, 'utf8'));
  t.same(saved.interval_ms, 200, 'the other keys kept');
  t.same(saved.panes, { disk: false });
  t.notOk(saved.columns.includes('user'));
  t.ok(saved.columns.includes('pid') && saved.columns.includes('command'));
  tui.keys('q');
  await tui.exit();
  // Next start: the table as saved.
  const again = startTui(t, ['--config', cfg], 120, 40);
  screen = await again.waitFor((s) => /PID/.test(table(s).head));
  t.notMatch(table(screen).head, /USER/, 'the saved columns are used at start');
  again.keys('q');
  await again.exit();
  // By hand, a wrong name: one line, exit 2.
  fs.writeFileSync(cfg, '{"columns": ["pid", "rsss"]}');
  const r = await vigil(['--config', cfg]);
  t.equal(r.code, 2);
  t.match(r.stderr, /^vigil: config .*: unknown column 'rsss' in columns \(did you mean 'rss'\?\)/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});
