/** The TUI's pure building blocks: formatting, the sanitizer, braille charts, layout, widths, keys. */
import t from 'tap';
import { areaChart, bar } from '../../../src/render/braille';
import * as format from '../../../src/render/format';
import { actionFor, helpLines, KEYS } from '../../../src/ui/keys';
import { layout, MIN_COLS, MIN_ROWS } from '../../../src/ui/layout';
import { sanitize, sanitizeTagged } from '../../../src/render/sanitize';
import { makeTheme, wantsColour } from '../../../src/render/theme';
import { displayWidth, fit } from '../../../src/render/width';

t.test('format: null is "-", never 0 or NaN', async (t) => {
  for (const f of [format.bytes, format.byteRate, format.count, format.pct, format.duration]) {
    t.equal(f(null), '-');
    t.equal(f(NaN), '-');
    t.equal(f(Infinity), '-');
  }
  t.equal(format.bytes(0), '0B');
  t.equal(format.bytes(1536), '1.5K');
  t.equal(format.bytes(200 * 1024 * 1024), '200M');
  t.equal(format.bytes(25276510208), '23.5G');
  t.equal(format.byteRate(1024 * 1024), '1.0M/s');
  t.equal(format.count(3), '3');
  t.equal(format.count(0.25), '0.3');
  t.equal(format.count(1234), '1.2k');
  t.equal(format.count(34567), '35k');
  t.equal(format.pct(12.345), '12.3');
  t.equal(format.pct(100), '100');
  t.equal(format.duration(3 * 86400 + 4 * 3600 + 5 * 60 + 6), '3d 04:05:06');
  t.equal(format.duration(59), '00:00:59');
});

t.test('sanitize: escapes controls, C1, bidi overrides and blessed tags', async (t) => {
  t.equal(sanitize('\x1b]52;c;aGk=\x07'), '\\e]52;c;aGk=\\x07', 'OSC 52 clipboard write is shown, not sent');
  t.equal(sanitize('a\nb\tc\rd'), 'a\\nb\\tc\\rd');
  t.equal(sanitize('\x9b2J'), '\\x9b2J', 'C1 CSI');
  t.equal(sanitize('evil\u202Egpj.exe'), 'evil\\u202egpj.exe', 'right-to-left override');
  t.equal(sanitize('\u2066x\u2069'), '\\u2066x\\u2069');
  t.equal(sanitize('\x7f'), '\\x7f');
  t.equal(sanitize('plain ascii, ünïcødé and 日本語'), 'plain ascii, ünïcødé and 日本語', 'ordinary text untouched');
  t.equal(sanitizeTagged('{red-fg}x{/}'), '{open}red-fg{close}x{open}/{close}', 'tag braces escaped');
  t.notMatch(sanitize('\x00\x01\x1b[2J'), /[\x00-\x1f]/);
});

t.test('widths: wide characters take two cells; fit pads and cuts', async (t) => {
  t.equal(displayWidth('abc'), 3);
  t.equal(displayWidth('日本'), 4);
  t.equal(fit('abcdef', 4), 'abc…');
  t.equal(fit('ab', 4), 'ab  ');
  t.equal(fit('ab', 4, 'right'), '  ab');
  t.equal(displayWidth(fit('日本語のコマンド', 7)), 7, 'a cut never overruns the column');
  t.equal(fit('x', 0), '');
  t.equal(fit('x', -3), '', 'negative widths do not throw');
});

t.test('braille area chart', async (t) => {
  const { lines, max } = areaChart([0, 50, 100, null], 2, 2, { max: 100 });
  t.equal(max, 100);
  t.equal(lines.length, 2);
  t.ok(lines.every((l) => l.length === 2));
  // 4 points in 2 columns: [0, 50] then [100, null]; the top row holds 50 % of nothing in col 0.
  t.equal(lines[1][0], String.fromCharCode(0x2800 + 0x80 + 0x20 + 0x10 + 0x08), 'left col: 0 empty, 50 fills 4 of 8 dots on the right side');
  t.equal(lines[0][0], ' ');
  t.equal(lines[0][1], String.fromCharCode(0x2800 + 0x40 + 0x04 + 0x02 + 0x01), '100 fills the left side to the top; null leaves a gap');
  const few = areaChart([10], 3, 1, { max: 100 });
  t.equal(few.lines[0].slice(0, 2), '  ', 'one value sits at the right edge');
  t.not(few.lines[0][2], ' ', 'a small non-zero value still shows a dot');
  t.same(areaChart([1, 2], 0, 0).lines, [], 'zero size');
  t.equal(areaChart([5, 10], 1, 1).max, 10, 'automatic scale');
  t.equal(areaChart([0, 0], 1, 1, { minMax: 1024 }).max, 1024);
  const down = areaChart([100, 100], 1, 2, { max: 100, down: true });
  t.equal(down.lines[0], String.fromCharCode(0x28ff), 'mirrored chart fills from the top');
  t.equal(bar(0.5, 4), '██  ');
  t.equal(bar(1, 3), '███');
  t.equal(bar(null, 3), '   ');
  t.equal(bar(1 / 16, 2), '▏ ');
  t.equal(bar(2, 2), '██', 'clipped');
});

