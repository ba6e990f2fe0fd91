/**
 * The CellPainter against blessed: every pane's real content, and hostile lines, painted both ways into
 * in-memory screens must leave the same cells (character and attribute) everywhere.
 */
import fc from 'fast-check';
import t from 'tap';
import type { ProcSnap } from '../../../src/model';
import { cpuView } from '../../../src/panes/cpu';
import { diskView } from '../../../src/panes/disk';
import { headerView } from '../../../src/panes/header';
import { memoryView } from '../../../src/panes/memory';
import { metersView } from '../../../src/panes/meters';
import { netView } from '../../../src/panes/net';
import { BoxPane } from '../../../src/panes/pane';
import { processesView } from '../../../src/panes/processes';
import { tableRows, type TableState } from '../../../src/panes/proctable';
import type { PaneView, ViewInput } from '../../../src/panes/view';
import { HistoryWindow } from '../../../src/store/window';
import { blankProc, blankSnapshot, prng, syntheticSnapshot } from '../../../src/store/window/synthetic';
import { makeTheme } from '../../../src/render/theme';
import { HOST } from '../../helpers/samples';
import { cellsOf, memoryScreen } from '../../helpers/screen';

const W = 100;
const H = 14;

/** Cells left by painting `view` into a fresh pane: by blessed, or by the CellPainter over `before`. */
function painted(view: PaneView, before: PaneView | null, border = true): { cells: string; fast: boolean } {
  const s = memoryScreen(W + 4, H + 4);
  try {
    const pane = new BoxPane(s, { left: 1, top: 1, width: W + 2, height: H + 2 }, { border });
    pane.update(before ?? view);
    s.render();
    let fast = false;
    if (before !== null) {
      pane.update(view);
      const box = pane.box as unknown as { setContent: (...a: unknown[]) => void };
      const set = box.setContent;
      fast = true;
      box.setContent = (...a: unknown[]) => {
        fast = false; // blessed had to take the content
        set.apply(box, a);
      };
      s.render();
    }
    return { cells: JSON.stringify(cellsOf(s)), fast };
  } finally {
    s.destroy();
  }
}

function input(colour: boolean): ViewInput {
  const history = new HistoryWindow();
  const rnd = prng(3);
  let snap = blankSnapshot(0, 0, 100);
  for (let i = 1; i <= 900; i++) {
    snap = syntheticSnapshot(i * 100, 1_700_000_000_000 + i * 100, 100, { cores: 6, ifaces: 3, disks: 2, mounts: 3 }, rnd);
    history.push(snap);
  }
  return { snap, procs: [], history, host: HOST, theme: makeTheme(colour), width: W, height: H };
}

function processes(colour: boolean): PaneView {
  const procs: ProcSnap[] = Array.from({ length: 40 }, (_, i) => blankProc(100 + i, 1, { ppid: i === 0 ? 1 : 100, cpu_pct: i * 7.5, mem_pct: i, rss_bytes: i * 2 ** 20, comm: `p${i}`, cmdline: `/bin/p${i} --flag={x}`, user: 'root', state: 'S' }));
  const state: TableState = { sortKey: 'cpu', descending: true, filter: '', tree: true, follow: null };
  const v = processesView({ rows: tableRows(procs, state), total: procs.length, state, selected: 3, top: 0, width: W, height: H, theme: makeTheme(colour) });
  return { label: v.label, lines: v.lines };
}

t.test('every pane: the CellPainter leaves the cells blessed leaves', async (t) => {
  for (const colour of [true, false]) {
    const inp = input(colour);
    const views: Record<string, PaneView> = {
      cpu: cpuView(inp),
      memory: memoryView(inp),
      net: netView(inp),
      disk: diskView(inp),
      header: { label: '', lines: headerView(inp, { mode: { kind: 'live', intervalMs: 100, procIntervalMs: 1000 }, alerts: [] }) },
      processes: processes(colour),
      meters: { label: '', lines: metersView(inp, [['cpu'], ['memory', 'load', 'net', 'disk']]) },
    };
    const blank: PaneView = { label: 'x', lines: ['something else entirely'] };
    for (const [name, v] of Object.entries(views)) {
      const view = { ...v, label: 'x' };
      const ref = painted(view, null);
      const fast = painted(view, blank);
      t.ok(fast.fast, `${name} (colour ${colour}): painted by the CellPainter`);
      t.equal(fast.cells, ref.cells, `${name} (colour ${colour}): same cells`);
      // And back: from the real content to other content, over cells the painter wrote.
      t.equal(painted(blank, view).cells, painted(blank, null).cells, `${name} (colour ${colour}): painted over`);
    }
  }
});

