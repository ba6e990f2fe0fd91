import * as fs from 'fs';
import { spawn } from 'child_process';
import t from 'tap';
import { TABLE_NAMES } from '../../../src/commands/export-tables';
import { CLI, isOneLineError, vigil } from '../../helpers/cli';
import { vigilIn } from '../../helpers/cli-inproc';

// The validation matrices below run the command line in-process (vigilIn: the bin's own run(), output
// captured); the first test holds them to the real bin, case by case, for each kind of outcome.
t.test('in-process runs say and exit exactly as the spawned bin', async (t) => {
  const env = { ...process.env, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
  for (const [args, opts] of [
    [['sample', '--help'], {}],
    [['sample', '--count', '0'], {}],
    [['sample', '--count'], {}],
    [['export', 'x.db', '--table', 'nope', '--format', 'xml'], {}],
    [['export'], {}],
    [['sample', '--bogus', '--other'], {}],
    [['frobnicate'], { env }],
    [['export', 'x.db', '--table', 'a\x1b]0;pwned\x07\nb\u202e'], {}],
    [['export', '/nonexistent/x.vigil', '--table', 'system'], {}],
  ] as [string[], { env?: NodeJS.ProcessEnv }][]) {
    const [spawned, inproc] = [await vigil(args, opts), await vigilIn(args, opts)];
    t.strictSame({ ...inproc, signal: null }, { ...spawned, signal: null }, `vigil ${args.join(' ')}: exit ${spawned.code}`);
  }
});

t.test('--help lists every command and exits 0', async (t) => {
  const r = await vigil(['--help']);
  t.equal(r.code, 0);
  for (const c of ['record', 'replay', 'run', 'export', 'report', 'alerts', 'sample']) t.match(r.stdout, new RegExp(`vigil ${c}`), c);
  t.equal(r.stderr, '');
  const sub = await vigilIn(['sample', '--help']);
  t.equal(sub.code, 0);
  t.match(sub.stdout, /--count/);
  t.match(sub.stdout, /--proc-interval/);
});

t.test('--version prints the package version', async (t) => {
  const r = await vigil(['--version']);
  t.equal(r.code, 0);
  t.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

t.test('vigil sample --count 2 prints two JSON snapshots', async (t) => {
  const r = await vigil(['sample', '--count', '2']);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.equal(lines.length, 2);
  for (const l of lines) {
    const s = JSON.parse(l);
    t.type(s.t, 'number');
    // Not a timing check: a sane positive gap (at load 17 one took 1.6 s).
    t.ok(s.interval_ms > 50 && s.interval_ms < 10_000, `interval ${s.interval_ms}`);
    t.ok(Array.isArray(s.cores) && s.cores.length >= 1);
    t.type(s.mem.mem_total_bytes, 'number');
    t.ok(s.net.find((n: { iface: string }) => n.iface === 'lo'));
  }
});

t.test('vigil sample shows the process table on its own tier', async (t) => {
  // The process tier 50 times slower than the system tier: on a loaded machine late 100 ms ticks made
  // every line a process tick when it was only twice as slow.
  const r = await vigil(['sample', '--count', '4', '--interval', '100', '--proc-interval', '5000']);
  t.equal(r.code, 0, r.stderr);
  const snaps = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const withProcs = snaps.filter((s) => s.procs !== null);
  t.ok(withProcs.length >= 1 && withProcs.length <= 3, `${withProcs.length} of 4 lines carry processes`);
  const me = withProcs[0].procs.find((p: { comm: string }) => p.comm === 'node');
  t.ok(me, 'the sampler sees node');
  t.ok('tcp' in snaps[0] && 'retrans_per_s' in snaps[0].tcp);
  // The cgroup tier reads on the process ticks; without a cgroup filesystem its table is empty, never absent.
  const withGroups = snaps.filter((s) => s.cgroups !== null && s.cgroups !== undefined);
  t.ok(withGroups.length >= 1, `${withGroups.length} of 4 lines carry cgroups`);
  if (fs.existsSync('/sys/fs/cgroup')) {
    const root = withGroups[withGroups.length - 1].cgroups.find((c: { path: string }) => c.path === '/');
    t.ok(root, 'the root group is listed');
    t.ok(root.mem_current_bytes === null || root.mem_current_bytes > 0, 'its memory is a level or unknown');
  }
});

t.test('--debug-timings adds per-source parse times', async (t) => {
  // The TypeScript readers time each file; the native core reads a whole tier in one call and times that.
  const ts = await vigil(['sample', '--count', '1', '--debug-timings'], { env: { ...process.env, VIGIL_SAMPLER: 'ts' } });
  t.equal(ts.code, 0, ts.stderr);
  const a = JSON.parse(ts.stdout);
  t.type(a.timings_ms.stat, 'number');
  t.type(a.timings_ms.meminfo, 'number');
  const dflt = await vigil(['sample', '--count', '1', '--debug-timings']);
  t.equal(dflt.code, 0, dflt.stderr);
  const b = JSON.parse(dflt.stdout);
  const keys = Object.keys(b.timings_ms);
  t.ok(keys.includes('stat') || keys.includes('system'), `a system-tier figure (${keys.join(', ')})`);
  t.ok(Object.values(b.timings_ms).every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0), 'every figure a time in ms');
});

t.test('usage errors: one line on stderr, exit 2', async (t) => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['sample', '--bogus'], /unknown option --bogus/],
    [['sample', '--interval', '10'], /--interval must be an integer from 50 to 3600000/],
    [['sample', '--interval', 'abc'], /--interval/],
    [['sample', '--proc-interval', '99'], /--proc-interval must be an integer from 100 to 3600000/],
    [['sample', '--count', '0'], /--count must be a positive integer/],
    [['sample', '--count', '1.5'], /--count must be a positive integer/],
    [['sample', '--count', 'abc'], /--count must be a positive integer, got something that is not a number/],
    // An option that takes a value, given none: refused, not run with its default (sample --count ran forever).
    [['sample', '--count'], /--count needs a value/],
    [['sample', '--config'], /--config needs a value/],
    [['export', 'x.vigil', '--table', 'procs', '--format'], /--format needs a value/],
    [['export', 'x.vigil', '--table'], /--table needs a value/],
    [['export', 'x.vigil', '--table', 'procs', '--from'], /--from needs a value/],
    [['alerts', '--format'], /--format needs a value/],
    [['record', 'x.vigil', '--duration'], /--duration needs a value/],
  ];
  for (const [args, msg] of cases) {
    const r = await vigilIn(args);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.ok(isOneLineError(r.stderr), `${args.join(' ')}: one line (${JSON.stringify(r.stderr)})`);
    t.match(r.stderr, msg);
    t.equal(r.stdout, '');
  }
});

