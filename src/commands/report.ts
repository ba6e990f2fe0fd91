/**
 * `vigil report FILE [-o OUT.html] [--from T] [--to T]`: a recording as one self-contained HTML page
 * (src/report/). Errors as everywhere: a damaged recording 65, a missing one 66, an OUT that cannot be
 * written 73 (a full disk 74); the page is written atomically, so a failure leaves no partial file.
 */
import * as path from 'path';
import { collect } from '../report/data';
import { renderPage } from '../report/page';
import { checkTarget, writeAtomically } from '../report/write';
import { Recording } from '../store/recording/reader';
import { sampleRange } from './range';

export interface ReportOptions {
  file: string;
  out?: string;
  from?: string;
  to?: string;
  version: string;
}

/** FILE.vigil → FILE.html beside it; any other name gets .html appended. */
export function defaultOut(file: string): string {
  const ext = path.extname(file);
  return ext === '.vigil' ? file.slice(0, -ext.length) + '.html' : `${file}.html`;
}

/** Writes the report; returns the path written and its size in bytes. */
export function runReport(opts: ReportOptions): { out: string; bytes: number } {
  const out = opts.out ?? defaultOut(opts.file);
  const rec = Recording.open(opts.file);
  let html: string;
  try {
    checkTarget(out);
    const range = sampleRange(rec, opts.from, opts.to);
    // rec.pairs() and rec.alerts() turn SQLite's complaints about a damaged file into 65 themselves.
    const data = collect(rec, {
      file: path.basename(opts.file), version: opts.version,
      fromT: range?.fromT ?? -Infinity, toT: range?.toT ?? Infinity, fromS: range?.fromS ?? null, toS: range?.toS ?? null,
    });
    html = renderPage(data);
  } finally {
    rec.close();
  }
  writeAtomically(out, html);
  return { out, bytes: Buffer.byteLength(html) };
}
