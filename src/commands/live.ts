import { VigilError, EXIT, describeError } from '../infra/errors';
import { alertOptionsFrom, setupAlerts } from './alert-setup';
import type { PaneKind } from '../ui/layout';
import { App } from '../ui/app';
import { LiveFeed } from '../feed/live';
import { ThemeName, wantsColour } from '../render/theme';
import type { TableConfig } from '../config';

export interface LiveOptions {
  alerts: ReturnType<typeof alertOptionsFrom>;
  intervalMs: number;
  procIntervalMs: number;
  colour: boolean;
  theme?: ThemeName;
  debugTimings: boolean;
  hidden: ReadonlySet<PaneKind>;
  table?: TableConfig;
}

/**
 * Refuses to start where a full-screen TUI cannot work: stdout or stdin not a terminal, or a terminal
 * that cannot address the cursor (TERM unset or dumb). One line, exit 2.
 */
export function checkTerminal(env: NodeJS.ProcessEnv = process.env): void {
  const hint = "use 'vigil record FILE' or 'vigil sample' for headless use";
  if (!process.stdout.isTTY) throw new VigilError(`stdout is not a terminal; ${hint}`, EXIT.USAGE);
  if (!process.stdin.isTTY) throw new VigilError(`stdin is not a terminal; ${hint}`, EXIT.USAGE);
  const term = env.TERM ?? '';
  if (term === '' || term === 'dumb') throw new VigilError(`TERM is ${term === '' ? 'not set' : "'dumb'"}: the monitor needs a terminal that can move the cursor; ${hint}`, EXIT.USAGE);
}

/**
 * Any error past this point is printed after the terminal is restored, with exit code 1; a signal that
 * asks vigil to end (SIGTERM, SIGHUP) restores it too and exits 0.
 */
export function installExitPaths(app: App): void {
  process.on('uncaughtException', (err) => void app.quit(err instanceof VigilError ? err.exitCode : EXIT.RUNTIME, `vigil: ${describeError(err)}`));
  process.on('unhandledRejection', (err) => void app.quit(EXIT.RUNTIME, `vigil: ${describeError(err)}`));
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(sig, () => void app.quit(0));
}

export function runLive(opts: LiveOptions): void {
  checkTerminal();
  // The cgroup tier (the g view, the process detail's limits, cgroup.* alerts) at the process interval.
  const feed = new LiveFeed({ intervalMs: opts.intervalMs, procIntervalMs: opts.procIntervalMs, debugTimings: opts.debugTimings, cgroups: true });
  // Notes (a log that cannot be written, a failing --on-alert) go to the alerts list, never to stderr.
  const alerts = opts.alerts.rules.length > 0 ? setupAlerts({ ...opts.alerts, hostname: feed.host.hostname }) : null;
  const app = new App(feed, { colour: wantsColour(opts.colour), theme: opts.theme, hidden: opts.hidden, debugTimings: opts.debugTimings, alerts, table: opts.table });
  installExitPaths(app);
  app.start();
}
