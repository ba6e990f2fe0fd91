import type * as blessed from 'blessed';

/**
 * Paints a pane's tagged lines straight into blessed's cell buffer.
 *
 * blessed turns content into cells in three passes each time it changes: tags to SGR escapes
 * (`_parseTags`), escapes to attributes per line (`_parseAttr`), then a paint that runs a regex at every
 * escape and asks every character its width. For the process table refreshed at 10 Hz that was a quarter
 * of the monitor's CPU. Here one pass reads the tags and writes the cells, touching (and marking for the
 * diff) only cells that changed. Attributes still come from blessed (`program._attr` gives a tag's SGR,
 * `screen.attrCode` folds an SGR into an attribute), with blessed's own tag stacks, so a cell painted
 * here is the cell blessed would have painted; a test compares the two on every pane.
 *
 * Only text whose every character is one cell wide is painted here: ASCII, Latin-1, box drawing,
 * blocks, arrows, braille, the ellipsis. Anything else (a CJK process name, a tag blessed does not know)
 * returns false and the caller lets blessed paint.
 */
const ONE_CELL = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u00ff\u2026\u2190-\u21ff\u2500-\u259f\u25a0-\u25ff\u2800-\u28ff]*$/;
const TAG = /^[\w\-,;!#]*$/;

type Cell = [number, string];
type Row = Cell[] & { dirty?: boolean };

interface ScreenInternals {
  lines: Row[];
  attrCode(code: string, cur: number, def: number): number;
  program: { _attr(param: string, val?: boolean): string | null };
}

interface Rect {
  xi: number;
  xl: number;
  yi: number;
  yl: number;
  /** blessed's marks of a box cut by the screen's edge (its border then is not where it would be). */
  noleft?: boolean;
  noright?: boolean;
  notop?: boolean;
  nobot?: boolean;
}

export class CellPainter {
  private readonly screen: ScreenInternals;
  /** SGR of a tag parameter ('green fg' → '\x1b[32m'), and of its closing; null when blessed has none. */
  private readonly sgrOn = new Map<string, string | null>();
  private readonly sgrOff = new Map<string, string | null>();
  /** attr after an SGR, by (attr, SGR): a few dozen distinct transitions per pane. */
  private readonly transitions = new Map<string, number>();

  constructor(screen: blessed.Widgets.Screen, private readonly dattr: number) {
    this.screen = screen as unknown as ScreenInternals;
  }

  private sgr(param: string, on: boolean): string | null {
    const cache = on ? this.sgrOn : this.sgrOff;
    let s = cache.get(param);
    if (s === undefined) {
      s = this.screen.program._attr(param, on) ?? null;
      cache.set(param, s);
    }
    return s;
  }

  private apply(sgr: string, attr: number): number {
    if (sgr === '') return attr; // nothing reaches the content: blessed's attribute stays
    const key = `${attr}\0${sgr}`;
    let next = this.transitions.get(key);
    if (next === undefined) {
      next = this.screen.attrCode(sgr, attr, this.dattr);
      this.transitions.set(key, next);
    }
    return next;
  }

  /**
   * Paints `lines` into the inner rectangle of `rect` (inside a one-cell border when `border`), blank
   * past each line's end, clipped at the right. Returns false when some text is not for this painter:
   * wide characters are found before anything is written, a tag blessed does not know only when its
   * line is reached, so rows above it may be written already. The caller then has blessed paint the
   * whole box, which writes every inner cell.
   */
  paint(lines: readonly string[], rect: Rect, border: boolean): boolean {
    if (rect.noleft || rect.noright || rect.notop || rect.nobot) return false;
    const b = border ? 1 : 0;
    const xi = rect.xi + b;
    const xl = rect.xl - b;
    const yi = rect.yi + b;
    const yl = rect.yl - b;
    for (let r = 0; r < yl - yi && r < lines.length; r++) if (!ONE_CELL.test(lines[r])) return false;
    const cells: number[] = [];
    const chars: string[] = [];
    const rows = this.screen.lines;
    for (let y = yi; y < yl; y++) {
      const line = lines[y - yi] ?? '';
      if (!this.parse(line, xl - xi, cells, chars)) return false;
      const row = rows[y];
      if (row === undefined) continue;
      for (let x = xi, k = 0; x < xl; x++, k++) {
        const cell = row[x];
        if (cell === undefined) break;
        const attr = k < cells.length ? cells[k] : this.dattr;
        const ch = k < chars.length ? chars[k] : ' ';
        if (cell[0] !== attr || cell[1] !== ch) {
          cell[0] = attr;
          cell[1] = ch;
          row.dirty = true;
        }
      }
    }
    return true;
  }

  /** One line's cells (attributes and characters), at most `width`; false on a tag blessed would not take. */
  private parse(line: string, width: number, attrs: number[], chars: string[]): boolean {
    attrs.length = 0;
    chars.length = 0;
    const fg: string[] = [];
    const bg: string[] = [];
    const flag: string[] = [];
    let attr = this.dattr;
    let i = 0;
    while (i < line.length && chars.length < width) {
      const c = line[i];
      if (c === '{') {
        const close = line.indexOf('}', i + 1);
        const body = close < 0 ? '' : line.slice(i + 1, close);
        const slash = body.startsWith('/');
        const name = slash ? body.slice(1) : body;
        if (close < 0 || !TAG.test(name)) {
          // Not a tag: blessed prints the brace as text.
          attrs.push(attr);
          chars.push(c);
          i++;
          continue;
        }
        i = close + 1;
        const param = name.replace(/-/g, ' ');
        if (param === 'open' || param === 'close') {
          attrs.push(attr);
          chars.push(param === 'open' ? '{' : '}');
          continue;
        }
        // Tags blessed treats specially, or would print as text: let blessed paint.
        if (param === '' || param === 'escape') return false;
        const stack = param.endsWith(' bg') ? bg : param.endsWith(' fg') ? fg : flag;
        if (!slash) {
          const on = this.sgr(param, true);
          if (on === null) return false;
          stack.push(param);
          attr = this.apply(on, attr);
        } else {
          const off = this.sgr(param, false);
          if (off === null) return false;
          stack.pop();
          // As blessed: closing re-applies the tag now on top of its stack, or turns the attribute off.
          const top = stack.length > 0 ? this.sgr(stack[stack.length - 1], true) : off;
          if (top === null) return false;
          attr = this.apply(top, attr);
        }
        continue;
      }
      attrs.push(attr);
      chars.push(c);
      i++;
    }
    return true;
  }
}
