/**
 * The keys table of README.md and of `man vigil`, made from KEYS so that neither can drift from the
 * dispatcher. Run `node dist/src/ui/keys-doc.js` to print it (`node dist/src/docs/update.js` rewrites
 * README's section and docs/vigil.1 together); test/unit/docs.test.ts checks README against it.
 */
import { KEYS, KeyBinding, keyLabel } from './keys';

export { keyLabel };

/** Where a binding works: both views, the live monitor only, or replay only. */
export function keyScope(b: KeyBinding): 'both' | 'live' | 'replay' {
  return b.replay === undefined ? 'both' : b.replay ? 'replay' : 'live';
}

/** What the table cannot say in a row: keys outside KEYS (the mouse) and the longer stories. */
export const KEY_NOTES: string[] = [
  'The mouse: the wheel scrolls the process table, a click selects a process, a click on a column title sorts by it, a click on a branch\'s `+`/`-` marker folds it (tree view).',
  '`{` and `}` change the refresh interval live (btop\'s `+`/`-`, which fold the tree here, as in htop), shown in the status line; `z` freezes the screen while sampling, history and alerts go on (`PAUSED` in the footer).',
  'In replay, `+` and `-` set the speed, except in the tree view, where they fold branches as live does; `{` and `}` set the speed in either. The footer shows the position in the recording and its length.',
  '`k` asks for a signal (TERM, KILL, HUP, INT, QUIT, STOP, CONT, USR1, USR2) and a `y` to confirm; EPERM and friends show in the status line. '
    + 'The pid is checked against its start time first: a pid reused since the screen was drawn gets nothing.',
  'The filter (`/`) matches part of the command line, the command name or the user, case-insensitive.',
  '`Esc` also stops a follow; `Esc` or `Enter` closes the detail view.',
  'The cgroups view is `g` or `C` live and `C` in replay (replay\'s `g` goes to a time). In it, `↑`/`↓`, `<`/`>`/`I`, `/` and `f` select, sort, filter and follow groups as they do processes; in replay the moves in time work with it open, and a recording without cgroup data says so in one line; see docs/cgroups.md.',
  'Replay\'s `g` takes the time forms of `vigil export --from` (docs/recording.md lists them), an epoch in ms included, except that `-5m` and `+30s` count from the replayed moment.',
  'Quitting restores the terminal; so do SIGTERM, SIGHUP and an uncaught error (printed after, exit 1).',
];

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The README table and its notes, between the `keys` markers. */
export function keysMarkdown(): string {
  const rows = KEYS.map((b) => `| ${b.keys.map((k) => `\`${cell(keyLabel(k))}\``).join(', ')} | ${keyScope(b)}${b.when === 'tree' ? ', tree view' : ''} | ${cell(b.help)} |`);
  return ['| keys | in | what it does |', '| --- | --- | --- |', ...rows, '', ...KEY_NOTES.map((n) => `- ${n}`)].join('\n');
}

if (require.main === module) process.stdout.write(`${keysMarkdown()}\n`);
