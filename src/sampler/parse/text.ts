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

/**
 * Value of `key` in a "key value" or "key: value" file, found with one indexOf per key instead of
 * splitting every line (vmstat has ~180 lines and vigil wants four of them, ten times a second).
 * Returns the first word after the key, or null if the key is absent.
 */
export function valueAfterKey(text: string, key: string): string | null {
  let at = text.startsWith(key) ? 0 : -1;
  if (at < 0) {
    const hit = text.indexOf('\n' + key);
    if (hit < 0) return null;
    at = hit + 1;
  }
  let i = at + key.length;
  const n = text.length;
  while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const s = i;
  while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 9) i++;
  return i > s ? text.slice(s, i) : null;
}
