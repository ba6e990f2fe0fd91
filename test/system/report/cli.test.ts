/**
 * `vigil report` from the command line: the fixture recordings of every schema give a page whose series
 * are what `vigil export` says for the same samples; bad input gives one line and its exit code (65
 * damaged, 66 missing, 73 OUT cannot be written, 2 a bad time), and never a partial or replaced file.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { isOneLineError, sha, vigilSync } from '../../helpers/cli';
import { vigilIn } from '../../helpers/cli-inproc';
import { FIXTURES } from '../../helpers/paths';
import { readReport } from '../../helpers/report';
import { tmpDir } from '../../helpers/tmp';

const REC = path.join(FIXTURES, 'recordings');

/** Everything in dir but the names given: a failed report must leave nothing (no temporary file either). */
const others = (dir: string, keep: string[]): string[] => fs.readdirSync(dir).filter((f) => !keep.includes(f));

for (const v of ['schema-v1', 'schema-v2', 'schema-v3', 'schema-v3-synth']) {
  t.test(`${v}: a page whose series are export's`, async (t) => {
    const dir = tmpDir(t);
    const out = path.join(dir, 'r.html');
    const r = await vigilIn(['report', path.join(REC, `${v}.vigil`), '-o', out]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stderr, /^vigil: wrote .*r\.html \([\d.]+ MB\)\n$/);
    t.same(others(dir, ['r.html']), [], 'only the report in the directory');
    const rep = readReport(out);
    t.match(rep.html, /^<!doctype html>/);
    t.match(rep.html, /Content-Security-Policy" content="default-src 'none'/, 'the page may fetch nothing');
    t.notMatch(rep.html, /<script[^>]+src=|<link[^>]+href=/i, 'nothing loaded from elsewhere');
    t.ok(rep.html.includes('uPlot'), 'uPlot inlined');
    const { meta } = rep;
    t.ok(meta.charts.length >= 5, `charts: ${meta.charts.map((c) => c.id).join(', ')}`);
    t.ok(meta.header.hosts.length === 1 && meta.header.cores > 0, 'header has the host and its cores');

    // The CPU series is export's cpu_pct of the same samples, to the hundredth.
    const ex = await vigilIn(['export', path.join(REC, `${v}.vigil`), '--table', 'system', '--format', 'json']);
    t.equal(ex.code, 0);
    const rows = ex.stdout.trim().split('\n').map((l) => JSON.parse(l) as { t: number; cpu_pct: number | null });
    const times = rep.values(meta.sys.t);
    const cpu = rep.values(meta.sys.series['cpu.total']);
    const at = meta.sys.series['cpu.total'].at;
    t.equal(times.length, rows.length, 'one point per exported sample (one session: no gap)');
    t.same(times, rows.map((x) => x.t), 'times are the samples\' times');
    let worst = 0;
    rows.forEach((x, i) => {
      const got = i < at ? NaN : cpu[i - at];
      if (x.cpu_pct === null) t.ok(Number.isNaN(got), `sample ${i}: no value`);
      else worst = Math.max(worst, Math.abs(got - x.cpu_pct));
    });
    t.ok(worst <= 0.005 + 1e-9, `cpu.total within a hundredth of export (worst ${worst})`);
    t.equal(meta.header.from, rows[0].t);
    t.equal(meta.header.to, rows[rows.length - 1].t);

    // The top process by CPU: the report counts CPU time ((utime + stime) / CLK_TCK) over the range;
    // export's rows give cpu_pct (schedstat run time) × interval, another source for the same seconds,
    // short of each process's first interval and of tick rounding.
    const px = await vigilIn(['export', path.join(REC, `${v}.vigil`), '--table', 'procs', '--format', 'json']);
    const sums = new Map<string, number>();
    for (const l of px.stdout.trim().split('\n')) {
      if (l === '') continue;
      const p = JSON.parse(l) as { pid: number; start_time: number; cpu_pct: number | null; interval_ms: number | null };
      const k = `${p.pid}:${p.start_time}`;
      sums.set(k, (sums.get(k) ?? 0) + ((p.cpu_pct ?? 0) / 100) * ((p.interval_ms ?? 0) / 1000));
    }
    const ranked = [...sums].sort((a, b) => b[1] - a[1]);
    const top = meta.procs.list[meta.procs.tops.cpu[0]];
    const mine = sums.get(`${top.pid}:${top.start_time}`) ?? 0;
    if (ranked.length < 2 || ranked[0][1] > 1.3 * ranked[1][1]) t.equal(`${top.pid}:${top.start_time}`, ranked[0][0], 'top by CPU is export\'s clear first');
    else t.ok(mine >= 0.75 * ranked[0][1], `top by CPU ${top.comm} is among export's first (${mine} vs ${ranked[0][1]})`);
    t.ok(Math.abs(top.totals.cpu_s - mine) <= Math.max(0.1, 0.25 * mine), `its CPU seconds ${top.totals.cpu_s}, export's ${mine.toFixed(3)}`);
  });
}

