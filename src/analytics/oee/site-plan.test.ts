// The site's `shifts` block is the one calendar: the OEE plans with it, and the simulator's machines
// report planned breaks where it lists them (not at the simulator's default centred breaks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FactorySimulation } from '../../connectors/simulator/engine.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { RawSample } from '../../connectors/types.js';
import { siteShiftsSchema } from './config.js';
import { planOfSite } from './site-plan.js';
import { intervalsFromStates } from './state-model.js';

const M1 = 'test/site/area/line/m-1';

test('the simulator takes the site\'s shifts block: its machines report planned breaks exactly where the plan has them', () => {
  const plant = onePlant('UTC', ['press']);
  // 17:45-18:15 crosses the shift change at 18:00; the default calendar would break at 09:45 and 17:45.
  plant.sites[0].shifts = siteShiftsSchema.parse({ starts: ['06:00', '18:00'], names: ['day', 'night'], breaks: [{ start: '12:00', end: '12:30' }, { start: '17:45', end: '18:15' }] });
  const from = Date.parse('2026-11-24T09:00:00Z');
  const to = Date.parse('2026-11-24T19:00:00Z');
  const sim = new FactorySimulation(plant, { seed: 2, faults: false, maintenanceMinutes: 0 }, from);
  const states: Array<{ ts: number; value: number }> = [];
  let out: RawSample[] = [];
  while (sim.nextTs < to) {
    sim.step(out);
    for (const s of out) if (s.tag === `${M1}/state`) states.push({ ts: s.ts as number, value: s.value as number });
    out = [];
  }
  const codes = sim.tagDefinitions().find((t) => t.path === `${M1}/state`)!.states!;
  const breaks = intervalsFromStates(states, codes, from, to)
    .filter((i) => i.category === 'planned_break')
    .map((i) => [new Date(i.from).toISOString().slice(11, 16), new Date(i.to).toISOString().slice(11, 16)]);
  assert.deepEqual(breaks, [['12:00', '12:30'], ['17:45', '18:15']]);

  const plan = planOfSite('UTC', plant.sites[0].shifts);
  const planned: string[][] = [];
  for (let t = from; t < to; t = plan.at(t).until) if (plan.at(t).inBreak) planned.push([new Date(t).toISOString().slice(11, 16), new Date(plan.at(t).until).toISOString().slice(11, 16)]);
  assert.deepEqual(planned, [['12:00', '12:30'], ['17:45', '18:00'], ['18:00', '18:15']], 'the plan splits the break at the shift change');
});
