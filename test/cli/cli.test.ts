import { spawn } from 'child_process';
import t from 'tap';
import { CLI, isOneLineError, vigil } from '../helpers/cli';

t.test('--help lists every command and exits 0', async (t) => {
  const r = await vigil(['--help']);
  t.equal(r.code, 0);
  for (const c of ['record', 'replay', 'run', 'export', 'alerts', 'sample']) t.match(r.stdout, new RegExp(`vigil ${c}`), c);
  t.equal(r.stderr, '');
  const sub = await vigil(['sample', '--help']);
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
    t.ok(s.interval_ms > 50 && s.interval_ms < 1000, `interval ${s.interval_ms}`);
    t.ok(Array.isArray(s.cores) && s.cores.length >= 1);
    t.type(s.mem.mem_total_bytes, 'number');
    t.ok(s.net.find((n: { iface: string }) => n.iface === 'lo'));
  }
});

t.test('vigil sample shows the process table on its own tier', async (t) => {
  const r = await vigil(['sample', '--count', '4', '--interval', '100', '--proc-interval', '200']);
  t.equal(r.code, 0, r.stderr);
  const snaps = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const withProcs = snaps.filter((s) => s.procs !== null);
  t.ok(withProcs.length >= 1 && withProcs.length <= 3, `${withProcs.length} of 4 lines carry processes`);
  const me = withProcs[0].procs.find((p: { comm: string }) => p.comm === 'node');
  t.ok(me, 'the sampler sees node');
  t.ok('tcp' in snaps[0] && 'retrans_per_s' in snaps[0].tcp);
});

t.test('--debug-timings adds per-source parse times', async (t) => {
  const r = await vigil(['sample', '--count', '1', '--debug-timings']);
  t.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  t.type(s.timings_ms.stat, 'number');
  t.type(s.timings_ms.meminfo, 'number');
});

t.test('usage errors: one line on stderr, exit 2', async (t) => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['sample', '--bogus'], /Unknown argument: bogus/],
    [['sample', '--interval', '10'], /--interval must be an integer of at least 50/],
    [['sample', '--interval', 'abc'], /--interval/],
    [['sample', '--proc-interval', '99'], /--proc-interval must be an integer of at least 100/],
    [['sample', '--count', '0'], /--count must be a positive integer/],
    [['sample', '--count', '1.5'], /--count must be a positive integer/],
  ];
  for (const [args, msg] of cases) {
    const r = await vigil(args);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.ok(isOneLineError(r.stderr), `${args.join(' ')}: one line (${JSON.stringify(r.stderr)})`);
    t.match(r.stderr, msg);
    t.equal(r.stdout, '');
  }
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
