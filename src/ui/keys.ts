/**
 * Every key vigil answers to, in one table: the dispatcher, the help overlay, the footer and the README
 * are all made from it.
 */
export type Action =
  | 'quit' | 'suspend' | 'help' | 'alerts' | 'conns' | 'cgroups' | 'sortNext' | 'sortPrev' | 'sortMenu' | 'sortCpu' | 'sortMem' | 'sortTime'
  | 'filter' | 'search' | 'user' | 'kernel' | 'threads' | 'tree' | 'expand' | 'collapse' | 'follow' | 'detail' | 'kill'
  | 'setup' | 'tag' | 'untagAll' | 'niceDown' | 'niceUp' | 'pause' | 'paceDown' | 'paceUp'
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'back' | 'invert'
  | 'playPause' | 'stepBack' | 'stepForward' | 'minuteBack' | 'minuteForward' | 'goTo' | 'faster' | 'slower' | 'start' | 'finish';

/** The keys that apply: live's (kill, paging through the table) or replay's controls. The feed says which (ui/controls.ts). */
export type KeySet = 'live' | 'replay';

export interface KeyBinding {
  /** Key names as blessed reports them (key.full), or the character typed. */
  keys: string[];
  action: Action;
  help: string;
  /** Only in replay (true) or only live (false). */
  replay?: boolean;
  /** Only with the tree view on (`tree`) or off (`flat`). */
  when?: 'tree' | 'flat';
  /** In the footer's short list, as this word (and these keys, if not the first one's name). */
  footer?: { text: string; keys?: string };
}

