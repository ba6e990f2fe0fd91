#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * The command line: parses and dispatches, nothing else. Every command's work lives in src/commands/,
 * loaded only when its command runs: `vigil sample` need not carry blessed, SQLite and prom-client.
 * Errors reach the user as one line on stderr with an exit code from src/infra/errors.ts, never a stack trace.
 */
// First: releases node's start-up pages before the bin's modules load, for `vigil record` (see the file).
import './record-early-trim';
import * as fs from 'fs';
import * as path from 'path';
import yargs, { Argv } from 'yargs';
import { TABLE_NAMES } from './commands/export-tables';
import { Config, hiddenPanes, loadConfig, tableConfig } from './config';
import { COLLECTORS, CollectorSet, parseCollectors } from './export/prometheus/collectors';
import { DEFAULT_LISTEN, SERVE_INTERVAL_MS } from './export/prometheus/listen';
import { DEFAULT_PROC_TOP } from './export/prometheus/proc-select';
import { metricsHelp } from './store/alerts/metrics';
import { describeError, EXIT, exitCodeOf, usageError } from './infra/errors';
import { sanitize } from './render/sanitize';
import { DEFAULT_INTERVAL_MS, DEFAULT_PROC_INTERVAL_MS, MIN_PROC_INTERVAL_MS } from './sampler/intervals';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS, resolveSampling } from './settings';
import { parseDuration } from './infra/timearg';
import { startPageTrim } from './sampler/native/page-trim';

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function fail(message: string, code: number): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(code);
}

/**
 * --interval / --proc-interval, shared by every command that samples. No yargs defaults: an option left
 * out is undefined, so that the config file's value can stand in for it (see settings.ts).
 */
function samplingOptions<T>(y: Argv<T>, defaultIntervalMs = DEFAULT_INTERVAL_MS) {
  return intervalOptions(y, defaultIntervalMs).option('debug-timings', { type: 'boolean', default: false, describe: 'report parse time per /proc source' });
}

function intervalOptions<T>(y: Argv<T>, defaultIntervalMs: number) {
  return y
    .option('interval', {
      type: 'number',
      requiresArg: true,
      describe: `system sampling interval, ms (${MIN_INTERVAL_MS}–${MAX_INTERVAL_MS}; default: config interval_ms, else ${defaultIntervalMs})`,
    })
    .option('proc-interval', {
      type: 'number',
      requiresArg: true,
      describe: `process table interval, ms (${MIN_PROC_INTERVAL_MS}–${MAX_INTERVAL_MS}; default: config proc_interval_ms, else ${DEFAULT_PROC_INTERVAL_MS})`,
    });
}

