import type { AlertSetup } from '../commands/alert-setup';
import type { TableConfig } from '../config';
import type { Feed } from '../feed/types';
import type { Snapshot } from '../model';
import { Pipeline, PipelineSink } from '../pipeline/pipeline';
import { HistoryWindow } from '../store/window';
import { bindInput } from './bindings';
import { feedAction } from './controls';
import { applyCommand } from './dispatch';
import type { Command } from './input';
import type { Action } from './keys';
import { RenderScheduler } from './scheduler';
import { Screen, ScreenOptions } from './screen';
import { initialState } from './state';

export interface AppOptions extends ScreenOptions {
  /** The rules' engine and its log (live); a replayed recording answers for its breaches instead. */
  alerts?: AlertSetup | null;
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

/**
 * The TUI: a feed through a pipeline (the history window, the alert rules) whose last sink is the screen,
 * and one render per frame. What the user changes is a UiState that only the reducer (state.ts) moves,
 * from the keys and clicks that input.ts reads; screen.ts draws. This class wires those together and owns
 * the terminal's lifecycle (restored on q, F10, Ctrl-C, SIGTERM, SIGHUP and on an uncaught error).
 */
export class App {
  private readonly history: HistoryWindow;
  private readonly view: Screen;
  private readonly pipeline: Pipeline;
  private readonly scheduler: RenderScheduler;
  private quitting = false;
  /** Between Ctrl-Z and SIGCONT: the terminal belongs to the shell, and no frame is drawn. */
  private suspended = false;
  private readonly warned = new Set<string>();
  /** Notes waiting for the status line to be free (see sayOnce). */
  private readonly pendingNotes: string[] = [];
  /** The latest Snapshot held back while the screen was paused (and the latest process table among them). */
  private held: { snap: Snapshot; procs: Snapshot['procs'] } | null = null;

  constructor(
    private readonly feed: Feed,
    private readonly opts: AppOptions,
    tty: NodeJS.WriteStream = process.stdout,
    input: NodeJS.ReadStream = process.stdin,
  ) {
    // A sample counts for its own interval in the averages, up to 1.5 ticks of the slower tier: a longer
    // silence (a suspended laptop, a stopped vigil) is a gap, not one sample stretched over it.
    this.history = new HistoryWindow({ maxSampleMs: 1.5 * Math.max(feed.intervalMs, feed.procIntervalMs) });
    this.view = new Screen(feed, this.history, opts, initialState(opts.follow ?? null, opts.table?.columns ?? null), tty, input);
    const screenSink: PipelineSink = {
      tick: ({ snap }, { breachMoved }) => {
        if (snap !== null) this.onSnapshot(snap, breachMoved);
      },
    };
    this.pipeline = new Pipeline(feed, { window: this.history, alerts: opts.alerts, sinks: [screenSink] });
    const out = this.view.out;
    // At most one frame per sampling interval, and never more than 10 a second.
    this.scheduler = new RenderScheduler(() => this.render(), Math.max(100, feed.intervalMs), () => out.backlog > 0);
    bindInput(this.view, (c) => {
      if (c !== null) this.dispatch(c);
      this.scheduler.request();
    });
    out.on('resize', () => {
      this.view.relayout();
      this.scheduler.request();
    });
    out.on('gone', () => void this.quit(0));
    process.on('SIGTSTP', this.onTstp);
    process.on('SIGCONT', this.onCont);
    this.view.relayout();
  }

  /**
   * Draws the frame at once (every pane says "collecting…" until the first rates exist), then starts the
   * feed: the first sample and its process table take a while, and the terminal should not stay blank
   * meanwhile.
   */
  start(): void {
    this.render();
    setImmediate(() => {
      if (this.quitting) return;
      // A feed's error has no caller to reject: thrown outside the feed, to the screen's uncaughtException
      // handler, which gives the terminal back and exits with one line and its code.
      this.pipeline.start((err) => {
        if (err !== undefined)
          process.nextTick(() => {
            throw err;
          });
      });
      this.scheduler.request();
    });
  }

