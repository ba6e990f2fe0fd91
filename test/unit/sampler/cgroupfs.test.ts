/** The cgroup files' parsers (v2 and v1) on real and hostile text: `max` is no limit, garbage is null. */
import fc from 'fast-check';
import t from 'tap';
import {
  blkioDevs, nsToUs, parseBlkio, parseCfs, parseCpuMax, parseGauge, parseIoStat, parseKeyed, parseKeyedOnly, parseLevel, parseLimit, ticksToUs,
} from '../../../src/sampler/parse/cgroupfs';

t.test('limits: max, v1 sentinels, garbage', async (t) => {
  t.equal(parseLimit('max\n'), 'max');
  t.equal(parseLimit('268435456\n'), 268435456);
  t.equal(parseLimit('9223372036854771712\n'), 'max', 'v1 limit_in_bytes with no limit (PAGE_COUNTER_MAX × 4096) is none, never 2^63');
  t.equal(parseLimit('9223372036854775807'), 'max', '2^63 − 1');
  t.equal(parseLimit(String(2 ** 62)), 'max', 'at 2^62 and above: a sentinel');
  t.equal(parseLimit(String(2 ** 62 - 4096)), 2 ** 62 - 4096, 'just below 2^62: a real (if absurd) limit');
  t.equal(parseLimit('0'), 0, 'a zero limit is a limit');
  for (const bad of ['', '\n', 'banana', '-1', '1.5', 'max max', ' 12 13']) t.equal(parseLimit(bad), null, JSON.stringify(bad));
  t.equal(parseLimit(Buffer.from('4096\n')), 4096, 'bytes as well as text');
});

t.test('levels', async (t) => {
  t.equal(parseLevel('67108864\n'), 67108864);
  t.equal(parseLevel('18446744073709551615\n'), 18446744073709551615n, 'u64 max stays exact as a counter');
  t.equal(parseGauge('18446744073709551615\n'), 18446744073709551615, 'a gauge becomes a (finite) number');
  t.equal(parseLevel('-3'), null, 'never negative');
  t.equal(parseLevel('\n'), null);
  t.equal(parseGauge('x'), null);
});

