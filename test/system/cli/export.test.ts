import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { SYNTH_HOST, SynthSource } from '../../../bench/synthetic';
import { TABLES, TABLE_NAMES } from '../../../src/commands/export-tables';
import { RecordingWriter } from '../../../src/store/recording/writer';
import { vigilSync } from '../../helpers/cli';
import { vigilIn } from '../../helpers/cli-inproc';
import { committedSamples } from '../../helpers/recording';
import { tmpDir } from '../../helpers/tmp';
import { CLI } from '../../helpers/paths';

/** Minimal RFC 4180 reader for the checks below. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  return rows;
}

const REQUIRED: Record<string, string[]> = {
  system: ['t', 'cpu_pct', 'user_pct', 'system_pct', 'iowait_pct', 'steal_pct'],
  cpu: ['t', 'cpu', 'cpu_pct', 'user_pct', 'system_pct', 'iowait_pct', 'steal_pct'],
  memory: ['t', 'mem_total_bytes', 'mem_used_bytes', 'mem_available_bytes', 'swap_used_bytes'],
  net: ['t', 'iface', 'rx_bytes_per_s', 'tx_bytes_per_s', 'rx_packets_per_s', 'tx_packets_per_s'],
  disk: ['t', 'device', 'read_bytes_per_s', 'write_bytes_per_s', 'util_pct'],
  fs: ['t', 'mount', 'used_bytes', 'size_bytes'],
  procs: [
    't', 'pid', 'comm', 'cmdline', 'user', 'cpu_pct', 'rss_bytes', 'read_bytes_per_s', 'write_bytes_per_s', 'minflt_per_s', 'majflt_per_s', 'fds',
    'tcp_tx_bytes_per_s', 'tcp_rx_bytes_per_s', 'tcp_conns', 'tcp_retrans_per_s',
  ],
  conns: ['t', 'pid', 'comm', 'local', 'remote', 'state', 'tx_bytes_per_s', 'rx_bytes_per_s', 'retrans_total', 'retrans_per_s', 'rtt_ms'],
  shim: ['t', 'pid', 'comm', 'net_tx_bytes', 'net_rx_bytes', 'net_tx_bytes_per_s', 'net_rx_bytes_per_s', 'connect_latency_ms', 'peers'],
  cgroups: ['t', 'path', 'name', 'cpu_pct', 'cpu_throttled_pct', 'mem_current_bytes', 'mem_max_bytes', 'mem_used_pct_of_limit', 'oom_kills', 'pids_current'],
  alerts: ['t', 'end_t', 'rule', 'subject', 'peak', 'average', 'threshold', 'samples'],
};

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('export of a live recording: every table, both formats, values checked against the machine', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'live.vigil');
  // A CPU burner runs during the recording and reports its own CPU time: ground truth for the procs table.
  // It starts once the recording has committed its first sample (on a loaded machine the recorder takes
  // seconds to start), and it stays alive, idle, until the recorder has read its process table again after
  // the burn: a process that exits takes its last interval with it. So only the CPU it spent before its
  // first sighting (up to one process interval) is unseen. The recorder is then stopped by SIGTERM;
  // --duration only bounds a run whose test died.
  const rec = spawn(process.execPath, [CLI, 'record', file, '--duration', '120s'], { stdio: 'ignore' });
  const recClosed = new Promise((r) => rec.on('close', r));
  let burner: ReturnType<typeof spawn> | null = null;
  // A wait that times out must not leave either child running for its minutes.
  t.teardown(() => {
    rec.kill('SIGKILL');
    burner?.kill('SIGKILL');
  });
  await until('the first committed sample', () => committedSamples(file) > 0);
  burner = spawn(
    process.execPath,
    ['-e', 'const e=Date.now()+1800;while(Date.now()<e);const u=process.cpuUsage();console.log((u.user+u.system)/1e6);setTimeout(()=>{},60000)'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const burnerClosed = new Promise((r) => burner!.on('close', r));
  let burnerOut = '';
  burner.stdout!.on('data', (d) => (burnerOut += d));
  await until('the burner to finish burning', () => burnerOut.includes('\n'));
  // Three seconds: the commits lag by up to one, then a process read after the burn and the commit of it.
  const seen = committedSamples(file);
  await until('three more seconds of samples', () => committedSamples(file) >= seen + 30);
  burner.kill('SIGKILL');
  rec.kill('SIGTERM');
  await Promise.all([burnerClosed, recClosed]);
  t.equal(rec.exitCode, 0, 'the recorder stops cleanly on SIGTERM');
  const burnerCpuS = Number(burnerOut.trim());
  const samples = committedSamples(file);

  const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
  const ifaces = fs.readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
  const root = fs.statfsSync('/');

  for (const table of TABLE_NAMES) {
    // The system table through the spawned bin, the others in-process (the bin's own run(), output captured).
    const cli = table === 'system' ? async (args: string[]) => vigilSync(args) : vigilIn;
    const csv = await cli(['export', file, '--table', table, '--format', 'csv']);
    const json = await cli(['export', file, '--table', table, '--format', 'json']);
    t.equal(csv.code, 0, `${table} csv: ${csv.stderr}`);
    t.equal(json.code, 0, `${table} json: ${json.stderr}`);
    const rows = parseCsv(csv.stdout);
    t.strictSame(rows[0], [...TABLES[table].columns], `${table}: the documented columns, in order`);
    t.same(REQUIRED[table].filter((c) => !rows[0].includes(c)), [], `${table} has ${REQUIRED[table].join(', ')}`);
    const lines = json.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    t.equal(lines.length, rows.length - 1, `${table}: JSON lines and CSV rows agree in number`);
    // The same keys and values in both formats, every row: the differences are listed and asserted empty
    // once per table (one assertion per row would be thousands).
    const differ: string[] = [];
    lines.forEach((o, i) => {
      const keys = Object.keys(o);
      if (keys.length !== rows[0].length || keys.some((k, j) => k !== rows[0][j])) differ.push(`${table} line ${i}: keys ${keys.join(',')}`);
      const asCsv = rows[i + 1];
      rows[0].forEach((c, j) => {
        const v = o[c];
        if (v === null ? asCsv[j] !== '' : String(v) !== asCsv[j]) differ.push(`${table} row ${i} ${c}: json ${String(v)} csv ${asCsv[j]}`);
      });
    });
    t.same(differ, [], `${table}: each of ${lines.length} JSON lines has the CSV header's keys, in order, and the CSV row's values`);
    if (table === 'alerts') {
      t.equal(lines.length, 0, 'no alerts recorded yet');
      continue;
    }
    // This machine may hold no TCP connection (listeners are not rows): export-conns.test.ts makes some.
    if (table === 'conns') continue;
    // Only processes under the vigil run shim have rows (test/system/shim/run-record.test.ts makes some).
    if (table === 'shim') continue;
    t.ok(lines.length > 0, `${table} has rows`);
    const ts = lines.map((o) => o.t as number);
    t.ok(ts.every((x, i) => i === 0 || x >= ts[i - 1]), `${table}: t never goes back`);
    t.ok(ts.every((x) => Math.abs(x - Date.now()) < 60_000), `${table}: t is epoch ms of this run`);
    for (const o of lines) for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && (!Number.isFinite(v) || (k.endsWith('_per_s') && v < 0))) t.fail(`${table}.${k} = ${v}`);
    if (table === 'system') {
      t.equal(lines.length, samples - 1, 'one row per sample after the first');
      t.ok(samples >= 30, `a few seconds at 10 Hz (${samples} samples)`);
      t.ok(lines.every((o) => (o.cpu_pct as number) >= 0 && (o.cpu_pct as number) <= 100));
    }
    if (table === 'cpu') t.equal(lines.length % os.cpus().length, 0, 'one row per core per sample');
    if (table === 'cgroups') {
      t.ok(lines.some((o) => o.path === '/' && o.depth === 0), 'the root cgroup');
      t.ok(lines.every((o) => o.mem_max_bytes === null || (o.mem_max_bytes as number) < 2 ** 62), 'no limit is none, never 2^63');
    }
    if (table === 'memory') t.ok(lines.every((o) => o.mem_total_bytes === memTotal), 'MemTotal as /proc/meminfo says');
    if (table === 'net') t.ok(lines.every((o) => ifaces.includes(o.iface as string)), 'interfaces of /proc/net/dev');
    if (table === 'fs') {
      const r = lines.filter((o) => o.mount === '/');
      t.ok(r.length > 0 && r.every((o) => o.size_bytes === root.blocks * root.bsize), 'size of / as statfs says');
    }
    if (table === 'procs') {
      const mine = lines.filter((o) => String(o.cmdline).includes('const e=Date.now()+1800'));
      t.ok(mine.length >= 1, 'the burner is in the process table');
      t.ok(mine.some((o) => (o.cpu_pct as number) > 10), 'and seen burning');
      // Σ cpu_pct × interval: the CPU time the recording saw, against what the burner measured itself.
      // What it burned before its first process-table read is unseen: allow up to one interval missing.
      const seenS = mine.reduce((a, o) => a + ((o.cpu_pct as number) / 100) * ((o.interval_ms as number) / 1000), 0);
      t.ok(seenS <= burnerCpuS + 0.15 && seenS >= burnerCpuS - 1.15, `burner CPU ${seenS.toFixed(2)} s recorded vs ${burnerCpuS} s measured`);
    }
  }
});

t.test('--from/--to select by time; alerts export their rows', async (t) => {
  const file = path.join(tmpDir(t), 'syn.vigil');
  const w = RecordingWriter.open(file, { host: SYNTH_HOST, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 't' });
  const src = new SynthSource({ procs: 5, startT: 1_700_000_000_000 });
  for (let i = 0; i < 600; i++) w.add(src.next());
  const none = { pid: null, start_time: null, comm: null, user: null };
  w.addBreach({ rule: 'cpu.total_pct > 90', metric: 'cpu.total_pct', op: '>', subject: 'host', ...none, start_t: 1_700_000_010_000, fired_t: 1_700_000_012_000, end_t: 1_700_000_015_000, end_reason: 'clear', peak: 99.5, average: 95.25, threshold: 90, samples: 50 });
  w.addBreach({ rule: 'burner', metric: 'proc.cpu_pct', op: '>', subject: '4242:777', pid: 4242, start_time: 777, comm: 'burn, "hot"', user: 'root', start_t: 1_700_000_040_000, fired_t: 1_700_000_041_000, end_t: null, end_reason: null, peak: 85, average: 82, threshold: 80, samples: 7 });
  w.close();
  const sys = async (args: string[]): Promise<Record<string, number>[]> =>
    (await vigilIn(['export', file, '--table', 'system', '--format', 'json', ...args])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const all = await sys([]);
  t.equal(all.length, 599);
  const mid = await sys(['--from', '1700000010000', '--to', '1700000019950']);
  t.equal(mid[0].t, 1_700_000_010_000);
  t.equal(mid[mid.length - 1].t, 1_700_000_019_900);
  t.equal(mid.length, 100);
  t.equal((await sys(['--from', '-5s'])).length, 51, "'-5s': the last five seconds");
  // Through the spawned bin once: '-5s' above is glued to --from by the same run() the bin calls.
  t.equal(vigilSync(['export', file, '--table', 'system', '--format', 'json', '--to', '+1s']).stdout.trim().split('\n').length, 10, "'+1s': the first second (its first sample has no rate)");
  const bad = await vigilIn(['export', file, '--table', 'system', '--from', 'noon-ish']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--from: cannot read time/);
  const alerts = (await vigilIn(['export', file, '--table', 'alerts', '--format', 'csv'])).stdout;
  t.equal(
    alerts,
    't,end_t,duration_ms,rule,metric,op,subject,pid,start_time,comm,user,fired_t,end_reason,peak,average,threshold,samples\n' +
      '1700000010000,1700000015000,5000,cpu.total_pct > 90,cpu.total_pct,>,host,,,,,1700000012000,clear,99.5,95.25,90,50\n' +
      '1700000040000,,,burner,proc.cpu_pct,>,4242:777,4242,777,"burn, ""hot""",root,1700000041000,,85,82,80,7\n',
  );
  const later = (await vigilIn(['export', file, '--table', 'alerts', '--format', 'json', '--from', '1700000030000'])).stdout;
  t.equal(later.trim().split('\n').length, 1, 'only the breach still active after --from');
});
