/**
 * What the terminal can show: colours read from compiled terminfo entries in both formats (the ncurses-6
 * extended one blessed cannot read), the entry blessed is given, and the locale's character set.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { localeIsUtf8, parseTerminfo, readTerminfo, termCaps } from '../../../src/ui/termcaps';

/** A compiled entry as tic writes it: legacy (16-bit numbers) or extended (32-bit), with max_colors. */
function entry(name: string, colours: number | null, extended: boolean): Buffer {
  const names = Buffer.from(`${name}|test entry\0`, 'latin1');
  const bools = Buffer.from([1, 0, 1]);
  const width = extended ? 4 : 2;
  const numbers = Buffer.alloc(15 * width, 0xff); // -1: absent
  if (colours !== null) {
    if (extended) numbers.writeInt32LE(colours, 13 * width);
    else numbers.writeInt16LE(colours, 13 * width);
  }
  const header = Buffer.alloc(12);
  header.writeInt16LE(extended ? 0o1036 : 0o432, 0);
  header.writeInt16LE(names.length, 2);
  header.writeInt16LE(bools.length, 4);
  header.writeInt16LE(15, 6);
  header.writeInt16LE(0, 8);
  header.writeInt16LE(0, 10);
  const pad = (12 + names.length + bools.length) % 2 === 1 ? Buffer.from([0]) : Buffer.alloc(0);
  return Buffer.concat([header, names, bools, pad, numbers]);
}

t.test('parses max_colors from both formats', async (t) => {
  t.same(parseTerminfo(entry('xterm', 8, false)), { colours: 8, extended: false });
  t.same(parseTerminfo(entry('tmux-256color', 256, true)), { colours: 256, extended: true });
  t.same(parseTerminfo(entry('xterm-direct', 0x1000000, true)), { colours: 0x1000000, extended: true }, 'a number past 16 bits');
  t.same(parseTerminfo(entry('vt100', null, false)), { colours: null, extended: false }, 'no colours capability');
  t.equal(parseTerminfo(Buffer.from('not terminfo at all')), null);
  t.equal(parseTerminfo(Buffer.alloc(4)), null);
});

t.test('reads the system entries where this machine has them', async (t) => {
  for (const [term, colours] of [['xterm', 8], ['xterm-256color', 256], ['tmux-256color', 256], ['screen-256color', 256], ['linux', 8]] as const) {
    const e = readTerminfo(term, { HOME: '/nonexistent' });
    if (e === null) {
      t.comment(`${term}: no entry here`);
      continue;
    }
    t.equal(e.colours, colours, `${term}: ${colours} colours`);
  }
});

t.test('the entry blessed gets, and the colours', async (t) => {
  const files: Record<string, Buffer> = {
    '/usr/share/terminfo/t/tmux-256color': entry('tmux-256color', 256, true),
    '/usr/share/terminfo/s/screen-256color': entry('screen-256color', 256, true),
    '/usr/share/terminfo/x/xterm-256color': entry('xterm-256color', 256, true),
    '/usr/share/terminfo/x/xterm': entry('xterm', 8, false),
    '/usr/share/terminfo/l/linux': entry('linux', 8, false),
    '/usr/share/terminfo/r/rxvt-16color': entry('rxvt-16color', 16, false),
  };
  const read = (f: string): Buffer => {
    const b = files[f];
    if (b === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return b;
  };
  const caps = (env: NodeJS.ProcessEnv): ReturnType<typeof termCaps> => termCaps({ HOME: '/nonexistent', LANG: 'C.UTF-8', ...env }, read);
  const bundled256 = path.join(path.dirname(require.resolve('blessed/package.json')), 'usr', 'xterm-256color');
  const bundled8 = path.join(path.dirname(require.resolve('blessed/package.json')), 'usr', 'xterm');
  t.ok(fs.existsSync(bundled256) && fs.existsSync(bundled8), "blessed's bundled entries are where termcaps looks");
  for (const term of ['tmux-256color', 'screen-256color', 'xterm-256color']) {
    t.same(caps({ TERM: term }), { term, colours: 256, blessedTerminal: bundled256, unicode: true }, `${term}: 256 colours, blessed's own entry`);
  }
  t.same(caps({ TERM: 'xterm' }), { term: 'xterm', colours: 8, blessedTerminal: 'xterm', unicode: true }, 'a legacy entry: blessed reads it');
  t.same(caps({ TERM: 'linux' }), { term: 'linux', colours: 8, blessedTerminal: 'linux', unicode: true });
  t.equal(caps({ TERM: 'rxvt-16color' }).colours, 16);
  t.equal(caps({ TERM: 'xterm', COLORTERM: 'truecolor' }).colours, 256, 'COLORTERM says more than the entry');
  t.same(caps({ TERM: 'xterm-kitty' }), { term: 'xterm-kitty', colours: 256, blessedTerminal: bundled256, unicode: true }, 'no entry: the name');
  t.same(caps({ TERM: 'weird' }), { term: 'weird', colours: 8, blessedTerminal: bundled8, unicode: true });
  t.equal(caps({ TERM: 'XTERM-256COLOR' }).term, 'xterm-256color');
  t.equal(caps({ TERM: '../../etc/passwd' }).blessedTerminal, bundled8, 'a path in TERM is not followed');
});

t.test('the locale: LC_ALL, then LC_CTYPE, then LANG (setlocale order); none is C', async (t) => {
  t.equal(localeIsUtf8({ LANG: 'en_US.UTF-8' }), true);
  t.equal(localeIsUtf8({ LANG: 'C.utf8' }), true);
  t.equal(localeIsUtf8({ LANG: 'C' }), false);
  t.equal(localeIsUtf8({}), false);
  t.equal(localeIsUtf8({ LANG: 'en_US.UTF-8', LC_ALL: 'C' }), false, 'LC_ALL wins');
  t.equal(localeIsUtf8({ LANG: 'C', LC_CTYPE: 'en_US.UTF-8' }), true, 'LC_CTYPE before LANG');
  t.equal(localeIsUtf8({ LANG: 'C', LC_ALL: '', LC_CTYPE: 'de_DE.UTF-8' }), true, 'an empty variable is unset');
  t.equal(localeIsUtf8({ LANG: 'en_US.ISO-8859-1' }), false);
  t.equal(localeIsUtf8({ LANGUAGE: 'en_US.UTF-8' }), false, 'LANGUAGE names messages, not the character set');
});
