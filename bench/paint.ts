/**
 * `npm run bench -- paint`: the panes' half of the frame path alone, in this process, builds side by side.
 * The side-by-side TUI bench (side.ts) measures everything a TUI costs, and there the sampler's /proc reads
 * (kernel time that moves with the machine's load) drown a change to the panes. Here each build's own
 * modules make the same frames from the same synthetic data into a 200x50 in-memory blessed screen, with
 * vigil's draw (its output dropped), in alternating blocks of 300 frames, each block in a child process after 1000 frames of warm-up;
 * CPU time per frame, medians and per-block ratios against the first build.
 *   processes  the table at --proc-interval 100: BENCH_PAINT_PROCS processes (1700), a tenth of them ran
 *              since the last frame (new ProcSnaps, as derive gives them), sorted by CPU% (BENCH_PAINT_SORT)
 *   cpu+mem    the cpu and memory panes, a new Snapshot every frame (what moves at defaults 10 times a second)
 *   BENCH_PAINT_DISTS=old=/tmp/base/dist,new=dist   the builds' dist directories (default: this one)
 *   BENCH_PAINT_TREE=1                              the table as a tree
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { PassThrough } from 'stream';
import * as blessed from 'blessed';
import type { ProcSnap, Snapshot } from '../src/model';
import { prng } from '../src/store/window/synthetic';
import { fmt, median } from './util';

const PROCS = Number(process.env.BENCH_PAINT_PROCS ?? 1700);
const SORT = process.env.BENCH_PAINT_SORT ?? 'cpu';
const TREE = process.env.BENCH_PAINT_TREE === '1';
const BLOCKS = 10;
const FRAMES = 300;
/** Frames before a block is measured: V8 settles on this code over the first several hundred. */
const WARMUP = 1000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- modules of another build, loaded by path
type Mod = Record<string, any>;

function memoryScreen(): blessed.Widgets.Screen {
  const output = Object.assign(new PassThrough(), { columns: 200, rows: 50, isTTY: true });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  output.resume();
  return blessed.screen({ input, output, terminal: 'xterm-256color', warnings: false, fullUnicode: true, smartCSR: true, autoPadding: false } as unknown as blessed.Widgets.IScreenOptions);
}

interface Build {
  frames: Record<string, () => void>;
}

function load(dist: string): Build {
  const req = (m: string): Mod => require(path.resolve(dist, 'src', m)) as Mod;
  const { BoxPane } = req('panes/pane');
  const { CellDraw } = req('ui/draw');
  const { processesView } = req('panes/processes');
  const { tableRows } = req('panes/proctable');
  const { cpuView } = req('panes/cpu');
  const { memoryView } = req('panes/memory');
  const { HistoryWindow } = req('store/window');
  const { blankProc, syntheticSnapshot } = req('store/window/synthetic');
  const { makeTheme } = req('render/theme');
  const theme = makeTheme(true);
  // As the app (widgets.ts): blessed's character widths memoised per code point.
  req('ui/char-width').memoizeCharWidth((blessed as unknown as { unicode: unknown }).unicode);
  const host = { hostname: 'bench', kernel: '6.1', clk_tck: 100, page_size: 4096, ncpu: 8, boot_time_s: 1_700_000_000 };

  const table = (): (() => void) => {
    const s = memoryScreen();
    new CellDraw(s, () => undefined).install();
    const pane = new BoxPane(s, { left: 0, top: 2, width: 200, height: 48 });
    const rnd = prng(7);
    let procs: ProcSnap[] = Array.from({ length: PROCS }, (_, i) =>
      blankProc(100 + i, 1, {
        ppid: i < 5 ? 1 : 100 + (i % 5), cpu_pct: rnd() < 0.03 ? rnd() * 50 : 0, cpu_time_s: i, rss_bytes: i * 123_457, mem_pct: i / 100, threads: 1 + (i % 4),
        cmdline: `/usr/lib/pkg${i % 40}/daemon-${i} --config /etc/x${i}.conf --verbose`, user: i % 3 ? 'root' : 'www-data', state: 'S',
      }),
    );
    const state = { sortKey: SORT, descending: true, filter: '', tree: TREE, follow: null };
    return () => {
      procs = procs.map((p) => (rnd() < 0.1 ? { ...p, cpu_pct: rnd() < 0.5 ? 0 : rnd() * 30, cpu_time_s: p.cpu_time_s + 0.01, rss_bytes: p.rss_bytes + (rnd() < 0.2 ? 4096 : 0) } : p));
      const rows = tableRows(procs, state);
      pane.update(processesView({ rows, total: procs.length, state, selected: 5, top: 0, width: 198, height: 46, theme }));
      s.render();
    };
  };

  const cpuMem = (): (() => void) => {
    const s = memoryScreen();
    new CellDraw(s, () => undefined).install();
    const cpu = new BoxPane(s, { left: 0, top: 2, width: 120, height: 14 });
    const mem = new BoxPane(s, { left: 120, top: 2, width: 80, height: 14 });
    const rnd = prng(9);
    const history = new HistoryWindow();
    let i = 0;
    const next = (): Snapshot => {
      i++;
      const snap = syntheticSnapshot(i * 100, 1_700_000_000_000 + i * 100, 100, { cores: 8, ifaces: 2, disks: 1, mounts: 1 }, rnd) as Snapshot;
      history.push(snap);
      return snap;
    };
    for (let k = 0; k < 900; k++) next();
    return () => {
      const snap = next();
      const base = { snap, procs: [], history, host, theme };
      cpu.update(cpuView({ ...base, width: 118, height: 12 }));
      mem.update(memoryView({ ...base, width: 78, height: 12 }));
      s.render();
    };
  };

  return { frames: { processes: table(), 'cpu+mem': cpuMem() } };
}