function positiveInt(name: string, v: number | undefined): number | null {
  if (v === undefined) return null;
  // yargs reads a word where a number belongs as NaN: say what was wrong with it, not "NaN".
  if (Number.isNaN(v)) throw usageError(`--${name} must be a positive integer, got something that is not a number`);
  if (!Number.isInteger(v) || v < 1) throw usageError(`--${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** yargs turns a repeated option into an array; `--listen A --listen B` must not mean anything by accident. */
function single<T>(name: string, v: T | T[]): T {
  if (Array.isArray(v)) throw usageError(`--${name} given more than once`);
  return v;
}

function nonNegativeInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw usageError(`--${name} must be an integer of at least 0, got ${String(v)}`);
  return v;
}

const COLLECTORS_HELP = `node_exporter collectors to serve: only these (cpu,meminfo) or all but these (-netstat,-softnet); default: config "collectors", else all (${COLLECTORS.join(', ')})`;

/** --collectors, else the config's "collectors", else null (all). */
function collectorsOption(v: string | string[] | undefined, config: Config): CollectorSet {
  return v === undefined ? config.collectors : parseCollectors(single('collectors', v));
}

function regexOption(name: string, v: string): RegExp {
  try {
    return new RegExp(v);
  } catch (err) {
    throw usageError(`--${name}: ${(err as Error).message}`);
  }
}

/**
 * `--from -5m`, `--collectors -netstat`: yargs would read -5m or -netstat as short flags, so a value that
 * starts with a minus is glued to its option.
 */
function glueRelativeTimes(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === '--from' || a === '--to') && i + 1 < argv.length && /^-\d/.test(argv[i + 1])) out.push(`${a}=${argv[++i]}`);
    else if (a === '--collectors' && i + 1 < argv.length && /^-[a-z]/.test(argv[i + 1])) out.push(`${a}=${argv[++i]}`);
    else out.push(a);
  }
  return out;
}

/** What the yargs failure handler knows besides the message: choices of options, the command and its usage. */
interface UsageContext {
  choices: Record<string, readonly unknown[]>;
  /** The command being parsed (`export`), null for the default one. */
  command: string | null;
  /** Its usage as declared (`export <file>`), null when unknown. */
  usage: string | null;
}

/** The parts of yargs 17 the failure handler reads; they are not in its typings, so every use is guarded. */
interface YargsInternals {
  getOptions(): { choices?: Record<string, unknown[]> };
  getInternalMethods(): { getContext(): { commands: string[]; fullCommands: string[] } };
}

function usageContext(y: unknown, argv: string[], commands: readonly string[]): UsageContext {
  const yi = y as YargsInternals;
  let choices: Record<string, readonly unknown[]> = {};
  let command: string | null = commands.includes(argv[0]) ? argv[0] : null;
  let usage: string | null = null;
  try {
    choices = yi.getOptions().choices ?? {};
    const c = yi.getInternalMethods().getContext();
    command = c.commands.at(-1) ?? null;
    usage = c.fullCommands.at(-1) ?? null;
  } catch {
    // Another yargs: the message alone still gives a usable line.
  }
  return { choices, command, usage };
}

/**
 * A yargs validation message as one line that names the option, the value and what would do. yargs'
 * messages can span lines ("Invalid values:\n  Argument: ...") and printing the first line lost the rest.
 * The shapes matched here are yargs 17's English ones: main() pins the locale.
 */
function yargsUsageLine(msg: string, argv: string[], commands: readonly string[], ctx: UsageContext): string {
  const help = `see vigil${ctx.command ? ` ${ctx.command}` : ''} --help`;
  const lines = msg.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const head = lines[0] ?? 'bad arguments';
  const choicesOf = (key: string): readonly unknown[] | undefined => (Object.prototype.hasOwnProperty.call(ctx.choices, key) ? ctx.choices[key] : undefined);
  const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);
  const args = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  let m: RegExpExecArray | null;

  if (head === 'Invalid values:') {
    return lines.slice(1).map((line) => {
      const a = /^Argument: ([^,]+), Given: (.*)$/.exec(line);
      const choices = a && choicesOf(a[1]);
      if (!a || !choices) return line;
      // Given is JSON; the choices are cut off by their exact text, since a value may itself hold ", Choices: ".
      const tail = `, Choices: ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
      const given = a[2].endsWith(tail) ? a[2].slice(0, -tail.length) : a[2];
      const list = `(choices: ${choices.map(String).join(', ')})`;
      // `--table` with nothing after it: yargs hands over true.
      return given === 'true' || given === '""' ? `${flag(a[1])} needs a value ${list}` : `${flag(a[1])}: invalid value ${given} ${list}`;
    }).join('; ');
  }
  if ((m = /^Missing required arguments?: (.*)$/.exec(head))) {
    const names = m[1].split(', ');
    const withChoices = names.map((n) => (choicesOf(n) ? `${flag(n)} (choices: ${choicesOf(n)!.map(String).join(', ')})` : flag(n)));
    return `missing ${withChoices.join(', ')}${names.some((n) => !choicesOf(n)) ? ` (${help})` : ''}`;
  }
  if ((m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(head))) {
    const wanted = ctx.usage?.match(/<[^>]+>/g)?.slice(Number(m[1]));
    const usage = ctx.usage ? `usage: vigil ${ctx.usage}; ` : '';
    return `missing ${wanted?.length ? wanted.join(' ') : 'an argument'} (${usage}${help})`;
  }
  if ((m = /^Not enough arguments following: (.+)$/.exec(head))) {
    const choices = choicesOf(m[1]);
    return `${flag(m[1])} needs a value (${choices ? `choices: ${choices.map(String).join(', ')}` : help})`;
  }
  if ((m = /^Unknown (argument|command)(s?): (.*)$/.exec(head))) {
    // One name is whole; several are joined by ", " (a name holding ", " is then split, still on one line).
    const names = m[2] === 's' ? m[3].split(', ') : [m[3]];
    const options: string[] = [];
    const positionals: string[] = [];
    for (const n of names) {
      const asOption = args.find((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `--no-${n}` || a.startsWith(`--no-${n}=`) || (n.length === 1 && /^-[^-]/.test(a) && a.includes(n)));
      if (asOption !== undefined) options.push(asOption.startsWith('--no-') ? `--no-${n}` : flag(n));
      else if (m[1] === 'command' || args.includes(n)) positionals.push(n);
      else options.push(flag(n));
    }
    // The default command takes no positional: the first one was meant as a command.
    if (ctx.command === null && positionals.length > 0) {
      return `unknown command '${positionals[0]}' (commands: ${commands.join(', ')}; see vigil --help)`;
    }
    const parts = [];
    if (options.length) parts.push(`unknown option${options.length > 1 ? 's' : ''} ${options.join(', ')}`);
    if (positionals.length) parts.push(`unexpected argument${positionals.length > 1 ? 's' : ''} ${positionals.map((p) => JSON.stringify(p)).join(', ')}`);
    return `${parts.join('; ')} (${help})`;
  }
  return `${lines.join(' ')} (${help})`;
}

