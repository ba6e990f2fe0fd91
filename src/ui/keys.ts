/**
 * Every key vigil answers to, in one table: the dispatcher, the help overlay, the footer and the README
 * are all made from it.
 */
export type Action =
  | 'quit' | 'help' | 'alerts' | 'conns' | 'sortNext' | 'sortPrev' | 'sortMenu' | 'filter' | 'tree' | 'follow' | 'detail' | 'kill' | 'setup'
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'back' | 'invert'
  | 'playPause' | 'stepBack' | 'stepForward' | 'minuteBack' | 'minuteForward' | 'goTo' | 'faster' | 'slower' | 'start' | 'finish';

/** The keys that apply: live's (kill, paging through the table) or replay's controls. The Source says which. */
export type KeySet = 'live' | 'replay';

export interface KeyBinding {
  keys: string[];
  action: Action;
  help: string;
  /** Only in replay. */
  replay?: boolean;
}

export const KEYS: KeyBinding[] = [
  { keys: ['q', 'f10', 'C-c'], action: 'quit', help: 'quit' },
  { keys: ['?', 'f1'], action: 'help', help: 'this help' },
  { keys: ['>', 'f6'], action: 'sortNext', help: 'sort by the next column (or click a column title)' },
  { keys: ['<'], action: 'sortPrev', help: 'sort by the previous column' },
  { keys: ['I'], action: 'invert', help: 'invert the sort order' },
  { keys: ['f2', 'S'], action: 'setup', help: 'choose the columns (Space toggles; saved to the config file)' },
  { keys: ['/'], action: 'filter', help: 'filter by command or user (Enter keeps, Esc clears)' },
  { keys: ['t'], action: 'tree', help: 'tree view' },
  { keys: ['f'], action: 'follow', help: 'follow the selected process and its descendants (again: stop)' },
  { keys: ['enter'], action: 'detail', help: 'details and history of the selected process' },
  { keys: ['k'], action: 'kill', help: 'send a signal to the selected process', replay: false },
  { keys: ['a'], action: 'alerts', help: 'threshold breaches: active, then recent' },
  { keys: ['c'], action: 'conns', help: 'TCP connections and retransmits (s: sort by throughput or retransmits)' },
  { keys: ['up'], action: 'up', help: 'select the previous process' },
  { keys: ['down'], action: 'down', help: 'select the next process' },
  { keys: ['pageup'], action: 'pageUp', help: 'a page up', replay: false },
  { keys: ['pagedown'], action: 'pageDown', help: 'a page down', replay: false },
  { keys: ['home'], action: 'home', help: 'first process', replay: false },
  { keys: ['end'], action: 'end', help: 'last process', replay: false },
  { keys: ['escape'], action: 'back', help: 'close a view, clear a filter' },
  { keys: ['space'], action: 'playPause', help: 'play / pause', replay: true },
  { keys: ['right'], action: 'stepForward', help: 'one sample forward (pauses)', replay: true },
  { keys: ['left'], action: 'stepBack', help: 'one sample back (pauses)', replay: true },
  { keys: ['pagedown'], action: 'minuteForward', help: 'one minute forward', replay: true },
  { keys: ['pageup'], action: 'minuteBack', help: 'one minute back', replay: true },
  { keys: ['g'], action: 'goTo', help: 'go to a time: 14:05:00, 2024-05-01T14:05, -5m, +30s', replay: true },
  { keys: ['+'], action: 'faster', help: 'faster: 1×, 10×, 60×, 600×', replay: true },
  { keys: ['-'], action: 'slower', help: 'slower', replay: true },
  { keys: ['home'], action: 'start', help: 'the start of the recording', replay: true },
  { keys: ['end'], action: 'finish', help: 'the end of the recording', replay: true },
];

/** The binding for a key name as blessed reports it (key.full). */
export function actionFor(full: string, keys: KeySet): Action | null {
  const replay = keys === 'replay';
  for (const b of KEYS) {
    if (b.replay === false && replay) continue;
    if (b.replay === true && !replay) continue;
    if (b.keys.includes(full)) return b.action;
  }
  return null;
}

/** Help lines: "  q, F10, C-c   quit". */
export function helpLines(keys: KeySet): string[] {
  const replay = keys === 'replay';
  return KEYS.filter((b) => (replay ? b.replay !== false : b.replay !== true)).map((b) => `  ${b.keys.map((k) => (k.startsWith('f') && k.length > 1 ? k.toUpperCase() : k)).join(', ').padEnd(16)} ${b.help}`);
}
