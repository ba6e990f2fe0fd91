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

/**
 * A pane's lines cut into segments, for lines that change in parts (a process row's figures, a cpu line's
 * core bars beside its chart): `segs[r]`, when given, joins to `lines[r]`. null: the line is painted whole.
 */
export type Segments = readonly (readonly string[] | null | undefined)[];

interface ShownSegs {
  /** null: the row was not (or not wholly) painted from segments. */
  segs: readonly string[] | null;
  /** Entries of xs and attrs in use: one per segment reached, and one for where the last ended. */
  n: number;
  xs: Float64Array;
  attrs: Float64Array;
}
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

/** A tag's body as read once: which stack it goes on, whether it closes, and its SGR parameter. */
interface Tag {
  param: string;
  slash: boolean;
  stack: 0 | 1 | 2;
}

/** The highest code point painted here (the end of braille): one-character strings are kept up to it. */
const LAST_CODE = 0x28ff;
/** One-character strings by code: a braille chart's characters would otherwise be a new string each frame. */
const CHARS: string[] = [];

export class CellPainter {
  private readonly screen: ScreenInternals;
  /** SGR of a tag parameter ('green fg' → '\x1b[32m'), and of its closing; null when blessed has none. */
  private readonly sgrOn = new Map<string, string | null>();
  private readonly sgrOff = new Map<string, string | null>();
  /** attr after an SGR, by (attr, SGR): a few dozen distinct transitions per pane. */
  private readonly transitions = new Map<string, number>();
  /** Tag bodies read before ('green-fg', '/bold'); null for text in braces that is no tag. */
  private readonly tags = new Map<string, Tag | null>();
  /** Open tags per stack (fg, bg, flags), reused line after line. */
  private readonly stacks: [string[], string[], string[]] = [[], [], []];
  private readonly depth = [0, 0, 0];
  /**
   * The line each row shows, as last painted here into `at`; a row whose line is the same string is
   * not read again. Whoever paints the box otherwise (blessed) calls forget().
   */
  private shown: (string | undefined)[] = [];
  /**
   * For a row painted from segments (see paint()): the segments, where each began (x) and the attribute
   * it began with; `xs` and `attrs` have one more entry, for where the last one ended. A segment equal to
   * the one painted at its place, starting at the same cell with the same attribute, leaves the same cells.
   */
  private shownSegs: (ShownSegs | undefined)[] = [];
  private at = '';
  /** paintRun's outputs: the attribute and the depth of open tags where the run stopped. */
  private runAttr = 0;
  private into: unknown = null;

  constructor(screen: blessed.Widgets.Screen, private readonly dattr: number) {
    this.screen = screen as unknown as ScreenInternals;
  }

