import * as blessed from 'blessed';
import type { Rect } from '../ui/layout';
import type { PaneView } from './view';

/**
 * The thin widget half of a pane: a bordered box that takes a PaneView. Created once and moved on
 * resize; content is set only when it changed (blessed diffs the screen, this skips even that work).
 */
export class BoxPane {
  readonly box: blessed.Widgets.BoxElement;
  private lastContent = '';
  private lastLabel = '';

  constructor(parent: blessed.Widgets.Screen, rect: Rect, opts: { border?: boolean; colour?: boolean } = {}) {
    this.box = blessed.box({
      parent,
      ...rect,
      tags: true,
      border: opts.border === false ? undefined : { type: 'line' },
      style: { border: opts.colour === false ? {} : { fg: 'gray' }, label: { bold: true } },
      wrap: false,
    });
  }

  /** Size inside the border. */
  get inner(): { width: number; height: number } {
    const b = this.box.border ? 2 : 0;
    return { width: Math.max(0, (this.box.width as number) - b), height: Math.max(0, (this.box.height as number) - b) };
  }

  place(rect: Rect | undefined): void {
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
    }
    const content = view.lines.join('\n');
    if (content !== this.lastContent) {
      this.lastContent = content;
      this.box.setContent(content);
    }
  }
}
