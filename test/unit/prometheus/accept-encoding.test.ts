/**
 * The Accept-Encoding parser of /metrics (RFC 9110 §12.5.3), as fixtures: what a header asks for, gzip or
 * plain text. Malformed weights count as "not acceptable", so an odd header never gets gzip by accident.
 */
import t from 'tap';
import { negotiateEncoding } from '../../../src/export/prometheus/server';

const fixtures: [string | string[] | undefined, 'gzip' | 'identity', string][] = [
  // What scrapers send.
  ['gzip', 'gzip', 'Prometheus'],
  ['gzip, deflate', 'gzip', 'curl --compressed'],
  ['gzip, deflate, br, zstd', 'gzip', 'a browser'],
  [undefined, 'identity', 'no header: plain text, as before'],
  ['', 'identity', 'an empty header means no coding'],
  ['identity', 'identity', 'identity only'],
  ['deflate, br', 'identity', 'codings vigil does not have'],
  // Tokens are case-insensitive.
  ['GZIP', 'gzip', 'capitals'],
  ['GzIp;Q=1', 'gzip', 'mixed case, Q in capitals'],
  ['x-gzip', 'gzip', 'x-gzip is gzip'],
  // q=0 means "not acceptable", in every spelling.
  ['gzip;q=0', 'identity', 'gzip refused'],
  ['gzip;q=0.0', 'identity', 'q=0.0'],
  ['gzip;q=0.000', 'identity', 'q=0.000'],
  ['gzip; q=0', 'identity', 'space after ;'],
  ['gzip ;q=0', 'identity', 'space before ;'],
  ['  gzip\t;\tq=0  ', 'identity', 'tabs and spaces'],
  ['GZIP;Q=0', 'identity', 'capitals refused'],
  ['gzip;q=0, identity', 'identity', 'gzip refused, identity listed'],
  ['x-gzip;q=0', 'identity', 'x-gzip refused'],
  ['gzip;q=1.0', 'gzip', 'q=1.0'],
  ['gzip;q=1.000', 'gzip', 'q=1.000'],
  ['gzip;q=0.001', 'gzip', 'the smallest yes'],
  ['gzip;q=0.5', 'gzip', 'a half yes is a yes when identity is not weighed'],
  // Wildcards and identity.
  ['*', 'gzip', '* covers gzip'],
  ['*;q=0', 'identity', '* refused and nothing else listed: plain text (the RFC says send it anyway)'],
  ['*;q=0, gzip', 'gzip', 'gzip named explicitly beats *;q=0'],
  ['gzip;q=0, *', 'identity', 'an explicit gzip;q=0 beats *'],
  ['identity;q=0', 'identity', 'nothing acceptable that vigil has: plain text anyway'],
  ['identity;q=0, gzip', 'gzip', 'identity refused, gzip asked'],
  ['gzip;q=0.5, identity;q=1', 'identity', 'identity preferred'],
  ['gzip;q=0.5, *;q=0.9', 'identity', '* covers identity, preferred'],
  ['gzip;q=1, identity;q=0.5', 'gzip', 'gzip preferred'],
  ['gzip;q=0.8, identity;q=0.8', 'gzip', 'a tie goes to the smaller body'],
  // List syntax: empty elements are allowed.
  [',, gzip ,', 'gzip', 'empty list elements'],
  [' , ', 'identity', 'only empty elements'],
  // Duplicates: the refusal wins.
  ['gzip, gzip;q=0', 'identity', 'a duplicate that refuses'],
  ['gzip;q=0, GZIP;q=1', 'identity', 'a duplicate in capitals'],
  // Several header lines (Node joins them with ", "; an array if a caller passes one).
  [['deflate', 'gzip'], 'gzip', 'two header lines'],
  [['gzip', 'gzip;q=0'], 'identity', 'the second line refuses'],
  // Malformed weights are refusals.
  ['gzip;q=', 'identity', 'q with no value'],
  ['gzip;q', 'identity', 'q with no ='],
  ['gzip;q=abc', 'identity', 'q not a number'],
  ['gzip;q=2', 'identity', 'q above 1'],
  ['gzip;q=1.5', 'identity', 'q above 1 with decimals'],
  ['gzip;q=1.001', 'identity', '1.001 is not a qvalue'],
  ['gzip;q=-1', 'identity', 'q negative'],
  ['gzip;q=.5', 'identity', 'no leading digit'],
  ['gzip;q=0.0001', 'identity', 'four decimals'],
  ['gzip;q=0.5x', 'identity', 'trailing junk'],
  ['gzip;q=0x1', 'identity', 'hex'],
  ['gzip;q=1e0', 'identity', 'exponent'],
  ['gzip;q=Infinity', 'identity', 'Infinity'],
  ['gzip;q=NaN', 'identity', 'NaN'],
  ['gzip;q = 1', 'identity', 'whitespace around = is not in the grammar'],
  ['gzip;q="1"', 'identity', 'a quoted q'],
  ['gzip;q=1;q=1', 'identity', 'two weights'],
  ['gzip;level=9', 'identity', 'a parameter Accept-Encoding does not define'],
  ['gzip;', 'identity', 'a dangling ;'],
  ['*;q=abc', 'identity', 'a malformed * grants nothing'],
  ['identity;q=abc, gzip', 'gzip', 'a malformed identity is a refused identity; gzip was asked'],
  // Hostile values: no match by substring, no crash, no slowness.
  ['gzipx', 'identity', 'a longer token'],
  ['xgzip, gzip2, nogzip', 'identity', 'tokens that contain gzip'],
  ['"gzip"', 'identity', 'a quoted token'],
  ['gz ip', 'identity', 'a space inside'],
  ['gzip\u0000', 'identity', 'a NUL after the token'],
  ['gzip\u00e9', 'identity', 'a non-ASCII tail'],
  ['g\u0130zip', 'identity', 'a dotted capital I does not lowercase to a match'],
  ['\u212a', 'identity', 'the Kelvin sign (lowercases to k) is not a token'],
  ['gzip;q=0\r\n', 'identity', 'a CRLF tail is not whitespace here'],
  [`${'a,'.repeat(50_000)}gzip`, 'gzip', '50 000 empty-ish elements before gzip'],
  [`gzip;${';'.repeat(100_000)}q=1`, 'identity', '100 000 semicolons'],
  [`${' '.repeat(100_000)}gzip;q=0${' '.repeat(100_000)}`, 'identity', 'a sea of spaces'],
  [`gzip;q=0.${'0'.repeat(100_000)}1`, 'identity', 'a very long q'],
];

