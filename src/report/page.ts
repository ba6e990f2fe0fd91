/**
 * The report as one HTML file: the page's own script and style (src/report/assets/), uPlot's script and
 * style read from node_modules at run time, the decoder and the downsampler inlined from their compiled
 * functions (the same code the unit tests run), the meta as JSON and the series as gzip + base64. No URL
 * is fetched when the page opens; its Content-Security-Policy forbids it, so a report read on another
 * machine cannot call anywhere.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { VigilError } from '../infra/errors';
import type { ReportData } from './data';
import { minMaxColumns } from './downsample';
import { decodeSeries } from './encode';

/** The assets live in the source tree; compiled code runs from dist/src/report/, sources under ts-node. */
function assetPath(name: string): string {
  const candidates = [path.join(__dirname, 'assets', name), path.resolve(__dirname, '../../../src/report/assets', name)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (found === undefined) throw new VigilError(`report asset ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

function uplotFile(name: string): string {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('uplot/package.json'));
  } catch {
    throw new VigilError('the uplot package is not installed (npm install): vigil report needs it');
  }
  return fs.readFileSync(path.join(dir, 'dist', name), 'utf8');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inside a <script> element, `</script` or `<!--` would end or confuse it: escape every `<`. */
const scriptSafe = (s: string): string => s.replace(/</g, '\\u003c');

/** Neither may hold `</script`: they are inlined as they are. */
function checkScript(name: string, js: string): string {
  if (/<\/script/i.test(js)) throw new VigilError(`${name} contains </script and cannot be inlined`);
  return js;
}

export function renderPage(data: ReportData): string {
  const h = data.meta.header;
  const title = `vigil report: ${h.hosts.join(', ') || 'no samples'}`;
  const payload = zlib.gzipSync(data.block, { level: 9 }).toString('base64');
  const script = [
    `'use strict';`,
    decodeSeries.toString(),
    minMaxColumns.toString(),
    fs.readFileSync(assetPath('page.js'), 'utf8'),
  ].join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="vigil ${escapeHtml(h.report_by)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${uplotFile('uPlot.min.css')}</style>`,
    `<style>${fs.readFileSync(assetPath('page.css'), 'utf8')}</style>`,
    '</head>',
    '<body>',
    '<noscript>This report draws its charts with JavaScript: open it in a browser with scripts allowed.</noscript>',
    '<main id="report"></main>',
    `<script id="vigil-meta" type="application/json">${scriptSafe(JSON.stringify(data.meta))}</script>`,
    `<script id="vigil-data" type="application/octet-stream">${payload}</script>`,
    `<script>${checkScript('uPlot', uplotFile('uPlot.iife.min.js'))}</script>`,
    `<script>${checkScript('page.js', script)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
