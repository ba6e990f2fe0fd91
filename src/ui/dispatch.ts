/**
 * What a key or a click does past the app's own commands (quit, suspend, the feed's keys, a message): the
 * reducer moves the state, and the screen and the system follow it (the widgets a mode shows, the column
 * choice saved, a signal or a nice sent, a go-to handed to the feed).
 */
import { saveConfigKey, TableConfig } from '../config';
import type { Feed } from '../feed/types';
import { renice, sendSignals, SIGNALS } from './actions';
import type { Command } from './input';
import type { Screen } from './screen';
import { reduce, targets, UiAction } from './state';

export interface Outcome {
  /** Messages for the footer, in order. */
  said: string[];
  /** The screen was unpaused: the figures held back meanwhile show now. */
  resumed: boolean;
}

export function applyCommand(view: Screen, feed: Feed, c: UiAction | Extract<Command, { type: 'nice' }>, table?: TableConfig): Outcome {
  const said: string[] = [];
  if (c.type === 'nice') {
    const t = targets(view.state);
    if (t.length > 0) said.push(renice(t.map((p) => ({ pid: p.pid, start_time: p.start_time })), c.delta));
    return { said, resumed: false };
  }
  // < and > step through the columns on screen (what the width and the chooser left).
  if (c.type === 'sortStep' && c.keys === undefined) c = { ...c, keys: view.headerColumns.map((h) => h.key) };
  const prev = view.state;
  view.state = reduce(prev, c);
  if (view.state.columns !== prev.columns && table?.file !== undefined) said.push(saveColumns(table.file, view.state.columns));
  if (view.state.mode !== prev.mode) view.changeMode(prev.mode, view.state.mode);
  if (view.state.mode === 'cgroups' && prev.mode !== 'cgroups') feed.showCgroups?.();
  if (c.type === 'killSend') {
    const t = targets(prev);
    if (t.length > 0) said.push(sendSignals(t.map((p) => ({ pid: p.pid, start_time: p.start_time })), SIGNALS[prev.killIndex]));
  } else if (c.type === 'gotoSubmit') {
    const err = feed.replay?.goTo(prev.gotoText) ?? null;
    if (err !== null) said.push(err);
  }
  return { said, resumed: c.type === 'pause' && !view.state.paused };
}

/** The chooser changed the columns: into the config file at once (its other keys kept). */
function saveColumns(file: string, columns: Screen['state']['columns']): string {
  try {
    saveConfigKey(file, 'columns', columns);
    return `columns saved to ${file}`;
  } catch (err) {
    return `columns not saved: ${(err as Error).message}`;
  }
}
