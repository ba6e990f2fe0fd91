/**
 * The one gate between strings from outside (process names, command lines, interface and mount names)
 * and the terminal. vigil often runs as root: a process named "\e]52;c;..." must not write the user's
 * clipboard, and one named "\e[2J" must not clear the screen. C0 and C1 controls, DEL, and the Unicode
 * bidi controls (which can make text display reversed) are shown escaped, never sent; blessed's tag
 * braces are escaped too, since panes render with tags on.
 */
// C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), bidi embeddings/overrides/isolates and marks, line and
// paragraph separators, zero-width and BOM characters that hide or reorder text.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  switch (c) {
    case '\n':
      return '\\n';
    case '\t':
      return '\\t';
    case '\r':
      return '\\r';
    case '\x1b':
      return '\\e';
    default:
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
}

/** Safe to print: controls escaped as \n, \e, \x07, \u202e. */
export function sanitize(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** Escapes blessed's tag braces (display width unchanged: {open} shows as one '{'). */
export function escapeTags(s: string): string {
  return s.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** Safe to print inside blessed content with tags on: controls and tag braces escaped. */
export function sanitizeTagged(s: string): string {
  return escapeTags(sanitize(s));
}
