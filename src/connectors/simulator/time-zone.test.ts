import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { offsetAt, wallClock, zonedTimeToUtc } from './time-zone.js';

/** The wall clock as Intl reads it for one instant, no cache involved. */
function intlWallClock(ts: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' }).formatToParts(new Date(ts));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { year: Number(get('year')), month: Number(get('month')), day: Number(get('day')), hour: Number(get('hour')), minute: Number(get('minute')), second: Number(get('second')), weekday };
}

// Zones with a DST change at 01:00 UTC, at local 02:00, a half-hour offset, a 30-minute DST shift (Lord Howe) and none.
const ZONES = ['Europe/Berlin', 'America/Chicago', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'UTC'];

test('the cached wall clock equals Intl at every instant, across the DST changes of 2026', () => {
  const from = Date.UTC(2026, 0, 1);
  const to = Date.UTC(2027, 0, 1);
  fc.assert(
    fc.property(fc.integer({ min: from, max: to }), fc.constantFrom(...ZONES), (ts, zone) => {
      assert.deepEqual(wallClock(ts, zone), intlWallClock(ts, zone));
    }),
    { numRuns: 3_000 },
  );
});

test('the wall clock is right in the seconds around a change, inside the hour of the change', () => {
  // Europe/Berlin: 2026-03-29 01:00 UTC clocks go 02:00 -> 03:00; 2026-10-25 01:00 UTC 03:00 -> 02:00.
  // Australia/Lord_Howe changes by 30 minutes at 02:00 local (15:00 UTC the day before).
  const changes: Array<[string, number]> = [
    ['Europe/Berlin', Date.UTC(2026, 2, 29, 1)],
    ['Europe/Berlin', Date.UTC(2026, 9, 25, 1)],
    ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15)],
  ];
  for (const [zone, change] of changes) {
    for (let ts = change - 3_600_000; ts <= change + 3_600_000; ts += 60_000) assert.deepEqual(wallClock(ts, zone), intlWallClock(ts, zone), `${zone} at ${new Date(ts).toISOString()}`);
    for (const ts of [change - 1_000, change, change + 1_000, change + 1_799_000]) assert.deepEqual(wallClock(ts, zone), intlWallClock(ts, zone));
  }
  assert.equal(offsetAt(Date.UTC(2026, 2, 29, 0, 59, 59), 'Europe/Berlin'), 3_600_000);
  assert.equal(offsetAt(Date.UTC(2026, 2, 29, 1), 'Europe/Berlin'), 7_200_000);
  // 02:30 does not exist that night: moved forward to 03:30 CEST.
  assert.equal(zonedTimeToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin'), Date.UTC(2026, 2, 29, 1, 30));
});