t.test('fixtures', async (t) => {
  for (const [header, want, why] of fixtures) {
    const shown = header === undefined ? 'undefined' : JSON.stringify(header).slice(0, 60);
    t.equal(negotiateEncoding(header), want, `${shown}: ${why}`);
  }
});

t.test('linear time on hostile input', async (t) => {
  // A ratio of sizes, not a time limit (the machine is shared and noisy): the same hostile header at 1×
  // and 8× its length, timed interleaved, medians of 7. Linear work gives ≈ 8×, a quadratic parser ≈ 64×.
  const hostile = (n: number): string => `${'gzip;q=0.5 ,'.repeat(n)}${' ;'.repeat(n)}`;
  const small = hostile(5_000);
  const big = hostile(40_000);
  const time = (h: string): number => {
    const t0 = process.hrtime.bigint();
    negotiateEncoding(h);
    return Number(process.hrtime.bigint() - t0);
  };
  for (let i = 0; i < 3; i++) (time(small), time(big)); // warm-up: let V8 compile the parser
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 7; i++) {
    a.push(time(small));
    b.push(time(big));
  }
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const ratio = median(b) / median(a);
  t.ok(ratio < 24, `8× the input takes ${ratio.toFixed(1)}× the time (linear ≈ 8, quadratic ≈ 64)`);
});