export const KEYS: KeyBinding[] = [
  { keys: ['q', 'f10', 'C-c'], action: 'quit', help: 'quit (the terminal is restored)', footer: { text: 'quit' } },
  { keys: ['C-z'], action: 'suspend', help: 'suspend (the terminal is given back first; redrawn on fg)' },
  { keys: ['?', 'f1', 'h'], action: 'help', help: 'this help', footer: { text: 'help' } },
  { keys: ['/', '\\', 'f4'], action: 'filter', help: 'filter by command or user (Enter keeps, Esc clears)', footer: { text: 'filter' } },
  { keys: ['f3'], action: 'search', help: 'search: jump to the next match without filtering (F3 again: the next one)' },
  { keys: ['t', 'f5'], action: 'tree', help: 'tree view', footer: { text: 'tree' } },
  { keys: ['-'], action: 'collapse', help: 'fold the selected branch (tree view; a click on its +/- marker toggles)', when: 'tree' },
  { keys: ['+'], action: 'expand', help: 'unfold the selected branch (tree view)', when: 'tree' },
  { keys: ['f'], action: 'follow', help: 'follow the selected process and its descendants (again: stop)', footer: { text: 'follow' } },
  { keys: ['enter'], action: 'detail', help: 'details and history of the selected process (Esc or Enter closes)', footer: { text: 'details', keys: '⏎' } },
  { keys: ['k', 'f9'], action: 'kill', help: 'send a signal (TERM, KILL, HUP, INT, QUIT, STOP, CONT, USR1, USR2; y confirms) to the tagged processes, or the selected one; a pid reused since the screen was drawn gets nothing', replay: false, footer: { text: 'kill' } },
  { keys: ['space'], action: 'tag', help: 'tag the selected process (and move down); k/F9, F7/F8 act on the tagged', replay: false },
  { keys: ['U'], action: 'untagAll', help: 'untag all', replay: false },
  { keys: ['f7', ']'], action: 'niceDown', help: 'nice −1: more CPU priority (lowering nice needs root)', replay: false },
  { keys: ['f8', '['], action: 'niceUp', help: 'nice +1: less CPU priority', replay: false },
  { keys: ['f6'], action: 'sortMenu', help: 'sort by: pick a column from a menu', footer: { text: 'sort', keys: 'F6' } },
  { keys: ['>'], action: 'sortNext', help: 'sort by the next column (or click a column title)' },
  { keys: ['<'], action: 'sortPrev', help: 'sort by the previous column' },
  { keys: ['P'], action: 'sortCpu', help: 'sort by CPU%' },
  { keys: ['M'], action: 'sortMem', help: 'sort by memory (RSS)' },
  { keys: ['T'], action: 'sortTime', help: 'sort by CPU time (TIME+)' },
  { keys: ['I'], action: 'invert', help: 'invert the sort order' },
  { keys: ['f2', 'S'], action: 'setup', help: 'choose the columns (Space toggles; saved to the config file)' },
  { keys: ['u'], action: 'user', help: 'show one user\'s processes (a menu of users)' },
  { keys: ['K'], action: 'kernel', help: 'hide or show kernel threads' },
  { keys: ['H'], action: 'threads', help: 'user threads: vigil lists processes; THR counts each one\'s threads' },
  { keys: ['z', 'Z'], action: 'pause', help: 'pause the screen (sampling and alerts go on); again: resume', replay: false },
  { keys: ['}'], action: 'paceUp', help: 'refresh faster: a shorter sampling interval (50 ms … 5 s)', replay: false },
  { keys: ['{'], action: 'paceDown', help: 'refresh slower: a longer sampling interval', replay: false },
  { keys: ['a'], action: 'alerts', help: 'threshold breaches: active, then recent' },
  { keys: ['c'], action: 'conns', help: 'TCP connections and retransmits (s: sort by throughput or retransmits)', footer: { text: 'connections' } },
  {
    keys: ['g', 'C'], action: 'cgroups', replay: false, footer: { text: 'cgroups' },
    help: 'cgroups (services, containers, pods) as a tree: CPU %, throttled %, memory against its limit, I/O, pids, PSI; ↑↓ select, < > I sort, / filter, f follow, Enter: its processes and last 10 min; Esc, g or C closes',
  },
  { keys: ['up'], action: 'up', help: 'select the previous process' },
  { keys: ['down'], action: 'down', help: 'select the next process' },
  { keys: ['pageup'], action: 'pageUp', help: 'a page up', replay: false },
  { keys: ['pagedown'], action: 'pageDown', help: 'a page down', replay: false },
  { keys: ['home'], action: 'home', help: 'first process', replay: false },
  { keys: ['end'], action: 'end', help: 'last process', replay: false },
  { keys: ['escape'], action: 'back', help: 'close a view, clear a filter, a user filter or a follow' },
  { keys: ['space', 'z', 'Z'], action: 'playPause', help: 'play / pause', replay: true, footer: { text: 'play/pause', keys: 'Space' } },
  { keys: ['right'], action: 'stepForward', help: 'one sample forward (pauses)', replay: true, footer: { text: 'step', keys: '←→' } },
  { keys: ['left'], action: 'stepBack', help: 'one sample back (pauses)', replay: true },
  { keys: ['pagedown'], action: 'minuteForward', help: 'one minute forward', replay: true, footer: { text: '±1 min', keys: 'PgUp/PgDn' } },
  { keys: ['pageup'], action: 'minuteBack', help: 'one minute back', replay: true },
  { keys: ['g'], action: 'goTo', help: 'go to a time, as --from/--to take it: 14:05:00, 2024-05-01T14:05, -5m, +30s', replay: true, footer: { text: 'go to' } },
  { keys: ['}', '+'], action: 'faster', help: 'faster: 1×, 10×, 60×, 600× (+ only outside the tree view)', replay: true, footer: { text: 'speed', keys: '{}' } },
  { keys: ['{', '-'], action: 'slower', help: 'slower (- only outside the tree view)', replay: true },
  { keys: ['home'], action: 'start', help: 'the start of the recording', replay: true },
  { keys: ['end'], action: 'finish', help: 'the end of the recording', replay: true },
  {
    // Replay's g goes to a time: C (capital, as c is connections) opens the same view there.
    keys: ['C'], action: 'cgroups', replay: true, footer: { text: 'cgroups' },
    help: 'cgroups as recorded, at the replayed moment: the same tree, sort, / filter, f follow and Enter (its processes and the charts of the replay window); Space, ←→, PgUp/PgDn, Home/End and g move in time with the view open; Esc or C closes',
  },
];

