import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftCalendar } from './shift-calendar.js';
import { offsetAt, wallClock, zonedTimeToUtc } from './time-zone.js';
import { localHHMM } from './testing.js';

const H = 3_600_000;
const M = 60_000;
const iso = (ts: number) => new Date(ts).toISOString();

test('zonedTimeToUtc converts local wall time in winter and summer', () => {
  // Berlin: CET (+1) in January, CEST (+2) in July.
  assert.equal(iso(zonedTimeToUtc(2025, 1, 15, 6, 0, 'Europe/Berlin')), '2025-01-15T05:00:00.000Z');
  assert.equal(iso(zonedTimeToUtc(2025, 7, 15, 6, 0, 'Europe/Berlin')), '2025-07-15T04:00:00.000Z');
  assert.equal(iso(zonedTimeToUtc(2025, 7, 15, 22, 0, 'America/Chicago')), '2025-07-16T03:00:00.000Z');
  assert.equal(iso(zonedTimeToUtc(2025, 7, 15, 6, 0, 'Asia/Kolkata')), '2025-07-15T00:30:00.000Z');
  assert.equal(iso(zonedTimeToUtc(2025, 1, 32, 6, 0, 'UTC')), '2025-02-01T06:00:00.000Z', 'day overflow rolls into the next month');
});

test('zonedTimeToUtc resolves the spring-forward gap forward and the fall-back overlap to the earlier instant', () => {
  // 2025-03-30 02:30 does not exist in Berlin (02:00 CET -> 03:00 CEST): moved to 03:30 CEST = 01:30Z.
  assert.equal(iso(zonedTimeToUtc(2025, 3, 30, 2, 30, 'Europe/Berlin')), '2025-03-30T01:30:00.000Z');
  // 2025-10-26 02:30 happens twice (CEST, then CET): the first, 00:30Z.
  assert.equal(iso(zonedTimeToUtc(2025, 10, 26, 2, 30, 'Europe/Berlin')), '2025-10-26T00:30:00.000Z');
  // Chile moves clocks at midnight: 2025-09-07 00:00 does not exist in Santiago (-> 01:00 -03).
  assert.equal(iso(zonedTimeToUtc(2025, 9, 7, 0, 0, 'America/Santiago')), '2025-09-07T04:00:00.000Z');
  assert.equal(offsetAt(Date.UTC(2025, 0, 1), 'Europe/Berlin'), H);
  assert.deepEqual(wallClock(Date.UTC(2025, 2, 30, 1, 30), 'Europe/Berlin'), { year: 2025, month: 3, day: 30, hour: 3, minute: 30, second: 0, weekday: 0 });
});

test('three shifts 06-14, 14-22, 22-06 with a 30-minute break in the middle of each', () => {
  const cal = new ShiftCalendar('Europe/Berlin');
  const day = Date.UTC(2025, 0, 15); // a Wednesday in winter (CET, +1)
  const shifts = cal.between(day, day + 24 * H);
  assert.deepEqual(
    shifts.map((s) => [s.name, s.date, localHHMM(s.start, 'Europe/Berlin'), localHHMM(s.end, 'Europe/Berlin'), localHHMM(s.breakStart, 'Europe/Berlin'), localHHMM(s.breakEnd, 'Europe/Berlin')]),
    [
      ['night', '2025-01-14', '22:00', '06:00', '01:45', '02:15'],
      ['early', '2025-01-15', '06:00', '14:00', '09:45', '10:15'],
      ['late', '2025-01-15', '14:00', '22:00', '17:45', '18:15'],
      ['night', '2025-01-15', '22:00', '06:00', '01:45', '02:15'],
    ],
  );
  for (let i = 1; i < shifts.length; i++) assert.equal(shifts[i].start, shifts[i - 1].end, 'shifts are contiguous');
  for (const s of shifts) {
    assert.equal(s.end - s.start, 8 * H);
    assert.equal(s.breakEnd - s.breakStart, 30 * M);
    assert.equal(s.weekday, new Date(`${s.date}T12:00:00Z`).getUTCDay());
    assert.ok(s.planned);
  }
});

test('the night shift crosses midnight and belongs to the day it starts', () => {
  const cal = new ShiftCalendar('Europe/Berlin');
  const beforeMidnight = cal.at(Date.UTC(2025, 0, 15, 22, 30)); // 23:30 local on the 15th
  const afterMidnight = cal.at(Date.UTC(2025, 0, 16, 3, 0)); // 04:00 local on the 16th
  assert.equal(beforeMidnight.name, 'night');
  assert.equal(beforeMidnight, afterMidnight, 'one shift object from 22:00 to 06:00');
  assert.equal(afterMidnight.date, '2025-01-15');
  assert.equal(iso(afterMidnight.start), '2025-01-15T21:00:00.000Z');
  assert.equal(iso(afterMidnight.end), '2025-01-16T05:00:00.000Z');
  assert.equal(iso(afterMidnight.breakStart), '2025-01-16T00:45:00.000Z'); // 01:45 local, after midnight
});

