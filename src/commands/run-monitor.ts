import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../ui/app';
import type { PaneKind } from '../ui/layout';
import type { TableConfig } from '../config';
import { LiveFeed } from '../feed/live';
import { ThemeName, wantsColour } from '../render/theme';
import { checkTerminal, installExitPaths } from './live';
import { runRecord } from './record';
import { printPreload, RunHandle, startRun } from './run';
import { RunTally, summaryText } from './run-summary';

export interface RunMonitorOptions {
  argv: string[];
  alloc: boolean;
  record: string | null;
  printPreload: boolean;
  intervalMs: number;
  procIntervalMs: number;
  colour: boolean;
  theme?: ThemeName;
  hidden: ReadonlySet<PaneKind>;
  table?: TableConfig;
  vigilVersion: string;
}

/** How long CMD gets to end after SIGTERM when the user quits before it did. */
const TERM_GRACE_MS = 3000;

/** Ends CMD if it still runs (SIGTERM, then SIGKILL) and resolves with its exit code. */
async function endCommand(h: RunHandle): Promise<number> {
  const done = await Promise.race([h.exited, Promise.resolve(null)]);
  if (done !== null) return done;
  h.child.kill('SIGTERM');
  const t = setTimeout(() => h.child.kill('SIGKILL'), TERM_GRACE_MS);
  const code = await h.exited;
  clearTimeout(t);
  return code;
}

/**
 * `vigil run -- CMD ARGS...`: CMD under the LD_PRELOAD shim, and the monitor following it and its
 * descendants. CMD's output goes to a log file (it would write over the screen); the status line says
 * where. vigil exits with CMD's exit code when the user quits after CMD ended (quitting earlier ends CMD
 * first). With --record FILE there is no screen: CMD keeps the terminal and the recording runs until it exits.
 */
export async function runMonitor(o: RunMonitorOptions): Promise<void> {
  if (o.printPreload) {
    printPreload(o.alloc);
    return;
  }
  if (o.record !== null) {
    const h = await startRun(o.argv, { alloc: o.alloc, stdio: 'inherit' });
    const tally = new RunTally(h.pid);
    // After CMD exits, one more process tick reads its shim file a last time (the final counts).
    const stopWhen = h.exited.then(() => tally.final(2 * o.procIntervalMs + 500));
    await runRecord({
      file: o.record, intervalMs: o.intervalMs, procIntervalMs: o.procIntervalMs, durationMs: null, vigilVersion: o.vigilVersion, stopWhen,
      onShimRead: (t) => tally.add(t),
    });
    const code = await endCommand(h);
    process.stderr.write(summaryText(tally.totals(), { command: o.argv[0], exitCode: code, shim: h.shimPath !== null, alloc: o.alloc, recording: path.resolve(o.record), log: null }));
    process.exitCode = code;
    return;
  }
  checkTerminal();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-run-'));
  const log = path.join(logDir, 'output.log');
  const fd = fs.openSync(log, 'a', 0o600);
  const h = await startRun(o.argv, { alloc: o.alloc, stdio: ['ignore', fd, fd], warn: () => undefined });
  fs.closeSync(fd);
  const tally = new RunTally(h.pid);
  const feed = new LiveFeed({ intervalMs: o.intervalMs, procIntervalMs: o.procIntervalMs, onShimRead: (t) => tally.add(t) });
  const app = new App(feed, {
    colour: wantsColour(o.colour),
    theme: o.theme,
    hidden: o.hidden,
    table: o.table,
    debugTimings: false,
    follow: h.pid,
    // The terminal is back by now: the summary goes where the shell will show it.
    beforeExit: async () => {
      const code = await endCommand(h);
      process.stderr.write(summaryText(tally.totals(), { command: o.argv[0], exitCode: code, shim: h.shimPath !== null, alloc: o.alloc, recording: null, log }));
      return code;
    },
  });
  installExitPaths(app);
  app.start();
  app.say(`running ${o.argv[0]} (pid ${h.pid}); its output goes to ${log}`);
  void h.exited.then((code) => app.say(`${o.argv[0]} exited with code ${code}; q quits (vigil exits with ${code})`));
}
