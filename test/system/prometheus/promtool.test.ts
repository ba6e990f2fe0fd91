/**
 * `promtool check metrics` (Debian's prometheus package) on what vigil serves.
 *
 * promtool lints as well as parses, and one of its lints (snake_case names) rejects the names
 * node_exporter itself uses for /proc/meminfo and /proc/net/snmp (node_memory_MemTotal_bytes,
 * node_netstat_Tcp_InSegs): node_exporter 1.5's own output gets the same 66 complaints here, and
 * node_exporter's CI skips those two prefixes for that reason. vigil keeps those names because dashboards
 * query them. So the check is: promtool parses the scrape, its only complaints are camelCase on those
 * node_exporter families, and the scrape without those families passes promtool with no complaint at all.
 * The node tier adds node_exporter's node_entropy_*_bits, which promtool's base-unit lint would have in
 * bytes ("use base unit \"bytes\" instead of \"bits\""): node_exporter's names again, kept for the same reason.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t, { Test } from 'tap';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { get, hasBinary, HOST, parseExposition, proc, procSnap, sample, snapshot, spawnBurner, startServe, stop, until } from '../../helpers/prometheus';

const skip = hasBinary('promtool') ? false : 'promtool is not installed (apt-get install -y prometheus)';
const NODE_EXPORTER_OWN_NAMES = /^(node_(memory|netstat)_\S+) metric names should be written in 'snake_case' not 'camelCase'$|^(node_entropy_\S+_bits) use base unit "bytes" instead of "bits"$/;

function promtool(text: string): { status: number | null; problems: string[] } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, problems: `${r.stdout}${r.stderr}`.split('\n').filter(Boolean) };
}

/** The exposition without the families whose names node_exporter gave in CamelCase. */
function withoutCamelFamilies(text: string): string {
  return text.split('\n').filter((l) => !/^(# (HELP|TYPE) )?node_(memory|netstat|entropy)_/.test(l)).join('\n');
}

function check(t: Test, text: string): void {
  const all = promtool(text);
  t.ok(all.status === 0 || all.status === 3, `promtool parsed the scrape (exit ${all.status}; 1 would be a parse error)`);
  const other = all.problems.filter((p) => !NODE_EXPORTER_OWN_NAMES.test(p));
  t.same(other, [], 'no complaint beyond node_exporter\'s own CamelCase names');
  const camel = new Set(all.problems.map((p) => { const m = NODE_EXPORTER_OWN_NAMES.exec(p); return m?.[1] ?? m?.[3]; }).filter(Boolean));
  const declared = [...parseExposition(text).types.keys()].filter((n) => /^node_(memory|netstat|entropy)_/.test(n));
  t.ok([...camel].every((n) => declared.includes(n!)), 'the complaints name only declared node_memory_/node_netstat_/node_entropy_ families');
  const rest = promtool(withoutCamelFamilies(text));
  t.equal(rest.status, 0, 'everything else passes promtool outright');
  t.same(rest.problems, []);
}

t.test('a real scrape of vigil serve passes promtool', { skip }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-promtool-'));
  const burner = spawnBurner(dir, 'vigilprom');
  t.teardown(() => {
    burner.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const s = await startServe(['--interval', '100', '--proc-interval', '200', '--proc-match', '^vigilprom$']);
  t.teardown(() => stop(s));
  // Wait for a scrape that has the matched child and derived process rows (top N by CPU needs two reads).
  const text = await until('a scrape with the matched child', async () => {
    const body = (await get(s.url)).body;
    return body.includes(`pid="${burner.pid}",comm="vigilprom"`) && /^vigil_processes_exported \d+$/m.test(body) ? body : null;
  }, 15_000, 200);
  t.ok(parseExposition(text).series.length > 100, 'a full scrape');
  t.ok(parseExposition(text).types.has('node_memory_Slab_bytes'), 'with the node tier\'s families (serve runs it)');
  check(t, text);
});

t.test('hostile process names and every family shape pass promtool', { skip }, async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 10 });
  m.addFamily({ name: 'vigil_alert_active', type: 'gauge', labelNames: ['rule', 'subject'], help: 'Active breaches.', series: () => [[{ rule: 'r"1', subject: 'a\\b\nc' }, 1]] });
  const names = ['a) R 1 (b\nx', '"quoted"', 'back\\slash', '\x1b]0;title\x07', 'ünïcödé ✓', 'tab\there', '\u202eevil', 'x,pid:1,user:u'];
  const procs = names.map((comm, i) => proc(100 + i, {
    comm, rss_bytes: 4096 * (i + 1), utime: 18446744073709551615n, minflt: 9007199254740993n, user: i % 2 ? null : 'u',
    timeslices: 3, swap_bytes: 0, slow: { mono_ns: 0n, rchar: 1, wchar: 2, read_bytes: 3, write_bytes: 4, fds: 5 },
  }));
  m.update(sample({ procs }), snapshot(procs.map((p, i) => procSnap(p, i))));
  const text = await m.metrics();
  const e = parseExposition(text);
  t.same(new Set(e.series.filter((s) => s.name === 'vigil_process_threads').map((s) => s.labels.comm)), new Set(names), 'every name round-trips');
  check(t, text);
});
