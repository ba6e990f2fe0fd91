/**
 * What the terminal can show, decided before blessed starts: how many colours, which terminfo entry
 * blessed should read, and whether the locale allows UTF-8.
 *
 * blessed reads only the legacy terminfo format (16-bit numbers, magic 0432). ncurses 6 writes entries
 * with a number above 32767 (pairs#0x10000: xterm-256color, tmux-256color, screen-256color...) in the
 * extended format (32-bit numbers, magic 01036). blessed then either gives up and falls back to its
 * bundled 8-colour xterm entry (tmux-256color: every "gray" drawn black), or misreads the entry and
 * prints "Error on ..." to the terminal (screen-256color). So the entry is read here, in both formats,
 * for its colour count alone; an entry blessed cannot read is replaced by blessed's own bundled
 * xterm-256color (or xterm) entry, whose sequences tmux, screen and every current emulator understand.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TermCaps {
  /** $TERM, lower case ('xterm' when unset). */
  term: string;
  /** Colours the terminal shows: 8, 16 or 256 (a direct-colour terminal counts as 256: blessed emits 38;5). */
  colours: number;
  /** What blessed's `terminal` option gets: $TERM, or the path of one of blessed's bundled entries. */
  blessedTerminal: string;
  /** The locale's character set is UTF-8; otherwise the screen is drawn in ASCII (as htop does). */
  unicode: boolean;
}

export interface TerminfoEntry {
  /** max_colors, or null when the entry does not say. */
  colours: number | null;
  /** The ncurses-6 extended format (32-bit numbers), which blessed cannot read. */
  extended: boolean;
}

const LEGACY_MAGIC = 0o432;
const EXTENDED_MAGIC = 0o1036;
/** max_colors is the 14th number capability in term.h's order (cols, it, lines, lm, xmc, pb, vt, wsl, nlab, lh, lw, ma, wnum, colors). */
const MAX_COLORS = 13;

/** Parses the header and the colour count of a compiled terminfo entry; null when it is not one. */
export function parseTerminfo(data: Buffer): TerminfoEntry | null {
  if (data.length < 12) return null;
  const magic = data.readInt16LE(0);
  if (magic !== LEGACY_MAGIC && magic !== EXTENDED_MAGIC) return null;
  const extended = magic === EXTENDED_MAGIC;
  const namesSize = data.readInt16LE(2);
  const boolCount = data.readInt16LE(4);
  const numCount = data.readInt16LE(6);
  if (namesSize < 0 || boolCount < 0 || numCount < 0) return null;
  // Numbers start on an even byte after the names and the booleans.
  let off = 12 + namesSize + boolCount;
  if (off % 2 === 1) off++;
  const width = extended ? 4 : 2;
  let colours: number | null = null;
  if (numCount > MAX_COLORS && off + (MAX_COLORS + 1) * width <= data.length) {
    const v = extended ? data.readInt32LE(off + MAX_COLORS * width) : data.readInt16LE(off + MAX_COLORS * width);
    colours = v > 0 ? v : null; // -1 absent, -2 cancelled
  }
  return { colours, extended };
}

/** Where ncurses looks for an entry, in its order. */
export function terminfoDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.TERMINFO) dirs.push(env.TERMINFO);
  dirs.push(path.join(env.HOME ?? os.homedir(), '.terminfo'));
  for (const d of (env.TERMINFO_DIRS ?? '').split(':')) if (d !== '') dirs.push(d);
  dirs.push('/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo', '/usr/local/share/terminfo');
  return dirs;
}

/** The compiled entry for `term`, or null when none is found or it cannot be parsed. */
export function readTerminfo(term: string, env: NodeJS.ProcessEnv = process.env, read: (file: string) => Buffer = fs.readFileSync): TerminfoEntry | null {
  if (term === '' || term.includes('/') || term.startsWith('.')) return null;
  for (const dir of terminfoDirs(env)) {
    // Linux uses the first letter as the subdirectory; macOS and some BSDs its hex code.
    for (const sub of [term[0], term.charCodeAt(0).toString(16)]) {
      let data: Buffer;
      try {
        data = read(path.join(dir, sub, term));
      } catch {
        continue;
      }
      return parseTerminfo(data);
    }
  }
  return null;
}

/** The colour count a terminal's name promises, for an entry that is missing or says nothing. */
function coloursByName(term: string): number {
  if (/256col|-direct|truecolor|kitty|alacritty|foot|wezterm|ghostty|iterm/.test(term)) return 256;
  if (/16col/.test(term)) return 16;
  return 8;
}

/** The locale's character set is UTF-8. setlocale's order: LC_ALL, then LC_CTYPE, then LANG; none is "C". */
export function localeIsUtf8(env: NodeJS.ProcessEnv = process.env): boolean {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== '') ?? 'C';
  return /utf-?8/i.test(locale);
}

/** blessed's bundled entries (found next to its own files). */
function bundled(name: 'xterm' | 'xterm-256color'): string {
  return path.join(path.dirname(require.resolve('blessed/package.json')), 'usr', name);
}

export function termCaps(env: NodeJS.ProcessEnv = process.env, read?: (file: string) => Buffer): TermCaps {
  const term = (env.TERM || 'xterm').toLowerCase();
  const entry = readTerminfo(term, env, read);
  let colours = entry?.colours ?? coloursByName(term);
  // COLORTERM is how emulators that keep TERM=xterm(-256color) for compatibility say they do more.
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) colours = Math.max(colours, 256);
  colours = colours >= 256 ? 256 : colours >= 16 ? 16 : 8;
  const blessedTerminal = entry !== null && !entry.extended ? term : bundled(colours >= 256 ? 'xterm-256color' : 'xterm');
  return { term, colours, blessedTerminal, unicode: localeIsUtf8(env) };
}
