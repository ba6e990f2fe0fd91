/**
 * Lines painted by segments (a cpu line's chart and core bars, a memory row's bar and figures): the
 * CellPainter skips a segment painted at its place before, so a wrong skip would leave an old figure's
 * cells behind. And process rows that take a process's unchanged cells from its last row. Frame after
 * frame, with processes that move, start and end, hostile names, every sort key, the tree, filters,
 * selection and two terminal sizes, the cells left must be the cells blessed leaves when it paints the
 * same view from nothing: every cell, character and attribute.
 */
import t from 'tap';
import type { ProcSnap } from '../../../src/model';
import { cpuView } from '../../../src/panes/cpu';
import { memoryView } from '../../../src/panes/memory';
import { BoxPane } from '../../../src/panes/pane';
import { COLUMN_ORDER, processesView } from '../../../src/panes/processes';
import { tableRows, type TableState } from '../../../src/panes/proctable';
import type { PaneView, ViewInput } from '../../../src/panes/view';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot, prng, syntheticSnapshot } from '../../../src/store/window/synthetic';
import { makeTheme, type Theme } from '../../../src/render/theme';
import { HOST } from '../../helpers/samples';
import { cellsOf, memoryScreen } from '../../helpers/screen';

/** The cells blessed leaves painting `view` from nothing into a box of this size. */
function reference(view: PaneView, w: number, h: number): string {
  const s = memoryScreen(w + 4, h + 4);
  try {
    const pane = new BoxPane(s, { left: 1, top: 1, width: w + 2, height: h + 2 });
    pane.update({ label: view.label, lines: view.lines });
    s.render();
    return JSON.stringify(cellsOf(s));
  } finally {
    s.destroy();
  }
}

/** Paints the views one after another into one pane; after each, the cells must be blessed's. Returns how many frames the CellPainter took. */
function sequence(t: { equal(a: unknown, b: unknown, m: string): void }, name: string, views: PaneView[], w: number, h: number): number {
  const s = memoryScreen(w + 4, h + 4);
  let fast = 0;
  try {
    const pane = new BoxPane(s, { left: 1, top: 1, width: w + 2, height: h + 2 });
    const box = pane.box as unknown as { setContent: (...a: unknown[]) => void };
    const set = box.setContent;
    let blessedPainted = false;
    box.setContent = (...a: unknown[]) => {
      blessedPainted = true;
      set.apply(box, a);
    };
    let bad = -1;
    views.forEach((v, i) => {
      blessedPainted = false;
      pane.update(v);
      s.render();
      if (i > 0 && !blessedPainted) fast++;
      if (bad < 0 && JSON.stringify(cellsOf(s)) !== reference(v, w, h)) bad = i;
    });
    t.equal(bad, -1, `${name}: every frame's cells are blessed's`);
  } finally {
    s.destroy();
  }
  return fast;
}

/** Names nobody should have to see, but processes can take. */
const HOSTILE = [
  '日本語のコマンド --オプション', '🙂🚀 emoji-daemon', 'e\u0301a\u0300 combining', 'ctl\x01\x1b[31mred\x07\r\n', 'x'.repeat(400),
  '{red-fg}tag{/red-fg} {bold}', 'tab\there', '\u200bzero width', 'ascii --flag={x}',
];

function procsAt(frame: number, hostile: boolean, rnd: () => number): ProcSnap[] {
  const out: ProcSnap[] = [];
  for (let i = 0; i < 60; i++) {
    // Processes end and new ones start: one pid in ten lives a few frames only.
    if (i % 10 === 9 && (frame + i) % 3 === 0) continue;
    const cmd = hostile && i < HOSTILE.length ? HOSTILE[i] : `/usr/bin/p${i} --n=${i}`;
    out.push(
      blankProc(100 + i, i % 10 === 9 ? frame : 1, {
        ppid: i === 0 ? 1 : 100 + Math.floor(i / 4),
        cpu_pct: i % 3 === 0 ? rnd() * 120 : i % 3 === 1 ? 0 : null,
        cpu_time_s: i * 37.5 + frame * rnd(),
        mem_pct: rnd() * 100,
        rss_bytes: Math.floor(rnd() * 2 ** 34),
        read_bytes_per_s: i % 2 === 0 ? rnd() * 1e7 : null,
        write_bytes_per_s: rnd() * 1e4,
        threads: 1 + (i % 7),
        comm: hostile && i < HOSTILE.length ? HOSTILE[i].slice(0, 15) : `p${i}`,
        cmdline: cmd,
        user: i % 5 === 0 ? (hostile ? 'ユーザー' : 'daemon') : i % 5 === 1 ? null : 'root',
        uid: i % 5 === 1 ? 1000 + i : 0,
        kthread: i === 7,
        state: i === 8 ? 'Z' : 'S',
        net_source: i % 4 === 0 ? 'shim' : null,
        net_rx_bytes_per_s: i % 4 === 0 ? rnd() * 1e5 : null,
      }),
    );
  }
  return out;
}