t.test('yargs validation failures: one line that names the option, the value and what would do', async (t) => {
  const tables = TABLE_NAMES.join(', ');
  const cases: [string[], RegExp][] = [
    // The regression: only "Invalid values: (see vigil --help)" reached the user.
    [['export', 'x.db', '--table', 'nope'], new RegExp(`^vigil: --table: invalid value "nope" \\(choices: ${tables}\\)\n$`)],
    [['export', 'x.db', '--table=nope'], /--table: invalid value "nope" \(choices: system,/],
    [['export', 'x.db', '--table', 'procs', '--format', 'xml'], /^vigil: --format: invalid value "xml" \(choices: csv, json\)\n$/],
    [['export', 'x.db', '--table', 'nope', '--format', 'xml'], /--table: invalid value "nope" \(choices: [^)]*\); --format: invalid value "xml" \(choices: csv, json\)/],
    [['alerts', '--format', 'yaml'], /--format: invalid value "yaml" \(choices: table, json\)/],
    [['export', 'x.db', '--table'], new RegExp(`--table needs a value \\(choices: ${tables}\\)`)],
    [['export', 'x.db'], new RegExp(`missing --table \\(choices: ${tables}\\)`)],
    [['export'], /missing <file> \(usage: vigil export <file>; see vigil export --help\)/],
    [['replay'], /missing <file> \(usage: vigil replay <file>/],
    [['sample', '--bogus', '--other'], /^vigil: unknown options --bogus, --other \(see vigil sample --help\)\n$/],
    [['sample', '--no-such'], /unknown option --no-such/],
    [['sample', '-x'], /unknown option -x/],
    [['--bogus'], /^vigil: unknown option --bogus \(see vigil --help\)\n$/],
    [['sample', 'extra'], /^vigil: unexpected argument "extra" \(see vigil sample --help\)\n$/],
    [['export', 'a.db', 'b.db', '--table', 'procs'], /unexpected argument "b\.db"/],
    [['frob', '--x'], /unknown command 'frob'/],
    [['serve', '--listen'], /^vigil: --listen needs a value \(see vigil serve --help\)\n$/],
    [['alerts', '--since'], /--since needs a value/],
  ];
  for (const [args, msg] of cases) {
    const r = await vigilIn(args);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.ok(isOneLineError(r.stderr), `${args.join(' ')}: one line (${JSON.stringify(r.stderr)})`);
    t.match(r.stderr, msg, args.join(' '));
    t.equal(r.stdout, '');
  }
  // yargs translates its messages by LANG; vigil's own are English, and the line above is built from them.
  for (const lang of ['de_DE.UTF-8', 'fr_FR.UTF-8']) {
    const env = { ...process.env, LANG: lang, LC_ALL: lang };
    // One real spawn per language: yargs reads the locale from the environment it starts in.
    let r = await vigil(['export', 'x.db', '--table', 'nope'], { env });
    t.match(r.stderr, /^vigil: --table: invalid value "nope" \(choices: system,/, `LANG=${lang}`);
    r = await vigilIn(['frobnicate'], { env });
    t.match(r.stderr, /^vigil: unknown command 'frobnicate'/, `LANG=${lang}`);
  }
  // A hostile value stays on one line and sends no escape sequence to the terminal.
  const r = await vigilIn(['export', 'x.db', '--table', 'a\x1b]0;pwned\x07\nb\u202e']);
  t.equal(r.code, 2);
  t.ok(isOneLineError(r.stderr), JSON.stringify(r.stderr));
  t.notMatch(r.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, 'no control characters');
  t.match(r.stderr, /--table: invalid value "a\\u001b\]0;pwned\\u0007\\nb\\u202e"/);
});

t.test('a reader that goes away (vigil sample | head -1) ends quietly', async (t) => {
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const c = spawn('sh', ['-c', `node ${CLI} sample --interval 50 | head -n 1 >/dev/null; echo \${PIPESTATUS:-0}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stderr }));
  });
  t.equal(r.code, 0);
  t.equal(r.stderr, '', 'no EPIPE stack trace');
});

t.test('SIGTERM ends vigil sample cleanly', async (t) => {
  const c = spawn(process.execPath, [CLI, 'sample'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  c.stderr.on('data', (d) => (stderr += d));
  await new Promise((r) => c.stdout.once('data', r));
  c.kill('SIGTERM');
  const code = await new Promise((r) => c.on('close', r));
  t.equal(code, 0);
  t.equal(stderr, '');
});
