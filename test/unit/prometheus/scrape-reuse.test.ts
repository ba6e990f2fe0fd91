/**
 * What a scrape reuses (proc-families' labels, made once per sample) and the one-walk selection
 * (proc-select.ts) must not change a byte: each is held equal to the long way, scrape after scrape; and
 * the renderer stays prom-client's byte for byte on label sets that churn and on hostile ones.
 */
import t from 'tap';
import { Registry } from 'prom-client';
import { FamilySpec, Labels, registerFamily, renderRegistry, Series } from '../../../src/export/prometheus/family';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { ProcRow, selectProcs, selectRows } from '../../../src/export/prometheus/proc-select';
import type { ProcSample, ProcSnap } from '../../../src/model';
import { HOST, proc, procSnap, sample, snapshot } from '../../helpers/prometheus';

let seed = 424242;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Label values that collide under the dedupe key, need escapes, or are not strings at all. */
const VALUES: unknown[] = ['a', 'b', '', 'x\0', '\0', 'x', 'q"uote', 'back\\slash', 'new\nline', 'é ∪ 🙂', undefined, null, 7];

function randomLabels(): Labels {
  const l: Record<string, unknown> = {};
  const order = rnd() < 0.8 ? ['dev', 'mode'] : rnd() < 0.5 ? ['mode', 'dev'] : ['dev', 'mode', 'more'];
  for (const k of order) if (rnd() < 0.95) l[k] = pick(VALUES);
  return l as Labels;
}

t.test('label sets that churn between scrapes: every scrape the same bytes as prom-client', async (t) => {
  const r = new Registry();
  let state: Series[] = [];
  registerFamily(r, { name: 'churn_total', help: 'h', type: 'counter', labelNames: ['dev', 'mode'], series: (s: Series[]) => s }, () => state);
  for (let round = 0; round < 300; round++) {
    // Mostly the last scrape's label sets again, some new, some hostile.
    const next: Series[] = state.filter(() => rnd() < 0.9).map(([l]) => [l, Math.floor(rnd() * 100)] as const);
    while (next.length < 40) next.push([randomLabels(), rnd() < 0.1 ? NaN : Math.floor(rnd() * 100)]);
    state = next.sort(() => rnd() - 0.5);
    const mine = await renderRegistry(r);
    const theirs = await r.metrics();
    if (mine !== theirs) {
      t.equal(mine, theirs, `round ${round}`);
      return;
    }
  }
  t.pass('300 scrapes equal');
});

t.test('label sets that the dedupe key cannot tell apart, one per scrape: each rendered as itself', async (t) => {
  const r = new Registry();
  let state: Series[] = [[{ dev: 'x\0', mode: '' }, 1]];
  registerFamily(r, { name: 'c', help: 'h', type: 'gauge', labelNames: ['dev', 'mode'], series: (s: Series[]) => s } as FamilySpec<Series[]>, () => state);
  t.match(await renderRegistry(r), /^c\{dev="x\0",mode=""\} 1$/m);
  state = [[{ dev: 'x', mode: '\0' }, 2]];
  t.match(await renderRegistry(r), /^c\{dev="x",mode="\0"\} 2$/m, 'same key (x\\0\\0\\0), other labels');
  state = [[{ dev: 'a', mode: 'b' }, 3]];
  await renderRegistry(r);
  state = [[{ mode: 'b', dev: 'a' }, 4]];
  t.match(await renderRegistry(r), /^c\{mode="b",dev="a"\} 4$/m, 'same key, keys in another order');
  state = [[{ dev: 'a', mode: 'b', more: 'c' } as Labels, 5]];
  t.match(await renderRegistry(r), /^c\{dev="a",mode="b",more="c"\} 5$/m, 'same key, an extra key');
});

/** The selection the long way: every row, sorted, the heads (the implementation before the one walk). */
function reference(procs: ProcSample[], snaps: ProcSnap[], top: number, match: RegExp | null): number[] {
  const by = new Map(snaps.map((s) => [s.pid, s]));
  const rows: ProcRow[] = procs.map((p) => {
    const s = by.get(p.pid);
    return { proc: p, snap: s !== undefined && s.start_time === p.start_time ? s : null };
  });
  const topBy = (key: (r: ProcRow) => number): ProcRow[] =>
    top <= 0 ? [] : rows.filter((r) => key(r) > 0).sort((a, b) => key(b) - key(a) || a.proc.pid - b.proc.pid).slice(0, top);
  const chosen = new Set([...topBy((r) => r.snap?.cpu_pct ?? 0), ...topBy((r) => r.proc.rss_bytes)]);
  if (match) for (const r of rows) if (match.test(r.proc.comm) || (r.proc.cmdline !== '' && match.test(r.proc.cmdline))) chosen.add(r);
  return [...chosen].map((r) => r.proc.pid).sort((a, b) => a - b);
}

t.test('one-walk selection: the heads of the full sort, with derived rows in or out of the table order', async (t) => {
  for (let round = 0; round < 400; round++) {
    const n = Math.floor(rnd() * 120);
    const procs: ProcSample[] = [];
    const pids = new Set<number>();
    while (pids.size < n) pids.add(1 + Math.floor(rnd() * 5000));
    for (const pid of pids) {
      // Few distinct values: many ties, broken by pid (listed out of pid order too).
      procs.push(proc(pid, { rss_bytes: pick([0, 0, 1, 4096, 4096, 8192, rnd() * 1e9]), start_time: pick([1, 1, 1, 2]), comm: pick(['a', 'b', 'keeper']) }));
    }
    const snaps = procs.map((p) => ({ ...procSnap(p, pick([0, 0, null, 5, 5, 50, NaN, rnd() * 100])), start_time: rnd() < 0.9 ? p.start_time : 99 }));
    // Derived rows of the same table (in its order), shuffled, or with some missing.
    const layout = pick(['aligned', 'shuffled', 'sparse']);
    const given = layout === 'aligned' ? snaps : layout === 'shuffled' ? [...snaps].sort(() => rnd() - 0.5) : snaps.filter(() => rnd() < 0.7);
    const top = pick([0, 1, 3, 20, 200]);
    const match = pick([null, null, /^keeper$/]);
    const want = reference(procs, given, top, match);
    const viaMap = selectProcs(procs, new Map(given.map((s) => [s.pid, s])), { top, match }).map((r) => r.proc.pid);
    const m = new PrometheusMetrics({ host: HOST, procTop: top, procMatch: match });
    m.update(sample({ procs, monoNs: 1n }), snapshot(given));
    const viaMetrics = m.rows().map((r) => r.proc.pid);
    if (want.join() !== viaMap.join() || want.join() !== viaMetrics.join()) {
      t.same({ viaMap, viaMetrics }, { viaMap: want, viaMetrics: want }, `round ${round} (${layout}, top ${top}, ${n} processes)`);
      return;
    }
    // Each exported row carries its own derived row, whatever the layout.
    for (const r of m.rows()) {
      const s = given.find((x) => x.pid === r.proc.pid && x.start_time === r.proc.start_time) ?? null;
      if (r.snap !== s && !(s === null && r.snap === null)) {
        t.fail(`round ${round}: pid ${r.proc.pid} carries another process's derived row`);
        return;
      }
    }
  }
  t.pass('400 tables');
  t.same(selectRows([], () => null, { top: 5, match: null }), [], 'an empty table');
});