  /** Shows a message in the footer for a few seconds. */
  say(text: string): void {
    this.view.status = { text, until: Date.now() + STATUS_MS };
    this.scheduler.request();
  }

  /**
   * A note of the machine's (a warning, a tier's limit), said once. It waits while the status line still
   * shows something else, so it never replaces the answer to what the user just did ("sent SIGTERM to 2
   * processes" was lost to a note that arrived with the next connections read).
   */
  private sayOnce(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.pendingNotes.push(text);
    this.nextNote();
  }

  private nextNote(): void {
    const busy = this.view.status !== null && this.view.status.until > Date.now();
    if (!busy && this.pendingNotes.length > 0) this.say(this.pendingNotes.shift()!);
  }

  private render(): void {
    if (!this.quitting && !this.suspended) this.view.render();
  }

  private onSnapshot(snap: Snapshot, breachMoved: boolean): void {
    if (breachMoved) this.view.procsStale = true;
    // Paused (z): sampling, the history and the alerts go on; the screen keeps what it showed.
    if (this.view.state.paused) {
      this.held = { snap, procs: snap.procs ?? this.held?.procs ?? null };
      return;
    }
    this.show(snap);
  }

  private show(snap: Snapshot): void {
    for (const note of this.view.show(snap)) this.sayOnce(note);
    for (const w of this.feed.warnings()) this.sayOnce(w);
    this.nextNote();
    this.scheduler.request();
  }

  /** A command from a key or a click: the app's own, or the reducer's (see dispatch.ts). */
  private dispatch(c: Command): void {
    switch (c.type) {
      case 'quit':
        return void this.quit(0);
      case 'suspend':
        return void this.suspend();
      case 'source':
        return this.feedAction(c.action);
      case 'say':
        return this.say(c.text);
      default:
        break;
    }
    const { said, resumed } = applyCommand(this.view, this.feed, c, this.opts.table);
    if (resumed && this.held !== null) {
      // Resumed: the newest figures at once.
      const { snap, procs } = this.held;
      this.held = null;
      this.show({ ...snap, procs });
    }
    for (const text of said) this.say(text);
  }

  /** A key for the feed: replay's controls, or live's refresh interval (said in the status line). */
  private feedAction(a: Action): void {
    if (!feedAction(this.feed, a)) return;
    if (a === 'paceUp' || a === 'paceDown') {
      const ms = this.feed.intervalMs;
      this.scheduler.frameMs = Math.max(100, ms);
      this.history.setMaxSampleMs(1.5 * Math.max(ms, this.feed.procIntervalMs));
      this.say(`refresh interval ${ms} ms (${a === 'paceUp' ? '}' : '{'} again: ${a === 'paceUp' ? 'shorter' : 'longer'})`);
    }
  }

  /**
   * Ctrl-Z (or a SIGTSTP from elsewhere): gives the terminal back as it was (the normal screen, the
   * cursor, no mouse reports, cooked mode), waits until the writer thread has written all of it, then
   * stops. Nothing is drawn while suspended, so no piece of a frame can land on the shell's screen.
   */
  private async suspend(): Promise<void> {
    if (this.suspended || this.quitting) return;
    this.suspended = true;
    this.view.leave();
    await this.view.out.flush(1000);
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
      this.view.enter();
      this.suspended = false;
    }
    this.view.forget();
    this.scheduler.request();
  };

  /** Restores the terminal (leaving the alternate screen, showing the cursor) and exits with `code`. */
  async quit(code: number, message?: string): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    this.scheduler.stop();
    // The feed stops and the alert log closes; what it could not take (locked) is said once the terminal is back.
    const unlogged = await this.pipeline.close().catch(() => []);
    try {
      this.view.screen.destroy();
    } catch {
      // A terminal that is already gone cannot be restored.
    }
    // A stalled terminal gets a second to take the restore sequence; vigil does not hang on exit for it.
    await this.view.out.flush(1000);
    await this.view.out.close();
    for (const line of unlogged) process.stderr.write(`vigil: ${line}\n`);
    if (message) process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
    const exitCode = this.opts.beforeExit ? await this.opts.beforeExit(code).catch(() => code) : code;
    process.exit(exitCode);
  }
}
