// Live and history must agree on the same sample stream. The stream comes from the real virtual
// factory, the live side reads it through the real Bus, the history side through a FAKE in-memory
// historian (only `query`; the real historian has its own tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../bus/index.js';
import { FactorySimulation } from '../../connectors/simulator/engine.js';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { RawSample } from '../../connectors/types.js';
import type { Sample } from '../../model/index.js';
import { computeOeeFromHistory } from './history.js';
import { LiveOee } from './live-oee.js';
import { oeeReport } from './kpis.js';
import { sumCells } from './aggregate.js';
import { shiftPlan } from './plan-calendar.js';
import { FakeHistorian, machineTags, Script } from './testing.js';
import type { Cell } from './types.js';

const HOUR = 3_600_000;

function simulate(from: number, to: number) {
  const plant = onePlant('Europe/Berlin', ['press', 'filler']);
  const sim = new FactorySimulation(plant, { seed: 7, faults: true }, from);
  const samples: Sample[] = [];
  let out: RawSample[] = [];
  while (sim.nextTs < to) {
    sim.step(out);
    for (const s of out) samples.push({ tag: s.tag, ts: s.ts as number, value: s.value as Sample['value'], quality: 'good' });
    out = [];
  }
  return { tags: sim.tagDefinitions(), samples, machines: ['test/site/area/line/m-1', 'test/site/area/line/m-2'] };
}

const byKey = (cells: Cell[]) => Object.fromEntries(cells.map((c) => [`${c.key.asset}|${c.key.day}|${c.key.shift}|${c.key.order}|${c.key.product}`, c.totals]));

test('LiveOee over the real Bus and computeOeeFromHistory agree on 8 simulated hours of two machines', async () => {
  const from = Date.parse('2026-11-23T05:00:00Z'); // Monday 06:00 CET
  const to = from + 8 * HOUR;
  const { tags, samples, machines } = simulate(from - 2 * HOUR, to);
  const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'));

  const bus = new Bus<Sample>({ queueLimit: 1_000_000 });
  const live = new LiveOee({ tags: () => tags, planFor: () => plan, start: from, now: () => to });
  live.attach(bus);
  for (let i = 0; i < samples.length; i++) {
    bus.publish(samples[i].tag, samples[i]);
    if (i % 50_000 === 0) await bus.idle();
  }
  await bus.idle();
  live.tick(to);
  assert.deepEqual(live.assets(), machines);

  const historian = new FakeHistorian(samples);
  for (const machine of machines) {
    const history = await computeOeeFromHistory(historian, machine, tags, from, to, { plan });
    const liveCells = live.cells(machine);
    assert.deepEqual(byKey(liveCells), byKey(history.cells), `${machine}: same cells, same sums`);
    const report = oeeReport(sumCells(history.cells));
    // Plausibility against what the simulator does (3-8 % speed loss, scrap of a few %).
    assert.ok(report.timeElements.PBT > 6.5 * HOUR && report.timeElements.PBT < 8 * HOUR, `PBT ${report.timeElements.PBT / HOUR} h`);
    assert.ok(report.iso.effectiveness! > 0.85 && report.iso.effectiveness! < 1, `effectiveness ${report.iso.effectiveness}`);
    assert.ok(report.iso.qualityRatio! > 0.8 && report.iso.qualityRatio! <= 1, `quality ${report.iso.qualityRatio}`);
    assert.ok(Math.abs(report.nakajima.oee! - report.iso.oee!) < 1e-12);
  }
  const line = live.report('test/site/area/line')!;
  assert.equal(line.timeElements.PBT, machines.map((m) => live.report(m)!.timeElements.PBT).reduce((a, b) => a + b, 0), 'a line sums its machines');
  live.stop();
});

test('LiveOee advances its open states on a timer (each second by default) and skips historical and unknown samples', async () => {
  const M = 'acme/berlin/machining/line-1/m1';
  const script = new Script(M).product('05:00', 'p60', 60).counts('06:00', 0, 0).state('06:00', 'running');
  let now = script.t('06:00');
  const live = new LiveOee({ tags: () => machineTags(M), planFor: () => shiftPlan(new ShiftCalendar('UTC')), start: now, now: () => now, lagMs: 0, tickMs: 5 });
  live.ingest(script.sorted());
  live.ingest([{ tag: `${M}/good_count`, ts: now + 1000, value: 99, quality: 'good', historical: true }]);
  live.ingest([{ tag: 'other/tag', ts: now + 1000, value: 1, quality: 'good' }]);
  assert.equal(live.stats.skipped, 2);
  live.start();
  now += 30 * 60_000;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok(live.stats.ticks > 0);
  assert.equal(live.report(M)!.timeElements.APT, 30 * 60_000);
  live.ingest([{ tag: `${M}/good_count`, ts: now, value: 30, quality: 'good' }]);
  now += 60_000;
  await new Promise((resolve) => setTimeout(resolve, 40));
  const report = live.report(M)!;
  assert.equal(report.timeElements.APT, 31 * 60_000);
  assert.equal(report.quantities.GQ, 30);
  assert.equal(live.reportBy(M, 'shift')[0].key, '2026-11-26 early');
  live.stop();
});

test("LiveOee takes each asset's ideal cycle times from productPriFor, over productPri and the tag", () => {
  const plan = shiftPlan(new ShiftCalendar('UTC'));
  const m1 = 'acme/s/a/l/m1';
  const m2 = 'acme/s/a/l/m2';
  const tags = [...machineTags(m1), ...machineTags(m2)];
  const start = Date.parse('2026-11-26T06:00:00Z');
  const live = new LiveOee({ tags: () => tags, planFor: () => plan, start, productPri: { p: 20 }, productPriFor: (asset) => (asset === m1 ? { p: 45 } : undefined), now: () => start + HOUR });
  for (const m of [m1, m2]) {
    live.ingest(new Script(m).product('05:00', 'p', 60).state('05:00', 'running').counts('05:00', 0).counts('06:30', 60).sorted());
  }
  live.tick(start + HOUR);
  assert.equal(live.report(m1)?.quantities.PRI, 45);
  assert.equal(live.report(m2)?.quantities.PRI, 20);
});
