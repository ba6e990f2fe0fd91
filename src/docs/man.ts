/**
 * docs/vigil.1, `man vigil`: generated from the command line's own definition (src/cli.ts, through
 * cliSpec: the same text `--help` prints), the keys table (src/ui/keys.ts) and the exit codes
 * (src/docs/exit-codes.ts), so the page cannot say other than the program. Regenerate with
 *   npm run build && node dist/src/docs/man.js > docs/vigil.1
 * (or `node dist/src/docs/update.js`, which rewrites every generated doc); test/unit/docs.test.ts checks
 * the committed page is current and that groff renders it without a warning.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KEYS } from '../ui/keys';
import { KEY_NOTES, keyLabel, keyScope } from '../ui/keys-doc';
import { cliSpec, CommandSpec, OptionSpec } from './cli-spec';
import { EXIT_CODES } from './exit-codes';

/** What an option's value is called in the synopsis; an option not named here is shown by its type. */
const VALUE_NAMES: Record<string, string> = {
  interval: 'MS', 'proc-interval': 'MS', config: 'FILE', 'alerts-db': 'FILE', 'on-alert': 'CMD', record: 'FILE',
  duration: 'DURATION', listen: 'ADDR', 'proc-top': 'N', 'proc-match': 'REGEX', collectors: 'LIST', count: 'N', from: 'TIME', to: 'TIME', since: 'TIME',
  output: 'FILE',
};

/** What follows a command's options in its synopsis, when the command takes more than yargs declares. */
const SYNOPSIS_TAIL: Record<string, string> = { run: '\\fB\\-\\-\\fR \\fICMD\\fR [\\fIARGS\\fR...]' };

/**
 * The characters vigil's texts use, as groff writes them on every device (ascii, latin1, utf8, ps):
 * named glyphs where all devices have one, else plain ASCII. Any other character goes as \[uXXXX], which
 * the render test flags on a device that lacks it.
 */
const GLYPHS: Record<string, string> = {
  '→': '\\[->]', '←': '\\[<-]', '×': '\\[mu]', '–': '\\[en]', '—': '\\[em]', '≤': '\\[<=]', '≥': '\\[>=]', '…': '...', '−': '\\-',
  '↑': 'Up', '↓': 'Down', 'µ': 'u', 'Σ': 'sum ', 'Δ': 'delta ', '≈': '~', '·': '*',
};

