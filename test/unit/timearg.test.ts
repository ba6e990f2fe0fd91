import t from 'tap';
import { parseDuration, parseTimeArg } from '../../src/infra/timearg';

// Local-time cases are computed with Date's own local constructors, so they hold in any TZ.
const start = new Date(2024, 4, 1, 23, 0, 0).getTime(); // 2024-05-01 23:00 local
const end = start + 2 * 3600_000;
const ctx = { plus: start, minus: end, day: start };

t.test('clock times are the first occurrence at or after the start', async (t) => {
  t.equal(parseTimeArg('23:30:15', ctx), new Date(2024, 4, 1, 23, 30, 15).getTime());
  t.equal(parseTimeArg('23:00', ctx), start, 'HH:MM at the very start');
  t.equal(parseTimeArg('00:30:00', ctx), new Date(2024, 4, 2, 0, 30, 0).getTime(), 'past midnight is the next day');
  t.equal(parseTimeArg('23:30:15.25', ctx), new Date(2024, 4, 1, 23, 30, 15, 250).getTime(), 'fractions are ms');
});

t.test('ISO dates: local without a zone, exact with one', async (t) => {
  t.equal(parseTimeArg('2024-05-01T12:00:00Z', ctx), Date.UTC(2024, 4, 1, 12));
  t.equal(parseTimeArg('2024-05-01T12:00:00+02:00', ctx), Date.UTC(2024, 4, 1, 10));
  t.equal(parseTimeArg('2024-05-01T12:00:00.5-0130', ctx), Date.UTC(2024, 4, 1, 13, 30, 0, 500));
  t.equal(parseTimeArg('2024-05-01 12:34:56', ctx), new Date(2024, 4, 1, 12, 34, 56).getTime());
  t.equal(parseTimeArg('2024-05-01', ctx), new Date(2024, 4, 1).getTime(), 'a date alone is local midnight, not UTC');
});

t.test('epoch milliseconds and relative offsets', async (t) => {
  t.equal(parseTimeArg('1714557600000', ctx), 1714557600000);
  t.equal(parseTimeArg('-5m', ctx), end - 300_000, "'-' counts back from the end");
  t.equal(parseTimeArg('+30s', ctx), start + 30_000, "'+' counts from the start");
  t.equal(parseTimeArg('-1h30m', ctx), end - 5_400_000);
  t.equal(parseTimeArg('+250ms', ctx), start + 250);
});

t.test('nonsense is refused with one line', async (t) => {
  for (const bad of ['', 'yesterday', '25:00:00', '12:60', '2024-13-01', '2024-02-31', '1714557600', '+5', '-', '5m', '12:00:00Z', '--5m']) {
    t.throws(() => parseTimeArg(bad, ctx), { name: 'TimeArgError' }, JSON.stringify(bad));
  }
  try {
    parseTimeArg('soon', ctx);
  } catch (err) {
    t.notOk(String((err as Error).message).includes('\n'), 'one line');
  }
});

t.test('durations', async (t) => {
  t.equal(parseDuration('10m'), 600_000);
  t.equal(parseDuration('1h30m'), 5_400_000);
  t.equal(parseDuration('2.5s'), 2500);
  t.equal(parseDuration('90'), 90_000, 'a bare number is seconds');
  t.equal(parseDuration('500ms'), 500);
  for (const bad of ['', 'm', '10x', '1h 30m', '-5s']) t.equal(parseDuration(bad), null, JSON.stringify(bad));
});
