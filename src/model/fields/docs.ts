/**
 * docs/fields.md, generated from the field tables: what each figure is, where it comes from and every
 * name it goes by. A test keeps the file equal to this output; after changing a table, regenerate it:
 *   npm run build && node dist/src/model/fields/docs.js > docs/fields.md
 */
import type { Field } from './field';
import { PROC_FIELDS } from './proc';

const cell = (s: string): string => s.replace(/\|/g, '\\|');
const code = (s: string): string => `\`${s}\``;

function familyTable<S, R, H>(rows: readonly Field<S, R, H>[], seriesPrefix: string): string {
  const out = [
    '| field | kind | unit | source | formula | export column | alert metric | Prometheus | screen |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of rows) {
    out.push(
      '| ' +
        [
          code(f.key),
          f.kind,
          f.unit === '' ? 'count' : f.unit,
          cell(f.source),
          cell(f.formula),
          f.exported ? code(f.key) : '-',
          f.series === true ? code(`${seriesPrefix}.${f.key}`) : '-',
          f.prom === undefined ? '-' : f.prom.map((p) => `${code(p.name)} (${p.type})`).join(', '),
          f.pane === undefined ? '-' : code(f.pane.title),
        ].join(' | ') +
        ' |',
    );
  }
  return out.join('\n');
}

export function fieldsDoc(): string {
  return [
    '# Fields',
    '',
    'Generated from the field tables in src/model/fields/ (do not edit by hand: see src/model/fields/docs.ts).',
    'Each row is one figure: its kind (gauge, per-second rate or label), its unit, the kernel file it comes',
    'from and the formula, and the names it goes by in `vigil export`, in alert rules (the history window\'s',
    'series), in Prometheus and on screen. Counts have no unit; `-` means the figure is not offered there.',
    '',
    '## Processes',
    '',
    'One row per process in `vigil export --table procs` (which adds `t`, `interval_ms` first and',
    '`tcp_interval_ms` last), in the process table, and as `vigil_process_*{pid,comm,user}` on /metrics.',
    '',
    familyTable(PROC_FIELDS, 'proc'),
    '',
  ].join('\n');
}

if (require.main === module) process.stdout.write(fieldsDoc());
