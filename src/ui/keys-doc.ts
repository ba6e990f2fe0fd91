/**
 * The keys table of README.md and of `man vigil`, made from KEYS so that neither can drift from the
 * dispatcher. Run `node dist/src/ui/keys-doc.js` to print it (`node dist/src/docs/update.js` rewrites
 * README's section and docs/vigil.1 together); test/unit/docs.test.ts checks README against it.
 */
import { KEYS, KeyBinding } from './keys';

const NAMES: Record<string, string> = {
  enter: 'Enter', escape: 'Esc', space: 'Space', tab: 'Tab', backspace: 'Backspace', delete: 'Del', insert: 'Ins',
  up: '↑', down: '↓', left: '←', right: '→', pageup: 'PgUp', pagedown: 'PgDn', home: 'Home', end: 'End',
};

/** A key as blessed names it (key.full) written as a keyboard shows it: `C-c` → Ctrl-C, `f10` → F10, `pageup` → PgUp. */
export function keyLabel(full: string): string {
  if (full in NAMES) return NAMES[full];
  const mod = /^([CMS])-(.+)$/.exec(full);
  if (mod) return `${{ C: 'Ctrl', M: 'Alt', S: 'Shift' }[mod[1]]}-${mod[2].length === 1 ? mod[2].toUpperCase() : keyLabel(mod[2])}`;
  if (/^f\d{1,2}$/.test(full)) return full.toUpperCase();
  return full;
}

/** Where a binding works: both views, the live monitor only, or replay only. */
export function keyScope(b: KeyBinding): 'both' | 'live' | 'replay' {
  return b.replay === undefined ? 'both' : b.replay ? 'replay' : 'live';
}

/** What the table cannot say in a row: keys outside KEYS (Ctrl-Z, the mouse) and the longer stories. */
export const KEY_NOTES: string[] = [
  '`Ctrl-Z` suspends vigil (the terminal is given back first); the screen is redrawn on resume.',
  'The mouse: the wheel scrolls the process table, a click selects a process, a click on a column title sorts by it.',
  '`k` asks for a signal (TERM, KILL, HUP, INT, QUIT, STOP, CONT, USR1, USR2) and a `y` to confirm; EPERM and friends show in the status line. '
    + 'The pid is checked against its start time first: a pid reused since the screen was drawn gets nothing.',
  'The filter (`/`) matches part of the command line, the command name or the user, case-insensitive.',
  '`Esc` also stops a follow; `Esc` or `Enter` closes the detail view.',
  'Replay\'s `g` takes the time forms of `vigil export --from` (docs/recording.md lists them), an epoch in ms included, except that `-5m` and `+30s` count from the replayed moment.',
  'Quitting restores the terminal; so do SIGTERM, SIGHUP and an uncaught error (printed after, exit 1).',
];

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The README table and its notes, between the `keys` markers. */
export function keysMarkdown(): string {
  const rows = KEYS.map((b) => `| ${b.keys.map((k) => `\`${cell(keyLabel(k))}\``).join(', ')} | ${keyScope(b)} | ${cell(b.help)} |`);
  return ['| keys | in | what it does |', '| --- | --- | --- |', ...rows, '', ...KEY_NOTES.map((n) => `- ${n}`)].join('\n');
}

if (require.main === module) process.stdout.write(`${keysMarkdown()}\n`);
