// Integration: computeOeeFromHistory against the REAL embedded DuckDB historian (in a temp folder),
// fed by the virtual factory; it must agree with the in-memory fake the unit tests use.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbHistorian } from '../../historian/duckdb-historian.js';
import { FactorySimulation } from '../../connectors/simulator/engine.js';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { RawSample } from '../../connectors/types.js';
import type { Sample } from '../../model/index.js';
import { computeOeeFromHistory } from './history.js';
import { oeeReport } from './kpis.js';
import { sumCells } from './aggregate.js';
import { shiftPlan } from './plan-calendar.js';
import { FakeHistorian } from './testing.js';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'loom-oee-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('integration: the real DuckDB historian gives the same OEE cells as the fake, raw and with energy per minute', async () => {
  const from = Date.parse('2026-11-23T05:00:00Z');
  const to = from + 4 * HOUR;
  const plant = onePlant('Europe/Berlin', ['press', 'filler']);
  const sim = new FactorySimulation(plant, { seed: 11, faults: true }, from - HOUR);
  const tags = sim.tagDefinitions();
  const samples: Sample[] = [];
  let out: RawSample[] = [];
  while (sim.nextTs < to + 60_000) {
    sim.step(out);
    for (const s of out) samples.push({ tag: s.tag, ts: s.ts as number, value: s.value as Sample['value'], quality: 'good' });
    out = [];
  }
  const historian = new DuckDbHistorian({ path: join(dir, 'oee.duckdb') });
  await historian.open();
  try {
    await historian.defineTags(tags.map((t, i) => ({ ...t, id: i + 1 })));
    for (let i = 0; i < samples.length; i += 20_000) await historian.write(samples.slice(i, i + 20_000));
    await historian.flush();
    const fake = new FakeHistorian(samples);
    const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'));
    for (const machine of ['test/site/area/line/m-1', 'test/site/area/line/m-2']) {
      const real = await computeOeeFromHistory(historian, machine, tags, from, to, { plan, lookBackMs: HOUR });
      const expected = await computeOeeFromHistory(fake, machine, tags, from, to, { plan, lookBackMs: HOUR });
      assert.deepEqual(real.cells, expected.cells, `${machine}: raw`);
      const rolled = oeeReport(sumCells((await computeOeeFromHistory(historian, machine, tags, from, to, { plan, lookBackMs: HOUR, energyBucketMs: 60_000 })).cells));
      const raw = oeeReport(sumCells(real.cells));
      assert.ok(raw.quantities.energy! > 0);
      assert.ok(Math.abs(rolled.quantities.energy! - raw.quantities.energy!) / raw.quantities.energy! < 0.01, `energy ${rolled.quantities.energy} vs ${raw.quantities.energy}`);
      assert.deepEqual(rolled.timeElements, raw.timeElements);
    }
  } finally {
    await historian.close();
  }
});
