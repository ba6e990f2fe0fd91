/**
 * The process field table is the one list of per-process figures: docs/fields.md and the export
 * columns of docs/recording.md say what it says, it names every field derive() produces, each row's raw inputs exist on the
 * raw sample, and the names generated from it (pane columns, window series, Prometheus families) are unique.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { TABLES } from '../../src/commands/export-tables';
import { derive } from '../../src/derive';
import { fieldsDoc } from '../../src/model/fields/docs';
import { PROC_FIELDS } from '../../src/model/fields/proc';
import { PROC_FAMILIES } from '../../src/export/prometheus/proc-families';
import { COLUMN_ORDER, COLUMNS } from '../../src/panes/processes';
import { PROC_SERIES } from '../../src/store/window/series';
import { HOST, proc, sample } from '../helpers/samples';
import { ROOT } from '../helpers/paths';

t.test('docs/fields.md is what the field tables generate', async (t) => {
  const file = fs.readFileSync(path.join(ROOT, 'docs', 'fields.md'), 'utf8');
  t.equal(file, fieldsDoc(), 'regenerate with: npm run build && node dist/src/model/fields/docs.js > docs/fields.md');
});

t.test("docs/recording.md's procs export columns are the table's exported rows", async (t) => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'recording.md'), 'utf8');
  const row = doc.split('\n').find((l) => l.startsWith('| procs | '));
  const listed = row?.match(/`([^`]*)`/)?.[1].split(', ');
  t.same(listed, TABLES.procs.columns, 'docs/recording.md (Columns) lists the columns in order');
  t.same(TABLES.procs.columns, ['t', 'interval_ms', ...PROC_FIELDS.filter((f) => f.exported).map((f) => f.key), 'tcp_interval_ms']);
});

t.test('every figure derive() gives a process has a row; every row is a figure derive() gives', async (t) => {
  const a = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(10, 5)] } });
  const b = sample({ monoMs: 1000, procs: { monoMs: 1000, list: [proc(10, 5)] } });
  const snap = derive(a, b, HOST).procs?.[0];
  t.ok(snap, 'a process row');
  // shim (the shim's nested figures) and net_source (which source the NET columns show) are not figures.
  const figures = Object.keys(snap ?? {}).filter((k) => k !== 'shim' && k !== 'net_source').sort();
  t.same(PROC_FIELDS.map((f) => f.key).sort(), figures);
});

t.test("each row's raw inputs are fields of the raw process sample", async (t) => {
  const raw = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(10, 5)] } }).procs?.procs[0] as unknown as Record<string, unknown>;
  const bad: string[] = [];
  for (const f of PROC_FIELDS) {
    for (const r of f.raw) {
      const [top, sub] = r.split('.');
      if (!(top in raw)) bad.push(`${f.key}: ${r}`);
      // Nested inputs (slow.rchar, tcp.tx_bytes) are read from sub-objects that may be null on a sample.
      else if (sub !== undefined && raw[top] !== null && typeof raw[top] === 'object' && !(sub in (raw[top] as object))) bad.push(`${f.key}: ${r}`);
    }
  }
  t.same(bad, [], 'no unknown raw field');
});

t.test('generated names are unique and complete', async (t) => {
  const ids = PROC_FIELDS.flatMap((f) => ('pane' in f ? [f.pane.id] : []));
  t.equal(new Set(ids).size, ids.length, 'pane ids unique');
  const ats = PROC_FIELDS.flatMap((f) => ('pane' in f ? [f.pane.at] : []));
  t.equal(new Set(ats).size, ats.length, 'pane positions unique');
  t.same([...COLUMN_ORDER].sort(), Object.keys(COLUMNS).sort(), 'every column is laid out once');
  t.same(Object.keys(PROC_SERIES), PROC_FIELDS.filter((f) => 'series' in f).map((f) => `proc.${f.key}`));
  const names = PROC_FAMILIES.map((f) => f.name);
  t.equal(new Set(names).size, names.length, 'Prometheus family names unique');
  t.ok(names.every((n) => /^vigil_process_[a-z_]+$/.test(n) && (n.endsWith('_total') || !n.includes('_total'))), 'names as Prometheus expects');
  const counters = PROC_FAMILIES.filter((f) => f.type === 'counter').map((f) => f.name);
  t.ok(counters.every((n) => n.endsWith('_total')), 'every counter ends in _total');
});
