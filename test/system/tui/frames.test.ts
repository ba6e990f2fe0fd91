/**
 * What each frame of the live TUI sends, read from the pty: blessed wraps every frame in a cursor save
 * (ESC 7) and restore, and starts every row it writes with a move to that row's first column
 * (ESC [ row ; 1 H). Frames are replayed one by one into a second terminal emulator, so each written row
 * can be compared before and after its frame, cell by cell with colours.
 */
import { Terminal } from '@xterm/headless';
import t from 'tap';
import { sleep } from '../../helpers/proc';
import { Tui } from '../../helpers/tui';

const COLS = 200;
const ROWS = 50;

/** Rows (0-based) a frame starts writing, in order. */
function rowsWritten(frame: string): number[] {
  return [...frame.matchAll(/\x1b\[(\d+);1H/g)].map((m) => Number(m[1]) - 1);
}

/** A row as characters and their colours and weights, to tell a rewritten row from a changed one. */
function rowCells(term: Terminal, y: number): string {
  const line = term.buffer.active.getLine(y);
  if (!line) return '';
  let s = '';
  for (let x = 0; x < term.cols; x++) {
    const c = line.getCell(x);
    if (!c) break;
    s += `${c.getChars() || ' '}\u0000${c.getFgColorMode()}:${c.getFgColor()}/${c.getBgColorMode()}:${c.getBgColor()}/${c.isBold()}${c.isInverse()}${c.isUnderline()}${c.isBlink()}${c.isInvisible()}\u0001`;
  }
  return s;
}

const write = (term: Terminal, s: string): Promise<void> => new Promise((r) => term.write(s, r));

t.test('frames write only rows that changed, and the process table only when processes were read', async (t) => {
  // Processes read every 3 s, the rest every 100 ms: in a few seconds, many frames and few reads.
  const PROC_MS = 3000;
  const tui = new Tui(['--proc-interval', String(PROC_MS)], { cols: COLS, rows: ROWS });
  t.teardown(() => tui.kill());
  const screen = await tui.waitFor((x) => /processes \d+\/\d+/.test(x) && /PID/.test(x));
  await sleep(1500);
  const lines = screen.split('\n');
  // The table's rows: below its column titles, above the pane's bottom border.
  const titles = lines.findIndex((l) => /\bPID\b/.test(l));
  const bottom = lines.findIndex((l, i) => i > titles && l.startsWith('└'));
  t.ok(titles > 0 && bottom > titles + 3, `the process table's rows on screen (${titles + 1}..${bottom - 1})`);
  const table = new Set(Array.from({ length: bottom - titles - 1 }, (_, i) => titles + 1 + i));

  // The emulator that replays frames one by one starts from the screen as the real one holds it now.
  const from = tui.raw.length;
  const replay = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true, scrollback: 0 });
  await write(replay, tui.raw);
  const WINDOW_MS = 7000;
  await sleep(WINDOW_MS);
  const out = tui.raw.slice(from);
  // Whole frames only: from the first cursor save to the last.
  const start = out.indexOf('\x1b7');
  const end = out.lastIndexOf('\x1b7');
  await write(replay, out.slice(0, start));
  const frames = out.slice(start, end).split(/(?=\x1b7)/);
  t.ok(frames.length >= 10, `frames keep coming: ${frames.length} in ${WINDOW_MS / 1000} s`);

  let rewritten = 0;
  let rowsTotal = 0;
  const tableWrites = new Map<number, number>();
  const idleBytes: number[] = [];
  for (const f of frames) {
    const rows = rowsWritten(f);
    const before = rows.map((y) => rowCells(replay, y));
    await write(replay, f);
    rows.forEach((y, i) => {
      rowsTotal++;
      if (rowCells(replay, y) === before[i]) rewritten++;
      if (table.has(y)) tableWrites.set(y, (tableWrites.get(y) ?? 0) + 1);
    });
    if (!rows.some((y) => table.has(y))) idleBytes.push(Buffer.byteLength(f));
  }
  t.equal(rewritten, 0, `every row a frame writes has changed (${rowsTotal} rows in ${frames.length} frames)`);
  // At most one write of a table row per process read in the window (and one more for a read at its edge).
  const reads = Math.ceil(WINDOW_MS / PROC_MS) + 1;
  const most = Math.max(0, ...tableWrites.values());
  t.ok(most <= reads, `a table row is written at most once per process read: ${most} times, ${reads} reads at most`);
  t.ok(idleBytes.length >= frames.length - reads, `frames between process reads leave the table alone: ${idleBytes.length} of ${frames.length}`);
  // A full frame of this screen is tens of kB; one where only figures and charts moved is a few rows.
  idleBytes.sort((a, b) => a - b);
  const median = idleBytes[idleBytes.length >> 1] ?? 0;
  t.ok(median < (COLS * ROWS) / 4, `a frame between process reads sends few bytes: median ${median} B`);
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
});
