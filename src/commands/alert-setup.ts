/**
 * Wiring alerts into a command: the rules from the config, the engine, where breaches go (the alert log,
 * a recording), --on-alert, and where notes go. Shared by record, serve and the live TUI.
 */
import type { Config } from '../config';
import { EXIT, VigilError } from '../infra/errors';
import { AlertEngine, alertLogSink, BreachSink, onAlertSink } from '../store/alerts/engine';
import { AlertLog, defaultAlertLogPath } from '../store/alerts/log';
import { OnAlertRunner, parseOnAlert } from '../store/alerts/on-alert';
import { compileRules, Rule } from '../store/alerts/rules';

export interface AlertSetupOptions {
  rules: Rule[];
  /**
   * The alert log: a file given with --alerts-db (must work: exit 73 otherwise), the default one (if it
   * cannot be used, breaches are kept in memory and a note says why), or null for none. A log locked by
   * another program (either kind) is not an error: vigil goes on without it, with a note.
   */
  log: { file: string; explicit: boolean } | null;
  /** --on-alert, already split and checked. */
  onAlert: string[] | null;
  hostname: string;
  /** More sinks (a recording). */
  sinks?: BreachSink[];
  /** Notes also go here (headless commands: stderr). */
  noteOut?: (line: string) => void;
  /** --on-alert's kill timeout (tests). */
  onAlertTimeoutMs?: number;
}

export interface AlertSetup {
  engine: AlertEngine;
  log: AlertLog | null;
  runner: OnAlertRunner | null;
  /**
   * Ends open breaches (reason 'stop'), waits up to 1 s for --on-alert commands, closes the log. Resolves
   * with what could not be logged (one line each; also given to noteOut): the TUI prints them once the
   * terminal is restored.
   */
  close(): Promise<string[]>;
}

/** What the command line and config say about alerts; throws usage errors (exit 2) for bad rules or --on-alert. */
export function alertOptionsFrom(config: Config, flags: { alertsDb?: string; onAlert?: string }, defaultLog: boolean, env: NodeJS.ProcessEnv = process.env) {
  const rules = compileRules(config.alerts, config.path);
  const onAlert = flags.onAlert === undefined ? null : parseOnAlert(flags.onAlert, env);
  const log = flags.alertsDb !== undefined ? { file: flags.alertsDb, explicit: true } : defaultLog ? { file: defaultAlertLogPath(env), explicit: false } : null;
  return { rules, onAlert, log };
}

export function setupAlerts(o: AlertSetupOptions): AlertSetup {
  let log: AlertLog | null = null;
  let logProblem: string | null = null;
  if (o.log !== null) {
    try {
      log = AlertLog.open(o.log.file);
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      // Busy is not broken: the monitor is worth more than its log.
      if (err.exitCode === EXIT.TEMPFAIL) logProblem = `${err.message}; going on without it (breaches are kept in memory only)`;
      else if (o.log.explicit) throw err;
      else logProblem = `${err.message}; breaches are kept in memory only`;
    }
  }
  const sinks: BreachSink[] = [...(o.sinks ?? [])];
  if (log !== null) sinks.push(alertLogSink(log));
  if (o.noteOut) {
    const out = o.noteOut;
    sinks.push({ event: () => undefined, note: (_t, text) => out(text) });
  }
  const engine = new AlertEngine(o.rules, { sinks });
  let runner: OnAlertRunner | null = null;
  if (o.onAlert !== null) {
    runner = new OnAlertRunner({ argv: o.onAlert, hostname: o.hostname, timeoutMs: o.onAlertTimeoutMs, onNote: (text) => engine.note(text, Date.now()) });
    engine.addSink(onAlertSink(runner));
  }
  if (logProblem !== null) engine.note(logProblem, Date.now());
  if (log !== null && log.closedAtOpen > 0) {
    const n = log.closedAtOpen;
    engine.note(`closed ${n === 1 ? 'a breach' : `${n} breaches`} left open in ${log.file} by a vigil that no longer runs (closed_by restart)`, Date.now());
  }
  let closed = false;
  return {
    engine,
    log,
    runner,
    async close() {
      if (closed) return [];
      closed = true;
      engine.stop();
      if (runner !== null) await runner.drain(1000);
      const left = log?.close() ?? null;
      if (left === null) return [];
      o.noteOut?.(left);
      return [left];
    },
  };
}
