import * as blessed from 'blessed';
import type { Rect } from './view';
import { CellPainter, type Segments } from './cells';
import type { PaneView } from './view';

type Cells = ([number, string][] & { dirty?: boolean })[];

/** What BoxPane uses of a blessed box that blessed's own types leave out. */
interface BoxInternals {
  render(): unknown;
  /** Where the box last painted: absolute cell coordinates, border included. */
  lpos?: { xi: number; xl: number; yi: number; yl: number; noleft?: boolean; noright?: boolean; notop?: boolean; nobot?: boolean };
  screen: blessed.Widgets.Screen & { lines: unknown };
  style: { border?: unknown };
  /** blessed's label: a child box over the top border. */
  _label?: { render(): unknown; lpos?: { xi: number; xl: number; yi: number; yl: number } };
  sattr(style: unknown): number;
  setContent(text: string, noClear: boolean): void;
}

/**
 * The thin widget half of a pane: a bordered box that takes a PaneView. Created once and moved on
 * resize; content is set only when it changed.
 *
 * blessed's screen.render() paints every element into its cell buffer on every frame and only then
 * diffs that buffer against the terminal; painting is most of a frame's cost. So a box paints in one of
 * three ways:
 * - not at all, while its content, label and place are unchanged and it painted into the current
 *   buffer: its cells are still there, and its rows, not marked dirty, are not even diffed;
 * - content only (the common case, a figure or a chart moved): CellPainter writes the changed cells of
 *   the inside, reading only the lines that changed, leaving border and label as they are;
 * - a new label alone: the top border's line and the label (the process table's counts move);
 * - in full through blessed, after a new scene (place, size) or when the content is not for the
 *   CellPainter.
 * That holds while nothing overlaps the box: the app calls touch() on every pane when the scene changes
 * or an overlay is up.
 */
export class BoxPane {
  readonly box: blessed.Widgets.BoxElement;
  private lastLines: readonly string[] = [];
  private lastSegs: Segments | undefined = undefined;
  private lastLabel = '';
  /** Border, label or place changed: blessed paints the whole box. */
  private sceneDirty = true;
  /** The content changed since the last paint. */
  private contentDirty = false;
  /** The label's text changed since the last paint. */
  private labelDirty = false;
  /** blessed's copy of the content lags behind while the CellPainter paints it. */
  private blessedStale = false;
  /** The screen's cell buffer this box last painted into (blessed allocates a new one on resize). */
  private paintedInto: unknown = null;
  private painter: CellPainter | null = null;

  /** `borderFg`: the border's colour as a theme's ink gives it (undefined: the terminal's default). */
  constructor(parent: blessed.Widgets.Screen, rect: Rect, opts: { border?: boolean; borderFg?: number | string } = {}) {
    this.box = blessed.box({
      parent,
      ...rect,
      tags: true,
      border: opts.border === false ? undefined : { type: 'line' },
      style: { border: opts.borderFg === undefined ? {} : { fg: opts.borderFg }, label: { bold: true } },
      wrap: false,
    });
    const box = this.box as unknown as BoxInternals;
    const paint = box.render.bind(box);
    box.render = () => {
      // As blessed's own render of a hidden box: no place, nothing painted (and no content parsed).
      if (this.box.hidden) {
        delete box.lpos;
        return undefined;
      }
      const current = this.paintedInto === box.screen.lines && box.lpos !== undefined;
      if (current && !this.sceneDirty && this.paintChanges(box)) return box.lpos;
      if (this.blessedStale || this.contentDirty) {
        // Without noClear, blessed blanks the box's cells before painting them again: every row would
        // then differ from the terminal twice and be diffed. The paint covers every inner cell anyway,
        // and a move or resize clears through blessed's own setters.
        box.setContent(this.lastLines.join('\n'), true);
        this.blessedStale = false;
      }
      this.sceneDirty = false;
      this.contentDirty = false;
      this.labelDirty = false;
      this.paintedInto = box.screen.lines;
      this.painter?.forget();
      return paint();
    };
  }