/** Frames of the process table: figures move, rows change places, the selection moves, the view scrolls. */
function tableFrames(state: TableState, w: number, h: number, themeOf: Theme | (() => Theme), hostile: boolean, seed: number): PaneView[] {
  const rnd = prng(seed);
  let prev: ProcSnap[] = [];
  const views: PaneView[] = [];
  for (let f = 0; f < 6; f++) {
    let procs = procsAt(f, hostile, rnd);
    // As derive does: a process that did not run keeps its very ProcSnap.
    if (f % 2 === 1) procs = procs.map((p) => prev.find((q) => q.pid === p.pid && q.start_time === p.start_time && p.cpu_pct !== null && p.pid % 2 === 0) ?? p);
    prev = procs;
    const rows = tableRows(procs, state);
    const marked = (p: ProcSnap): boolean => p.pid % 11 === 0 && f > 2;
    const theme = typeof themeOf === 'function' ? themeOf() : themeOf;
    const v = processesView({ rows, total: procs.length, state, selected: f === 4 ? -1 : (f * 7) % Math.max(1, rows.length), top: f === 5 ? 20 : 0, width: w, height: h, theme, mark: marked });
    views.push({ label: v.label, lines: v.lines });
  }
  return views;
}

t.test('process table, flat and tree, every sort key, both ways, 80x24 and 200x50: cells as blessed paints them', async (t) => {
  for (const [w, h] of [[76, 20], [196, 46]]) {
    for (const colour of [true, false]) {
      const theme = makeTheme(colour);
      let fast = 0;
      let frames = 0;
      for (const sortKey of COLUMN_ORDER) {
        for (const tree of [false, true]) {
          const state: TableState = { sortKey, descending: (sortKey.length + (tree ? 1 : 0)) % 2 === 0, filter: '', tree, follow: null };
          const views = tableFrames(state, w, h, theme, false, sortKey.length * 7 + w);
          fast += sequence(t, `${w}x${h} colour ${colour} sort ${sortKey} tree ${tree}`, views, w, h);
          frames += views.length - 1;
        }
      }
      // Plain ASCII names: the CellPainter (and its segments) did the painting, not blessed.
      t.equal(fast, frames, `${w}x${h} colour ${colour}: every later frame painted by the CellPainter`);
    }
  }
});

t.test('hostile names, filters and a followed process: cells as blessed paints them', async (t) => {
  const theme = makeTheme(true);
  const filters = ['', 'p1', 'ユーザー', '{', 'zzz-none'];
  for (const [w, h] of [[76, 20], [196, 46]]) {
    for (const filter of filters) {
      for (const tree of [false, true]) {
        for (const sortKey of ['cpu', 'command', 'user', 'pid'] as const) {
          const state: TableState = { sortKey, descending: true, filter, tree, follow: filter === 'p1' ? { pid: 101, start_time: 1 } : null };
          sequence(t, `${w}x${h} hostile filter "${filter}" tree ${tree} sort ${sortKey}`, tableFrames(state, w, h, theme, true, 5), w, h);
        }
      }
    }
  }
});

