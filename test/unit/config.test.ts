import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { CONFIG_COLUMNS, defaultConfigPath, didYouMean, hiddenPanes, loadConfig, parseConfig, saveConfigKey, tableConfig } from '../../src/config';
import { VigilError } from '../../src/infra/errors';
import { resolveSampling } from '../../src/settings';

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

t.test('theme: dark, light or mono; anything else is one line, exit 2', async (t) => {
  for (const name of ['dark', 'light', 'mono']) t.equal(parseConfig(`{"theme": "${name}"}`, 'c.json').theme, name);
  t.equal(parseConfig('{}', 'c.json').theme, null, 'absent: the default (dark)');
  t.equal(err('{"theme": "drak"}'), `config c.json: theme: expected one of "dark", "light", "mono", got "drak" (did you mean 'dark'?)`);
  t.equal(err('{"theme": "solarized"}'), 'config c.json: theme: expected one of "dark", "light", "mono", got "solarized"');
  t.equal(err('{"theme": 1}'), 'config c.json: theme: expected one of "dark", "light", "mono", got 1');
  t.equal(err('{"theme": "Dark"}'), `config c.json: theme: expected one of "dark", "light", "mono", got "Dark" (did you mean 'dark'?)`, 'names are lower case');
  t.match(err('{"themes": "dark"}'), /unknown field 'themes' \(did you mean 'theme'\?\)/);
});