t.test('--from/--to narrow the range; a bad time is a usage error', async (t) => {
  const dir = tmpDir(t);
  const out = path.join(dir, 'r.html');
  const file = path.join(REC, 'schema-v3.vigil');
  const r = await vigilIn(['report', file, '-o', out, '--from', '+1s', '--to', '-1s']);
  t.equal(r.code, 0, r.stderr);
  const all = readReport(out);
  const whole = await vigilIn(['report', file, '-o', path.join(dir, 'all.html')]);
  t.equal(whole.code, 0);
  const w = readReport(path.join(dir, 'all.html')).meta.header;
  t.ok(all.meta.header.from! >= w.from! + 1000 - 200, 'starts about a second in');
  t.ok(all.meta.header.to! <= w.to! - 1000, 'ends a second before the end');
  for (const bad of [['--from', 'yesterday'], ['--to', '25:00']]) {
    const b = await vigilIn(['report', file, '-o', path.join(dir, 'bad.html'), ...bad]);
    t.equal(b.code, 2, `${bad.join(' ')}: exit 2`);
    t.ok(isOneLineError(b.stderr), b.stderr);
    t.match(b.stderr, new RegExp(bad[0]));
  }
  t.notOk(fs.existsSync(path.join(dir, 'bad.html')));
  // A range with no samples still gives a page, saying so.
  const e = await vigilIn(['report', file, '-o', path.join(dir, 'empty.html'), '--from', '2001-01-01', '--to', '2001-01-02']);
  t.equal(e.code, 0, e.stderr);
  t.equal(readReport(path.join(dir, 'empty.html')).meta.header.from, null);
});

t.test('the default OUT is FILE with .html, beside it', async (t) => {
  const dir = tmpDir(t);
  fs.copyFileSync(path.join(REC, 'schema-v1.vigil'), path.join(dir, 'incident.vigil'));
  const r = vigilSync(['report', path.join(dir, 'incident.vigil')]);
  t.equal(r.code, 0, r.stderr);
  t.ok(fs.existsSync(path.join(dir, 'incident.html')));
});

t.test('bad input: one line, 65 / 66 / 73, no partial file, an earlier report kept', async (t) => {
  const dir = tmpDir(t);
  const good = path.join(dir, 'good.vigil');
  const w = RecordingWriter.open(good, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ procs: 100, busyProcs: 30 });
  for (let i = 0; i < 600; i++) w.add(src.next());
  w.close();
  const corrupted = path.join(dir, 'corrupted.vigil');
  const buf = fs.readFileSync(good);
  // Noise over every page past the schema, page headers' positions kept: b-tree pages break mid-read.
  for (let off = 8 * 4096; off < buf.length; off += 4096) for (let i = 0; i < 200; i++) buf[off + i] = (i * 97 + off) & 0xff;
  fs.writeFileSync(corrupted, buf);
  const garbage = path.join(dir, 'garbage.vigil');
  fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256)));
  const truncated = path.join(dir, 'truncated.vigil');
  fs.copyFileSync(good, truncated);
  fs.truncateSync(truncated, Math.floor(fs.statSync(truncated).size / 2));

  const outDir = path.join(dir, 'out');
  fs.mkdirSync(outDir);
  const out = path.join(outDir, 'r.html');
  fs.writeFileSync(out, 'an earlier report');
  const before = sha(out);
  const cases: [string, string[], number, RegExp][] = [
    ['missing', ['report', path.join(dir, 'nope.vigil'), '-o', out], 66, /no such recording/],
    ['garbage', ['report', garbage, '-o', out], 65, /not a SQLite database/],
    ['truncated', ['report', truncated, '-o', out], 65, /truncated/],
    ['corrupted', ['report', corrupted, '-o', out], 65, /damaged|malformed|not a readable/],
    ['OUT in a missing directory', ['report', good, '-o', path.join(dir, 'no', 'such', 'r.html')], 73, /does not exist/],
    ['OUT a directory', ['report', good, '-o', outDir], 73, /is a directory/],
    ['OUT under a file', ['report', good, '-o', path.join(out, 'r.html')], 73, /not a directory/],
  ];
  if (process.getuid?.() !== 0) {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro, 0o500);
    cases.push(['OUT in a read-only directory', ['report', good, '-o', path.join(ro, 'r.html')], 73, /no permission/]);
  }
  for (const [name, args, code, why] of cases) {
    // The first through the real bin, the rest in-process (the same run()).
    const r = name === 'missing' ? vigilSync(args) : await vigilIn(args);
    t.equal(r.code, code, `${name}: exit ${code}`);
    t.ok(isOneLineError(r.stderr), `${name}: one line, no stack: ${r.stderr}`);
    t.match(r.stderr, why, name);
    t.equal(sha(out), before, `${name}: the earlier report is untouched`);
    t.same(others(outDir, ['r.html']), [], `${name}: no temporary or partial file`);
  }
  t.notOk(fs.existsSync(path.join(dir, 'nope.vigil')), 'a mistyped recording is not created');
  t.same(others(dir, ['good.vigil', 'corrupted.vigil', 'garbage.vigil', 'truncated.vigil', 'out']), [], 'nothing else appeared');
  const ok = vigilSync(['report', good, '-o', out]);
  t.equal(ok.code, 0, ok.stderr);
  t.not(sha(out), before, 'a good run replaces it');
  t.same(others(outDir, ['r.html']), []);
});
