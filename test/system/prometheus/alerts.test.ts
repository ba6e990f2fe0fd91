/**
 * `vigil serve --config`: the rules are evaluated on every sample, each open breach is a
 * vigil_alert_active{rule,subject} series, and the breach is written to the alert log (ended at shutdown).
 */
import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import t from 'tap';
import { tmpDir } from '../../helpers/tmp';
import { get, parseExposition, startServe, stop, until, valueOf } from '../../helpers/prometheus';

t.test('serve exports vigil_alert_active and logs the breach', async (t) => {
  const dir = tmpDir(t);
  const config = path.join(dir, 'c.json');
  const db = path.join(dir, 'alerts.db');
  // cpu.idle_pct >= 0 always holds: a breach from the first sample on.
  fs.writeFileSync(config, JSON.stringify({ alerts: [{ name: 'always', metric: 'cpu.idle_pct', op: '>=', threshold: 0, window: '1s' }] }));
  const s = await startServe(['--interval', '100', '--config', config, '--alerts-db', db]);
  t.teardown(() => stop(s));
  const body = await until('the breach on /metrics', async () => {
    const r = await get(s.url);
    return valueOf(parseExposition(r.body), 'vigil_alert_active', { rule: 'always', subject: 'host' }) === 1 ? r.body : null;
  }, 10_000);
  t.match(body, /# HELP vigil_alert_active /);
  const rows = (): { rule: string; end_t: number | null; end_reason: string | null }[] => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT rule, end_t, end_reason FROM alert').all() as { rule: string; end_t: number | null; end_reason: string | null }[];
    } finally {
      d.close();
    }
  };
  t.strictSame(rows(), [{ rule: 'always', end_t: null, end_reason: null }], 'written to the alert log when it fired');
  await stop(s);
  t.equal(s.stderr().replace(/^vigil: serving \S+\n/, ''), '', 'nothing else on stderr');
  const after = rows();
  t.equal(after.length, 1);
  t.equal(after[0].end_reason, 'stop', 'ended when serve stopped');
  t.ok(after[0].end_t !== null);
});