function escapeText(part: string): string {
  let s = '';
  for (const ch of part) {
    if (ch === '\\') s += '\\e';
    else if (ch === '-') s += '\\-';
    else if (ch.charCodeAt(0) < 128) s += ch;
    else s += GLYPHS[ch] ?? `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;
  }
  return s;
}

/** Plain text as roff: backslashes, minus signs and non-ASCII escaped; `code` in bold. */
export function roff(text: string): string {
  const parts = text.split('`');
  // Odd parts were between backticks; after an unpaired last backtick, the text is plain.
  const out = parts.map((p, i) => {
    if (i % 2 === 0) return escapeText(p);
    return i === parts.length - 1 ? `\`${escapeText(p)}` : `\\fB${escapeText(p)}\\fR`;
  });
  // A line starting with . or ' would be read as a request.
  return out.join('').replace(/(^|\n)([.'])/g, '$1\\&$2');
}

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function valueName(o: OptionSpec): string {
  if (o.choices) return o.choices.map(String).join('|');
  return VALUE_NAMES[o.name] ?? (o.type === 'number' ? 'N' : 'VALUE');
}

/** `\fB\-\-interval\fR \fIMS\fR`; a boolean that defaults to true is given as its `--no-` form. */
function optionHead(o: OptionSpec): string {
  if (o.type === 'boolean') return `\\fB${roff(o.default === true ? `--no-${o.name}` : `--${o.name}`)}\\fR`;
  return `\\fB${roff(`--${o.name}`)}\\fR \\fI${roff(valueName(o))}\\fR`;
}

function optionText(o: OptionSpec): string {
  const notes: string[] = [];
  if (o.required && o.type !== 'positional') notes.push('required');
  if (o.default !== undefined && o.type !== 'boolean') notes.push(`default: ${String(o.default)}`);
  return roff(o.describe) + (notes.length ? ` (${roff(notes.join('; '))})` : '');
}

/** `vigil record` `file` [options]: the command as its synopsis line. */
function synopsis(c: CommandSpec): string {
  const words = c.cmd === '$0' ? [] : c.cmd.split(' ').slice(1);
  const args = words.map((w) => (w.startsWith('<') ? `\\fI${roff(w.slice(1, -1))}\\fR` : `[\\fI${roff(w.slice(1, -1))}\\fR]`));
  const opts = c.options.length ? ['[\\fIoptions\\fR]'] : [];
  const tail = SYNOPSIS_TAIL[c.name] ? [SYNOPSIS_TAIL[c.name]] : [];
  return [`\\fBvigil${c.name ? ` ${c.name}` : ''}\\fR`, ...args, ...opts, ...tail].join(' ');
}

function commandSection(c: CommandSpec): string[] {
  const out = [`.SS "${synopsis(c).replace(/"/g, '\\(dq')}"`, roff(c.describe)];
  for (const p of c.positionals) out.push('.TP', `\\fI${roff(p.name)}\\fR`, optionText(p));
  for (const o of c.options) out.push('.TP', optionHead(o), optionText(o));
  if (c.epilog) {
    const [head, ...rest] = c.epilog.split('\n');
    out.push('.PP', roff(head), '.RS 2', '.nf', ...rest.map((l) => roff(l.trim())), '.fi', '.RE');
  }
  return out;
}

const ENVIRONMENT: [string, string][] = [
  ['NO_COLOR', 'set: no colour, as `--no-color`'],
  ['TERM', 'unset or `dumb`: the monitor refuses to start (exit 2) and points to `vigil record` and `vigil sample`'],
  ['XDG_CONFIG_HOME', 'where the config file is looked for: `$XDG_CONFIG_HOME/vigil/config.json` (default `~/.config`)'],
  ['XDG_STATE_HOME', 'where the alert log lives: `$XDG_STATE_HOME/vigil/alerts.db` (default `~/.local/state`)'],
  ['XDG_RUNTIME_DIR', 'where the `vigil run` shim keeps its counter files: `$XDG_RUNTIME_DIR/vigil`, else `/dev/shm/vigil-EUID`'],
  ['VIGIL_SHIM_DIR', 'the shim\'s counter directory, exactly (`vigil run` sets it for CMD)'],
  ['VIGIL_SAMPLER', '`ts`: the TypeScript /proc readers; `native`: the C core, or one line on stderr saying why not'],
  ['VIGIL_PAGE_TRIM', '`0`: keep the node binary\'s start-up pages and malloc\'s free pages mapped (by default they are released after start-up)'],
  ['VIGIL_DRAW', '`blessed`: the screen is drawn by blessed\'s own Screen.draw instead of vigil\'s (the same picture, more allocation)'],
  ['VIGIL_DEBUG', 'set: errors print their stack trace after the one-line message'],
];

const FILES: [string, string][] = [
  ['~/.config/vigil/config.json', 'the config file: intervals, panes, colour, alert rules (see docs/config.md)'],
  ['~/.local/state/vigil/alerts.db', 'the alert log: every threshold breach, a SQLite file (see docs/alerts.md)'],
];

const DOCS = 'README.md, docs/config.md, docs/screen.md, docs/metrics.md, docs/fields.md, docs/connections.md, docs/shim.md, '
  + 'docs/alerts.md, docs/recording.md, docs/prometheus.md, docs/internals.md';

export function manPage(): string {
  const spec = cliSpec();
  const byScope = { both: '', live: ' (live only)', replay: ' (replay only)' };
  const lines = [
    '.\\" Generated by src/docs/man.ts from the command definitions (src/cli.ts), src/ui/keys.ts and',
    '.\\" src/docs/exit-codes.ts: do not edit; run `node dist/src/docs/update.js` after `npm run build`.',
    `.TH VIGIL 1 "" "vigil ${version()}" "User Commands"`,
    // Option names and paths must not be hyphenated at a line end, nor stretched.
    '.nh',
    '.ad l',
    '.SH NAME',
    'vigil \\- a terminal system monitor for Linux',
    '.SH SYNOPSIS',
    ...spec.commands.flatMap((c, i) => (i === 0 ? [synopsis(c)] : ['.br', synopsis(c)])),
    '.SH DESCRIPTION',
    roff(spec.usage.split('\n\n').slice(1).join(' ')),
    '.PP',
    roff('vigil samples /proc every 100 ms and shows CPU per core, memory, network, disk and every process, with an hour of history drawn as charts; '
      + 'it records to SQLite and replays recordings with the same screen, logs every threshold breach, serves Prometheus, '
      + 'and counts the socket traffic of programs started under `vigil run`.'),
    '.PP',
    roff('Errors are one line on stderr, never a stack trace. Every command takes `--help`.'),
    '.SH COMMANDS',
    ...spec.commands.flatMap(commandSection),
    '.SH OPTIONS',
    roff('Every command also takes:'),
    '.TP', '\\fB\\-h\\fR, \\fB\\-\\-help\\fR', 'the command\'s options, and exit',
    '.TP', '\\fB\\-V\\fR, \\fB\\-\\-version\\fR', 'the version, and exit',
    '.SH KEYS',
    roff('In the live monitor and in `vigil replay`:'),
    ...KEYS.flatMap((b) => ['.TP', b.keys.map((k) => `\\fB${roff(keyLabel(k))}\\fR`).join(', '), roff(b.help) + byScope[keyScope(b)]]),
    ...KEY_NOTES.flatMap((n) => ['.PP', roff(n)]),
    '.SH EXIT STATUS',
    ...EXIT_CODES.flatMap((r) => ['.TP', `\\fB${roff(r.code)}\\fR`, roff(r.meaning)]),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.flatMap(([k, v]) => ['.TP', `\\fB${roff(k)}\\fR`, roff(v)]),
    '.SH FILES',
    ...FILES.flatMap(([k, v]) => ['.TP', `\\fI${roff(k)}\\fR`, roff(v)]),
    '.SH SEE ALSO',
    roff(`In the package: ${DOCS}.`),
    '.PP',
    '\\fBtop\\fR(1), \\fBhtop\\fR(1), \\fBbtop\\fR(1), \\fBsqlite3\\fR(1), \\fBproc\\fR(5)',
  ];
  return `${lines.join('\n')}\n`;
}

if (require.main === module) process.stdout.write(manPage());
