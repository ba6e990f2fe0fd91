import { Recording } from '../store/recording/reader';
import { App } from '../ui/app';
import type { PaneKind } from '../ui/layout';
import { ReplayFeed } from '../feed/replay';
import { ThemeName, wantsColour } from '../render/theme';
import type { TableConfig } from '../config';
import { checkTerminal, installExitPaths } from './live';

export interface ReplayOptions {
  file: string;
  colour: boolean;
  theme?: ThemeName;
  hidden: ReadonlySet<PaneKind>;
  table?: TableConfig;
}

/**
 * `vigil replay FILE`: the live monitor's screen over a recording. A bad file is refused (exit 65/66,
 * one line) before the terminal is touched; the file is opened read-only and never changed.
 */
export function runReplay(opts: ReplayOptions): void {
  const rec = Recording.open(opts.file);
  try {
    checkTerminal();
  } catch (err) {
    rec.close();
    throw err;
  }
  const app = new App(new ReplayFeed(rec), { colour: wantsColour(opts.colour), theme: opts.theme, hidden: opts.hidden, debugTimings: false, table: opts.table });
  installExitPaths(app);
  app.start();
}
