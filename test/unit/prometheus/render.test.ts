/**
 * renderRegistry (family.ts) writes the text itself instead of prom-client's Registry.metrics(): the two
 * must give the same bytes, on hostile families and on a real scrape of this machine's tiers.
 */
import t from 'tap';
import { Registry } from 'prom-client';
import { derive } from '../../../src/derive/derive';
import { FamilySpec, registerFamily, renderRegistry, Series } from '../../../src/export/prometheus/family';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { Sampler } from '../../../src/sampler/sampler';
import { scrapeSources } from '../../../src/sampler/self';

const fam = <S>(name: string, labelNames: string[], series: (s: S) => Iterable<Series>, type: FamilySpec<S>['type'] = 'gauge', help = `help of ${name}`): FamilySpec<S> => ({
  name, help, type, labelNames, series,
});

t.test('hostile families: the same bytes as prom-client', async (t) => {
  const r = new Registry();
  let listedFirst = false;
  registerFamily(r, fam('a_plain', [], () => [[{}, 1.5], [{}, 2]]), () => null);
  registerFamily(r, fam('b_labels', ['dev', 'mode'], () => [
    [{ dev: 'back\\slash', mode: 'new\nline' }, 1],
    [{ dev: 'q"uote', mode: '' }, 2],
    [{ mode: 'order', dev: 'swapped' }, 3],
    [{ dev: 'unicode ∪ é 🙂', mode: 'x' }, 4],
    [{ dev: 'dup', mode: 'x' }, 5],
    [{ dev: 'dup', mode: 'x' }, 6],
    [{ dev: 'extra', mode: 'x', more: 'y' } as Record<string, string>, 7],
    [{ dev: 'nan', mode: 'x' }, NaN],
    [{ dev: 'inf', mode: 'x' }, Infinity],
    [{ dev: 'null', mode: 'x' }, null],
    [{ dev: 'big', mode: 'x' }, 2n ** 64n - 1n],
    [{ dev: 'tiny', mode: 'x' }, 1e-7],
    [{ dev: 'neg', mode: 'x' }, -3],
  ]), () => null);
  registerFamily(r, fam('c_total', ['k'], () => [[{ k: 'neg' }, -1], [{ k: 'zero' }, 0], [{ k: 'big' }, 12345678901234567890n]], 'counter'), () => null);
  registerFamily(r, fam('d_untyped', [], () => [[{}, 42]], 'untyped', 'help with \\ and\nnewline and − ∪'), () => null);
  registerFamily(r, fam('e_empty', ['x'], () => []), () => null);
  registerFamily(r, fam<boolean>('f_last', ['x'], (seen) => [[{ x: String(seen) }, 1]]), () => listedFirst, true);
  registerFamily(r, fam('g_after', [], () => {
    listedFirst = true;
    return [[{}, 1]];
  }), () => null);
  const mine = await renderRegistry(r);
  listedFirst = false;
  const theirs = await r.metrics();
  t.equal(mine, theirs);
  t.match(mine, /^f_last\{x="true"\} 1$/m, 'a last family lists its series after every other family');
  t.match(mine, /^b_labels\{dev="back\\\\slash",mode="new\\nline"\} 1$/m, 'escapes as the format says');
});

t.test('a real scrape of serve\'s families: the same bytes as prom-client', async (t) => {
  const sampler = new Sampler({ intervalMs: 1000, procIntervalMs: 1000, node: true, cgroups: true });
  t.teardown(() => sampler.close());
  const s0 = sampler.sample();
  await new Promise((r) => setTimeout(r, 200));
  const s1 = sampler.sample(undefined, true);
  const m = new PrometheusMetrics({ host: sampler.host, sources: scrapeSources(sampler.host), cgroups: true });
  m.update(s0, null);
  m.update(s1, derive(s0, s1, sampler.host));
  // Timings and the exporter's own figures move from one listing to the next; nothing else may.
  const steady = (s: string): string =>
    s.replace(/^(node_scrape_collector_duration_seconds\{[^}]*\}|process_\w+|node_timex_\w+(\{[^}]*\})?) .*$/gm, '$1 X');
  const mine = await m.metrics();
  const theirs = await m.registry.metrics();
  t.ok(mine.split('\n').length > 200, `${mine.split('\n').length} lines`);
  t.equal(steady(mine), steady(theirs));
});
