/** Parsers take text or bytes; bytes are decoded as UTF-8 (names in /proc are bytes, usually UTF-8). */
export type ProcText = string | Buffer;

export function asText(input: ProcText): string {
  return typeof input === 'string' ? input : input.toString('utf8');
}

/** Splits on runs of spaces and tabs, dropping empty fields. */
export function words(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    const s = i;
    while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
    if (i > s) out.push(line.slice(s, i));
  }
  return out;
}

/** Start of the first line at or after `from` (a line start) that begins with `prefix`, or -1. */
export function lineStarting(text: string, prefix: string, from: number): number {
  if (text.startsWith(prefix, from)) return from;
  const at = text.indexOf('\n' + prefix, from);
  return at < 0 ? -1 : at + 1;
}

/** The line that starts at `start`, without its newline. */
export function lineAt(text: string, start: number): string {
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

/**
 * Value of `key` in a "key value" or "key: value" file, found with one indexOf per key instead of
 * splitting every line (vmstat has ~180 lines and vigil wants four of them, ten times a second).
 * Returns the first word after the key, or null if the key is absent.
 */
export function valueAfterKey(text: string, key: string): string | null {
  const at = lineStarting(text, key, 0);
  if (at < 0) return null;
  let i = at + key.length;
  const n = text.length;
  while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const s = i;
  while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 9) i++;
  return i > s ? text.slice(s, i) : null;
}