t.test('hostile lines: nesting, stray braces, long lines, unknown tags, wide characters', async (t) => {
  const cases: Record<string, { lines: string[]; fast: boolean }> = {
    nested: { lines: ['{green-fg}a{red-fg}b{/red-fg}c{/green-fg}d', '{bold}{inverse}x{/bold}y{/inverse}z', '{gray-fg}{bold}q{/gray-fg}r{/bold}'], fast: true },
    braces: { lines: ['{open}red-fg{close} { x } {a b} {{green-fg}g{/green-fg}}', 'lone { and } here', '{'], fast: true },
    long: { lines: ['y'.repeat(W + 50), '{green-fg}' + '⣿'.repeat(W + 5) + '{/green-fg}after'], fast: true },
    short: { lines: [], fast: true },
    unknownTag: { lines: ['{nosuch}text{/nosuch}', '{/}reset'], fast: false },
    wide: { lines: ['日本語のコマンド', 'ok'], fast: false },
    combining: { lines: ['e\u0301 x'], fast: false },
  };
  const other: PaneView = { label: 'x', lines: ['{blue-fg}' + 'z'.repeat(W) + '{/blue-fg}', 'w'.repeat(W)] };
  for (const [name, c] of Object.entries(cases)) {
    const view = { label: 'x', lines: c.lines };
    const fast = painted(view, other);
    t.equal(fast.fast, c.fast, `${name}: ${c.fast ? 'the CellPainter' : 'blessed'} paints`);
    t.equal(fast.cells, painted(view, null).cells, `${name}: same cells as blessed`);
    // Borderless panes (header, footer) have no label; one with a label is left to blessed, which paints
    // the label over the first content row.
    const bare = { label: '', lines: c.lines };
    const bareOther = { ...other, label: '' };
    t.equal(painted(bare, bareOther, false).cells, painted(bare, null, false).cells, `${name}, no border: same cells`);
    t.equal(painted(view, other, false).fast, false, `${name}, no border but a label: blessed paints`);
    t.equal(painted(view, other, false).cells, painted(view, null, false).cells, `${name}, no border but a label: same cells`);
  }
});

t.test('a sequence of frames, some lines and labels changed and some not: the cells of the last frame are blessed\'s', async (t) => {
  // The painter reads only lines that changed since it painted them, and a new label is painted over the
  // border alone; a wrong memory would leave an old line's or label's cells behind. Lines and labels come
  // from small pools, so frames repeat them, swap them, cut them short and make labels shorter.
  const pool = ['', 'plain', '{green-fg}green{/green-fg} text', '{bold}{red-fg}!{/red-fg} warn{/bold}', '⣿⣀⡀ chart ⣿', 'x'.repeat(W + 3), '{inverse} sel {/inverse}'];
  const labels = ['x', 'processes 121/121', 'processes 9/9', '{red-fg}!{/red-fg} processes 10/12', 'l'.repeat(W + 10)];
  const frame = fc.record({
    label: fc.constantFrom(...labels),
    lines: fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: H + 2 }).map((ix) => ix.map((i) => pool[i])),
  });
  fc.assert(
    fc.property(fc.array(frame, { minLength: 1, maxLength: 6 }), (frames) => {
      const s = memoryScreen(W + 4, H + 4);
      try {
        const pane = new BoxPane(s, { left: 1, top: 1, width: W + 2, height: H + 2 });
        for (const f of frames) {
          pane.update(f);
          s.render();
        }
        return JSON.stringify(cellsOf(s)) === painted(frames[frames.length - 1], null).cells;
      } finally {
        s.destroy();
      }
    }),
    { numRuns: 80 },
  );
  t.pass('same cells after every sequence tried');
});