  /** The box's cells were painted by someone else: every row is read again on the next paint. */
  forget(): void {
    this.shown = [];
    this.shownSegs = [];
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
   * past each line's end, clipped at the right; rows whose line did not change since this painter last
   * painted them are left alone. Returns false when some text is not for this painter: wide characters
   * are found before anything is written, a tag blessed does not know only when its line is reached, so
   * rows above it may be written already. The caller then has blessed paint the whole box, which writes
   * every inner cell (and calls forget()).
   */
  paint(lines: readonly string[], rect: Rect, border: boolean, segs?: Segments): boolean {
    if (rect.noleft || rect.noright || rect.notop || rect.nobot) return false;
    const b = border ? 1 : 0;
    const xi = rect.xi + b;
    const xl = rect.xl - b;
    const yi = rect.yi + b;
    const yl = rect.yl - b;
    const at = `${xi},${xl},${yi},${yl}`;
    if (at !== this.at || this.into !== this.screen.lines) {
      this.at = at;
      this.into = this.screen.lines;
      this.shown = [];
      this.shownSegs = [];
    }
    const shown = this.shown;
    for (let r = 0; r < yl - yi && r < lines.length; r++) if (lines[r] !== shown[r] && !this.oneCell(lines[r], segs?.[r], this.shownSegs[r])) return false;
    const rows = this.screen.lines;
    for (let y = yi, r = 0; y < yl; y++, r++) {
      const line = r < lines.length ? lines[r] : '';
      if (line === shown[r]) continue;
      const row = rows[y];
      if (row === undefined) continue;
      shown[r] = undefined;
      const parts = r < lines.length ? segs?.[r] : undefined;
      const ok = parts != null ? this.paintSegs(parts, r, row, xi, xl) : this.paintRow(line, r, row, xi, xl);
      if (!ok) return false;
      shown[r] = line;
    }
    return true;
  }

  /** Whether every character of a changed line takes one cell: of its segments, only those not painted at their place before are read. */
  private oneCell(line: string, parts: readonly string[] | null | undefined, before: ShownSegs | undefined): boolean {
    const segs = before?.segs;
    if (parts == null || segs == null) return ONE_CELL.test(line);
    // One test of the line costs about what two of segments do: segments only when one or two changed.
    let changed = 0;
    for (let i = 0; i < parts.length; i++) if (parts[i] !== segs[i] && ++changed > 2) return ONE_CELL.test(line);
    for (let i = 0; i < parts.length; i++) if (parts[i] !== segs[i] && !ONE_CELL.test(parts[i])) return false;
    return true;
  }

  /** One line into the cells [xi, xl) of `row`, marking the row when a cell changes; false on a tag blessed would not take. */
  private paintRow(line: string, r: number, row: Row, xi: number, xl: number): boolean {
    const shown = this.shownSegs[r];
    if (shown !== undefined) shown.segs = null;
    this.depth[0] = this.depth[1] = this.depth[2] = 0;
    this.runAttr = this.dattr;
    const x = this.paintRun(line, row, xi, xl);
    if (x < 0) return false;
    for (let c = x; c < xl; c++) put(row, c, this.dattr, 32);
    return true;
  }

  /**
   * A line given as segments (their concatenation is the line): a segment equal to the one painted at
   * its place before, from the same cell with the same attribute and no tag left open before it, is
   * skipped; the others are painted as paintRow would paint them. A process row whose CPU% moved repaints
   * that column, not its command line.
   */
  private paintSegs(parts: readonly string[], r: number, row: Row, xi: number, xl: number): boolean {
    // Kept from paint to paint (rewritten in place: no arrays per repainted row).
    let shown = this.shownSegs[r];
    const valid = shown !== undefined && shown.segs !== null;
    if (shown === undefined) this.shownSegs[r] = shown = { segs: null, n: 0, xs: new Float64Array(parts.length + 1), attrs: new Float64Array(parts.length + 1) };
    const prev = valid ? shown.segs : null;
    const prevN = shown.n;
    shown.segs = null;
    if (shown.xs.length < parts.length + 1) {
      shown.xs = new Float64Array(parts.length + 1);
      shown.attrs = new Float64Array(parts.length + 1);
    }
    const { xs, attrs } = shown;
    const depth = this.depth;
    depth[0] = depth[1] = depth[2] = 0;
    this.runAttr = this.dattr;
    let x = xi;
    let balanced = true;
    let i = 0;
    for (; i < parts.length && x < xl; i++) {
      const seg = parts[i];
      // xs[i + 1] and attrs[i + 1] are still the last paint's here: written on the next turn.
      const same = balanced && prev !== null && i + 1 < prevN && prev[i] === seg && xs[i] === x && attrs[i] === this.runAttr;
      xs[i] = x;
      attrs[i] = this.runAttr;
      if (same) {
        x = xs[i + 1];
        this.runAttr = attrs[i + 1];
        continue;
      }
      x = this.paintRun(seg, row, x, xl);
      if (x < 0) return false;
      // A tag left open carries into the next segment: from there on, nothing is skipped.
      if (depth[0] + depth[1] + depth[2] !== 0) balanced = false;
    }
    xs[i] = x;
    attrs[i] = this.runAttr;
    for (let c = x; c < xl; c++) put(row, c, this.dattr, 32);
    if (balanced) {
      shown.segs = parts;
      shown.n = i + 1;
    }
    return true;
  }

  /**
   * Text into `row` from cell x (before xl), starting from `runAttr` and the open tags in `depth`; leaves
   * both where the text ends. Returns the cell after the text, or -1 on a tag blessed would not take.
   */
  private paintRun(line: string, row: Row, x: number, xl: number): number {
    const stacks = this.stacks;
    const depth = this.depth;
    let attr = this.runAttr;
    let i = 0;
    while (i < line.length && x < xl) {
      const code = line.charCodeAt(i);
      if (code === 123 /* { */) {
        const close = line.indexOf('}', i + 1);
        const tag = close < 0 ? null : this.tag(line.slice(i + 1, close));
        if (tag === null) {
          // Not a tag: blessed prints the brace as text.
          put(row, x, attr, code);
          x++;
          i++;
          continue;
        }
        i = close + 1;
        if (tag.param === 'open' || tag.param === 'close') {
          put(row, x, attr, tag.param === 'open' ? 123 : 125);
          x++;
          continue;
        }
        // Tags blessed treats specially, or would print as text: let blessed paint.
        if (tag.param === '' || tag.param === 'escape') return -1;
        const stack = stacks[tag.stack];
        if (!tag.slash) {
          const on = this.sgr(tag.param, true);
          if (on === null) return -1;
          stack[depth[tag.stack]++] = tag.param;
          attr = this.apply(on, attr);
        } else {
          const off = this.sgr(tag.param, false);
          if (off === null) return -1;
          if (depth[tag.stack] > 0) depth[tag.stack]--;
          // As blessed: closing re-applies the tag now on top of its stack, or turns the attribute off.
          const top = depth[tag.stack] > 0 ? this.sgr(stack[depth[tag.stack] - 1], true) : off;
          if (top === null) return -1;
          attr = this.apply(top, attr);
        }
        continue;
      }
      put(row, x, attr, code);
      x++;
      i++;
    }
    // Tags right after the last cell that fits change nothing on screen; the attribute stays as it was.
    this.runAttr = attr;
    return x;
  }

  /** What a tag body means: null when blessed would print it as text. */
  private tag(body: string): Tag | null {
    let t = this.tags.get(body);
    if (t === undefined) {
      // Braces in command lines are text, as many kinds as there are commands: the table stays small.
      if (this.tags.size >= 256) this.tags.clear();
      const slash = body.startsWith('/');
      const name = slash ? body.slice(1) : body;
      if (!TAG.test(name)) t = null;
      else {
        const param = name.replace(/-/g, ' ');
        t = { param, slash, stack: param.endsWith(' bg') ? 1 : param.endsWith(' fg') ? 0 : 2 };
      }
      this.tags.set(body, t);
    }
    return t;
  }
}

/** Sets one cell, marking its row for the diff only when the cell changed. */
function put(row: Row, x: number, attr: number, code: number): void {
  const cell = row[x];
  if (cell === undefined) return;
  if (cell[0] !== attr || cell[1].length !== 1 || cell[1].charCodeAt(0) !== code) {
    cell[0] = attr;
    cell[1] = code <= LAST_CODE ? (CHARS[code] ??= String.fromCharCode(code)) : String.fromCharCode(code);
    row.dirty = true;
  }
}
