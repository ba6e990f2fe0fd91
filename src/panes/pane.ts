import * as blessed from 'blessed';
import type { Rect } from './view';
import { CellPainter } from './cells';
import type { PaneView } from './view';

/** What BoxPane uses of a blessed box that blessed's own types leave out. */
interface BoxInternals {
  render(): unknown;
  /** Where the box last painted: absolute cell coordinates, border included. */
  lpos?: { xi: number; xl: number; yi: number; yl: number; noleft?: boolean; noright?: boolean; notop?: boolean; nobot?: boolean };
  screen: blessed.Widgets.Screen & { lines: unknown };
  style: unknown;
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
 * - in full through blessed, after a new scene (place, size, label) or when the content is not for
 *   the CellPainter.
 * That holds while nothing overlaps the box: the app calls touch() on every pane when the scene changes
 * or an overlay is up.
 */
export class BoxPane {
  readonly box: blessed.Widgets.BoxElement;
  private lastContent = '';
  private lastLines: readonly string[] = [];
  private lastLabel = '';
  /** Border, label or place changed: blessed paints the whole box. */
  private sceneDirty = true;
  /** Only the content changed since the last paint. */
  private contentDirty = false;
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
      const current = this.paintedInto === box.screen.lines && box.lpos !== undefined;
      if (current && !this.sceneDirty) {
        if (!this.contentDirty) return box.lpos;
        // Without a border, a label sits on the first content row and blessed paints it over the content.
        const bordered = Boolean(this.box.border);
        this.painter ??= new CellPainter(box.screen, box.sattr(box.style));
        if ((bordered || this.lastLabel === '') && this.painter.paint(this.lastLines, box.lpos as NonNullable<BoxInternals['lpos']>, bordered)) {
          this.contentDirty = false;
          this.blessedStale = true;
          return box.lpos;
        }
      }
      if (this.blessedStale || this.contentDirty) {
        // Without noClear, blessed blanks the box's cells before painting them again: every row would
        // then differ from the terminal twice and be diffed. The paint covers every inner cell anyway,
        // and a move or resize clears through blessed's own setters.
        box.setContent(this.lastContent, true);
        this.blessedStale = false;
      }
      this.sceneDirty = false;
      this.contentDirty = false;
      this.paintedInto = box.screen.lines;
      this.painter?.forget();
      return paint();
    };
  }

  /** Paint on the next frame even if nothing of this pane changed (something may have drawn over it). */
  touch(): void {
    this.sceneDirty = true;
  }

  /** Size inside the border. */
  get inner(): { width: number; height: number } {
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
    this.box.show();
  }

  get visible(): boolean {
    return this.box.visible;
  }

  update(view: PaneView): void {
    if (view.label !== this.lastLabel) {
      this.lastLabel = view.label;
      this.box.setLabel(` ${view.label} `);
      // blessed re-positions a label on the tick after its box resizes, clearing the label's cells and
      // leaving the repaint to a later render; with unchanged boxes not painted, that would blank the
      // label. Labels here never move within their box, so that listener has nothing to do.
      const relabel = (this.box as unknown as { _labelResize?: () => void })._labelResize;
      if (relabel !== undefined) this.box.removeListener('resize', relabel);
      this.sceneDirty = true;
    }
    const content = view.lines.join('\n');
    if (content !== this.lastContent) {
      this.lastContent = content;
      this.lastLines = view.lines;
      this.contentDirty = true;
    }
  }
}