t.test('bad configs name the field, what was expected and what was found', async (t) => {
  t.equal(err('{"interval_ms": 10}'), 'config c.json: interval_ms: expected an integer from 50 to 3600000 (ms), got 10');
  t.equal(err('{"interval_ms": "100"}'), 'config c.json: interval_ms: expected an integer from 50 to 3600000 (ms), got "100"');
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

t.test('intervals have an upper bound of one hour (issue 17: 1e300 was taken, and burned a core)', async (t) => {
  for (const v of ['1e300', '2147483648', '3600001']) {
    t.equal(err(`{"interval_ms": ${v}}`), `config c.json: interval_ms: expected an integer from 50 to 3600000 (ms), got ${JSON.stringify(JSON.parse(v))}`);
    t.match(err(`{"proc_interval_ms": ${v}}`), /^config c\.json: proc_interval_ms: expected an integer from 100 to 3600000 \(ms\)/);
  }
  t.equal(parseConfig('{"interval_ms": 3600000}', 'c').interval_ms, 3600000, 'one hour itself is fine');
});

t.test('a config nested 100k deep is a config error (exit 2), not a stack overflow', async (t) => {
  const deep = (open: string, close: string): string => open.repeat(100_000) + close.repeat(100_000);
  t.match(err(deep('[', ']')), /^config c\.json: \(top level\): expected an object, got an array nested too deep to show$/);
  t.match(err(`{"panes": ${deep('[', ']')}}`), /^config c\.json: panes: expected an object/);
  t.match(err(`{"color": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`), /^config c\.json: color: expected true or false, got an object nested too deep to show$/);
  t.ok(err(`{"interval_ms": "${'x'.repeat(10_000)}"}`).length < 200, 'a long value is cut in the message');
});

t.test('flags > config > defaults, for every sampling command', async (t) => {
  const none = parseConfig('{}', 'c');
  const cfg = parseConfig('{"interval_ms": 200, "proc_interval_ms": 2000}', 'c');
  t.same(resolveSampling({}, none), { intervalMs: 100, procIntervalMs: 1000 }, 'defaults');
  t.same(resolveSampling({}, none, 1000), { intervalMs: 1000, procIntervalMs: 1000 }, "serve's default interval");
  t.same(resolveSampling({}, cfg), { intervalMs: 200, procIntervalMs: 2000 }, 'the config file');
  t.same(resolveSampling({}, cfg, 1000), { intervalMs: 200, procIntervalMs: 2000 }, 'the config file over serve\'s default');
  t.same(resolveSampling({ interval: 300 }, cfg), { intervalMs: 300, procIntervalMs: 2000 }, 'a flag over the config file');
  t.same(resolveSampling({ 'proc-interval': 100 }, cfg), { intervalMs: 200, procIntervalMs: 200 }, 'the process tier never faster than the system tier');
  const bad = (f: Parameters<typeof resolveSampling>[0]): string => {
    try {
      resolveSampling(f, none);
    } catch (e) {
      return `${(e as VigilError).exitCode} ${(e as Error).message}`;
    }
    return 'no error';
  };
  t.equal(bad({ interval: 1e300 }), '2 --interval must be an integer from 50 to 3600000 (ms), got 1e+300');
  t.equal(bad({ interval: 2147483648 }), '2 --interval must be an integer from 50 to 3600000 (ms), got 2147483648');
  t.equal(bad({ interval: NaN }), '2 --interval must be an integer from 50 to 3600000 (ms), got NaN');
  t.equal(bad({ 'proc-interval': 50 }), '2 --proc-interval must be an integer from 100 to 3600000 (ms), got 50');
  t.equal(bad({ interval: [100, 200] }), '2 --interval given more than once');
});

t.test('columns: names from the process table, an unknown one is a one-line error', async (t) => {
  t.same(parseConfig('{"columns": ["pid", "time", "nice", "command"]}', 'c.json').columns, ['pid', 'time', 'nice', 'command']);
  t.equal(parseConfig('{}', 'c.json').columns, null, 'absent: every column');
  t.ok(CONFIG_COLUMNS.includes('time') && CONFIG_COLUMNS.includes('nice') && CONFIG_COLUMNS[0] === 'pid', 'TIME+ and NI are columns');
  t.match(err('{"columns": ["pid", "cpux"]}'), /^config c\.json: unknown column 'cpux' in columns \(did you mean 'cpu'\?\) \(columns: pid, user, /);
  t.equal(err('{"columns": []}'), 'config c.json: columns: expected a non-empty array of column names like ["pid", "cpu", "command"], got []');
  t.equal(err('{"columns": "pid"}'), 'config c.json: columns: expected a non-empty array of column names like ["pid", "cpu", "command"], got "pid"');
  t.equal(err('{"columns": ["pid", 3]}'), 'config c.json: columns[1]: expected a column name, got 3');
  t.notMatch(err('{"columns": ["pid", "cpux"]}'), /\n/, 'one line');
});

t.test('saving a key: the other keys kept, written by rename, a missing file and directory created, a bad file left alone', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, '{"interval_ms": 200, "panes": {"disk": false}, "alerts": [{"metric": "cpu.total_pct", "above": 90}]}', { mode: 0o600 });
  const inode = fs.statSync(file).ino;
  saveConfigKey(file, 'columns', ['pid', 'cpu', 'command']);
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  t.same(saved, { interval_ms: 200, panes: { disk: false }, alerts: [{ metric: 'cpu.total_pct', above: 90 }], columns: ['pid', 'cpu', 'command'] });
  t.not(fs.statSync(file).ino, inode, 'a new file renamed over the old one (atomic), not the old one rewritten');
  t.equal(fs.statSync(file).mode & 0o777, 0o600, 'its permissions kept');
  t.same(fs.readdirSync(dir), ['config.json'], 'no temporary file left');
  t.same(parseConfig(fs.readFileSync(file, 'utf8'), file).columns, ['pid', 'cpu', 'command'], 'what was saved loads');
  // The default path, with no file and no directory yet.
  const env = { XDG_CONFIG_HOME: path.join(dir, 'xdg') };
  const tc = tableConfig(loadConfig(undefined, env), env);
  t.equal(tc.file, path.join(dir, 'xdg', 'vigil', 'config.json'));
  saveConfigKey(tc.file, 'columns', ['pid']);
  t.same(loadConfig(undefined, env).columns, ['pid']);
  // A config linked from elsewhere is written where it lives; the link stays.
  const real = path.join(dir, 'real.json');
  fs.writeFileSync(real, '{"color": false}');
  const link = path.join(dir, 'link.json');
  fs.symlinkSync(real, link);
  saveConfigKey(link, 'columns', ['cpu']);
  t.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
  t.same(JSON.parse(fs.readFileSync(real, 'utf8')), { color: false, columns: ['cpu'] });
  fs.writeFileSync(file, '{oops');
  t.throws(() => saveConfigKey(file, 'columns', ['pid']), /not valid JSON; not changed/);
  t.equal(fs.readFileSync(file, 'utf8'), '{oops', 'a file that does not parse is not overwritten');
});
