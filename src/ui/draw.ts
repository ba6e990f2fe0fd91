/**
 * vigil's own draw of blessed's cell buffer: what blessed's Screen.draw does, without its garbage.
 *
 * blessed's render paints elements into `screen.lines` (vigil's panes mostly through the CellPainter,
 * which marks only rows it changed) and then draws: for every row marked dirty it compares each cell with
 * `screen.olines` (what the terminal shows) and sends the changed cells. Its draw builds that output by
 * string concatenation, a piece per cell, and a cursor-move string per run; at 10 frames a second it was
 * an eighth of the TUI's allocation, and the garbage is collected by V8's helper threads at a cost of its
 * own. Here the same walk writes bytes into one buffer kept from frame to frame, which goes to the
 * terminal's sink as it is (no string, no copy when the terminal takes it at once).
 *
 * The picture is the one blessed draws (test/unit/ui/draw.test.ts feeds both outputs to a terminal
 * emulator and compares every cell): the same cells are sent, with the same attributes (SGR built as
 * blessed builds it, colours reduced to the terminal's count), the same double-width rule (a wide
 * character eats the cell after it, and is sent again whenever its row is drawn), the same line-drawing
 * characters through the terminal's alternate character set where blessed would use it, and the same
 * ASCII stand-ins when the locale is not UTF-8. The bytes differ only where blessed sent more: no
 * `cup(y, 0)` before a row whose first change moves the cursor anyway.
 *
 * blessed's draw stays for what is not handled here (its artificial cursor, back-colour-erase, a
 * terminal whose cursor moves are not the ANSI ones); none of them is used by vigil.
 */
import type * as blessed from 'blessed';

type Cell = [number, string];
type Row = Cell[] & { dirty?: boolean };

interface Tput {
  strings: Record<string, unknown>;
  numbers: Record<string, number>;
  brokenACS: boolean;
  unicode: boolean;
  acscr: Record<string, string>;
  utoa: Record<string, string>;
  sc(): string;
  rc(): string;
  civis(): string;
  cnorm(): string;
  smacs(): string;
  rmacs(): string;
  cup(y: number, x: number): string;
  cuf(n: number): string;
}

interface ScreenInternals {
  lines: Row[];
  olines: Cell[][];
  dattr: number;
  _buf: string;
  fullUnicode: boolean;
  options: { useBCE?: boolean };
  cursor: { artificial?: boolean };
  program: { cursorHidden?: boolean; flush(): void };
  tput: Tput;
  _reduceColor(color: number): number;
  draw(start: number, end: number): void;
}

/** Takes a frame's bytes, buf[0, n): the caller may reuse buf once this returns. */
export type FrameWriter = (buf: Buffer, n: number) => void;

/** Box-drawing characters after which blessed does not draw a double-width character (screen.js's `angles`). */
const ANGLES = new Set(['\u2518', '\u2510', '\u250c', '\u2514', '\u253c', '\u251c', '\u2524', '\u2534', '\u252c', '\u2502', '\u2500']);
const SGR_RESET = Buffer.from('\x1b[m', 'latin1');
/** Room kept free before each cell: a cursor move, a reset, the line-drawing switch and a character. */
const CELL_ROOM = 64;
const START_BYTES = 64 * 1024;

/** The width blessed gives a character (vigil memoises it per code point: char-width.ts). */
function unicodeOf(): { charWidth(s: string): number } {
  return (require('blessed') as unknown as { unicode: { charWidth(s: string): number } }).unicode;
}

export class CellDraw {
  private readonly s: ScreenInternals;
  private readonly blessedDraw: (start: number, end: number) => void;
  private buf = Buffer.allocUnsafe(START_BYTES);
  private n = 0;
  /** Each attribute's SGR as blessed's draw builds it (after `\x1b[m` when one was on). */
  private readonly sgr = new Map<number, Buffer>();
  private readonly unicode = unicodeOf();
  private readonly sc: Buffer;
  private readonly rc: Buffer;
  private readonly civis: Buffer;
  private readonly cnorm: Buffer;
  private readonly smacs: Buffer;
  private readonly rmacs: Buffer;
  /** A cursor move right (`cuf`) exists; otherwise every move is a `cup`. */
  private readonly right: boolean;
  /** The line-drawing character each one-unit character is sent as, 0 for none (from tput.acscr). */
  private readonly acs = new Uint8Array(0x10000);
  /** The terminal is in its alternate character set (carried from row to row, as blessed does). */
  private inAcs = false;

