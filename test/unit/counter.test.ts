import t from 'tap';
import { counterAdd, counterDelta, counterDeltaWrap, counterGreater, fromBig, parseCounter } from '../../src/model/counter';

t.test('parseCounter is exact on both sides of 2^53', async (t) => {
  t.equal(parseCounter('0'), 0);
  t.equal(parseCounter('123456789012345'), 123456789012345);
  t.equal(parseCounter('9007199254740991'), 9007199254740991, 'MAX_SAFE stays a number');
  t.equal(parseCounter('9007199254740993'), 9007199254740993n, 'above 2^53 becomes a bigint, not rounded');
  t.equal(parseCounter('18446744073709551615'), 18446744073709551615n, 'u64 max (a /proc sentinel)');
  t.equal(parseCounter('-5'), -5);
  for (const bad of ['', '-', '12a', 'a12', ' 1', '1.5']) t.equal(parseCounter(bad), null, `rejects ${JSON.stringify(bad)}`);
});

t.test('counterDelta subtracts exactly where Number() would lose it', async (t) => {
  // Number('9007199254740993') - Number('9007199254740992') === 0: the bug this type exists for.
  const a = parseCounter('9007199254740992')!;
  const b = parseCounter('9007199254740993')!;
  t.equal(counterDelta(a, b), 1);
  t.equal(counterDelta(9007199254740991, 9007199254740993n), 2, 'mixed number/bigint');
  t.equal(counterDelta(10, 15), 5);
  t.equal(counterDelta(15, 10), null, 'backwards is a reset: no value');
  t.equal(counterDelta(18446744073709551615n, 5), null);
});

t.test('32-bit wrap is recognised only with evidence and from the top half', async (t) => {
  t.equal(counterDeltaWrap(4294967290, 10, true), 16, 'wrap: 6 to the top, 10 after');
  t.equal(counterDeltaWrap(4294967290, 10, false), null, 'no evidence: reset');
  t.equal(counterDeltaWrap(1000, 10, true), null, 'from the bottom half it is a reset');
  t.equal(counterDeltaWrap(5000000000, 10, true), null, 'a 64-bit value cannot wrap at 32 bits');
  t.equal(counterDeltaWrap(10, 20, false), 10, 'forward is forward');
});

t.test('counterAdd stays canonical', async (t) => {
  t.equal(counterAdd(1, 2), 3);
  t.equal(counterAdd(9007199254740991, 1), 9007199254740992n);
  t.equal(counterAdd(9007199254740993n, -2), 9007199254740991, 'back under 2^53 is a number again');
  t.equal(fromBig(5n), 5);
  t.ok(counterGreater(9007199254740993n, 9007199254740991));
  t.notOk(counterGreater(1, 2));
});
