/**
 * Ctrl-Z, fg and q from a real shell: the shell's screen must come back as the shell left it, with no
 * piece of a vigil frame on it, and the terminal's modes exactly as they were.
 */
import t from 'tap';
import { CLI } from '../../helpers/cli';
import { Tui } from '../../helpers/tui';

const PROMPT = 'shell> ';
/** Characters only a vigil frame draws: box borders, bars, braille. */
const FRAME_PIECES = /[─│┌┐└┘█▏▕⣿]|processes|collecting/;

t.test('Ctrl-Z gives the shell its screen, fg repaints everything, q leaves the terminal as it was', async (t) => {
  const sh = new Tui([], {
    cols: 120,
    rows: 40,
    spawn: { file: 'bash', args: ['--norc', '--noprofile', '-i'] },
    env: { PS1: PROMPT, HISTFILE: '/dev/null', PROMPT_COMMAND: '' },
  });
  t.teardown(() => sh.kill());
  await sh.waitFor((s) => s.includes(PROMPT));
  // The terminal's modes as the shell gives them to a command, before and after vigil.
  sh.keys('echo "modes<$(stty -g)>"\r');
  const before = /modes<([0-9a-f:]+)>/.exec(await sh.waitFor(/modes<[0-9a-f:]+>/))![1];
  sh.keys(`${process.execPath} ${CLI}\r`);
  await sh.waitFor((s) => sh.alternate && /processes \d+/.test(s) && /q quit/.test(s));
  sh.keys('\x1a');
  let s = await sh.waitFor((x) => !sh.alternate && /Stopped/.test(x) && x.trimEnd().endsWith(PROMPT.trimEnd()));
  t.notMatch(s, FRAME_PIECES, 'stopped: the shell screen has no frame pieces');
  t.ok(sh.raw.lastIndexOf('\x1b[?25h') > sh.raw.lastIndexOf('\x1b[?25l'), 'stopped: the cursor is shown');
  // Mouse reporting off: the last mouse mode set is reset.
  const lastOn = sh.raw.lastIndexOf('\x1b[?1000h');
  t.ok(lastOn < sh.raw.lastIndexOf('\x1b[?1000l'), 'stopped: mouse reports are off');
  sh.keys('echo "stopped<$(stty -g)>"\r');
  s = await sh.waitFor(/stopped<[0-9a-f:]+>/);
  t.equal(/stopped<([0-9a-f:]+)>/.exec(s)![1], before, 'stopped: the terminal modes are the shell\'s again (stty -g)');
  const rawAtStop = sh.raw.length;
  sh.keys('fg\r');
  s = await sh.waitFor((x) => sh.alternate && /processes \d+/.test(x) && /─ cpu/.test(x) && /q quit/.test(x) && /^vigil /.test(x));
  t.ok(sh.raw.slice(rawAtStop).includes('\x1b[?1049h'), 'fg: back in the alternate screen');
  t.notMatch(s, /Stopped|shell>/, 'fg: repainted whole, nothing of the shell shows through');
  // Keys work again (raw mode): the help overlay opens and closes.
  sh.keys('?');
  await sh.waitFor(/─ keys .*key closes/);
  sh.keys('x');
  await sh.waitFor((x) => !/─ keys .*key closes/.test(x));
  sh.keys('q');
  s = await sh.waitFor((x) => !sh.alternate && x.trimEnd().endsWith(PROMPT.trimEnd()) && /vigil-sampler|cli\.js/.test(x));
  t.notMatch(s, FRAME_PIECES, 'after q: no frame pieces on the shell screen');
  sh.keys('echo "modes<$(stty -g)>"\r');
  s = await sh.waitFor((x) => (x.match(/modes<[0-9a-f:]+>/g) ?? []).length >= 2);
  const after = [...s.matchAll(/modes<([0-9a-f:]+)>/g)].map((m) => m[1]);
  t.equal(after[after.length - 1], before, 'the terminal modes are exactly as they were (stty -g)');
  t.ok(sh.raw.lastIndexOf('\x1b[?25h') > sh.raw.lastIndexOf('\x1b[?25l'), 'the cursor is shown');
  sh.keys('exit\r');
  await sh.exit();
});
