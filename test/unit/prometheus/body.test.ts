/**
 * /metrics sends metricsBody(): the text's blocks written straight into one buffer (family.ts
 * blocksBuffer). It must be metrics()'s text in UTF-8, byte for byte, help texts beyond Latin-1 included.
 */
import t from 'tap';
import { Registry } from 'prom-client';
import { blocksBuffer, blocksText, registerFamily, renderBlocks, renderRegistry } from '../../../src/export/prometheus/family';
import { PrometheusMetrics } from '../../../src/export/prometheus/metrics';
import { HOST, proc, procSnap, sample, snapshot } from '../../helpers/prometheus';

t.test('blocks: the same bytes as prom-client\'s text, in UTF-8', async (t) => {
  const r = new Registry();
  registerFamily(r, { name: 'a', help: 'top N by CPU ∪ top N by RSS − µs ×', type: 'gauge', labelNames: ['x'], series: () => [[{ x: 'é 🙂 \ud800' }, 1], [{ x: 'b' }, 2]] }, () => null);
  registerFamily(r, { name: 'b_empty', help: 'nothing', type: 'gauge', labelNames: ['x'], series: () => [] }, () => null);
  registerFamily(r, { name: 'c', help: 'plain', type: 'counter', labelNames: [], series: () => [[{}, 3]] }, () => null);
  const theirs = await r.metrics();
  t.equal(await renderRegistry(r), theirs);
  const blocks = await renderBlocks(r);
  t.equal(blocksText(blocks), theirs);
  t.same(blocksBuffer(blocks), Buffer.from(theirs));
  t.same(blocksBuffer([]), Buffer.from(blocksText([])), 'no family at all');
});

t.test('metricsBody() is metrics() in UTF-8', async (t) => {
  const m = new PrometheusMetrics({ host: HOST, procTop: 3 });
  const procs = [proc(1, { comm: 'é∪"x' }), proc(2, { comm: 'a\nb', user: null, uid: null }), proc(3)];
  m.update(sample({ procs }), snapshot(procs.map((p, i) => procSnap(p, i * 10))));
  // The scrape collectors' timings move from one listing to the next; nothing else may.
  const steady = (s: string): string => s.replace(/^(node_scrape_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 X');
  const text = await m.metrics();
  const body = await m.metricsBody();
  t.ok(text.includes('∪'), 'a help text beyond Latin-1 is in the scrape');
  t.equal(steady(body.toString('utf8')), steady(text));
  t.equal(body.length, Buffer.byteLength(body.toString('utf8')));
});
