/**
 * `vigil export FILE --table T --format csv|json [--from T] [--to T]`: one row per sample (per entity per
 * sample for cpu/net/disk/fs, per process per process-table read for procs), rates from derive() over
 * the recorded pairs. Streams: the recording is walked in chunks and stdout's back-pressure is honoured,
 * so a 24-hour file exports in constant memory.
 */
import { snapshots } from '../store/recording/snapshots';
import { Recording } from '../store/recording/reader';
import { Cell, TABLES, TableName } from './export-tables';
import { sampleRange } from './range';

export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  file: string;
  table: TableName;
  format: ExportFormat;
  from?: string;
  to?: string;
}

const CSV_SPECIAL = /[",\r\n]|^\s|\s$/;

export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return CSV_SPECIAL.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A writer that batches lines and waits for 'drain' when the stream's buffer is full. */
class LineSink {
  private buf: string[] = [];
  private bytes = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}

  async push(line: string): Promise<void> {
    this.buf.push(line);
    this.bytes += line.length;
    if (this.bytes >= 65536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.bytes = 0;
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}

export async function runExport(opts: ExportOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const rec = Recording.open(opts.file);
  try {
    const table = TABLES[opts.table];
    const cols = table.columns;
    const sink = new LineSink(out);
    const line =
      opts.format === 'csv'
        ? (cells: Cell[]): string => cells.map(csvCell).join(',') + '\n'
        : (cells: Cell[]): string => {
            const o: Record<string, Cell> = {};
            for (let i = 0; i < cols.length; i++) o[cols[i]] = cells[i];
            return JSON.stringify(o) + '\n';
          };
    if (opts.format === 'csv') await sink.push(cols.join(',') + '\n');
    const range = sampleRange(rec, opts.from, opts.to);
    if (range === null) return await sink.flush();
    if (table.kind === 'alerts') {
      for (const a of rec.alerts(range.fromT, range.toT)) await sink.push(line(table.row(a)));
      return await sink.flush();
    }
    const { fromS, toS } = range;
    if (fromS === null || toS === null) return await sink.flush();
    // A session's first sample has nothing to take a rate against: snapshots() leaves it out.
    for (const { pair, snap } of snapshots(rec.pairs(fromS, toS, { procs: table.procs, conns: table.conns ?? table.procs, cgroups: table.cgroups }))) {
      for (const cells of table.rows(snap, pair.curr)) await sink.push(line(cells));
    }
    await sink.flush();
  } finally {
    rec.close();
  }
}