  constructor(screen: blessed.Widgets.Screen, private readonly write: FrameWriter) {
    this.s = screen as unknown as ScreenInternals;
    this.blessedDraw = this.s.draw;
    const t = this.s.tput;
    const bytes = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'utf8');
    this.sc = bytes(t.sc());
    this.rc = bytes(t.rc());
    this.civis = bytes(t.civis());
    this.cnorm = bytes(t.cnorm());
    this.smacs = bytes(t.strings.enter_alt_charset_mode ? t.smacs() : '');
    this.rmacs = bytes(t.strings.enter_alt_charset_mode ? t.rmacs() : '');
    this.right = Boolean(t.strings.parm_right_cursor);
    for (const [ch, to] of Object.entries(t.acscr ?? {})) if (ch.length === 1 && to.length === 1) this.acs[ch.charCodeAt(0)] = to.charCodeAt(0);
  }

  /**
   * Whether this draw speaks the terminal's language: its cursor moves are the ANSI ones written here
   * (every terminal blessed is given by termcaps.ts has them). Otherwise blessed keeps drawing.
   */
  static fits(screen: blessed.Widgets.Screen): boolean {
    const t = (screen as unknown as ScreenInternals).tput;
    try {
      if (t.cup(4, 7) !== '\x1b[5;8H') return false;
      if (t.strings.parm_right_cursor && t.cuf(3) !== '\x1b[3C') return false;
      const acscr = t.acscr ?? {};
      return Object.entries(acscr).every(([ch, to]) => ch.length === 1 && to.length === 1 && to.charCodeAt(0) < 0x80);
    } catch {
      return false;
    }
  }

  /** Puts this draw in the place of the screen's own (blessed's render calls screen.draw). */
  install(): void {
    this.s.draw = (start, end) => this.draw(start, end);
  }

  draw(start: number, end: number): void {
    const s = this.s;
    if (s.cursor.artificial || s.options.useBCE) return this.blessedDraw.call(s, start, end);
    const t = s.tput;
    // Under a locale that is not UTF-8, blessed sends its stand-ins for what is not ASCII (termcaps.ts).
    const ascii = !t.unicode && t.numbers.U8 !== 1;
    const acsOk = Boolean(t.strings.enter_alt_charset_mode) && !t.brokenACS;
    const hidden = Boolean(s.program.cursorHidden);
    this.n = 0;
    this.bytes(this.sc);
    if (!hidden) this.bytes(this.civis);
    const pre = this.n;
    if (s._buf) {
      this.text(s._buf);
      s._buf = '';
    }
    const dattr = s.dattr;
    const lines = s.lines;
    const olines = s.olines;
    const wide = s.fullUnicode;
    for (let y = start; y <= end; y++) {
      const line = lines[y];
      if (line === undefined || !line.dirty) continue;
      line.dirty = false;
      const o = olines[y];
      let attr = dattr;
      /** Where the cursor is in this row, -1 before the row's first change. */
      let cx = -1;
      for (let x = 0; x < line.length; x++) {
        const cell = line[x];
        const data = cell[0];
        let ch = cell[1];
        const old = o[x];
        if (data === old[0] && ch === old[1]) continue;
        if (this.buf.length - this.n < CELL_ROOM) this.grow(CELL_ROOM);
        if (cx !== x) {
          if (cx >= 0 && this.right) this.move(x - cx, 0x43 /* C */);
          else this.cup(y, x);
        }
        old[0] = data;
        old[1] = ch;
        if (data !== attr) {
          if (attr !== dattr) this.bytes(SGR_RESET);
          if (data !== dattr) this.bytes(this.sgrOf(data));
          attr = data;
        }
        let code = ch.charCodeAt(0);
        // A double-width character takes the next cell too; at the row's end, or before a line-drawing
        // corner, blessed sends a blank instead. Either way it is sent again on the row's next draw.
        if (wide && (code < 0x20 || code >= 0x7f) && this.unicode.charWidth(ch) === 2) {
          if (x === line.length - 1 || ANGLES.has(line[x + 1][1])) {
            ch = ' ';
            code = 0x20;
            old[1] = '\0';
          } else {
            old[1] = '\0';
            o[++x][1] = '\0';
          }
        }
        const acsChar = ch.length === 1 ? this.acs[code] : 0;
        if (acsOk && (acsChar !== 0 || this.inAcs)) {
          if (acsChar !== 0) {
            if (!this.inAcs) {
              this.bytes(this.smacs);
              this.inAcs = true;
            }
            this.buf[this.n++] = acsChar;
          } else {
            // As blessed: the character that ends a line-drawing run is sent as it is, stand-in or not.
            this.bytes(this.rmacs);
            this.inAcs = false;
            this.char(ch, code);
          }
        } else if (ascii && ch > '~') this.text(t.utoa[ch] || '?');
        else this.char(ch, code);
        cx = x + 1;
      }
      if (attr !== dattr) this.bytes(SGR_RESET);
    }
    if (this.inAcs) {
      this.bytes(this.rmacs);
      this.inAcs = false;
    }
    if (this.n === pre) return;
    this.bytes(this.rc);
    if (!hidden) this.bytes(this.cnorm);
    // What blessed's program holds (a clear after a resize, the title...) goes out before the frame.
    s.program.flush();
    this.write(this.buf, this.n);
  }

  /** One character in UTF-8; the common ones by hand, anything longer than one unit through Buffer. */
  private char(ch: string, code: number): void {
    if (ch.length === 1) {
      if (code < 0x80) {
        this.buf[this.n++] = code;
        return;
      }
      if (code < 0x800) {
        this.buf[this.n++] = 0xc0 | (code >> 6);
        this.buf[this.n++] = 0x80 | (code & 0x3f);
        return;
      }
      if (code < 0xd800 || code > 0xdfff) {
        this.buf[this.n++] = 0xe0 | (code >> 12);
        this.buf[this.n++] = 0x80 | ((code >> 6) & 0x3f);
        this.buf[this.n++] = 0x80 | (code & 0x3f);
        return;
      }
    }
    this.text(ch);
  }

  private text(s: string): void {
    const need = Buffer.byteLength(s, 'utf8');
    if (this.buf.length - this.n < need + CELL_ROOM) this.grow(need + CELL_ROOM);
    this.n += this.buf.write(s, this.n, 'utf8');
  }

  private bytes(b: Buffer): void {
    if (this.buf.length - this.n < b.length + CELL_ROOM) this.grow(b.length + CELL_ROOM);
    this.n += b.copy(this.buf, this.n);
  }

  /** `\x1b[{y+1};{x+1}H`. */
  private cup(y: number, x: number): void {
    this.buf[this.n++] = 0x1b;
    this.buf[this.n++] = 0x5b;
    this.digits(y + 1);
    this.buf[this.n++] = 0x3b;
    this.digits(x + 1);
    this.buf[this.n++] = 0x48;
  }

  /** `\x1b[{n}{final}`. */
  private move(n: number, final: number): void {
    this.buf[this.n++] = 0x1b;
    this.buf[this.n++] = 0x5b;
    this.digits(n);
    this.buf[this.n++] = final;
  }

  private digits(v: number): void {
    if (v >= 10) this.digits(Math.floor(v / 10));
    this.buf[this.n++] = 0x30 + (v % 10);
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.n + need));
    this.buf.copy(bigger, 0, 0, this.n);
    this.buf = bigger;
  }

  /** An attribute's SGR exactly as blessed's draw writes it: flags, then background, then foreground. */
  private sgrOf(data: number): Buffer {
    let b = this.sgr.get(data);
    if (b === undefined) {
      const parts: string[] = [];
      const flags = data >> 18;
      if (flags & 1) parts.push('1');
      if (flags & 2) parts.push('4');
      if (flags & 4) parts.push('5');
      if (flags & 8) parts.push('7');
      if (flags & 16) parts.push('8');
      const colour = (c: number, base: number, bright: number, ext: string): void => {
        if (c === 0x1ff) return;
        c = this.s._reduceColor(c);
        parts.push(c < 8 ? String(c + base) : c < 16 ? String(c - 8 + bright) : `${ext};5;${c}`);
      };
      colour(data & 0x1ff, 40, 100, '48');
      colour((data >> 9) & 0x1ff, 30, 90, '38');
      b = Buffer.from(`\x1b[${parts.join(';')}m`, 'latin1');
      this.sgr.set(data, b);
    }
    return b;
  }
}
