/**
 * The themes: every colour readable on the background the theme is for (WCAG contrast ratio on the
 * xterm-256 palette's RGB values), and still visible on the other one; the header and the selection
 * styled apart; 8-colour terminals never given black for gray; mono without a colour.
 */
import t from 'tap';
import { Colour, makeTheme, THEME_NAMES, THEMES } from '../../../src/render/theme';

type RGB = [number, number, number];

/** xterm's 256-colour palette above the 16 the user's terminal may redefine: the 6×6×6 cube and the grays. */
function rgb(i: number): RGB {
  if (i >= 232) {
    const v = 8 + 10 * (i - 232);
    return [v, v, v];
  }
  const levels = [0, 95, 135, 175, 215, 255];
  const n = i - 16;
  return [levels[Math.floor(n / 36)], levels[Math.floor(n / 6) % 6], levels[n % 6]];
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance([r, g, b]: RGB): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
function contrast(a: RGB, b: RGB): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Backgrounds a theme is for: pure black, #1e1e1e (VS Code) and #282c34 (One Dark); pure white, #fdf6e3
 * (Solarized light) and #eeeeee. The opposite extreme is the other list's first.
 */
const BACKGROUNDS: Record<'dark' | 'light', RGB[]> = {
  dark: [[0, 0, 0], [0x1e, 0x1e, 0x1e], [0x28, 0x2c, 0x34]],
  light: [[255, 255, 255], [0xfd, 0xf6, 0xe3], [0xee, 0xee, 0xee]],
};
/** WCAG AA for text on the theme's own backgrounds; on the opposite extreme, still plainly visible. */
const OWN_MIN = 4.5;
const OTHER_MIN = 2.5;

t.test('xterm-256 RGB values as the palette defines them', async (t) => {
  t.same(rgb(16), [0, 0, 0]);
  t.same(rgb(231), [255, 255, 255]);
  t.same(rgb(196), [255, 0, 0]);
  t.same(rgb(245), [138, 138, 138]);
  t.equal(contrast([0, 0, 0], [255, 255, 255]).toFixed(0), '21');
});

for (const [name, def] of Object.entries(THEMES)) {
  t.test(`theme ${name}: every colour readable on its background and visible on the other`, async (t) => {
    const other = def.background === 'dark' ? 'light' : 'dark';
    for (const [colour, ink] of Object.entries(def.colours)) {
      if (ink === null) {
        t.equal(colour, 'white', 'only the text colour is left to the terminal (its default foreground)');
        continue;
      }
      // 0-15 are whatever the user's palette makes them: a theme uses only the fixed part.
      t.ok(ink >= 16 && ink <= 255, `${colour}: ${ink} is in the fixed palette`);
      for (const bg of BACKGROUNDS[def.background]) {
        const r = contrast(rgb(ink), bg);
        t.ok(r >= OWN_MIN, `${colour} (${ink}) on ${def.background} ${bg}: ${r.toFixed(2)} >= ${OWN_MIN}`);
      }
      const extreme = BACKGROUNDS[other][0];
      const r = contrast(rgb(ink), extreme);
      t.ok(r >= OTHER_MIN, `${colour} (${ink}) on ${other} ${extreme}: ${r.toFixed(2)} >= ${OTHER_MIN}`);
    }
    for (const part of ['header', 'selected'] as const) {
      const { fg, bg } = def[part];
      t.ok(fg >= 16 && bg >= 16, `${part} in the fixed palette`);
      const r = contrast(rgb(fg), rgb(bg));
      t.ok(r >= OWN_MIN, `${part}: ${fg} on ${bg}: ${r.toFixed(2)} >= ${OWN_MIN}`);
    }
    t.not(def.header.bg, def.selected.bg, 'the header and the selected row have different backgrounds');
  });
}

t.test('every theme name makes a theme; the header and the selection always look different', async (t) => {
  t.same([...THEME_NAMES], ['dark', 'light', 'mono']);
  for (const name of THEME_NAMES) {
    for (const colours of [8, 16, 256]) {
      const th = makeTheme(true, { name, colours });
      t.equal(th.name, name);
      t.not(th.header('x'), th.selected('x'), `${name} at ${colours} colours`);
      t.not(th.header('x'), 'x');
      t.not(th.selected('x'), 'x');
    }
  }
});

t.test('256 colours: palette indexes; the selected row takes one colour for all its cells', async (t) => {
  const th = makeTheme(true, { name: 'dark', colours: 256 });
  t.equal(th.fg('gray', 'k'), `{${THEMES.dark.colours.gray}-fg}k{/${THEMES.dark.colours.gray}-fg}`);
  t.equal(th.fg('white', 'k'), 'k', 'text: the default foreground');
  t.equal(th.ink('gray'), THEMES.dark.colours.gray);
  t.equal(th.header('PID'), '{16-fg}{34-bg}PID{/34-bg}{/16-fg}');
  t.equal(th.selected(`1 ${th.level(99, '99.0')} {bold}x{/bold}`), '{16-fg}{37-bg}1 99.0 {bold}x{/bold}{/37-bg}{/16-fg}', 'figures lose their colour, not their weight');
  const light = makeTheme(true, { name: 'light', colours: 256 });
  t.equal(light.fg('red', 'k'), '{160-fg}k{/160-fg}');
});

t.test('8 and 16 colours: ANSI names, and gray is the default foreground, never black', async (t) => {
  for (const colours of [8, 16]) {
    for (const name of ['dark', 'light'] as const) {
      const th = makeTheme(true, { name, colours });
      t.equal(th.fg('gray', 'k'), 'k', `${name}/${colours}: gray`);
      t.equal(th.ink('gray'), undefined);
      t.equal(th.fg('green', 'k'), '{green-fg}k{/green-fg}');
      t.equal(th.header('k'), '{black-fg}{green-bg}k{/green-bg}{/black-fg}');
      t.equal(th.selected('k'), '{black-fg}{cyan-bg}k{/cyan-bg}{/black-fg}');
      for (const c of ['red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray'] as Colour[]) {
        t.notMatch(th.fg(c, 'k'), /black|gr[ae]y/, `${c} is not drawn black`);
      }
    }
  }
});

t.test('mono, and any theme without colour (--no-color, NO_COLOR): attributes only', async (t) => {
  for (const th of [makeTheme(true, { name: 'mono' }), makeTheme(false, { name: 'light' })]) {
    t.equal(th.name, 'mono');
    t.equal(th.colour, false);
    t.equal(th.fg('red', 'k'), 'k');
    t.equal(th.level(99, 'k'), 'k');
    t.equal(th.header('k'), '{bold}{underline}k{/underline}{/bold}');
    t.equal(th.selected('k'), '{inverse}k{/inverse}');
    t.equal(th.ink('cyan'), undefined);
  }
});