/** Where a key is read: live or replay, with the tree view on or off. */
export interface KeyScope {
  keys: KeySet;
  tree: boolean;
}

function applies(b: KeyBinding, scope: KeyScope): boolean {
  if (b.replay === false && scope.keys === 'replay') return false;
  if (b.replay === true && scope.keys !== 'replay') return false;
  if (b.when === 'tree' && !scope.tree) return false;
  if (b.when === 'flat' && scope.tree) return false;
  return true;
}

/**
 * The binding for a key name as blessed reports it (key.full). A key bound twice in one scope goes to the
 * first binding that applies: `+`/`-` fold the tree in tree view, and set replay's speed outside it.
 */
export function actionFor(full: string, keys: KeySet, tree = false): Action | null {
  const scope = { keys, tree };
  for (const b of KEYS) {
    if (!applies(b, scope)) continue;
    if (b.keys.includes(full)) return b.action;
  }
  return null;
}

const NAMES: Record<string, string> = {
  pageup: 'PgUp', pagedown: 'PgDn', escape: 'Esc', enter: 'Enter', space: 'Space', up: '↑', down: '↓', left: '←', right: '→',
  home: 'Home', end: 'End', backspace: 'Backspace', tab: 'Tab',
};

/** A key as users read it: PgUp, Esc, Enter, Space, ←, F1, Ctrl-C. */
export function keyLabel(k: string): string {
  if (NAMES[k] !== undefined) return NAMES[k];
  if (/^f\d+$/.test(k)) return k.toUpperCase();
  // C-c → Ctrl-C, M-x → Alt-X, S-f1 → Shift-F1, as a keyboard shows them.
  const mod = /^([CMS])-(.+)$/.exec(k);
  if (mod) return `${{ C: 'Ctrl', M: 'Alt', S: 'Shift' }[mod[1]]}-${mod[2].length === 1 ? mod[2].toUpperCase() : keyLabel(mod[2])}`;
  return k;
}

/** The bindings that apply in live or in replay (both tree states: the help says which need the tree). */
export function bindingsFor(keys: KeySet): KeyBinding[] {
  return KEYS.filter((b) => (keys === 'replay' ? b.replay !== false : b.replay !== true));
}

/** The width of the help's key column. */
const KEY_COL = 18;

/** Words wrapped to lines of at most `width` cells (a word longer than that is cut). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const w = word.length > width ? word.slice(0, width) : word;
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      out.push(line);
      line = w;
    }
  }
  if (line !== '') out.push(line);
  return out;
}

/**
 * Help lines for an overlay `width` cells wide inside: "  q F10 Ctrl-C      quit", the description wrapped
 * under itself where it does not fit; a key list too long for its column gets a line of its own.
 */
export function helpLines(keys: KeySet, width = 76): string[] {
  const out: string[] = [];
  const textWidth = Math.max(10, width - KEY_COL - 2);
  for (const b of bindingsFor(keys)) {
    const names = `  ${b.keys.map(keyLabel).join(' ')}`;
    const text = wrap(b.help, textWidth);
    if (names.length > KEY_COL - 1) {
      out.push(names.slice(0, width));
      for (const l of text) out.push(`${' '.repeat(KEY_COL)}${l}`);
    } else {
      text.forEach((l, i) => out.push(`${(i === 0 ? names : '').padEnd(KEY_COL)}${l}`));
    }
  }
  return out;
}

/** The footer's short list: [keys, word] in table order, replay's own controls first. */
export function footerKeys(keys: KeySet): [string, string][] {
  const all = bindingsFor(keys);
  const ordered = keys === 'replay' ? [...all.filter((b) => b.replay === true), ...all.filter((b) => b.replay !== true)] : all;
  return ordered.flatMap((b) => (b.footer ? [[b.footer.keys ?? keyLabel(b.keys[0]), b.footer.text] as [string, string]] : []));
}

