/**
 * `vigil record` evaluates its alert rules on Snapshots that hold only the families the rules read
 * (rulesParts) in a window that keeps only the rules' series (alertWindowOptions). On the same live
 * Samples, the rules must see exactly what they saw with every family derived and every series kept:
 * the same breach events with the same figures, tick by tick. Rules of every subject kind, with
 * thresholds that every value passes, so that breaches start and carry figures.
 */
import t from 'tap';
import { ALL_PARTS, derive } from '../../../src/derive/derive';
import type { Sample } from '../../../src/model';
import { Sampler } from '../../../src/sampler/sampler';
import { AlertEngine, alertWindowOptions, rulesParts } from '../../../src/store/alerts/engine';
import { compileRules, DEFAULT_RULES } from '../../../src/store/alerts/rules';
import { HistoryWindow } from '../../../src/store/window';

t.test('rules on trimmed Snapshots and a trimmed window see what they saw on full ones', async (t) => {
  const all = (metric: string): Record<string, unknown> => ({ metric, op: '>=', threshold: 0, window: '1s', for: '0s' });
  const sets: Record<string, readonly Record<string, unknown>[]> = {
    defaults: DEFAULT_RULES,
    'every subject kind': [
      all('cpu.total_pct'), all('mem.used_pct'), all('cpu.core.user_pct'), all('cpu.1.total_pct'), all('net.rx_bytes_per_s'),
      all('disk.util_pct'), all('fs.used_pct'), all('proc.cpu_pct'), all('proc.rss_bytes'), all('load.1m'),
    ],
  };
  // One sequence of live Samples for every comparison: 100 ms apart on a made-up clock, the process
  // table every tenth.
  const s = new Sampler({ intervalMs: 100, procIntervalMs: 1000, connections: false, filesystems: true });
  t.teardown(() => s.close());
  await new Promise((r) => setTimeout(r, 300)); // the filesystem tier's first statfs
  const t0 = process.hrtime.bigint();
  const samples: Sample[] = [];
  for (let i = 0; i < 60; i++) {
    samples.push(s.sample(t0 + BigInt(i) * 100_000_000n, i % 10 === 1));
    await new Promise((r) => setImmediate(r));
  }
  for (const [name, raw] of Object.entries(sets)) {
    const rules = compileRules(raw, null);
    const parts = rulesParts(rules);
    const full = { engine: new AlertEngine(rules), window: new HistoryWindow({ ...alertWindowOptions(rules, 100, 1000), series: null }) };
    const trim = { engine: new AlertEngine(rules), window: new HistoryWindow(alertWindowOptions(rules, 100, 1000)) };
    let events = 0;
    let same = true;
    for (let i = 1; i < samples.length; i++) {
      const a = derive(samples[i - 1], samples[i], s.host, ALL_PARTS);
      const b = derive(samples[i - 1], samples[i], s.host, parts);
      full.window.push(a);
      trim.window.push(b);
      const ea = JSON.stringify(full.engine.onSnapshot(a, full.window));
      const eb = JSON.stringify(trim.engine.onSnapshot(b, trim.window));
      events += (JSON.parse(ea) as unknown[]).length;
      if (ea !== eb) {
        same = false;
        t.equal(eb, ea, `${name}: tick ${i}`);
        break;
      }
    }
    t.ok(same, `${name}: the same events at every tick`);
    t.same(JSON.stringify(trim.engine.active()), JSON.stringify(full.engine.active()), `${name}: the same open breaches`);
    if (name !== 'defaults') t.ok(events >= rules.length, `${name}: ${events} events compared`);
    await full.engine.stop();
    await trim.engine.stop();
  }
  t.same(rulesParts(compileRules(DEFAULT_RULES, null)), { cores: false, net: false, disks: false, fs: true, procs: true, conns: false }, 'the defaults derive filesystems and processes');
});