t.test('keyed files: cpu.stat, memory.stat, memory.events, oom_control', async (t) => {
  const k = parseKeyed('usage_usec 2500000\nuser_usec 2000000\nnr_periods 1000\nthrottled_usec 18446744073709551615\n');
  t.equal(k.get('usage_usec'), 2500000);
  t.equal(k.get('nr_periods'), 1000);
  t.equal(k.get('throttled_usec'), 18446744073709551615n);
  const h = parseKeyed('usage_usec 1\nuser_usec -5\nsystem_usec abc\nnr_periods\nnr_throttled 1 2\nusage_usec 9\n\0\0garbage\n');
  t.same([...h.entries()], [['usage_usec', 1]], 'negative, non-numeric, short and long lines dropped; the first duplicate wins');
  t.equal(parseKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n').get('oom_kill'), 3);
  t.equal(parseKeyed('').size, 0);
});

t.test('cpu.max and v1 cfs', async (t) => {
  t.same(parseCpuMax('50000 100000\n'), { quota: 50000, period: 100000 });
  t.same(parseCpuMax('max 100000\n'), { quota: null, period: 100000 }, 'max: no quota');
  for (const bad of ['', 'max', 'max 0', '50000 abc', 'x 100000', '1 2 3']) t.equal(parseCpuMax(bad), null, JSON.stringify(bad));
  t.same(parseCfs('-1\n', '100000\n'), { quota: null, period: 100000 }, 'v1 -1: no quota');
  t.same(parseCfs('50000\n', '100000\n'), { quota: 50000, period: 100000 });
  t.equal(parseCfs('garbage', '100000'), null);
  t.equal(parseCfs('50000', '0'), null, 'a zero period is no period');
});

t.test('io.stat (v2)', async (t) => {
  t.same(parseIoStat('8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=1 wbytes=0 rios=1 wios=0\n'), [
    { dev: '8:0', rbytes: 4096, wbytes: 8192, rios: 1, wios: 2 },
    { dev: '259:0', rbytes: 1, wbytes: 0, rios: 1, wios: 0 },
  ]);
  t.same(parseIoStat('8:0 rbytes=1 wbytes=2\nnot-a-dev rbytes=1 wbytes=2 rios=3 wios=4\n8:16 rbytes=-1 wbytes=2 rios=3 wios=4\n'), [],
    'short lines, bad device names and negative values are skipped');
  t.same(parseIoStat('8:0 rbytes=18446744073709551615 wbytes=0 rios=0 wios=0\n')[0].rbytes, 18446744073709551615n);
});

t.test('blkio (v1)', async (t) => {
  const text = '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Total 12288\n8:16 Read 100\nTotal 12388\n';
  t.same([...parseBlkio(text).entries()], [['8:0', { read: 4096, write: 8192 }], ['8:16', { read: 100, write: 0 }]]);
  t.same(blkioDevs(text, '8:0 Read 1\n8:0 Write 2\n'), [
    { dev: '8:0', rbytes: 4096, wbytes: 8192, rios: 1, wios: 2 },
    { dev: '8:16', rbytes: 100, wbytes: 0, rios: 0, wios: 0 },
  ]);
  t.equal(blkioDevs(null, null), null, 'no files: unknown, not zero');
});

t.test('unit conversions stay exact', async (t) => {
  t.equal(nsToUs(3000000999), 3000000);
  t.equal(nsToUs(18446744073709551615n), 18446744073709551n, 'u64 ns in µs, exact');
  t.equal(nsToUs(9007199254740993000n), 9007199254740993n, 'above 2^53 µs stays a bigint');
  t.equal(nsToUs(null), null);
  t.equal(ticksToUs(20, 100), 200000);
  t.equal(ticksToUs(2n ** 60n, 100), 2n ** 60n * 10000n);
  t.equal(ticksToUs(5, 0), null, 'no clock rate, no value');
});

t.test('no parser throws or yields NaN on arbitrary text', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      const l = parseLimit(s);
      const okLimit = l === null || l === 'max' || (Number.isFinite(l) && l >= 0);
      const g = parseGauge(s);
      const okGauge = g === null || (Number.isFinite(g) && g >= 0);
      for (const v of parseKeyed(s).values()) if (typeof v === 'number' && !(v >= 0)) return false;
      parseIoStat(s);
      parseCpuMax(s);
      parseBlkio(s);
      return okLimit && okGauge;
    }),
    { numRuns: 500 },
  );
  t.pass('500 random texts');
});

t.test('parseKeyedOnly: what parseKeyed gives for the keys asked for, on any text', async (t) => {
  const keys = ['usage_usec', 'rss', 'total_rss', 'oom_kill', 'user', 'a'];
  const word = fc.oneof(fc.constantFrom(...keys, 'total_cache', 'us', 'rs', 'oom', '-1', '18446744073709551615', '9007199254740993', '0', '12'), fc.stringMatching(/^[a-z0-9_\-]{0,6}$/));
  const space = fc.constantFrom(' ', '  ', '\t', ' \t', '');
  const line = fc.oneof(
    fc.tuple(space, word, space, word, space).map((w) => w.join('')),
    fc.tuple(word, space, word, space, word).map((w) => w.join('')),
    fc.string({ maxLength: 12 }),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 14 }), fc.subarray(keys), fc.constantFrom('\n', ''), (lines, ask, end) => {
      const text = lines.join('\n') + end;
      const want = new Map([...parseKeyed(text)].filter(([k]) => ask.includes(k)));
      t.same([...parseKeyedOnly(text, ask)].sort(), [...want].sort(), JSON.stringify(text));
    }),
    { numRuns: 2000 },
  );
  t.same(parseKeyedOnly('rss 1\ntotal_rss 2\nrss 3 4\nrss 5\n', ['rss', 'total_rss']), new Map<string, number>([['rss', 1], ['total_rss', 2]]));
  t.same(parseKeyedOnly('rss x\nrss 7\n', ['rss']), new Map([['rss', 7]]), 'a later valid line counts when the first is not one');
});
