/**
 * Lines kept with the values they were made from: a view asks for row i's line with those values and
 * gets the one it made last time when they are the same (`!==`, so NaN never is). Ten frames a second,
 * a disk or an interface row mostly shows the same figures as 100 ms before; making its line again was
 * a dozen strings per row per frame. Values are positional (up to ten) so that asking allocates nothing.
 */
export class RowMemo {
  private readonly keys: unknown[] = [];
  private readonly lines: (string | undefined)[] = [];

  /** Row i's line if it was made from these values; otherwise null, and set() must follow with the new line. */
  get(i: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown, m?: unknown, n?: unknown): string | null {
    const k = this.keys;
    const o = i * 10;
    const line = this.lines[i];
    if (line !== undefined && k[o] === a && k[o + 1] === b && k[o + 2] === c && k[o + 3] === d && k[o + 4] === e && k[o + 5] === f && k[o + 6] === g && k[o + 7] === h && k[o + 8] === m && k[o + 9] === n) return line;
    this.lines[i] = undefined;
    k[o] = a;
    k[o + 1] = b;
    k[o + 2] = c;
    k[o + 3] = d;
    k[o + 4] = e;
    k[o + 5] = f;
    k[o + 6] = g;
    k[o + 7] = h;
    k[o + 8] = m;
    k[o + 9] = n;
    return null;
  }

  set(i: number, line: string): string {
    this.lines[i] = line;
    return line;
  }
}
