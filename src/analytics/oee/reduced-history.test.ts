// The reduced history reads (state, product, order changes; counter sums between cut points, see
// history.ts) must give exactly the cells, intervals and counter figures of the raw read, which
// feeds every sample: on simulated machines with faults and setups, and on a scripted stream that
// puts readings exactly on every cut (shift ends, start-up window ends, product changes) and has
// wraps, resets, glitches and bad readings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import type { Sample } from '../../model/index.js';
import { computeOeeFromHistory, type HistoryOptions } from './history.js';
import { shiftPlan, withDailyBreaks } from './plan-calendar.js';
import { FakeHistorian, machineTags, rawOnly, Script, simulatedLine } from './testing.js';

const HOUR = 3_600_000;
const M1 = 'test/site/area/line/m-1';

async function expectSame(samples: Sample[], tags: Parameters<typeof computeOeeFromHistory>[2], asset: string, from: number, to: number, options: HistoryOptions) {
  const fake = new FakeHistorian(samples);
  const reduced = await computeOeeFromHistory(fake, asset, tags, from, to, options);
  assert.deepEqual(fake.rawQueries.filter((q) => !q.tag.endsWith('/energy')).map((q) => q.tag), [], 'no raw samples read but the energy meter\'s');
  const raw = await computeOeeFromHistory(rawOnly(fake), asset, tags, from, to, options);
  assert.deepEqual(reduced.cells, raw.cells, `${asset}: cells`);
  assert.deepEqual(reduced.intervals, raw.intervals, `${asset}: intervals`);
  assert.deepEqual(reduced.counterStats, raw.counterStats, `${asset}: counter stats`);
  assert.ok(raw.cells.some((c) => c.totals.good > 0), 'units were booked');
  return raw;
}

test('reduced reads equal raw reads on 8 simulated hours of three machines with faults, setups and a custom calendar', async () => {
  const from = Date.parse('2026-11-23T05:00:00Z');
  const to = from + 8 * HOUR;
  const { tags, samples } = simulatedLine(['press', 'filler', 'cnc'], 5, from - HOUR, to);
  const plan = withDailyBreaks(shiftPlan(new ShiftCalendar('Europe/Berlin')), [{ start: '09:13', end: '09:41' }], 'Europe/Berlin');
  for (const machine of ['test/site/area/line/m-1', 'test/site/area/line/m-2', 'test/site/area/line/m-3']) {
    await expectSame(samples, tags, machine, from, to, { plan, lookBackMs: HOUR, startupMs: 7 * 60_000 });
    const overrides = [{ asset: machine, from: from + 2 * HOUR + 17_000, to: from + 3 * HOUR, reason: 'changeover', category: 'setup' as const }];
    await expectSame(samples, tags, machine, from + 1234, to - 999, { plan, lookBackMs: HOUR, overrides, energyBucketMs: 60_000 });
  }
});

test('reduced reads equal raw reads with readings exactly on every cut, wraps, resets, glitches and bad readings', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .order('05:00', 'JO-1')
    .state('05:30', 'running')
    .counts('05:30', 65_000, 0)
    .counts('06:00', 65_500, 3) // exactly at the shift start: belongs to the night shift
    .counts('06:00:01', 10, 4) // wrap at 65536
    .state('07:00', 'setup')
    .counts('07:00', 30, 4) // at the setup's start: booked as running
    .state('07:20', 'running')
    .counts('07:30', 50, 9) // 07:30 = setup end + 10 min: start-up scrap
    .counts('07:30:01', 60, 11) // just after: production scrap
    .product('08:00', 'p30', 30)
    .counts('08:00', 70, 11) // at the product change: still p60
    .counts('08:10', 2, 11) // reset (no wrap: 2 + 65536 - 70 is above half)
    .counts('08:20', 40_000, 11) // up
    .counts('08:30', 30_000, 12) // glitch
    .order('09:00', 'JO-2')
    .counts('09:00', 30_100, 12)
    .counts('13:59:59', 30_500, 20)
    .counts('14:00', 30_600, 21) // at the shift change: the early shift's
    .counts('14:00:01', 30_700, 22) // the late shift's
    .counts('16:00', 30_800, 23) // at the range end: counts
    .counts('16:00:01', 30_900, 24); // after: not read
  const samples = script.sorted();
  // A bad reading in between (skipped), and an uncertain one (kept).
  samples.push({ tag: `${M1}/good_count`, ts: script.t('08:25'), value: 0, quality: 'bad' });
  samples.push({ tag: `${M1}/good_count`, ts: script.t('09:30'), value: 30_200, quality: 'uncertain' });
  samples.sort((a, b) => a.ts - b.ts);
  const plan = shiftPlan(new ShiftCalendar('UTC'));
  const raw = await expectSame(samples, machineTags(M1, { counterMax: 65_535 }), M1, script.t('06:00'), script.t('16:00'), { plan, lookBackMs: 2 * HOUR });
  assert.deepEqual(raw.counterStats.good_count, { wraps: 1, resets: 1, glitches: 1 });
});