/**
 * One block in a child process of its own: two builds loaded into one process share blessed's module
 * state and V8's feedback for the code they share, and measured each other (a build alone, 0.55 ms a
 * frame; beside the other, 0.44 and 0.66).
 */
function block(dist: string, kind: string): number {
  const out = spawnSync(process.execPath, [__filename, '--child', dist, kind], { encoding: 'utf8', env: process.env });
  const ms = Number(out.stdout.trim().split('\n').pop());
  if (out.status !== 0 || !Number.isFinite(ms)) throw new Error(`paint child (${dist} ${kind}): ${out.stderr.trim() || out.stdout.trim()}`);
  return ms;
}

export async function benchPaint(): Promise<void> {
  const specs = (process.env.BENCH_PAINT_DISTS ?? `this=${path.join(__dirname, '..')}`).split(',');
  const builds = specs.map((spec) => {
    const [name, dist] = spec.includes('=') ? spec.split('=') : [spec, spec];
    return { name, dist, ms: {} as Record<string, number[]> };
  });
  const kinds = ['processes', 'cpu+mem'];
  console.log(`\n== paint: the panes' frame path, ${builds.map((b) => b.name).join(' vs ')}; ${PROCS} processes sorted by ${SORT}${TREE ? ' (tree)' : ''}, ${BLOCKS} interleaved blocks of ${FRAMES} frames, each in a process of its own after ${WARMUP} frames of warm-up`);
  for (const kind of kinds) {
    for (const b of builds) b.ms[kind] = [];
    for (let k = 0; k < BLOCKS; k++) for (const b of builds) b.ms[kind].push(block(b.dist, kind));
    for (const b of builds) {
      const line = `  ${kind.padEnd(10)} ${b.name.padEnd(8)} ${fmt(median(b.ms[kind]), 3)} ms/frame`;
      if (b === builds[0]) console.log(line);
      else {
        const ratios = b.ms[kind].map((x, i) => x / builds[0].ms[kind][i]);
        console.log(`${line}   ${b.name}/${builds[0].name} ${fmt(median(ratios))} (per block: ${ratios.map((r) => fmt(r)).join(' ')})`);
      }
    }
  }
}

if (require.main === module && process.argv[2] === '--child') {
  const [dist, kind] = process.argv.slice(3);
  const frame = load(dist).frames[kind];
  for (let i = 0; i < WARMUP; i++) frame();
  const t0 = process.cpuUsage();
  for (let i = 0; i < FRAMES; i++) frame();
  const u = process.cpuUsage(t0);
  console.log((u.user + u.system) / 1000 / FRAMES);
  process.exit(0);
}
