import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { defaultConfigPath, didYouMean, hiddenPanes, loadConfig, parseConfig } from '../../src/config';
import { VigilError } from '../../src/errors';

const err = (text: string): string => {
  try {
    parseConfig(text, 'c.json');
  } catch (e) {
    if (e instanceof VigilError) {
      if (e.exitCode !== 2) throw new Error(`exit ${e.exitCode}`);
      return e.message;
    }
    throw e;
  }
  return 'no error';
};

t.test('a good config', async (t) => {
  const c = parseConfig('{"interval_ms": 200, "proc_interval_ms": 2000, "color": false, "panes": {"disk": false}}', 'c.json');
  t.equal(c.interval_ms, 200);
  t.equal(c.proc_interval_ms, 2000);
  t.equal(c.color, false);
  t.same([...hiddenPanes(c)], ['disk']);
  t.equal(parseConfig('{}', 'x').interval_ms, null, 'absent means the default');
});

t.test('bad configs name the field, what was expected and what was found', async (t) => {
  t.equal(err('{"interval_ms": 10}'), 'config c.json: interval_ms: expected an integer of at least 50, got 10');
  t.equal(err('{"interval_ms": "100"}'), 'config c.json: interval_ms: expected an integer of at least 50, got "100"');
  t.equal(err('{"panes": {"cpu": "yes"}}'), 'config c.json: panes.cpu: expected true or false, got "yes"');
  t.match(err('{"panes": {"memroy": false}}'), /unknown pane 'panes.memroy' \(did you mean 'memory'\?\)/);
  t.match(err('{"proc_intervall_ms": 5}'), /unknown field 'proc_intervall_ms' \(did you mean 'proc_interval_ms'\?\)/);
  t.match(err('{"zzzzzz": 1}'), /unknown field 'zzzzzz'$/, 'no suggestion when nothing is close');
  t.match(err('[1]'), /\(top level\): expected an object/);
  t.match(err('{"color": 1}'), /color: expected true or false, got 1/);
  t.match(err('{"alerts": {}}'), /alerts: expected an array of rules/);
  t.match(err('{oops'), /not valid JSON/);
});

t.test('files: the default path may be missing; an explicit one may not', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.equal(defaultConfigPath({ XDG_CONFIG_HOME: dir }), path.join(dir, 'vigil', 'config.json'));
  t.equal(loadConfig(undefined, { XDG_CONFIG_HOME: dir }).path, null, 'no file: defaults');
  t.throws(() => loadConfig(path.join(dir, 'nope.json')), /cannot read it \(ENOENT\)/);
  fs.mkdirSync(path.join(dir, 'vigil'));
  fs.writeFileSync(path.join(dir, 'vigil', 'config.json'), '{"color": false}');
  t.equal(loadConfig(undefined, { XDG_CONFIG_HOME: dir }).color, false);
  t.equal(didYouMean('cpu', ['cpu', 'memory']), " (did you mean 'cpu'?)");
});