t.test('cpu and memory panes, frame after frame, wide and narrow: cells as blessed paints them', async (t) => {
  for (const [w, h, cores] of [[96, 12, 6], [60, 10, 2], [196, 20, 16], [38, 8, 4]] as const) {
    for (const colour of [true, false]) {
      const history = new HistoryWindow();
      const rnd = prng(w + cores);
      let snap = blankSnapshot(0, 0, 100);
      const cpu: PaneView[] = [];
      const mem: PaneView[] = [];
      for (let i = 1; i <= 700; i++) {
        snap = syntheticSnapshot(i * 100, 1_700_000_000_000 + i * 100, 100, { cores, ifaces: 2, disks: 1, mounts: 1 }, rnd);
        if (i % 3 === 0 && snap.cores.length > 1) snap.cores[1] = { ...snap.cores[1], online: false };
        // Figures that hold still for a frame: their segments are skipped.
        if (i % 2 === 0) snap.mem = { ...snap.mem, mem_used_bytes: 2 ** 33, mem_total_bytes: 2 ** 34 };
        history.push(snap);
        if (i > 690) {
          const input: ViewInput = { snap, procs: [], history, host: HOST, theme: makeTheme(colour), width: w, height: h };
          cpu.push(cpuView(input));
          mem.push(memoryView(input));
        }
      }
      const fastCpu = sequence(t, `cpu ${w}x${h} ${cores} cores colour ${colour}`, cpu, w, h);
      const fastMem = sequence(t, `memory ${w}x${h} colour ${colour}`, mem, w, h);
      t.equal(fastCpu, cpu.length - 1, `cpu ${w}x${h}: painted by the CellPainter`);
      t.equal(fastMem, mem.length - 1, `memory ${w}x${h}: painted by the CellPainter`);
    }
  }
});

t.test('segments that leave a tag open, or disagree with their line, still paint as blessed would', async (t) => {
  const w = 40;
  const h = 4;
  // A tag opened in one segment and closed in a later one (a line leaves none open: blessed would carry
  // it to the next line, and neither painter does).
  const frames: PaneView[] = [
    { label: 'x', lines: ['{green-fg}ab cd{/green-fg}', 'x y'], segs: [['{green-fg}ab', ' ', 'cd{/green-fg}'], ['x', ' ', 'y']] },
    { label: 'x', lines: ['{green-fg}ab ce{/green-fg}', 'x z'], segs: [['{green-fg}ab', ' ', 'ce{/green-fg}'], ['x', ' ', 'z']] },
    { label: 'x', lines: ['{bold}ab{/bold} ce', 'xx z'], segs: [['{bold}ab{/bold}', ' ', 'ce'], ['xx', ' ', 'z']] },
    { label: 'x', lines: ['{bold}ab{/bold} cf', 'x z'], segs: [['{bold}ab{/bold}', ' ', 'cf'], ['x', ' ', 'z']] },
    { label: 'x', lines: ['{bold}ab{/bold} cf', '{red-fg}x{/red-fg} z'], segs: [['{bold}ab{/bold}', ' ', 'cf'], null] },
    { label: 'x', lines: ['{bold}ab{/bold} cf', 'x z'], segs: [['{bold}ab{/bold}', ' ', 'cf'], ['x', ' ', 'z']] },
    { label: 'x', lines: ['{bold}ab{/bold}', 'x z' + 'w'.repeat(50)], segs: [['{bold}ab{/bold}'], ['x', ' ', 'z' + 'w'.repeat(50)]] },
    { label: 'x', lines: ['{bold}ab{/bold} cf', 'x q' + 'w'.repeat(50)], segs: [['{bold}ab{/bold}', ' ', 'cf'], ['x', ' ', 'q' + 'w'.repeat(50)]] },
  ];
  sequence(t, 'open tags and plain lines between segmented ones', frames, w, h);
});

t.test('rows made from the last frame\'s cells of the same process are the rows made from nothing', async (t) => {
  // A theme made anew for every frame matches no memo: its lines are formatted from the snapshot alone.
  for (const [w, h] of [[76, 20], [196, 46]]) {
    for (const hostile of [false, true]) {
      for (const sortKey of COLUMN_ORDER) {
        const state: TableState = { sortKey, descending: true, filter: '', tree: sortKey.length % 2 === 0, follow: null };
        const kept = tableFrames(state, w, h, makeTheme(true), hostile, 11);
        const fresh = tableFrames(state, w, h, () => makeTheme(true), hostile, 11);
        t.same(kept.map((v) => v.lines), fresh.map((v) => v.lines), `${w}x${h} hostile ${hostile} sort ${sortKey}: same lines`);
      }
    }
  }
});
