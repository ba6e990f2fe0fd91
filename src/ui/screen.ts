/**
 * What the screen shows and how it is drawn: the widgets, the layout they are placed by, the figures
 * shown (the latest Snapshot, connections, the UI state) and the render loop, which paints at most once a
 * frame (the app's RenderScheduler calls render()). Panes get pure views; a pane whose content did not
 * change skips painting.
 */
import type * as blessed from 'blessed';
import type { Feed } from '../feed/types';
import type { Snapshot } from '../model';
import type { ConnsSnap, RetransEvent } from '../model/conns';
import { alertHeaderLines, alertMarks, AlertMarks, alertsView, markLabel } from '../panes/alerts';
import { connsView, partialText } from '../panes/conns';
import { cgroupDetailView, cgroupRows, cgroupsView } from '../panes/cgroups';
import type { CgroupSnap } from '../model/cgroups';
import { selectedPath, selectedRow } from './cg-state';
import { cpuView } from '../panes/cpu';
import type { DetailPane } from '../panes/detail';
import { diskView } from '../panes/disk';
import { headerView, HeaderState } from '../panes/header';
import { memoryView } from '../panes/memory';
import { metersView } from '../panes/meters';
import { netView } from '../panes/net';
import type { BoxPane } from '../panes/pane';
import { processesView } from '../panes/processes';
import type { ColumnKey } from '../panes/proctable';
import type { PaneView, Rect, ViewInput } from '../panes/view';
import type { AlertEngine } from '../store/alerts/engine';
import type { Breach } from '../store/alerts/evaluator';
import { HistoryWindow, procSubject } from '../store/window';
import { makeTheme, Theme, ThemeName } from '../render/theme';
import { sanitizeTagged } from '../render/sanitize';
import { headerMode, keySetOf } from './controls';
import { dialogView, footerLine, overlayRect, setupView } from './frame';
import type { KeySet } from './keys';
import { layout, Layout, PaneKind } from './layout';
import { Mode, overlaid, procKey, reduce, rowsOf, selectedIndex, selectedProc, UiState } from './state';
import { TerminalOutput } from './terminal';
import { termCaps } from './termcaps';
import { makeWidgets } from './widgets';

/** Whether vigil runs as root: what a process whose fd links are refused means (see partialText). */
const AS_ROOT = process.geteuid?.() === 0;

/** What the cgroups view says over a recording without cgroup data. */
export const NO_CGROUP_DATA = 'this recording has no cgroup data';
/** Retransmit events kept for the connections view. */
const EVENTS_KEPT = 200;
const DATA_PANES = ['cpu', 'memory', 'net', 'disk'] as const;
type DataPane = (typeof DATA_PANES)[number];
const VIEWS: { [K in DataPane]: (input: ViewInput) => PaneView } = { cpu: cpuView, memory: memoryView, net: netView, disk: diskView };

export interface ScreenOptions {
  colour: boolean;
  /** The config file's theme (default dark). */
  theme?: ThemeName;
  hidden: ReadonlySet<PaneKind>;
  debugTimings: boolean;
  /** The live rules' engine (its breaches, its notes); a replayed recording answers for its own. */
  alerts?: { engine: AlertEngine } | null;
}

export class Screen {
  readonly screen: blessed.Widgets.Screen;
  readonly out: TerminalOutput;
  readonly theme: Theme;
  readonly panes: Record<PaneKind, BoxPane>;
  /** The keys that apply (replay's controls take the place of kill and paging). */
  readonly keys: KeySet;
  /** Made on first use: the detail view is opened by few sessions, so the first frame does not build it. */
  private detailPane: DetailPane | null = null;
  readonly overlay: BoxPane;
  private readonly connsPane: BoxPane;
  private readonly tooSmall: blessed.Widgets.BoxElement;
  private conns: ConnsSnap | null = null;
  /** The latest cgroup rows (Snapshots carry them on the cgroup tier's ticks) and whether the walk was cut. */
  private cgroups: CgroupSnap[] = [];
  private events: RetransEvent[] = [];
  private snap: Snapshot | null = null;
  state: UiState;
  /** Breaches began or ended since the process pane drew: its marks redraw. */
  procsStale = true;
  private detailCwd = '';
  /** The footer's message, until a time (ms since the epoch). */
  status: { text: string; until: number } | null = null;
  private shown: Layout = { tooSmall: true };
  /** What the last frame showed (mode, layout, size): a change repaints every pane. */
  private scene: unknown[] = [];
  /**
   * A mode changed since the last frame: an overlay opened and closed between two frames (keys that
   * arrive in one read) blanks its cells on hiding while the scene reads as unchanged.
   */
  private modeChanged = false;
  private renderMs: Record<string, number> = {};
  /** What the process pane last showed: the table, its state and the selection; unchanged, it is not redrawn. */
  private procsShown: unknown[] = [];
  /** The process table's column titles on screen, for sorting by a click. */
  headerColumns: { key: ColumnKey; x0: number; x1: number }[] = [];
  private lastParse: Record<string, number> = {};
  private marks: AlertMarks = alertMarks([]);
  headerState: HeaderState;

