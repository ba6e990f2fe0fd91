import * as blessed from 'blessed';
import type { ProcSnap, Snapshot } from '../model';
import type { ConnsSnap, RetransEvent } from '../model/conns';
import type { AlertSetup } from '../commands/alert-setup';
import { alertHeaderLines, alertMarks, AlertMarks, alertsView, markLabel } from '../panes/alerts';
import { connsView, ConnsSort } from '../panes/conns';
import { cpuView } from '../panes/cpu';
import { DetailPane, detailView } from '../panes/detail';
import { diskView } from '../panes/disk';
import { headerView, HeaderState } from '../panes/header';
import { memoryView } from '../panes/memory';
import { netView } from '../panes/net';
import { BoxPane } from '../panes/pane';
import { COLUMN_ORDER, processesView } from '../panes/processes';
import { ProcId, Row, sameProc, TableState, tableRows } from '../panes/proctable';
import type { PaneView, ViewInput } from '../panes/view';
import { readCwd } from '../sampler/procinfo';
import type { Breach } from '../store/alerts/evaluator';
import { HistoryWindow, procSubject } from '../store/window';
import { sendSignal, SIGNALS } from './actions';
import { Action, actionFor, helpLines } from './keys';
import { layout, Layout, PaneKind } from './layout';
import { sanitizeTagged } from '../render/sanitize';
import { RenderScheduler } from './scheduler';
import type { Source } from './source';
import { TerminalOutput } from './terminal';
import { makeTheme, Theme } from '../render/theme';

export interface AppOptions {
  colour: boolean;
  /** The rules' engine and its log (live); replay's source answers for breaches instead. */
  alerts?: AlertSetup | null;
  hidden: ReadonlySet<PaneKind>;
  debugTimings: boolean;
  /** Start following this pid (vigil run). */
  follow?: number;
  /**
   * Called once the app has restored the terminal: may end what the app started and say the exit code
   * (vigil run exits with its command's code).
   */
  beforeExit?: (code: number) => Promise<number>;
}

type Mode = 'main' | 'filter' | 'goto' | 'help' | 'alerts' | 'kill' | 'confirm' | 'detail' | 'conns';

const STATUS_MS = 5000;
/** Retransmit events kept for the connections view. */
const EVENTS_KEPT = 200;
const DATA_PANES = ['cpu', 'memory', 'net', 'disk'] as const;
type DataPane = (typeof DATA_PANES)[number];
const VIEWS: { [K in DataPane]: (input: ViewInput) => PaneView } = { cpu: cpuView, memory: memoryView, net: netView, disk: diskView };

/**
 * The TUI: one blessed screen whose widgets are created once, a Source of Snapshots feeding the history
 * window, and one render per frame. Panes get pure views; this class only wires, dispatches keys and
 * owns the terminal's lifecycle (restored on q, F10, Ctrl-C, SIGTERM, SIGHUP and on an uncaught error).
 */
export class App {
  readonly history: HistoryWindow;
  private readonly screen: blessed.Widgets.Screen;
  private readonly out: TerminalOutput;
  private readonly theme: Theme;
  private readonly scheduler: RenderScheduler;
  private readonly panes: Record<PaneKind, BoxPane>;
  private readonly detail: DetailPane;
  private readonly overlay: BoxPane;
  private readonly connsPane: BoxPane;
  private conns: ConnsSnap | null = null;
  private events: RetransEvent[] = [];
  private connsSort: ConnsSort = 'throughput';
  private readonly tooSmall: blessed.Widgets.BoxElement;
  private snap: Snapshot | null = null;
  private procs: ProcSnap[] = [];
  private table: TableState = { sortKey: 'cpu', descending: true, filter: '', tree: false, follow: null };
  private rows: Row[] = [];
  private rowsDirty = true;
  private selected: ProcId | null = null;
  private top = 0;
  private mode: Mode = 'main';
  private killIndex = 0;
  private detailCwd = '';
  private status: { text: string; until: number } | null = null;
  private shown: Layout = { tooSmall: true };
  /** What the last frame showed (mode, layout, size): a change repaints every pane. */
  private scene: unknown[] = [];
  private quitting = false;
  private pendingFollow: number | null;
  private readonly warned = new Set<string>();
  private renderMs: Record<string, number> = {};
  /** What the process pane last showed: the table, its state and the selection; unchanged, it is not redrawn. */
  private procsShown: unknown[] = [];
  /** The process table's column titles on screen, for sorting by a click. */
  private headerColumns: { key: TableState['sortKey']; x0: number; x1: number }[] = [];
  private lastParse: Record<string, number> = {};
  /** The process the detail view shows (kept after it exits). */
  private detailProc: ProcSnap | null = null;
  private marks: AlertMarks = alertMarks([]);
  private gotoText = '';
  headerState: HeaderState;