test('a spring-forward night shift is 7 h long and its break stays in the middle', () => {
  const cal = new ShiftCalendar('Europe/Berlin');
  const night = cal.at(Date.UTC(2025, 2, 30, 1, 0)); // 29 -> 30 March 2025: 02:00 CET -> 03:00 CEST
  assert.equal(night.date, '2025-03-29');
  assert.equal(iso(night.start), '2025-03-29T21:00:00.000Z'); // 22:00 CET
  assert.equal(iso(night.end), '2025-03-30T04:00:00.000Z'); // 06:00 CEST
  assert.equal(night.end - night.start, 7 * H);
  assert.equal(iso(night.breakStart), '2025-03-30T00:15:00.000Z'); // 01:15 CET
  assert.equal(iso(night.breakEnd), '2025-03-30T00:45:00.000Z');
  const next = cal.at(night.end);
  assert.equal(next.name, 'early');
  assert.equal(localHHMM(next.start, 'Europe/Berlin'), '06:00');
  assert.equal(localHHMM(next.breakStart, 'Europe/Berlin'), '09:45', 'the first summer-time shift is back to 8 h');
});

test('a fall-back night shift is 9 h long', () => {
  const cal = new ShiftCalendar('Europe/Berlin');
  const night = cal.at(Date.UTC(2025, 9, 26, 2, 0)); // 25 -> 26 October 2025: 03:00 CEST -> 02:00 CET
  assert.equal(iso(night.start), '2025-10-25T20:00:00.000Z'); // 22:00 CEST
  assert.equal(iso(night.end), '2025-10-26T05:00:00.000Z'); // 06:00 CET
  assert.equal(night.end - night.start, 9 * H);
  assert.equal(iso(night.breakStart), '2025-10-26T00:15:00.000Z'); // 02:15 CEST, the first 02:15 of that night
  assert.equal(night.breakEnd - night.breakStart, 30 * M);
});

test('DST in America/New_York (second Sunday of March)', () => {
  const cal = new ShiftCalendar('America/New_York');
  const night = cal.at(Date.UTC(2025, 2, 9, 8, 0));
  assert.equal(iso(night.start), '2025-03-09T03:00:00.000Z'); // 22:00 EST on 8 March
  assert.equal(iso(night.end), '2025-03-09T10:00:00.000Z'); // 06:00 EDT
  assert.equal(night.end - night.start, 7 * H);
});

test('a shift starting inside a DST gap starts when the gap ends', () => {
  const cal = new ShiftCalendar('America/Santiago', { shiftStarts: ['00:00', '08:00', '16:00'] });
  const shift = cal.at(Date.UTC(2025, 8, 7, 6, 0)); // 7 September 2025: 00:00 -> 01:00 local
  assert.equal(shift.index, 0);
  assert.equal(iso(shift.start), '2025-09-07T04:00:00.000Z'); // 01:00 -03
  assert.equal(shift.end - shift.start, 7 * H);
});

test('off days are not planned, custom shifts and breaks are honoured', () => {
  const cal = new ShiftCalendar('UTC', { shiftStarts: ['07:00', '19:00'], breakMinutes: 60, offDays: [0] });
  const sunday = cal.at(Date.UTC(2025, 0, 12, 10, 0));
  assert.equal(sunday.weekday, 0);
  assert.equal(sunday.planned, false);
  assert.equal(sunday.name, 'shift-1');
  assert.equal(sunday.end - sunday.start, 12 * H);
  assert.equal(iso(sunday.breakStart), '2025-01-12T12:30:00.000Z');
  assert.equal(sunday.breakEnd - sunday.breakStart, 60 * M);
  // Saturday's night shift runs into Sunday but belongs to Saturday: planned.
  const saturdayNight = cal.at(Date.UTC(2025, 0, 12, 3, 0));
  assert.equal(saturdayNight.date, '2025-01-11');
  assert.equal(saturdayNight.planned, true);
});

test('bad calendars are refused with a readable message', () => {
  assert.throws(() => new ShiftCalendar('Europe/Berln'), /unknown time zone 'Europe\/Berln'/);
  assert.throws(() => new ShiftCalendar('UTC', { shiftStarts: ['6:00'] }), /not a local time HH:MM/);
  assert.throws(() => new ShiftCalendar('UTC', { shiftStarts: ['14:00', '06:00'] }), /must ascend/);
  assert.throws(() => new ShiftCalendar('UTC', { shiftStarts: [] }), /at least one/);
});

test('at() answers for every minute of a DST week without gaps or overlaps', () => {
  const cal = new ShiftCalendar('Europe/Berlin');
  const from = Date.UTC(2025, 2, 27);
  let previous = cal.at(from);
  for (let t = from; t < from + 7 * 24 * H; t += 5 * M) {
    const shift = cal.at(t);
    assert.ok(shift.start <= t && t < shift.end, `shift contains ${iso(t)}`);
    if (shift !== previous) {
      assert.equal(shift.start, previous.end, `contiguous at ${iso(t)}`);
      previous = shift;
    }
    assert.ok(shift.breakStart > shift.start && shift.breakEnd < shift.end, 'break inside the shift');
  }
});