  constructor(
    private readonly feed: Feed,
    private readonly history: HistoryWindow,
    private readonly opts: ScreenOptions,
    state: UiState,
    tty: NodeJS.WriteStream,
    input: NodeJS.ReadStream,
  ) {
    const caps = termCaps();
    this.theme = makeTheme(opts.colour, { name: opts.theme, colours: caps.colours });
    this.state = state;
    this.keys = keySetOf(feed);
    this.out = new TerminalOutput(tty);
    ({ screen: this.screen, panes: this.panes, overlay: this.overlay, connsPane: this.connsPane, tooSmall: this.tooSmall } = makeWidgets(this.out, input, this.theme, caps));
    this.headerState = { mode: headerMode(feed), alerts: [] };
  }

  private get detail(): DetailPane {
    if (this.detailPane === null) {
      const { DetailPane: Pane } = require('../panes/detail') as typeof import('../panes/detail');
      this.detailPane = new Pane(this.screen, this.theme);
    }
    return this.detailPane;
  }

  /** Takes a Snapshot to show; returns notes worth saying once. */
  show(snap: Snapshot): string[] {
    const notes: string[] = [];
    this.snap = snap;
    if (snap.procs !== null) this.state = reduce(this.state, { type: 'procs', procs: snap.procs });
    if (snap.cgroups) this.cgroups = snap.cgroups;
    if (snap.conns !== null) {
      this.conns = snap.conns;
      if (snap.conns.retrans_events.length > 0) this.events = [...this.events, ...snap.conns.retrans_events].slice(-EVENTS_KEPT);
      if (snap.conns.partial) notes.push(`${partialText(AS_ROOT)}: their NET columns show -`);
    }
    return notes;
  }

  // ------------------------------------------------------------------------------------------------
  // Layout and rendering
  // ------------------------------------------------------------------------------------------------

  relayout(): void {
    this.shown = layout(this.out.columns, this.out.rows, { hidden: this.opts.hidden, headerLines: this.headerState.alerts.length });
    if (this.shown.tooSmall) {
      for (const p of Object.values(this.panes)) p.place(undefined);
      this.detailPane?.hide();
      this.overlay.place(undefined);
      this.tooSmall.show();
      return;
    }
    this.tooSmall.hide();
    for (const [k, p] of Object.entries(this.panes) as [PaneKind, BoxPane][]) p.place(this.shown.panes[k]);
    const mode = shownMode(this.state.mode, this.state);
    if (mode === 'detail') this.showDetail();
    if (mode === 'conns' || mode === 'cgroups' || mode === 'cgfilter') this.connsPane.place(this.body());
    if (mode === 'cgdetail') this.showDetail();
    if (overlaid(mode)) this.placeOverlay();
  }

  private body(): Rect {
    const head = this.shown.tooSmall ? undefined : this.shown.panes.header;
    const foot = this.shown.tooSmall ? undefined : this.shown.panes.footer;
    const top = head ? head.height : 0;
    const bottom = foot ? 1 : 0;
    return { left: 0, top, width: this.out.columns, height: Math.max(1, this.out.rows - top - bottom) };
  }

  private timed(name: string, fn: () => void): void {
    if (!this.opts.debugTimings) return fn();
    const t0 = process.hrtime.bigint();
    fn();
    this.renderMs[name] = Number(process.hrtime.bigint() - t0) / 1e6;
  }

