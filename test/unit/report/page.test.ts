/**
 * The page's HTML without a browser: its script parses, nothing is loaded from anywhere, and text from a
 * recording (a host name here) cannot close the <script> that carries the meta, yet reads back unchanged.
 */
import * as vm from 'vm';
import t from 'tap';
import { chartSpecs } from '../../../src/report/charts';
import type { ReportData } from '../../../src/report/data';
import { renderPage } from '../../../src/report/page';
import { ProcCollector } from '../../../src/report/procs';
import { Block, SeriesSet } from '../../../src/report/series-set';
import { noEntities } from '../../../src/report/system';

const EVIL = '</script><script>globalThis.pwned=1</script><!--';

function page(host: string): string {
  const set = new SeriesSet();
  set.next(1000);
  set.put('cpu.total', 12.5, 100);
  const block = new Block();
  const sys = set.write(block);
  const data: ReportData = {
    meta: {
      header: {
        file: 'x.vigil', hosts: [host], kernels: ['6.1'], cores: 1, mem_total_bytes: 1e9, from: 1000, to: 1000, asked_from: null, asked_to: null,
        intervals: [{ interval_ms: 100, proc_interval_ms: 1000 }], sessions: 1, samples: 1, recorded_by: ['t'], report_by: 't', schema_version: 3,
      },
      sys, charts: chartSpecs((id) => set.has(id), noEntities()), procs: new ProcCollector(0).write(block, 10), alerts: [], cgroups: null,
    },
    block: block.bytes(),
  };
  return renderPage(data);
}

t.test('one file: every script inline and parseable, nothing fetched', async (t) => {
  const html = page('db1');
  const scripts = [...html.matchAll(/<script(?: [^>]*)?>(.*?)<\/script>/gs)];
  t.equal(scripts.length, 4, 'meta, data, uPlot, the page');
  for (const [whole, body] of scripts) {
    if (/type="application\/(json|octet-stream)"/.test(whole)) continue;
    t.doesNotThrow(() => new vm.Script(body), 'a script that parses');
  }
  t.notMatch(html, /\b(src|href)=/i, 'no src or href anywhere');
  t.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
});

t.test('a hostile name stays inside its JSON', async (t) => {
  const html = page(EVIL);
  t.equal(html.split('</script>').length - 1, 4, 'no extra </script>');
  t.notOk(html.includes('<script>globalThis.pwned'), 'no injected script element');
  const meta = JSON.parse(/<script id="vigil-meta" type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
  t.same(meta.header.hosts, [EVIL], 'and it reads back as it was');
  t.match(html, /<title>vigil report: &#60;\/script&#62;/, 'escaped in the title');
});
