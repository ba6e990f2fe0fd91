/**
 * blessed's Screen.draw asks unicode.charWidth the width of every cell it writes (fullUnicode), and
 * charWidth walks a code point through a table lookup and some forty range tests each time: at 10 frames
 * a second it was the TUI's largest blessed cost after the draw itself. The answer depends on the code
 * point alone (tab aside, whose width is the screen's tab size), so it is kept per code point of the
 * basic plane; surrogates and astral points go to blessed as before.
 */
interface Unicode {
  charWidth(str: string | number, i?: number): number;
}

const MEMO = Symbol('vigil.charWidthMemo');

export function memoizeCharWidth(unicode: Unicode): void {
  const orig = unicode.charWidth as Unicode['charWidth'] & { [MEMO]?: true };
  if (orig[MEMO]) return;
  const width = new Int8Array(0x10000).fill(-1);
  const fast = (str: string | number, i?: number): number => {
    const point = typeof str === 'number' ? str : str.charCodeAt(i || 0);
    // A string's code unit outside the surrogates is its code point (what blessed's codePointAt gives).
    if (point >= 0 && point < 0x10000 && point !== 0x09 && (point < 0xd800 || point > 0xdfff)) {
      let w = width[point];
      if (w < 0) width[point] = w = orig.call(unicode, point);
      return w;
    }
    return orig.call(unicode, str, i);
  };
  (fast as typeof orig)[MEMO] = true;
  unicode.charWidth = fast;
}
