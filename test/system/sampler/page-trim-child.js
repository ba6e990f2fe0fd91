'use strict';
// Run by page-trim.test.ts in its own process: the trim, then work through code and data the trim unmapped.
const crypto = require('crypto');
const fs = require('fs');
const zlib = require('zlib');
const { trimFilePages } = require(process.argv[2]);

const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
// Work that runs through the node binary's .text, .rodata (zlib's and OpenSSL's tables), ICU data and libc.
const work = () => {
  const text = Array.from({ length: 2000 }, (_, i) => `line ${i} ${new Date(i * 86_400_000).toISOString()} ${(i * 1.5).toLocaleString('de-DE')}`).join('\n');
  return [
    crypto.createHash('sha256').update(text).digest('hex'),
    zlib.gunzipSync(zlib.gzipSync(text)).toString('base64').length,
    zlib.deflateSync(text).toString('hex').slice(0, 64),
    'Straße'.normalize('NFD').length,
    ['b', 'a', 'ä'].sort((x, y) => x.localeCompare(y, 'de')).join(''),
    JSON.stringify(JSON.parse(JSON.stringify({ text }))).length,
  ];
};
const before = work();
const fileBefore = kb('RssFile');
const r = trimFilePages();
const fileAfter = kb('RssFile');
const after = work();
process.stdout.write(JSON.stringify({ r, fileBefore, fileAfter, same: JSON.stringify(before) === JSON.stringify(after), before, after }));