  render(): void {
    const snap = this.snap;
    if (this.shown.tooSmall || snap === null) {
      if (snap === null && !this.shown.tooSmall) this.renderCollecting();
      this.paint();
      return;
    }
    const base = { snap, procs: this.state.procs, history: this.history, host: this.feed.host, theme: this.theme };
    this.headerState.mode = headerMode(this.feed);
    const now = this.feed.replay?.now() ?? snap.t;
    const active = this.activeBreaches(now);
    const marks = alertMarks(active);
    const alertLines = alertHeaderLines(active, now, 3, this.out.columns);
    if (alertLines.length !== this.headerState.alerts.length) {
      this.headerState.alerts = alertLines;
      this.relayout();
    } else this.headerState.alerts = alertLines;
    this.marks = marks;
    // The load average moves into the meter strip when the panes fold into it.
    this.headerState.load = this.shown.strip.every((line) => !line.includes('load'));
    // Paused: the header and the data panes keep what they show (their charts would move with the
    // history), unless the layout changed under them.
    const frozen = this.state.paused && this.frozenScene === this.sceneKey();
    if (!frozen) this.timed('header', () => this.panes.header.update({ label: '', lines: headerView({ ...base, width: this.out.columns }, this.headerState) }));
    const mode = shownMode(this.state.mode, this.state);
    const covered = covers(mode);
    for (const k of DATA_PANES) {
      const pane = this.panes[k];
      if (!pane.visible || covered || frozen) continue;
      this.timed(k, () => {
        const v = VIEWS[k]({ ...base, ...pane.inner });
        pane.update({ ...v, label: markLabel(v.label, marks.panes.has(k), this.theme) });
      });
    }
    const meters = this.panes.meters;
    if (meters.visible && !covered) this.timed('meters', () => meters.update({ label: '', lines: metersView({ ...base, width: meters.inner.width }, this.shown.tooSmall ? [] : this.shown.strip) }));
    if (this.panes.processes.visible && !covered) this.timed('processes', () => this.renderProcesses());
    if (mode === 'detail') this.timed('detail', () => this.renderDetail());
    if (mode === 'conns') this.timed('conns', () => this.renderConns());
    if (mode === 'cgroups' || mode === 'cgfilter') this.timed('cgroups', () => this.renderCgroups());
    if (mode === 'cgdetail') this.timed('cgdetail', () => this.renderCgroupDetail());
    if (overlaid(this.state.mode)) this.renderOverlay(now);
    this.panes.footer.update({ label: '', lines: [this.footerLine()] });
    this.frozenScene = this.state.paused ? this.sceneKey() : null;
    this.timed('screen', () => this.paint());
  }

  /** The layout and size the panes were drawn for while paused: as long as it holds, they are not redrawn. */
  private frozenScene: string | null = null;

  private sceneKey(): string {
    return `${this.out.columns}x${this.out.rows} ${JSON.stringify(this.shown)} ${covers(shownMode(this.state.mode, this.state))}`;
  }

  /** The frame before the first rates: every pane's border and name, "collecting…" inside, the keys below. */
  private renderCollecting(): void {
    const host = this.feed.host;
    this.panes.header.update({ label: '', lines: [`${this.theme.bold('vigil')} ${sanitizeTagged(host.hostname)} ${this.theme.fg('gray', sanitizeTagged(host.kernel))}`] });
    const names = { cpu: 'cpu', memory: 'mem', net: 'net', disk: 'disk', processes: 'processes' };
    for (const k of [...DATA_PANES, 'processes'] as const) {
      const pane = this.panes[k];
      if (pane.visible) pane.update({ label: names[k], lines: [this.theme.fg('gray', 'collecting…')] });
    }
    this.panes.footer.update({ label: '', lines: [this.footerLine()] });
  }

  /**
   * screen.render(), where panes whose content did not change skip painting (BoxPane). That is safe
   * only while nothing drew over them: a new scene (mode, layout, size) or an overlay makes them all paint.
   */
  private paint(): void {
    const scene = [this.state.mode, this.shown, this.out.columns, this.out.rows];
    if (overlaid(this.state.mode) || this.modeChanged || scene.some((k, i) => k !== this.scene[i])) {
      for (const p of [...Object.values(this.panes), this.overlay, this.connsPane]) p.touch();
    }
    this.scene = scene;
    this.modeChanged = false;
    this.screen.render();
  }