t.test('layout adapts and drops panes instead of garbling', async (t) => {
  const big = layout(200, 50);
  t.equal(big.tooSmall, false);
  if (!big.tooSmall) {
    for (const k of ['header', 'cpu', 'memory', 'net', 'disk', 'processes', 'footer'] as const) t.ok(big.panes[k], `${k} at 200x50`);
    const p = big.panes;
    t.equal(p.cpu!.top, 1);
    t.equal(p.memory!.left, p.cpu!.width, 'memory right of cpu');
    t.equal(p.processes!.top + p.processes!.height, 49, 'processes end above the footer');
  }
  const std = layout(80, 24);
  t.ok(!std.tooSmall && std.panes.processes && std.panes.meters && !std.panes.cpu, '80x24: the panes fold into the meter strip');
  const small = layout(60, 20);
  t.ok(!small.tooSmall && small.panes.processes, '60x20 still shows processes');
  t.ok(!small.tooSmall && !small.panes.memory, '60x20 drops memory');
  t.ok(!small.tooSmall && !small.panes.disk && !small.panes.net, '60x20 drops net and disk');
  t.same(layout(10, 4), { tooSmall: true });
  t.same(layout(MIN_COLS - 1, 50), { tooSmall: true });
  t.same(layout(200, MIN_ROWS - 1), { tooSmall: true });
  t.same(layout(0, 0), { tooSmall: true }, 'columns 0 (a detached tty)');
  t.same(layout(NaN, undefined as unknown as number), { tooSmall: true });
  for (let c = MIN_COLS; c <= 220; c += 7) {
    for (let r = MIN_ROWS; r <= 70; r += 3) {
      const l = layout(c, r);
      if (l.tooSmall) continue;
      for (const [k, rect] of Object.entries(l.panes)) {
        if (rect.left < 0 || rect.top < 0 || rect.width <= 0 || rect.height <= 0 || rect.left + rect.width > c || rect.top + rect.height > r) {
          t.fail(`${k} out of bounds at ${c}x${r}: ${JSON.stringify(rect)}`);
        }
      }
    }
  }
  const hidden = layout(200, 50, { hidden: new Set(['disk', 'net']) });
  t.ok(!hidden.tooSmall && !hidden.panes.disk && !hidden.panes.net, 'config can switch panes off');
});

t.test('keys: one table drives dispatch and help', async (t) => {
  t.equal(actionFor('q', 'live'), 'quit');
  t.equal(actionFor('f10', 'live'), 'quit');
  t.equal(actionFor('C-c', 'live'), 'quit');
  t.equal(actionFor('?', 'live'), 'help');
  t.equal(actionFor('pagedown', 'live'), 'pageDown', 'live: page keys scroll the table');
  t.equal(actionFor('pagedown', 'replay'), 'minuteForward', 'replay: page keys move a minute');
  t.equal(actionFor('k', 'replay'), null, 'no kill in replay');
  t.equal(actionFor('space', 'replay'), 'playPause');
  t.equal(actionFor('nonsense', 'live'), null);
  t.ok(helpLines('live').length >= KEYS.filter((k) => k.replay !== true).length, 'a line or more per key');
  t.match(helpLines('live')[0], /^ {2}q F10 Ctrl-C\s+quit/);
});

t.test('theme: NO_COLOR and --no-color', async (t) => {
  t.equal(wantsColour(true, {}), true);
  t.equal(wantsColour(false, {}), false);
  t.equal(wantsColour(true, { NO_COLOR: '1' }), false);
  t.equal(wantsColour(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
  t.equal(makeTheme(false).fg('red', 'x'), 'x');
  t.equal(makeTheme(true, { colours: 8 }).fg('red', 'x'), '{red-fg}x{/red-fg}');
  t.equal(makeTheme(true, { colours: 8 }).level(90, 'x'), '{red-fg}x{/red-fg}');
  t.equal(makeTheme(true, { colours: 8 }).level(10, 'x'), '{green-fg}x{/green-fg}');
  t.equal(makeTheme(true).fg('red', 'x'), '{203-fg}x{/203-fg}', '256 colours: the theme picks from the palette');
});
