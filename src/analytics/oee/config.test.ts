// The OEE config in the plant model: a site's shift calendar (shifts, breaks across shift
// boundaries and midnight, off days) and a machine's ideal cycle times; valid and invalid configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../model/index.js';
import { plantProductPri, sitePlanFor } from './routes.js';
import { planOfSite } from './site-plan.js';
import { OeeAccumulator } from './accumulator.js';

const yaml = (site: string, machine = '') => `
plant:
  enterprise: { id: acme }
  sites:
    - id: berlin
      timezone: UTC
${site}
      areas:
        - id: a
          lines:
            - id: l
              machines:
                - id: m
${machine}
`;

const SHIFTS = `      shifts:
        starts: ['06:00', '18:00']
        names: [day, night]
        breaks:
          - { start: '12:00', end: '12:30' }
          - { start: '17:45', end: '18:15' }
          - { start: '23:50', end: '00:20' }
        offDays: [sun]`;

const at = (iso: string) => Date.parse(`${iso}Z`);

test('a site declares shifts, daily breaks (across a shift boundary and midnight) and off days', () => {
  const config = parseConfig(yaml(SHIFTS));
  const plan = sitePlanFor(config.plant)('acme/berlin/a/l/m');
  // Thursday 2026-11-26 (UTC site).
  assert.deepEqual(plan.at(at('2026-11-26T07:00')), { planned: true, inBreak: false, day: '2026-11-26', shift: 'day', until: at('2026-11-26T12:00') });
  assert.equal(plan.at(at('2026-11-26T12:10')).inBreak, true);
  // 17:45-18:15 spans the day/night boundary: both halves are break, keyed to their own shift.
  assert.deepEqual(plan.at(at('2026-11-26T17:50')), { planned: true, inBreak: true, day: '2026-11-26', shift: 'day', until: at('2026-11-26T18:00') });
  assert.deepEqual(plan.at(at('2026-11-26T18:00')), { planned: true, inBreak: true, day: '2026-11-26', shift: 'night', until: at('2026-11-26T18:15') });
  // 23:50-00:20 crosses midnight inside the night shift, which belongs to the day it started.
  assert.deepEqual(plan.at(at('2026-11-26T23:55')), { planned: true, inBreak: true, day: '2026-11-26', shift: 'night', until: at('2026-11-27T00:20') });
  assert.equal(plan.at(at('2026-11-27T00:20')).inBreak, false);
  // No centred 30-minute break when the breaks are listed.
  assert.equal(plan.at(at('2026-11-27T00:00')).inBreak, true);
  assert.equal(plan.at(at('2026-11-27T03:00')).inBreak, false);
  // Sunday is off.
  assert.equal(plan.at(at('2026-11-29T10:00')).planned, false);
});

test('planned time of a day with listed breaks: 24 h minus 30 + 30 + 30 minutes of breaks', () => {
  const plan = planOfSite('UTC', parseConfig(yaml(SHIFTS)).plant.sites[0].shifts);
  const start = at('2026-11-26T06:00');
  const acc = new OeeAccumulator({ asset: 'm', start, plan });
  acc.setState(start, 'running');
  acc.advanceTo(start + 24 * 3_600_000);
  const total = acc.snapshot().reduce((a, c) => ({ pot: a.pot + c.totals.potMs, pdt: a.pdt + c.totals.plannedDowntimeMs }), { pot: 0, pdt: 0 });
  assert.equal(total.pot, 24 * 3_600_000);
  // A running machine works through its breaks (APT), so planned downtime stays 0; idle it is not.
  assert.equal(total.pdt, 0);
  const idle = new OeeAccumulator({ asset: 'm', start, plan });
  idle.setState(start, 'idle');
  idle.advanceTo(start + 24 * 3_600_000);
  assert.equal(idle.snapshot().reduce((a, c) => a + c.totals.plannedDowntimeMs, 0), 90 * 60_000);
});

test('without a shifts block the default calendar applies (06/14/22 h, 30-minute centred break)', () => {
  const plan = sitePlanFor(parseConfig(yaml('')).plant)('acme/berlin/a/l/m');
  assert.equal(plan.at(at('2026-11-26T14:00')).shift, 'late');
  assert.equal(plan.at(at('2026-11-26T17:50')).inBreak, true);
});

test('machines declare ideal cycle times per product', () => {
  const config = parseConfig(yaml('', "                  idealCycleTimes: { bracket-a: 12.5, 'bracket b': 20 }"));
  const pri = plantProductPri(config.plant);
  assert.deepEqual(pri('acme/berlin/a/l/m'), { 'bracket-a': 12.5, 'bracket b': 20 });
  assert.equal(pri('acme/berlin/a/l/other'), undefined);
});

function issues(text: string): string {
  try {
    parseConfig(text, 'plant.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('the config was accepted');
}

test('bad shift calendars and cycle times are refused with a message naming the field', () => {
  assert.match(issues(yaml("      shifts: { starts: ['6:00'] }")), /shifts\.starts\[0\].*'6:00' is not a local time HH:MM/);
  assert.match(issues(yaml("      shifts: { starts: ['14:00', '06:00'] }")), /shifts\.starts\[1\].*must ascend within the day \(14:00 then 06:00\)/);
  assert.match(issues(yaml("      shifts: { starts: ['06:00', '18:00'], names: [day] }")), /shifts\.names.*2 shift starts but 1 names/);
  assert.match(issues(yaml("      shifts: { breaks: [{ start: '12:00', end: '25:00' }] }")), /break end '25:00' is not a local time/);
  assert.match(issues(yaml("      shifts: { breaks: [{ start: '12:00', end: '12:00' }] }")), /start and end are equal/);
  assert.match(issues(yaml('      shifts: { offDays: [sunday] }')), /shifts\.offDays\[0\]/);
  assert.match(issues(yaml('      shifts: { start: [06:00] }')), /shifts.*start/);
  assert.match(issues(yaml('', '                  idealCycleTimes: { p: 0 }')), /idealCycleTimes\.p.*more than 0 s/);
  assert.match(issues(yaml('', '                  idealCycleTimes: { p: fast }')), /idealCycleTimes\.p: expected number, got string "fast"/);
});