  /**
   * Paints what changed since the last frame into cells this box painted before: the content through
   * the CellPainter, a new label over its top border. False when that cannot be done here (the caller
   * has blessed paint the box whole).
   */
  private paintChanges(box: BoxInternals): boolean {
    const lpos = box.lpos as NonNullable<BoxInternals['lpos']>;
    // Without a border, a label sits on the first content row and blessed paints it over the content;
    // so does a label too long for the border, wrapped.
    const bordered = Boolean(this.box.border);
    if (this.contentDirty) {
      this.painter ??= new CellPainter(box.screen, box.sattr(box.style));
      const labelClear = this.lastLabel === '' || (bordered && this.labelOnBorder());
      if (!labelClear || !this.painter.paint(this.lastLines, lpos, bordered, this.lastSegs)) return false;
      this.contentDirty = false;
      this.blessedStale = true;
    }
    if (this.labelDirty) {
      if (!bordered || !this.paintLabel(box, lpos)) return false;
      this.labelDirty = false;
    }
    return true;
  }

  /**
   * A new label over the box's top border: the border's line between the corners again (the old label
   * may have been longer), then the label, as blessed's paint of the box would leave them. The process
   * table's label carries its counts, which move with every process read.
   */
  private paintLabel(box: BoxInternals, lpos: NonNullable<BoxInternals['lpos']>): boolean {
    const label = box._label;
    const row = (box.screen.lines as Cells)[lpos.yi];
    if (label === undefined || row === undefined || lpos.notop || lpos.noleft || lpos.noright) return false;
    const battr = box.sattr(box.style.border);
    for (let x = lpos.xi; x < lpos.xl; x++) {
      const cell = row[x];
      if (cell === undefined) break;
      // ┌ ─ ┐: an old label that ran into the corner was cleared with it.
      const ch = x === lpos.xi ? '\u250c' : x === lpos.xl - 1 ? '\u2510' : '\u2500';
      if (cell[0] !== battr || cell[1] !== ch) {
        cell[0] = battr;
        cell[1] = ch;
        row.dirty = true;
      }
    }
    label.render();
    return this.labelOnBorder();
  }

  /**
   * The label sits on the top border row between the corners. A label longer than the box wraps onto
   * the content below, and setting another text clears where it was: the box is then painted whole.
   */
  private labelOnBorder(): boolean {
    const box = this.box as unknown as BoxInternals;
    const l = box._label?.lpos;
    const b = box.lpos;
    return l !== undefined && b !== undefined && l.yi === b.yi && l.yl - l.yi <= 1 && l.xl < b.xl;
  }

  /** Paint on the next frame even if nothing of this pane changed (something may have drawn over it). */
  touch(): void {
    this.sceneDirty = true;
  }

  /** Size inside the border. */
  get inner(): { width: number; height: number } {
    return (this.innerSize ??= this.measure());
  }

  /** Kept until the next place(): blessed works a box's size out of its position on every read, and the app asks for it several times a frame. */
  private innerSize: { width: number; height: number } | null = null;

  private measure(): { width: number; height: number } {
    const b = this.box.border ? 2 : 0;
    return { width: Math.max(0, (this.box.width as number) - b), height: Math.max(0, (this.box.height as number) - b) };
  }

  place(rect: Rect | undefined): void {
    this.sceneDirty = true;
    if (rect === undefined) {
      this.box.hide();
      return;
    }
    Object.assign(this.box, { left: rect.left, top: rect.top, width: rect.width, height: rect.height });
    this.innerSize = null;
    this.box.show();
  }

  get visible(): boolean {
    return this.box.visible;
  }

  update(view: PaneView): void {
    if (view.label !== this.lastLabel) {
      this.lastLabel = view.label;
      if (!this.labelOnBorder()) this.sceneDirty = true;
      this.box.setLabel(` ${view.label} `);
      // blessed re-positions a label on the tick after its box resizes, clearing the label's cells and
      // leaving the repaint to a later render; with unchanged boxes not painted, that would blank the
      // label. Labels here never move within their box, so that listener has nothing to do.
      const relabel = (this.box as unknown as { _labelResize?: () => void })._labelResize;
      if (relabel !== undefined) this.box.removeListener('resize', relabel);
      this.labelDirty = true;
    }
    // Line by line: joining every pane's lines to compare them was a string per pane per frame.
    if (!sameLines(view.lines, this.lastLines)) {
      this.lastLines = view.lines;
      this.lastSegs = view.segs;
      this.contentDirty = true;
    }
  }
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
