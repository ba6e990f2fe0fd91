import * as blessed from 'blessed';
import type { Snapshot } from '../model';
import type { ConnsSnap, RetransEvent } from '../model/conns';
import type { AlertSetup } from '../commands/alert-setup';
import { saveConfigKey, TableConfig } from '../config';
import { alertHeaderLines, alertMarks, AlertMarks, alertsView, markLabel } from '../panes/alerts';
import { connsView } from '../panes/conns';
import { cpuView } from '../panes/cpu';
import type { DetailPane } from '../panes/detail';
import { diskView } from '../panes/disk';
import { headerView, HeaderState } from '../panes/header';
import { memoryView } from '../panes/memory';
import { metersView } from '../panes/meters';
import { netView } from '../panes/net';
import { BoxPane } from '../panes/pane';
import { processesView } from '../panes/processes';
import type { ColumnKey } from '../panes/proctable';
import type { PaneView, Rect, ViewInput } from '../panes/view';
import type { Breach } from '../store/alerts/evaluator';
import { HistoryWindow, procSubject } from '../store/window';
import { makeTheme, Theme, ThemeName } from '../render/theme';
import { asciiTable } from '../render/glyphs';
import { sanitizeTagged } from '../render/sanitize';
import { renice, sendSignals, SIGNALS } from './actions';
import { dialogView, footerLine, overlayRect, setupView } from './frame';
import { ClickRow, clickCommand, Command, keyCommand, keyName, WHEEL_ROWS } from './input';
import type { Action } from './keys';
import { layout, Layout, PaneKind } from './layout';
import { RenderScheduler } from './scheduler';
import type { Source } from './source';
import { initialState, isBranch, Mode, overlaid, procKey, reduce, rowsOf, selectedIndex, selectedProc, targets, UiState } from './state';
import { TerminalOutput } from './terminal';
import { termCaps } from './termcaps';

export interface AppOptions {
  colour: boolean;
  /** The config file's theme (default dark). */
  theme?: ThemeName;
  /** The rules' engine and its log (live); replay's source answers for breaches instead. */
  alerts?: AlertSetup | null;
  hidden: ReadonlySet<PaneKind>;
  debugTimings: boolean;
  /** Start following this pid (vigil run). */
  follow?: number;
  /** The process table's columns from the config, and the file the column chooser (F2) saves them to. */
  table?: TableConfig;
  /**
   * Called once the app has restored the terminal: may end what the app started and say the exit code
   * (vigil run exits with its command's code).
   */
  beforeExit?: (code: number) => Promise<number>;
}

const STATUS_MS = 5000;
/** Retransmit events kept for the connections view. */
const EVENTS_KEPT = 200;
const DATA_PANES = ['cpu', 'memory', 'net', 'disk'] as const;
type DataPane = (typeof DATA_PANES)[number];
const VIEWS: { [K in DataPane]: (input: ViewInput) => PaneView } = { cpu: cpuView, memory: memoryView, net: netView, disk: diskView };

/**
 * The TUI: one blessed screen whose widgets are created once, a Source of Snapshots feeding the history
 * window, and one render per frame. Panes get pure views; what the user changes is a UiState that only
 * the reducer (state.ts) moves, from the keys and clicks that input.ts reads. This class wires those
 * together, places the widgets a mode needs and owns the terminal's lifecycle (restored on q, F10,
 * Ctrl-C, SIGTERM, SIGHUP and on an uncaught error).
 */
export class App {
  readonly history: HistoryWindow;
  private readonly screen: blessed.Widgets.Screen;
  private readonly out: TerminalOutput;
  private readonly theme: Theme;
  private readonly scheduler: RenderScheduler;
  private readonly panes: Record<PaneKind, BoxPane>;
  /** Made on first use: the detail view's charts load blessed-contrib, ~200 ms that the first frame need not wait for. */
  private detailPane: DetailPane | null = null;
  private readonly overlay: BoxPane;
  private readonly connsPane: BoxPane;
  private conns: ConnsSnap | null = null;
  private events: RetransEvent[] = [];
  private readonly tooSmall: blessed.Widgets.BoxElement;
  private snap: Snapshot | null = null;
  private state: UiState;
  /** Breaches began or ended since the process pane drew: its marks redraw. */
  private procsStale = true;
  private detailCwd = '';
  private status: { text: string; until: number } | null = null;
  private shown: Layout = { tooSmall: true };
  /** What the last frame showed (mode, layout, size): a change repaints every pane. */
  private scene: unknown[] = [];
  /**
   * A mode changed since the last frame: an overlay opened and closed between two frames (keys that
   * arrive in one read) blanks its cells on hiding while the scene reads as unchanged.
   */
  private modeChanged = false;
  private quitting = false;
  /** Between Ctrl-Z and SIGCONT: the terminal belongs to the shell, and no frame is drawn. */
  private suspended = false;
  private readonly warned = new Set<string>();
  private renderMs: Record<string, number> = {};
  /** What the process pane last showed: the table, its state and the selection; unchanged, it is not redrawn. */
  private procsShown: unknown[] = [];
  /** The process table's column titles on screen, for sorting by a click. */
  private headerColumns: { key: ColumnKey; x0: number; x1: number }[] = [];
  private lastParse: Record<string, number> = {};
  private marks: AlertMarks = alertMarks([]);
  headerState: HeaderState;

