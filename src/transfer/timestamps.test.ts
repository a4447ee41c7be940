import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timestampParser } from './timestamps.js';

const ms = (parse: ReturnType<typeof timestampParser>, value: unknown) => {
  const result = parse(value);
  return result.ok ? result.ms : result.detail;
};

test('ISO 8601 with Z or an offset, with and without seconds and fractions, T or space', () => {
  const parse = timestampParser();
  assert.equal(ms(parse, '2026-11-26T08:00:00Z'), Date.UTC(2026, 10, 26, 8));
  assert.equal(ms(parse, '2026-11-26 08:00:00.5+01:00'), Date.UTC(2026, 10, 26, 7, 0, 0, 500));
  assert.equal(ms(parse, '2026-11-26T08:00-0530'), Date.UTC(2026, 10, 26, 13, 30));
  assert.equal(ms(parse, '2026-11-26T08:00:00.123456789Z'), Date.UTC(2026, 10, 26, 8, 0, 0, 123));
  assert.match(String(ms(parse, '2026-02-29T00:00:00Z')), /not a valid date/);
  assert.match(String(ms(parse, '2026-11-26T24:00:00Z')), /not a valid date/);
  assert.match(String(ms(parse, '26.11.2026 08:00')), /not ISO 8601/);
  assert.match(String(ms(parse, '')), /empty/);
});

test('epoch numbers: seconds or milliseconds by size, or as told', () => {
  const auto = timestampParser();
  assert.equal(ms(auto, '1764144000'), 1764144000_000);
  assert.equal(ms(auto, '1764144000.25'), 1764144000_250);
  assert.equal(ms(auto, '1764144000000'), 1764144000_000);
  assert.equal(ms(auto, 1764144000000n), 1764144000_000);
  assert.equal(ms(timestampParser({ epoch: 'ms' }), '1764144000'), 1764144000);
  assert.equal(ms(timestampParser({ epoch: 's' }), 1764144000), 1764144000_000);
});

test('naive wall time needs --timezone; DST gaps move forward, overlaps take the earlier instant', () => {
  assert.match(String(ms(timestampParser(), '2026-11-26 08:00:00')), /no time zone.*--timezone/);
  const berlin = timestampParser({ timezone: 'Europe/Berlin' });
  assert.equal(ms(berlin, '2026-11-26 08:00:00'), Date.UTC(2026, 10, 26, 7));
  assert.equal(ms(berlin, '2026-07-01 08:00:00'), Date.UTC(2026, 6, 1, 6));
  assert.equal(ms(berlin, '2026-03-29 02:30:00'), Date.UTC(2026, 2, 29, 1, 30), 'a time the spring change skips reads as 03:30 CEST');
  assert.equal(ms(berlin, '2026-10-25 02:30:00'), Date.UTC(2026, 9, 25, 0, 30), 'the first of the two 02:30s');
  assert.equal(ms(berlin, '2026-10-25 03:30:00'), Date.UTC(2026, 9, 25, 2, 30));
  assert.equal(ms(timestampParser({ timezone: 'America/New_York' }), '2026-11-01 01:30'), Date.UTC(2026, 10, 1, 5, 30));
  assert.throws(() => timestampParser({ timezone: 'Mars/Olympus' }), /not an IANA time zone/);
});
