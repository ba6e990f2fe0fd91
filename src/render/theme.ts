/**
 * Colours as blessed tags, chosen by a theme (the config file's `theme`: dark, light or mono) and by how
 * many colours the terminal has. With --no-color or NO_COLOR set (https://no-color.org) every theme is
 * mono: no colour reaches the terminal, and the header and the selection differ by attributes alone.
 *
 * On a 256-colour terminal a theme's colours are indexes into the fixed part of the xterm-256 palette
 * (16-255: the first 16 are whatever the user's palette makes them), chosen for contrast: a test computes
 * the WCAG contrast ratio of each against common backgrounds of its kind (at least 4.5, the AA level for
 * text) and against the opposite extreme (black or white: at least 2.5, so a wrong theme stays readable). On 8 or 16 colours they are the ANSI names, whose
 * shades the terminal's own palette decides; "gray" there is the default foreground, since ANSI has no
 * gray that is visible everywhere (bright black is plain black on 8 colours and the background colour in
 * some 16-colour palettes).
 */
export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray';

export const THEME_NAMES = ['dark', 'light', 'mono'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

/** An xterm-256 index, or null for the terminal's default colour. */
export type Ink = number | null;

export interface ThemeDef {
  /** The background the theme is made for. */
  background: 'dark' | 'light';
  /** Each colour on a 256-colour terminal; `white` is the default foreground (text). */
  colours: Record<Colour, Ink>;
  /** The process table's column header and its selected row: foreground and background. */
  header: { fg: number; bg: number };
  selected: { fg: number; bg: number };
}

/** The colour themes (mono has none). 16 is the palette's pure black, which no terminal palette remaps. */
export const THEMES: Record<Exclude<ThemeName, 'mono'>, ThemeDef> = {
  dark: {
    background: 'dark',
    colours: { red: 203, green: 34, yellow: 172, blue: 105, magenta: 171, cyan: 37, white: null, gray: 246 },
    header: { fg: 16, bg: 34 },
    selected: { fg: 16, bg: 37 },
  },
  light: {
    background: 'light',
    colours: { red: 160, green: 22, yellow: 94, blue: 26, magenta: 127, cyan: 23, white: null, gray: 242 },
    header: { fg: 16, bg: 114 },
    selected: { fg: 16, bg: 117 },
  },
};

/** What an ANSI terminal (8 or 16 colours) gets for each colour: blessed's names; null is the default. */
const ANSI: Record<Colour, string | null> = { red: 'red', green: 'green', yellow: 'yellow', blue: 'blue', magenta: 'magenta', cyan: 'cyan', white: null, gray: null };

export interface Theme {
  name: ThemeName;
  colour: boolean;
  fg(c: Colour, text: string): string;
  bold(text: string): string;
  inverse(text: string): string;
  /** The process table's column header (htop: black on green). */
  header(text: string): string;
  /** The selected row (htop: black on cyan): one colour for the whole row, so its figures stay readable. */
  selected(text: string): string;
  /** Colour for a share 0..100: green, yellow above 60, red above 85. */
  level(pct: number | null, text: string): string;
  /** The colour as a widget's style takes it (a palette index or a name); undefined: the default. */
  ink(c: Colour): number | string | undefined;
}

export interface ThemeOptions {
  name?: ThemeName;
  /** Colours the terminal has (8, 16, 256). */
  colours?: number;
}

/** The foreground tags of a text (a row's figures): stripped where the row takes one colour. */
const FG_TAG = /\{\/?[\w#]+-fg\}/g;

export function makeTheme(colour: boolean, opts: ThemeOptions = {}): Theme {
  const name = colour ? (opts.name ?? 'dark') : 'mono';
  if (name === 'mono') {
    return {
      name,
      colour: false,
      fg: (_c, t) => t,
      // Plain, as it always was without colour: attributes only where they carry meaning (header, selection).
      bold: (t) => t,
      inverse: (t) => `{inverse}${t}{/inverse}`,
      header: (t) => `{bold}{underline}${t}{/underline}{/bold}`,
      selected: (t) => `{inverse}${t}{/inverse}`,
      level: (_p, t) => t,
      ink: () => undefined,
    };
  }
  const def = THEMES[name];
  const rich = (opts.colours ?? 256) >= 256;
  const param = (c: Colour): string | null => {
    if (!rich) return ANSI[c];
    const i = def.colours[c];
    return i === null ? null : String(i);
  };
  const params = Object.fromEntries((Object.keys(ANSI) as Colour[]).map((c) => [c, param(c)])) as Record<Colour, string | null>;
  const fg = (c: Colour, t: string): string => {
    const p = params[c];
    return p === null ? t : `{${p}-fg}${t}{/${p}-fg}`;
  };
  const pair = (p: { fg: number; bg: number }, ansiBg: string): ((t: string) => string) => {
    const f = rich ? String(p.fg) : 'black';
    const b = rich ? String(p.bg) : ansiBg;
    return (t) => `{${f}-fg}{${b}-bg}${t.replace(FG_TAG, '')}{/${b}-bg}{/${f}-fg}`;
  };
  return {
    name,
    colour: true,
    fg,
    bold: (t) => `{bold}${t}{/bold}`,
    inverse: (t) => `{inverse}${t}{/inverse}`,
    header: pair(def.header, 'green'),
    selected: pair(def.selected, 'cyan'),
    level: (p, t) => (p === null ? t : fg(p > 85 ? 'red' : p > 60 ? 'yellow' : 'green', t)),
    ink: (c) => {
      const p = params[c];
      return p === null ? undefined : rich ? Number(p) : p;
    },
  };
}

/** --no-color, or a non-empty NO_COLOR in the environment. */
export function wantsColour(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
