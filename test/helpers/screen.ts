import { PassThrough } from 'stream';
import * as blessed from 'blessed';

/** A blessed screen held in memory (no terminal), set up as the app sets up its own. */
export function memoryScreen(cols: number, rows: number): blessed.Widgets.Screen {
  const output = Object.assign(new PassThrough(), { columns: cols, rows, isTTY: true });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  output.resume();
  return blessed.screen({ input, output, terminal: 'xterm-256color', warnings: false, fullUnicode: true, smartCSR: true, autoPadding: false } as unknown as blessed.Widgets.IScreenOptions);
}

export type Cells = [number, string][][];
export const cellsOf = (s: blessed.Widgets.Screen): Cells => (s as unknown as { lines: Cells }).lines;
export const rowText = (s: blessed.Widgets.Screen, y: number, x0: number, x1: number): string => cellsOf(s)[y].slice(x0, x1).map((c) => c[1]).join('');
