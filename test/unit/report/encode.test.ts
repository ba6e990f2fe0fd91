/**
 * The report's series encoding: quantise, delta, zigzag, varint; token 0 for "no value". Round trips of
 * random series (nulls, huge counters, negative steps) come back as round(v × scale) / scale exactly, a
 * steady series costs a byte a point, and a truncated block decodes what is there and NaN for the rest.
 */
import fc from 'fast-check';
import t from 'tap';
import { decodeSeries, SeriesEncoder } from '../../../src/report/encode';
import { Block, SeriesSet } from '../../../src/report/series-set';

const decode = (enc: SeriesEncoder, bytes = enc.bytes()): number[] => {
  const out = new Float64Array(enc.count);
  decodeSeries(bytes, 0, bytes.length, enc.count, enc.scale, out);
  return [...out];
};
/** What should come back: round(v × scale) / scale, the quantised value clamped to ±2^50 (the encoder's limit). */
const expected = (v: number | null, scale: number): number =>
  v === null || !Number.isFinite(v) ? NaN : Math.max(-(2 ** 50), Math.min(2 ** 50, Math.round(v * scale))) / scale;

t.test('round trip: every value comes back quantised, nulls as NaN', async (t) => {
  const value = fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 ** 50 }) },
  );
  fc.assert(
    fc.property(fc.array(value, { maxLength: 400 }), fc.constantFrom(1, 100, 1 / 1024), (vs, scale) => {
      const enc = new SeriesEncoder(scale);
      for (const v of vs) enc.push(v);
      const got = decode(enc);
      const want = vs.map((v) => expected(v, scale));
      return got.length === want.length && got.every((g, i) => Object.is(g, want[i]) || Math.abs(g - want[i]) <= Math.abs(want[i]) * 1e-15);
    }),
    { numRuns: 300 },
  );
  t.pass('300 random series round-trip');
});

t.test('integers up to 2^50 survive exactly, and so do jumps between the extremes', async (t) => {
  const enc = new SeriesEncoder(1);
  const vs = [0, 2 ** 50, -(2 ** 50), 2 ** 50, 1, 2 ** 53, -1];
  for (const v of vs) enc.push(v);
  t.same(decode(enc), [0, 2 ** 50, -(2 ** 50), 2 ** 50, 1, 2 ** 50, -1], 'beyond 2^50 is clamped, not wrapped');
});

t.test('a steady series costs one byte a point; a damaged block decodes what it has', async (t) => {
  const enc = new SeriesEncoder(100);
  for (let i = 0; i < 1000; i++) enc.push(42.5);
  t.ok(enc.bytes().length <= 1000 + 3, `${enc.bytes().length} bytes for 1000 points`);
  const e2 = new SeriesEncoder(1);
  for (let i = 0; i < 10; i++) e2.push(i * 1000);
  const cut = e2.bytes().subarray(0, 7);
  const out = new Float64Array(10);
  const n = decodeSeries(cut, 0, cut.length, 10, 1, out);
  t.ok(n < 10, `read ${n} of 10`);
  t.ok([...out].slice(n).every(Number.isNaN), 'the rest is no value');
});

t.test('SeriesSet: a series starts at its first value, gaps are nulls, each ends at the last sample', async (t) => {
  const set = new SeriesSet();
  set.next(1000);
  set.put('a', 1, 1);
  set.next(1100);
  set.put('b', 5, 1);
  set.next(1200);
  set.put('a', 3, 1);
  set.put('b', null, 1);
  set.put('never', null, 1);
  set.next(1300);
  const block = new Block();
  const refs = set.write(block);
  const bytes = block.bytes();
  const read = (r: { o: number; n: number; c: number; s: number }): number[] => {
    const out = new Float64Array(r.c);
    decodeSeries(bytes, r.o, r.o + r.n, r.c, r.s, out);
    return [...out];
  };
  t.same(read(refs.t), [1000, 1100, 1200, 1300]);
  t.same(Object.keys(refs.series).sort(), ['a', 'b'], 'a series that never had a value does not exist');
  t.equal(refs.series.a.at, 0);
  t.same(read(refs.series.a), [1, NaN, 3, NaN]);
  t.equal(refs.series.b.at, 1);
  t.same(read(refs.series.b), [5, NaN, NaN]);
});
