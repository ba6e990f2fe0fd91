/**
 * ASCII stand-ins for the screen's glyphs, for a locale that is not UTF-8 (LANG=C), as htop draws there.
 * blessed replaces every character it cannot send with '?' unless its table (`tput.utoa`) names one; the
 * app hands it this table, so one place covers every pane: bars become '#' and '|', braille charts
 * '.' and ':' (htop's ASCII graph), sort arrows 'v' and '^', tree lines '|', '`' and '-'. Box drawing
 * goes through the terminal's alternate character set where it has one (as ncurses does) and through this
 * table where it has not. Each stand-in is one character: blessed measured the text before it maps it.
 */
const BRAILLE = 0x2800;
// Dot bits of a braille cell by row from the top, both columns.
const ROW_BITS = [0x01 | 0x08, 0x02 | 0x10, 0x04 | 0x20, 0x40 | 0x80];

/**
 * A braille cell of an area chart as one ASCII character: its filled rows (at most 4) in two levels, as
 * htop's ASCII graph does: a cell filled to half or less is '.', fuller ':'. A cell filled from the top (a
 * chart drawn downwards) shows "'" for its lower level.
 */
export function brailleToAscii(code: number): string {
  const bits = code - BRAILLE;
  if (bits <= 0 || bits > 0xff) return ' ';
  const rows = ROW_BITS.map((m) => (bits & m) !== 0);
  const n = rows.filter(Boolean).length;
  if (n > 2) return ':';
  return rows[3] || !rows[0] ? '.' : "'";
}

const TABLE: Record<string, string> = {
  // Bars: full cells '#', a partial cell '|' (any fraction shows).
  '█': '#', '▉': '|', '▊': '|', '▋': '|', '▌': '|', '▍': '|', '▎': '|', '▏': '|',
  // Replay's position bar: its edges and the part not played yet.
  '▕': '|', '░': '.',
  // The per-core blocks of the CPU pane, by height.
  '▁': '_', '▂': '_', '▃': '.', '▄': '-', '▅': '=', '▆': '=', '▇': '#',
  // Arrows and marks.
  '▼': 'v', '▲': '^', '▶': '>', '◀': '<', '←': '<', '→': '>', '↑': '^', '↓': 'v', '⇄': '=', '⏎': '>',
  '⚠': '!', '…': '~', '·': '-', '×': 'x', '−': '-', '–': '-', '—': '-', '±': '+', '≤': '<', '≥': '>', '≈': '~',
  'Δ': 'd', 'Σ': 'S', 'µ': 'u', '⌈': '[', '⌉': ']', '§': 'S', '°': 'o',
  // Lines: the process tree and the borders, where the terminal has no alternate character set.
  '─': '-', '│': '|', '┌': '+', '┐': '+', '└': '`', '┘': '+', '├': '|', '┤': '|', '┬': '+', '┴': '+', '┼': '+',
  '═': '=', '║': '|', '╭': '+', '╮': '+', '╰': '+', '╯': '+',
};

let table: Record<string, string> | null = null;

/** Every non-ASCII glyph vigil draws, with its ASCII stand-in (braille included). */
export function asciiTable(): Readonly<Record<string, string>> {
  if (table === null) {
    table = { ...TABLE };
    for (let b = 1; b <= 0xff; b++) table[String.fromCharCode(BRAILLE + b)] = brailleToAscii(BRAILLE + b);
    table[String.fromCharCode(BRAILLE)] = ' ';
  }
  return table;
}

/** A text in ASCII: each known glyph by its stand-in, anything else beyond ASCII by '?'. */
export function toAscii(text: string): string {
  const t = asciiTable();
  return text.replace(/[^\x00-\x7f]/g, (ch) => t[ch] ?? '?');
}
