/**
 * The report's compact encoding of one series (the page reads it; one JSON object per point would not
 * carry 24 h of 100 ms data). Each value is quantised to an integer (round(value × scale)), taken as a
 * delta from the previous value that was there, zigzagged, and written as an LEB128 varint. Token 0 is
 * "no value" (null); any other is zigzag(delta) + 1. A steady series costs one byte a point before gzip
 * and next to nothing after. Arithmetic rather than bit operations, so integers up to 2^53 survive.
 *
 * decodeSeries runs in the page too: it is inlined there by its source text (page.ts), so it must stay
 * self-contained (no imports, no helpers outside its body).
 */

/** Quantised magnitudes are kept below this, so that a delta and its zigzag stay exact below 2^53. */
const MAX_Q = 2 ** 50;

export class SeriesEncoder {
  private buf = new Uint8Array(64);
  private len = 0;
  private last = 0;
  /** Values pushed (nulls included). */
  count = 0;

  /** `scale`: integers per unit (100: hundredths; 1 / 1024: whole KiB of a byte figure). */
  constructor(readonly scale: number) {}

  push(v: number | null): void {
    this.count++;
    if (v === null || !Number.isFinite(v)) {
      this.byte(0);
      return;
    }
    const q = Math.max(-MAX_Q, Math.min(MAX_Q, Math.round(v * this.scale)));
    const d = q - this.last;
    this.last = q;
    let z = (d >= 0 ? d * 2 : -d * 2 - 1) + 1;
    while (z >= 128) {
      this.byte((z % 128) + 128);
      z = Math.floor(z / 128);
    }
    this.byte(z);
  }

  /** `n` nulls (an entity absent for n samples). */
  pad(n: number): void {
    for (let i = 0; i < n; i++) this.push(null);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private byte(b: number): void {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = b;
  }
}

/**
 * Decodes `count` values from bytes[start, end) into out (null becomes NaN). Returns the number of
 * values read: fewer than count means the bytes ran out (a damaged page), and the rest stay NaN.
 */
export function decodeSeries(bytes: Uint8Array, start: number, end: number, count: number, scale: number, out: Float64Array | Float32Array): number {
  let at = start;
  let last = 0;
  let i = 0;
  for (; i < count && at < end; i++) {
    let z = 0;
    let mul = 1;
    let b = 0;
    do {
      b = bytes[at++];
      z += (b % 128) * mul;
      mul *= 128;
    } while (b >= 128 && at < end);
    if (z === 0) {
      out[i] = NaN;
      continue;
    }
    z -= 1;
    last += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    out[i] = last / scale;
  }
  for (let k = i; k < count; k++) out[k] = NaN;
  return i;
}