  private renderProcesses(): void {
    const pane = this.panes.processes;
    const shownKey = (): unknown[] => {
      const s = this.state;
      return [s.procs, s.table, s.columns, s.selected?.pid, s.selected?.start_time, s.top, pane.inner.width, pane.inner.height, s.tagged, s.user, s.hideKernel, s.collapsed];
    };
    if (!this.procsStale && shownKey().every((k, i) => k === this.procsShown[i])) return;
    this.state = reduce(this.state, { type: 'settle' });
    const s = this.state;
    const rows = rowsOf(s);
    const marks = this.marks;
    // Tagged processes carry a `*` before their command, as the only mark that survives no colour.
    const shown = s.tagged.size === 0 ? rows : rows.map((r) => (s.tagged.has(procKey(r.proc)) ? { ...r, prefix: `*${r.prefix}` } : r));
    const note = [
      s.user !== null ? `user ${s.user}` : '',
      s.hideKernel ? 'no kernel threads' : '',
      s.tagged.size > 0 ? `${s.tagged.size} tagged` : '',
    ].filter((x) => x !== '').join(' · ');
    const view = processesView({
      rows: shown, total: s.procs.length, state: s.table, selected: selectedIndex(s, rows), top: s.top, ...pane.inner, theme: this.theme,
      mark: (p) => marks.has('proc', procSubject(p.pid, p.start_time)), columns: s.columns,
      note: note === '' ? undefined : sanitizeTagged(note),
    });
    view.label = markLabel(view.label, marks.panes.has('processes'), this.theme);
    this.state = reduce(this.state, { type: 'scrolled', top: view.top });
    this.headerColumns = view.columns;
    pane.update(view);
    this.procsShown = shownKey();
    this.procsStale = false;
  }

  private footerLine(): string {
    const status = this.status && Date.now() < this.status.until ? this.status.text : null;
    return footerLine(this.state, {
      theme: this.theme, keys: this.keys, status, timings: this.opts.debugTimings ? () => this.timings() : undefined, position: this.feed.replay?.position() ?? null,
    });
  }

