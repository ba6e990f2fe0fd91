/** The memoized charWidth answers what blessed's own does, for every code point and for strings. */
import * as blessed from 'blessed';
import t from 'tap';
import { memoizeCharWidth } from '../../../src/ui/char-width';

type U = { charWidth(str: string | number, i?: number): number };

t.test('every code point of the basic plane, astral points, surrogates, tab, strings at an index', async (t) => {
  const unicode = (blessed as unknown as { unicode: U }).unicode;
  const orig = unicode.charWidth;
  const own: U = { charWidth: orig };
  memoizeCharWidth(own);
  t.not(own.charWidth, orig, 'replaced');
  let bad = 0;
  for (let p = 0; p < 0x10000; p++) {
    // Twice: the second answer comes from the memo.
    if (own.charWidth(p) !== orig.call(unicode, p) || own.charWidth(p) !== orig.call(unicode, p)) bad++;
    if (p < 0xd800 || p > 0xdfff) {
      const s = `a${String.fromCharCode(p)}`;
      if (own.charWidth(s, 1) !== orig.call(unicode, s, 1)) bad++;
    }
  }
  t.equal(bad, 0, 'the basic plane');
  for (const s of ['😀', '𠀀', '\ud800', '\udc00x', '\t', '', 'ab']) {
    for (let i = 0; i <= s.length; i++) t.equal(own.charWidth(s, i), orig.call(unicode, s, i), JSON.stringify(s) + ` at ${i}`);
  }
  const before = own.charWidth;
  memoizeCharWidth(own);
  t.equal(own.charWidth, before, 'memoized once only');
});