const COMMANDS = ['record', 'replay', 'run', 'export', 'report', 'alerts', 'sample', 'serve'];

/**
 * Every command and option, declared once: main() parses with it, and the man page generator
 * (src/docs/man.ts) runs it against a recorder, so `man vigil` says what `--help` says.
 */
export function defineCli(cli: Argv, argv: string[]): Argv {
  const commands = COMMANDS;
  return cli
    .scriptName('vigil')
    .usage('vigil [command] [options]\n\nA terminal system monitor for Linux. With no command, the live monitor.')
    .command(
      '$0',
      'the live monitor (default)',
      (y) =>
        samplingOptions(y)
          .option('color', { type: 'boolean', default: true, describe: 'colours (--no-color, or NO_COLOR in the environment, turns them off)' })
          .option('config', { requiresArg: true, type: 'string', describe: 'JSON config file (intervals, panes, colour, theme, alert rules)' })
          .option('alerts-db', { type: 'string', requiresArg: true, describe: 'alert log (default $XDG_STATE_HOME/vigil/alerts.db)' })
          .option('on-alert', { type: 'string', requiresArg: true, describe: 'run CMD (no shell) with the breach as JSON on stdin when a breach starts and ends' }),
      async (a) => {
        const { alertOptionsFrom } = await import('./commands/alert-setup');
        const { runLive } = await import('./commands/live');
        const config = loadConfig(a.config);
        const alerts = alertOptionsFrom(config, { alertsDb: single('alerts-db', a['alerts-db']), onAlert: single('on-alert', a['on-alert']) }, true);
        startPageTrim();
        runLive({
          ...resolveSampling(a, config),
          colour: a.color && config.color !== false,
          theme: config.theme ?? undefined,
          debugTimings: a['debug-timings'],
          hidden: hiddenPanes(config),
          table: tableConfig(config),
          alerts,
        });
      },
    )
    .command(
      'record <file>',
      'sample headless into a SQLite recording',
      (y) =>
        samplingOptions(y)
          .positional('file', { type: 'string', demandOption: true, describe: 'recording to write (appended to if it is one of this host)' })
          .option('duration', { requiresArg: true, type: 'string', describe: 'stop after this long (10m, 1h30m, 90s; default: until Ctrl-C)' })
          .option('config', { type: 'string', requiresArg: true, describe: 'JSON config file (its alert rules are evaluated; breaches go into the recording)' })
          .option('alerts-db', { type: 'string', requiresArg: true, describe: 'also log breaches to this alert log' })
          .option('on-alert', { type: 'string', requiresArg: true, describe: 'run CMD (no shell) with the breach as JSON on stdin when a breach starts and ends' })
          .option('listen', {
            type: 'string',
            requiresArg: true,
            describe: 'also serve the latest sample as Prometheus metrics on HOST:PORT/metrics (see vigil serve; e.g. 127.0.0.1:9464 for loopback only)',
          })
          .option('proc-top', { type: 'number', requiresArg: true, default: DEFAULT_PROC_TOP, describe: 'with --listen: per-process series for the top N by CPU and by memory' })
          .option('proc-match', { type: 'string', requiresArg: true, describe: 'with --listen: also per-process series for processes whose name or command line matches REGEX' })
          .option('collectors', { type: 'string', requiresArg: true, describe: COLLECTORS_HELP }),
      async (a) => {
        const { alertOptionsFrom } = await import('./commands/alert-setup');
        const { runRecord } = await import('./commands/record');
        let durationMs: number | null = null;
        if (a.duration !== undefined) {
          durationMs = parseDuration(a.duration);
          if (durationMs === null || durationMs <= 0) throw usageError(`--duration must be a positive duration like 10m or 90s, got '${a.duration}'`);
        }
        const config = loadConfig(single('config', a.config));
        const { intervalMs, procIntervalMs } = resolveSampling(a, config);
        const alerts = alertOptionsFrom(config, { alertsDb: single('alerts-db', a['alerts-db']), onAlert: single('on-alert', a['on-alert']) }, false);
        const tty = process.stderr.isTTY === true;
        const listen = a.listen === undefined ? null : single('listen', a.listen);
        const match = a['proc-match'] === undefined ? undefined : single('proc-match', a['proc-match']);
        // After validation: a refused command (run in-process by the tests, too) changes nothing.
        startPageTrim();
        await runRecord({
          file: a.file, intervalMs, procIntervalMs, durationMs, vigilVersion: version(),
          alerts: { ...alerts, noteOut: (text) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}vigil: ${text}\n`) },
          listen,
          procTop: nonNegativeInt('proc-top', single('proc-top', a['proc-top'])),
          procMatch: match === undefined ? null : regexOption('proc-match', match),
          collectors: collectorsOption(a.collectors, config),
        });
      },
    )
    .command(
      'replay <file>',
      'the monitor over a recording (space play/pause, arrows step, g go to a time, +/- speed)',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'recording to read (never changed)' })
          .option('color', { type: 'boolean', default: true, describe: 'colours (--no-color, or NO_COLOR, turns them off)' })
          .option('config', { requiresArg: true, type: 'string', describe: 'JSON config file (pane layout, colour, theme)' }),
      async (a) => {
        const { runReplay } = await import('./commands/replay');
        const config = loadConfig(a.config);
        startPageTrim();
        runReplay({ file: a.file, colour: a.color && config.color !== false, theme: config.theme ?? undefined, hidden: hiddenPanes(config), table: tableConfig(config) });
      },
    )
    .command(
      'run',
      'start a command under the monitor, with its socket traffic counted: vigil run [options] -- CMD ARGS...',
      (y) =>
        samplingOptions(y)
          .option('alloc', { type: 'boolean', default: false, describe: 'also count heap allocations (interposes malloc)' })
          .option('record', { type: 'string', requiresArg: true, describe: 'no screen: record to FILE until CMD exits' })
          .option('print-preload', { type: 'boolean', default: false, describe: 'print the path to put in LD_PRELOAD of programs started elsewhere' })
          .option('color', { type: 'boolean', default: true, describe: 'colours (--no-color, or NO_COLOR, turns them off)' })
          .option('config', { requiresArg: true, type: 'string', describe: 'JSON config file' }),
      async (a) => {
        const { runMonitor } = await import('./commands/run-monitor');
        const config = loadConfig(a.config);
        const { intervalMs, procIntervalMs } = resolveSampling(a, config);
        const cmd = ((a as unknown as { '--'?: (string | number)[] })['--'] ?? []).map(String);
        if (!a['print-preload'] && cmd.length === 0) throw usageError('vigil run needs a command: vigil run [options] -- CMD ARGS...');
        startPageTrim();
        await runMonitor({
          argv: cmd, alloc: a.alloc, record: a.record ?? null, printPreload: a['print-preload'], intervalMs, procIntervalMs,
          colour: a.color && config.color !== false, theme: config.theme ?? undefined, hidden: hiddenPanes(config), table: tableConfig(config), vigilVersion: version(),
        });
      },
    )
    .command(
      'export <file>',
      'write a recording as CSV or JSON lines',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'recording to read' })
          .option('table', { requiresArg: true, choices: TABLE_NAMES, demandOption: true, describe: 'what to export' })
          .option('format', { requiresArg: true, choices: ['csv', 'json'] as const, default: 'csv' as const, describe: 'CSV with a header, or JSON lines' })
          .option('from', { requiresArg: true, type: 'string', describe: 'start: HH:MM:SS, ISO date, epoch ms, or +30s from the start' })
          .option('to', { requiresArg: true, type: 'string', describe: 'end: HH:MM:SS, ISO date, epoch ms, or -5m from the end' }),
      async (a) => {
        const { runExport } = await import('./commands/export');
        await runExport({ file: a.file, table: a.table, format: a.format, from: a.from, to: a.to });
      },
    )
    .command(
      'report <file>',
      'write a recording as one self-contained HTML page: charts on one zoomable time axis, top processes, alerts',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'recording to read (never changed)' })
          .option('output', { alias: 'o', requiresArg: true, type: 'string', describe: 'HTML file to write, or -o FILE (default: the recording with .html for .vigil, beside it); written atomically' })
          .option('from', { requiresArg: true, type: 'string', describe: 'start: HH:MM:SS, ISO date, epoch ms, or +30s from the start' })
          .option('to', { requiresArg: true, type: 'string', describe: 'end: HH:MM:SS, ISO date, epoch ms, or -5m from the end' }),
      async (a) => {
        const { runReport } = await import('./commands/report');
        const r = runReport({ file: a.file, out: single('output', a.output), from: single('from', a.from), to: single('to', a.to), version: version() });
        process.stderr.write(`vigil: wrote ${sanitize(r.out)} (${(r.bytes / 1e6).toFixed(2)} MB)\n`);
      },
    )
    .command(
      'alerts [file]',
      'list threshold breaches from the alert log or a recording',
      (y) =>
        y
          .positional('file', { type: 'string', describe: 'a recording or an alert log (default: $XDG_STATE_HOME/vigil/alerts.db)' })
          .option('since', { type: 'string', requiresArg: true, describe: 'only breaches active since then: a duration back from now (1h, 30m; from the end of a recording) or a time (14:30, 2024-05-01T14:30)' })
          .option('active', { type: 'boolean', default: false, describe: 'only breaches still active' })
          .option('format', { requiresArg: true, choices: ['table', 'json'] as const, default: 'table' as const, describe: 'a table, or JSON lines' })
          .epilog(`Alert metrics for the config's "alerts" rules (the value compared is the average over "window"):\n  ${metricsHelp().join('\n  ')}`),
      async (a) => {
        const { runAlerts } = await import('./commands/alerts');
        await runAlerts({ file: a.file, since: single('since', a.since), active: a.active, format: single('format', a.format) });
      },
    )
    .command(
      'sample',
      'print one derived snapshot per tick as a JSON line',
      (y) =>
        samplingOptions(y)
          .option('count', { requiresArg: true, type: 'number', describe: 'stop after N lines (default: until interrupted)' })
          .option('config', { type: 'string', requiresArg: true, describe: 'JSON config file (its intervals; default $XDG_CONFIG_HOME/vigil/config.json)' }),
      async (a) => {
        const { runSample } = await import('./commands/sample');
        const { intervalMs, procIntervalMs } = resolveSampling(a, loadConfig(single('config', a.config)));
        await runSample({ count: positiveInt('count', a.count), intervalMs, procIntervalMs, debugTimings: a['debug-timings'] });
      },
    )
    .command(
      'serve',
      'serve the latest sample as Prometheus metrics on /metrics (no recording)',
      (y) =>
        intervalOptions(y, SERVE_INTERVAL_MS)
          .option('listen', {
            type: 'string',
            requiresArg: true,
            default: DEFAULT_LISTEN,
            describe: 'HOST:PORT to serve /metrics on; loopback by default: an address reachable from other machines (e.g. 0.0.0.0:9464) exposes process names and users, and is your explicit choice',
          })
          .option('proc-top', { type: 'number', requiresArg: true, default: DEFAULT_PROC_TOP, describe: 'per-process series for the top N by CPU and the top N by memory (0: none)' })
          .option('proc-match', { type: 'string', requiresArg: true, describe: 'also per-process series for every process whose name or command line matches REGEX' })
          .option('collectors', { type: 'string', requiresArg: true, describe: COLLECTORS_HELP })
          .option('config', { type: 'string', requiresArg: true, describe: 'JSON config file (alert rules; default $XDG_CONFIG_HOME/vigil/config.json)' })
          .option('alerts-db', { type: 'string', requiresArg: true, describe: 'alert log to write (default $XDG_STATE_HOME/vigil/alerts.db)' })
          .option('on-alert', { type: 'string', requiresArg: true, describe: 'run CMD (no shell) with the breach as JSON on stdin when a breach starts and ends' }),
      async (a) => {
        const { alertOptionsFrom } = await import('./commands/alert-setup');
        const { runServe } = await import('./commands/serve');
        const match = single('proc-match', a['proc-match']);
        const config = loadConfig(single('config', a.config));
        const alerts = alertOptionsFrom(config, { alertsDb: single('alerts-db', a['alerts-db']), onAlert: single('on-alert', a['on-alert']) }, true);
        startPageTrim();
        await runServe({
          listen: single('listen', a.listen),
          ...resolveSampling(a, config, SERVE_INTERVAL_MS),
          procTop: nonNegativeInt('proc-top', single('proc-top', a['proc-top'])),
          procMatch: match === undefined ? null : regexOption('proc-match', match),
          collectors: collectorsOption(a.collectors, config),
          alerts: { ...alerts, noteOut: (text) => process.stderr.write(`vigil: ${text}\n`) },
        });
      },
    )
    // Everything after `--` is the command of vigil run, untouched by yargs.
    .parserConfiguration({ 'populate--': true })
    .strict()
    .strictCommands()
    .version(version())
    .help()
    .alias('h', 'help')
    .alias('V', 'version')
    .wrap(Math.min(100, process.stdout.columns || 100))
    // English whatever LANG says: vigil's own messages are, and the failure handler reads yargs' ones.
    .locale('en')
    .fail((msg, err) => {
      // yargs' own validation errors (YError: a missing option argument, ...) are usage errors, not internal ones.
      if (err && err.name !== 'YError') throw err;
      const line = yargsUsageLine(msg ?? err?.message ?? '', argv, commands, usageContext(cli, argv, commands));
      // The line quotes what the user typed: controls and bidi overrides are shown escaped, never sent.
      fail(sanitize(line), EXIT.USAGE);
    }) as unknown as Argv;
}

async function main(argv: string[]): Promise<void> {
  // A reader that goes away (vigil sample | head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.OK);
    fail(describeError(err), EXIT.IOERR);
  });
  await defineCli(yargs(argv), argv).parseAsync();
}

/**
 * The bin's whole run: parse, dispatch, and any error as one line with its exit code. Exported for the
 * tests that run the command line in-process (test/helpers/cli-inproc.ts).
 */
export function run(argv: string[]): Promise<void> {
  return main(glueRelativeTimes(argv)).catch((err: unknown) => {
    if (process.env.VIGIL_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    fail(describeError(err), exitCodeOf(err));
  });
}

// Imported by the man page generator and by tests: only the bin runs.
if (require.main === module) void run(process.argv.slice(2));
