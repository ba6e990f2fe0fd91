import { Counter, fromBig } from '../model/counter';

/**
 * Reads space-separated integer fields straight from bytes, without building a string per field:
 * the per-process files are parsed thousands of times a second, and this is where that cost goes.
 */
export class FieldScanner {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;

  reset(buf: Buffer, pos: number, end: number): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    return this;
  }

  private skipSpaces(): void {
    const b = this.buf;
    while (this.pos < this.end && (b[this.pos] === 32 || b[this.pos] === 10 || b[this.pos] === 9)) this.pos++;
  }

  /** True when no field is left. */
  done(): boolean {
    this.skipSpaces();
    return this.pos >= this.end;
  }

  /** Skips n fields. */
  skip(n: number): void {
    const b = this.buf;
    for (let k = 0; k < n; k++) {
      this.skipSpaces();
      while (this.pos < this.end && b[this.pos] !== 32 && b[this.pos] !== 10) this.pos++;
    }
  }

  /** The next field as a single character (the process state). */
  char(): string | null {
    this.skipSpaces();
    if (this.pos >= this.end) return null;
    const c = String.fromCharCode(this.buf[this.pos]);
    this.skip(1);
    return c;
  }

  /**
   * The next field as a Counter (exact, bigint above 2^53), or null if it is missing or not an integer.
   * A leading '-' is accepted: a few stat fields (priority, nice, tty, tpgid) are signed.
   */
  counter(): Counter | null {
    this.skipSpaces();
    const b = this.buf;
    const start = this.pos;
    let i = start;
    let neg = false;
    if (i < this.end && b[i] === 45) {
      neg = true;
      i++;
    }
    const digitsStart = i;
    let v = 0;
    while (i < this.end) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      i++;
    }
    const digits = i - digitsStart;
    // The field must end at a separator; "12ab" is not a number.
    if (digits === 0 || (i < this.end && b[i] !== 32 && b[i] !== 10 && b[i] !== 9)) {
      this.pos = i;
      this.skip(1);
      return null;
    }
    this.pos = i;
    if (digits <= 15) return neg ? -v : v;
    const big = BigInt(b.toString('latin1', digitsStart, i));
    return fromBig(neg ? -big : big);
  }

  /** The next field as a number; fields that are small by nature (pids, threads, nice). */
  int(): number | null {
    const c = this.counter();
    return c === null ? null : Number(c);
  }
}