  private timings(): string {
    const parse = this.feed.takeTimings();
    const fmt = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' ');
    if (parse) this.lastParse = parse;
    return `parse ms: ${fmt(this.lastParse)} | render ms: ${fmt(this.renderMs)}`;
  }

  private renderDetail(): void {
    // An exited process keeps its last figures and its history; the view marks it as exited.
    const s = this.state;
    if (s.detailProc === null) return;
    const { detailView } = require('../panes/detail') as typeof import('../panes/detail');
    this.detail.update(
      detailView({
        proc: s.detailProc, alive: selectedProc(s) !== undefined, procs: s.procs, history: this.history, cwd: this.detailCwd, theme: this.theme,
        width: this.out.columns - 2, conns: this.conns?.conns ?? [], cgroups: this.cgroups,
      }),
    );
  }

  private renderConns(): void {
    const pane = this.connsPane;
    pane.update(connsView({ conns: this.conns?.conns ?? [], events: this.events, sort: this.state.connsSort, ...pane.inner, theme: this.theme, partial: this.conns?.partial ?? false, asRoot: AS_ROOT }));
  }

  /** The cgroups view in the connections view's box (the two never show at once). */
  private renderCgroups(): void {
    const pane = this.connsPane;
    const cg = this.state.cg;
    // A recording from before schema 4 (or made without the tier): say so rather than draw an empty tree.
    if (this.feed.hasCgroups === false) {
      if (cg.rows.length > 0) this.state = reduce(this.state, { type: 'cg', action: { type: 'rows', rows: [] } });
      pane.update({ label: `cgroups · Esc/${this.keys === 'replay' ? 'C' : 'g'} closes`, lines: [NO_CGROUP_DATA] });
      return;
    }
    const rows = cgroupRows(this.cgroups, cg.table);
    const paths = rows.map((r) => r.snap.path);
    if (paths.length !== cg.rows.length || paths.some((p, i) => p !== cg.rows[i])) this.state = reduce(this.state, { type: 'cg', action: { type: 'rows', rows: paths } });
    const view = cgroupsView({ rows, total: this.cgroups.length, state: cg.table, selected: selectedRow(this.state.cg), ...pane.inner, theme: this.theme,
      closeKey: this.keys === 'replay' ? 'C' : 'g',
    });
    if (this.state.mode === 'cgfilter') view.label = `filter: ${sanitizeTagged(cg.table.filter)}▏ (Enter keeps, Esc clears) · ${view.label}`;
    pane.update(view);
  }

  private renderCgroupDetail(): void {
    const path = selectedPath(this.state.cg);
    const snap = this.cgroups.find((c) => c.path === path);
    if (snap === undefined) return;
    this.detail.update(cgroupDetailView({ snap, procs: this.state.procs, history: this.history, theme: this.theme, width: this.out.columns - 2 }));
  }

  private showDetail(): void {
    this.detail.show(this.body());
  }

  private placeOverlay(): void {
    this.overlay.place(overlayRect(this.state.mode, this.keys, this.body(), this.state));
    this.overlay.box.setFront();
  }

  /** Breaches as they stand: the engine's (live) or the recording's at the replayed moment. */
  /** The open breaches alone (every frame asks: the recent list is for the alerts overlay). */
  private activeBreaches(now: number): readonly Breach[] {
    if (this.feed.replay) return this.feed.replay.alertsAt(now).active;
    return this.opts.alerts?.engine.active() ?? [];
  }

  private breaches(now: number): { active: readonly Breach[]; recent: readonly Breach[] } {
    if (this.feed.replay) return this.feed.replay.alertsAt(now);
    const e = this.opts.alerts?.engine;
    return e ? { active: e.active(), recent: e.recent(20) } : { active: [], recent: [] };
  }

  private renderOverlay(now: number): void {
    if (this.state.mode === 'alerts') {
      const b = this.breaches(now);
      const inner = this.overlay.inner;
      this.overlay.update(alertsView({ active: b.active, recent: b.recent, notes: this.opts.alerts?.engine.notes() ?? [], now, theme: this.theme, width: inner.width, height: inner.height }));
      return;
    }
    if (this.state.mode === 'setup') {
      this.overlay.update(setupView(this.state, this.theme, this.overlay.inner.height));
      return;
    }
    const view = dialogView(this.state, this.theme, this.keys, this.overlay.inner);
    if (view.top !== undefined) this.state = reduce(this.state, { type: 'helpTop', top: view.top });
    this.overlay.update(view);
  }


  /** Places the widgets a mode shows, and takes away those of the mode it leaves. */
  changeMode(from: Mode, to: Mode): void {
    this.modeChanged = true;
    // The go-to prompt is typed in the footer over the view it was opened from, which stays placed.
    [from, to] = [shownMode(from, this.state), shownMode(to, this.state)];
    if (from === to) return;
    const shown = this.state.detailProc;
    if (to === 'detail' && shown !== null) this.detailCwd = this.feed.cwd(shown.pid);
    const boxed = (m: Mode): boolean => m === 'conns' || m === 'cgroups' || m === 'cgfilter';
    if (from === 'detail' || from === 'cgdetail') this.detailPane?.hide();
    if (boxed(from)) this.connsPane.place(undefined);
    if (overlaid(from) && !overlaid(to)) this.overlay.place(undefined);
    // Back from a view that covered the panes: a relayout places the panes and whatever `to` shows.
    if (covers(from)) this.relayout();
    else if (to === 'detail' || to === 'cgdetail') this.showDetail();
    else if (boxed(to)) this.connsPane.place(this.body());
    else if (overlaid(to) && !overlaid(from)) this.placeOverlay();
    if (boxed(to)) this.connsPane.box.setFront();
  }


  /** The alternate screen left, the scroll region and keypad reset, the cursor shown, mouse reports off, cooked input. */
  leave(): void {
    // A frame blessed has buffered but not sent goes out first, then the restore after it.
    this.screen.program.flush();
    (this.screen as unknown as { leave(): void }).leave();
    const input = this.screen.program.input as NodeJS.ReadStream;
    input.setRawMode?.(false);
    input.pause();
  }

  /** The terminal taken again after a suspend: raw input, the alternate screen, mouse reports as they were. */
  enter(): void {
    const input = this.screen.program.input as NodeJS.ReadStream;
    input.setRawMode?.(true);
    input.resume();
    (this.screen as unknown as { enter(): void }).enter();
    if ((this.screen as unknown as { _listenedMouse?: boolean })._listenedMouse) this.screen.program.enableMouse();
  }

  /** Forgets what the terminal shows, so that the next frame draws every cell again. */
  forget(): void {
    this.screen.alloc();
    this.scene = [];
    this.procsShown = [];
    this.relayout();
  }
}

/** What fills the body in a mode: the go-to prompt keeps the view it was opened from. */
function shownMode(mode: Mode, s: UiState): Mode {
  return mode === 'goto' ? s.gotoBack : mode;
}

/** A mode whose view covers the data panes (they are not drawn under it). */
function covers(mode: Mode): boolean {
  return mode === 'detail' || mode === 'conns' || mode === 'cgroups' || mode === 'cgfilter' || mode === 'cgdetail';
}
