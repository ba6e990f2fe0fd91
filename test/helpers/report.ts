/**
 * Reading a `vigil report` page back in Node: its meta (JSON) and its series, decoded with the page's own
 * decoder, so tests can compare what the page would draw with ground truth.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import type { ReportMeta } from '../../src/report/data';
import { decodeSeries } from '../../src/report/encode';
import type { SeriesRef } from '../../src/report/series-set';

export interface ReadReport {
  html: string;
  meta: ReportMeta;
  /** A series' values (NaN: no value), from its first sample. */
  values(ref: SeriesRef): number[];
}

export function readReport(file: string): ReadReport {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script id="vigil-meta" type="application\/json">(.*?)<\/script>/s.exec(html);
  const d = /<script id="vigil-data" type="application\/octet-stream">(.*?)<\/script>/s.exec(html);
  if (m === null || d === null) throw new Error(`${file}: no meta or data element`);
  const meta = JSON.parse(m[1]) as ReportMeta;
  const bytes = d[1].trim() === '' ? new Uint8Array(0) : new Uint8Array(zlib.gunzipSync(Buffer.from(d[1], 'base64')));
  return {
    html,
    meta,
    values(ref) {
      const out = new Float64Array(ref.c);
      decodeSeries(bytes, ref.o, ref.o + ref.n, ref.c, ref.s, out);
      return [...out];
    },
  };
}
