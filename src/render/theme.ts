/**
 * Colours as blessed tags, or none at all: with --no-color or NO_COLOR set (https://no-color.org), every
 * helper returns its text unchanged and no colour reaches the terminal.
 */
export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray';

export interface Theme {
  colour: boolean;
  fg(c: Colour, text: string): string;
  bold(text: string): string;
  inverse(text: string): string;
  /** Colour for a share 0..100: green, yellow above 60, red above 85. */
  level(pct: number | null, text: string): string;
}

export function makeTheme(colour: boolean): Theme {
  if (!colour) {
    return { colour, fg: (_c, t) => t, bold: (t) => t, inverse: (t) => `{inverse}${t}{/inverse}`, level: (_p, t) => t };
  }
  const fg = (c: Colour, t: string): string => `{${c}-fg}${t}{/${c}-fg}`;
  return {
    colour,
    fg,
    bold: (t) => `{bold}${t}{/bold}`,
    inverse: (t) => `{inverse}${t}{/inverse}`,
    level: (p, t) => (p === null ? t : fg(p > 85 ? 'red' : p > 60 ? 'yellow' : 'green', t)),
  };
}

/** --no-color, or a non-empty NO_COLOR in the environment. */
export function wantsColour(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