  constructor(
    private readonly source: Source,
    private readonly opts: AppOptions,
    tty: NodeJS.WriteStream = process.stdout,
    input: NodeJS.ReadStream = process.stdin,
  ) {
    const caps = termCaps();
    this.theme = makeTheme(opts.colour, { name: opts.theme, colours: caps.colours });
    // A sample counts for its own interval in the averages, up to 1.5 ticks of the slower tier: a longer
    // silence (a suspended laptop, a stopped vigil) is a gap, not one sample stretched over it.
    this.history = new HistoryWindow({ maxSampleMs: 1.5 * Math.max(source.intervalMs, source.procIntervalMs) });
    this.state = initialState(opts.follow ?? null, opts.table?.columns ?? null);
    this.out = new TerminalOutput(tty);
    this.screen = blessed.screen({
      output: this.out as unknown as NodeJS.WritableStream,
      input,
      smartCSR: true,
      fullUnicode: true,
      autoPadding: false,
      warnings: false,
      title: 'vigil',
      terminal: caps.blessedTerminal,
      // blessed's own guess reads LANG, LANGUAGE, LC_ALL and LC_CTYPE together; setlocale's order decides here.
      forceUnicode: caps.unicode,
    } as unknown as blessed.Widgets.IScreenOptions);
    this.fitTerminal(caps);
    this.headerState = { mode: source.mode(), alerts: [] };
    const mk = (border: boolean): BoxPane => new BoxPane(this.screen, { left: 0, top: 0, width: 1, height: 1 }, { border, borderFg: this.theme.ink('gray') });
    this.panes = { header: mk(false), meters: mk(false), cpu: mk(true), memory: mk(true), net: mk(true), disk: mk(true), processes: mk(true), footer: mk(false) };
    this.overlay = mk(true);
    this.overlay.place(undefined);
    this.connsPane = mk(true);
    this.connsPane.place(undefined);
    this.tooSmall = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: '100%', hidden: true, content: 'terminal too small' });
    // At most one frame per sampling interval, and never more than 10 a second.
    this.scheduler = new RenderScheduler(() => this.render(), Math.max(100, source.intervalMs), () => this.out.backlog > 0);
    this.bindInput();
    this.out.on('resize', () => {
      this.relayout();
      this.scheduler.request();
    });
    this.out.on('gone', () => void this.quit(0));
    process.on('SIGTSTP', this.onTstp);
    process.on('SIGCONT', this.onCont);
    this.relayout();
  }

  /**
   * blessed's terminal after termcaps chose it: the colour count blessed draws with, its name (blessed
   * tells terminals apart by it, and a bundled entry is given as a path), and under a locale that is not
   * UTF-8, ASCII for every glyph (blessed would send '?' for any it has no stand-in for, and sends
   * UTF-8 anyway to a terminal whose entry claims it, as linux's does).
   */
  private fitTerminal(caps: ReturnType<typeof termCaps>): void {
    const program = this.screen.program as unknown as { _terminal: string; tput: { colors: number; unicode: boolean; numbers: Record<string, number>; utoa: Record<string, string> } };
    program._terminal = caps.term;
    program.tput.colors = caps.colours;
    if (!caps.unicode) {
      program.tput.unicode = false;
      program.tput.numbers = { ...program.tput.numbers, U8: 0 };
      program.tput.utoa = { ...program.tput.utoa, ...asciiTable() };
    }
  }

  /**
   * Draws the frame at once (every pane says "collecting…" until the first rates exist), then starts the
   * source: the first sample and its process table take a while, and the terminal should not stay blank
   * meanwhile.
   */
  start(): void {
    this.render();
    setImmediate(() => {
      if (this.quitting) return;
      this.source.start((snap, o) => this.onSnapshot(snap, o.history), this.history);
      this.scheduler.request();
    });
  }

  private get detail(): DetailPane {
    if (this.detailPane === null) {
      const { DetailPane: Pane } = require('../panes/detail') as typeof import('../panes/detail');
      this.detailPane = new Pane(this.screen, this.theme);
    }
    return this.detailPane;
  }

  /** Shows a message in the footer for a few seconds. */
  say(text: string): void {
    this.status = { text, until: Date.now() + STATUS_MS };
    this.scheduler.request();
  }

  private sayOnce(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.say(text);
  }

  private onSnapshot(snap: Snapshot, history: boolean): void {
    if (history) this.history.push(snap);
    const events = this.opts.alerts?.engine.onSnapshot(snap, this.history) ?? [];
    if (events.some((e) => e.type !== 'update')) this.procsStale = true;
    // Paused (z): sampling, the history and the alerts go on; the screen keeps what it showed.
    if (this.state.paused) {
      this.held = { snap, procs: snap.procs ?? this.held?.procs ?? null };
      return;
    }
    this.show(snap);
  }

  /** The latest Snapshot held back while the screen was paused (and the latest process table among them). */
  private held: { snap: Snapshot; procs: Snapshot['procs'] } | null = null;

  private show(snap: Snapshot): void {
    this.snap = snap;
    if (snap.procs !== null) this.state = reduce(this.state, { type: 'procs', procs: snap.procs });
    if (snap.conns !== null) {
      this.conns = snap.conns;
      if (snap.conns.retrans_events.length > 0) this.events = [...this.events, ...snap.conns.retrans_events].slice(-EVENTS_KEPT);
      if (snap.conns.partial) this.sayOnce("some processes' sockets are not visible without root: their NET columns show -");
    }
    for (const w of this.source.warnings()) this.sayOnce(w);
    this.scheduler.request();
  }

  // ------------------------------------------------------------------------------------------------
  // Layout and rendering
  // ------------------------------------------------------------------------------------------------

  private relayout(): void {
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
    const mode = this.state.mode;
    if (mode === 'detail') this.showDetail();
    if (mode === 'conns') this.connsPane.place(this.body());
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

  private render(): void {
    if (this.quitting || this.suspended) return;
    const snap = this.snap;
    if (this.shown.tooSmall || snap === null) {
      if (snap === null && !this.shown.tooSmall) this.renderCollecting();
      this.paint();
      return;
    }
    const base = { snap, procs: this.state.procs, history: this.history, host: this.source.host, theme: this.theme };
    this.headerState.mode = this.source.mode();
    const now = this.source.now?.() ?? snap.t;
    const breaches = this.breaches(now);
    const marks = alertMarks(breaches.active);
    const alertLines = alertHeaderLines(breaches.active, now, 3, this.out.columns);
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
    const mode = this.state.mode;
    const covered = mode === 'detail' || mode === 'conns';
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
    if (overlaid(mode)) this.renderOverlay(now);
    this.panes.footer.update({ label: '', lines: [this.footerLine()] });
    this.frozenScene = this.state.paused ? this.sceneKey() : null;
    this.timed('screen', () => this.paint());
  }

  /** The layout and size the panes were drawn for while paused: as long as it holds, they are not redrawn. */
  private frozenScene: string | null = null;

  private sceneKey(): string {
    return `${this.out.columns}x${this.out.rows} ${JSON.stringify(this.shown)} ${this.state.mode === 'detail' || this.state.mode === 'conns'}`;
  }

  /** The frame before the first rates: every pane's border and name, "collecting…" inside, the keys below. */
  private renderCollecting(): void {
    const host = this.source.host;
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
      theme: this.theme, keys: this.source.keys, status, timings: this.opts.debugTimings ? () => this.timings() : undefined, position: this.source.position?.() ?? null,
    });
  }

  private timings(): string {
    const parse = this.source.takeTimings();
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
        width: this.out.columns - 2, conns: this.conns?.conns ?? [],
      }),
    );
  }

  private renderConns(): void {
    const pane = this.connsPane;
    pane.update(connsView({ conns: this.conns?.conns ?? [], events: this.events, sort: this.state.connsSort, ...pane.inner, theme: this.theme, partial: this.conns?.partial ?? false }));
  }

  private showDetail(): void {
    this.detail.show(this.body());
  }

  private placeOverlay(): void {
    this.overlay.place(overlayRect(this.state.mode, this.source.keys, this.body(), this.state));
    this.overlay.box.setFront();
  }

  /** Breaches as they stand: the engine's (live) or the recording's at the replayed moment. */
  private breaches(now: number): { active: readonly Breach[]; recent: readonly Breach[] } {
    if (this.source.alertsAt) return this.source.alertsAt(now);
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
    const view = dialogView(this.state, this.theme, this.source.keys, this.overlay.inner);
    if (view.top !== undefined) this.state = reduce(this.state, { type: 'helpTop', top: view.top });
    this.overlay.update(view);
  }

  // ------------------------------------------------------------------------------------------------
  // Input
  // ------------------------------------------------------------------------------------------------

  private bindInput(): void {
    this.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
      // blessed reports a carriage return twice, as 'enter' and as 'return': act on one of them.
      if (key?.full === 'return') return;
      const page = Math.max(1, this.panes.processes.inner.height - 2);
      const page2 = this.state.mode === 'help' || this.state.mode === 'sort' || this.state.mode === 'user' ? Math.max(1, this.overlay.inner.height - 1) : page;
      const c = keyCommand(keyName(ch, key?.full, key?.ctrl), ch, { mode: this.state.mode, keys: this.source.keys, page: page2, tree: this.state.table.tree });
      if (c !== null) this.dispatch(c);
      this.scheduler.request();
    });
    const box = this.panes.processes.box;
    box.enableMouse();
    const mouse = (c: Command | null): void => {
      if (c !== null) this.dispatch(c);
      this.scheduler.request();
    };
    box.on('wheeldown', () => mouse({ type: 'move', delta: WHEEL_ROWS }));
    box.on('wheelup', () => mouse({ type: 'move', delta: -WHEEL_ROWS }));
    // On press, as htop does (a click needs the release to arrive in a separate read as well).
    box.on('mousedown', (data: { x: number; y: number }) => {
      const rows = rowsOf(this.state);
      const row = (i: number): ClickRow | undefined => {
        const r = rows[i];
        if (r === undefined) return undefined;
        // The marker is the prefix's second-last cell (`├─+ `), one further for a tagged row's `*`.
        const marker = this.state.table.tree && isBranch(r) ? r.prefix.length - 2 + (this.state.tagged.has(procKey(r.proc)) ? 1 : 0) : -1;
        return { id: { pid: r.proc.pid, start_time: r.proc.start_time }, marker };
      };
      mouse(clickCommand(data.x - (box.aleft as number) - 1, data.y - (box.atop as number) - 1, this.state.top, this.headerColumns, row));
    });
  }

  /** A command from a key or a click: the reducer's, or one the app carries out. */
  private dispatch(c: Command): void {
    switch (c.type) {
      case 'quit':
        return void this.quit(0);
      case 'suspend':
        return void this.suspend();
      case 'source':
        this.sourceAction(c.action);
        return;
      case 'say':
        return this.say(c.text);
      case 'nice': {
        const t = targets(this.state);
        if (t.length > 0) this.say(renice(t.map((p) => ({ pid: p.pid, start_time: p.start_time })), c.delta));
        return;
      }
      default:
        break;
    }
    // < and > step through the columns on screen (what the width and the chooser left).
    if (c.type === 'sortStep' && c.keys === undefined) c = { ...c, keys: this.headerColumns.map((h) => h.key) };
    const prev = this.state;
    this.state = reduce(prev, c);
    if (this.state.columns !== prev.columns) this.saveColumns();
    if (this.state.mode !== prev.mode) this.changeMode(prev.mode, this.state.mode);
    if (c.type === 'pause' && !this.state.paused && this.held !== null) {
      // Resumed: the newest figures at once.
      const { snap, procs } = this.held;
      this.held = null;
      this.show({ ...snap, procs });
    }
    if (c.type === 'killSend') {
      const t = targets(prev);
      if (t.length > 0) this.say(sendSignals(t.map((p) => ({ pid: p.pid, start_time: p.start_time })), SIGNALS[prev.killIndex]));
    } else if (c.type === 'gotoSubmit') {
      const err = this.source.goTo?.(prev.gotoText) ?? null;
      if (err !== null) this.say(err);
    }
  }

  /** A key for the source: replay's controls, or live's refresh interval (said in the status line). */
  private sourceAction(a: Action): void {
    if (!this.source.act?.(a)) return;
    if (a === 'paceUp' || a === 'paceDown') {
      const ms = this.source.intervalMs;
      this.scheduler.frameMs = Math.max(100, ms);
      this.history.setMaxSampleMs(1.5 * Math.max(ms, this.source.procIntervalMs));
      this.say(`refresh interval ${ms} ms (${a === 'paceUp' ? '}' : '{'} again: ${a === 'paceUp' ? 'shorter' : 'longer'})`);
    }
  }

  /** Places the widgets a mode shows, and takes away those of the mode it leaves. */
  private changeMode(from: Mode, to: Mode): void {
    this.modeChanged = true;
    const shown = this.state.detailProc;
    if (to === 'detail' && shown !== null) this.detailCwd = this.source.cwd(shown.pid);
    if (from === 'detail') this.detailPane?.hide();
    if (from === 'conns') this.connsPane.place(undefined);
    if (overlaid(from) && !overlaid(to)) this.overlay.place(undefined);
    // Back from a view that covered the panes: a relayout places the panes and whatever `to` shows.
    if (from === 'detail' || from === 'conns') this.relayout();
    else if (to === 'detail') this.showDetail();
    else if (to === 'conns') this.connsPane.place(this.body());
    else if (overlaid(to) && !overlaid(from)) this.placeOverlay();
    if (to === 'conns') this.connsPane.box.setFront();
  }

  /** The chooser changed the columns: into the config file at once (its other keys kept). */
  private saveColumns(): void {
    const file = this.opts.table?.file;
    if (file === undefined) return;
    try {
      saveConfigKey(file, 'columns', this.state.columns);
      this.say(`columns saved to ${file}`);
    } catch (err) {
      this.say(`columns not saved: ${(err as Error).message}`);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------------

  /**
   * Ctrl-Z (or a SIGTSTP from elsewhere): gives the terminal back as it was (the normal screen, the
   * cursor, no mouse reports, cooked mode), waits until the writer thread has written all of it, then
   * stops. Nothing is drawn while suspended, so no piece of a frame can land on the shell's screen.
   */
  private async suspend(): Promise<void> {
    if (this.suspended || this.quitting) return;
    this.suspended = true;
    this.leaveTerminal();
    const input = this.screen.program.input as NodeJS.ReadStream;
    input.setRawMode?.(false);
    input.pause();
    await this.out.flush(1000);
    if (this.quitting) return;
    // Stopped the default way, so that the shell reports the job as stopped by Ctrl-Z: our handler steps
    // aside for the one signal and comes back with SIGCONT.
    process.off('SIGTSTP', this.onTstp);
    process.kill(process.pid, 'SIGTSTP');
  }

  private readonly onTstp = (): void => void this.suspend();

  /** SIGCONT: after a suspend, take the terminal again; either way, repaint everything (the screen may hold anything). */
  private readonly onCont = (): void => {
    if (this.quitting) return;
    if (this.suspended) {
      process.off('SIGTSTP', this.onTstp);
      process.on('SIGTSTP', this.onTstp);
      const input = this.screen.program.input as NodeJS.ReadStream;
      input.setRawMode?.(true);
      input.resume();
      (this.screen as unknown as { enter(): void }).enter();
      if ((this.screen as unknown as { _listenedMouse?: boolean })._listenedMouse) this.screen.program.enableMouse();
      this.suspended = false;
    }
    this.repaintAll();
  };

  /** The alternate screen left, the scroll region and keypad reset, the cursor shown, mouse reports off. */
  private leaveTerminal(): void {
    // A frame blessed has buffered but not sent goes out first, then the restore after it.
    this.screen.program.flush();
    (this.screen as unknown as { leave(): void }).leave();
  }

  /** Forgets what the terminal shows and draws every cell again. */
  private repaintAll(): void {
    this.screen.alloc();
    this.scene = [];
    this.procsShown = [];
    this.relayout();
    this.scheduler.request();
  }

  /** Restores the terminal (leaving the alternate screen, showing the cursor) and exits with `code`. */
  async quit(code: number, message?: string): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    this.scheduler.stop();
    this.source.stop();
    // What the alert log could not take (locked) is said once the terminal is back.
    const unlogged = (await this.opts.alerts?.close().catch(() => [])) ?? [];
    try {
      this.screen.destroy();
    } catch {
      // A terminal that is already gone cannot be restored.
    }
    // A stalled terminal gets a second to take the restore sequence; vigil does not hang on exit for it.
    await this.out.flush(1000);
    await this.out.close();
    for (const line of unlogged) process.stderr.write(`vigil: ${line}\n`);
    if (message) process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
    const exitCode = this.opts.beforeExit ? await this.opts.beforeExit(code).catch(() => code) : code;
    process.exit(exitCode);
  }
}
