// Integration: computeOeeFromHistory against the REAL embedded DuckDB historian (in a temp folder),
// fed by the virtual factory: its reduced reads must give the cells of every raw sample (the in-memory
// fake's raw path); the same for PostgreSQL.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbHistorian } from '../../historian/duckdb-historian.js';
import { openTestStore } from '../../transfer/testing.js';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { computeOeeFromHistory } from './history.js';
import { oeeReport } from './kpis.js';
import { sumCells } from './aggregate.js';
import { shiftPlan } from './plan-calendar.js';
import { FakeHistorian, rawOnly, simulatedLine } from './testing.js';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'loom-oee-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('integration: the real DuckDB historian gives the same OEE cells as the fake, raw and with energy per minute', async () => {
  const from = Date.parse('2026-11-23T05:00:00Z');
  const to = from + 4 * HOUR;
  const { tags, samples } = simulatedLine(['press', 'filler'], 11, from - HOUR, to);
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
      const expected = await computeOeeFromHistory(rawOnly(fake), machine, tags, from, to, { plan, lookBackMs: HOUR });
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

test('integration: PostgreSQL\'s reduced reads give the same OEE cells as every raw sample', async () => {
  const from = Date.parse('2026-11-23T05:00:00Z');
  const to = from + 4 * HOUR;
  const { tags, samples } = simulatedLine(['press', 'cnc'], 12, from - HOUR, to);
  const store = await openTestStore('postgres');
  const historian = store.historian;
  try {
    await historian.defineTags(tags.map((t, i) => ({ ...t, id: i + 1 })));
    for (let i = 0; i < samples.length; i += 20_000) await historian.write(samples.slice(i, i + 20_000));
    await historian.flush();
    const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'));
    for (const machine of ['test/site/area/line/m-1', 'test/site/area/line/m-2']) {
      const reduced = await computeOeeFromHistory(historian, machine, tags, from, to, { plan, lookBackMs: HOUR });
      const raw = await computeOeeFromHistory(rawOnly(historian), machine, tags, from, to, { plan, lookBackMs: HOUR });
      assert.deepEqual(reduced.cells, raw.cells, machine);
      assert.ok(raw.cells.some((c) => c.totals.good > 0));
    }
  } finally {
    await store.close();
  }
});
