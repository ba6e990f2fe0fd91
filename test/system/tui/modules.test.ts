/**
 * What the live TUI loads: blessed-contrib is no part of it (the charts are vigil's own braille, the
 * detail view too); loaded whole it cost a percent of a core at start-up.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { CLI } from '../../helpers/cli';
import { Tui } from '../../helpers/tui';

const PROBE = path.join(__dirname, '..', '..', 'helpers', 'loaded-modules.js');

t.test('the TUI, the detail view opened and closed, loads no blessed-contrib', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-modules-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const list = path.join(dir, 'modules.txt');
  const tui = new Tui([], { cols: 160, rows: 45, env: { VIGIL_TEST_MODULES: list }, spawn: { file: process.execPath, args: ['-r', PROBE, CLI] } });
  t.teardown(() => tui.kill());
  await tui.waitFor(/processes \d+\/\d+/);
  tui.keys('\r');
  await tui.waitFor(/cwd|parent/);
  tui.keys('\x1b');
  await tui.waitFor((x) => !/cwd/.test(x) && /processes \d+\/\d+/.test(x));
  tui.keys('q');
  t.equal((await tui.exit()).exitCode, 0);
  const loaded = fs.readFileSync(list, 'utf8').split('\n');
  t.ok(loaded.some((f) => /node_modules\/blessed\//.test(f)), `the probe saw the modules (${loaded.length})`);
  t.same(loaded.filter((f) => /blessed-contrib/.test(f)), [], 'no module of blessed-contrib');
});
