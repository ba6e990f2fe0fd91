/**
 * The ASCII stand-ins used under a locale that is not UTF-8: one printable ASCII character for every
 * glyph the screen draws (blessed measured the text before it maps it), charts in htop's '.' and ':'.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { areaChart, bar } from '../../../src/render/braille';
import { asciiTable, brailleToAscii, toAscii } from '../../../src/render/glyphs';
import { ROOT } from '../../helpers/paths';

t.test('every stand-in is one printable ASCII character', async (t) => {
  const table = asciiTable();
  t.ok(Object.keys(table).length > 256, 'braille and the other glyphs');
  for (const [glyph, ascii] of Object.entries(table)) {
    if (!/^[\x20-\x7e]$/.test(ascii)) t.fail(`${glyph} → ${JSON.stringify(ascii)}`);
  }
  t.pass('checked');
});

t.test('every non-ASCII character the screen code draws has a stand-in', async (t) => {
  // The string literals of the panes, the frame and the renderers: the glyphs that reach the screen.
  const dirs = ['src/panes', 'src/ui', 'src/render'];
  const missing = new Set<string>();
  for (const dir of dirs) {
    for (const name of fs.readdirSync(path.join(ROOT, dir))) {
      if (!name.endsWith('.ts')) continue;
      const code = fs.readFileSync(path.join(ROOT, dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
      for (const lit of code.matchAll(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g)) {
        for (const ch of lit[0]) if (ch > '\x7f' && asciiTable()[ch] === undefined) missing.add(`${ch} (${dir}/${name})`);
      }
    }
  }
  t.same([...missing], []);
});

t.test('bars and charts in ASCII', async (t) => {
  t.equal(toAscii(bar(0.5, 10)), '#####     ');
  t.equal(toAscii(bar(0.55, 10)), '#####|    ', 'a part of a cell still shows');
  const up = areaChart([0, 25, 50, 100, null, 100], 3, 2, { max: 100 }).lines.map(toAscii);
  t.same(up, [' ::', '.::'], 'filled from the bottom: . for half a cell or less, : above');
  t.same(areaChart([25], 1, 1, { max: 100 }).lines.map(toAscii), ['.']);
  t.same(areaChart([25], 1, 1, { max: 100, down: true }).lines.map(toAscii), ["'"], 'a downward chart ends in an apostrophe');
  t.equal(brailleToAscii(0x2800), ' ');
  t.equal(brailleToAscii(0x28ff), ':');
  t.equal(toAscii('CPU%▼ ├─ └─ │ ⏎ …'), 'CPU%v |- `- | > ~');
  t.equal(toAscii('名前'), '??', 'text with no stand-in (a process name) is blessed\'s "?"');
});
