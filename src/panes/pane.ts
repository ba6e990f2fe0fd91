import * as blessed from 'blessed';
import type { Rect } from '../ui/layout';
import type { PaneView } from './view';

/**
 * The thin widget half of a pane: a bordered box that takes a PaneView. Created once and moved on
 * resize; content is set only when it changed.
 *
 * blessed's screen.render() paints every element into its cell buffer on every frame and only then
 * diffs that buffer against the terminal; painting is most of a frame's cost. A box whose content,
 * label and place did not change since it painted into the current buffer is not painted again: its
 * cells are still there, and its rows, not marked dirty, are not even diffed. That holds while nothing
 * overlaps it: the app calls touch() on every pane when the scene changes or an overlay is up.
 */
export class BoxPane {
  readonly box: blessed.Widgets.BoxElement;
  private lastContent = '';
  private lastLabel = '';
  private dirty = true;
  /** The screen's cell buffer this box last painted into (blessed allocates a new one on resize). */
  private paintedInto: unknown = null;

  constructor(parent: blessed.Widgets.Screen, rect: Rect, opts: { border?: boolean; colour?: boolean } = {}) {
    this.box = blessed.box({
      parent,
      ...rect,
      tags: true,
      border: opts.border === false ? undefined : { type: 'line' },
      style: { border: opts.colour === false ? {} : { fg: 'gray' }, label: { bold: true } },
      wrap: false,
    });
    // blessed's own types leave out render's return (the painted coordinates) and the screen's buffer.
    const box = this.box as unknown as { render(): unknown; lpos?: unknown; screen: { lines: unknown } };
    const paint = box.render.bind(box);
    box.render = () => {
      if (!this.dirty && this.paintedInto === box.screen.lines && box.lpos !== undefined) return box.lpos;
      this.dirty = false;
      this.paintedInto = box.screen.lines;
      return paint();
    };
  }

  /** Paint on the next frame even if nothing of this pane changed (something may have drawn over it). */
  touch(): void {
    this.dirty = true;
  }

  /** Size inside the border. */
  get inner(): { width: number; height: number } {
    const b = this.box.border ? 2 : 0;
    return { width: Math.max(0, (this.box.width as number) - b), height: Math.max(0, (this.box.height as number) - b) };
  }

  place(rect: Rect | undefined): void {
    this.dirty = true;
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
      this.dirty = true;
    }
    const content = view.lines.join('\n');
    if (content !== this.lastContent) {
      this.lastContent = content;
      // Without noClear, blessed blanks the box's cells before painting them again: every row of the
      // pane then differs from the terminal twice and is diffed, changed or not. The paint covers every
      // inner cell anyway (content or blank), and a move or resize clears through blessed's own setters.
      // (blessed's types leave that second argument out.)
      (this.box as unknown as { setContent(text: string, noClear: boolean): void }).setContent(content, true);
      this.dirty = true;
    }
  }
}