  constructor(
    private readonly source: Source,
    private readonly opts: AppOptions,
    tty: NodeJS.WriteStream = process.stdout,
    input: NodeJS.ReadStream = process.stdin,
  ) {
    this.theme = makeTheme(opts.colour);
    // A sample counts for its own interval in the averages, up to 1.5 ticks of the slower tier: a longer
    // silence (a suspended laptop, a stopped vigil) is a gap, not one sample stretched over it.
    this.history = new HistoryWindow({ maxSampleMs: 1.5 * Math.max(source.intervalMs, source.procIntervalMs) });
    this.pendingFollow = opts.follow ?? null;
    this.out = new TerminalOutput(tty);
    this.screen = blessed.screen({
      output: this.out as unknown as NodeJS.WritableStream,
      input,
      smartCSR: true,
      fullUnicode: true,
      autoPadding: false,
      warnings: false,
      title: 'vigil',
    } as unknown as blessed.Widgets.IScreenOptions);
    this.headerState = { mode: { kind: 'live', intervalMs: source.intervalMs, procIntervalMs: source.procIntervalMs }, alerts: [] };
    const mk = (border: boolean): BoxPane => new BoxPane(this.screen, { left: 0, top: 0, width: 1, height: 1 }, { border, colour: opts.colour });
    this.panes = { header: mk(false), cpu: mk(true), memory: mk(true), net: mk(true), disk: mk(true), processes: mk(true), footer: mk(false) };
    this.overlay = mk(true);
    this.overlay.place(undefined);
    this.connsPane = mk(true);
    this.connsPane.place(undefined);
    this.detail = new DetailPane(this.screen, opts.colour);
    this.tooSmall = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: '100%', hidden: true, content: 'terminal too small' });
    // At most one frame per sampling interval, and never more than 10 a second.
    this.scheduler = new RenderScheduler(() => this.render(), Math.max(100, source.intervalMs), () => this.out.backlog > 256 * 1024);
    this.bindInput();
    this.out.on('resize', () => {
      this.relayout();
      this.scheduler.request();
    });
    this.out.on('gone', () => void this.quit(0));
    this.relayout();
  }

  start(): void {
    this.source.start((snap, o) => this.onSnapshot(snap, o.history), this.history);
    this.scheduler.request();
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
    this.snap = snap;
    if (history) this.history.push(snap);
    const events = this.opts.alerts?.engine.onSnapshot(snap, this.history) ?? [];
    if (events.some((e) => e.type !== 'update')) this.rowsDirty = true;
    if (snap.procs !== null) {
      this.procs = snap.procs;
      this.rowsDirty = true;
      if (this.pendingFollow !== null) {
        const p = snap.procs.find((x) => x.pid === this.pendingFollow);
        if (p) {
          this.table = { ...this.table, follow: { pid: p.pid, start_time: p.start_time }, tree: true };
          this.selected = { pid: p.pid, start_time: p.start_time };
          this.pendingFollow = null;
        }
      }
    }
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
      this.detail.hide();
      this.overlay.place(undefined);
      this.tooSmall.show();
      return;
    }
    this.tooSmall.hide();
    for (const [k, p] of Object.entries(this.panes) as [PaneKind, BoxPane][]) p.place(this.shown.panes[k]);
    if (this.mode === 'detail') this.showDetail();
    if (this.mode === 'conns') this.connsPane.place(this.body());
    if (this.overlaid()) this.placeOverlay();
  }

  private body(): { left: number; top: number; width: number; height: number } {
    const head = this.shown.tooSmall ? undefined : this.shown.panes.header;
    const foot = this.shown.tooSmall ? undefined : this.shown.panes.footer;
    const top = head ? head.height : 0;
    const bottom = foot ? 1 : 0;
    return { left: 0, top, width: this.out.columns, height: Math.max(1, this.out.rows - top - bottom) };
  }

  private getRows(): Row[] {
    if (this.rowsDirty) {
      this.rows = tableRows(this.procs, this.table);
      this.rowsDirty = false;
    }
    return this.rows;
  }

  private selectedIndex(rows: Row[]): number {
    if (this.selected === null) return rows.length > 0 ? 0 : -1;
    const sel = this.selected;
    return rows.findIndex((r) => r.proc.pid === sel.pid && r.proc.start_time === sel.start_time);
  }

  private timed(name: string, fn: () => void): void {
    if (!this.opts.debugTimings) return fn();
    const t0 = process.hrtime.bigint();
    fn();
    this.renderMs[name] = Number(process.hrtime.bigint() - t0) / 1e6;
  }

  private render(): void {
    if (this.quitting) return;
    const snap = this.snap;
    if (this.shown.tooSmall || snap === null) {
      if (snap === null && !this.shown.tooSmall) this.panes.processes.update({ label: 'processes', lines: ['collecting the first sample…'] });
      this.paint();
      return;
    }
    const base = { snap, procs: this.procs, history: this.history, host: this.source.host, theme: this.theme };
    if (this.source.mode) this.headerState.mode = this.source.mode();
    const now = this.headerState.mode.kind === 'replay' ? this.headerState.mode.t : snap.t;
    const breaches = this.breaches(now);
    const marks = alertMarks(breaches.active);
    const alertLines = alertHeaderLines(breaches.active, now, 3, this.out.columns);
    if (alertLines.length !== this.headerState.alerts.length) {
      this.headerState.alerts = alertLines;
      this.relayout();
    } else this.headerState.alerts = alertLines;
    this.marks = marks;
    this.timed('header', () => this.panes.header.update({ label: '', lines: headerView({ ...base, width: this.out.columns }, this.headerState) }));
    for (const k of DATA_PANES) {
      const pane = this.panes[k];
      if (!pane.visible || this.mode === 'detail' || this.mode === 'conns') continue;
      this.timed(k, () => {
        const v = VIEWS[k]({ ...base, ...pane.inner });
        pane.update({ ...v, label: markLabel(v.label, marks.panes.has(k), this.theme) });
      });
    }
    if (this.panes.processes.visible && this.mode !== 'detail' && this.mode !== 'conns') this.timed('processes', () => this.renderProcesses());
    if (this.mode === 'detail') this.timed('detail', () => this.renderDetail());
    if (this.mode === 'conns') this.timed('conns', () => this.renderConns());
    if (this.overlaid()) this.renderOverlay(now);
    this.panes.footer.update({ label: '', lines: [this.footerLine()] });
    this.timed('screen', () => this.paint());
  }

  /** A mode that draws a box over the panes. */
  private overlaid(): boolean {
    return this.mode === 'help' || this.mode === 'alerts' || this.mode === 'kill' || this.mode === 'confirm';
  }

  /**
   * screen.render(), where panes whose content did not change skip painting (BoxPane). That is safe
   * only while nothing drew over them: a new scene (mode, layout, size) or an overlay makes them all paint.
   */
  private paint(): void {
    const scene = [this.mode, this.shown, this.out.columns, this.out.rows];
    if (this.overlaid() || scene.some((k, i) => k !== this.scene[i])) {
      for (const p of [...Object.values(this.panes), this.overlay, this.connsPane]) p.touch();
    }
    this.scene = scene;
    this.screen.render();
  }

  private renderProcesses(): void {
    const pane = this.panes.processes;
    const key = [this.procs, this.table, this.selected?.pid, this.selected?.start_time, this.top, pane.inner.width, pane.inner.height];
    if (!this.rowsDirty && key.every((k, i) => k === this.procsShown[i])) return;
    const rows = this.getRows();
    let idx = this.selectedIndex(rows);
    if (idx < 0 && rows.length > 0) idx = Math.min(rows.length - 1, Math.max(0, this.top));
    if (idx >= 0) this.selected = { pid: rows[idx].proc.pid, start_time: rows[idx].proc.start_time };
    const marks = this.marks;
    const view = processesView({
      rows, total: this.procs.length, state: this.table, selected: idx, top: this.top, ...pane.inner, theme: this.theme,
      mark: (p) => marks.has('proc', procSubject(p.pid, p.start_time)),
    });
    view.label = markLabel(view.label, marks.panes.has('processes'), this.theme);
    this.top = view.top;
    this.headerColumns = view.columns;
    pane.update(view);
    this.procsShown = [this.procs, this.table, this.selected?.pid, this.selected?.start_time, this.top, pane.inner.width, pane.inner.height];
  }

  private footerLine(): string {
    const t = this.theme;
    if (this.mode === 'filter') return `${t.bold('filter:')} ${sanitizeTagged(this.table.filter)}▏  ${t.fg('gray', 'Enter keeps · Esc clears')}`;
    if (this.mode === 'goto') return `${t.bold('go to:')} ${sanitizeTagged(this.gotoText)}▏  ${t.fg('gray', '14:05:00 · 2024-05-01T14:05 · -5m · +30s · Esc cancels')}`;
    if (this.status && Date.now() < this.status.until) return sanitizeTagged(this.status.text);
    if (this.opts.debugTimings) {
      const parse = this.source.takeTimings();
      const fmt = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' ');
      if (parse) this.lastParse = parse;
      return `parse ms: ${fmt(this.lastParse)} | render ms: ${fmt(this.renderMs)}`;
    }
    const keys =
      this.source.kind === 'replay'
        ? [['space', 'play/pause'], ['←→', 'step'], ['PgUp/PgDn', '±1 min'], ['g', 'go to'], ['+-', 'speed'], ['/', 'filter'], ['⏎', 'details'], ['?', 'help'], ['q', 'quit']]
        : [['q', 'quit'], ['?', 'help'], ['/', 'filter'], ['t', 'tree'], ['f', 'follow'], ['⏎', 'details'], ['k', 'kill'], ['c', 'connections'], ['<>', 'sort']];
    return keys.map(([k, v]) => `${t.bold(k)} ${t.fg('gray', v)}`).join('  ');
  }

  private renderDetail(): void {
    // An exited process keeps its last figures and its history; the view marks it as exited.
    const p = this.selectedProc();
    if (p !== undefined) this.detailProc = p;
    if (this.detailProc === null) return;
    this.detail.update(
      detailView({
        proc: this.detailProc, alive: p !== undefined, procs: this.procs, history: this.history, cwd: this.detailCwd, theme: this.theme,
        width: this.out.columns - 2, conns: this.conns?.conns ?? [],
      }),
    );
  }

  private renderConns(): void {
    const pane = this.connsPane;
    pane.update(connsView({ conns: this.conns?.conns ?? [], events: this.events, sort: this.connsSort, ...pane.inner, theme: this.theme, partial: this.conns?.partial ?? false }));
  }

  private showDetail(): void {
    this.detail.show(this.body());
  }

  private placeOverlay(): void {
    const b = this.body();
    const w = Math.min(b.width, this.mode === 'alerts' ? 120 : 72);
    const h = Math.min(b.height, this.mode === 'help' ? helpLines(this.source.kind === 'replay').length + 4 : this.mode === 'alerts' ? 24 : SIGNALS.length + 4);
    this.overlay.place({ left: Math.max(0, Math.floor((b.width - w) / 2)), top: b.top + Math.max(0, Math.floor((b.height - h) / 2)), width: w, height: h });
    this.overlay.box.setFront();
  }

  /** Breaches as they stand: the engine's (live) or the recording's at the replayed moment. */
  private breaches(now: number): { active: readonly Breach[]; recent: readonly Breach[] } {
    if (this.source.alertsAt) return this.source.alertsAt(now);
    const e = this.opts.alerts?.engine;
    return e ? { active: e.active(), recent: e.recent(20) } : { active: [], recent: [] };
  }

  private renderOverlay(now: number): void {
    const t = this.theme;
    if (this.mode === 'alerts') {
      const b = this.breaches(now);
      const inner = this.overlay.inner;
      this.overlay.update(alertsView({ active: b.active, recent: b.recent, notes: this.opts.alerts?.engine.notes() ?? [], now, theme: t, width: inner.width, height: inner.height }));
      return;
    }
    if (this.mode === 'help') {
      this.overlay.update({ label: 'keys · any key closes', lines: ['', ...helpLines(this.source.kind === 'replay'), ''] });
      return;
    }
    const target = this.selectedProc();
    const who = target ? `${target.pid} ${sanitizeTagged(target.comm)}` : '?';
    if (this.mode === 'kill') {
      const lines = SIGNALS.map((s, i) => (i === this.killIndex ? t.inverse(` ${i + 1} ${s} `) : ` ${i + 1} ${s} `));
      this.overlay.update({ label: `send a signal to ${who} · Enter picks · Esc cancels`, lines });
    } else {
      this.overlay.update({ label: 'confirm', lines: ['', `  Send ${SIGNALS[this.killIndex]} to ${who}?   ${t.bold('y')} yes · ${t.bold('n')} no`] });
    }
  }

  private selectedProc(): ProcSnap | undefined {
    const sel = this.selected;
    return sel === null ? undefined : this.procs.find((p) => sameProc(sel, p));
  }

  // ------------------------------------------------------------------------------------------------
  // Input
  // ------------------------------------------------------------------------------------------------

  private bindInput(): void {
    this.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
      // blessed reports a carriage return twice, as 'enter' and as 'return': act on one of them.
      if (key?.full === 'return') return;
      const name = ch === ' ' ? 'space' : ch !== undefined && ch.length === 1 && ch > ' ' && ch !== '\x7f' && !key?.ctrl ? ch : key?.full ?? '';
      this.onKey(name, ch);
      this.scheduler.request();
    });
    const box = this.panes.processes.box;
    box.enableMouse();
    box.on('wheeldown', () => this.move(3));
    box.on('wheelup', () => this.move(-3));
    // On press, as htop does (a click needs the release to arrive in a separate read as well).
    box.on('mousedown', (data: { x: number; y: number }) => {
      const y = data.y - (box.atop as number) - 1;
      const x = data.x - (box.aleft as number) - 1;
      if (y === 0) {
        const col = this.headerColumns.find((c) => x >= c.x0 && x <= c.x1);
        if (col) this.sortBy(col.key);
      } else if (y > 0) {
        const row = this.getRows()[this.top + y - 1];
        if (row) this.selected = { pid: row.proc.pid, start_time: row.proc.start_time };
      }
      this.scheduler.request();
    });
  }

  private onKey(name: string, ch: string | undefined): void {
    if (name === 'C-c' || name === 'f10') return void this.quit(0);
    if (name === 'C-z') return void this.suspend();
    switch (this.mode) {
      case 'filter':
        return this.onFilterKey(name, ch);
      case 'goto':
        return this.onGotoKey(name, ch);
      case 'help':
      case 'alerts':
        this.mode = 'main';
        this.overlay.place(undefined);
        return;
      case 'kill':
        return this.onKillKey(name);
      case 'confirm':
        if (name === 'y' || name === 'Y') {
          const target = this.selectedProc();
          if (target) this.say(sendSignal({ pid: target.pid, start_time: target.start_time }, SIGNALS[this.killIndex]).message);
        }
        this.mode = 'main';
        this.overlay.place(undefined);
        return;
      case 'conns':
        if (name === 'escape' || name === 'c') {
          this.mode = 'main';
          this.connsPane.place(undefined);
          this.relayout();
          return;
        }
        if (name === 's') {
          this.connsSort = this.connsSort === 'throughput' ? 'retrans' : 'throughput';
          return;
        }
        break;
      case 'detail':
        if (name === 'escape' || name === 'enter') {
          this.mode = 'main';
          this.detail.hide();
          this.relayout();
          return;
        }
        break;
      default:
        break;
    }
    const action = actionFor(name, this.source.kind === 'replay');
    if (action !== null) this.act(action);
  }

  private act(a: Action): void {
    const page = Math.max(1, this.panes.processes.inner.height - 2);
    switch (a) {
      case 'quit':
        return void this.quit(0);
      case 'help':
        this.mode = 'help';
        return this.placeOverlay();
      case 'alerts':
        this.mode = 'alerts';
        return this.placeOverlay();
      case 'sortNext':
      case 'sortPrev': {
        const i = COLUMN_ORDER.indexOf(this.table.sortKey);
        const n = COLUMN_ORDER.length;
        return this.sortBy(COLUMN_ORDER[(i + (a === 'sortNext' ? 1 : n - 1)) % n], false);
      }
      case 'invert':
        this.table = { ...this.table, descending: !this.table.descending };
        this.rowsDirty = true;
        return;
      case 'filter':
        this.mode = 'filter';
        return;
      case 'tree':
        this.table = { ...this.table, tree: !this.table.tree };
        this.rowsDirty = true;
        return;
      case 'follow': {
        const p = this.selectedProc();
        this.table = { ...this.table, follow: this.table.follow !== null || p === undefined ? null : { pid: p.pid, start_time: p.start_time } };
        this.rowsDirty = true;
        return;
      }
      case 'detail': {
        const p = this.selectedProc();
        if (p === undefined) return;
        // A recording does not hold cwds, and the pid may belong to someone else by now.
        this.detailCwd = this.source.kind === 'replay' ? '(not recorded)' : readCwd(p.pid);
        this.detailProc = p;
        this.mode = 'detail';
        return this.showDetail();
      }
      case 'conns':
        this.mode = 'conns';
        this.connsPane.place(this.body());
        this.connsPane.box.setFront();
        return;
      case 'kill':
        if (this.selectedProc() === undefined) return;
        this.mode = 'kill';
        this.killIndex = 0;
        return this.placeOverlay();
      case 'up':
        return this.move(-1);
      case 'down':
        return this.move(1);
      case 'pageUp':
        return this.move(-page);
      case 'pageDown':
        return this.move(page);
      case 'home':
        return this.move(-Infinity);
      case 'end':
        return this.move(Infinity);
      case 'back':
        if (this.table.filter !== '' || this.table.follow !== null) {
          this.table = { ...this.table, filter: '', follow: null };
          this.rowsDirty = true;
        }
        return;
      case 'goTo':
        this.mode = 'goto';
        this.gotoText = '';
        return;
      default:
        this.source.act?.(a);
        return;
    }
  }

  private sortBy(key: TableState['sortKey'], toggle = true): void {
    const same = key === this.table.sortKey;
    const numericDefaultDesc = key !== 'pid' && key !== 'user' && key !== 'command' && key !== 'state';
    this.table = { ...this.table, sortKey: key, descending: same && toggle ? !this.table.descending : numericDefaultDesc };
    this.rowsDirty = true;
  }

  private move(delta: number): void {
    const rows = this.getRows();
    if (rows.length === 0) return;
    const cur = Math.max(0, this.selectedIndex(rows));
    const next = Math.max(0, Math.min(rows.length - 1, delta === Infinity ? rows.length - 1 : delta === -Infinity ? 0 : cur + delta));
    this.selected = { pid: rows[next].proc.pid, start_time: rows[next].proc.start_time };
    this.scheduler.request();
  }

  private onFilterKey(name: string, ch: string | undefined): void {
    if (name === 'enter') this.mode = 'main';
    else if (name === 'escape') {
      this.mode = 'main';
      this.table = { ...this.table, filter: '' };
    } else if (name === 'backspace') this.table = { ...this.table, filter: this.table.filter.slice(0, -1) };
    else if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f') this.table = { ...this.table, filter: this.table.filter + ch };
    else return;
    this.rowsDirty = true;
    this.top = 0;
  }

  private onGotoKey(name: string, ch: string | undefined): void {
    if (name === 'escape') this.mode = 'main';
    else if (name === 'enter') {
      this.mode = 'main';
      const err = this.source.goTo?.(this.gotoText) ?? null;
      if (err !== null) this.say(err);
    } else if (name === 'backspace') this.gotoText = this.gotoText.slice(0, -1);
    else if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f') this.gotoText += ch;
  }

  private onKillKey(name: string): void {
    if (name === 'escape' || name === 'q') {
      this.mode = 'main';
      this.overlay.place(undefined);
    } else if (name === 'up') this.killIndex = (this.killIndex + SIGNALS.length - 1) % SIGNALS.length;
    else if (name === 'down') this.killIndex = (this.killIndex + 1) % SIGNALS.length;
    else if (/^[1-9]$/.test(name) && Number(name) <= SIGNALS.length) {
      this.killIndex = Number(name) - 1;
      this.mode = 'confirm';
    } else if (name === 'enter') this.mode = 'confirm';
  }

  // ------------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------------

  /** Ctrl-Z: give the terminal back (written out before stopping), stop, and redraw everything on SIGCONT. */
  private async suspend(): Promise<void> {
    const program = this.screen.program as unknown as { pause(): () => void };
    const resume = program.pause();
    await this.out.flush(1000);
    process.once('SIGCONT', () => {
      resume();
      this.screen.alloc();
      this.relayout();
      this.scheduler.request();
    });
    process.kill(process.pid, 'SIGTSTP');
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
