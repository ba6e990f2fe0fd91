import type { HostInfo, ProcSnap, Snapshot } from '../model';
import type { HistoryWindow } from '../store/window';
import type { Theme } from '../render/theme';

/**
 * What every view function gets: the newest Snapshot, the latest process table, the history window and
 * the size it may fill. Views are pure: they read these and return lines of tagged text; they never do
 * I/O and never touch blessed.
 */
export interface ViewInput {
  snap: Snapshot;
  /** The latest process table (Snapshots carry one only on the ticks where it was re-read). */
  procs: ProcSnap[];
  history: HistoryWindow;
  host: HostInfo;
  theme: Theme;
  /** Inner size (inside the border). */
  width: number;
  height: number;
}

export interface PaneView {
  /** The border label. */
  label: string;
  lines: string[];
  /**
   * Optional: some lines cut into segments that join to them (CellPainter paints only the segments that
   * changed). Every segment closes the tags it opens.
   */
  segs?: (readonly string[] | null)[];
}

/** Where a pane stands on the screen, in cells: the layout (src/ui/layout.ts) hands one to each pane. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}
